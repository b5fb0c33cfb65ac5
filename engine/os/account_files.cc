#include "engine/os/account_files.h"

#include <map>
#include <optional>
#include <string_view>

namespace plumb {
namespace {

std::optional<uint32_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v <= 0xFFFFFFFEu ? std::optional<uint32_t>(static_cast<uint32_t>(v)) : std::nullopt;
}

/// One of the two files: name -> id and id -> name, each first line winning.
struct Table {
  std::map<std::string, uint32_t, std::less<>> ids;
  std::map<uint32_t, std::string> names;
};

Table Parse(std::string_view text) {
  Table t;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    size_t a = line.find(':');
    size_t b = a == std::string_view::npos ? a : line.find(':', a + 1);
    if (b == std::string_view::npos) continue;
    size_t c = line.find(':', b + 1);
    auto id = Number(line.substr(b + 1, c == std::string_view::npos ? std::string_view::npos : c - b - 1));
    if (!id || a == 0) continue;
    std::string name(line.substr(0, a));
    t.ids.emplace(name, *id);
    t.names.emplace(*id, name);
  }
  return t;
}

class FileAccountDb : public AccountDb {
 public:
  FileAccountDb(FileSystem& fs, std::string root) : fs_(fs), root_(std::move(root)) {}

  std::string Origin(AccountKind kind) const override { return root_ + (kind == AccountKind::kUser ? kPasswd : kGroup); }
  std::optional<uint32_t> UserId(const std::string& name) override { return Id(Users(), name); }
  std::optional<uint32_t> GroupId(const std::string& name) override { return Id(Groups(), name); }
  std::string UserName(uint32_t uid) override { return Name(Users(), uid); }
  std::string GroupName(uint32_t gid) override { return Name(Groups(), gid); }

 private:
  static constexpr const char* kPasswd = "/etc/passwd";
  static constexpr const char* kGroup = "/etc/group";

  static std::optional<uint32_t> Id(const Table& t, const std::string& name) {
    if (auto n = Number(name)) return n;
    auto it = t.ids.find(name);
    return it == t.ids.end() ? std::nullopt : std::optional<uint32_t>(it->second);
  }
  static std::string Name(const Table& t, uint32_t id) {
    auto it = t.names.find(id);
    return it == t.names.end() ? std::to_string(id) : it->second;
  }
  const Table& Users() { return Loaded(users_, kPasswd); }
  const Table& Groups() { return Loaded(groups_, kGroup); }
  const Table& Loaded(std::optional<Table>& table, const char* file) {
    if (!table) {
      auto content = fs_.Load(root_ + file);
      table = content && content->info.kind == FileKind::kRegular ? Parse(content->bytes) : Table{};
    }
    return *table;
  }

  FileSystem& fs_;
  std::string root_;
  std::optional<Table> users_, groups_;
};

}  // namespace

std::unique_ptr<AccountDb> MakeFileAccountDb(FileSystem& fs, const std::string& root) {
  return std::make_unique<FileAccountDb>(fs, root);
}

}  // namespace plumb
