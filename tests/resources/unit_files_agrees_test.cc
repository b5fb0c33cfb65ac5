// Enablement without a running systemd (UnitFiles, for --root) compared with systemctl itself:
// the same steps are taken on two copies of a root with real unit files (tests/data/systemd:
// Debian's ssh.service and ssh.socket, systemd's getty@.service, and units with RequiredBy,
// Also, none or only Also in [Install]), by plumb on one and by `systemctl --root` on the other.
// After each step both hold the same links, and plumb's state of every unit is what
// `systemctl --root is-enabled` prints.

#include <filesystem>

#include "engine/os/system.h"
#include "resources/root_path.h"
#include "resources/systemd.h"
#include "tests/support/resource_fixture.h"
#include "tests/support/run_binary.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

const char* const kUnits[] = {"ssh.service",       "sshd.service",  "ssh.socket",           "getty@tty1.service",
                              "getty@tty2.service", "cups.service",  "cups.socket",          "cups.path",
                              "fstrim.timer",       "nginx.service", "static-helper.service", "only-also.service"};

class UnitFilesAgree : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::RunShell("command -v systemctl").code != 0) GTEST_SKIP() << "no systemctl to compare with";
    for (const char* side : {"plumb", "systemctl"}) {
      fs::create_directories(dir_ / (std::string(side) + "/etc/systemd/system"));
      fs::copy(std::string(PLUMB_SOURCE_DIR) + "/tests/data/systemd", dir_ / side, fs::copy_options::recursive);
    }
    root_ = std::make_unique<RootPath>(dir_ / "plumb", *fs_);
    files_ = std::make_unique<UnitFiles>(*fs_, *root_);
  }

  // Both sides take the step; both succeed or both fail.
  void Step(const std::string& unit, Enablement want) {
    Status ours = files_->SetEnablement(unit, want);
    std::string root = "--root='" + std::string(dir_ / "systemctl") + "' ";
    std::string verb = want == Enablement::kEnabled ? "enable" : want == Enablement::kDisabled ? "disable" : "mask";
    // plumb unmasks before enabling or disabling, as it must to converge.
    std::string cmd = (want == Enablement::kMasked ? "" : "systemctl " + root + "unmask " + unit + " && ") +
                      "systemctl " + root + verb + " " + unit;
    testing::RunResult theirs = testing::RunShell("{ " + cmd + "; } 2>&1");
    EXPECT_EQ(ours.ok(), theirs.code == 0) << verb << " " << unit << ": plumb "
                                           << (ours.ok() ? "did it" : ours.error().message) << "; systemctl: " << theirs.out;
    EXPECT_EQ(Links("plumb"), Links("systemctl")) << "after " << verb << " " << unit;
    for (const char* u : kUnits) {
      testing::RunResult is = testing::RunShell("systemctl " + root + "is-enabled " + u + " 2>/dev/null");
      auto state = files_->UnitFileState(u);
      std::string mine = state.ok() ? *state : "(" + state.error().message + ")";
      std::string want_state(Trim(is.out));
      // An alias is reported as "alias" by systemctl; plumb manages units by their own names.
      if (want_state == "alias") continue;
      EXPECT_EQ(mine, want_state.empty() ? mine : want_state) << u << " after " << verb << " " << unit;
    }
  }

  std::string Links(const std::string& side) {
    return testing::RunShell("cd '" + std::string(dir_ / side) + "' && find etc -type l -printf '%p -> %l\\n' | sort").out;
  }

  testing::TempDir dir_;
  std::unique_ptr<FileSystem> fs_ = MakeSystemFileSystem();
  std::unique_ptr<RootPath> root_;
  std::unique_ptr<UnitFiles> files_;
};

TEST_F(UnitFilesAgree, EnableDisableAndMaskMakeTheLinksSystemctlMakes) {
  Step("ssh.service", Enablement::kEnabled);  // WantedBy and Alias
  EXPECT_EQ(Links("plumb"),
            "etc/systemd/system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service\n"
            "etc/systemd/system/sshd.service -> /lib/systemd/system/ssh.service\n");
  Step("ssh.socket", Enablement::kEnabled);
  Step("getty@tty2.service", Enablement::kEnabled);  // an instance of a template
  Step("getty@.service", Enablement::kEnabled);      // the template itself: its DefaultInstance
  Step("cups.service", Enablement::kEnabled);        // Also=
  Step("fstrim.timer", Enablement::kEnabled);        // RequiredBy=
  Step("nginx.service", Enablement::kMasked);
  Step("nginx.service", Enablement::kEnabled);  // unmasked, then enabled
  Step("ssh.service", Enablement::kDisabled);
  Step("cups.service", Enablement::kDisabled);
  Step("only-also.service", Enablement::kEnabled);
  Step("getty@tty2.service", Enablement::kDisabled);
  Step("ssh.service", Enablement::kMasked);
  Step("ssh.service", Enablement::kDisabled);
}

TEST_F(UnitFilesAgree, AStaticUnitCannotBeEnabled) {
  // systemctl warns and exits 0, having done nothing: the unit stays static. plumb says so as
  // an error, since "enabled" is not what the node has.
  testing::RunResult theirs =
      testing::RunShell("systemctl --root='" + std::string(dir_ / "systemctl") + "' enable static-helper.service 2>&1");
  EXPECT_EQ(theirs.code, 0);
  EXPECT_EQ(testing::RunShell("systemctl --root='" + std::string(dir_ / "systemctl") + "' is-enabled static-helper.service").out,
            "static\n");
  Status st = files_->SetEnablement("static-helper.service", Enablement::kEnabled);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "unit 'static-helper.service' has no [Install] section (it is static): it starts only when another unit "
            "needs it, and cannot be enabled");
  EXPECT_EQ(Links("plumb"), Links("systemctl"));
  EXPECT_EQ(Links("plumb"), "");
  EXPECT_EQ(*files_->UnitFileState("static-helper.service"), "static");
  auto missing = files_->UnitFileState("nosuch.service");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "no unit 'nosuch.service' in the unit folders (/etc/systemd/system, /lib/systemd/system, ...)");
}

}  // namespace
}  // namespace plumb
