// windows.service against a fake service control manager: drift, convergence, the reboot barrier
// its service_type arms, and a service configured own-process that still shares its host.
#include "resources/windows_service.h"

#include <gtest/gtest.h>

#include <map>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "tests/support/fake_types.h"

namespace plumb {
namespace {

class FakeScm : public ServiceManager {
 public:
  Result<std::optional<ServiceStatus>> Query(const std::string& name) override {
    ++queries;
    auto it = services.find(name);
    if (it == services.end()) return std::optional<ServiceStatus>();
    return std::optional<ServiceStatus>(it->second);
  }
  Status SetProcess(const std::string& name, ServiceProcess p) override {
    services[name].process = p;
    return OkStatus();
  }
  Status SetStart(const std::string& name, ServiceStart s) override {
    services[name].start = s;
    return OkStatus();
  }
  Status SetState(const std::string& name, ServiceRunState s) override {
    services[name].state = s;
    return OkStatus();
  }
  Result<std::vector<RunningService>> Running() override {
    ++enumerations;
    std::vector<RunningService> out;
    for (const auto& [name, s] : services)
      if (s.state == ServiceRunState::kRunning) out.push_back({name, s.pid});
    return out;
  }
  std::map<std::string, ServiceStatus> services;
  int queries = 0, enumerations = 0;
};

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : types_(Platforms::kWindows), root_("", fs_) { RegisterBuiltinTypes(types_); }

  std::unique_ptr<Resource> Make(const std::string& body) {
    Diagnostics diags;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"windows.service\"\n" + body, "p.toml",
                        types_, diags);
    EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All()[0].message);
    policy_ = *p;
    Backends b{fs_, accounts_, processes_, root_, nullptr, &scm_};
    return std::move(*types_.Instantiate(policy_.resources[0], policy_, b));
  }

  TypeRegistry types_;
  testing::NullFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  FakeScm scm_;
  Policy policy_;
};

TEST_F(ServiceTest, LanmanServerShareToOwnNeedsAReboot) {
  // A shared svchost (pid 812) hosts LanmanServer with two other services.
  scm_.services["LanmanServer"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.services["Browser"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.services["LanmanWorkstation"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  auto r = Make("name = \"LanmanServer\"\nservice_type = \"own\"\nstart_type = \"auto\"\n");
  EXPECT_EQ(policy_.resources[0].reboot_properties, std::vector<std::string>{"service_type"})
      << "the schema says a service_type change needs a reboot";
  auto obs = r->Test();
  ASSERT_TRUE(obs);
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "service_type: expected 'own', actual 'share'");
  ASSERT_TRUE(r->Set(*obs));
  auto after = r->Test();
  EXPECT_TRUE(after->compliant());
  EXPECT_EQ(after->reboot_pending,
            "configured own-process, still shares process 812 with Browser, LanmanWorkstation");
  // After the reboot it runs alone.
  scm_.services["LanmanServer"].pid = 900;
  EXPECT_EQ(r->Test()->reboot_pending, "");
}

TEST_F(ServiceTest, StartTypeAndStateConverge) {
  scm_.services["Spooler"] = {ServiceProcess::kOwn, ServiceStart::kAuto, ServiceRunState::kRunning, 1200};
  auto r = Make("name = \"Spooler\"\nstart_type = \"disabled\"\nstate = \"stopped\"\n");
  auto obs = r->Test();
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "start_type: expected 'disabled', actual 'auto'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "state: expected 'stopped', actual 'running'");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_TRUE(r->Test()->compliant());
  EXPECT_EQ(scm_.enumerations, 0) << "only an own-process check enumerates services";
}

TEST_F(ServiceTest, UnknownServiceIsAClearError) {
  auto r = Make("name = \"NoSuchService\"\nstate = \"running\"\n");
  EXPECT_EQ(r->Test().error().message, "service 'NoSuchService' does not exist");
}

}  // namespace
}  // namespace plumb
