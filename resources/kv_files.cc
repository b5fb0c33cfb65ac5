#include "resources/kv_files.h"

namespace plumb {

const KvIndex& KvFile::Index(const KvFormat& format) const {
  for (const auto& i : indexes_)
    if (i.dialect == format.dialect && i.comment == format.comment && i.separator == format.separator) return *i.index;
  indexes_.push_back({format.dialect, format.comment, format.separator, std::make_unique<KvIndex>(content.bytes, format)});
  return *indexes_.back().index;
}

Result<const KvFile*> KvFiles::Get(FileSystem& fs, const std::string& host) {
  auto& entry = files_[host];
  if (entry) return entry.get();
  auto content = fs.Load(host);
  if (!content) {
    files_.erase(host);
    return content.error();
  }
  auto file = std::make_unique<KvFile>();
  file->content = std::move(*content);
  if (file->content.info.kind == FileKind::kSymlink) {
    auto target = fs.ReadLink(host);
    if (!target) {
      files_.erase(host);
      return target.error();
    }
    file->link = std::move(*target);
  }
  entry = std::move(file);
  return entry.get();
}

Result<const std::vector<std::string>*> KvFiles::List(FileSystem& fs, const std::string& host) {
  auto& entry = folders_[host];
  if (entry) return entry.get();
  auto names = fs.List(host);
  if (!names) {
    folders_.erase(host);
    return names.error();
  }
  entry = std::make_unique<std::vector<std::string>>(std::move(*names));
  return entry.get();
}

Result<const std::string*> KvFiles::Host(const RootPath& root, const std::string& node_path) {
  if (auto at = hosts_.find(node_path); at != hosts_.end()) return &at->second;
  auto host = root.Resolve(node_path);
  if (!host) return host.error();
  return &hosts_.emplace(node_path, std::move(*host)).first->second;
}

const std::vector<std::string>* KvFiles::Order(const std::string& name) const {
  auto at = orders_.find(name);
  return at == orders_.end() ? nullptr : &at->second;
}

const std::vector<std::string>* KvFiles::KeepOrder(const std::string& name, std::vector<std::string> paths) {
  return &(orders_[name] = std::move(paths));
}

void KvFiles::Clear() {
  files_.clear();
  folders_.clear();
  hosts_.clear();
  orders_.clear();
}

}  // namespace plumb
