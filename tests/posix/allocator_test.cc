// The plumb program's allocator on Linux (engine/cli/linux/malloc_conf.cc): jemalloc, asking for
// transparent huge pages for its heap and metadata. jemalloc prints its options at exit when
// MALLOC_CONF says stats_print; the system allocator ignores MALLOC_CONF and prints nothing.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/run_binary.h"

namespace plumb::testing {
namespace {

TEST(Allocator, ThePlumbProgramAllocatesWithJemallocOnHugePages) {
  if (std::string(PLUMB_ALLOCATOR) != "jemalloc") GTEST_SKIP() << "a sanitized build keeps the sanitizer's allocator";
  RunResult r = RunShell("MALLOC_CONF=stats_print:true '" PLUMB_BINARY "' --version 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("opt.thp: \"always\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("opt.metadata_thp: \"always\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace plumb::testing
