#include "engine/policy/template.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

Datum Table(std::map<std::string, Datum> entries) {
  Datum d;
  d.kind = DatumKind::kTable;
  d.table = std::move(entries);
  return d;
}

Datum List(std::vector<Datum> items) {
  Datum d;
  d.kind = DatumKind::kList;
  d.list = std::move(items);
  return d;
}

class TemplateRender : public ::testing::Test {
 protected:
  TemplateRender() {
    Datum port;
    port.kind = DatumKind::kInteger;
    port.integer = 123;
    Datum yes;
    yes.kind = DatumKind::kBool;
    yes.boolean = true;
    Datum secret;
    secret.kind = DatumKind::kSecret;
    secret.text = "env:PW";
    context_.root = Table({{"var", Table({{"port", port}, {"tls", yes}})},
                           {"data", Table({{"ntp", List({Datum::String("a&b"), Datum::String("<c>")})},
                                           {"db", Table({{"host", Datum::String("db1")},
                                                         {"password", Datum::String("s3cret")},
                                                         {"token", secret}})}})},
                           {"fact", Table({{"hostname", Datum::String("web1")}})}});
    context_.sensitive = {"data.db.password"};
    context_.secrets = {"data.db.token"};
  }

  std::optional<RenderedTemplate> Render(const std::string& text) {
    return RenderTemplate(text, "files/t.mustache", context_, "", diags_);
  }
  std::string Errors() const {
    std::string out;
    for (const auto& d : diags_.Sorted())
      out += d.where.path + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message + "\n";
    return out;
  }

  TemplateContext context_;
  Diagnostics diags_;
};

TEST_F(TemplateRender, RendersVarsDataFactsListsAndBooleansWithoutHtmlEscaping) {
  auto r = Render("# {{fact.hostname}}\n{{#data.ntp}}server {{.}}\n{{/data.ntp}}port {{var.port}}\n"
                  "{{#var.tls}}tls on\n{{/var.tls}}{{^var.tls}}tls off\n{{/var.tls}}host {{ data.db.host }}\n");
  ASSERT_TRUE(r) << Errors();
  EXPECT_EQ(r->text, "# web1\nserver a&b\nserver <c>\nport 123\ntls on\nhost db1\n");
  EXPECT_FALSE(r->sensitive);
}

TEST_F(TemplateRender, AMissingNameIsAnErrorAtItsTag) {
  EXPECT_FALSE(Render("ok {{fact.hostname}}\n  {{data.ntp_servers}}\n{{#var.nope}}x{{/var.nope}}\n"));
  EXPECT_EQ(Errors(),
            "files/t.mustache:2:3: {{data.ntp_servers}} names nothing: the template sees var.NAME, data.KEY and "
            "fact.KEY (and, in a section, the names of its item)\n"
            "files/t.mustache:3:1: {{var.nope}} names nothing: the template sees var.NAME, data.KEY and fact.KEY (and, "
            "in a section, the names of its item)\n");
}

TEST_F(TemplateRender, ASyntaxErrorIsAnErrorAtItsPlace) {
  EXPECT_FALSE(Render("a\nb {{#data.ntp}}\n"));
  EXPECT_EQ(Errors(), "files/t.mustache:2:3: invalid Mustache template: unclosed section \"data.ntp\"\n");
  Diagnostics syntax;
  EXPECT_FALSE(CheckTemplateSyntax("x {{fact.hostname\n", "t", syntax));
  EXPECT_EQ(syntax.Sorted()[0].message, "invalid Mustache template: unclosed tag");
  EXPECT_EQ(syntax.Sorted()[0].where.column, 3u);
}

TEST_F(TemplateRender, ASensitiveValueMakesTheContentSensitive) {
  auto r = Render("{{data.db.password}}");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->sensitive);
  r = Render("{{#data.db}}{{host}}{{/data.db}}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "db1");
  EXPECT_TRUE(r->sensitive) << "a section over a table that holds one could render it";
}

TEST_F(TemplateRender, ASecretReferenceCannotBeRendered) {
  EXPECT_FALSE(Render("x\n{{data.db.token}}"));
  EXPECT_EQ(Errors(), "files/t.mustache:2:1: {{data.db.token}} is a secret reference, which a template cannot render: "
                      "secrets are read when the run starts; give the secret its own property, or keep the value in a "
                      "data key listed as sensitive\n");
}

TEST_F(TemplateRender, PartialsAreNotSupported) {
  EXPECT_FALSE(Render("{{> header}}"));
  EXPECT_EQ(Errors(), "files/t.mustache:1:1: template partials are not supported: {{>header}}\n");
}

}  // namespace
}  // namespace plumb
