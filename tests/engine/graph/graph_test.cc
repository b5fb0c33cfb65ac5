#include "engine/graph/graph.h"

#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "resources/registry.h"

namespace plumb {
namespace {

class GraphTest : public ::testing::Test {
 protected:
  GraphTest() : types_(Platforms::kLinux) { RegisterBuiltinTypes(types_); }

  // Adds a policy document; resources are written as "id:dep1,dep2" with kind prefix on deps.
  void AddPolicy(const std::string& text, const std::string& path) {
    auto p = LoadPolicy(text, path, types_, diags_);
    ASSERT_TRUE(p) << "fixture policy invalid";
    repo_.policies.push_back(*p);
  }

  static std::string Res(const std::string& id, const std::string& extra = "") {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"directory\"\npath = \"/" + id + "\"\n" + extra;
  }

  std::vector<std::string> OrderIds(const ResourceGraph& g) {
    std::vector<std::string> ids;
    for (auto v : g.Order()) ids.push_back(g.QualifiedId(v));
    return ids;
  }

  TypeRegistry types_;
  Diagnostics diags_;
  Repository repo_;
};

TEST_F(GraphTest, TopologicalWithTiesByPolicyIdThenDeclaration) {
  AddPolicy("[policy]\nid = \"zeta\"\n" + Res("z1") + Res("z2", "depends_on = [\"alpha/a2\"]\n"), "z.toml");
  AddPolicy("[policy]\nid = \"alpha\"\n" + Res("a1", "after = [\"a2\"]\n") + Res("a2") + Res("a3"), "a.toml");
  auto g = ResourceGraph::Build(repo_, diags_);
  ASSERT_TRUE(g);
  EXPECT_EQ(OrderIds(*g), (std::vector<std::string>{"alpha/a2", "alpha/a1", "alpha/a3", "zeta/z1", "zeta/z2"}));
}

TEST_F(GraphTest, NotifyOrdersTheNotifierFirst) {
  AddPolicy("[policy]\nid = \"p\"\n" + Res("svc") + Res("conf", "notify = [\"svc\"]\n"), "p.toml");
  auto g = ResourceGraph::Build(repo_, diags_);
  ASSERT_TRUE(g);
  EXPECT_EQ(OrderIds(*g), (std::vector<std::string>{"p/conf", "p/svc"}));
  ASSERT_EQ(g->NotifyTargets(g->Order()[0]).size(), 1u);
  EXPECT_TRUE(g->NotifyTargets(g->Order()[1]).empty());
}

TEST_F(GraphTest, UnknownTargetsWithSuggestions) {
  AddPolicy("[policy]\nid = \"p\"\n" + Res("web-config") + Res("b", "depends_on = [\"web-confg\"]\nnotify = [\"q/x\"]\n"),
            "p.toml");
  EXPECT_FALSE(ResourceGraph::Build(repo_, diags_));
  auto d = diags_.Sorted();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "unknown resource 'web-confg' in depends_on, did you mean 'web-config'?");
  EXPECT_EQ(d[0].where.line, 11u);
  EXPECT_EQ(d[0].where.column, 15u);
  EXPECT_EQ(d[1].message, "unknown resource 'q/x' in notify");
}

TEST_F(GraphTest, CycleIsReportedWithItsWholePath) {
  AddPolicy("[policy]\nid = \"p\"\n" + Res("a", "depends_on = [\"b\"]\n") + Res("b", "depends_on = [\"c\"]\n") +
                Res("c", "after = [\"a\"]\n") + Res("d", "depends_on = [\"a\"]\n"),
            "p.toml");
  EXPECT_FALSE(ResourceGraph::Build(repo_, diags_));
  ASSERT_EQ(diags_.ErrorCount(), 1u);
  EXPECT_EQ(diags_.All()[0].message, "dependency cycle: p/a -> p/b -> p/c -> p/a");
  EXPECT_EQ(diags_.All()[0].where.line, 7u);  // a's depends_on entry
}

TEST_F(GraphTest, SelfDependencyAndTwoSeparateCycles) {
  AddPolicy("[policy]\nid = \"p\"\n" + Res("self", "depends_on = [\"self\"]\n") + Res("x", "after = [\"y\"]\n") +
                Res("y", "after = [\"x\"]\n"),
            "p.toml");
  EXPECT_FALSE(ResourceGraph::Build(repo_, diags_));
  auto d = diags_.Sorted();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "dependency cycle: p/self -> p/self");
  EXPECT_EQ(d[1].message, "dependency cycle: p/x -> p/y -> p/x");
}

TEST_F(GraphTest, DotIsDeterministic) {
  AddPolicy("[policy]\nid = \"p\"\n" + Res("a") + Res("b", "depends_on = [\"a\"]\nnotify = [\"c\"]\nenforcement = \"audit\"\n") +
                Res("c", "after = [\"a\"]\n"),
            "p.toml");
  auto g = ResourceGraph::Build(repo_, diags_);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->ToDot(),
            "digraph plumb {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n"
            "  \"p/a\" [label=\"p/a\\ndirectory\"];\n"
            "  \"p/b\" [label=\"p/b\\ndirectory\", style=dashed];\n"
            "  \"p/c\" [label=\"p/c\\ndirectory\"];\n"
            "  \"p/a\" -> \"p/b\";\n"
            "  \"p/a\" -> \"p/c\" [style=dashed];\n"
            "  \"p/b\" -> \"p/c\" [color=blue, label=notify];\n"
            "}\n");
}

}  // namespace
}  // namespace plumb
