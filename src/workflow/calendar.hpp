// Country calendars: public holidays computed from the profile's rules (pack::calendar) for any
// year, with the dates the administrator proclaims each year, and working-day arithmetic on them
// — the days every statutory time limit of the case modules counts (docs/calendars.md).
#pragma once

#include "security/context.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::detail {

/// One day of a country's calendar.
struct HolidayDay {
  enum class Kind { holiday, substitute, special };
  /// computed: from a statute's rule; proclaimed: a notice fixed it (shipped with the profile or
  /// entered); estimate: the date of a rule whose notice is not known yet.
  enum class Status { computed, proclaimed, estimate };
  Date date{};
  std::string name;
  Kind kind = Kind::holiday;
  std::string rule;  ///< "" for a one-off day
  Status status = Status::computed;
  bool statutory = true;  ///< false: a customary day (not a holiday in law)
  bool day_off = true;    ///< counts as a non-working day
  bool entered = false;   ///< entered by the administrator (not shipped with the profile)
  std::string source;     ///< the rule's legal source, the notice, or what the administrator cited
  std::string entered_by, entered_at;
  std::optional<Date> substitute_for;  ///< a substitute: the holiday's own date
  std::string substitute_for_name, reason;
  int order = 0;  ///< the rule's position in the profile (ties between days of one date)
};

/// A day the administrator entered (store::CalendarDayRow, decoded).
struct EnteredDay {
  std::int64_t id = 0;
  std::string rule;  ///< "" for a one-off day
  Date date{};
  pack::Label name;  ///< a one-off day's name
  std::string note, by, at;
};

/// A skipped day and why (the "explain" of working-day arithmetic).
struct SkippedDay {
  Date date{};
  std::vector<std::string> reasons;  ///< "Saturday (weekend)", "Emancipation Day (...source)"
};

/// A country's calendar, computed lazily a year at a time.
class HolidayCalendar {
 public:
  HolidayCalendar(const pack::calendar::Calendar& cal, std::vector<EnteredDay> entered, std::string lang);

  /// The days of a year, by date (and the profile's order within a date).
  const std::vector<HolidayDay>& year(int y);
  /// The calendar's days on a date.
  std::vector<const HolidayDay*> on(Date d);
  bool weekend(Date d) const;
  /// Not a weekend day nor a day off.
  bool working(Date d);
  /// Why d is not a working day (nothing for a working day).
  std::vector<std::string> why_not_working(Date d);
  /// The n-th working day after from (from itself when n is 0).
  Date add_working(Date from, int n, std::vector<SkippedDay>* skipped);
  /// from + n days; with the profile's deadlines_roll_forward, a non-working result moves to the
  /// next working day.
  Date add_calendar(Date from, int n, std::vector<SkippedDay>* skipped);
  /// Working days d with a < d <= b (negative when b is before a).
  int working_between(Date a, Date b);

  /// The rules whose date must be proclaimed for year y and is not known: (rule, estimate).
  std::vector<std::pair<const pack::calendar::Rule*, std::optional<Date>>> pending(int y);

  [[nodiscard]] const pack::calendar::Calendar& declaration() const { return cal_; }

 private:
  struct Resolved {
    std::optional<Date> date;
    HolidayDay::Status status = HolidayDay::Status::computed;
    std::string source;
    const EnteredDay* entered = nullptr;
  };
  Resolved resolve(const pack::calendar::Rule& rule, int y, int depth = 0);
  /// Holidays and one-off days of a year, before substitution.
  const std::vector<HolidayDay>& base(int y);
  void check_year(int y) const;

  const pack::calendar::Calendar& cal_;
  std::vector<EnteredDay> entered_;
  std::string lang_;
  std::map<int, std::vector<HolidayDay>> base_, years_;
};

/// Western (Gregorian) Easter Sunday of a year.
Date easter_sunday(int year);

// --- the operations (Database and Session) ------------------------------------------------------

/// The country's calendar for counting deadlines, with every day the administrator entered (a
/// profile without a calendar: Saturdays and Sundays off, no holiday).
HolidayCalendar deadline_calendar(Context& cx);

/// The calendar of a year: [{"date", "weekday", "name", "kind", "rule", "status", "statutory",
/// "day_off", "source", ...}], names in lang ("" = the profile's first language).
Json calendar_year(Context& cx, int year, std::string_view lang);
/// from + n days (working days when working): {"from", "days", "working", "date", "skipped"?}.
Json calendar_add_days(Context& cx, std::string_view from, int n, bool working, bool explain);
/// Working days d with from < d <= to: {"from", "to", "working_days"}.
Json calendar_working_days(Context& cx, std::string_view from, std::string_view to);
/// The rules still to proclaim for a year: [{"rule", "name", "estimate", "source"}].
Json calendar_pending(Context& cx, int year);
/// Enters a proclaimed date ({"date", "rule"}) or a one-off day ({"date", "name"}), with an
/// optional "note" (the notice); returns the days off it adds and removes.
Json calendar_proclaim(Context& cx, const Json& spec);
/// Withdraws an entry ({"rule", "year"} or {"date"} of a one-off day); returns the changes.
Json calendar_withdraw(Context& cx, const Json& spec);

}  // namespace clmis::detail
