// The DISM and local group backends against Wine. Wine has no dismapi.dll, so windows.feature
// must fail each resource with a message that says so; its local groups are netapi32's own.
#include <gtest/gtest.h>

#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(Win32Features, WithoutDismEveryListingSaysSo) {
  auto features = MakeSystemFeatures();
  ASSERT_TRUE(features);
  auto list = features->List();
  ASSERT_FALSE(list);
  std::cout << "DISM: " << list.error().message << "\n";
}

TEST(Win32LocalGroups, Probe) {
  auto groups = MakeSystemLocalGroups();
  ASSERT_TRUE(groups);
  for (const char* g : {"Administrators", "Users", "No Such Group"}) {
    auto m = groups->Members(g);
    std::cout << g << ": " << (m ? std::to_string(m->size()) + " members" : m.error().message) << "\n";
    if (m) for (auto& x : *m) std::cout << "  " << x.sid << " " << x.name << "\n";
  }
  for (const char* a : {"Administrator", "Administrators", "Guest", "nobody-here"}) {
    auto s = groups->Sid(a);
    std::cout << a << ": " << (s ? *s : s.error().message) << "\n";
  }
}

}  // namespace
}  // namespace plumb
