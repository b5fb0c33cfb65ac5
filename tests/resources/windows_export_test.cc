// `plumb export` of the Windows types, against the fakes: what a type's exporter writes for an
// object is a resource that validates and tests compliant on the same system.
#include <gtest/gtest.h>

#include "tests/support/exported_body.h"
#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

class WindowsExportTest : public testing::WindowsFixture {
 protected:
  // Exports `name`, then builds and tests what was exported.
  Observation RoundTrip(const std::string& type, const std::string& name, std::string* body) {
    const TypeInfo* info = types_.Find(type);
    EXPECT_TRUE(info && info->exporter);
    if (!info || !info->exporter) return {};
    Backends b{fs_, accounts_, processes_, root_, nullptr, services, cluster, events};
    b.features = features;
    auto exported = info->exporter(name, b);
    EXPECT_TRUE(exported) << (exported ? "" : exported.error().message);
    if (!exported) return {};
    EXPECT_EQ(exported->size(), 1u);
    *body = testing::ExportedBody(exported->front());
    auto r = Make(type, *body);
    if (!r) return {};
    auto obs = r->Test();
    EXPECT_TRUE(obs) << (obs ? "" : obs.error().message);
    return obs ? *obs : Observation{};
  }
};

TEST_F(WindowsExportTest, AServiceExportsItsConfigurationStateAndRecovery) {
  scm_.services["LanmanServer"] = {ServiceProcess::kShare, ServiceStart::kAuto, ServiceRunState::kRunning, 812};
  scm_.failure["LanmanServer"] = {{{FailureActionKind::kRestart, 60000}, {FailureActionKind::kRestart, 120000}, {}}, 86400, ""};
  std::string body;
  Observation obs = RoundTrip("windows.service", "LanmanServer", &body);
  EXPECT_EQ(body,
            "name = 'LanmanServer'\nservice_type = 'share'\nstart_type = 'auto'\nstate = 'running'\n"
            "failure_actions = ['restart/1m', 'restart/2m', 'none', ]\nfailure_reset = '1d'\n");
  EXPECT_TRUE(obs.compliant()) << (obs.drift.empty() ? "" : DescribeDrift(obs.drift[0]));

  scm_.services["Spooler"] = {ServiceProcess::kOwn, ServiceStart::kDisabled, ServiceRunState::kStopped, 0};
  Observation spooler = RoundTrip("windows.service", "Spooler", &body);
  EXPECT_EQ(body, "name = 'Spooler'\nservice_type = 'own'\nstart_type = 'disabled'\nstate = 'stopped'\n");
  EXPECT_TRUE(spooler.compliant());
}

TEST_F(WindowsExportTest, AFeatureExportsAsPresentOrAbsent) {
  features_.states = {{"Microsoft-Hyper-V", FeatureState::kInstallPending}, {"TelnetClient", FeatureState::kStaged}};
  std::string body;
  EXPECT_TRUE(RoundTrip("windows.feature", "microsoft-hyper-v", &body).compliant());
  EXPECT_EQ(body, "name = 'Microsoft-Hyper-V'\nensure = 'present'\n");
  EXPECT_TRUE(RoundTrip("windows.feature", "TelnetClient", &body).compliant());
  EXPECT_EQ(body, "name = 'TelnetClient'\nensure = 'absent'\n");
}

TEST_F(WindowsExportTest, WhatIsNotThereIsNotFound) {
  Backends b{fs_, accounts_, processes_, root_, nullptr, services, cluster, events};
  b.features = features;
  auto service = types_.Find("windows.service")->exporter("NoSuchService", b);
  ASSERT_FALSE(service);
  EXPECT_EQ(service.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(service.error().message, "there is no service 'NoSuchService'");
  auto feature = types_.Find("windows.feature")->exporter("NoSuchFeature", b);
  ASSERT_FALSE(feature);
  EXPECT_EQ(feature.error().message, "this Windows image has no feature 'NoSuchFeature'");
}

}  // namespace
}  // namespace plumb
