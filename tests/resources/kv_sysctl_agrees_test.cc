// plumb's verdict on sysctl settings against systemd-sysctl's own: for each configuration tree
// below, systemd-sysctl (Debian's, from the systemd package) applies the tree inside a private
// mount namespace, with tmpfs over its configuration folders and over /proc/sys, and the value
// it writes for each key is the value plumb's kv resource (format = "sysctl") finds; a key it
// writes nothing for is one plumb finds set nowhere. Nothing outside the namespace is touched:
// the host's folders and kernel settings are hidden, never changed.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "engine/util/read_file.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::WriteText;

const char* const kSysctl = "/lib/systemd/systemd-sysctl";
const char* const kKeys[] = {"net.ipv4.ip_forward", "kernel.pid_max", "vm.swappiness", "fs.protected_regular"};

struct Case {
  const char* name;
  std::map<std::string, std::string> files;  ///< path below the root -> content
  std::map<std::string, std::string> links;  ///< path below the root -> link target
};

std::string DebianConf() {
  auto text = ReadWholeFile(std::string(PLUMB_SOURCE_DIR) + "/tests/data/debian/sysctl.conf");
  return text ? *text : "";
}

std::vector<Case> Cases() {
  const std::map<std::string, std::string> debian_links = {{"etc/sysctl.d/99-sysctl.conf", "../sysctl.conf"}};
  const std::string systemd_pid_max = "kernel.pid_max = 4194304\n";
  return {
      {"debian as shipped",
       {{"etc/sysctl.conf", DebianConf()},
        {"usr/lib/sysctl.d/50-pid-max.conf", systemd_pid_max},
        {"usr/lib/sysctl.d/99-protect-links.conf", "fs.protected_fifos = 1\nfs.protected_regular = 2\n"}},
       debian_links},
      {"sysctl.conf, read through 99-sysctl.conf, comes after the drop-ins",
       {{"etc/sysctl.conf", DebianConf() + "net.ipv4.ip_forward=1\n"},
        {"etc/sysctl.d/60-router.conf", "net.ipv4.ip_forward = 0\nvm.swappiness = 10\n"}},
       debian_links},
      {"a file in /etc hides the one of the same name in /usr/lib",
       {{"etc/sysctl.d/50-pid-max.conf", "kernel.pid_max = 65536\n"},
        {"usr/lib/sysctl.d/50-pid-max.conf", systemd_pid_max + "vm.swappiness = 1\n"}},
       {}},
      {"a link to /dev/null masks it",
       {{"usr/lib/sysctl.d/50-pid-max.conf", systemd_pid_max}, {"usr/lib/sysctl.d/10-swap.conf", "vm.swappiness = 5\n"}},
       {{"etc/sysctl.d/50-pid-max.conf", "/dev/null"}}},
      {"names sort across folders; /run hides /usr/local/lib",
       {{"usr/lib/sysctl.d/90-late.conf", "vm.swappiness = 90\n"},
        {"etc/sysctl.d/20-early.conf", "vm.swappiness = 20\nnet.ipv4.ip_forward = 1\n"},
        {"run/sysctl.d/30-x.conf", "kernel.pid_max = 30000\n"},
        {"usr/local/lib/sysctl.d/30-x.conf", "kernel.pid_max = 31000\nnet.ipv4.ip_forward = 0\n"}},
       {}},
      {"slashes, comments, '-' and repeats in one file",
       {{"etc/sysctl.d/10-forms.conf",
         "net/ipv4/ip_forward=1\n; net.ipv4.ip_forward = 0\n# vm.swappiness = 1\n-vm.swappiness = 10\n"
         "vm.swappiness=20\n  kernel.pid_max   =   12345  \n"}},
       {}},
      {"without the 99-sysctl.conf link, sysctl.conf is not read",
       {{"etc/sysctl.conf", "vm.swappiness = 60\n"}, {"etc/sysctl.d/10-a.conf", "kernel.pid_max = 99999\n"}},
       {}},
  };
}

bool CanIsolate() { return ::geteuid() == 0 && std::system("unshare --mount true >/dev/null 2>&1") == 0; }

