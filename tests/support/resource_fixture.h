#pragma once
/// Test support: instantiates resources of the built-in types from TOML snippets against the
/// real backends, confined to a temporary root folder.

#include <filesystem>
#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb::testing {

class ResourceFixture : public ::testing::Test {
 protected:
  ResourceFixture()
      : types_(Platforms::kLinux),
        fs_(MakeSystemFileSystem()),
        accounts_(MakeSystemAccountDb()),
        processes_(MakeSystemProcessRunner()),
        root_(dir_.path() + "/root", *fs_),
        backends_{*fs_, *accounts_, *processes_, root_, nullptr, nullptr} {
    RegisterBuiltinTypes(types_);
    std::filesystem::create_directories(dir_ / "root/etc");
  }

  /// `body` are the resource's keys (without id). Fails the test when the snippet is invalid.
  std::unique_ptr<Resource> Make(const std::string& type, const std::string& body) {
    auto r = TryMake(type, body);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : nullptr;
  }

  Result<std::unique_ptr<Resource>> TryMake(const std::string& type, const std::string& body) {
    std::string text = "[policy]\nid = \"t\"\n[[resource]]\nid = \"r\"\ntype = \"" + type + "\"\n" + body;
    Diagnostics diags;
    auto policy = LoadPolicy(text, "t.toml", types_, diags);
    if (!policy) return Error{ErrorKind::kInvalidInput, "invalid snippet: " + diags.All().at(0).message};
    policy_ = *policy;
    policy_.directory = dir_ / "repo";
    return types_.Instantiate(policy_.resources[0], policy_, backends_);
  }

  /// Path inside the root.
  std::string In(const std::string& rel) const { return dir_ / ("root/" + rel); }

  TempDir dir_;
  TypeRegistry types_;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<AccountDb> accounts_;
  std::unique_ptr<ProcessRunner> processes_;
  RootPath root_;
  Backends backends_;
  Policy policy_;
};

/// Test, then Set, then Test again; returns the verifying observation.
inline Observation Converge(Resource& r) {
  auto first = r.Test();
  EXPECT_TRUE(first.ok()) << (first.ok() ? "" : first.error().message);
  if (!first.ok()) return {};
  auto st = r.Set(*first);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  auto second = r.Test();
  EXPECT_TRUE(second.ok());
  return second.ok() ? *second : Observation{};
}

}  // namespace plumb::testing
