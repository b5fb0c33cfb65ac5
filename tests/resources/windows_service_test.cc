// windows.service against a fake service control manager: drift, convergence, the reboot barrier
// its service_type arms, and a service configured own-process that still shares its host.
#include "resources/windows_service.h"

#include <gtest/gtest.h>

#include <map>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

class ServiceTest : public testing::WindowsFixture {
 protected:
  std::unique_ptr<Resource> Make(const std::string& body) { return WindowsFixture::Make("windows.service", body); }
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

TEST_F(ServiceTest, NamesCompareWithoutRegardToCase) {
  // A policy naming `schedule` for the Schedule service, alone in its process: it does not share
  // the process with itself, and nothing waits for a reboot.
  scm_.services["Schedule"] = {ServiceProcess::kOwn, ServiceStart::kAuto, ServiceRunState::kRunning, 304};
  scm_.services["Themes"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  auto r = Make("name = \"schedule\"\nservice_type = \"own\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  EXPECT_TRUE(obs->compliant());
  EXPECT_EQ(obs->reboot_pending, "");
  auto host = WindowsFixture::Make("windows.service_host", "service = \"SCHEDULE\"\nalone = true\nenforcement = \"audit\"\n");
  ASSERT_NE(host, nullptr);
  auto alone = host->Test();
  ASSERT_TRUE(alone) << alone.error().message;
  EXPECT_TRUE(alone->compliant()) << DescribeDrift(alone->drift.at(0));
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

TEST_F(ServiceTest, RecoveryActionsConvergeKeepingWhatThePolicyLeavesUnset) {
  scm_.services["LanmanServer"] = {ServiceProcess::kOwn, ServiceStart::kAuto, ServiceRunState::kRunning, 900};
  scm_.failure["LanmanServer"] = {{}, 0, "C:\\tools\\notify.cmd"};
  auto r = Make("name = \"LanmanServer\"\nfailure_actions = [\"restart/1m\", \"restart/2m\", \"none\"]\n"
                "failure_reset = \"1d\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "failure_actions: expected 'restart/1m, restart/2m, none', actual '(none)'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "failure_reset: expected '1d', actual '0s'");
  ASSERT_TRUE(r->Set(*obs));
  const FailureActions& set = scm_.failure["LanmanServer"];
  EXPECT_EQ(set.actions, (std::vector<FailureAction>{{FailureActionKind::kRestart, 60000},
                                                     {FailureActionKind::kRestart, 120000},
                                                     {FailureActionKind::kNone, 0}}));
  EXPECT_EQ(set.reset_s, 86400);
  EXPECT_EQ(set.command, "C:\\tools\\notify.cmd") << "a command the policy does not set is kept";
  EXPECT_TRUE(r->Test()->compliant());
  EXPECT_EQ(scm_.failure_sets, 1);
  // Settings made elsewhere (sc failure ... actions= restart/1500) show in milliseconds.
  scm_.failure["LanmanServer"] = {{{FailureActionKind::kRestart, 1500}}, -1, ""};
  obs = r->Test();
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "failure_actions: expected 'restart/1m, restart/2m, none', actual 'restart/1500ms'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "failure_reset: expected '1d', actual 'never'");
}

TEST_F(ServiceTest, RecoveryValidation) {
  auto errors = [&](const std::string& body) { return Errors("windows.service", "name = \"x\"\n" + body); };
  EXPECT_EQ(errors("failure_actions = [\"restart/1m\", \"reboot\"]\nfailure_reset = \"1d\"\n"),
            std::vector<std::string>{"property 'failure_actions' has 'reboot'; expects actions like \"restart/1m\", "
                                     "\"reboot/5m\", \"run/30s\" or \"none\""});
  EXPECT_EQ(errors("failure_actions = [\"restart/1m\"]\n"),
            std::vector<std::string>{"failure_actions needs failure_reset (when the failure count starts again)"});
  EXPECT_EQ(errors("failure_actions = [\"run/10s\"]\nfailure_reset = \"never\"\n"),
            std::vector<std::string>{"a run/<delay> action needs failure_command"});
  EXPECT_EQ(errors("failure_reset = \"daily\"\n"),
            std::vector<std::string>{"property 'failure_reset' expects a duration like \"1d\" or \"never\""});
  EXPECT_TRUE(errors("failure_actions = []\nfailure_reset = \"never\"\n").empty()) << "no actions at all is a setting";
}

TEST_F(ServiceTest, AChangeTheScmRefusesIsThatResourcesError) {
  scm_.services["LanmanServer"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.deny = "cannot change the process type of service 'LanmanServer': Access is denied (5)";
  auto r = Make("name = \"LanmanServer\"\nservice_type = \"own\"\n");
  auto obs = r->Test();
  EXPECT_EQ(r->Set(*obs).error().message, "cannot change the process type of service 'LanmanServer': Access is denied (5)");
}

TEST_F(ServiceTest, UnknownServiceIsAClearError) {
  auto r = Make("name = \"NoSuchService\"\nstate = \"running\"\n");
  EXPECT_EQ(r->Test().error().message, "service 'NoSuchService' does not exist");
}

TEST_F(ServiceTest, ServiceHostGroupsByProcessWithOneEnumeration) {
  scm_.services["LanmanServer"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.services["Browser"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.services["Dhcp"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 640};
  scm_.services["Dnscache"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 640};
  scm_.services["Stopped"] = {ServiceProcess::kOwn, ServiceStart::kManual, ServiceRunState::kStopped, 0};
  RunScopedServices run(std::make_unique<testing::BorrowedScm>(scm_));
  Diagnostics diags;
  std::string body = "[policy]\nid = \"p\"\n";
  for (const char* svc : {"LanmanServer", "Dhcp", "Browser", "Stopped"})
    body += std::string("[[resource]]\nid = \"") + svc + "\"\ntype = \"windows.service_host\"\nservice = \"" + svc +
            "\"\nalone = true\nenforcement = \"audit\"\n";
  auto p = LoadPolicy(body, "p.toml", types_, diags);
  ASSERT_TRUE(p);
  Backends b{fs_, accounts_, processes_, root_, nullptr, &run};
  std::vector<std::string> drift;
  for (const auto& spec : p->resources) {
    auto r = types_.Instantiate(spec, *p, b);
    auto obs = (*r)->Test();
    ASSERT_TRUE(obs);
    drift.push_back(obs->drift.empty() ? "alone" : DescribeDrift(obs->drift[0]));
  }
  EXPECT_EQ(drift, (std::vector<std::string>{"alone: expected 'true', actual 'false: process 812 also hosts Browser'",
                                             "alone: expected 'true', actual 'false: process 640 also hosts Dnscache'",
                                             "alone: expected 'true', actual 'false: process 812 also hosts LanmanServer'",
                                             "alone: expected 'true', actual 'unknown: the service is stopped'"}));
  EXPECT_EQ(scm_.enumerations, 1) << "one enumeration for every resource of the run";
  EXPECT_EQ(Errors("windows.service_host", "service = \"x\"\nalone = false\n"), std::vector<std::string>{"only alone = true can be checked"});
}

}  // namespace
}  // namespace plumb
