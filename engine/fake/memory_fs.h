#pragma once
/// A file system that lives in memory, for unit tests that need files without touching the disk
/// (ninja's VirtualFileSystem). Paths are plain strings: "/etc/motd" and "/etc//motd" are different
/// entries, as the real backends receive already-normalised paths.
/// Invariants: every entry but "/" has a parent directory entry; a directory is removed only when
/// empty; WriteAtomic's content appears at Commit, never before.

#include <map>
#include <memory>
#include <string>

#include "engine/os/filesystem.h"

namespace plumb {

class MemoryFileSystem : public FileSystem {
 public:
  MemoryFileSystem();

  Result<FileInfo> Stat(const std::string& path) override;
  using FileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max_bytes) override;
  Result<std::string> ReadLink(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& path) override;
  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) override;
  Status MakeDirectory(const std::string& path, const FileAttributes& attrs) override;
  Status SetMode(const std::string& path, uint32_t mode) override;
  Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) override;
  Status RemoveFile(const std::string& path) override;
  Status MakeSymlink(const std::string& path, const std::string& target) override;
  Status RemoveDirectory(const std::string& path) override;

  // For tests to set up and inspect.
  /// Creates or replaces a regular file (its folders are created as needed).
  void AddFile(const std::string& path, std::string bytes, uint32_t mode = 0644);
  void AddSymlink(const std::string& path, std::string target);
  /// An entry of another kind (a FIFO, a device) that has no content to read.
  void AddSpecial(const std::string& path);
  /// Makes every read of `path` fail with `error` (permission denied, an I/O error).
  void FailReads(const std::string& path, Error error);
  /// The file's bytes, or "" when it is not a regular file.
  std::string Read(const std::string& path) const;
  bool Exists(const std::string& path) const { return entries_.count(path) > 0; }

 private:
  struct Entry {
    FileInfo info;
    std::string bytes;   ///< a regular file's content
    std::string target;  ///< a symbolic link's target
  };
  class PendingFile;

  void MakeParents(const std::string& path);
  Status NeedParent(const std::string& path, const std::string& what) const;
  Status Put(const std::string& path, std::string bytes, const FileAttributes& attrs);

  std::map<std::string, Entry> entries_;
  std::map<std::string, Error> failing_reads_;
};

}  // namespace plumb
