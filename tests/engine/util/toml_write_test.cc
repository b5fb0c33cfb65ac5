// What plumb writes as TOML reads back as the same bytes through toml++.
#include "engine/util/toml_write.h"

#include <gtest/gtest.h>

#include "engine/util/toml.h"

namespace plumb {
namespace {

TEST(TomlWriteTest, PlainTextIsALiteralStringAndTheRestIsEscaped) {
  EXPECT_EQ(TomlString("HKLM\\SYSTEM\\CurrentControlSet"), "'HKLM\\SYSTEM\\CurrentControlSet'");
  EXPECT_EQ(TomlString("it's"), "\"it's\"");
  EXPECT_EQ(TomlString("a\"b\\c\nd\re\x01\x7f"), "\"a\\\"b\\\\c\\nd\\re\\u0001\\u007F\"");
  EXPECT_EQ(TomlKey("ntp_server-1"), "ntp_server-1");
  EXPECT_EQ(TomlKey("a.b"), "\"a.b\"");
  EXPECT_EQ(TomlKey("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(TomlKey(""), "\"\"");
}

TEST(TomlWriteTest, EveryByteRoundTrips) {
  std::vector<std::string> samples = {"", "'", "\"", "\\", "tab\there", "C:\\Program Files\\plumb", "é ü 日本",
                                      "it's \"quoted\" \\ too"};
  std::string all;
  for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
  samples.push_back(all);
  for (const std::string& s : samples) {
    std::string doc = TomlKey(s) + " = " + TomlString(s) + "\n";
    toml::table t = ParseToml(doc, "sample.toml");
    ASSERT_EQ(t.size(), 1u) << doc;
    EXPECT_EQ(t.begin()->first.str(), s) << doc;
    EXPECT_EQ(t.begin()->second.value<std::string>().value_or("(not a string)"), s) << doc;
  }
}

}  // namespace
}  // namespace plumb
