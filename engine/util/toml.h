#pragma once
/// The one way plumb includes toml++. toml++ 3.3 asserts, in debug builds, on some malformed
/// documents that it otherwise rejects with a proper parse error (e.g. a table header starting
/// with '#'); input must never abort plumb, so its internal assertions are disabled everywhere,
/// which is exactly how release builds behave.

#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
#include <toml++/toml.h>
