#include "workflow/deadline.hpp"

#include "core/dates.hpp"

namespace clmis::detail {

DeadlineDue deadline_due(HolidayCalendar& cal, DeadlineUnit unit, int length, int extension, Date start,
                         const std::vector<DeadlinePause>& pauses) {
  if (length < 0 || extension < 0) throw Misuse("a deadline's length and extension are not negative");
  for (const auto& p : pauses)
    if (p.from < start || (p.to && *p.to < p.from))
      throw Misuse("a deadline's pause runs from its start or later, from its first day to its resumption");
  DeadlineDue due;
  due.days = length + extension;
  // The pauses that cover a day, by reason ("paused: waiting for the employer's records").
  auto paused = [&](Date d, std::vector<std::string>* why) {
    bool any = false;
    for (const auto& p : pauses)
      if (p.from <= d && (!p.to || d < *p.to)) {
        any = true;
        if (why) why->push_back("paused" + (p.reason.empty() ? std::string() : ": " + p.reason));
      }
    return any;
  };
  auto open_pause = [&](Date d) -> std::optional<Date> {
    for (const auto& p : pauses)
      if (!p.to && p.from <= d) return p.from;
    return std::nullopt;
  };
  Date d = start;
  for (int counted = 0; counted < due.days;) {
    d = plus_days(d, 1);
    if (auto held = open_pause(d)) {  // the count stops at an open pause: no date yet
      due.paused_on = held;
      return due;
    }
    std::vector<std::string> why;
    paused(d, &why);
    if (unit == DeadlineUnit::working_days)
      for (auto& r : cal.why_not_working(d)) why.push_back(std::move(r));
    if (why.empty()) ++counted;
    else due.skipped.push_back({d, std::move(why)});
  }
  if (unit == DeadlineUnit::calendar_days && cal.declaration().deadlines_roll_forward.value) {
    while (!cal.working(d) || paused(d, nullptr)) {
      std::vector<std::string> why = cal.why_not_working(d);
      paused(d, &why);
      due.skipped.push_back({d, std::move(why)});
      d = plus_days(d, 1);
      if (auto held = open_pause(d)) {
        due.paused_on = held;
        return due;
      }
    }
  }
  due.date = d;
  return due;
}

DeadlineDue deadline_due_before(HolidayCalendar& cal, DeadlineUnit unit, int length, Date before) {
  if (length < 0) throw Misuse("a deadline's length is not negative");
  DeadlineDue due;
  due.days = length;
  if (unit == DeadlineUnit::months) {
    const date::year_month_day ymd{before};
    const date::year_month ym = date::year_month{ymd.year(), ymd.month()} - date::months{length};
    const date::year_month_day_last last{ym.year(), date::month_day_last{ym.month()}};
    due.date = Date{ym / (ymd.day() < last.day() ? ymd.day() : last.day())};
    return due;
  }
  if (unit == DeadlineUnit::calendar_days) {
    due.date = plus_days(before, -length);
    return due;
  }
  Date d = before;
  for (int counted = 0; counted < length;) {
    d = plus_days(d, -1);
    auto why = cal.why_not_working(d);
    if (why.empty()) ++counted;
    else due.skipped.push_back({d, std::move(why)});
  }
  due.date = d;
  return due;
}

}  // namespace clmis::detail
