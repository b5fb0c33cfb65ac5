#include "resources/kv_files.h"

namespace plumb {

const KvIndex& KvFile::Index(const KvFormat& format) const {
  std::string key = std::to_string(static_cast<int>(format.dialect)) + '\0' + format.comment + '\0' + format.separator;
  auto& index = indexes_[key];
  if (!index) index = std::make_unique<KvIndex>(content.bytes, format);
  return *index;
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

void KvFiles::Clear() {
  files_.clear();
  folders_.clear();
}

}  // namespace plumb
