// Unit enablement from the unit files alone, as `systemctl --root` works it out: systemd's
// src/shared/install.c, reduced to what a policy asks (enable, disable, mask) and checked
// against systemctl itself (tests/resources/unit_files_agrees_test.cc).

#include "resources/systemd.h"

#include "engine/os/filesystem.h"
#include "engine/util/strings.h"
#include "resources/root_path.h"

namespace plumb {
namespace {

constexpr const char* kConfig = "/etc/systemd/system";
// Debian's systemd looks in /lib before /usr/lib, and links to the unit there.
const char* const kSearch[] = {"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                               "/lib/systemd/system", "/usr/lib/systemd/system"};
const char* const kUnitSuffixes[] = {".service", ".socket", ".timer", ".path", ".mount", ".automount",
                                     ".swap", ".target", ".slice", ".scope", ".device"};
const char* const kInstallFolders[] = {".wants", ".requires", ".upholds"};
constexpr int kMaxDepth = 8;  // Also= chains and links followed

bool HasUnitSuffix(std::string_view name) {
  for (const char* s : kUnitSuffixes)
    if (name.size() > std::string_view(s).size() && name.ends_with(s)) return true;
  return false;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t start = s.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) break;
    size_t end = s.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(start, end - start));
    i = end;
  }
  return out;
}

// foo@bar.service -> {foo@.service, bar}; a name without '@' -> {"", ""}.
std::pair<std::string, std::string> SplitInstance(const std::string& unit) {
  size_t at = unit.find('@'), dot = unit.rfind('.');
  if (at == std::string::npos || dot == std::string::npos || dot < at) return {"", ""};
  return {unit.substr(0, at + 1) + unit.substr(dot), unit.substr(at + 1, dot - at - 1)};
}

}  // namespace

std::string UnitName(std::string_view name) {
  return HasUnitSuffix(name) ? std::string(name) : std::string(name) + ".service";
}

std::string CheckUnitName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 255 && name[0] != '-' && name[0] != '.';
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
                c == '_' || c == '.' || c == '\\' || c == '@');
  return ok ? "" : "must be a systemd unit name like ssh or getty@tty2.service, got '" + std::string(name) + "'";
}

UnitFiles::UnitFiles(FileSystem& fs, const RootPath& root) : fs_(fs), root_(root) {}

Result<FileInfo> UnitFiles::Stat(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.Stat(*host);
}
Result<FileContent> UnitFiles::Load(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.Load(*host);
}
Result<std::string> UnitFiles::ReadLink(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.ReadLink(*host);
}
Result<std::vector<std::string>> UnitFiles::List(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.List(*host);
}
Status UnitFiles::MakeDirectories(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.MakeDirectories(*host, {});
}
Status UnitFiles::MakeSymlink(const std::string& path, const std::string& target) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.MakeSymlink(*host, target);
}
Status UnitFiles::RemoveFile(const std::string& path) {
  auto host = root_.Resolve(path);
  if (!host) return host.error();
  return fs_.RemoveFile(*host);
}

Result<UnitFiles::Found> UnitFiles::Find(const std::string& unit) {
  auto [tmpl, instance] = SplitInstance(unit);
  for (const std::string& name : {unit, tmpl}) {
    if (name.empty()) continue;
    for (const char* dir : kSearch) {
      std::string path = std::string(dir) + "/" + name;
      std::string at = path;
      // Follow links inside the root; one to /dev/null is a mask.
      for (int hop = 0; hop < kMaxDepth; ++hop) {
        auto content = Load(at);
        if (!content) return content.error();
        if (content->info.kind == FileKind::kMissing) break;
        if (content->info.kind == FileKind::kSymlink) {
          auto target = ReadLink(at);
          if (!target) return target.error();
          if (*target == "/dev/null") {
            Found masked;
            masked.path = path;
            masked.masked = true;
            return masked;
          }
          at = StartsWith(*target, "/") ? *target : at.substr(0, at.rfind('/') + 1) + *target;
          continue;
        }
        if (content->info.kind != FileKind::kRegular) break;
        Found f;
        f.path = path;
        f.link_name = unit;
        std::string section;
        std::string default_instance;
        for (std::string_view line : SplitLines(content->bytes)) {
          line = Trim(line);
          if (line.empty() || line[0] == '#' || line[0] == ';') continue;
          if (line.front() == '[' && line.back() == ']') {
            section = std::string(line.substr(1, line.size() - 2));
            continue;
          }
          size_t eq = line.find('=');
          if (section != "Install" || eq == std::string_view::npos) continue;
          std::string key(Trim(line.substr(0, eq)));
          std::string_view value = Trim(line.substr(eq + 1));
          std::vector<std::string>* list = key == "WantedBy"     ? &f.wanted_by
                                           : key == "RequiredBy" ? &f.required_by
                                           : key == "UpheldBy"   ? &f.upheld_by
                                           : key == "Alias"      ? &f.alias
                                           : key == "Also"       ? &f.also
                                                                 : nullptr;
          if (key == "DefaultInstance") default_instance = std::string(value);
          if (!list) continue;
          if (value.empty()) list->clear();  // an empty assignment resets the list
          for (std::string& w : Words(value)) list->push_back(std::move(w));
        }
        f.has_install = !f.wanted_by.empty() || !f.required_by.empty() || !f.upheld_by.empty() || !f.alias.empty();
        // A template enabled by its own name takes its default instance.
        if (name == unit && !tmpl.empty() && instance.empty() && !default_instance.empty())
          f.link_name = unit.substr(0, unit.find('@') + 1) + default_instance + unit.substr(unit.rfind('.'));
        return f;
      }
    }
  }
  return Error{ErrorKind::kNotFound, "no unit '" + unit + "' in the unit folders (/etc/systemd/system, /lib/systemd/system, ...)"};
}

