#pragma once
/// Node facts: a flat map of dotted keys ("os", "cluster.name") to typed values. Facts come from
/// the platform's collector and may be added to or overridden by a TOML file (--facts).

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "engine/util/diagnostic.h"
#include "engine/util/result.h"

namespace plumb {

using FactValue = std::variant<std::string, int64_t, bool>;

std::string FactToString(const FactValue& v);

class Facts {
 public:
  void Set(const std::string& key, FactValue value) { values_[key] = std::move(value); }
  const FactValue* Find(const std::string& key) const;
  /// The fact as text, or "" when absent.
  std::string Get(const std::string& key) const;
  const std::map<std::string, FactValue>& All() const { return values_; }

  /// Adds or overrides facts from a TOML document (nested tables flatten to dotted keys).
  /// Arrays and dates are rejected: facts are scalars. On an error nothing is merged and `diags`
  /// gets it at its line and column; returns whether the document was merged.
  bool MergeToml(const std::string& text, const std::string& path, Diagnostics& diags);
  /// The same, with the error as "path:line:col: message".
  Status MergeToml(const std::string& text, const std::string& path);

  /// The facts as a TOML document that MergeToml reads back unchanged.
  std::string ToToml() const;

 private:
  std::map<std::string, FactValue> values_;
};

}  // namespace plumb