// What systemd-sysctl writes for each key when `tree` is the whole configuration.
std::map<std::string, std::string> SystemdView(const Case& c, const std::string& tree) {
  // Inside the namespace /etc/sysctl.conf is the host's: links to it point into the tree instead.
  for (const auto& [rel, text] : c.files) WriteText(tree + "/" + rel, text);
  for (const auto& [rel, target] : c.links) {
    fs::create_directories(fs::path(tree + "/" + rel).parent_path());
    fs::create_symlink(target == "../sysctl.conf" ? tree + "/etc/sysctl.conf" : target, tree + "/" + rel);
  }
  std::string script = "set -e\n";
  // Folders the host may lack are made on a tmpfs over their parent.
  for (const char* parent : {"/run", "/usr/local/lib"}) script += std::string("mount -t tmpfs plumb ") + parent + "\n";
  for (const char* folder : {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"}) {
    std::string f = folder;
    script += "if [ ! -d " + f + " ]; then mkdir " + f + "; fi\n";
    script += "if ! mountpoint -q " + f + "; then mount -t tmpfs plumb " + f + "; fi\n";
    script += "if [ -d " + tree + f + " ]; then cp -a " + tree + f + "/. " + f + "/; fi\n";
  }
  script += "mount -t tmpfs plumb /proc/sys\n";
  for (std::string key : kKeys) {
    for (char& ch : key) ch = ch == '.' ? '/' : ch;
    script += "mkdir -p /proc/sys/" + fs::path(key).parent_path().string() + " && : > /proc/sys/" + key + "\n";
  }
  script += std::string(kSysctl) + " 2>/dev/null || true\n";
  for (std::string key : kKeys) {
    std::string p = key;
    for (char& ch : p) ch = ch == '.' ? '/' : ch;
    script += "printf '%s=%s\\n' " + key + " \"$(cat /proc/sys/" + p + ")\"\n";
  }
  WriteText(tree + ".sh", script);
  std::map<std::string, std::string> view;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(("unshare --mount --propagation private --fork sh " + tree + ".sh 2>&1").c_str(), "r"),
                                             ::pclose);
  char line[4096];
  std::string all;
  while (pipe && std::fgets(line, sizeof line, pipe.get())) {
    std::string l(line);
    all += l;
    while (!l.empty() && l.back() == '\n') l.pop_back();
    size_t eq = l.find('=');
    if (eq != std::string::npos && !l.substr(eq + 1).empty()) view.emplace(l.substr(0, eq), l.substr(eq + 1));
  }
  EXPECT_NE(all.find("kernel.pid_max="), std::string::npos) << c.name << ": the namespace printed: " << all;
  return view;
}

class KvSysctlAgrees : public testing::ResourceFixture {};

TEST_F(KvSysctlAgrees, EveryValueSystemdSysctlWritesIsWhatPlumbFinds) {
  if (!fs::exists(kSysctl)) {
    if (std::getenv("CI")) FAIL() << "systemd-sysctl is missing; scripts/install-deps.sh installs systemd";
    GTEST_SKIP() << "install systemd to compare with systemd-sysctl";
  }
  if (!CanIsolate()) GTEST_SKIP() << "comparing with systemd-sysctl needs root and a private mount namespace (unshare --mount)";
  size_t compared = 0, unset = 0;
  int n = 0;
  for (const Case& c : Cases()) {
    fs::path root = dir_ / ("case" + std::to_string(n)), own = dir_ / ("systemd" + std::to_string(n++));
    for (const auto& [rel, text] : c.files) WriteText((root / rel).string(), text);
    for (const auto& [rel, target] : c.links) {
      fs::create_directories((root / rel).parent_path());
      fs::create_symlink(target, root / rel);
    }
    RootPath case_root(root.string(), *fs_);
    Backends b{*fs_, *accounts_, *processes_, case_root, nullptr, nullptr};
    auto view = SystemdView(c, own.string());
    for (const char* key : kKeys) {
      bool set = view.count(key) > 0;
      std::string body = "path = \"/etc/sysctl.d/60-plumb.conf\"\nformat = \"sysctl\"\nkey = \"" + std::string(key) +
                         "\"\nvalue = \"" + (set ? view[key] : "1") + "\"\n";
      std::string text = "[policy]\nid = \"t\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\n" + body;
      Diagnostics diags;
      auto policy = LoadPolicy(text, "t.toml", types_, diags);
      ASSERT_TRUE(policy) << diags.All().at(0).message;
      auto r = types_.Instantiate(policy->resources[0], *policy, b);
      ASSERT_TRUE(r.ok()) << r.error().message;
      auto obs = (*r)->Test();
      ASSERT_TRUE(obs.ok()) << obs.error().message;
      // Compliant: plumb finds the value asked for in effect, though another file sets it.
      std::string found = obs->drift.empty() ? (set ? view[key] : "1") : obs->drift[0].actual;
      found = found.substr(0, found.find(" (from "));
      if (!set) {
        EXPECT_EQ(found, "absent") << c.name << ": " << key << " is set nowhere systemd-sysctl reads";
        ++unset;
        continue;
      }
      EXPECT_EQ(found, view[key]) << c.name << ": " << key;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 13u);
  EXPECT_EQ(unset, 15u);
}

}  // namespace
}  // namespace plumb
