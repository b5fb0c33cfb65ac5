#include "engine/policy/interpolate.h"

#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "resources/registry.h"

namespace plumb {
namespace {

std::string Parts(std::string_view text) {
  TemplateProblem problem;
  auto t = ParseTemplate(text, problem);
  if (!t) return "error at " + std::to_string(problem.offset) + ": " + problem.message;
  std::string out;
  for (size_t i = 0; i < t->holes.size(); ++i)
    out += "[" + t->literals[i] + "]{" + t->holes[i].name + "@" + std::to_string(t->holes[i].offset) + "}";
  return out + "[" + t->literals.back() + "]" + (t->Whole() ? " whole" : "");
}

TEST(Template, SplitsTextAtItsPlaceholders) {
  EXPECT_EQ(Parts("plain"), "[plain]");
  EXPECT_EQ(Parts("${var.port}"), "[]{var.port@0}[] whole");
  EXPECT_EQ(Parts("${ var.port }"), "[]{var.port@0}[] whole");
  EXPECT_EQ(Parts("a ${fact.cluster.name}:${data.x-y_z}\n"),
            "[a ]{fact.cluster.name@2}[:]{data.x-y_z@23}[\n]");
  EXPECT_EQ(Parts("${var.a}${var.b}"), "[]{var.a@0}[]{var.b@8}[]");
}

TEST(Template, DollarDollarBraceIsALiteral) {
  EXPECT_EQ(Parts("$${HOME}"), "[${HOME}]");
  EXPECT_EQ(Parts("$${var.x} ${var.x}"), "[${var.x} ]{var.x@10}[]");
  EXPECT_EQ(Parts("$$ and $HOME and {x}"), "[$$ and $HOME and {x}]");
  EXPECT_FALSE(HasPlaceholders("$HOME"));
  EXPECT_TRUE(HasPlaceholders("$${HOME}"));
}

TEST(Template, MalformedPlaceholdersSayWhatToWrite) {
  EXPECT_EQ(Parts("x ${var.port"), "error at 2: '${' is not closed: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, or "
                                   "$${ for a literal '${'");
  EXPECT_EQ(Parts("${}"), "error at 0: ${} names no variable: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, or $${ "
                          "for a literal '${'");
  EXPECT_EQ(Parts("${HOME}"), "error at 0: ${HOME} names no variable: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, "
                              "or $${ for a literal '${'");
  EXPECT_EQ(Parts("${vars.port}"), "error at 0: ${vars.port} names no variable: write ${var.NAME}, ${fact.NAME} or "
                                   "${data.KEY}, or $${ for a literal '${'; did you mean ${var.port}?");
  EXPECT_EQ(Parts("${var.a b}"), "error at 0: ${var.a b} names no variable: write ${var.NAME}, ${fact.NAME} or "
                                 "${data.KEY}, or $${ for a literal '${'");
  EXPECT_EQ(Parts("${var.}"), "error at 0: ${var.} names no variable: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, "
                              "or $${ for a literal '${'");
}

TEST(NamesFact, FindsSelectorsAndPlaceholdersOnly) {
  TypeRegistry types(Platforms::kWindows);
  RegisterBuiltinTypes(types);
  auto named = [&](const std::string& text) {
    Diagnostics diags;
    Repository repo;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n" + text, "p.toml", types, diags);
    EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All()[0].message);
    if (p) repo.policies.push_back(std::move(*p));
    return NamesFact(repo, "features.");
  };
  const std::string file = "[[resource]]\nid = \"f\"\ntype = \"file\"\npath = 'C:\\x'\n";
  EXPECT_FALSE(named(file + "content = \"${fact.hostname}\"\n"));
  EXPECT_TRUE(named("[applies_to]\nfeatures.Microsoft-Hyper-V = true\n" + file + "content = \"x\"\n"));
  EXPECT_TRUE(named(file + "content = \"x\"\napplies_to = { features.Web-Server = true }\n"));
  EXPECT_TRUE(named(file + "content = \"a ${fact.features.Web-Server}\"\n"));
  EXPECT_FALSE(named(file + "content = \"features.Web-Server\"\n"));
}

}  // namespace
}  // namespace plumb
