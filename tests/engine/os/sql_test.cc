// The text plumb sends to PostgreSQL and shows of its URLs: COPY's escaping, and URLs with the
// password hidden.
#include "engine/os/sql.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Sql, CopyTextEscapesWhatWouldEndAColumnOrARow) {
  std::string out = "x\t";
  EscapeCopyText("a\tb\nc\rd\\e \"f\" caf\xc3\xa9", out);
  EXPECT_EQ(out, "x\ta\\tb\\nc\\rd\\\\e \"f\" caf\xc3\xa9");
  std::string empty;
  EscapeCopyText("", empty);
  EXPECT_EQ(empty, "");
}

TEST(Sql, UrlsAreShownWithoutTheirPassword) {
  EXPECT_EQ(HidePassword("postgresql://plumb:s3cret@db.example.com:5432/fleet?sslmode=require"),
            "postgresql://plumb:***@db.example.com:5432/fleet?sslmode=require");
  EXPECT_EQ(HidePassword("postgresql://plumb:p@ss@db/fleet"), "postgresql://plumb:***@db/fleet");
  EXPECT_EQ(HidePassword("postgresql://plumb@db/fleet"), "postgresql://plumb@db/fleet");
  EXPECT_EQ(HidePassword("postgresql:///fleet"), "postgresql:///fleet");
  EXPECT_EQ(HidePassword("postgresql://db:5432/fleet"), "postgresql://db:5432/fleet");
  EXPECT_EQ(HidePassword("postgresql://"), "postgresql://");
}

}  // namespace
}  // namespace plumb
