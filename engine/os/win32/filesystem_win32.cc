// The file-system backend on Windows. Every operation opens the folder that holds the path by
// handle (dir_handle.h) and acts relative to it with NtCreateFile: no reparse point is passed in
// the folders above a path, a link at the path itself is reported as a link and never followed,
// and replacement is a flushed temporary file renamed over the path through the folder's handle.

#include <windows.h>
#include <winternl.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/os/system.h"
#include "engine/os/win32/dir_handle.h"
#include "engine/os/win32/security.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::DirEntry;
using win32::NtFailure;
using win32::UniqueHandle;
using win32::Wide;

Error Failure(const std::string& what, const std::string& path, DWORD err = ::GetLastError()) {
  return Error{win32::KindOf(err), "cannot " + what + " '" + path + "': " + win32::ErrorText(err)};
}

FileInfo Info(const DirEntry& entry) {
  FileInfo info;
  info.kind = !entry.exists()           ? FileKind::kMissing
              : entry.reparse_point()   ? FileKind::kSymlink
              : entry.directory()       ? FileKind::kDirectory
              : (entry.attributes & FILE_ATTRIBUTE_DEVICE) ? FileKind::kOther
                                                           : FileKind::kRegular;
  // Windows has no permission bits; report what a POSIX reader would expect of a plain file.
  info.mode = info.kind == FileKind::kDirectory ? 0755 : info.kind == FileKind::kMissing ? 0 : 0644;
  info.size = entry.size;
  return info;
}

// No group or other bits: plumb's own state, which gets the private ACL (filesystem.h).
bool Private(const FileAttributes& attrs) { return attrs.mode && (*attrs.mode & 077) == 0; }

/// A folder held open for the operations on the entries in it, shared with the cache.
struct Parent {
  std::shared_ptr<UniqueHandle> dir;
  std::string folder;  ///< the folder's path, as the cache knows it
  std::wstring name;   ///< the entry in `dir`
  HANDLE get() const { return dir->get(); }
};

Status Dispose(HANDLE h, const std::string& what, const std::string& path) {
  FILE_DISPOSITION_INFO info{TRUE};
  if (!::SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info)) return Failure(what, path);
  return OkStatus();
}

class Win32AtomicFile : public AtomicFile {
 public:
  Win32AtomicFile(std::string path, Parent parent, std::wstring tmp, UniqueHandle h)
      : path_(std::move(path)), parent_(std::move(parent)), tmp_(std::move(tmp)), h_(std::move(h)) {}
  ~Win32AtomicFile() override {
    if (!committed_ && h_.valid()) (void)Dispose(h_.get(), "remove", path_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      DWORD wrote = 0;
      DWORD n = static_cast<DWORD>(std::min<size_t>(data.size(), 1u << 30));
      if (!::WriteFile(h_.get(), data.data(), n, &wrote, nullptr)) return Failure("write", path_);
      data.remove_prefix(wrote);
    }
    return OkStatus();
  }

  std::string TemporaryPath() const override { return parent_.folder + "\\" + win32::Narrow(tmp_); }

  Status Commit() override {
    if (!::FlushFileBuffers(h_.get())) return Failure("flush", path_);
    // FILE_RENAME_INFORMATION with the folder's handle as RootDirectory: the new name is in the
    // folder that was checked, whatever its path has become.
    struct Rename {
      BOOLEAN ReplaceIfExists;
      HANDLE RootDirectory;
      ULONG FileNameLength;
      WCHAR FileName[1];
    };
    std::vector<unsigned char> buf(sizeof(Rename) + parent_.name.size() * sizeof(wchar_t));
    auto* rename = reinterpret_cast<Rename*>(buf.data());
    rename->ReplaceIfExists = TRUE;
    rename->RootDirectory = parent_.get();
    rename->FileNameLength = static_cast<ULONG>(parent_.name.size() * sizeof(wchar_t));
    std::memcpy(rename->FileName, parent_.name.data(), rename->FileNameLength);
    IO_STATUS_BLOCK io{};
    NTSTATUS status = ::NtSetInformationFile(h_.get(), &io, buf.data(), static_cast<ULONG>(buf.size()),
                                             static_cast<FILE_INFORMATION_CLASS>(10) /* FileRenameInformation */);
    if (!NT_SUCCESS(status)) return NtFailure("replace", path_, status);
    committed_ = true;
    h_.reset();
    return OkStatus();
  }

