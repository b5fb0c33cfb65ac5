#include "engine/util/civil_time.h"

#include <cstdio>

#include <chrono>

namespace plumb {

CivilTime ToCivil(int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds{unix_seconds}};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count())};
}

int64_t FromCivil(const CivilTime& c) {
  using namespace std::chrono;
  sys_days day{year{c.year} / month{c.month} / std::chrono::day{c.day}};
  return day.time_since_epoch().count() * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

std::string FormatDay(int64_t unix_seconds) {
  CivilTime c = ToCivil(unix_seconds);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

}  // namespace plumb
