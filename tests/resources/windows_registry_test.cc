// windows.registry: schema rules, drift text and convergence against an in-memory registry
// (the Win32 backend is tested under Wine in tests/win32/registry_test.cc).
#include "resources/windows_registry.h"

#include <gtest/gtest.h>

#include <map>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "tests/support/exported_body.h"
#include "tests/support/fake_types.h"

namespace plumb {
namespace {

class MemoryRegistry : public RegistryStore {
 public:
  Result<std::optional<RegValue>> Get(const std::string& key, const std::string& name) override {
    ++reads;
    auto it = values.find(key + "\\" + name);
    if (it == values.end()) return std::optional<RegValue>();
    return std::optional<RegValue>(it->second);
  }
  Status Set(const std::string& key, const std::string& name, const RegValue& v) override {
    values[key + "\\" + name] = v;
    return OkStatus();
  }
  Status Delete(const std::string& key, const std::string& name) override {
    values.erase(key + "\\" + name);
    return OkStatus();
  }
  // The names after "key\\" that have no further backslash; a key exists while it has a value.
  Result<std::vector<std::string>> ValueNames(const std::string& key) override {
    std::vector<std::string> names;
    for (const auto& [path, v] : values)
      if (StartsWith(path, key + "\\") && path.find('\\', key.size() + 1) == std::string::npos)
        names.push_back(path.substr(key.size() + 1));
    if (names.empty()) return Error{ErrorKind::kNotFound, "there is no registry key '" + key + "'"};
    return names;
  }
  std::map<std::string, RegValue> values;
  int reads = 0;
};

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() : types_(Platforms::kWindows), root_("", fs_, HostPaths::kWindows) { RegisterBuiltinTypes(types_); }

  std::unique_ptr<Resource> Make(const std::string& body) {
    Diagnostics diags;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"windows.registry\"\n" + body, "p.toml",
                        types_, diags);
    EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All()[0].message);
    if (!p) return nullptr;
    policy_ = *p;
    Backends b{fs_, accounts_, processes_, root_, &store_, nullptr};
    auto r = types_.Instantiate(policy_.resources[0], policy_, b);
    EXPECT_TRUE(r);
    return r ? std::move(*r) : nullptr;
  }

  std::vector<std::string> Errors(const std::string& body) {
    Diagnostics diags;
    LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"windows.registry\"\n" + body, "p.toml", types_,
               diags);
    std::vector<std::string> out;
    for (const auto& d : diags.Sorted()) out.push_back(d.message);
    return out;
  }

  TypeRegistry types_;
  testing::NullFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  MemoryRegistry store_;
  Policy policy_;
};

constexpr const char* kKey = "key = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer'\nname = \"Type\"\n";

TEST_F(RegistryTest, DwordDriftAndConvergence) {
  store_.values["HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Type"] = {RegType::kDword, "", {}, 0x20, ""};
  auto r = Make(std::string(kKey) + "value_type = \"dword\"\nnumber = 0x10\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs);
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "value: expected 'REG_DWORD 0x10 (16)', actual 'REG_DWORD 0x20 (32)'");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_TRUE(r->Test()->compliant());
}

TEST_F(RegistryTest, EveryTypeDescribesItself) {
  EXPECT_EQ(Describe({RegType::kString, "a b", {}, 0, ""}), "REG_SZ 'a b'");
  EXPECT_EQ(Describe({RegType::kExpandString, "%SystemRoot%", {}, 0, ""}), "REG_EXPAND_SZ '%SystemRoot%'");
  EXPECT_EQ(Describe({RegType::kMultiString, "", {"a", "b"}, 0, ""}), "REG_MULTI_SZ ['a', 'b']");
  EXPECT_EQ(Describe({RegType::kQword, "", {}, 1ULL << 40, ""}), "REG_QWORD 0x10000000000 (1099511627776)");
  EXPECT_EQ(Describe({RegType::kBinary, "", {}, 0, std::string("\x01\xab", 2)}), "REG_BINARY 01ab");
  EXPECT_EQ(Describe({RegType::kBinary, "", {}, 0, ""}), "REG_BINARY (empty)");
}

