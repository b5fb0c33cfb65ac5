// plumb's verdict on sshd_config against sshd's own: for each configuration tree below, every
// keyword's value that `sshd -T` prints is the value plumb's kv resource (format = "sshd") finds,
// and a keyword plumb finds set nowhere is one the tree does not set. sshd is Debian's
// openssh-server, unpacked (never installed) by scripts/fetch-test-daemons.sh into
// build-test-daemons/.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "engine/util/read_file.h"
#include "engine/util/strings.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::WriteText;

const std::string kDaemons = std::string(PLUMB_SOURCE_DIR) + "/build-test-daemons";

struct Case {
  const char* name;
  std::map<std::string, std::string> files;  ///< path below /etc/ssh -> content
  std::set<std::string> unset;               ///< keywords no file of the tree sets
};

std::string DebianConfig() {
  auto text = ReadWholeFile(std::string(PLUMB_SOURCE_DIR) + "/tests/data/debian/sshd_config");
  return text ? *text : "";
}

std::vector<Case> Cases() {
  const std::set<std::string> all_unset = {"permitrootlogin", "passwordauthentication", "maxauthtries", "usedns"};
  return {
      {"debian as shipped", {{"sshd_config", DebianConfig()}}, all_unset},
      {"a drop-in wins over the main file",
       {{"sshd_config", DebianConfig() + "PasswordAuthentication no\nPermitRootLogin no\n"},
        {"sshd_config.d/50-cloud-init.conf", "PasswordAuthentication yes\n"}},
       {"maxauthtries", "usedns"}},
      {"drop-ins in sorted order, nested includes",
       {{"sshd_config", DebianConfig()},
        {"sshd_config.d/20-b.conf", "UseDNS no\nPermitRootLogin yes\n"},
        {"sshd_config.d/10-a.conf", "usedns yes\nInclude /etc/ssh/extra/*.conf\n"},
        {"extra/1.conf", "MaxAuthTries=3\n"}},
       {"passwordauthentication"}},
      {"match blocks are not global",
       {{"sshd_config",
         "PermitRootLogin no\n"
         "Match User backup\n"
         "    PasswordAuthentication yes\n"
         "MaxAuthTries 2\n"}},
       {"passwordauthentication", "maxauthtries", "usedns"}},
      {"case, '=' and duplicates",
       {{"sshd_config", "passwordAUTHENTICATION no\nPasswordAuthentication yes\nMaxAuthTries = 4\nUseDNS\tyes\n"}},
       {"permitrootlogin"}},
      {"an Include after the main file's own line",
       {{"sshd_config", "UseDNS no\nInclude /etc/ssh/sshd_config.d/*.conf\nMaxAuthTries 5\n"},
        {"sshd_config.d/x.conf", "UseDNS yes\nMaxAuthTries 6\n"}},
       {"permitrootlogin", "passwordauthentication"}},
      {"a Match in an included file ends with that file",
       {{"sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\n"},
        {"sshd_config.d/m.conf", "Match Group sftp\n  PasswordAuthentication yes\n"}},
       {"permitrootlogin", "maxauthtries", "usedns"}},
  };
}

// Runs sshd -T on the tree copied to `dir` with its absolute Include paths moved there too.
std::map<std::string, std::string> SshdView(const Case& c, const std::string& dir, const std::string& bin) {
  fs::create_directories(dir);
  for (const auto& [rel, text] : c.files) {
    std::string moved = text;
    for (size_t at = 0; (at = moved.find("/etc/ssh/", at)) != std::string::npos; at += dir.size() + 1)
      moved.replace(at, 9, dir + "/");
    WriteText(dir + "/" + rel, moved);
  }
  std::string key = dir + "/host_key";
  std::string run = "ssh-keygen -q -t ed25519 -N '' -f " + key + " >/dev/null && ";
  // As root, sshd wants its privilege separation user, which an unpacked package does not create:
  // ask as nobody instead, who needs to read the tree and own the key.
  if (::geteuid() == 0) {
    run += "chmod -R a+rX " + dir + " && chmod 600 " + key + " && chown nobody " + key + " && setpriv --reuid=nobody --regid=nogroup --clear-groups ";
  }
  run += "env LD_LIBRARY_PATH=" + bin + " " + bin + "/sshd -T -f " + dir + "/sshd_config -h " + key + " 2>&1";
  std::map<std::string, std::string> view;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(run.c_str(), "r"), ::pclose);
  char line[4096];
  std::string all;
  while (pipe && std::fgets(line, sizeof line, pipe.get())) {
    std::string l(line);
    all += l;
    while (!l.empty() && l.back() == '\n') l.pop_back();
    size_t sp = l.find(' ');
    if (sp != std::string::npos) view.emplace(l.substr(0, sp), l.substr(sp + 1));
  }
  EXPECT_TRUE(view.count("passwordauthentication")) << c.name << ": sshd -T printed: " << all;
  return view;
}

