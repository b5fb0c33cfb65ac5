#include "engine/facts/facts.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/facts/selector.h"
#include "engine/util/toml.h"

namespace plumb {
namespace {

TEST(Facts, MergeFlattensTablesAndOverrides) {
  Facts f;
  f.Set("os", std::string("linux"));
  f.Set("hostname", std::string("a"));
  ASSERT_TRUE(f.MergeToml("hostname = \"hv-01\"\n[cluster]\nname = \"c1\"\ncsv = true\nnodes = 3\n", "f.toml").ok());
  EXPECT_EQ(f.Get("hostname"), "hv-01");
  EXPECT_EQ(f.Get("os"), "linux");
  EXPECT_EQ(f.Get("cluster.name"), "c1");
  EXPECT_EQ(f.Get("cluster.csv"), "true");
  EXPECT_EQ(f.Get("cluster.nodes"), "3");
  EXPECT_EQ(f.Get("missing"), "");
}

TEST(Facts, MergeErrors) {
  Facts f;
  auto st = f.MergeToml("roles = [\"a\"]\n", "f.toml");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "f.toml:1:9: fact 'roles' must be a string, integer or boolean");
  st = f.MergeToml("x = \n", "f.toml");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message.substr(0, 11), "f.toml:1:5:");
}

TEST(Facts, TomlRoundTrip) {
  Facts f;
  f.Set("os", std::string("windows"));
  f.Set("cluster.csv", true);
  f.Set("cluster.nodes", int64_t{3});
  std::string text = f.ToToml();
  Facts back;
  ASSERT_TRUE(back.MergeToml(text, "x").ok());
  EXPECT_EQ(back.All(), f.All());
}

Selector Parse(std::vector<std::pair<std::string, std::vector<FactValue>>> conditions) {
  Selector s;
  for (auto& [fact, values] : conditions) {
    Condition c{fact, {}, {}};
    for (auto& v : values) c.any_of.push_back(*ParseAlternative(v));
    s.all.push_back(c);
  }
  return s;
}

