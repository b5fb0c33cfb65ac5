#include "engine/fake/memory_fs.h"

namespace plumb {
namespace {

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Error Missing(const std::string& what, const std::string& path) {
  return Error{ErrorKind::kNotFound, "cannot " + what + " '" + path + "': No such file or directory"};
}

}  // namespace

class MemoryFileSystem::PendingFile : public AtomicFile {
 public:
  PendingFile(MemoryFileSystem& fs, std::string path, FileAttributes attrs)
      : fs_(fs), path_(std::move(path)), attrs_(attrs) {}
  Status Append(std::string_view data) override {
    bytes_.append(data);
    return OkStatus();
  }
  // The content lives in memory only: no program can read it under this name.
  std::string TemporaryPath() const override { return path_ + ".plumb-pending"; }
  Status Commit() override { return fs_.Put(path_, std::move(bytes_), attrs_); }

 private:
  MemoryFileSystem& fs_;
  std::string path_;
  FileAttributes attrs_;
  std::string bytes_;
};

MemoryFileSystem::MemoryFileSystem() { entries_["/"].info = {FileKind::kDirectory, 0755, 0, 0, 0}; }

Result<FileInfo> MemoryFileSystem::Stat(const std::string& path) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return FileInfo{};
  return it->second.info;
}

Result<FileContent> MemoryFileSystem::Load(const std::string& path, uint64_t max_bytes) {
  if (auto fail = failing_reads_.find(path); fail != failing_reads_.end()) return fail->second;
  auto it = entries_.find(path);
  if (it == entries_.end()) return FileContent{};
  if (it->second.info.kind != FileKind::kRegular) return FileContent{it->second.info, ""};
  if (it->second.info.size > max_bytes) return FileContent{it->second.info, "", false};
  return FileContent{it->second.info, it->second.bytes};
}

Result<std::string> MemoryFileSystem::ReadLink(const std::string& path) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return Missing("read link", path);
  if (it->second.info.kind != FileKind::kSymlink)
    return Error{ErrorKind::kInvalidInput, "cannot read link '" + path + "': Invalid argument"};
  return it->second.target;
}

Result<std::vector<std::string>> MemoryFileSystem::List(const std::string& path) {
  std::vector<std::string> names;
  std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
  // The map is sorted: the folder's entries follow its prefix, each direct child once.
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string rest = it->first.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(rest);
  }
  return names;
}

Status MemoryFileSystem::NeedParent(const std::string& path, const std::string& what) const {
  auto parent = entries_.find(Parent(path));
  if (parent == entries_.end() || parent->second.info.kind != FileKind::kDirectory) return Missing(what, path);
  return OkStatus();
}

Result<std::unique_ptr<AtomicFile>> MemoryFileSystem::CreateAtomic(const std::string& path,
                                                                   const FileAttributes& attrs) {
  if (auto st = NeedParent(path, "create a temporary file in"); !st) return Missing("create a temporary file in", Parent(path));
  return std::unique_ptr<AtomicFile>(new PendingFile(*this, path, attrs));
}

Status MemoryFileSystem::Put(const std::string& path, std::string bytes, const FileAttributes& attrs) {
  if (auto st = NeedParent(path, "replace"); !st) return st;
  Entry& e = entries_[path];
  if (e.info.kind == FileKind::kDirectory)
    return Error{ErrorKind::kAlreadyExists, "cannot replace '" + path + "': Is a directory"};
  // Like rename(2) over the old file: attributes not given are the old file's, or the defaults.
  bool had = e.info.kind == FileKind::kRegular;
  e.info.kind = FileKind::kRegular;
  e.info.mode = attrs.mode.value_or(had ? e.info.mode : 0644);
  e.info.uid = attrs.uid.value_or(had ? e.info.uid : 0);
  e.info.gid = attrs.gid.value_or(had ? e.info.gid : 0);
  e.info.size = bytes.size();
  e.bytes = std::move(bytes);
  e.target.clear();
  return OkStatus();
}

Status MemoryFileSystem::MakeDirectory(const std::string& path, const FileAttributes& attrs) {
  if (auto st = NeedParent(path, "create folder"); !st) return st;
  if (entries_.count(path)) return Error{ErrorKind::kAlreadyExists, "cannot create folder '" + path + "': File exists"};
  entries_[path].info = {FileKind::kDirectory, attrs.mode.value_or(0755), attrs.uid.value_or(0), attrs.gid.value_or(0), 0};
  return OkStatus();
}

Status MemoryFileSystem::SetMode(const std::string& path, uint32_t mode) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return Missing("open", path);
  it->second.info.mode = mode & 07777;
  return OkStatus();
}

Status MemoryFileSystem::SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return Missing("set owner of", path);
  if (uid) it->second.info.uid = *uid;
  if (gid) it->second.info.gid = *gid;
  return OkStatus();
}

Status MemoryFileSystem::RemoveFile(const std::string& path) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return Missing("remove", path);
  if (it->second.info.kind == FileKind::kDirectory)
    return Error{ErrorKind::kInvalidInput, "cannot remove '" + path + "': Is a directory"};
  entries_.erase(it);
  return OkStatus();
}

Status MemoryFileSystem::RemoveDirectory(const std::string& path) {
  auto it = entries_.find(path);
  if (it == entries_.end()) return Missing("remove folder", path);
  if (it->second.info.kind != FileKind::kDirectory)
    return Error{ErrorKind::kInvalidInput, "cannot remove folder '" + path + "': Not a directory"};
  auto next = std::next(it);
  if (next != entries_.end() && next->first.rfind(path + "/", 0) == 0)
    return Error{ErrorKind::kAlreadyExists, "cannot remove folder '" + path + "': Directory not empty"};
  entries_.erase(it);
  return OkStatus();
}

void MemoryFileSystem::MakeParents(const std::string& path) {
  std::string parent = Parent(path);
  if (parent == "." || entries_.count(parent)) return;
  MakeParents(parent);
  entries_[parent].info = {FileKind::kDirectory, 0755, 0, 0, 0};
}

void MemoryFileSystem::AddFile(const std::string& path, std::string bytes, uint32_t mode) {
  MakeParents(path);
  Entry& e = entries_[path];
  e.info = {FileKind::kRegular, mode, 0, 0, bytes.size()};
  e.bytes = std::move(bytes);
}

Status MemoryFileSystem::MakeSymlink(const std::string& path, const std::string& target) {
  if (entries_.count(path)) return Error{ErrorKind::kAlreadyExists, "cannot create link '" + path + "': File exists"};
  AddSymlink(path, target);
  return OkStatus();
}

void MemoryFileSystem::AddSymlink(const std::string& path, std::string target) {
  MakeParents(path);
  Entry& e = entries_[path];
  e.info = {FileKind::kSymlink, 0777, 0, 0, target.size()};
  e.target = std::move(target);
}

void MemoryFileSystem::AddSpecial(const std::string& path) {
  MakeParents(path);
  entries_[path].info = {FileKind::kOther, 0644, 0, 0, 0};
}

void MemoryFileSystem::FailReads(const std::string& path, Error error) { failing_reads_.insert_or_assign(path, std::move(error)); }

std::string MemoryFileSystem::Read(const std::string& path) const {
  auto it = entries_.find(path);
  return it != entries_.end() && it->second.info.kind == FileKind::kRegular ? it->second.bytes : "";
}

}  // namespace plumb
