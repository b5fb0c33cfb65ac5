// Errors carry a kind that code decides on, and gtest shows it.
#include "engine/util/result.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Result, ErrorsCarryAKind) {
  Result<int> missing = Error{ErrorKind::kNotFound, "service 'x' does not exist"};
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(missing.Is(ErrorKind::kNotFound));
  EXPECT_FALSE(missing.Is(ErrorKind::kPermissionDenied));
  EXPECT_FALSE(Result<int>(3).Is(ErrorKind::kNotFound)) << "a value is no error of any kind";
  Error prefixed = missing.error().Prefixed("cannot query: ");
  EXPECT_EQ(prefixed.kind, ErrorKind::kNotFound);
  EXPECT_EQ(prefixed.message, "cannot query: service 'x' does not exist");
}

TEST(Result, GtestPrintsTheKind) {
  Status denied = Error{ErrorKind::kPermissionDenied, "cannot read '/state/journal.json': Permission denied"};
  EXPECT_EQ(::testing::PrintToString(denied), "[permission denied] cannot read '/state/journal.json': Permission denied");
  EXPECT_EQ(::testing::PrintToString(OkStatus()), "ok");
}

TEST(Result, EveryKindHasAName) {
  std::vector<std::string> names;
  for (ErrorKind k : {ErrorKind::kNotFound, ErrorKind::kPermissionDenied, ErrorKind::kAlreadyExists,
                      ErrorKind::kInvalidInput, ErrorKind::kCorrupt, ErrorKind::kBusy, ErrorKind::kTimedOut,
                      ErrorKind::kUnavailable, ErrorKind::kUnsupported, ErrorKind::kInternal})
    names.push_back(ToString(k));
  EXPECT_EQ(names, (std::vector<std::string>{"not found", "permission denied", "already exists", "invalid input",
                                             "corrupt", "busy", "timed out", "unavailable", "unsupported",
                                             "internal"}));
}

}  // namespace
}  // namespace plumb