TEST_F(RegistryTest, PresentAbsentAndTypeChange) {
  auto absent = Make(std::string(kKey) + "ensure = \"absent\"\n");
  EXPECT_TRUE(absent->Test()->compliant());
  store_.values["HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Type"] = {RegType::kString, "x", {}, 0, ""};
  auto obs = absent->Test();
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "ensure: expected 'absent', actual 'present (REG_SZ \\'x\\')'");
  ASSERT_TRUE(absent->Set(*obs));
  EXPECT_TRUE(store_.values.empty());

  auto multi = Make(std::string(kKey) + "value_type = \"multi_string\"\nstrings = [\"a\", \"b\"]\n");
  obs = multi->Test();
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "ensure: expected 'present', actual 'absent'");
  ASSERT_TRUE(multi->Set(*obs));
  store_.values.begin()->second.type = RegType::kExpandString;
  EXPECT_FALSE(multi->Test()->compliant()) << "the type is part of the value";
}

TEST_F(RegistryTest, SchemaMessagesVerbatim) {
  EXPECT_EQ(Errors(std::string(kKey)),
            std::vector<std::string>{"windows.registry needs 'value_type' (or ensure = \"absent\")"});
  EXPECT_EQ(Errors(std::string(kKey) + "value_type = \"dword\"\nstring = \"1\"\n"),
            std::vector<std::string>{"a dword value needs 'number' (and no other data property)"});
  EXPECT_EQ(Errors(std::string(kKey) + "value_type = \"dword\"\nnumber = 4294967296\n"),
            std::vector<std::string>{"a dword is 0 to 4294967295"});
  EXPECT_EQ(Errors(std::string(kKey) + "ensure = \"absent\"\nvalue_type = \"string\"\n"),
            std::vector<std::string>{"a registry value with ensure = \"absent\" has no value_type or data"});
  EXPECT_EQ(Errors("key = 'SOFTWARE\\x'\nname = \"a\"\nensure = \"absent\"\n"),
            std::vector<std::string>{"property 'key' must be a registry key like 'HKLM\\SOFTWARE\\Vendor' (roots: HKLM, "
                                     "HKU, HKCU, HKCR), got 'SOFTWARE\\x'"});
  EXPECT_EQ(Errors(std::string(kKey) + "value_type = \"multi_string\"\nstrings = [\"a\", \"\", \"b\"]\n"),
            std::vector<std::string>{"property 'strings' has an empty string, which a multi_string value cannot hold "
                                     "(Windows reads an empty string as the end of the list, so the value would never "
                                     "match); remove it"});
  EXPECT_EQ(Errors(std::string(kKey) + "value_type = \"binary\"\nhex = \"0g\"\n"),
            std::vector<std::string>{"property 'hex' must be hex bytes like \"01ab\", got '0g'"});
}

TEST_F(RegistryTest, NotSupportedOnLinux) {
  TypeRegistry linux_types(Platforms::kLinux);
  RegisterBuiltinTypes(linux_types);
  Diagnostics diags;
  auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"windows.registry\"\n" + std::string(kKey) +
                          "ensure = \"absent\"\n",
                      "p.toml", linux_types, diags);
  ASSERT_TRUE(p) << "Windows policies validate on Linux";
  Backends b{fs_, accounts_, processes_, root_, nullptr, nullptr};
  EXPECT_EQ(linux_types.Instantiate(p->resources[0], *p, b).error().message,
            "type 'windows.registry' is not supported on linux");
}

