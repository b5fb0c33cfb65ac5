#pragma once
/// The one way plumb includes toml++. toml++ 3.3 asserts, in debug builds, on some malformed
/// documents that it otherwise rejects with a proper parse error (e.g. a table header starting
/// with '#'); input must never abort plumb, so its internal assertions are disabled everywhere,
/// which is exactly how release builds behave.

#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
#include <toml++/toml.h>

#include <string_view>

namespace plumb {

/// toml::parse for text that may be hostile. toml++ 3.3 (Debian 12) reaches
/// __builtin_unreachable when it tests some non-ASCII characters for whitespace (toml++ issue
/// 190, fixed in 3.4): a character in U+00A1..U+0499, U+2C5E..U+3057 (but U+3000) or
/// U+FB26..U+FEFE outside a string or comment, or right after a multi-line string's line-ending
/// backslash. A quote starts a string only where a key or value starts (after '=', '[', ',',
/// '{', '.', or first on its line), as in toml++. Such input is
/// refused here with a toml::parse_error at its line and column, before toml++ sees it.
toml::table ParseToml(std::string_view text, std::string_view path);

}  // namespace plumb
