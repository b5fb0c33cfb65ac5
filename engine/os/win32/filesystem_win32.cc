// The file-system backend on Windows: wide-character Win32 calls, atomic replacement through a
// flushed temporary file and MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH).

#include <windows.h>

#include <random>

#include "engine/os/system.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::UniqueHandle;
using win32::Wide;

Error Failure(const std::string& what, const std::string& path, DWORD err = ::GetLastError()) {
  return Error{win32::KindOf(err), "cannot " + what + " '" + path + "': " + win32::ErrorText(err)};
}

bool Missing(DWORD err) { return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_INVALID_NAME; }

FileInfo Info(const WIN32_FILE_ATTRIBUTE_DATA& a) {
  FileInfo info;
  info.kind = (a.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? FileKind::kSymlink
              : (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)    ? FileKind::kDirectory
                                                                   : FileKind::kRegular;
  // Windows has no permission bits; report what a POSIX reader would expect of a plain file.
  info.mode = info.kind == FileKind::kDirectory ? 0755 : 0644;
  info.size = (uint64_t{a.nFileSizeHigh} << 32) | a.nFileSizeLow;
  return info;
}

class Win32AtomicFile : public AtomicFile {
 public:
  Win32AtomicFile(std::string path, std::string tmp, UniqueHandle h) : path_(std::move(path)), tmp_(std::move(tmp)), h_(std::move(h)) {}
  ~Win32AtomicFile() override {
    if (committed_) return;
    h_.reset();
    ::DeleteFileW(Wide(tmp_).c_str());
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      DWORD wrote = 0;
      DWORD n = static_cast<DWORD>(std::min<size_t>(data.size(), 1u << 30));
      if (!::WriteFile(h_.get(), data.data(), n, &wrote, nullptr)) return Failure("write", tmp_);
      data.remove_prefix(wrote);
    }
    return OkStatus();
  }

  Status Commit() override {
    if (!::FlushFileBuffers(h_.get())) return Failure("flush", tmp_);
    h_.reset();
    if (!::MoveFileExW(Wide(tmp_).c_str(), Wide(path_).c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
      return Failure("replace", path_);
    committed_ = true;
    return OkStatus();
  }

 private:
  std::string path_, tmp_;
  UniqueHandle h_;
  bool committed_ = false;
};

class Win32FileSystem : public FileSystem {
 public:
  Result<FileInfo> Stat(const std::string& path) override {
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (!::GetFileAttributesExW(Wide(path).c_str(), GetFileExInfoStandard, &a)) {
      DWORD err = ::GetLastError();
      if (Missing(err)) return FileInfo{};
      return Failure("stat", path, err);
    }
    return Info(a);
  }

  using FileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max_bytes) override {
    auto info = Stat(path);
    if (!info) return info.error();
    FileContent out{*info, {}};
    if (info->kind != FileKind::kRegular) return out;
    if (info->size > max_bytes) {
      out.complete = false;
      return out;
    }
    UniqueHandle h(::CreateFileW(Wide(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!h.valid()) return Failure("open", path);
    out.bytes.resize(static_cast<size_t>(info->size));
    size_t done = 0;
    while (done < out.bytes.size()) {
      DWORD got = 0;
      DWORD want = static_cast<DWORD>(std::min<size_t>(out.bytes.size() - done, 1u << 30));
      if (!::ReadFile(h.get(), out.bytes.data() + done, want, &got, nullptr)) return Failure("read", path);
      if (got == 0) break;
      done += got;
    }
    out.bytes.resize(done);
    return out;
  }

  Result<std::string> ReadLink(const std::string& path) override {
    return Error{ErrorKind::kUnsupported, "cannot read link '" + path + "': symbolic links are not followed on Windows"};
  }

  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes&) override {
    std::random_device rd;
    std::string tmp = path + ".plumb-" + std::to_string(rd() % 1000000);
    UniqueHandle h(::CreateFileW(Wide(tmp).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!h.valid()) return Failure("create a temporary file for", path);
    return std::unique_ptr<AtomicFile>(new Win32AtomicFile(path, std::move(tmp), std::move(h)));
  }

  Status MakeDirectory(const std::string& path, const FileAttributes&) override {
    if (!::CreateDirectoryW(Wide(path).c_str(), nullptr)) return Failure("create folder", path);
    return OkStatus();
  }

  Status SetMode(const std::string& path, uint32_t) override {
    return Error{ErrorKind::kUnsupported, "cannot set the mode of '" + path + "': Windows has no permission bits (use ACL resources)"};
  }

  Status SetOwner(const std::string& path, std::optional<uint32_t>, std::optional<uint32_t>) override {
    return Error{ErrorKind::kUnsupported, "cannot set the owner of '" + path + "': numeric owners do not exist on Windows"};
  }

  Status RemoveFile(const std::string& path) override {
    if (!::DeleteFileW(Wide(path).c_str())) return Failure("remove", path);
    return OkStatus();
  }

  Status RemoveDirectory(const std::string& path) override {
    if (!::RemoveDirectoryW(Wide(path).c_str())) return Failure("remove folder", path);
    return OkStatus();
  }
};

// Windows accounts are SIDs, not numbers: only numeric strings resolve, as on a POSIX system
// without the name.
class Win32AccountDb : public AccountDb {
 public:
  std::optional<uint32_t> UserId(const std::string& name) override { return Numeric(name); }
  std::optional<uint32_t> GroupId(const std::string& name) override { return Numeric(name); }
  std::string UserName(uint32_t uid) override { return std::to_string(uid); }
  std::string GroupName(uint32_t gid) override { return std::to_string(gid); }

 private:
  static std::optional<uint32_t> Numeric(const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return std::nullopt;
    return static_cast<uint32_t>(std::stoul(s));
  }
};

}  // namespace

std::unique_ptr<FileSystem> MakeSystemFileSystem(const std::string&) { return std::make_unique<Win32FileSystem>(); }
std::unique_ptr<AccountDb> MakeSystemAccountDb() { return std::make_unique<Win32AccountDb>(); }

}  // namespace plumb
