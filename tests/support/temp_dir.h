#pragma once
/// Test support: a fresh temporary folder removed with everything in it at scope exit, and
/// small file helpers. Tests never touch anything outside such a folder.

#include <string>

namespace plumb::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void WriteText(const std::string& path, const std::string& text);
std::string ReadText(const std::string& path);

}  // namespace plumb::testing
