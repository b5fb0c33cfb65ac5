// Package managers as their own tools see them: versions ordered exactly as dpkg and rpm order
// them, the database read by dpkg-query or rpm, changes made by apt-get or dnf. Everything goes
// through ProcessRunner and FileSystem, so this file has no OS headers and the tests drive it
// with fakes as well as with the real tools.

#include "resources/package.h"

#include <cctype>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"
#include "engine/util/strings.h"

namespace plumb {

namespace {

std::vector<std::string_view> Fields(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// os-release's values may be quoted ("..." or '...').
std::string_view Unquoted(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) return v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

PackageFamily PackageFamilyOf(std::string_view id, std::string_view id_like) {
  auto names = [&](std::string_view s) {
    std::vector<std::string> out;
    for (std::string_view w : Fields(s, ' '))
      if (!w.empty()) out.push_back(ToLower(w));
    return out;
  };
  std::vector<std::string> all = names(id);
  for (std::string& w : names(id_like)) all.push_back(std::move(w));
  for (const std::string& w : all) {
    if (w == "debian" || w == "ubuntu") return PackageFamily::kDpkg;
    if (w == "rhel" || w == "fedora" || w == "centos") return PackageFamily::kRpm;
  }
  return PackageFamily::kNone;
}

namespace {

char At(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// dpkg's lib/dpkg/version.c, order() and verrevcmp().
int DpkgOrder(char c) {
  if (Digit(c)) return 0;
  if (Alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  if (c) return static_cast<unsigned char>(c) + 256;
  return 0;
}

int VerRevCmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !Digit(a[i])) || (j < b.size() && !Digit(b[j]))) {
      int ac = DpkgOrder(At(a, i)), bc = DpkgOrder(At(b, j));
      if (ac != bc) return ac - bc;
      ++i, ++j;
    }
    while (At(a, i) == '0') ++i;
    while (At(b, j) == '0') ++j;
    while (Digit(At(a, i)) && Digit(At(b, j))) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i, ++j;
    }
    if (Digit(At(a, i))) return 1;
    if (Digit(At(b, j))) return -1;
    if (first_diff) return first_diff;
  }
  return 0;
}

struct Evr {
  unsigned long long epoch = 0;
  std::string_view version, release;
  bool has_release = false;
};

Evr SplitEvr(std::string_view v, char release_sep) {
  Evr e;
  if (size_t colon = v.find(':'); colon != std::string_view::npos && colon > 0) {
    bool digits = true;
    for (char c : v.substr(0, colon)) digits = digits && Digit(c);
    if (digits) {
      for (char c : v.substr(0, colon)) e.epoch = e.epoch * 10 + static_cast<unsigned>(c - '0');
      v = v.substr(colon + 1);
    }
  }
  size_t sep = v.rfind(release_sep);
  e.version = sep == std::string_view::npos ? v : v.substr(0, sep);
  e.has_release = sep != std::string_view::npos;
  e.release = e.has_release ? v.substr(sep + 1) : std::string_view();
  return e;
}

int Sign(int x) { return (x > 0) - (x < 0); }

// rpm's rpmio/rpmvercmp.c.
int RpmVerCmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto separator = [](char c) { return c && !Digit(c) && !Alpha(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (separator(At(a, i))) ++i;
    while (separator(At(b, j))) ++j;
    if (At(a, i) == '~' || At(b, j) == '~') {
      if (At(a, i) != '~') return 1;
      if (At(b, j) != '~') return -1;
      ++i, ++j;
      continue;
    }
    if (At(a, i) == '^' || At(b, j) == '^') {
      if (!At(a, i)) return -1;
      if (!At(b, j)) return 1;
      if (At(a, i) != '^') return 1;
      if (At(b, j) != '^') return -1;
      ++i, ++j;
      continue;
    }
    if (!At(a, i) || !At(b, j)) break;
    size_t ei = i, ej = j;
    bool numeric = Digit(At(a, i));
    auto same_kind = [&](char c) { return numeric ? Digit(c) : Alpha(c); };
    while (same_kind(At(a, ei))) ++ei;
    while (same_kind(At(b, ej))) ++ej;
    if (ej == j) return numeric ? 1 : -1;  // a number is newer than letters
    std::string_view sa = a.substr(i, ei - i), sb = b.substr(j, ej - j);
    if (numeric) {
      while (sa.size() > 1 && sa[0] == '0') sa.remove_prefix(1);
      while (sb.size() > 1 && sb[0] == '0') sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    if (int rc = sa.compare(sb)) return Sign(rc);
    i = ei, j = ej;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i < a.size() ? 1 : -1;
}

}  // namespace

int CompareDebianVersions(std::string_view a, std::string_view b) {
  Evr x = SplitEvr(a, '-'), y = SplitEvr(b, '-');
  if (x.epoch != y.epoch) return x.epoch > y.epoch ? 1 : -1;
  if (int rc = VerRevCmp(x.version, y.version)) return Sign(rc);
  return Sign(VerRevCmp(x.release, y.release));
}

int CompareRpmVersions(std::string_view a, std::string_view b) {
  Evr x = SplitEvr(a, '-'), y = SplitEvr(b, '-');
  if (x.epoch != y.epoch) return x.epoch > y.epoch ? 1 : -1;
  if (int rc = RpmVerCmp(x.version, y.version)) return rc;
  // A version without a release ("1.2") matches any release of it, as in rpm's own requires.
  if (!x.has_release || !y.has_release) return 0;
  return RpmVerCmp(x.release, y.release);
}

std::map<std::string, std::string> ParseDpkgQuery(std::string_view output) {
  std::map<std::string, std::string> installed;
  for (std::string_view line : SplitLines(output)) {
    std::vector<std::string_view> f = Fields(line, '\t');
    if (f.size() != 4 || f[0].empty() || f[2].size() < 2) continue;
    // db:Status-Abbrev: want, status, error. Installed, or installed with triggers to run.
    char status = f[2][1];
    if (status != 'i' && status != 'W' && status != 't') continue;
    std::string name(f[0]);
    installed[name] = std::string(f[3]);
    installed[name + ":" + std::string(f[1])] = std::string(f[3]);
  }
  return installed;
}

std::map<std::string, std::string> ParseRpmQuery(std::string_view output) {
  std::map<std::string, std::string> installed;
  for (std::string_view line : SplitLines(output)) {
    std::vector<std::string_view> f = Fields(line, '\t');
    if (f.size() != 3 || f[0].empty()) continue;
    std::string evr(StartsWith(f[2], "0:") ? f[2].substr(2) : f[2]);
    auto [it, fresh] = installed.emplace(std::string(f[0]), evr);
    if (!fresh && CompareRpmVersions(evr, it->second) > 0) it->second = evr;  // several installed: the newest
    installed[std::string(f[0]) + "." + std::string(f[1])] = evr;
  }
  return installed;
}

Result<std::optional<std::string>> PackageSet::Installed(const std::string& name) {
  if (!known_) {
    auto answer = manager_.Query({wanted_.begin(), wanted_.end()});
    if (!answer) return answer.error();
    ++queries_;
    known_ = std::move(*answer);
  }
  auto it = known_->find(name);
  if (it == known_->end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status PackageSet::Commit() {
  std::vector<PackageChange> changes = std::move(enlisted_);
  enlisted_.clear();
  if (changes.empty()) return OkStatus();
  auto outcome = manager_.Transact(changes);
  known_.reset();  // whatever happened, the database is read again
  if (!outcome) return outcome.error();
  if (!outcome->reboot.empty())
    for (const PackageChange& c : changes) reboot_for_[c.name] = outcome->reboot;
  return OkStatus();
}

std::string PackageSet::RebootFor(const std::string& name) const {
  auto it = reboot_for_.find(name);
  return it == reboot_for_.end() ? "" : it->second;
}

namespace {

// Both families: a kernel is only running after a reboot, and Debian's hooks (and dnf's
// needs-restarting users) leave /run/reboot-required for everything else that wants one.
bool IsKernel(const std::string& name) {
  return StartsWith(name, "linux-image-") || name == "kernel" || StartsWith(name, "kernel-core");
}

class ToolPackageManager : public PackageManager {
 public:
  ToolPackageManager(ProcessRunner& runner, FileSystem& fs, std::string root)
      : runner_(runner), fs_(fs), root_(std::move(root)) {}

  Result<TransactionOutcome> Transact(const std::vector<PackageChange>& changes) override {
    bool flag_before = RebootFlag();
    if (auto st = Run(changes); !st) return st.error();
    TransactionOutcome out;
    for (const PackageChange& c : changes)
      if (c.action == PackageChange::Action::kInstall && IsKernel(c.name)) out.reboot = "a new kernel (" + c.name + ")";
    if (out.reboot.empty() && !flag_before && RebootFlag())
      out.reboot = "the package manager asks for one (/run/reboot-required)";
    return out;
  }

 protected:
  virtual Status Run(const std::vector<PackageChange>& changes) = 0;

  Result<ProcessResult> Capture(const std::string& command) {
    ProcessRequest req;
    req.command = command;
    req.max_output = 64 << 20;
    return runner_.Run(req);
  }
  Status Checked(const std::string& command, std::map<std::string, std::string> env = {}) {
    ProcessRequest req;
    req.command = command;
    req.env = std::move(env);
    req.timeout = std::chrono::hours(1);
    return RunChecked(runner_, req);
  }
  // An image has no running kernel to replace: only the live system is asked.
  bool RebootFlag() {
    if (!root_.empty()) return false;
    auto flag = fs_.Stat("/run/reboot-required");
    return flag.ok() && flag->kind != FileKind::kMissing;
  }
  std::string Names(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += " " + QuoteForShell(n);
    return out;
  }

  ProcessRunner& runner_;
  FileSystem& fs_;
  std::string root_;
};

class DpkgApt : public ToolPackageManager {
 public:
  using ToolPackageManager::ToolPackageManager;
  PackageFamily family() const override { return PackageFamily::kDpkg; }

  Result<std::map<std::string, std::string>> Query(const std::vector<std::string>& names) override {
    if (names.empty()) return std::map<std::string, std::string>();
    std::string cmd = "dpkg-query";
    if (!root_.empty()) cmd += " --admindir=" + QuoteForShell(root_ + "/var/lib/dpkg");
    // Every package of the database: dpkg-query reads all of it for any question, and with no
    // names there is no "no packages found" on stderr to land in the middle of the answer.
    cmd += " -W -f='${Package}\\t${Architecture}\\t${db:Status-Abbrev}\\t${Version}\\n'";
    // Only the answer is read: dpkg-query's warnings (a stanza without a Maintainer) would land in
    // the middle of it. When it fails, it is asked again for its error alone.
    auto r = Capture(cmd + " 2>/dev/null");
    if (!r) return r.error();
    if (r->end != ProcessEnd::kExited || r->code != 0) {
      auto why = Capture(cmd + " 2>&1 >/dev/null");
      return Error{ErrorKind::kInternal, "dpkg-query failed: " + std::string(why ? Trim(why->output) : "")};
    }
    return ParseDpkgQuery(r->output);
  }

 protected:
  Status Run(const std::vector<PackageChange>& changes) override {
    std::string args;
    for (const PackageChange& c : changes) {
      std::string word = c.name;
      if (c.action == PackageChange::Action::kRemove) word += "-";
      else if (!c.version.empty()) word += "=" + c.version;
      args += " " + QuoteForShell(word);
    }
    std::string apt = (root_.empty() ? "" : "chroot " + QuoteForShell(root_) + " ") + "apt-get";
    // Configuration files plumb manages stay as they are (confold); a pinned version may be older.
    std::string install = apt +
                          " install -y -q --allow-downgrades -o Dpkg::Options::=--force-confdef"
                          " -o Dpkg::Options::=--force-confold" + args;
    std::map<std::string, std::string> env = {{"DEBIAN_FRONTEND", "noninteractive"}};
    Status st = Checked(install, env);
    if (st) return st;
    // Package lists go stale (mirrors drop old versions) or were cleaned: read them once more.
    if (auto updated = Checked(apt + " update -q", env); updated) st = Checked(install, env);
    if (st) return st;
    return Error{st.error().kind, "apt-get failed: " + st.error().message};
  }
};

class RpmDnf : public ToolPackageManager {
 public:
  using ToolPackageManager::ToolPackageManager;
  PackageFamily family() const override { return PackageFamily::kRpm; }

  Result<std::map<std::string, std::string>> Query(const std::vector<std::string>& names) override {
    if (names.empty()) return std::map<std::string, std::string>();
    std::string cmd = "rpm";
    if (!root_.empty()) cmd += " --root " + QuoteForShell(root_);
    cmd += " -q --qf '%{NAME}\\t%{ARCH}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n'" + Names(names) + " 2>&1";
    auto r = Capture(cmd);
    if (!r) return r.error();
    // rpm exits with the number of names not installed; only a run that printed nothing usable failed.
    if (r->end != ProcessEnd::kExited) return Error{ErrorKind::kInternal, "rpm failed: " + std::string(Trim(r->output))};
    return ParseRpmQuery(r->output);
  }

 protected:
  Status Run(const std::vector<PackageChange>& changes) override {
    std::string dnf = "dnf -y -q" + (root_.empty() ? std::string() : " --installroot=" + QuoteForShell(root_));
    std::vector<std::string> install, remove;
    for (const PackageChange& c : changes)
      (c.action == PackageChange::Action::kRemove ? remove : install)
          .push_back(c.version.empty() ? c.name : c.name + "-" + c.version);
    // dnf 4 takes one verb per command: installs first, so a removal cannot take away what an
    // install of the same batch needs.
    for (const auto& [verb, names] : {std::pair{"install", &install}, std::pair{"remove", &remove}}) {
      if (names->empty()) continue;
      if (auto st = Checked(dnf + " " + verb + Names(*names)); !st)
        return Error{st.error().kind, std::string("dnf ") + verb + " failed: " + st.error().message};
    }
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<PackageManager> MakeDpkgApt(ProcessRunner& runner, FileSystem& fs, std::string root) {
  return std::make_unique<DpkgApt>(runner, fs, std::move(root));
}

std::unique_ptr<PackageManager> MakeRpmDnf(ProcessRunner& runner, FileSystem& fs, std::string root) {
  return std::make_unique<RpmDnf>(runner, fs, std::move(root));
}

std::unique_ptr<PackageManager> MakePackageManager(ProcessRunner& runner, FileSystem& fs, const std::string& root) {
  std::string base = root == "/" ? "" : root;
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    // /etc/os-release is usually a link to ../usr/lib/os-release, which Load does not follow.
    auto text = fs.Load(base + path, 1 << 20);
    if (!text || text->info.kind != FileKind::kRegular) continue;
    std::string id, like;
    for (std::string_view line : SplitLines(text->bytes)) {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = Trim(line.substr(0, eq)), value = Unquoted(Trim(line.substr(eq + 1)));
      if (key == "ID") id = value;
      if (key == "ID_LIKE") like = value;
    }
    switch (PackageFamilyOf(id, like)) {
      case PackageFamily::kDpkg: return MakeDpkgApt(runner, fs, base);
      case PackageFamily::kRpm: return MakeRpmDnf(runner, fs, base);
      case PackageFamily::kNone: return nullptr;
    }
  }
  return nullptr;
}

}  // namespace plumb
