// POSIX implementation of FileSystem: lstat/O_NOFOLLOW everywhere, atomic durable replacement.

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/os/linux/errno_kind.h"
#include "engine/os/linux/unique_fd.h"
#include "engine/os/system.h"

namespace plumb {
namespace {

Error Errno(const std::string& what, const std::string& path, int err = errno) {
  return Error{KindOfErrno(err), "cannot " + what + " '" + path + "': " + std::strerror(err)};
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A rename or unlink is durable only once the folder holding the entry is synced.
Status SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return Errno("open folder", dir);
  if (::fsync(fd.fd()) != 0) return Errno("sync folder", dir);
  return OkStatus();
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

class PosixAtomicFile : public AtomicFile {
 public:
  PosixAtomicFile(std::string path, std::string tmp, UniqueFd fd, FileAttributes attrs)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(std::move(fd)), attrs_(attrs) {}
  ~PosixAtomicFile() override {
    if (!committed_) ::unlink(tmp_.c_str());
  }

  Status Append(std::string_view data) override { return WriteAll(fd_.fd(), data, tmp_); }

  Status Commit() override {
    if (attrs_.uid || attrs_.gid) {
      if (::fchown(fd_.fd(), attrs_.uid ? *attrs_.uid : static_cast<uid_t>(-1),
                   attrs_.gid ? *attrs_.gid : static_cast<gid_t>(-1)) != 0)
        return Errno("set owner of", path_);
    }
    if (::fchmod(fd_.fd(), attrs_.mode ? *attrs_.mode : 0644) != 0) return Errno("set mode of", path_);
    if (::fsync(fd_.fd()) != 0) return Errno("sync", tmp_);
    fd_.reset();
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) return Errno("replace", path_);
    committed_ = true;
    return SyncDirectory(DirName(path_));
  }

 private:
  std::string path_, tmp_;
  UniqueFd fd_;
  FileAttributes attrs_;
  bool committed_ = false;
};

class PosixFileSystem : public FileSystem {
 public:
  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return FileInfo{};
      return Errno("stat", path);
    }
    return Info(st);
  }

  Result<FileContent> Load(const std::string& path) override {
    // O_NOFOLLOW: a link at the path is reported as a link, never read through. O_NONBLOCK: a
    // FIFO placed there cannot block the run.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
      if (errno == ENOENT || errno == ENOTDIR) return FileContent{};
      if (errno == ELOOP || errno == ENXIO) {
        auto info = Stat(path);
        if (!info) return info.error();
        return FileContent{*info, {}};
      }
      return Errno("read", path);
    }
    struct stat st;
    if (::fstat(fd.fd(), &st) != 0) return Errno("stat", path);
    FileContent result;
    result.info = Info(st);
    if (!S_ISREG(st.st_mode)) return result;
    // One byte more than the size: a short read of a regular file means end of file, so the
    // common case costs a single read call; a file that grew keeps being read to its end.
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
      out.resize(out.size() + 4096);
    }
    out.resize(got);
    result.bytes = std::move(out);
    return result;
  }

  Result<std::string> ReadLink(const std::string& path) override {
    std::string buf(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) return Errno("read link", path);
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) override {
    std::string dir = DirName(path);
    std::string tmp = dir + "/." + BaseName(path) + ".plumb-XXXXXX";
    UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!fd.valid()) return Errno("create a temporary file in", dir);
    return std::unique_ptr<AtomicFile>(new PosixAtomicFile(path, std::move(tmp), std::move(fd), attrs));
  }

  Status MakeDirectory(const std::string& path, const FileAttributes& attrs) override {
    uint32_t mode = attrs.mode ? *attrs.mode : 0755;
    if (::mkdir(path.c_str(), mode) != 0) return Errno("create folder", path);
    // mkdir applies the umask; the policy's mode is meant exactly.
    if (attrs.uid || attrs.gid) {
      if (auto st = SetOwner(path, attrs.uid, attrs.gid); !st) return st;
    }
    if (::chmod(path.c_str(), mode) != 0) return Errno("set mode of", path);
    return SyncDirectory(DirName(path));
  }

  Status SetMode(const std::string& path, uint32_t mode) override {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return Errno("open", path);
    if (::fchmod(fd.fd(), mode) != 0) return Errno("set mode of", path);
    return OkStatus();
  }

  Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) override {
    if (::lchown(path.c_str(), uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1)) != 0)
      return Errno("set owner of", path);
    return OkStatus();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return Errno("remove", path);
    return SyncDirectory(DirName(path));
  }

  Status RemoveDirectory(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return Errno("remove folder", path);
    return SyncDirectory(DirName(path));
  }
};

}  // namespace

std::unique_ptr<FileSystem> MakeSystemFileSystem() { return std::make_unique<PosixFileSystem>(); }

}  // namespace plumb
