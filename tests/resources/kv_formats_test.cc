// kv formats on the files Debian 12 ships (tests/data/debian: openssh-server 9.2p1's
// sshd_config, grub2-common's /etc/default/grub, procps' sysctl.conf, systemd's journald.conf),
// in a temporary root laid out as Debian lays it out.

#include <filesystem>
#include <sys/stat.h>

#include "engine/util/read_file.h"
#include "resources/kv.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::WriteText;

std::string Debian(const std::string& name) {
  auto text = ReadWholeFile(std::string(PLUMB_SOURCE_DIR) + "/tests/data/debian/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

std::string Drift(const Observation& obs) {
  std::string out;
  for (const auto& d : obs.drift) out += DescribeDrift(d) + "\n";
  return out;
}

class KvFormatTest : public testing::ResourceFixture {
 protected:
  KvFormatTest() {
    WriteText(In("etc/ssh/sshd_config"), Debian("sshd_config"));
    fs::create_directories(In("etc/ssh/sshd_config.d"));
  }
  Observation TestOf(Resource& r) {
    auto obs = r.Test();
    EXPECT_TRUE(obs.ok()) << (obs.ok() ? "" : obs.error().message);
    return obs.ok() ? *obs : Observation{};
  }
};

const char* kSshdPolicy = "path = \"/etc/ssh/sshd_config\"\nformat = \"sshd\"\n";

TEST_F(KvFormatTest, SshdKeywordsAreCaseInsensitiveAndTheFirstValueWins) {
  // Debian's file says "KbdInteractiveAuthentication no" and "UsePAM yes".
  auto r = Make("kv", std::string(kSshdPolicy) + "key = \"kbdinteractiveauthentication\"\nvalue = \"no\"\n");
  EXPECT_TRUE(TestOf(*r).compliant());
  std::string text = Debian("sshd_config") + "UsePAM no\n";
  WriteText(In("etc/ssh/sshd_config"), text);
  auto pam = Make("kv", std::string(kSshdPolicy) + "key = \"UsePAM\"\nvalue = \"yes\"\n");
  Observation obs = TestOf(*pam);
  EXPECT_EQ(Drift(obs), "duplicates: expected '1 line', actual '2 lines'\n") << "the first value (yes) is what sshd uses";
  EXPECT_TRUE(testing::Converge(*pam).compliant());
  EXPECT_EQ(ReadText(In("etc/ssh/sshd_config")), Debian("sshd_config")) << "only the later duplicate was removed";
}

TEST_F(KvFormatTest, SshdMissingKeyGoesBeforeTheFirstMatchNeverIntoIt) {
  std::string text =
      "Port 22\n"
      "PermitRootLogin no\n"
      "\n"
      "Match User backup\n"
      "    PasswordAuthentication yes\n"
      "X11Forwarding yes\n";  // unindented, still inside the Match block
  WriteText(In("etc/ssh/sshd_config"), text);
  auto r = Make("kv", std::string(kSshdPolicy) + "key = \"PasswordAuthentication\"\nvalue = \"no\"\n");
  EXPECT_EQ(Drift(TestOf(*r)), "value: expected 'no', actual 'absent'\n") << "the indented line inside Match is not global";
  auto x11 = Make("kv", std::string(kSshdPolicy) + "key = \"X11Forwarding\"\nvalue = \"yes\"\n");
  EXPECT_EQ(Drift(TestOf(*x11)), "value: expected 'yes', actual 'absent'\n") << "a line after Match belongs to it";
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/ssh/sshd_config")),
            "Port 22\n"
            "PermitRootLogin no\n"
            "PasswordAuthentication no\n"
            "\n"
            "Match User backup\n"
            "    PasswordAuthentication yes\n"
            "X11Forwarding yes\n");
}

TEST_F(KvFormatTest, SshdKeyEqualsValueIsTheSameSetting) {
  WriteText(In("etc/ssh/sshd_config"), "PermitRootLogin=prohibit-password\n");
  auto r = Make("kv", std::string(kSshdPolicy) + "key = \"PermitRootLogin\"\nvalue = \"no\"\n");
  EXPECT_EQ(Drift(TestOf(*r)), "value: expected 'no', actual 'prohibit-password'\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/ssh/sshd_config")), "PermitRootLogin no\n");
  // The file sshd reads is the managed file however the policy spells its path.
  auto spelled = Make("kv", "path = \"/etc/ssh//./sshd_config\"\nformat = \"sshd\"\nkey = \"PermitRootLogin\"\nvalue = \"no\"\n");
  Observation obs = TestOf(*spelled);
  EXPECT_TRUE(obs.compliant());
  EXPECT_EQ(obs.note, "");
}

