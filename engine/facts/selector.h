#pragma once
/// applies_to selectors. A selector is a conjunction of conditions on facts; each condition is an
/// any-of list of alternatives. An alternative is an equality (case-insensitive), a glob ("web-*")
/// or a version comparison (">= 6.3"). A missing fact never matches.

#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/util/diagnostic.h"

namespace plumb {

enum class MatchOp { kEquals, kGlob, kVersionLess, kVersionLessEq, kVersionGreater, kVersionGreaterEq,
                     kVersionEquals, kVersionNotEquals };

struct Alternative {
  MatchOp op = MatchOp::kEquals;
  FactValue operand;
  bool Matches(const FactValue& fact) const;
  std::string ToString() const;
};

/// Parses one alternative: strings starting with an operator are version comparisons, strings
/// with '*' or '?' are globs, everything else is equality.
Result<Alternative> ParseAlternative(const FactValue& value);

struct Condition {
  std::string fact;
  std::vector<Alternative> any_of;
  SourceLocation where;
};

struct SelectorResult {
  bool matches = true;
  std::string reason;  ///< why not, e.g. "os is 'linux', not 'windows'"
};

struct Selector {
  std::vector<Condition> all;
  SelectorResult Evaluate(const Facts& facts) const;
};

}  // namespace plumb