Result<std::vector<std::string>> UnitFiles::InstallLinks(const std::string& name) {
  std::vector<std::string> links;
  auto entries = List(kConfig);
  if (!entries) return entries.error();
  for (const std::string& folder : *entries) {
    bool install = false;
    for (const char* suffix : kInstallFolders) install = install || folder.ends_with(suffix);
    if (!install) continue;
    std::string link = std::string(kConfig) + "/" + folder + "/" + name;
    auto info = Stat(link);
    if (!info) return info.error();
    if (info->kind != FileKind::kMissing) links.push_back(link);
  }
  return links;
}

Result<std::string> UnitFiles::UnitFileState(const std::string& unit) {
  auto f = Find(unit);
  if (!f) return f.error();
  if (f->masked) return std::string("masked");
  auto links = InstallLinks(f->link_name);
  if (!links) return links.error();
  bool enabled = !links->empty();
  for (const std::string& a : f->alias) {
    auto info = Stat(std::string(kConfig) + "/" + a);
    if (!info) return info.error();
    enabled = enabled || info->kind == FileKind::kSymlink;
  }
  if (enabled) return std::string("enabled");
  if (f->has_install) return std::string("disabled");
  return std::string(f->also.empty() ? "static" : "indirect");
}

Status UnitFiles::Link(const std::string& path, const std::string& target) {
  auto info = Stat(path);
  if (!info) return info.error();
  if (info->kind == FileKind::kSymlink) {
    auto now = ReadLink(path);
    if (!now) return now.error();
    if (*now == target) return OkStatus();
    return Error{ErrorKind::kAlreadyExists, "cannot link '" + path + "' to '" + target + "': it links to '" + *now + "'"};
  }
  if (info->kind != FileKind::kMissing)
    return Error{ErrorKind::kAlreadyExists, "cannot link '" + path + "' to '" + target + "': a " + ToString(info->kind) + " is there"};
  if (auto st = MakeDirectories(path.substr(0, path.rfind('/'))); !st) return st;
  return MakeSymlink(path, target);
}

Status UnitFiles::Enable(const std::string& unit, int depth) {
  auto f = Find(unit);
  if (!f) return f.error();
  if (f->masked) return Error{ErrorKind::kInvalidInput, "unit '" + unit + "' is masked"};
  if (!f->has_install && f->also.empty())
    return Error{ErrorKind::kInvalidInput, "unit '" + unit + "' has no [Install] section (it is static): it starts only "
                                                             "when another unit needs it, and cannot be enabled"};
  if (f->link_name.find("@.") != std::string::npos && !f->wanted_by.empty())
    return Error{ErrorKind::kInvalidInput, "unit '" + unit + "' is a template without DefaultInstance: name an instance, "
                                                             "as in " + unit.substr(0, unit.find('@') + 1) + "NAME" +
                                                             unit.substr(unit.rfind('.'))};
  const std::vector<std::string>* lists[] = {&f->wanted_by, &f->required_by, &f->upheld_by};
  for (size_t i = 0; i < 3; ++i)
    for (const std::string& target : *lists[i])
      if (auto st = Link(std::string(kConfig) + "/" + target + kInstallFolders[i] + "/" + f->link_name, f->path); !st) return st;
  for (const std::string& a : f->alias)
    if (auto st = Link(std::string(kConfig) + "/" + a, f->path); !st) return st;
  if (depth < kMaxDepth)
    for (const std::string& also : f->also)
      if (auto st = Enable(also, depth + 1); !st) return st;
  return OkStatus();
}

Status UnitFiles::Disable(const std::string& unit, int depth) {
  auto f = Find(unit);
  if (!f) return f.error();
  if (f->masked) return OkStatus();
  auto links = InstallLinks(f->link_name);
  if (!links) return links.error();
  for (const std::string& a : f->alias) {
    std::string alias = std::string(kConfig) + "/" + a;
    auto info = Stat(alias);
    if (!info) return info.error();
    if (info->kind == FileKind::kSymlink) links->push_back(alias);
  }
  for (const std::string& link : *links)
    if (auto st = RemoveFile(link); !st) return st;
  if (depth < kMaxDepth)
    for (const std::string& also : f->also)
      if (auto st = Disable(also, depth + 1); !st) return st;
  return OkStatus();
}

Status UnitFiles::Unmask(const std::string& unit) {
  std::string path = std::string(kConfig) + "/" + unit;
  auto info = Stat(path);
  if (!info) return info.error();
  if (info->kind != FileKind::kSymlink) return OkStatus();
  auto target = ReadLink(path);
  if (!target) return target.error();
  return *target == "/dev/null" ? RemoveFile(path) : OkStatus();
}

Status UnitFiles::SetEnablement(const std::string& unit, Enablement want) {
  if (want == Enablement::kMasked) {
    auto info = Stat(std::string(kConfig) + "/" + unit);
    if (!info) return info.error();
    if (info->kind == FileKind::kRegular)
      return Error{ErrorKind::kAlreadyExists, "cannot mask '" + unit + "': /etc/systemd/system/" + unit +
                                                   " is a unit file of its own; move it away first"};
    return Link(std::string(kConfig) + "/" + unit, "/dev/null");
  }
  if (auto st = Unmask(unit); !st) return st;
  return want == Enablement::kEnabled ? Enable(unit, 0) : Disable(unit, 0);
}

Result<std::string> UnitFiles::ActiveState(const std::string&) {
  return Error{ErrorKind::kUnsupported, "an image runs no units"};
}

Status UnitFiles::Act(const std::string&, UnitAction) { return Error{ErrorKind::kUnsupported, "an image runs no units"}; }

}  // namespace plumb
