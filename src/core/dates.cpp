#include "core/dates.hpp"

namespace clmis::detail {

int year_of(Date d) { return static_cast<int>(date::year_month_day{d}.year()); }

unsigned month_of(Date d) { return static_cast<unsigned>(date::year_month_day{d}.month()); }

Date years_before(Date d, int years) {
  const date::year_month_day ymd{d};
  const date::year y = ymd.year() - date::years{years};
  const date::year_month_day r{y, ymd.month(), ymd.day()};
  if (r.ok()) return date::sys_days{r};
  return date::sys_days{date::year_month_day_last{y, date::month_day_last{ymd.month()}}};
}

Date last_month_end(Date d) {
  const date::year_month_day ymd{d};
  const date::sys_days end{date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}}};
  if (end == d) return d;
  return date::sys_days{date::year_month_day{ymd.year(), ymd.month(), date::day{1}}} - date::days{1};
}

int age_in_years(Date birth, Date at) {
  const date::year_month_day b{birth}, a{at};
  int years = static_cast<int>(a.year()) - static_cast<int>(b.year());
  if (a.month() < b.month() || (a.month() == b.month() && a.day() < b.day())) --years;
  return years;
}

Date local_date(DateTime t, const date::time_zone* zone) {
  if (!zone) return date::floor<date::days>(t);
  const auto local = zone->to_local(t);
  return Date{date::floor<date::days>(local).time_since_epoch()};
}

}  // namespace clmis::detail
