// The augeas type: its change and condition syntax, the resource on a temporary root with the
// real libaugeas and the system's lenses, and the same change sets run by augtool itself.

#include <filesystem>

#include "resources/augeas.h"
#include "tests/support/resource_fixture.h"
#include "tests/support/run_binary.h"

namespace plumb {
namespace {

constexpr const char* kTree = "/files/etc/fstab";

TEST(AugeasChangeTest, TheFourFormsWithPathsMadeAbsolute) {
  auto set = ParseAugeasChange("set *[file='/tmp']/opt \"noexec,nosuid\"", kTree);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->op, AugeasChange::Op::kSet);
  EXPECT_EQ(set->path, "/files/etc/fstab/*[file='/tmp']/opt");
  EXPECT_EQ(set->value, "noexec,nosuid");
  // A blank inside brackets or quotes belongs to the path; an unquoted value is the rest.
  auto spaced = ParseAugeasChange("set /files/etc/fstab/*[spec = 'a b']/opt  two words ", kTree);
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->path, "/files/etc/fstab/*[spec = 'a b']/opt");
  EXPECT_EQ(spaced->value, "two words");
  auto quoted = ParseAugeasChange("set 1/opt 'it\\'s'", kTree);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->value, "it's");
  auto clear = ParseAugeasChange("clear 1/opt", kTree);
  ASSERT_TRUE(clear);
  EXPECT_EQ(clear->op, AugeasChange::Op::kClear);
  auto rm = ParseAugeasChange("rm *[file='/media/cdrom']", kTree);
  ASSERT_TRUE(rm);
  EXPECT_EQ(rm->op, AugeasChange::Op::kRm);
  EXPECT_EQ(rm->path, "/files/etc/fstab/*[file='/media/cdrom']");
  auto ins = ParseAugeasChange("ins opt before 1/opt[1]", kTree);
  ASSERT_TRUE(ins);
  EXPECT_EQ(ins->op, AugeasChange::Op::kIns);
  EXPECT_EQ(ins->value, "opt");
  EXPECT_EQ(ins->side, AugeasChange::Side::kBefore);
  EXPECT_EQ(ins->path, "/files/etc/fstab/1/opt[1]");
  auto context = ParseAugeasChange("rm .", kTree);
  ASSERT_TRUE(context);
  EXPECT_EQ(context->path, kTree);
}

TEST(AugeasChangeTest, MalformedChangesSayWhatWasExpected) {
  auto message = [](const char* text) {
    auto c = ParseAugeasChange(text, kTree);
    return c ? std::string("parsed") : c.error().message;
  };
  EXPECT_EQ(message("put 1/opt x"), "starts with 'put'; expected set, clear, rm or ins");
  EXPECT_EQ(message("  "), "is empty; expected set, clear, rm or ins");
  EXPECT_EQ(message("set 1/opt"), "has no value; expected 'set PATH VALUE' (clear PATH leaves a node without a value)");
  EXPECT_EQ(message("rm"), "has no path; expected 'rm PATH'");
  EXPECT_EQ(message("rm 1/opt 2/opt"), "has '2/opt' after its path; quote a path with blanks outside [...]");
  EXPECT_EQ(message("ins opt 1/opt"), "expected 'ins LABEL before PATH' or 'ins LABEL after PATH'");
  EXPECT_EQ(message("set /files/etc/passwd/root/shell /bin/sh"),
            "names '/files/etc/passwd/root/shell', outside the file's tree '/files/etc/fstab'");
  EXPECT_EQ(message("set /files/etc/fstabx/1 a"), "names '/files/etc/fstabx/1', outside the file's tree '/files/etc/fstab'");
}

