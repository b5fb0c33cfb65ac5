#pragma once
/// The kit for writing a resource type: its properties are declared once, in a PropertyTable over
/// the type's settings struct. The same declaration gives the schema (validation, `plumb
/// describe`), reads a validated ResourceSpec into the struct, and names the property a drift item
/// is about, so Test and Set speak of one declared name and cannot drift apart.
/// Invariants: property names are unique in a table; Read only sees specs the loader validated
/// against Schema(), so every value has the declared kind.

#include <any>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/policy/policy.h"
#include "engine/policy/schema.h"
#include "resources/resource.h"

namespace plumb {

/// What every type that creates or removes something is asked for.
enum class Ensure { kPresent, kAbsent };

template <class S>
class PropertyTable {
 public:
  /// A property read into a member: std::string, int64_t, bool, StringList, StringMap, or an
  /// optional of one of them (unset stays nullopt). The schema's kind is the member's.
  template <class M>
  PropertyTable& Add(M S::*member, PropertySchema schema) {
    schema.kind = KindFor(static_cast<M*>(nullptr));
    entries_.push_back({std::move(schema), member, [member](S& s, const Value& v) { Assign(s.*member, v); }});
    return *this;
  }

  /// A string property with a fixed set of spellings, read into an enum member.
  template <class E>
  PropertyTable& AddEnum(E S::*member, PropertySchema schema, std::vector<std::pair<std::string, E>> values) {
    schema.kind = ValueKind::kString;
    schema.allowed.clear();
    for (const auto& [text, value] : values) schema.allowed.push_back(text);
    entries_.push_back({std::move(schema), member, [member, values](S& s, const Value& v) {
                          for (const auto& [text, value] : values)
                            if (std::get<std::string>(v) == text) s.*member = value;
                        }});
    return *this;
  }

  /// `ensure`: present (the default) or absent.
  PropertyTable& AddEnsure(Ensure S::*member, std::string description) {
    return AddEnum(member, {"ensure", ValueKind::kString, Requirement::kOptional, std::move(description)},
                   {{"present", Ensure::kPresent}, {"absent", Ensure::kAbsent}});
  }

  /// The schema entries, in declaration order.
  std::vector<PropertySchema> Schema() const {
    std::vector<PropertySchema> out;
    for (const auto& e : entries_) out.push_back(e.schema);
    return out;
  }

  /// The settings a validated spec asks for; members of unset properties keep their defaults.
  S Read(const ResourceSpec& spec) const {
    S s{};
    for (const auto& e : entries_)
      if (const Property* p = spec.Find(e.schema.name)) e.read(s, p->value);
    return s;
  }

  /// The declared name of the property read into `member` ("" when it is not in the table).
  template <class M>
  const std::string& Name(M S::*member) const {
    for (const auto& e : entries_)
      if (auto* m = std::any_cast<M S::*>(&e.member); m && *m == member) return e.schema.name;
    static const std::string kNone;
    return kNone;
  }

  /// A drift item about the property read into `member`.
  template <class M>
  PropertyDrift Drift(M S::*member, std::string expected, std::string actual) const {
    return {Name(member), std::move(expected), std::move(actual)};
  }

  /// Whether `drift` is about the property read into `member`.
  template <class M>
  bool About(const PropertyDrift& drift, M S::*member) const {
    return drift.property == Name(member);
  }

 private:
  struct Entry {
    PropertySchema schema;
    std::any member;  ///< the member pointer, to find an entry by its member
    std::function<void(S&, const Value&)> read;
  };

  static ValueKind KindFor(std::string*) { return ValueKind::kString; }
  static ValueKind KindFor(int64_t*) { return ValueKind::kInteger; }
  static ValueKind KindFor(bool*) { return ValueKind::kBool; }
  static ValueKind KindFor(StringList*) { return ValueKind::kStringList; }
  static ValueKind KindFor(StringMap*) { return ValueKind::kStringMap; }
  template <class T>
  static ValueKind KindFor(std::optional<T>*) {
    return KindFor(static_cast<T*>(nullptr));
  }

  template <class T>
  static void Assign(T& out, const Value& v) {
    out = std::get<T>(v);
  }
  template <class T>
  static void Assign(std::optional<T>& out, const Value& v) {
    out = std::get<T>(v);
  }

  std::vector<Entry> entries_;
};

}  // namespace plumb
