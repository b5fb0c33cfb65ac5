#include "engine/util/read_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace plumb {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(ss).str();
}

bool ReadFileInto(const std::string& path, std::string& out, size_t spare) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.reserve(size + spare);
  out.resize(size);
  in.read(out.data(), static_cast<std::streamsize>(size));
  // A file that shrank since file_size reads short; one that grew is read to the size it had.
  out.resize(static_cast<size_t>(in.gcount()));
  return !in.bad();
}

}  // namespace plumb
