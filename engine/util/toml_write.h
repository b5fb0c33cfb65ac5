#pragma once
/// Writing TOML by hand, for what plumb generates (facts, exported policies): strings and keys
/// quoted so that toml++ reads back exactly the bytes that were written.

#include <string>
#include <string_view>

namespace plumb {

/// A literal string ('...') when the text needs no escape (easier to read, and what toml++
/// writes); otherwise a basic string with quotes, backslashes and control characters escaped.
std::string TomlString(std::string_view s);

/// A bare key when it is only letters, digits, '_' and '-'; otherwise a basic string.
std::string TomlKey(std::string_view k);

}  // namespace plumb
