#pragma once
/// Property values of resources, after validation against the type's schema.

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace plumb {

enum class ValueKind { kString, kInteger, kBool, kStringList, kStringMap };

using StringList = std::vector<std::string>;
using StringMap = std::map<std::string, std::string>;
/// Invariant: the variant index equals static_cast<int>(ValueKind).
using Value = std::variant<std::string, int64_t, bool, StringList, StringMap>;

inline ValueKind KindOf(const Value& v) { return static_cast<ValueKind>(v.index()); }

/// "a string", "an integer", ... for messages.
const char* KindName(ValueKind kind);

/// A value as shown in reports and messages: strings as-is, lists as [a, b], maps as {k=v}.
std::string ToDisplay(const Value& v);

}  // namespace plumb
