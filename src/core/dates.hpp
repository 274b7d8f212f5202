// Calendar arithmetic on dates (Howard Hinnant's date): the one set of date helpers the library,
// the demo generator and the faces share.
#pragma once

#include "clmis/value.hpp"

#include <date/tz.h>

#include <cstdint>

namespace clmis::detail {

[[nodiscard]] inline Date plus_days(Date d, std::int64_t n) { return d + date::days{n}; }
/// b - a in days.
[[nodiscard]] inline std::int64_t days_between(Date a, Date b) { return (b - a).count(); }
[[nodiscard]] int year_of(Date d);
[[nodiscard]] unsigned month_of(Date d);
/// The same day `years` years earlier (28 February for 29 February in a common year).
[[nodiscard]] Date years_before(Date d, int years);
/// The last day of the month before d's, or d itself when d is a month's last day.
[[nodiscard]] Date last_month_end(Date d);
/// Whole years from birth to at (the birthday counts on its day; 29 February on 1 March of a
/// common year). Negative when birth is after at.
[[nodiscard]] int age_in_years(Date birth, Date at);
/// Writes d as "YYYY-MM-DD" into out (no allocation); false for a year outside 0..9999.
bool date_chars(Date d, char (&out)[10]) noexcept;
/// The calendar date of an instant in a time zone (UTC when zone is null).
[[nodiscard]] Date local_date(DateTime t, const date::time_zone* zone);

}  // namespace clmis::detail