TEST(AugeasChangeTest, ConditionsInPuppetsWords) {
  auto size = ParseAugeasCondition("match *[file='/run/shm'] size == 0", kTree);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->kind, AugeasCondition::Kind::kSize);
  EXPECT_TRUE(AugeasConditionHolds(*size, 0, std::nullopt));
  EXPECT_FALSE(AugeasConditionHolds(*size, 1, std::nullopt));
  auto more = ParseAugeasCondition("match 1/opt size >= 2", kTree);
  ASSERT_TRUE(more);
  EXPECT_FALSE(AugeasConditionHolds(*more, 1, std::nullopt));
  EXPECT_TRUE(AugeasConditionHolds(*more, 3, std::nullopt));
  auto get = ParseAugeasCondition("get 1/vfstype != 'nfs'", kTree);
  ASSERT_TRUE(get);
  EXPECT_TRUE(AugeasConditionHolds(*get, 1, std::string("ext4")));
  EXPECT_FALSE(AugeasConditionHolds(*get, 1, std::string("nfs")));
  EXPECT_TRUE(AugeasConditionHolds(*get, 0, std::nullopt));
  auto bad = ParseAugeasCondition("match 1/opt count == 2", kTree);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "expected 'match PATH size OP N' (OP: == != < <= > >=) or 'get PATH == VALUE' (or !=)");
}

TEST(AugeasChangeTest, TheTreeOfAFileEscapesWhatPathsGiveAMeaning) {
  EXPECT_EQ(AugeasTreeOf("/etc/fstab"), "/files/etc/fstab");
  EXPECT_EQ(AugeasTreeOf("/etc/my file[1].conf"), "/files/etc/my\\ file\\[1\\].conf");
}

class AugeasResourceTest : public testing::ResourceFixture {
 protected:
  AugeasResourceTest() : augeas_(MakeSystemAugeas()) { backends_.augeas = augeas_.get(); }
  std::unique_ptr<Augeas> augeas_;
};

constexpr const char* kFstab = "# /etc/fstab\nproc /proc proc defaults 0 0\ntmpfs /tmp tmpfs defaults 0 0\n";

