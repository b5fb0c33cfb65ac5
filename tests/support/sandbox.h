#pragma once
/// Test support for end-to-end tests: a temporary root and state folder that every run of the
/// plumb binary is confined to.

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace plumb::testing {

class SandboxTest : public ::testing::Test {
 protected:
  SandboxTest() { std::filesystem::create_directories(dir_ / "root/etc"); }
  /// `args` confined to this test's root and state folder.
  std::vector<std::string> Sandboxed(std::vector<std::string> args) const {
    args.insert(args.end(), {"--root", dir_ / "root", "--state-dir", dir_ / "state"});
    return args;
  }
  /// A path inside the root.
  std::string Root(const std::string& rel) const { return dir_ / ("root/" + rel); }

  TempDir dir_;
};

}  // namespace plumb::testing