TEST_F(KvFormatTest, SshdDropInReadFirstIsTheEffectiveValueAndNamedAsDrift) {
  // Debian includes /etc/ssh/sshd_config.d/*.conf at the top of its sshd_config; cloud images
  // drop a file there.
  WriteText(In("etc/ssh/sshd_config.d/50-cloud-init.conf"), "PasswordAuthentication yes\n");
  WriteText(In("etc/ssh/sshd_config"), Debian("sshd_config") + "PasswordAuthentication no\n");
  auto r = Make("kv", std::string(kSshdPolicy) + "key = \"PasswordAuthentication\"\nvalue = \"no\"\n");
  EXPECT_EQ(Drift(TestOf(*r)),
            "value: expected 'no', actual 'yes (from /etc/ssh/sshd_config.d/50-cloud-init.conf:1)'\n");
  auto first = r->Test();
  auto st = r->Set(*first);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message,
            "'PasswordAuthentication' is set to 'yes' in /etc/ssh/sshd_config.d/50-cloud-init.conf:1, which sshd applies "
            "instead of '/etc/ssh/sshd_config'; change or remove it there (it can be managed by its own kv resource)");
  // The drop-in itself, managed by its own resource, is the fix.
  auto dropin = Make("kv", "path = \"/etc/ssh/sshd_config.d/50-cloud-init.conf\"\nformat = \"sshd\"\n"
                           "key = \"PasswordAuthentication\"\nvalue = \"no\"\n");
  EXPECT_TRUE(testing::Converge(*dropin).compliant());
  EXPECT_TRUE(TestOf(*r).compliant());
}

