#include "engine/facts/selector.h"

#include "engine/util/strings.h"

namespace plumb {

namespace {
struct OpName {
  const char* text;
  MatchOp op;
};
// Longest operators first so ">=" is not read as ">".
constexpr OpName kOps[] = {{">=", MatchOp::kVersionGreaterEq}, {"<=", MatchOp::kVersionLessEq},
                           {"==", MatchOp::kVersionEquals},    {"!=", MatchOp::kVersionNotEquals},
                           {">", MatchOp::kVersionGreater},    {"<", MatchOp::kVersionLess}};
}  // namespace

Result<Alternative> ParseAlternative(const FactValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  if (!s) return Alternative{MatchOp::kEquals, value};
  std::string_view text = Trim(*s);
  for (const auto& o : kOps) {
    if (StartsWith(text, o.text)) {
      std::string operand(Trim(text.substr(std::string_view(o.text).size())));
      if (operand.empty()) return Error{ErrorKind::kInvalidInput, "version comparison '" + *s + "' has no version after '" + o.text + "'"};
      return Alternative{o.op, operand};
    }
  }
  if (s->find_first_of("*?") != std::string::npos) return Alternative{MatchOp::kGlob, *s};
  return Alternative{MatchOp::kEquals, *s};
}

bool Alternative::Matches(const FactValue& fact) const {
  std::string have = FactToString(fact), want = FactToString(operand);
  switch (op) {
    case MatchOp::kEquals: return EqualsIgnoringCase(have, want);
    case MatchOp::kGlob: return GlobMatch(want, have);
    case MatchOp::kVersionLess: return CompareVersions(have, want) < 0;
    case MatchOp::kVersionLessEq: return CompareVersions(have, want) <= 0;
    case MatchOp::kVersionGreater: return CompareVersions(have, want) > 0;
    case MatchOp::kVersionGreaterEq: return CompareVersions(have, want) >= 0;
    case MatchOp::kVersionEquals: return CompareVersions(have, want) == 0;
    case MatchOp::kVersionNotEquals: return CompareVersions(have, want) != 0;
  }
  return false;
}

std::string Alternative::ToString() const {
  std::string want = FactToString(operand);
  for (const auto& o : kOps)
    if (o.op == op) return std::string(o.text) + " " + want;
  return "'" + want + "'";
}

SelectorResult Selector::Evaluate(const Facts& facts) const {
  for (const auto& c : all) {
    const FactValue* have = facts.Find(c.fact);
    if (!have) return {false, "fact '" + c.fact + "' is not set"};
    bool any = false;
    for (const auto& alt : c.any_of) any = any || alt.Matches(*have);
    if (!any) {
      std::vector<std::string> wants;
      for (const auto& alt : c.any_of) wants.push_back(alt.ToString());
      return {false, c.fact + " is '" + FactToString(*have) + "', not " + Join(wants, " or ")};
    }
  }
  return {};
}

}  // namespace plumb
