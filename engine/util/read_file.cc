#include "engine/util/read_file.h"

#include <filesystem>
#include <fstream>

namespace plumb {

bool ReadFileInto(const std::string& path, std::string& out, size_t spare) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  // One byte more than the size: reading short means the end, so a regular file takes one read;
  // a file that grew, and a /proc file that reports size 0, are read on to their end.
  out.resize(static_cast<size_t>(size) + 1);
  size_t got = 0;
  for (;;) {
    in.read(out.data() + got, static_cast<std::streamsize>(out.size() - got));
    got += static_cast<size_t>(in.gcount());
    if (got < out.size() || in.bad()) break;
    out.resize(out.size() * 2 + 4096);
  }
  out.resize(got);
  out.reserve(got + spare);
  return !in.bad();
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::string text;
  if (!ReadFileInto(path, text, 0)) return std::nullopt;
  return text;
}

}  // namespace plumb
