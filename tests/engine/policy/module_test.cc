#include "engine/policy/module.h"

#include <gtest/gtest.h>

#include "resources/registry.h"

namespace plumb {
namespace {

class ModuleTest : public ::testing::Test {
 protected:
  ModuleTest() : types_(Platforms::kLinux) { RegisterBuiltinTypes(types_); }

  // Loads `text` as modules/m/module.toml; every diagnostic rendered, in order.
  std::string Diagnose(const std::string& text) {
    Diagnostics diags;
    SourceFiles sources;
    sources.Add(kPath, std::make_shared<const std::string>(text));
    module_ = LoadModule(text, kPath, types_, diags);
    std::string out;
    for (const auto& d : diags.Sorted()) out += Render(d, sources);
    return out;
  }

  // Instantiates the [[use]] tables of `policy` (as p.toml) from the module of `module`.
  std::string Use(const std::string& module, const std::string& policy, std::vector<Policy>* instances = nullptr) {
    EXPECT_EQ(Diagnose(module), "");
    Diagnostics diags;
    SourceFiles sources;
    sources.Add("p.toml", std::make_shared<const std::string>(policy));
    auto parent = LoadPolicy(policy, "p.toml", types_, diags);
    EXPECT_TRUE(parent.has_value());
    auto made = Instantiate(*parent, {*module_}, types_, diags);
    if (instances) *instances = std::move(made);
    std::string out;
    for (const auto& d : diags.Sorted()) out += Render(d, sources);
    return out;
  }

  static constexpr const char* kPath = "modules/m/module.toml";
  TypeRegistry types_;
  std::optional<Module> module_;
};

TEST_F(ModuleTest, ReadsDescriptionParametersAndResources) {
  EXPECT_EQ(Diagnose("[module]\ndescription = \"d\"\n[parameters.a]\ntype = \"table\"\n[parameters.b]\ntype = \"boolean\"\n"
                     "default = true\n[[resource]]\nid = \"f\"\ntype = \"file\"\npath = \"/x\"\ncontent = \"${var.a.k}\"\n"),
            "");
  ASSERT_TRUE(module_);
  EXPECT_EQ(module_->name, "m");
  EXPECT_EQ(module_->directory, "modules/m");
  EXPECT_EQ(module_->description, "d");
  ASSERT_EQ(module_->parameters.size(), 2u);
  EXPECT_EQ(module_->parameters[0].type, DatumKind::kTable);
  EXPECT_FALSE(module_->parameters[0].default_value);
  EXPECT_EQ(module_->parameters[1].default_value->boolean, true);
  ASSERT_EQ(module_->resources.size(), 1u);
  EXPECT_FALSE(module_->broken);
}

TEST_F(ModuleTest, ParameterProblemsAreErrorsWhereTheyAreWritten) {
  EXPECT_EQ(Diagnose("[parameters.a]\ntype = \"str\"\n[parameters.b]\ndescription = \"no type\"\n"
                     "[parameters.c]\ntype = \"integer\"\ndefault = \"1\"\nrequired = true\n[parameters.name]\ntype = \"string\"\n"),
            "modules/m/module.toml:2:8: parameter 'a': 'type' must be one of string, integer, boolean, list, table; "
            "got 'str'\n"
            " 2 | type = \"str\"\n"
            "   |        ^\n"
            "modules/m/module.toml:3:13: parameter 'b' is missing required key 'type' (string, integer, boolean, "
            "list or table)\n"
            " 3 | [parameters.b]\n"
            "   |             ^\n"
            "modules/m/module.toml:8:1: unknown key 'required' in parameter 'c'\n"
            " 8 | required = true\n"
            "   | ^\n"
            "modules/m/module.toml:9:13: invalid parameter name 'name': use letters, digits, '_' and '-'; 'module' "
            "and 'name' belong to [[use]] itself\n"
            " 9 | [parameters.name]\n"
            "   |             ^\n");
  ASSERT_TRUE(module_);
  EXPECT_TRUE(module_->broken);
  EXPECT_EQ(Diagnose("[parameters.c]\ntype = \"integer\"\ndefault = \"1\"\n"),
            "modules/m/module.toml:3:11: parameter 'c' is an integer, but its default is a string\n"
            " 3 | default = \"1\"\n"
            "   |           ^\n");
}

TEST_F(ModuleTest, AModuleHasNoPolicyVarsOrUse) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"x\"\n[vars]\na = 1\n"),
            "modules/m/module.toml:1:2: a module has no [policy]: it takes its id, tags and applies_to from each "
            "policy that uses it\n"
            " 1 | [policy]\n"
            "   |  ^\n"
            "modules/m/module.toml:3:2: a module has no [vars]: its variables are its [parameters]\n"
            " 3 | [vars]\n"
            "   |  ^\n");
}

