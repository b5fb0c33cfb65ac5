#pragma once
/// Interpolation: ${var.NAME}, ${var.POLICY-ID.NAME}, ${fact.KEY} and ${data.KEY} in string
/// properties, replaced per node. A property whose whole value is one placeholder takes the
/// referenced value's type (a list variable fills a list property); a placeholder inside text
/// must name a string, integer or boolean. "$${" writes a literal "${".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/policy/data.h"
#include "engine/policy/repository.h"
#include "engine/policy/schema.h"
#include "engine/util/diagnostic.h"

namespace plumb {

/// One ${...}: the name inside ("var.port") and where the "$" is in the text.
struct Placeholder {
  std::string name;
  size_t offset = 0;
};

/// A string split at its placeholders. Invariant: literals.size() == holes.size() + 1, and the
/// text is literals[0] holes[0] literals[1] ... with "$${" already turned into "${".
struct Template {
  std::vector<std::string> literals;
  std::vector<Placeholder> holes;
  /// Exactly one placeholder and nothing around it.
  bool Whole() const { return holes.size() == 1 && literals[0].empty() && literals[1].empty(); }
};

/// Whether `text` needs ParseTemplate (it has a "${", escaped or not).
inline bool HasPlaceholders(std::string_view text) { return text.find("${") != std::string_view::npos; }

/// Splits `text`; on a malformed placeholder (unclosed, empty, or outside var/fact/data) gives
/// the problem and its byte offset instead.
struct TemplateProblem {
  std::string message;
  size_t offset = 0;
};
std::optional<Template> ParseTemplate(std::string_view text, TemplateProblem& problem);

/// Where a resolved property's value came from, for plan --values and explain.
struct ValueOrigin {
  std::string placeholder;  ///< "data.ntp.servers"; "" for a rendered template
  std::string from;         ///< "data/site/paris.toml:3:1", "default at ntp.toml:4:1", "fact"
};

struct ResolvedProperty {
  std::string policy, resource, property;
  Value value;
  std::string secret;  ///< when the value is a secret reference (then `value` is empty)
  bool sensitive = false;
  std::vector<ValueOrigin> origins;
};

/// A property's value as a datum (a list as a list of strings), to print it as TOML.
Datum ValueDatum(const Value& v);

/// Every value of a policy's [vars] on one node, with where it came from.
struct ResolvedVar {
  std::string policy, name;
  Datum value;
  bool sensitive = false;
  std::string from;
};

/// Resolves every interpolated property of `repo` for the node of `facts` and `data`: adds each
/// as a Property (and to `sensitive` when a sensitive datum or a secret reference went into it),
/// after the same kind, allowed-value and cross-property checks the loader makes. Problems are
/// errors at the placeholder's file:line:col; `node` names the node in them ("" for this one).
/// A resource with an unresolved property is marked broken. Returns the resolved properties
/// when `trace` is set.
void ResolveValues(Repository& repo, const DataView& data, const Facts& facts, const SchemaLookup& schemas,
                   const std::string& node, Diagnostics& diags, std::vector<ResolvedProperty>* trace = nullptr);

/// The values of every policy's [vars] (and module instance's parameters) on the node of `data`
/// and `facts`; a value that cannot be resolved is left out.
std::vector<ResolvedVar> ResolveVars(const Repository& repo, const DataView& data, const Facts& facts);

/// Without a node: that each ${var...} names a variable, and each ${data...} a key that some file
/// under data/ (`all`) has. Facts are not checked: they differ per node.
void CheckValueNames(const Repository& repo, const DataView& all, Diagnostics& diags);

/// Whether any policy's or resource's applies_to, or any ${fact...} placeholder, names a fact
/// that starts with `prefix` ("features."): facts that are costly to collect are collected only
/// then. Templates are not searched.
bool NamesFact(const Repository& repo, std::string_view prefix);

}  // namespace plumb
