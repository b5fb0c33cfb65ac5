#pragma once
/// Calendar fields of an instant, for the few places that print times.

#include <cstdint>

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

}  // namespace plumb