TEST_F(ModuleTest, AnInstanceIsAPolicyOfItsOwnUnderItsParent) {
  std::vector<Policy> made;
  EXPECT_EQ(Use("[parameters.n]\ntype = \"integer\"\ndefault = 1\n[parameters.s]\ntype = \"string\"\n"
                "[[resource]]\nid = \"f\"\ntype = \"file\"\npath = \"/x\"\ncontent = \"${var.s}\"\n",
                "[policy]\nid = \"p\"\ntags = [\"t\"]\n[applies_to]\nos = \"linux\"\n"
                "[[use]]\nmodule = \"m\"\ns = \"${fact.hostname}\"\n[[use]]\nmodule = \"m\"\nname = \"two\"\ns = \"x\"\nn = 2\n",
                &made),
            "");
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].id, "p/m");
  EXPECT_EQ(made[1].id, "p/two");
  EXPECT_EQ(made[1].parent, "p");
  EXPECT_EQ(made[1].tags, std::vector<std::string>{"t"});
  EXPECT_EQ(made[1].applies_to.all.size(), 1u);
  EXPECT_EQ(made[1].path, kPath);
  EXPECT_EQ(made[1].directory, "modules/m");
  EXPECT_EQ(made[1].where.line, 9u);
  ASSERT_EQ(made[0].vars.size(), 2u);
  EXPECT_EQ(made[0].vars[0].name, "n");
  EXPECT_EQ(made[0].vars[0].value.integer, 1);
  EXPECT_EQ(made[0].vars[0].scope, "");  // the module's default
  EXPECT_EQ(made[0].vars[1].value.text, "${fact.hostname}");
  EXPECT_EQ(made[0].vars[1].scope, "p");
  EXPECT_EQ(made[0].vars[1].path, "p.toml");
  EXPECT_EQ(made[1].vars[0].value.integer, 2);
  ASSERT_EQ(made[1].resources.size(), 1u);
  EXPECT_EQ(made[1].resources[0].id, "f");
}

TEST_F(ModuleTest, AWholePlaceholderFitsAnyTypeButTextAroundItOnlyAString) {
  const std::string module = "[parameters.n]\ntype = \"list\"\n";
  EXPECT_EQ(Use(module, "[policy]\nid = \"p\"\n[[use]]\nmodule = \"m\"\nn = \"${data.servers}\"\n"), "");
  EXPECT_EQ(Use(module, "[policy]\nid = \"p\"\n[[use]]\nmodule = \"m\"\nn = \"a ${data.servers}\"\n"),
            "p.toml:5:5: parameter 'n' of module 'm' must be a list, got a string\n"
            " 5 | n = \"a ${data.servers}\"\n"
            "   |     ^\n");
  EXPECT_EQ(Use(module, "[policy]\nid = \"p\"\n[[use]]\nmodule = \"m\"\nn = []\n[[use]]\nmodule = \"m\"\nn = []\n"),
            "p.toml:6:1: duplicate instance name 'm' (first used at line 3); give each [[use]] its own name = \"...\"\n"
            " 6 | [[use]]\n"
            "   | ^\n");
}

}  // namespace
}  // namespace plumb
