#pragma once
/// Maps policy paths (absolute, as on the managed system) to host paths under --root.
/// Invariant: a resolved path never leaves the root: ".." above the root is an error, and every
/// symbolic link on the way is resolved inside the root (absolute targets are taken relative to
/// the root, like a chroot) and rejected when it climbs out. The final component is never
/// followed: resources act on the link itself.

#include <string>
#include <string_view>
#include <unordered_set>

#include "engine/util/result.h"
#include "engine/os/filesystem.h"

namespace plumb {

/// The path syntax of the host plumb runs on: a drive path ("C:/x") names a file only on Windows.
enum class HostPaths { kPosix, kWindows };

class RootPath {
 public:
  /// `root` "" or "/" means the real root: paths are only normalised, links left to the kernel.
  /// On a POSIX host a drive path is an error unless a root is given (an offline Windows image,
  /// whose drive C is the folder ROOT/C).
  RootPath(std::string root, FileSystem& fs, HostPaths host = HostPaths::kPosix);

  Result<std::string> Resolve(std::string_view policy_path) const;
  const std::string& root() const { return root_; }
  bool confined() const { return !root_.empty(); }

 private:
  std::string root_;  ///< without trailing '/', "" for the real root
  FileSystem& fs_;
  HostPaths host_;
  /// Host folders already seen not to be links: thousands of resources share a few folders,
  /// and resolution happens once per resource before anything runs.
  mutable std::unordered_set<std::string> plain_dirs_;
};

/// "C:\\x" or "C:/x": an absolute Windows path with a drive letter.
bool IsDrivePath(std::string_view path);

}  // namespace plumb
