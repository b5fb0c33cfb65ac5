// The user and group types on a temporary root with real passwd, group, shadow and gshadow files,
// changed by the real shadow-utils with --prefix (which needs root: skipped without it). The
// command lines are also checked without running anything.

#include <unistd.h>

#include "engine/fake/memory_fs.h"
#include "tests/support/fake_types.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

constexpr const char* kHash = "$y$j9T$abcdefghijklmnopqrstu.$0123456789abcdefghijklmnopqrstuvwxyzABCDE";

class AccountsTest : public testing::ResourceFixture {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "useradd --prefix needs root";
    testing::WriteText(In("etc/passwd"),
                       "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                       "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
    testing::WriteText(In("etc/group"), "root:x:0:\nadm:x:4:alice\nwww-data:x:33:\nsudo:x:27:\nalice:x:1000:\nstaff:x:50:alice\n");
    testing::WriteText(In("etc/shadow"), "root:*:20000:0:99999:7:::\nwww-data:*:20000:0:99999:7:::\nalice:!:20000:0:99999:7:::\n");
    testing::WriteText(In("etc/gshadow"), "root:*::\nadm:*::alice\nwww-data:*::\nsudo:*::\nalice:!::\nstaff:!::alice\n");
  }
  std::string Line(const std::string& file, const std::string& name) {
    std::string text = testing::ReadText(In(file));
    size_t at = text.find("\n" + name + ":");
    if (at == std::string::npos) return text.rfind(name + ":", 0) == 0 ? text.substr(0, text.find('\n')) : "";
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  }
  static std::vector<std::string> Drift(const Observation& o) {
    std::vector<std::string> out;
    for (const auto& d : o.drift) out.push_back(DescribeDrift(d));
    return out;
  }
};

TEST_F(AccountsTest, AGroupAndAUserAreCreatedWithEveryProperty) {
  auto group = Make("group", "name = \"deployers\"\ngid = 2000\n");
  ASSERT_TRUE(group);
  EXPECT_EQ(Drift(*group->Test()), std::vector<std::string>{"ensure: expected 'present', actual 'absent'"});
  EXPECT_TRUE(testing::Converge(*group).compliant());
  EXPECT_EQ(Line("etc/group", "deployers"), "deployers:x:2000:");

  auto user = Make("user", std::string("name = \"deploy\"\nuid = 2001\ngroup = \"deployers\"\ngroups = [\"adm\", \"sudo\"]\n"
                                       "home = \"/srv/deploy\"\nshell = \"/bin/bash\"\ncomment = \"Deployment\"\npassword = \"") +
                               kHash + "\"\n");
  ASSERT_TRUE(user);
  EXPECT_TRUE(testing::Converge(*user).compliant());
  EXPECT_EQ(Line("etc/passwd", "deploy"), "deploy:x:2001:2000:Deployment:/srv/deploy:/bin/bash");
  EXPECT_EQ(Line("etc/group", "adm"), "adm:x:4:alice,deploy");
  EXPECT_EQ(Line("etc/group", "sudo"), "sudo:x:27:deploy");
  EXPECT_EQ(Line("etc/shadow", "deploy").substr(0, 7 + std::string(kHash).size() + 1), std::string("deploy:") + kHash + ":");
  EXPECT_FALSE(std::filesystem::exists(In("srv/deploy"))) << "the home folder is not created";
}

TEST_F(AccountsTest, DriftNamesEachPropertyAndNeverAHash) {
  auto user = Make("user", "name = \"alice\"\nuid = 1001\ngroup = \"staff\"\ngroups = [\"sudo\", \"adm\"]\n"
                           "shell = \"/bin/zsh\"\npassword = \"" + std::string(kHash) + "\"\n");
  ASSERT_TRUE(user);
  EXPECT_EQ(Drift(*user->Test()), (std::vector<std::string>{"uid: expected '1001', actual '1000'",
                                                            "group: expected 'staff', actual 'alice'",
                                                            "groups: expected 'adm,sudo', actual 'adm,staff'",
                                                            "shell: expected '/bin/zsh', actual '/bin/bash'",
                                                            "password: expected '(the hash of the policy)', actual '(another hash)'"}));
  EXPECT_TRUE(testing::Converge(*user).compliant());
  EXPECT_EQ(Line("etc/passwd", "alice"), "alice:x:1001:50:Alice:/home/alice:/bin/zsh");
  // At least these groups: staff, which the policy does not name, is kept.
  EXPECT_EQ(Line("etc/group", "staff"), "staff:x:50:alice");
  EXPECT_EQ(Line("etc/group", "sudo"), "sudo:x:27:alice");
}

