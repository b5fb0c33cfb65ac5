#pragma once
/// Calendar fields of an instant, for the few places that print times.

#include <cstdint>
#include <string>

namespace plumb {

/// Unix seconds as calendar fields (proleptic Gregorian, no leap seconds). Pass t + offset for
/// a local time.
struct CivilTime {
  int year = 1970;
  unsigned month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
};
CivilTime ToCivil(int64_t unix_seconds);
/// The inverse: calendar fields (UTC) as Unix seconds.
int64_t FromCivil(const CivilTime& c);

/// The UTC day of an instant as YYYY-MM-DD.
std::string FormatDay(int64_t unix_seconds);

}  // namespace plumb
