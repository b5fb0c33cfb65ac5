// POSIX implementation of FileSystem. Every operation opens the folder that holds the path by
// handle (dir_handle.h) and acts relative to it with *at() calls and O_NOFOLLOW, so a link that
// appears after the check cannot redirect it; replacement is atomic and durable.

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#include "engine/os/linux/dir_handle.h"
#include "engine/os/linux/errno_kind.h"
#include "engine/os/linux/unique_fd.h"
#include "engine/os/system.h"

namespace plumb {
namespace {

Error Errno(const std::string& what, const std::string& path, int err = errno) {
  return Error{KindOfErrno(err), "cannot " + what + " '" + path + "': " + std::strerror(err)};
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

FileInfo Info(const struct stat& st) {
  FileInfo info;
  info.kind = S_ISREG(st.st_mode)   ? FileKind::kRegular
              : S_ISDIR(st.st_mode) ? FileKind::kDirectory
              : S_ISLNK(st.st_mode) ? FileKind::kSymlink
                                    : FileKind::kOther;
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = static_cast<uint64_t>(st.st_size);
  return info;
}

// ".NAME.plumb-XXXXXX": the temporary files of CreateAtomic.
bool IsTempName(const char* name) {
  size_t n = std::strlen(name);
  return n >= 15 && name[0] == '.' && std::memcmp(name + n - 13, ".plumb-", 7) == 0;
}

/// A folder held open for the operations on the entries in it. The handle is shared with the
/// cache, so it stays valid for the operation even if the cache lets go of it.
struct Parent {
  std::shared_ptr<UniqueFd> dir;
  std::string folder;  ///< the folder's path, as the cache knows it
  std::string name;    ///< the entry in `dir`
  bool in_root = false;
  int fd() const { return dir->fd(); }
};

class PosixAtomicFile : public AtomicFile {
 public:
  PosixAtomicFile(std::string path, Parent parent, std::string tmp, UniqueFd fd, FileAttributes attrs)
      : path_(std::move(path)), parent_(std::move(parent)), tmp_(std::move(tmp)), fd_(std::move(fd)), attrs_(attrs) {}
  ~PosixAtomicFile() override {
    if (!committed_) ::unlinkat(parent_.fd(), tmp_.c_str(), 0);
  }

  Status Append(std::string_view data) override { return WriteAll(fd_.fd(), data, path_); }
  std::string TemporaryPath() const override { return parent_.folder + (parent_.folder == "/" ? "" : "/") + tmp_; }

  Status Commit() override {
    if (auto st = Seal(); !st) return st;
    if (::fsync(fd_.fd()) != 0) return Errno("sync", path_);
    if (auto st = Place(); !st) return st;
    return SyncFolder();
  }

  Status Place() override {
    fd_.reset();
    if (::renameat(parent_.fd(), tmp_.c_str(), parent_.fd(), parent_.name.c_str()) != 0) return Errno("replace", path_);
    committed_ = true;
    return OkStatus();
  }

  // The batch steps of PosixFileSystem::SyncData and SyncFolders.
  Status Seal() {
    if (attrs_.uid || attrs_.gid) {
      if (::fchown(fd_.fd(), attrs_.uid ? *attrs_.uid : static_cast<uid_t>(-1),
                   attrs_.gid ? *attrs_.gid : static_cast<gid_t>(-1)) != 0)
        return Errno("set owner of", path_);
    }
    if (::fchmod(fd_.fd(), attrs_.mode ? *attrs_.mode : 0644) != 0) return Errno("set mode of", path_);
    return OkStatus();
  }
  // A rename is durable only once the folder holding the entry is synced.
  Status SyncFolder() const {
    if (::fsync(parent_.fd()) != 0) return Errno("sync the folder of", path_);
    return OkStatus();
  }
  int fd() const { return fd_.fd(); }
  int folder_fd() const { return parent_.fd(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Parent parent_;
  std::string tmp_;
  UniqueFd fd_;
  FileAttributes attrs_;
  bool committed_ = false;
};

class PosixFileSystem : public FileSystem {
 public:
  explicit PosixFileSystem(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    if (root_ == "/") root_.clear();
  }

  Result<FileInfo> Stat(const std::string& path) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<FileInfo>(FileInfo{}) : parent.error();
    struct stat st;
    if (::fstatat(parent->fd(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return FileInfo{};
      return Errno("stat", path);
    }
    return Info(st);
  }

  using FileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max_bytes) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<FileContent>(FileContent{}) : parent.error();
    // O_NOFOLLOW: a link at the path is reported as a link, never read through. O_NONBLOCK: a
    // FIFO placed there cannot block the run. O_NOATIME: checking a file is not using it, so a
    // test run leaves access times alone and writes no inode; the kernel allows it only to the
    // file's owner or a process with CAP_FOWNER, so anyone else reads with a plain open.
    constexpr int kRead = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    UniqueFd fd(::openat(parent->fd(), parent->name.c_str(), kRead | O_NOATIME));
    if (!fd.valid() && errno == EPERM) fd = UniqueFd(::openat(parent->fd(), parent->name.c_str(), kRead));
    if (!fd.valid()) {
      if (errno == ENOENT || errno == ENOTDIR) return FileContent{};
      if (errno == ELOOP || errno == ENXIO) {
        struct stat st;
        if (::fstatat(parent->fd(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Errno("stat", path);
        return FileContent{Info(st), {}};
      }
      return Errno("read", path);
    }
    struct stat st;
    if (::fstat(fd.fd(), &st) != 0) return Errno("stat", path);
    FileContent result;
    result.info = Info(st);
    if (!S_ISREG(st.st_mode)) return result;
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      result.complete = false;
      return result;
    }
    // One byte more than the size: a short read of a regular file means end of file, so the
    // common case costs a single read call; a file that grew keeps being read to its end, or
    // to one byte past the limit.
    std::string out;
    out.resize(static_cast<size_t>(st.st_size) + 1);
    size_t got = 0;
    for (;;) {
      ssize_t n = ::read(fd.fd(), out.data() + got, out.size() - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("read", path);
      }
      got += static_cast<size_t>(n);
      if (n == 0 || got < out.size()) break;
      if (got > max_bytes) {
        result.complete = false;
        return result;
      }
      out.resize(std::min<uint64_t>(out.size() + 4096, max_bytes < UINT64_MAX ? max_bytes + 1 : max_bytes));
    }
    out.resize(got);
    result.bytes = std::move(out);
    return result;
  }

  Result<std::string> ReadLink(const std::string& path) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error();
    std::string buf(4096, '\0');
    ssize_t n = ::readlinkat(parent->fd(), parent->name.c_str(), buf.data(), buf.size());
    if (n < 0) return Errno("read link", path);
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  Result<std::vector<std::string>> List(const std::string& path) override {
    using Names = std::vector<std::string>;
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<Names>(Names{}) : parent.error();
    // O_NOFOLLOW: a link in place of the folder is not listed through.
    UniqueFd fd(::openat(parent->fd(), parent->name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return errno == ENOENT || errno == ENOTDIR ? Result<Names>(Names{}) : Errno("list", path);
    DIR* dir = ::fdopendir(fd.fd());
    if (!dir) return Errno("list", path);
    fd.release();
    std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
    Names names;
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) override {
    auto parent = OpenParent(path);
    if (parent.Is(ErrorKind::kNotFound))
      return Error{ErrorKind::kNotFound, "cannot create a temporary file in '" + FolderOf(path) + "': No such file or directory"};
    if (!parent) return parent.error().Prefixed("cannot write '" + path + "': ");
    SweepTemporaryFiles(*parent);
    // Created 0600 in the folder's handle: nobody can open it before the mode is set, and the
    // name cannot be redirected. The flock tells a later run whether its writer is still alive.
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string tmp = "." + parent->name + ".plumb-" + RandomSuffix();
      UniqueFd fd(::openat(parent->fd(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!fd.valid() && errno == EEXIST) continue;
      if (!fd.valid()) return Errno("create a temporary file for", path);
      ::flock(fd.fd(), LOCK_EX | LOCK_NB);
      return std::unique_ptr<AtomicFile>(new PosixAtomicFile(path, std::move(*parent), std::move(tmp), std::move(fd), attrs));
    }
    return Errno("create a temporary file for", path, EEXIST);
  }

  // Writeback of every file is started first, so that the data go to disk together and the
  // first fsync commits the file system's journal for all of them: the others then find their
  // blocks written and their metadata (size, owner, mode) committed. Only these files are
  // synced, not the whole file system (syncfs would also wait for every other program's dirty
  // data). fsync, not fdatasync: the mode and owner must be durable before the rename is.
  Status SyncData(const std::vector<AtomicFile*>& files) override {
    for (AtomicFile* f : files)
      if (auto st = static_cast<PosixAtomicFile*>(f)->Seal(); !st) return st;
    for (AtomicFile* f : files) ::sync_file_range(static_cast<PosixAtomicFile*>(f)->fd(), 0, 0, SYNC_FILE_RANGE_WRITE);
    for (AtomicFile* f : files) {
      auto* file = static_cast<PosixAtomicFile*>(f);
      if (::fsync(file->fd()) != 0) return Errno("sync", file->path());
    }
    return OkStatus();
  }

  Status SyncFolders(const std::vector<AtomicFile*>& files) override {
    std::unordered_set<int> synced;
    for (AtomicFile* f : files) {
      auto* file = static_cast<PosixAtomicFile*>(f);
      if (!synced.insert(file->folder_fd()).second) continue;
      if (auto st = file->SyncFolder(); !st) return st;
    }
    return OkStatus();
  }

  Status MakeDirectory(const std::string& path, const FileAttributes& attrs) override {
    auto parent = OpenParent(path);
    if (parent.Is(ErrorKind::kNotFound))
      return Error{ErrorKind::kNotFound, "cannot create folder '" + path + "': No such file or directory"};
    if (!parent) return parent.error().Prefixed("cannot create folder '" + path + "': ");
    uint32_t mode = attrs.mode ? *attrs.mode : 0755;
    // Created private, then given its owner and exact mode through its own handle (mkdir applies
    // the umask, and a chmod by name could be sent elsewhere).
    if (::mkdirat(parent->fd(), parent->name.c_str(), 0700) != 0) return Errno("create folder", path);
    UniqueFd fd(::openat(parent->fd(), parent->name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return Errno("open folder", path);
    if ((attrs.uid || attrs.gid) && ::fchown(fd.fd(), attrs.uid ? *attrs.uid : static_cast<uid_t>(-1),
                                             attrs.gid ? *attrs.gid : static_cast<gid_t>(-1)) != 0)
      return Errno("set owner of", path);
    if (::fchmod(fd.fd(), mode) != 0) return Errno("set mode of", path);
    if (::fsync(parent->fd()) != 0) return Errno("sync the folder of", path);
    return OkStatus();
  }

  Status SetMode(const std::string& path, uint32_t mode) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed("cannot set mode of '" + path + "': ");
    UniqueFd fd(::openat(parent->fd(), parent->name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) return Errno("open", path);
    if (auto st = RefuseSharedInode(fd.fd(), *parent, "mode", path); !st) return st;
    if (::fchmod(fd.fd(), mode) != 0) return Errno("set mode of", path);
    return OkStatus();
  }

  Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed("cannot set owner of '" + path + "': ");
    // O_PATH | O_NOFOLLOW opens a link itself, so this is lchown, by handle.
    UniqueFd fd(::openat(parent->fd(), parent->name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return Errno("open", path);
    if (auto st = RefuseSharedInode(fd.fd(), *parent, "owner", path); !st) return st;
    if (::fchownat(fd.fd(), "", uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1),
                   AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
      return Errno("set owner of", path);
    return OkStatus();
  }

  Status RemoveFile(const std::string& path) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed("cannot remove '" + path + "': ");
    if (::unlinkat(parent->fd(), parent->name.c_str(), 0) != 0) return Errno("remove", path);
    if (::fsync(parent->fd()) != 0) return Errno("sync the folder of", path);
    return OkStatus();
  }

  Status MakeSymlink(const std::string& path, const std::string& target) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed("cannot create link '" + path + "': ");
    if (::symlinkat(target.c_str(), parent->fd(), parent->name.c_str()) != 0) return Errno("create link", path);
    if (::fsync(parent->fd()) != 0) return Errno("sync the folder of", path);
    return OkStatus();
  }

  Status RemoveDirectory(const std::string& path) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed("cannot remove folder '" + path + "': ");
    if (::unlinkat(parent->fd(), parent->name.c_str(), AT_REMOVEDIR) != 0) return Errno("remove folder", path);
    Forget(Normal(path));
    if (::fsync(parent->fd()) != 0) return Errno("sync the folder of", path);
    return OkStatus();
  }

 private:
  // Absolute and without "." or "..": relative paths are taken from the working folder, whose
  // name getcwd gives without links, so removing ".." by text means what the kernel would.
  static std::string Normal(const std::string& path) {
    // Resolved policy paths are already normal; only others pay for std::filesystem.
    bool plain = !path.empty() && path[0] == '/' && path.find("//") == std::string::npos &&
                 path.find("/./") == std::string::npos && path.find("/../") == std::string::npos &&
                 !path.ends_with("/.") && !path.ends_with("/..") && (path.size() == 1 || path.back() != '/');
    if (plain) return path;
    std::filesystem::path p(path);
    std::error_code ec;
    if (p.is_relative()) p = std::filesystem::current_path(ec) / p;
    std::string out = p.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
  }

  static std::string FolderOf(const std::string& path) {
    std::string normal = Normal(path);
    size_t slash = normal.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : normal.substr(0, slash);
  }

  bool InRoot(const std::string& normal) const {
    return !root_.empty() && normal.size() > root_.size() && normal.compare(0, root_.size(), root_) == 0 &&
           normal[root_.size()] == '/';
  }

  Result<Parent> OpenParent(const std::string& path) {
    std::string normal = Normal(path);
    size_t slash = normal.rfind('/');
    if (normal == "/" || slash == std::string::npos)
      return Error{ErrorKind::kInvalidInput, "'" + path + "' names no entry in a folder"};
    std::string dir = slash == 0 ? "/" : normal.substr(0, slash);
    Parent parent;
    parent.folder = dir;
    parent.name = normal.substr(slash + 1);
    parent.in_root = InRoot(normal);
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = dirs_.find(dir); it != dirs_.end()) {
      parent.dir = it->second;
      return parent;
    }
    Result<UniqueFd> opened = Error{ErrorKind::kInternal, ""};
    if (parent.in_root) {
      if (!root_fd_.valid()) {
        root_fd_.reset(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root_fd_.valid()) return Errno("open the root folder", root_);
      }
      opened = OpenDirInRoot(root_fd_.fd(), dir.substr(root_.size()), dir);
    } else {
      opened = OpenDirSafely(dir);
    }
    if (!opened) return opened.error();
    // Thousands of files share a few folders: keep their handles for the run, within a bound.
    if (dirs_.size() >= kMaxCachedDirs) dirs_.clear();
    parent.dir = std::make_shared<UniqueFd>(std::move(*opened));
    dirs_.emplace(dir, parent.dir);
    return parent;
  }

  // A folder that was removed must not be reached through a stale handle.
  void Forget(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      bool below = it->first == dir || (it->first.size() > dir.size() && it->first.compare(0, dir.size(), dir) == 0 &&
                                        it->first[dir.size()] == '/');
      it = below ? dirs_.erase(it) : std::next(it);
    }
  }

  // Under a root, a second hard link to a regular file may be a file outside the root: changing
  // the inode's mode or owner would change that file too.
  static Status RefuseSharedInode(int fd, const Parent& parent, const char* what, const std::string& path) {
    if (!parent.in_root) return OkStatus();
    struct stat st;
    if (::fstat(fd, &st) != 0) return Errno("stat", path);
    if (S_ISREG(st.st_mode) && st.st_nlink > 1)
      return Error{ErrorKind::kPermissionDenied,
                   "cannot set " + std::string(what) + " of '" + path + "': it has " + std::to_string(st.st_nlink) +
                       " hard links, and under --root plumb does not change a file that may also be a file outside the root"};
    return OkStatus();
  }

  // Temporary files of a run that was killed: a writer holds an flock on its file while it lives,
  // so a file whose lock is free was left behind. Once per folder per run, before the first write.
  void SweepTemporaryFiles(const Parent& parent) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!swept_.insert(parent.folder).second) return;
    }
    UniqueFd listing(::openat(parent.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing.valid()) return;
    DIR* d = ::fdopendir(listing.release());
    if (!d) return;
    uid_t me = ::geteuid();
    while (struct dirent* e = ::readdir(d)) {
      if (!IsTempName(e->d_name)) continue;
      UniqueFd fd(::openat(parent.fd(), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
      struct stat st;
      if (!fd.valid() || ::fstat(fd.fd(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != me) continue;
      if (::flock(fd.fd(), LOCK_EX | LOCK_NB) == 0) ::unlinkat(parent.fd(), e->d_name, 0);
    }
    ::closedir(d);
  }

  std::string RandomSuffix() {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out(6, 'x');
    std::lock_guard<std::mutex> lock(mu_);
    for (char& c : out) c = kChars[random_() % (sizeof kChars - 1)];
    return out;
  }

  // Well under the default soft limit of 1024 descriptors, which the process shares with the
  // commands it runs and the files it has open.
  static constexpr size_t kMaxCachedDirs = 256;
  std::string root_;  ///< absolute, without trailing '/'; "" when the host itself is managed
  UniqueFd root_fd_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<UniqueFd>> dirs_;  ///< folder path -> handle
  std::unordered_set<std::string> swept_;  ///< folders already cleared of stale temporary files
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<FileSystem> MakeSystemFileSystem(const std::string& root) { return std::make_unique<PosixFileSystem>(root); }

}  // namespace plumb