TEST_F(AccountsTest, ExactMembershipLeavesTheGroupsNotListed) {
  auto user = Make("user", "name = \"alice\"\ngroups = [\"sudo\"]\nmembership = \"exact\"\n");
  ASSERT_TRUE(user);
  EXPECT_EQ(Drift(*user->Test()), std::vector<std::string>{"groups: expected 'sudo', actual 'adm,staff'"});
  EXPECT_TRUE(testing::Converge(*user).compliant());
  EXPECT_EQ(Line("etc/group", "adm"), "adm:x:4:");
  EXPECT_EQ(Line("etc/group", "staff"), "staff:x:50:");
  EXPECT_EQ(Line("etc/group", "sudo"), "sudo:x:27:alice");
}

TEST_F(AccountsTest, AbsentRemovesTheAccountAndAFailureSaysWhy) {
  auto user = Make("user", "name = \"alice\"\nensure = \"absent\"\n");
  EXPECT_EQ(Drift(*user->Test()), std::vector<std::string>{"ensure: expected 'absent', actual 'present'"});
  EXPECT_TRUE(testing::Converge(*user).compliant());
  EXPECT_EQ(Line("etc/passwd", "alice"), "");
  auto group = Make("group", "name = \"www-data\"\ngid = 27\n");  // sudo has 27
  auto obs = group->Test();
  ASSERT_TRUE(obs.ok());
  Status st = group->Set(*obs);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "groupmod failed: exit status 4: groupmod: GID '27' already exists");
}

TEST(AccountCommands, UsermodAddsOnlyTheMissingGroupsAndNamesTheRoot) {
  MemoryFileSystem fs;
  fs.AddFile("/srv/img/etc/passwd", "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
  fs.AddFile("/srv/img/etc/group", "adm:x:4:alice\nsudo:x:27:\nalice:x:1000:\n");
  testing::RecordingProcesses runner;
  testing::NullAccounts accounts;
  RootPath root("/srv/img", fs);
  Backends b{fs, accounts, runner, root, nullptr, nullptr};
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  Diagnostics diags;
  auto policy = LoadPolicy("[policy]\nid = \"t\"\n[[resource]]\nid = \"r\"\ntype = \"user\"\nname = \"alice\"\n"
                           "groups = [\"adm\", \"sudo\"]\nshell = \"/bin/zsh\"\n",
                           "t.toml", types, diags);
  ASSERT_TRUE(policy);
  auto r = types.Instantiate(policy->resources[0], *policy, b);
  ASSERT_TRUE(r.ok());
  auto obs = (*r)->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_TRUE((*r)->Set(*obs).ok());
  EXPECT_EQ(runner.commands,
            std::vector<std::string>{"usermod --prefix '/srv/img' '-a' '-G' 'sudo' '-s' '/bin/zsh' -- 'alice'"});
}

TEST(AccountSchema, BadNamesIdsAndHashesAreValidationErrors) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  auto error = [&](const std::string& type, const std::string& body) {
    Diagnostics diags;
    LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"" + type + "\"\n" + body, "p.toml", types, diags);
    return diags.All().empty() ? std::string() : diags.All().at(0).message;
  };
  EXPECT_EQ(error("user", "name = \"-o\"\n"),
            "property 'name' must be an account name like www-data (letters, digits, '_', '-', '.'; not starting with a "
            "digit or '-'), got '-o'");
  EXPECT_EQ(error("user", "name = \"deploy\"\ngroups = [\"adm\", \"a b\"]\n"),
            "property 'groups' has 'a b', which must be an account name like www-data (letters, digits, '_', '-', '.'; "
            "not starting with a digit or '-')");
  EXPECT_EQ(error("group", "name = \"ops\"\ngid = -1\n"), "property 'gid' must be between 0 and 4294967294, got -1");
  EXPECT_EQ(error("user", "name = \"deploy\"\npassword = \"secret word\"\n"),
            "property 'password' must be a crypt(3) hash like $y$j9T$..., '!' or '*'");
  EXPECT_EQ(error("user", "name = \"deploy\"\ncomment = \"a:b\"\n"), "property 'comment' cannot hold ':' or a line break");
  EXPECT_EQ(error("user", "name = \"deploy\"\nmembership = \"minimum\"\n"),
            "property 'membership' must be one of 'at-least', 'exact'; got 'minimum'");
}

}  // namespace
}  // namespace plumb