TEST_F(KvFormatTest, SshdFileNobodyIncludesIsNotRead) {
  auto r = Make("kv", "path = \"/etc/ssh/extra.conf\"\nformat = \"sshd\"\nkey = \"UseDNS\"\nvalue = \"no\"\n");
  Observation obs = TestOf(*r);
  EXPECT_EQ(Drift(obs), "value: expected 'no', actual 'not read by sshd'\n");
  EXPECT_EQ(obs.note, "sshd does not read '/etc/ssh/extra.conf': no Include line of /etc/ssh/sshd_config reaches it");
  auto first = r->Test();
  EXPECT_EQ(r->Set(*first).error().message,
            "sshd does not read '/etc/ssh/extra.conf': no Include line of /etc/ssh/sshd_config reaches it");
  EXPECT_FALSE(fs::exists(In("etc/ssh/extra.conf"))) << "nothing written";
  // A relative Include (taken from /etc/ssh), nested once.
  WriteText(In("etc/ssh/sshd_config.d/10-extra.conf"), "Include extra.conf\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
}

TEST_F(KvFormatTest, SysctlLastAssignmentInSystemdOrderWins) {
  // Debian: /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf, and procps' commented sysctl.conf.
  WriteText(In("etc/sysctl.conf"), Debian("sysctl.conf"));
  fs::create_directories(In("etc/sysctl.d"));
  fs::create_symlink("../sysctl.conf", In("etc/sysctl.d/99-sysctl.conf"));
  WriteText(In("usr/lib/sysctl.d/50-default.conf"), "net.ipv4.ip_forward = 0\n-net.core.default_qdisc = fq_codel\n");
  auto r = Make("kv", "path = \"/etc/sysctl.d/60-router.conf\"\nformat = \"sysctl\"\nkey = \"net.ipv4.ip_forward\"\nvalue = \"1\"\n");
  EXPECT_EQ(Drift(TestOf(*r)), "value: expected '1', actual '0 (from /usr/lib/sysctl.d/50-default.conf:1)'\n");
  EXPECT_TRUE(testing::Converge(*r).compliant()) << "60-router.conf is read after 50-default.conf";
  EXPECT_EQ(ReadText(In("etc/sysctl.d/60-router.conf")), "net.ipv4.ip_forward = 1\n");
  // Uncommenting the line in sysctl.conf (read last, through 99-sysctl.conf) overrides it; the
  // slash form is the same key.
  WriteText(In("etc/sysctl.conf"), Debian("sysctl.conf") + "net/ipv4/ip_forward=0\n");
  Observation obs = TestOf(*r);
  ASSERT_EQ(obs.drift.size(), 1u);
  std::string conf = Debian("sysctl.conf");
  EXPECT_EQ(DescribeDrift(obs.drift[0]), "value: expected '1', actual '0 (from /etc/sysctl.conf:" +
                                             std::to_string(std::count(conf.begin(), conf.end(), '\n') + 1) + ")'");
  // A file of the same name in /etc hides the one in /usr/lib; a link to /dev/null masks it.
  WriteText(In("etc/sysctl.conf"), Debian("sysctl.conf"));
  fs::remove(In("etc/sysctl.d/60-router.conf"));
  auto lib = Make("kv", "path = \"/usr/lib/sysctl.d/50-default.conf\"\nformat = \"sysctl\"\nkey = \"net.ipv4.ip_forward\"\nvalue = \"0\"\n");
  EXPECT_TRUE(TestOf(*lib).compliant());
  fs::create_symlink("/dev/null", In("etc/sysctl.d/50-default.conf"));
  obs = TestOf(*lib);
  EXPECT_EQ(Drift(obs), "value: expected '0', actual 'not read by systemd-sysctl'\n");
  EXPECT_EQ(obs.note, "systemd-sysctl does not read '/usr/lib/sysctl.d/50-default.conf': it reads *.conf files in /etc/sysctl.d, "
                      "/run/sysctl.d, /usr/local/lib/sysctl.d and /usr/lib/sysctl.d, a file of the same name in an earlier "
                      "folder hiding it, and /etc/sysctl.conf only through a link there");
  // Without Debian's 99-sysctl.conf link, systemd-sysctl never reads /etc/sysctl.conf.
  fs::remove(In("etc/sysctl.d/99-sysctl.conf"));
  WriteText(In("etc/sysctl.conf"), "net.ipv4.ip_forward = 1\n");
  auto conf_kv = Make("kv", "path = \"/etc/sysctl.conf\"\nformat = \"sysctl\"\nkey = \"net.ipv4.ip_forward\"\nvalue = \"1\"\n");
  EXPECT_EQ(Drift(TestOf(*conf_kv)), "value: expected '1', actual 'not read by systemd-sysctl'\n");
  EXPECT_EQ(Drift(TestOf(*r)), "value: expected '1', actual 'absent'\n");
}

TEST_F(KvFormatTest, ShellValueIsTheWordTheShellReads) {
  WriteText(In("etc/default/grub"), Debian("default-grub"));
  // Debian: GRUB_CMDLINE_LINUX_DEFAULT="quiet", GRUB_TIMEOUT=5.
  auto quiet = Make("kv", "path = \"/etc/default/grub\"\nformat = \"shell\"\nkey = \"GRUB_CMDLINE_LINUX_DEFAULT\"\nvalue = \"quiet\"\n");
  EXPECT_TRUE(TestOf(*quiet).compliant()) << "the quotes are the shell's, not part of the value";
  auto cmdline = Make("kv", "path = \"/etc/default/grub\"\nformat = \"shell\"\nkey = \"GRUB_CMDLINE_LINUX_DEFAULT\"\n"
                            "value = \"quiet splash mitigations=auto,nosmt\"\n");
  EXPECT_EQ(Drift(TestOf(*cmdline)), "value: expected 'quiet splash mitigations=auto,nosmt', actual 'quiet'\n");
  EXPECT_TRUE(testing::Converge(*cmdline).compliant());
  std::string grub = ReadText(In("etc/default/grub"));
  EXPECT_NE(grub.find("\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash mitigations=auto,nosmt\"\n"), std::string::npos) << grub;
  auto timeout = Make("kv", "path = \"/etc/default/grub\"\nformat = \"shell\"\nkey = \"GRUB_TIMEOUT\"\nvalue = \"10\"\n");
  EXPECT_TRUE(testing::Converge(*timeout).compliant());
  EXPECT_NE(ReadText(In("etc/default/grub")).find("\nGRUB_TIMEOUT=10\n"), std::string::npos) << "unquoted stays unquoted";
  // Single quotes, escapes and "export"; the last assignment is the one the shell keeps.
  WriteText(In("etc/default/app"), "export OPTS='-a \"b\"'\nNAME=a\\ b\nNAME=\"c\\$d\"\n");
  auto opts = Make("kv", "path = \"/etc/default/app\"\nformat = \"shell\"\nkey = \"OPTS\"\nvalue = '-a \"b\"'\n");
  EXPECT_TRUE(TestOf(*opts).compliant());
  auto name = Make("kv", "path = \"/etc/default/app\"\nformat = \"shell\"\nkey = \"NAME\"\nvalue = \"a b\"\n");
  Observation obs = TestOf(*name);
  ASSERT_EQ(obs.drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs.drift[0]), "value: expected 'a b', actual 'c$d'");
  EXPECT_TRUE(testing::Converge(*name).compliant());
  EXPECT_TRUE(testing::Converge(*opts).compliant());
  EXPECT_EQ(ReadText(In("etc/default/app")), "export OPTS='-a \"b\"'\nNAME=a\\ b\n") << "a right line keeps its spelling";
  auto dollar = Make("kv", "path = \"/etc/default/app\"\nformat = \"shell\"\nkey = \"OPTS\"\nvalue = 'say \"$HOME\" `x`'\n");
  EXPECT_TRUE(testing::Converge(*dollar).compliant());
  EXPECT_EQ(ReadText(In("etc/default/app")), "export OPTS=\"say \\\"\\$HOME\\\" \\`x\\`\"\nNAME=a\\ b\n");
}

