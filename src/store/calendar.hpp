// The days a country's administrator enters in its calendar (clmis_calendar_day, format 4):
// proclaimed dates of the profile's rules, and one-off days off.
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

struct CalendarDayRow {
  std::int64_t id = 0;
  int year = 0;
  std::string date;
  std::optional<std::string> rule;  ///< a rule's date that year, or
  std::optional<std::string> name;  ///< a one-off day's name (JSON labels by language)
  std::optional<std::string> note;  ///< the notice cited
  std::string entered_at;
  std::string entered_by;  ///< the user's name
};

/// The entries in force (not withdrawn) for years from..to, by date.
std::vector<CalendarDayRow> calendar_days(Connection& c, int from_year, int to_year);
/// The entry in force of a rule for a year.
std::optional<CalendarDayRow> calendar_rule_day(Connection& c, const std::string& rule, int year);
/// The one-off entry in force on a date, if any.
std::optional<CalendarDayRow> calendar_one_off(Connection& c, const std::string& date);
/// Adds an entry; returns its id.
std::int64_t insert_calendar_day(Connection& c, int year, const std::string& date, const std::optional<std::string>& rule,
                                 const std::optional<std::string>& name, const std::optional<std::string>& note,
                                 const std::string& at, std::int64_t by);
void withdraw_calendar_day(Connection& c, std::int64_t id, const std::string& at, std::int64_t by);

}  // namespace clmis::store