class KvSshdAgrees : public testing::ResourceFixture {};

TEST_F(KvSshdAgrees, EveryKeywordSshdPrintsIsWhatPlumbFinds) {
  if (!fs::exists(kDaemons + "/usr/sbin/sshd")) {
    if (std::getenv("CI")) FAIL() << "sshd is missing; scripts/fetch-test-daemons.sh unpacks it";
    GTEST_SKIP() << "run scripts/fetch-test-daemons.sh to compare with the real sshd";
  }
  // sshd may run as nobody, who may not be able to reach the source tree: it runs from a copy in
  // the temporary folder, which nobody may enter.
  ::chmod(dir_.path().c_str(), 0755);
  std::string bin = dir_ / "sshd-bin";
  fs::create_directories(bin);
  fs::copy_file(kDaemons + "/usr/sbin/sshd", bin + "/sshd");
  for (const char* lib : {"/usr/lib/x86_64-linux-gnu/libwrap.so.0", "/lib/x86_64-linux-gnu/libwrap.so.0"})
    if (fs::exists(kDaemons + lib)) fs::copy_file(kDaemons + lib, bin + "/libwrap.so.0", fs::copy_options::overwrite_existing);
  ::chmod(bin.c_str(), 0755);
  size_t compared = 0;
  int n = 0;
  for (const Case& c : Cases()) {
    fs::path root = dir_ / ("case" + std::to_string(n)), own = dir_ / ("sshd" + std::to_string(n++));
    for (const auto& [rel, text] : c.files) WriteText((root / "etc/ssh" / rel).string(), text);
    RootPath case_root(root.string(), *fs_);
    Backends b{*fs_, *accounts_, *processes_, case_root, nullptr, nullptr};
    auto view = SshdView(c, own.string(), bin);
    for (const char* keyword : {"permitrootlogin", "passwordauthentication", "maxauthtries", "usedns"}) {
      std::string body = "path = \"/etc/ssh/sshd_config\"\nformat = \"sshd\"\nkey = \"" + std::string(keyword) +
                         "\"\nvalue = \"" + view[keyword] + "\"\n";
      std::string text = "[policy]\nid = \"t\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\n" + body;
      Diagnostics diags;
      auto policy = LoadPolicy(text, "t.toml", types_, diags);
      ASSERT_TRUE(policy) << diags.All().at(0).message;
      auto r = types_.Instantiate(policy->resources[0], *policy, b);
      ASSERT_TRUE(r.ok()) << r.error().message;
      auto obs = (*r)->Test();
      ASSERT_TRUE(obs.ok()) << obs.error().message;
      if (c.unset.count(keyword)) {
        ASSERT_EQ(obs->drift.size(), 1u) << c.name << ": " << keyword;
        EXPECT_EQ(obs->drift[0].actual, "absent") << c.name << ": " << keyword << " is set nowhere";
        continue;
      }
      std::string found = obs->drift.empty() || obs->drift[0].property != "value" ? view[keyword] : obs->drift[0].actual;
      found = found.substr(0, found.find(" (from "));
      EXPECT_EQ(found, view[keyword]) << c.name << ": " << keyword;
      ++compared;
    }
  }
  EXPECT_GE(compared, 12u);
}

}  // namespace
}  // namespace plumb
