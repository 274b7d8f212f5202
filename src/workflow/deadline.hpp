// Statutory time limits of cases (issue 15): when a deadline falls, counted on the country's
// calendar (workflow/calendar.hpp), with the time it was paused left out and its extensions
// added — and why, day by day ("explain"). Pure arithmetic: the workflow module keeps each case's
// deadlines (started, paused, resumed, extended, met) and asks this when it needs the date.
//
// How the units count (docs/workflows.md):
// - working days: the n-th working day after the day the deadline started (a deadline started
//   on a Friday with 1 working day falls on Monday, or the next working day after a holiday);
// - calendar days: n days after the start; with the profile's deadlines_roll_forward, a date
//   that is not a working day moves to the next one;
// - paused days do not count in either unit: a pause from its first day up to the day before it
//   was resumed (paused on the 3rd, resumed on the 5th: the 3rd and 4th are not counted); while a
//   pause is open the deadline has no date;
// - an extension adds its days after the days of the rule, in the same unit.
//
// A deadline counted back from a date (a notice due a month before a redundancy takes effect)
// falls length units before that date: the n-th working day before it, n days before it, or the
// same day n months before it (the month's last day when it has no such day: a month before
// 31 May is 30 April). It is never paused or extended, and never moved off a non-working day:
// it is the last day on which the act is in time, and an earlier day is always in time.
#pragma once

#include "workflow/calendar.hpp"

#include <optional>
#include <string>
#include <vector>

namespace clmis::detail {

enum class DeadlineUnit { working_days, calendar_days, months };

/// A pause of a deadline: from its first paused day; to: the day it was resumed (not paused),
/// or none while it lasts.
struct DeadlinePause {
  Date from{};
  std::optional<Date> to;
  std::string reason;
};

/// When a deadline falls, and how that date was reached.
struct DeadlineDue {
  std::optional<Date> date;       ///< none while paused before reaching it
  std::optional<Date> paused_on;  ///< the open pause that holds it, if any
  int days = 0;                   ///< the days counted: the rule's length plus the extensions
  std::vector<SkippedDay> skipped;  ///< the days not counted, each with its reasons
};

/// The due date of a deadline of length days in unit (plus extension days), started on start,
/// with pauses (in any order; overlapping pauses count once). Misuse for a negative length or
/// extension, or a pause that begins before start.
DeadlineDue deadline_due(HolidayCalendar& cal, DeadlineUnit unit, int length, int extension, Date start,
                         const std::vector<DeadlinePause>& pauses);

/// The due date of a deadline of length units counted back from before; the days skipped are
/// the non-working days passed over (working days only). Misuse for a negative length.
DeadlineDue deadline_due_before(HolidayCalendar& cal, DeadlineUnit unit, int length, Date before);

}  // namespace clmis::detail
