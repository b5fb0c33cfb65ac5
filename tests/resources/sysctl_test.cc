// The sysctl type: the running kernel through a fake, the drop-in on a temporary root.

#include <map>

#include "resources/kv.h"
#include "resources/sysctl.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

// The kernel's parameters in memory, under their /proc/sys paths as the real one keeps them;
// writes can be refused as the kernel refuses a bad value.
class FakeKernel : public KernelParameters {
 public:
  void Set(const std::string& key, const std::string& value) { values[SysctlNormal(key)] = value; }
  Result<std::string> Read(const std::string& key) override {
    auto it = values.find(SysctlNormal(key));
    if (it == values.end()) return Error{ErrorKind::kNotFound, "the kernel has no parameter '" + key + "'"};
    return it->second;
  }
  Status Write(const std::string& key, const std::string& value) override {
    if (refuse) return Error{ErrorKind::kInvalidInput, "cannot write kernel parameter '" + key + "': Invalid argument"};
    writes.push_back(key + "=" + value);
    values[SysctlNormal(key)] = value;
    return OkStatus();
  }
  std::map<std::string, std::string> values;
  std::vector<std::string> writes;
  bool refuse = false;
};

class SysctlTest : public testing::ResourceFixture {
 protected:
  SysctlTest() {
    backends_.kernel = &kernel_;
    std::filesystem::create_directories(In("etc/sysctl.d"));
  }
  FakeKernel kernel_;
};

TEST_F(SysctlTest, RuntimeAndPersistedAreReportedSeparatelyAndBothConverge) {
  kernel_.Set("net.ipv4.ip_forward", "0");
  auto r = Make("sysctl", "key = \"net.ipv4.ip_forward\"\nvalue = \"1\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(obs->drift[0].property, "persisted");
  EXPECT_EQ(obs->drift[0].expected, "1");
  EXPECT_EQ(obs->drift[0].actual, "absent");
  EXPECT_EQ(obs->drift[1].property, "runtime");
  EXPECT_EQ(obs->drift[1].expected, "1");
  EXPECT_EQ(obs->drift[1].actual, "0");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/sysctl.d/90-plumb.conf")), "net.ipv4.ip_forward = 1\n");
  EXPECT_EQ(kernel_.writes, std::vector<std::string>{"net.ipv4.ip_forward=1"});
}

TEST_F(SysctlTest, OnlyTheHalfThatDriftedIsChanged) {
  kernel_.Set("net.ipv4.tcp_rmem", "4096\t131072\t6291456");
  testing::WriteText(In("etc/sysctl.d/60-net.conf"), "net.ipv4.tcp_rmem = 4096 87380 6291456\n");
  auto r = Make("sysctl", "key = \"net/ipv4/tcp_rmem\"\nvalue = \"4096 131072 6291456\"\nfile = \"/etc/sysctl.d/60-net.conf\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);  // the kernel's tabs are the policy's blanks
  EXPECT_EQ(obs->drift[0].property, "persisted");
  EXPECT_EQ(obs->drift[0].actual, "4096 87380 6291456");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_TRUE(kernel_.writes.empty());
  EXPECT_EQ(testing::ReadText(In("etc/sysctl.d/60-net.conf")), "net/ipv4/tcp_rmem = 4096 131072 6291456\n");  // the policy's spelling
}

TEST_F(SysctlTest, AValueTheKernelRefusesFailsAfterTheDropInIsWritten) {
  kernel_.Set("vm.swappiness", "60");
  kernel_.refuse = true;
  auto r = Make("sysctl", "key = \"vm.swappiness\"\nvalue = \"10\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  auto st = r->Set(*obs);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "cannot write kernel parameter 'vm.swappiness': Invalid argument");
  EXPECT_EQ(testing::ReadText(In("etc/sysctl.d/90-plumb.conf")), "vm.swappiness = 10\n");
}

TEST_F(SysctlTest, AParameterTheKernelDoesNotHaveIsAnError) {
  auto r = Make("sysctl", "key = \"net.ipv4.no_such\"\nvalue = \"1\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "the kernel has no parameter 'net.ipv4.no_such'");
}

TEST_F(SysctlTest, WithoutAKernelOnlyTheDropInCounts) {
  backends_.kernel = nullptr;  // --root: an image has no running kernel
  testing::WriteText(In("etc/sysctl.d/90-plumb.conf"), "vm.swappiness = 10\n");
  auto r = Make("sysctl", "key = \"vm.swappiness\"\nvalue = \"10\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_TRUE(obs->compliant());
}

TEST_F(SysctlTest, KeysThatCouldLeaveProcSysAreValidationErrors) {
  for (const char* key : {"../../etc/passwd", "net..ipv4", "net/./x", "", "kernel.*"}) {
    auto bad = TryMake("sysctl", std::string("key = \"") + key + "\"\nvalue = \"1\"\n");
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_EQ(bad.error().message, std::string("invalid snippet: property 'key' must be a kernel parameter name like "
                                               "net.ipv4.ip_forward, got '") + key + "'");
  }
  EXPECT_EQ(CheckSysctlKey("net.ipv4.conf.eth0/1.rp_filter"), "");
  EXPECT_TRUE(SameSysctlValue("4096\t87380  6291456\n", "4096 87380 6291456"));
  EXPECT_FALSE(SameSysctlValue("1", "01"));
}

}  // namespace
}  // namespace plumb