TEST_F(AugeasResourceTest, DriftListsTheAugeasPathsAndConvergingKeepsTheRest) {
  testing::WriteText(In("etc/fstab"), kFstab);
  auto r = Make("augeas",
                "path = \"/etc/fstab\"\nlens = \"Fstab.lns\"\n"
                "changes = [\"set *[file='/tmp']/opt noexec\", \"rm *[file='/proc']\", \"set *[file='/tmp']/dump 0\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "/files/etc/fstab/*[file='/tmp']/opt: expected 'noexec', actual 'defaults'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "/files/etc/fstab/*[file='/proc']: expected '(absent)', actual '(no value)'");
  EXPECT_EQ(obs->diff,
            "--- /etc/fstab (actual)\n+++ /etc/fstab\n@@ -1,3 +1,2 @@\n # /etc/fstab\n-proc /proc proc defaults 0 0\n"
            "-tmpfs /tmp tmpfs defaults 0 0\n+tmpfs /tmp tmpfs noexec 0 0\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/fstab")), "# /etc/fstab\ntmpfs /tmp tmpfs noexec 0 0\n");
}

TEST_F(AugeasResourceTest, OnlyifMakesAnAddedEntryConvergeInOneRun) {
  testing::WriteText(In("etc/fstab"), kFstab);
  auto r = Make("augeas",
                "path = \"/etc/fstab\"\nlens = \"Fstab.lns\"\nonlyif = \"match *[file='/run/shm'] size == 0\"\n"
                "changes = [\"set 01/spec tmpfs\", \"set 01/file /run/shm\", \"set 01/vfstype tmpfs\", \"set 01/opt nosuid\", "
                "\"set 01/dump 0\", \"set 01/passno 0\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 6u);
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "/files/etc/fstab/01/file: expected '/run/shm', actual '(absent)'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/fstab")), std::string(kFstab) + "tmpfs\t/run/shm\ttmpfs\tnosuid\t0 0\n");
}

TEST_F(AugeasResourceTest, InsertingBesideANodeThatHasTheLabelIsSkipped) {
  testing::WriteText(In("etc/hosts"), "127.0.0.1 localhost\n10.0.0.11 hv1\n");
  // No lens: the one Augeas's autoload picks for /etc/hosts.
  auto r = Make("augeas", "path = \"/etc/hosts\"\ncontext = \"/files/etc/hosts/*[canonical='hv1']\"\n"
                          "changes = [\"ins alias after canonical\", \"set alias[1] hv1.example.com\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]),
            "/files/etc/hosts/*[canonical='hv1']/canonical: expected 'a node alias after it', actual 'nothing after it'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/hosts")), "127.0.0.1 localhost\n10.0.0.11 hv1 hv1.example.com\n");
}

TEST_F(AugeasResourceTest, FailuresNameTheLensTheChangeAndThePlace) {
  testing::WriteText(In("etc/fstab"), "tmpfs /tmp tmpfs defaults 0 0 extra\n");
  auto message = [&](const std::string& body) {
    auto r = Make("augeas", "path = \"/etc/fstab\"\n" + body);
    if (!r) return std::string("invalid");
    auto obs = r->Test();
    return obs ? std::string("tested") : obs.error().message;
  };
  EXPECT_EQ(message("lens = \"Fstab.lns\"\nchanges = [\"rm 1\"]\n"),
            "'/etc/fstab': Augeas lens Fstab.lns cannot parse it: line 1, column 29: Iterated lens matched less than it should");
  EXPECT_EQ(message("lens = \"Nope.lns\"\nchanges = [\"rm 1\"]\n"),
            "'/etc/fstab': Augeas lens Nope.lns cannot parse it: Lens not found: Can not find lens Nope.lns");
  testing::WriteText(In("etc/fstab"), kFstab);
  EXPECT_EQ(message("lens = \"Fstab.lns\"\nchanges = [\"set */opt noexec\"]\n"),
            "'/etc/fstab': change 1 'set */opt noexec': '/files/etc/fstab/*/opt' matches 2 nodes; a change sets one (narrow it "
            "with [...])");
  EXPECT_EQ(message("lens = \"Fstab.lns\"\nchanges = [\"set 1/bogus x\"]\n"),
            "'/etc/fstab': Augeas lens Fstab.lns cannot write the changed tree back: Failed to match tree under /files/etc/fstab/1");
  EXPECT_EQ(message("lens = \"Fstab.lns\"\nchanges = [\"rm 1[\"]\n"),
            "'/etc/fstab': change 1 'rm 1[': '/files/etc/fstab/1[' is not a valid path expression (Invalid path expression: "
            "/files/etc/fstab/1[|=|)");
  EXPECT_EQ(message("lens = \"Fstab.lns\"\nonlyif = \"get */spec == tmpfs\"\nchanges = [\"rm 1\"]\n"),
            "'/etc/fstab': 'onlyif' 'get */spec == tmpfs': '/files/etc/fstab/*/spec' matches 2 nodes; get reads one");

  testing::WriteText(In("etc/plumb-unknown.conf"), "a\n");
  auto unknown = Make("augeas", "path = \"/etc/plumb-unknown.conf\"\nchanges = [\"rm a\"]\n");
  ASSERT_TRUE(unknown);
  auto obs = unknown->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message,
            "'/etc/plumb-unknown.conf': no Augeas lens loads '/etc/plumb-unknown.conf'; name one with lens = \"Module.lns\"");
}

