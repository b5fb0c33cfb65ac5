#pragma once
/// The file-system backend of the file, directory and kv resources (cf. ninja's DiskInterface).
/// Paths given here are host paths, already resolved under the root by RootPath. No operation
/// follows a symbolic link at the final path component.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace plumb {

enum class FileKind { kMissing, kRegular, kDirectory, kSymlink, kOther };
inline const char* ToString(FileKind kind) {
  switch (kind) {
    case FileKind::kMissing: return "absent";
    case FileKind::kRegular: return "file";
    case FileKind::kDirectory: return "directory";
    case FileKind::kSymlink: return "symlink";
    case FileKind::kOther: return "special file";
  }
  return "unknown";
}

struct FileInfo {
  FileKind kind = FileKind::kMissing;
  uint32_t mode = 0;  ///< permission bits only (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
};

struct FileContent {
  FileInfo info;
  std::string bytes;  ///< empty unless info.kind is kRegular
};

/// Attributes for a new file or directory; unset fields keep what the replaced file had, or the
/// defaults (0644 / 0755, the current user) when there was none.
struct FileAttributes {
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

/// A file being written in pieces that appears at its path all at once. Created by
/// FileSystem::CreateAtomic as a temporary file beside the path; Commit syncs it, renames it over
/// the path and syncs the folder: readers see the old or the new content, never a mix, and the new
/// content survives a power cut. Destroyed without a successful Commit, the temporary file is
/// removed and the path is left as it was.
class AtomicFile {
 public:
  virtual ~AtomicFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Commit() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// lstat; a missing path is kind kMissing, not an error.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  /// The file's metadata (as Stat) and, when it is a regular file, its bytes — in one pass, since
  /// testing thousands of files is bounded by system calls.
  virtual Result<FileContent> Load(const std::string& path) = 0;
  virtual Result<std::string> ReadLink(const std::string& path) = 0;
  /// Starts replacing `path` (see AtomicFile); `attrs` apply to the new file.
  virtual Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) = 0;
  /// Replaces `path` with `content` through CreateAtomic.
  Status WriteAtomic(const std::string& path, std::string_view content, const FileAttributes& attrs) {
    auto file = CreateAtomic(path, attrs);
    if (!file) return file.error();
    if (auto st = (*file)->Append(content); !st) return st;
    return (*file)->Commit();
  }
  virtual Status MakeDirectory(const std::string& path, const FileAttributes& attrs) = 0;
  virtual Status SetMode(const std::string& path, uint32_t mode) = 0;
  virtual Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) = 0;
  /// Removes a file or symbolic link (never a directory).
  virtual Status RemoveFile(const std::string& path) = 0;
  /// Removes an empty directory.
  virtual Status RemoveDirectory(const std::string& path) = 0;
};

/// User and group names. Numeric strings are ids as they are.
class AccountDb {
 public:
  virtual ~AccountDb() = default;
  virtual std::optional<uint32_t> UserId(const std::string& name) = 0;
  virtual std::optional<uint32_t> GroupId(const std::string& name) = 0;
  virtual std::string UserName(uint32_t uid) = 0;   ///< the number as text when unknown
  virtual std::string GroupName(uint32_t gid) = 0;  ///< the number as text when unknown
};

}  // namespace plumb