TEST(Selector, EqualityAnyOfGlobVersion) {
  Facts f;
  f.Set("os", std::string("Windows"));
  f.Set("version", std::string("6.3.9600"));
  f.Set("hostname", std::string("HV-NODE-02"));
  f.Set("cluster.csv", true);
  EXPECT_TRUE(Parse({{"os", {std::string("windows")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"os", {std::string("linux"), std::string("windows")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"hostname", {std::string("hv-node-*")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"version", {std::string(">= 6.3")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"version", {std::string("< 10")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"version", {std::string("== 6.3.9600")}}}).Evaluate(f).matches);
  EXPECT_TRUE(Parse({{"cluster.csv", {true}}}).Evaluate(f).matches);
  EXPECT_FALSE(Parse({{"version", {std::string(">= 10.0")}}}).Evaluate(f).matches);
  EXPECT_FALSE(Parse({{"version", {std::string("!= 6.3.9600")}}}).Evaluate(f).matches);
}

TEST(Selector, ReasonsNameTheFailingCondition) {
  Facts f;
  f.Set("os", std::string("linux"));
  auto r = Parse({{"os", {std::string("windows"), std::string("bsd")}}}).Evaluate(f);
  EXPECT_FALSE(r.matches);
  EXPECT_EQ(r.reason, "os is 'linux', not 'windows' or 'bsd'");
  r = Parse({{"version", {std::string(">= 6.3")}}}).Evaluate(f);
  EXPECT_EQ(r.reason, "fact 'version' is not set");
  f.Set("version", std::string("6.2"));
  r = Parse({{"version", {std::string(">= 6.3")}}}).Evaluate(f);
  EXPECT_EQ(r.reason, "version is '6.2', not >= 6.3");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(Facts, AwkwardKeysAndValuesReadBack) {
  Facts f;
  f.Set("note", std::string("it's '''quoted''' and \"double\" \\ back\nslash\ttab \x01\x7f"));
  f.Set("odd key\x02", std::string("x"));
  f.Set("site.rack 4", int64_t{-7});
  f.Set("empty", std::string());
  std::string text = f.ToToml();
  Facts back;
  ASSERT_TRUE(back.MergeToml(text, "x").ok()) << text;
  EXPECT_EQ(back.All(), f.All()) << text;
}

TEST(TomlCharacters, NonAsciiCharactersToml33FallsThroughForAreNotWhitespace) {
  // toml++ 3.3's generated test fell out of its switch (undefined behaviour) for U+00A1..U+0499,
  // U+2C5E..U+3057 and U+FB26..U+FEFE (toml++ issue 190). Exactly these 20 are whitespace.
  static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u00F8'));
  static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u2C5E'));
  static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\uFEFE'));
  std::vector<char32_t> blanks;
  for (char32_t c = 0x80; c < 0x110000; ++c)
    if (toml::impl::is_non_ascii_horizontal_whitespace(c)) blanks.push_back(c);
  std::vector<char32_t> expected = {0xA0, 0x1680, 0x180E};
  for (char32_t c = 0x2000; c <= 0x200B; ++c) expected.push_back(c);
  for (char32_t c : {0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF}) expected.push_back(c);
  EXPECT_EQ(blanks, expected);

  // toml++ issue 190's example: a U+00A7 right after a line-ending backslash is text.
  EXPECT_EQ(ParseToml("s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "t.toml")["s"].value_or(std::string()), "\xc2\xa7");
  // Outside strings they are what they are: characters toml++ rejects with its own error.
  auto refused = [](std::string_view text) {
    try {
      ParseToml(text, "t.toml");
    } catch (const toml::parse_error& e) {
      return std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) + " " +
             std::string(e.description());
    }
    return std::string("not refused");
  };
  EXPECT_EQ(refused("a = 1\nb = \xc3\xa9\n"), "2:5 Error while parsing value: could not determine value type");
  // Found by the policy loader fuzzer (both are in its corpus).
  EXPECT_EQ(refused("\xef\xbb\xbelicy]\n"),
            "1:1 Error while parsing root table: expected keys, tables, whitespace or comments, saw '\xef\xbb\xbe'");
  EXPECT_EQ(refused("le =0\"Bas\xc3\xb8GG = \"hi\"\n"), "1:6 Error while parsing decimal integer: expected digit, saw '\"'");
  EXPECT_EQ(refused(std::string_view("le =0\"BasGGGG\0\0`p\0\x03glGGGGGGGGp0\0G[\"c\xc3\xb8GG = \"hiP= \"hiP\0\0\0GGeVer", 62)),
            "1:6 Error while parsing decimal integer: expected digit, saw '\"'");
  // Keys and values that start with a quote, after blanks and newlines, are strings.
  auto k = ParseToml("\"caf\xc3\xa9\" = [\n  \"\xc3\xb8\",\n  '\xc3\xb8' ]\nx.\"\xc3\xb8\" = { \"\xc3\xb8\" = 1, y = \"\xc3\xb8\" }\n", "t.toml");
  EXPECT_EQ(k["caf\xc3\xa9"][1].value_or(std::string()), "\xc3\xb8");
  EXPECT_EQ(k["x"]["\xc3\xb8"]["y"].value_or(std::string()), "\xc3\xb8");
  // The same characters inside strings and comments are ordinary text.
  auto t = ParseToml("# caf\xc3\xa9\na = \"caf\xc3\xa9 \xc2\xa7\" # \xc2\xa7\nb = '\xc2\xa7'\nc = \"\"\"x \\\"\xc2\xa7\n\"\"\"\n"
                     "d = '''\n\xc2\xa7'''\n",
                     "t.toml");
  EXPECT_EQ(t["a"].value_or(std::string()), "caf\xc3\xa9 \xc2\xa7");
  EXPECT_EQ(t["d"].value_or(std::string()), "\xc2\xa7");
}

}  // namespace
}  // namespace plumb
