// The running kernel's parameters through /proc/sys: read only, the host's kernel is never changed.

#include <gtest/gtest.h>

#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(ProcKernelParametersTest, ReadsAParameterInEitherSpellingAndNamesAMissingOne) {
  auto kernel = MakeSystemKernelParameters();
  ASSERT_TRUE(kernel);
  auto dotted = kernel->Read("kernel.ostype");
  ASSERT_TRUE(dotted.ok()) << dotted.error().message;
  EXPECT_EQ(*dotted, "Linux");  // without the kernel's final newline
  auto slashed = kernel->Read("kernel/ostype");
  ASSERT_TRUE(slashed.ok());
  EXPECT_EQ(*slashed, "Linux");
  auto missing = kernel->Read("kernel.no_such_parameter");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message, "the kernel has no parameter 'kernel.no_such_parameter'");
}

}  // namespace
}  // namespace plumb