TEST_F(RegistryTest, AKeyExportsAsOneCompliantResourcePerValue) {
  const std::string key = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters";
  store_.values[key + "\\"] = {RegType::kString, "default text", {}, 0, ""};
  store_.values[key + "\\ServiceDll"] = {RegType::kExpandString, "%SystemRoot%\\system32\\srvsvc.dll", {}, 0, ""};
  store_.values[key + "\\NullSessionPipes"] = {RegType::kMultiString, "", {"netlogon", "it's"}, 0, ""};
  store_.values[key + "\\SMB1"] = {RegType::kDword, "", {}, 0, ""};
  store_.values[key + "\\Quota"] = {RegType::kQword, "", {}, 1099511627776, ""};
  store_.values[key + "\\Guid"] = {RegType::kBinary, "", {}, 0, std::string("\x00\xff\x10", 3)};
  store_.values[key + "\\Sub\\Deeper"] = {RegType::kDword, "", {}, 1, ""};  // a subkey's value: not exported
  Backends b{fs_, accounts_, processes_, root_, &store_, nullptr};
  auto exported = types_.Find("windows.registry")->exporter(key + "\\", b);
  ASSERT_TRUE(exported) << exported.error().message;
  std::vector<std::string> bodies, ids;
  for (const Exported& e : *exported) {
    ids.push_back(e.id);
    bodies.push_back(testing::ExportedBody(e));
    auto r = Make(bodies.back());
    ASSERT_TRUE(r) << bodies.back();
    auto obs = r->Test();
    ASSERT_TRUE(obs);
    EXPECT_TRUE(obs->compliant()) << bodies.back();
  }
  std::string k = "key = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters'\n";
  EXPECT_EQ(bodies, (std::vector<std::string>{
                        k + "name = ''\nvalue_type = 'string'\nstring = 'default text'\n",
                        k + "name = 'Guid'\nvalue_type = 'binary'\nhex = '00ff10'\n",
                        k + "name = 'NullSessionPipes'\nvalue_type = 'multi_string'\nstrings = ['netlogon', \"it's\", ]\n",
                        k + "name = 'Quota'\nvalue_type = 'qword'\nnumber = 1099511627776\n",
                        k + "name = 'SMB1'\nvalue_type = 'dword'\nnumber = 0\n",
                        k + "name = 'ServiceDll'\nvalue_type = 'expand_string'\nstring = '%SystemRoot%\\system32\\srvsvc.dll'\n"}));
  EXPECT_EQ(ids, (std::vector<std::string>{"Parameters-default", "Parameters-Guid", "Parameters-NullSessionPipes",
                                           "Parameters-Quota", "Parameters-SMB1", "Parameters-ServiceDll"}));
}

TEST_F(RegistryTest, WhatCannotBeExportedSaysWhy) {
  Backends b{fs_, accounts_, processes_, root_, &store_, nullptr};
  const TypeInfo* info = types_.Find("windows.registry");
  EXPECT_EQ(info->exporter("HKLM\\SOFTWARE\\Nothing", b).error().message, "there is no registry key 'HKLM\\SOFTWARE\\Nothing'");
  EXPECT_EQ(info->exporter("SOFTWARE\\Vendor", b).error().message,
            "it must be a registry key like 'HKLM\\SOFTWARE\\Vendor' (roots: HKLM, HKU, HKCU, HKCR), got 'SOFTWARE\\Vendor'");
  store_.values["HKLM\\SOFTWARE\\Vendor\\Huge"] = {RegType::kQword, "", {}, 0x8000000000000000ULL, ""};
  EXPECT_EQ(info->exporter("HKLM\\SOFTWARE\\Vendor", b).error().message,
            "value 'Huge' is a qword above 9223372036854775807, which a TOML integer cannot hold");
  Backends none{fs_, accounts_, processes_, root_, nullptr, nullptr};
  EXPECT_EQ(info->exporter("HKLM\\SOFTWARE\\Vendor", none).error().message, "no registry backend on this system");
}

}  // namespace
}  // namespace plumb
