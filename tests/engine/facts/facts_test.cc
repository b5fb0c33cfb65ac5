#include "engine/facts/facts.h"

#include <gtest/gtest.h>

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

TEST(TomlGuard, CharactersToml33CannotTestForWhitespaceAreRefusedAtTheirPosition) {
  // toml++ issue 190: a U+00A7 right after a line-ending backslash.
  try {
    ParseToml("s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "t.toml");
    ADD_FAILURE() << "not refused";
  } catch (const toml::parse_error& e) {
    EXPECT_EQ(std::string(e.description()),
              "character U+00A7 right after a line-ending backslash cannot be read by this build's TOML parser; write "
              "it as \\u00A7");
    EXPECT_EQ(e.source().begin.line, 2u);
    EXPECT_EQ(e.source().begin.column, 1u);
  }
  try {
    ParseToml("a = 1\nb = \xc3\xa9\n", "t.toml");
    ADD_FAILURE() << "not refused";
  } catch (const toml::parse_error& e) {
    EXPECT_EQ(std::string(e.description()), "unexpected character U+00E9 outside a quoted string");
    EXPECT_EQ(e.source().begin.line, 2u);
    EXPECT_EQ(e.source().begin.column, 5u);
  }
  // Found by the policy loader fuzzer: U+FEFE at the start of a document.
  try {
    ParseToml("\xef\xbb\xbelicy]\n", "t.toml");
    ADD_FAILURE() << "not refused";
  } catch (const toml::parse_error& e) {
    EXPECT_EQ(std::string(e.description()), "unexpected character U+FEFE outside a quoted string");
  }
  // Found by the policy loader fuzzer: a quote right after a bare value opens no string for
  // toml++, which reads on through the value, testing each character for whitespace.
  try {
    ParseToml("le =0\"Bas\xc3\xb8GG = \"hi\"\n", "t.toml");
    ADD_FAILURE() << "not refused";
  } catch (const toml::parse_error& e) {
    EXPECT_EQ(std::string(e.description()), "unexpected character U+00F8 outside a quoted string");
    EXPECT_EQ(e.source().begin.column, 10u);
  }
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
