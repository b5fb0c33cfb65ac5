// The service type on a fake systemd (there is no systemd as PID 1 here): enablement and state
// drift, the order of the changes, what a notification does, and what --root leaves out.

#include <gtest/gtest.h>

#include <map>

#include "engine/fake/memory_fs.h"
#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "resources/systemd.h"
#include "tests/support/fake_types.h"

namespace plumb {
namespace {

// systemd's answers in memory; every call that changes something is recorded in order.
class FakeSystemd : public Systemd {
 public:
  Result<std::string> UnitFileState(const std::string& unit) override {
    auto it = files.find(unit);
    if (it == files.end()) return Error{ErrorKind::kNotFound, "cannot read the unit file state of '" + unit + "': Unit file " + unit + " does not exist."};
    return it->second;
  }
  Status SetEnablement(const std::string& unit, Enablement want) override {
    const char* text = want == Enablement::kEnabled ? "enabled" : want == Enablement::kDisabled ? "disabled" : "masked";
    calls.push_back(std::string("enablement ") + text + " " + unit);
    files[unit] = text;
    return OkStatus();
  }
  Result<std::string> ActiveState(const std::string& unit) override {
    auto it = active.find(unit);
    return it == active.end() ? std::string("inactive") : it->second;
  }
  Status Act(const std::string& unit, UnitAction action) override {
    const char* verb = action == UnitAction::kStart ? "start" : action == UnitAction::kStop ? "stop" : action == UnitAction::kReload ? "reload" : "restart";
    calls.push_back(std::string(verb) + " " + unit);
    if (fail_start && action == UnitAction::kStart) {
      active[unit] = "failed";
      return OkStatus();  // systemd took the job; the unit failed
    }
    active[unit] = action == UnitAction::kStop ? "inactive" : "active";
    return OkStatus();
  }
  std::map<std::string, std::string> files, active;
  std::vector<std::string> calls;
  bool fail_start = false;
};

class SystemdServiceTest : public ::testing::Test {
 protected:
  SystemdServiceTest() : types_(Platforms::kLinux), live_("", fs_), image_("/srv/image", fs_) {
    RegisterBuiltinTypes(types_);
    systemd_.files = {{"ssh.service", "disabled"}, {"nginx.service", "enabled"}, {"systemd-fsck@.service", "static"}};
  }

  std::unique_ptr<Resource> Make(const std::string& body, const RootPath& root) {
    Diagnostics diags;
    auto policy = LoadPolicy("[policy]\nid = \"t\"\n[[resource]]\nid = \"r\"\ntype = \"service\"\n" + body, "t.toml", types_, diags);
    EXPECT_TRUE(policy) << (diags.All().empty() ? "" : diags.All().at(0).message);
    if (!policy) return nullptr;
    policy_ = *policy;
    Backends b{fs_, accounts_, processes_, root, nullptr, nullptr};
    b.systemd = &systemd_;
    auto r = types_.Instantiate(policy_.resources[0], policy_, b);
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(*r) : nullptr;
  }

  static std::vector<std::string> Drift(const Observation& o) {
    std::vector<std::string> out;
    for (const auto& d : o.drift) out.push_back(DescribeDrift(d));
    return out;
  }