TEST_F(KvFormatTest, IniSectionsAndBothCommentCharacters) {
  WriteText(In("etc/systemd/journald.conf"), Debian("journald.conf") + "; Storage=volatile\n");
  auto r = Make("kv", "path = \"/etc/systemd/journald.conf\"\nformat = \"ini\"\nsection = \"Journal\"\nkey = \"Storage\"\nvalue = \"persistent\"\n");
  EXPECT_EQ(Drift(TestOf(*r)), "value: expected 'persistent', actual 'absent'\n") << "'#Storage=auto' and '; Storage' are comments";
  EXPECT_TRUE(testing::Converge(*r).compliant());
  std::string text = ReadText(In("etc/systemd/journald.conf"));
  EXPECT_NE(text.find("#Storage=auto\n"), std::string::npos) << "the commented default is kept";
  EXPECT_NE(text.find("Storage = persistent\n"), std::string::npos) << text;
}

TEST_F(KvFormatTest, FormatOwnsItsSeparatorAndSections) {
  EXPECT_EQ(TryMake("kv", std::string(kSshdPolicy) + "key = \"UseDNS\"\nvalue = \"no\"\nseparator = \"=\"\n").error().message,
            "invalid snippet: format = \"sshd\" sets 'separator' itself; remove 'separator'");
  EXPECT_EQ(TryMake("kv", std::string(kSshdPolicy) + "key = \"UseDNS\"\nvalue = \"no\"\nsection = \"x\"\n").error().message,
            "invalid snippet: format = \"sshd\" has no sections; use format = \"ini\" or remove 'section'");
  EXPECT_EQ(TryMake("kv", "path = \"/x\"\nformat = \"nginx\"\nkey = \"a\"\nvalue = \"b\"\n").error().message,
            "invalid snippet: property 'format' must be one of 'generic', 'sshd', 'sysctl', 'shell', 'ini'; got 'nginx'");
}

TEST_F(KvFormatTest, ValidateCommandRejectsNewContentAndTheTargetStaysAsItWas) {
  WriteText(In("etc/sudoers"), "root ALL=(ALL) ALL\n");
  // The command sees the new content in the temporary file beside the target.
  auto bad = Make("kv", "path = \"/etc/sudoers\"\nkey = \"Defaults\"\nseparator = \" \"\nvalue = \"broken\"\n"
                        "validate_command = \"grep -q '^Defaults broken$' %s && echo 'syntax error near line 2' && exit 1\"\n");
  auto first = bad->Test();
  ASSERT_TRUE(first.ok());
  auto st = bad->Set(*first);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "validate_command rejected the new content of '/etc/sudoers', which was left as it was: "
                                "exit status 1: syntax error near line 2");
  EXPECT_EQ(ReadText(In("etc/sudoers")), "root ALL=(ALL) ALL\n");
  size_t entries = 0;
  std::string names;
  for (const auto& e : fs::directory_iterator(In("etc"))) {
    entries += e.path().filename() != "sudoers" && e.path().filename() != "ssh";
    names += e.path().filename().string() + " ";
  }
  EXPECT_EQ(entries, 0u) << "the temporary file is gone: " << names;
  auto good = Make("file", "path = \"/etc/sudoers\"\ncontent = \"root ALL=(ALL) ALL\\n%admin ALL=(ALL) ALL\\n\"\n"
                           "validate_command = \"grep -q '^%%admin' %s\"\n");
  EXPECT_TRUE(testing::Converge(*good).compliant());
  EXPECT_EQ(ReadText(In("etc/sudoers")), "root ALL=(ALL) ALL\n%admin ALL=(ALL) ALL\n");
  EXPECT_EQ(TryMake("file", "path = \"/x\"\ncontent = \"a\"\nvalidate_command = \"visudo -c\"\n").error().message,
            "invalid snippet: property 'validate_command' must name the new content with %s (\"sshd -t -f %s\")");
}

}  // namespace
}  // namespace plumb
