#pragma once
/// The file-system backend of the file, directory and kv resources (cf. ninja's DiskInterface).
/// Paths given here are host paths, already resolved under the root by RootPath. No operation
/// follows a symbolic link at the final path component. The system implementation also holds
/// the path up to it: each operation opens the folder by handle and acts relative to it, inside
/// the --root folder when the path is under it (a link there cannot lead out, even one that
/// appears during the run), and elsewhere never from a folder or link an unprivileged user owns
/// into one another user owns (see engine/os/linux/dir_handle.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
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
  std::string bytes;     ///< empty unless info.kind is kRegular and the file was read
  bool complete = true;  ///< false: a regular file larger than Load's limit, left unread (bytes empty)
};

/// What Load reads at most unless told otherwise: no configuration file plumb edits comes near
/// it, and a 1 TiB sparse file at a managed path must not be read into memory.
constexpr uint64_t kMaxLoadBytes = 64ull << 20;

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
  /// The temporary file's path, for a program that checks the new content before Commit
  /// (validate_command). Valid until Commit or destruction.
  virtual std::string TemporaryPath() const = 0;
  virtual Status Commit() = 0;
  /// Commit's last step alone, for files replaced in a batch: FileSystem::SyncData has made the
  /// data of this file (with its owner and mode) durable, and this renames it over the path
  /// without syncing; the rename is durable once FileSystem::SyncFolders has run for it. A crash
  /// at any point leaves the path old or new, never partial. Where the system has no cheaper way
  /// to batch (Windows writes through), Place is a whole Commit.
  virtual Status Place() { return Commit(); }
};

/// plumb's own state (journal, snapshot cache, history, schedule record): readable and writable
/// by the running user only.
inline FileAttributes PrivateFile() { return {0600, std::nullopt, std::nullopt}; }
inline FileAttributes PrivateFolder() { return {0700, std::nullopt, std::nullopt}; }

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// lstat; a missing path is kind kMissing, not an error.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  /// The file's metadata (as Stat) and, when it is a regular file of at most `max_bytes`, its
  /// bytes — in one pass, since testing thousands of files is bounded by system calls. A larger
  /// file is not read (complete = false).
  virtual Result<FileContent> Load(const std::string& path, uint64_t max_bytes) = 0;
  Result<FileContent> Load(const std::string& path) { return Load(path, kMaxLoadBytes); }
  virtual Result<std::string> ReadLink(const std::string& path) = 0;
  /// The names in the folder `path`, sorted bytewise, without "." and "..". A missing folder has
  /// none; the folders on the way are opened as for every other operation.
  virtual Result<std::vector<std::string>> List(const std::string& path) = 0;
  /// Starts replacing `path` (see AtomicFile); `attrs` apply to the new file.
  virtual Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) = 0;
  /// Replaces `path` with `content` through CreateAtomic.
  Status WriteAtomic(const std::string& path, std::string_view content, const FileAttributes& attrs) {
    auto file = CreateAtomic(path, attrs);
    if (!file) return file.error();
    if (auto st = (*file)->Append(content); !st) return st;
    return (*file)->Commit();
  }
  /// Starts writing an output the user named (a report, a plan, a graph) as CreateAtomic does,
  /// but refuses, and never replaces, anything at the path that is not a regular file: a link, a
  /// device, a FIFO or a folder there is someone else's.
  Result<std::unique_ptr<AtomicFile>> CreateOutput(const std::string& path) {
    auto info = Stat(path);
    if (!info) return info.error();
    if (info->kind != FileKind::kMissing && info->kind != FileKind::kRegular)
      return Error{ErrorKind::kAlreadyExists, "cannot write '" + path + "': it is a " + ToString(info->kind) +
                                                  ", and plumb replaces only regular files"};
    return CreateAtomic(path, {});
  }
  Status WriteOutput(const std::string& path, std::string_view content) {
    auto file = CreateOutput(path);
    if (!file) return file.error();
    if (auto st = (*file)->Append(content); !st) return st;
    return (*file)->Commit();
  }
  /// Batched durability, step one: sets the owner and mode of each file (not yet placed) and
  /// makes their data durable all at once where the system can (one syncfs per file system
  /// instead of an fsync per file). On error nothing has been placed. Default: nothing, for
  /// file systems whose Place is a whole Commit.
  virtual Status SyncData(const std::vector<AtomicFile*>& files) {
    (void)files;
    return OkStatus();
  }
  /// Batched durability, last step, after Place of each: makes the renames durable, each folder
  /// synced once however many files were placed in it.
  virtual Status SyncFolders(const std::vector<AtomicFile*>& files) {
    (void)files;
    return OkStatus();
  }
  virtual Status MakeDirectory(const std::string& path, const FileAttributes& attrs) = 0;
  /// Creates `path` and the missing folders above it with `attrs`; folders that exist are left
  /// as they are. Something else than a folder on the way is kAlreadyExists.
  Status MakeDirectories(const std::string& path, const FileAttributes& attrs) {
    auto info = Stat(path);
    if (!info) return info.error();
    if (info->kind == FileKind::kDirectory || info->kind == FileKind::kSymlink) return OkStatus();  // a link is followed safely below
    if (info->kind != FileKind::kMissing)
      return Error{ErrorKind::kAlreadyExists, "cannot create folder '" + path + "': a " + ToString(info->kind) + " is in the way"};
    size_t slash = path.find_last_of("/\\");
    if (slash != std::string::npos && slash > 0 && path[slash - 1] != ':') {
      if (auto st = MakeDirectories(path.substr(0, slash), attrs); !st) return st;
    }
    auto st = MakeDirectory(path, attrs);
    return st.Is(ErrorKind::kAlreadyExists) ? OkStatus() : st;
  }
  virtual Status SetMode(const std::string& path, uint32_t mode) = 0;
  virtual Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) = 0;
  /// Removes a file or symbolic link (never a directory).
  virtual Status RemoveFile(const std::string& path) = 0;
  /// Creates a symbolic link at `path` to `target` (kept as written, never resolved here), and
  /// makes it durable. Something already at `path` is kAlreadyExists.
  virtual Status MakeSymlink(const std::string& path, const std::string& target) = 0;
  /// Removes an empty directory.
  virtual Status RemoveDirectory(const std::string& path) = 0;
};

enum class AccountKind { kUser, kGroup };

/// User and group names. Numeric strings are ids as they are.
class AccountDb {
 public:
  virtual ~AccountDb() = default;
  /// The file names are looked up in, for messages ("/srv/image/etc/passwd"); "" for the running
  /// system's own databases (NSS).
  virtual std::string Origin(AccountKind) const { return ""; }
  virtual std::optional<uint32_t> UserId(const std::string& name) = 0;
  virtual std::optional<uint32_t> GroupId(const std::string& name) = 0;
  virtual std::string UserName(uint32_t uid) = 0;   ///< the number as text when unknown
  virtual std::string GroupName(uint32_t gid) = 0;  ///< the number as text when unknown
};

}  // namespace plumb