  TypeRegistry types_;
  MemoryFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath live_, image_;
  Policy policy_;
  FakeSystemd systemd_;
};

TEST_F(SystemdServiceTest, EnablementComesBeforeTheStartAndBothAreVerified) {
  auto r = Make("name = \"ssh\"\nenabled = \"enabled\"\nstate = \"running\"\n", live_);
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(Drift(*obs), (std::vector<std::string>{"enabled: expected 'enabled', actual 'disabled'",
                                                   "state: expected 'running', actual 'inactive'"}));
  ASSERT_TRUE(r->Set(*obs).ok());
  EXPECT_EQ(systemd_.calls, (std::vector<std::string>{"enablement enabled ssh.service", "start ssh.service"}));
  EXPECT_TRUE(r->Test()->compliant());
}

TEST_F(SystemdServiceTest, AUnitThatFailsToStartIsStillDrifted) {
  systemd_.fail_start = true;
  auto r = Make("name = \"ssh.service\"\nstate = \"running\"\n", live_);
  auto obs = r->Test();
  ASSERT_TRUE(r->Set(*obs).ok());
  EXPECT_EQ(Drift(*r->Test()), std::vector<std::string>{"state: expected 'running', actual 'failed'"});
}

TEST_F(SystemdServiceTest, StaticUnitsCountAsDisabledAndCannotBeEnabled) {
  auto off = Make("name = \"systemd-fsck@.service\"\nenabled = \"disabled\"\n", live_);
  EXPECT_TRUE(off->Test()->compliant());
  auto on = Make("name = \"systemd-fsck@.service\"\nenabled = \"enabled\"\n", live_);
  EXPECT_EQ(Drift(*on->Test()), std::vector<std::string>{"enabled: expected 'enabled', actual 'static'"});
  auto masked = Make("name = \"nginx\"\nenabled = \"masked\"\n", live_);
  EXPECT_EQ(Drift(*masked->Test()), std::vector<std::string>{"enabled: expected 'masked', actual 'enabled'"});
}

TEST_F(SystemdServiceTest, ANotificationRestartsOrReloadsARunningUnitAndNeverStartsAStoppedOne) {
  systemd_.active["nginx.service"] = "active";
  auto restart = Make("name = \"nginx\"\n", live_);
  EXPECT_EQ(restart->CanRefresh(), Refreshable::kYes);
  ASSERT_TRUE(restart->Refresh().ok());
  auto reload = Make("name = \"nginx\"\nrefresh = \"reload\"\n", live_);
  ASSERT_TRUE(reload->Refresh().ok());
  auto stopped = Make("name = \"ssh\"\n", live_);
  ASSERT_TRUE(stopped->Refresh().ok());
  EXPECT_EQ(systemd_.calls, (std::vector<std::string>{"restart nginx.service", "reload nginx.service"}));
}

TEST_F(SystemdServiceTest, UnderARootOnlyEnablementIsChecked) {
  auto r = Make("name = \"ssh\"\nenabled = \"enabled\"\nstate = \"running\"\n", image_);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(Drift(*obs), std::vector<std::string>{"enabled: expected 'enabled', actual 'disabled'"});
  EXPECT_EQ(obs->note, "state not checked under --root: an image runs nothing");
  ASSERT_TRUE(r->Set(*obs).ok());
  ASSERT_TRUE(r->Refresh().ok());
  EXPECT_EQ(systemd_.calls, std::vector<std::string>{"enablement enabled ssh.service"});
}

TEST_F(SystemdServiceTest, AnUnknownUnitFailsTheTest) {
  auto r = Make("name = \"nosuch\"\nenabled = \"enabled\"\n", live_);
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "cannot read the unit file state of 'nosuch.service': Unit file nosuch.service does not exist.");
}

TEST(SystemdServiceSchema, BadNamesAndStatesAreValidationErrors) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  auto error = [&](const std::string& body) {
    Diagnostics diags;
    LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"service\"\n" + body, "p.toml", types, diags);
    return diags.All().empty() ? std::string() : diags.All().at(0).message;
  };
  EXPECT_EQ(error("name = \"ssh; reboot\"\n"),
            "property 'name' must be a systemd unit name like ssh or getty@tty2.service, got 'ssh; reboot'");
  EXPECT_EQ(error("name = \"--now\"\n"), "property 'name' must be a systemd unit name like ssh or getty@tty2.service, got '--now'");
  EXPECT_EQ(error("name = \"ssh\"\nstate = \"started\"\n"), "property 'state' must be one of 'running', 'stopped'; got 'started'");
  EXPECT_EQ(error("name = \"getty@tty2.service\"\nenabled = \"masked\"\nrefresh = \"reload\"\n"), "");
}

}  // namespace
}  // namespace plumb
