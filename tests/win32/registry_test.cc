// windows.registry against Wine's real registry: every value type round-trips through the
// resource, and an independent `reg query` sees what plumb wrote.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "resources/system_backends.h"
#include "tests/support/fake_types.h"

namespace plumb {
namespace {

constexpr const char* kKey = "HKCU\\Software\\plumb-test";

class Win32RegistryTest : public ::testing::Test {
 protected:
  Win32RegistryTest()
      : types_(Platforms::kWindows), store_(MakeSystemRegistry()), processes_(MakeSystemProcessRunner()), root_("", fs_, HostPaths::kWindows) {
    RegisterBuiltinTypes(types_);
  }

  // Converges one value and returns the resource's test afterwards.
  void Converge(const std::string& name, const std::string& data) {
    Diagnostics diags;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"windows.registry\"\nkey = '" +
                            std::string(kKey) + "'\nname = \"" + name + "\"\n" + data,
                        "p.toml", types_, diags);
    ASSERT_TRUE(p) << diags.All().at(0).message;
    Backends b{fs_, accounts_, *processes_, root_, store_.get(), nullptr};
    auto r = types_.Instantiate(p->resources[0], *p, b);
    ASSERT_TRUE(r) << r.error().message;
    auto before = (*r)->Test();
    ASSERT_TRUE(before) << before.error().message;
    EXPECT_FALSE(before->compliant()) << name;
    ASSERT_TRUE((*r)->Set(*before));
    auto after = (*r)->Test();
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->compliant()) << name << ": " << (after->drift.empty() ? "" : DescribeDrift(after->drift[0]));
  }

  std::string RegQuery(const std::string& name) {
    ProcessRequest req;
    req.command = "reg query " + std::string(kKey) + " /v " + name;
    auto r = processes_->Run(req);
    return r ? r->output : r.error().message;
  }

  TypeRegistry types_;
  std::unique_ptr<RegistryStore> store_;
  std::unique_ptr<ProcessRunner> processes_;
  testing::NullFileSystem fs_;
  testing::NullAccounts accounts_;
  RootPath root_;
};

TEST_F(Win32RegistryTest, EveryValueTypeRoundTrips) {
  Converge("sz", "value_type = \"string\"\nstring = \"héllo wörld\"\n");
  Converge("expand", "value_type = \"expand_string\"\nstring = \"%SystemRoot%\\\\plumb\"\n");
  Converge("multi", "value_type = \"multi_string\"\nstrings = [\"one\", \"two\", \"three\"]\n");
  Converge("dword", "value_type = \"dword\"\nnumber = 4294967295\n");
  Converge("qword", "value_type = \"qword\"\nnumber = 1099511627776\n");
  Converge("binary", "value_type = \"binary\"\nhex = \"00ff10ab\"\n");

  auto dword = store_->Get(kKey, "dword");
  ASSERT_TRUE(dword && *dword);
  EXPECT_EQ((*dword)->number, 4294967295u);
  auto expand = store_->Get(kKey, "expand");
  EXPECT_EQ((*expand)->text, "%SystemRoot%\\plumb") << "read without expanding";
  EXPECT_NE(RegQuery("dword").find("REG_DWORD"), std::string::npos) << RegQuery("dword");
  EXPECT_NE(RegQuery("dword").find("0xffffffff"), std::string::npos) << RegQuery("dword");
  EXPECT_NE(RegQuery("multi").find("REG_MULTI_SZ"), std::string::npos) << RegQuery("multi");

  Converge("dword", "ensure = \"absent\"\n");
  EXPECT_FALSE(*store_->Get(kKey, "dword"));
}

TEST_F(Win32RegistryTest, LanmanServerTypeIsShareProcessInAFreshPrefix) {
  auto type = store_->Get("HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer", "Type");
  ASSERT_TRUE(type) << type.error().message;
  ASSERT_TRUE(*type);
  EXPECT_EQ(Describe(**type), "REG_DWORD 0x20 (32)");
  EXPECT_FALSE(*store_->Get("HKLM\\SOFTWARE\\plumb-nonexistent", "x")) << "a missing key is an absent value";
}

TEST_F(Win32RegistryTest, ValueNamesListsWhatRegAddWrote) {
  const std::string key = std::string(kKey) + "\\names";
  ProcessRequest req;
  req.command = "reg add " + key + " /ve /d default /f && reg add " + key + " /v Second /t REG_DWORD /d 7 /f";
  auto added = processes_->Run(req);
  ASSERT_TRUE(added && added->code == 0) << (added ? added->output : added.error().message);
  auto names = store_->ValueNames(key);
  ASSERT_TRUE(names) << names.error().message;
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"", "Second"}));
  auto missing = store_->ValueNames(std::string(kKey) + "\\no-such-key");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message, "there is no registry key 'HKCU\\Software\\plumb-test\\no-such-key'");
}

}  // namespace
}  // namespace plumb