TEST_F(AugeasResourceTest, ALinkIsRefusedAndNothingIsWrittenThroughIt) {
  testing::WriteText(dir_.path() + "/outside", kFstab);
  std::filesystem::create_symlink(dir_.path() + "/outside", In("etc/fstab"));
  auto r = Make("augeas", "path = \"/etc/fstab\"\nlens = \"Fstab.lns\"\nchanges = [\"rm 1\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "'/etc/fstab' is a symlink, expected a file");
  EXPECT_EQ(testing::ReadText(dir_.path() + "/outside"), kFstab);
}

TEST_F(AugeasResourceTest, ValidationErrorsNameTheChange) {
  auto message = [&](const std::string& body) {
    auto r = TryMake("augeas", "path = \"/etc/fstab\"\n" + body);
    return r ? std::string("valid") : r.error().message;
  };
  EXPECT_EQ(message("changes = [\"set 1/opt x\", \"set /files/etc/passwd/root/uid 0\"]\n"),
            "invalid snippet: change 2 'set /files/etc/passwd/root/uid 0' names '/files/etc/passwd/root/uid', outside the "
            "file's tree '/files/etc/fstab'");
  EXPECT_EQ(message("changes = [\"rm 1\"]\ncontext = \"/files/etc/hosts\"\n"),
            "invalid snippet: 'context' must be in the file's tree '/files/etc/fstab', got '/files/etc/hosts'");
  EXPECT_EQ(message("changes = [\"rm 1\"]\nonlyif = \"match 1 size = 0\"\n"),
            "invalid snippet: 'onlyif' expected 'match PATH size OP N' (OP: == != < <= > >=) or 'get PATH == VALUE' (or !=)");
  EXPECT_EQ(message("changes = []\n"), "invalid snippet: property 'changes' must hold at least one change");
  EXPECT_EQ(message("changes = [\"rm 1\"]\nlens = \"@Fstab\"\n"),
            "invalid snippet: property 'lens' must name a lens as Module.lens, like \"Fstab.lns\", got '@Fstab'");
}

// The same change sets through augtool, which loads and saves the file itself: plumb's result
// must be the file augtool writes.
TEST_F(AugeasResourceTest, TheResultIsWhatAugtoolWrites) {
  if (testing::RunShell("command -v augtool").code != 0) GTEST_SKIP() << "no augtool to compare with";
  struct Case {
    const char* file;
    const char* module;
    const char* text;
    std::vector<std::string> changes;
  };
  const std::vector<Case> cases = {
      {"etc/fstab", "Fstab", kFstab, {"set *[file='/tmp']/opt[1] noexec", "ins opt after *[file='/tmp']/opt[1]", "set *[file='/tmp']/opt[2] nosuid"}},
      {"etc/hosts", "Hosts", "127.0.0.1 localhost\n# cluster\n10.0.0.11 hv1\n", {"set *[canonical='hv1']/ipaddr 10.0.0.21", "rm #comment"}},
      {"etc/security/limits.conf", "Limits", "* soft nofile 1024\n",
       {"set domain[last()+1] @admins", "set domain[last()]/type hard", "set domain[last()]/item nproc", "set domain[last()]/value 200"}},
      {"etc/sudoers", "Sudoers", "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n",
       {"rm Defaults[env_reset]", "set spec[user='root']/host_group/command/runas_user operator"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    std::filesystem::create_directories(std::filesystem::path(In(c.file)).parent_path());
    testing::WriteText(In(c.file), c.text);
    std::string body = std::string("path = \"/") + c.file + "\"\nlens = \"" + c.module + ".lns\"\nchanges = [";
    for (const std::string& ch : c.changes) body += "\"" + ch + "\", ";
    auto r = Make("augeas", body + "]\n");
    ASSERT_TRUE(r);
    auto obs = r->Test();
    ASSERT_TRUE(obs.ok()) << obs.error().message;
    ASSERT_FALSE(obs->drift.empty());
    ASSERT_TRUE(r->Set(*obs).ok());

    std::string theirs = dir_.path() + "/augtool";
    std::filesystem::create_directories(std::filesystem::path(theirs + "/" + c.file).parent_path());
    testing::WriteText(theirs + "/" + c.file, c.text);
    std::string script;
    for (const std::string& ch : c.changes) {
      std::string command = ch.substr(0, ch.find(' '));
      std::string rest = ch.substr(ch.find(' ') + 1);
      if (command == "ins") {
        // ins LABEL SIDE PATH: the path is the fourth word.
        size_t side = rest.find(' ', 0);
        size_t path = rest.find(' ', side + 1);
        script += "ins " + rest.substr(0, path + 1) + "/files/" + c.file + "/" + rest.substr(path + 1) + "\n";
      } else {
        script += command + " /files/" + std::string(c.file) + "/" + rest + "\n";
      }
    }
    testing::WriteText(dir_.path() + "/script", script + "save\n");
    auto run = testing::RunShell("augtool --noautoload --root='" + theirs + "' --transform='" + c.module + ".lns incl /" +
                                 c.file + "' --file='" + dir_.path() + "/script' 2>&1");
    ASSERT_EQ(run.code, 0) << run.out;
    EXPECT_EQ(testing::ReadText(In(c.file)), testing::ReadText(theirs + "/" + c.file)) << script;
  }
}

}  // namespace
}  // namespace plumb
