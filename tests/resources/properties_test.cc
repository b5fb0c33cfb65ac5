// The resource kit: one declaration gives the schema, the reader and the names drift items use.
#include "resources/properties.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

enum class Color { kRed, kBlue };

struct Settings {
  std::string path;
  std::optional<int64_t> port;
  bool enabled = false;
  std::optional<StringList> members;
  Ensure ensure = Ensure::kPresent;
  std::optional<Color> color;
};

PropertyTable<Settings> Table() {
  PropertyTable<Settings> t;
  t.Add(&Settings::path, {"path", {}, Requirement::kRequired, "where"});
  t.Add(&Settings::port, {"port", {}, Requirement::kOptional, "which port"});
  t.Add(&Settings::enabled, {"enabled", {}, Requirement::kOptional, "on or off"});
  t.Add(&Settings::members, {"members", {}, Requirement::kOptional, "who"});
  t.AddEnsure(&Settings::ensure, "present or absent");
  t.AddEnum(&Settings::color, {"color", {}, Requirement::kOptional, "red or blue"},
            {{"red", Color::kRed}, {"blue", Color::kBlue}});
  return t;
}

TEST(PropertyTable, TheSchemaComesFromTheMembers) {
  auto schema = Table().Schema();
  ASSERT_EQ(schema.size(), 6u);
  EXPECT_EQ(schema[0].kind, ValueKind::kString);
  EXPECT_EQ(schema[0].requirement, Requirement::kRequired);
  EXPECT_EQ(schema[1].kind, ValueKind::kInteger);
  EXPECT_EQ(schema[2].kind, ValueKind::kBool);
  EXPECT_EQ(schema[3].kind, ValueKind::kStringList);
  EXPECT_EQ(schema[4].name, "ensure");
  EXPECT_EQ(schema[4].allowed, (std::vector<std::string>{"present", "absent"}));
  EXPECT_EQ(schema[5].allowed, (std::vector<std::string>{"red", "blue"}));
}

TEST(PropertyTable, ReadsASpecIntoTheStruct) {
  ResourceSpec spec;
  spec.properties = {{"path", std::string("/etc/motd"), {}, {}}, {"port", int64_t{22}, {}, {}},   {"enabled", true, {}, {}},
                     {"members", StringList{"a", "b"}, {}, {}},  {"ensure", std::string("absent"), {}, {}},
                     {"color", std::string("blue"), {}, {}}};
  Settings s = Table().Read(spec);
  EXPECT_EQ(s.path, "/etc/motd");
  EXPECT_EQ(s.port, 22);
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.members, (StringList{"a", "b"}));
  EXPECT_EQ(s.ensure, Ensure::kAbsent);
  EXPECT_EQ(s.color, Color::kBlue);

  Settings unset = Table().Read(ResourceSpec{});
  EXPECT_FALSE(unset.port);
  EXPECT_FALSE(unset.color);
  EXPECT_EQ(unset.ensure, Ensure::kPresent) << "unset properties keep the struct's defaults";
}

TEST(PropertyTable, DriftIsAboutTheDeclaredProperty) {
  auto t = Table();
  PropertyDrift d = t.Drift(&Settings::port, "22", "2222");
  EXPECT_EQ(DescribeDrift(d), "port: expected '22', actual '2222'");
  EXPECT_TRUE(t.About(d, &Settings::port));
  EXPECT_FALSE(t.About(d, &Settings::path));
  EXPECT_FALSE(t.About(d, &Settings::enabled)) << "a member of another type is another property";
}

}  // namespace
}  // namespace plumb