 private:
  std::string path_;
  Parent parent_;
  std::wstring tmp_;
  UniqueHandle h_;
  bool committed_ = false;
};

class Win32FileSystem : public FileSystem {
 public:
  explicit Win32FileSystem(const std::string& root) : me_(win32::ProcessUserSid()) {
    if (!root.empty()) root_ = Normal(root);
  }

  Result<FileInfo> Stat(const std::string& path) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<FileInfo>(FileInfo{}) : parent.error();
    auto entry = win32::LookUp(parent->get(), parent->name, path);
    if (!entry) return entry.error();
    return Info(*entry);
  }

  using FileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max_bytes) override {
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<FileContent>(FileContent{}) : parent.error();
    auto entry = win32::LookUp(parent->get(), parent->name, path);
    if (!entry) return entry.error();
    FileContent out{Info(*entry), {}};
    if (out.info.kind != FileKind::kRegular) return out;
    if (out.info.size > max_bytes) {
      out.complete = false;
      return out;
    }
    UniqueHandle h;
    LONG status = win32::OpenAt(parent->get(), parent->name, GENERIC_READ, FILE_OPEN,
                                FILE_NON_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, nullptr, h);
    if (win32::NtMissing(status)) return FileContent{};
    if (!NT_SUCCESS(status)) return NtFailure("read", path, status);
    if (win32::HandleAttributes(h.get()) & FILE_ATTRIBUTE_REPARSE_POINT) {
      out.info.kind = FileKind::kSymlink;  // swapped in since the lookup
      return out;
    }
    LARGE_INTEGER size{};
    if (!::GetFileSizeEx(h.get(), &size)) return Failure("read", path);
    if (static_cast<uint64_t>(size.QuadPart) > max_bytes) {
      out.complete = false;
      return out;
    }
    out.info.size = static_cast<uint64_t>(size.QuadPart);
    out.bytes.resize(static_cast<size_t>(size.QuadPart));
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

  Result<std::vector<std::string>> List(const std::string& path) override {
    using Names = std::vector<std::string>;
    auto parent = OpenParent(path);
    if (!parent) return parent.Is(ErrorKind::kNotFound) ? Result<Names>(Names{}) : parent.error();
    UniqueHandle h;
    LONG status = win32::OpenAt(parent->get(), parent->name, FILE_LIST_DIRECTORY | FILE_TRAVERSE, FILE_OPEN,
                                FILE_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, nullptr, h);
    if (win32::NtMissing(status)) return Names{};
    if (!NT_SUCCESS(status)) return NtFailure("list", path, status);
    if (win32::HandleAttributes(h.get()) & FILE_ATTRIBUTE_REPARSE_POINT)
      return Error{ErrorKind::kPermissionDenied, "cannot list '" + path + "': it is a link, which plumb does not follow"};
    Names names;
    for (const std::wstring& name : win32::ListMatching(h.get(), L"*"))
      if (name != L"." && name != L"..") names.push_back(win32::Narrow(name));
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::string> ReadLink(const std::string& path) override {
    return Error{ErrorKind::kUnsupported, "cannot read link '" + path + "': symbolic links are not followed on Windows"};
  }

  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) override {
    auto parent = OpenParent(path);
    if (parent.Is(ErrorKind::kNotFound))
      return Error{ErrorKind::kNotFound, "cannot create a temporary file in '" + FolderOf(path) + "': No such file or directory"};
    if (!parent) return parent.error().Prefixed("cannot write '" + path + "': ");
    SweepTemporaryFiles(*parent);
    win32::LocalDescriptor sd;
    if (Private(attrs)) {
      auto made = win32::PrivateDescriptor(me_, win32::Inheritance::kFile);
      if (!made) return made.error();
      sd = std::move(*made);
    }
    // Shared for reading only (a validate_command reads it): a later run's sweep, which asks for
    // DELETE and shares nothing, cannot remove it under a live writer.
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::wstring tmp = L"." + parent->name + L".plumb-" + Wide(RandomSuffix());
      UniqueHandle h;
      LONG status = win32::OpenAt(parent->get(), tmp, GENERIC_WRITE | DELETE, FILE_CREATE, FILE_NON_DIRECTORY_FILE, sd.get(), h,
                                    FILE_SHARE_READ);
      if (status == static_cast<LONG>(0xC0000035) /* OBJECT_NAME_COLLISION */) continue;
      if (!NT_SUCCESS(status)) return NtFailure("create a temporary file for", path, status);
      return std::unique_ptr<AtomicFile>(new Win32AtomicFile(path, std::move(*parent), std::move(tmp), std::move(h)));
    }
    return Error{ErrorKind::kAlreadyExists, "cannot create a temporary file for '" + path + "': every name tried exists"};
  }

  Status MakeDirectory(const std::string& path, const FileAttributes& attrs) override {
    auto parent = OpenParent(path);
    if (parent.Is(ErrorKind::kNotFound))
      return Error{ErrorKind::kNotFound, "cannot create folder '" + path + "': No such file or directory"};
    if (!parent) return parent.error().Prefixed("cannot create folder '" + path + "': ");
    win32::LocalDescriptor sd;
    if (Private(attrs)) {
      auto made = win32::PrivateDescriptor(me_, win32::Inheritance::kFolder);
      if (!made) return made.error();
      sd = std::move(*made);
    }
    UniqueHandle h;
    LONG status = win32::OpenAt(parent->get(), parent->name, FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE, sd.get(), h);
    if (!NT_SUCCESS(status)) return NtFailure("create folder", path, status);
    return OkStatus();
  }

  Status SetMode(const std::string& path, uint32_t) override {
    return Error{ErrorKind::kUnsupported, "cannot set the mode of '" + path + "': Windows has no permission bits (use ACL resources)"};
  }

  Status SetOwner(const std::string& path, std::optional<uint32_t>, std::optional<uint32_t>) override {
    return Error{ErrorKind::kUnsupported, "cannot set the owner of '" + path + "': numeric owners do not exist on Windows"};
  }

  Status RemoveFile(const std::string& path) override { return Remove(path, FILE_NON_DIRECTORY_FILE, "remove"); }

  // Only systemd's unit links are made, and systemd is Linux's.
  Status MakeSymlink(const std::string& path, const std::string&) override {
    return Error{ErrorKind::kUnsupported, "cannot create link '" + path + "': plumb makes symbolic links only on Linux"};
  }

  Status RemoveDirectory(const std::string& path) override {
    if (auto st = Remove(path, FILE_DIRECTORY_FILE, "remove folder"); !st) return st;
    Forget(Normal(path));
    return OkStatus();
  }

 private:
  // Removes by handle. A link must open as a link: a system that opens it as its target (Wine
  // does, for Unix links) would remove the target instead, so that is refused.
  Status Remove(const std::string& path, ULONG kind, const char* what) {
    auto parent = OpenParent(path);
    if (!parent) return parent.error().Prefixed(std::string("cannot ") + what + " '" + path + "': ");
    auto entry = win32::LookUp(parent->get(), parent->name, path);
    if (!entry) return entry.error();
    if (!entry->exists()) return Failure(what, path, ERROR_FILE_NOT_FOUND);
    UniqueHandle h;
    LONG status = win32::OpenAt(parent->get(), parent->name, DELETE | FILE_READ_ATTRIBUTES, FILE_OPEN,
                                (entry->reparse_point() ? 0 : kind) | FILE_OPEN_REPARSE_POINT, nullptr, h);
    if (!NT_SUCCESS(status)) return NtFailure(what, path, status);
    if (entry->reparse_point() != ((win32::HandleAttributes(h.get()) & FILE_ATTRIBUTE_REPARSE_POINT) != 0))
      return Error{ErrorKind::kPermissionDenied, std::string("cannot ") + what + " '" + path +
                                                     "': it is a link that opens as its target here, and removing it that way "
                                                     "would remove the target"};
    return Dispose(h.get(), what, path);
  }

  // Absolute, with backslashes and without "." or "..". Relative paths are taken from the
  // working folder.
  static std::string Normal(const std::string& path) {
    std::filesystem::path p(Wide(path));
    std::error_code ec;
    if (!p.is_absolute()) p = std::filesystem::absolute(p, ec);
    std::wstring out = p.lexically_normal().wstring();
    for (wchar_t& c : out)
      if (c == L'/') c = L'\\';
    while (out.size() > 3 && out.back() == L'\\') out.pop_back();
    return win32::Narrow(out);
  }

  static std::string FolderOf(const std::string& path) {
    std::string normal = Normal(path);
    size_t slash = normal.rfind('\\');
    return slash == std::string::npos ? normal : normal.substr(0, slash);
  }

  bool InRoot(const std::string& normal) const {
    return !root_.empty() && normal.size() > root_.size() && normal.compare(0, root_.size(), root_) == 0 &&
           (normal[root_.size()] == '\\' || root_.back() == '\\');
  }

  Result<Parent> OpenParent(const std::string& path) {
    std::string normal = Normal(path);
    win32::SplitPath split = win32::Split(normal);
    if (split.anchor.empty() || split.components.empty())
      return Error{ErrorKind::kInvalidInput, "'" + path + "' names no entry in a folder"};
    Parent parent;
    parent.name = Wide(split.components.back());
    split.components.pop_back();
    parent.folder = FolderOf(normal);
    if (parent.folder.size() == 2 && parent.folder[1] == ':') parent.folder += '\\';
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = dirs_.find(parent.folder); it != dirs_.end()) {
      parent.dir = it->second;
      return parent;
    }
    Result<UniqueHandle> opened = Error{ErrorKind::kInternal, ""};
    if (InRoot(normal)) {
      if (!root_dir_.valid()) {
        auto root = win32::OpenAnchor(root_);
        if (!root) return root.error();
        root_dir_ = std::move(*root);
      }
      win32::SplitPath below = win32::Split(parent.folder);
      std::vector<std::string> rel(below.components.begin() + win32::Split(root_).components.size(), below.components.end());
      opened = win32::OpenDirBelow(root_dir_.get(), root_, rel);
    } else {
      auto anchor = win32::OpenAnchor(split.anchor);
      if (!anchor) return anchor.error();
      opened = win32::OpenDirBelow(anchor->get(), split.anchor, split.components);
    }
    if (!opened) return opened.error();
    if (dirs_.size() >= kMaxCachedDirs) dirs_.clear();
    parent.dir = std::make_shared<UniqueHandle>(std::move(*opened));
    dirs_.emplace(parent.folder, parent.dir);
    return parent;
  }

  // A folder that was removed must not be reached through a stale handle.
  void Forget(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      bool below = it->first == dir || (it->first.size() > dir.size() && it->first.compare(0, dir.size(), dir) == 0 &&
                                        it->first[dir.size()] == '\\');
      it = below ? dirs_.erase(it) : std::next(it);
    }
  }

  // Temporary files of a run that was killed: a live writer shares its file with nobody, so one
  // that opens for deletion was left behind. Once per folder per run, before the first write.
  void SweepTemporaryFiles(const Parent& parent) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!swept_.insert(parent.folder).second) return;
    }
    for (const std::wstring& name : win32::ListMatching(parent.get(), L".*.plumb-??????")) {
      UniqueHandle h;
      if (!NT_SUCCESS(win32::OpenAt(parent.get(), name, DELETE | FILE_READ_ATTRIBUTES, FILE_OPEN,
                                    FILE_NON_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, nullptr, h, 0)))
        continue;
      if (win32::HandleAttributes(h.get()) & FILE_ATTRIBUTE_REPARSE_POINT) continue;
      (void)Dispose(h.get(), "remove", parent.folder);
    }
  }

  std::string RandomSuffix() {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out(6, 'x');
    std::lock_guard<std::mutex> lock(mu_);
    for (char& c : out) c = kChars[random_() % (sizeof kChars - 1)];
    return out;
  }

  static constexpr size_t kMaxCachedDirs = 256;
  std::string root_;  ///< normal, "" when the host itself is managed
  std::string me_;    ///< the SID of the account running plumb
  UniqueHandle root_dir_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<UniqueHandle>> dirs_;  ///< folder path -> handle
  std::unordered_set<std::string> swept_;  ///< folders already cleared of stale temporary files
  std::mt19937_64 random_{std::random_device{}()};
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

std::unique_ptr<FileSystem> MakeSystemFileSystem(const std::string& root) { return std::make_unique<Win32FileSystem>(root); }
std::unique_ptr<AccountDb> MakeSystemAccountDb() { return std::make_unique<Win32AccountDb>(); }

}  // namespace plumb
