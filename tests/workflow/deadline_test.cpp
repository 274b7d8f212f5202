// Deadlines on the country calendar (workflow/deadline.hpp): due dates across weekends,
// holidays, year ends, leap days, pauses and extensions, in three countries, each worked out by
// hand from data/holidays/<ISO3>.json in the comments.
#include <catch2/catch.hpp>

#include "pack/pack.hpp"
#include "workflow/deadline.hpp"

#include <set>

using clmis::detail::DeadlinePause;
using clmis::detail::DeadlineUnit;

namespace {

/// The country's calendar with no day entered by an administrator.
struct Country {
  clmis::pack::Profile profile;
  clmis::detail::HolidayCalendar cal;
  explicit Country(const std::string& iso3)
      : profile(load(iso3)), cal(*profile.calendar, {}, profile.languages.front()) {}
  static clmis::pack::Profile load(const std::string& iso3) {
    const auto src = clmis::pack::embedded_source();
    const auto pack = clmis::pack::load_pack(*src);
    return clmis::pack::load_profile(*src, iso3, pack);
  }
};

clmis::Date d(const char* text) { return *clmis::parse_date(text); }

std::string due_text(const clmis::detail::DeadlineDue& due) { return due.date ? clmis::format_date(*due.date) : "none"; }

std::set<std::string> skipped(const clmis::detail::DeadlineDue& due) {
  std::set<std::string> out;
  for (const auto& s : due.skipped) out.insert(clmis::format_date(s.date));
  return out;
}

}  // namespace

TEST_CASE("Deadlines in working days: KNA across Christmas and the year end", "[deadline]") {
  Country kna("KNA");
  // Started Friday 2024-12-20, 5 working days: Sat 21 and Sun 22 skipped, Mon 23 (1), Tue 24
  // (2), Wed 25 Christmas Day and Thu 26 Boxing Day skipped, Fri 27 (3), Sat 28 and Sun 29
  // skipped, Mon 30 (4), Tue 31 (5).
  auto due = clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 5, 0, d("2024-12-20"), {});
  CHECK(due_text(due) == "2024-12-31");
  CHECK(due.days == 5);
  CHECK(skipped(due) == std::set<std::string>{"2024-12-21", "2024-12-22", "2024-12-25", "2024-12-26", "2024-12-28",
                                             "2024-12-29"});
  // Each skipped day says why: Christmas Day by name.
  bool christmas = false;
  for (const auto& s : due.skipped)
    if (clmis::format_date(s.date) == "2024-12-25")
      for (const auto& r : s.reasons) christmas = christmas || r.find("Christmas Day") != std::string::npos;
  CHECK(christmas);
  // Extended by 2 working days: Wed 2025-01-01 New Year's Day and Thu 01-02 Carnival Day - Last
  // Lap skipped, Fri 01-03 (6), Sat 4 and Sun 5 skipped, Mon 01-06 (7).
  due = clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 5, 2, d("2024-12-20"), {});
  CHECK(due_text(due) == "2025-01-06");
  CHECK(due.days == 7);
  // 0 days: the start itself.
  CHECK(due_text(clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 0, 0, d("2024-12-25"), {})) ==
        "2024-12-25");
}

TEST_CASE("Deadlines in working days: TTO across the leap day, Easter and a pause", "[deadline]") {
  Country tto("TTO");
  // Started Tuesday 2024-02-27, 15 working days: Wed 28 (1), Thu 29 Feb (2), Fri Mar 1 (3), Mon 4
  // to Fri 8 (4-8), Mon 11 to Fri 15 (9-13), Mon 18 (14), Tue 19 (15).
  CHECK(due_text(clmis::detail::deadline_due(tto.cal, DeadlineUnit::working_days, 15, 0, d("2024-02-27"), {})) ==
        "2024-03-19");
  // Paused on Mon 2024-03-04, resumed on Wed 03-06 (Mon 4 and Tue 5 do not count): 28 (1), 29
  // (2), Mar 1 (3), 6 (4), 7 (5), 8 (6), 11-15 (7-11), 18-21 (12-15) → Thu 2024-03-21.
  const std::vector<DeadlinePause> pause{{d("2024-03-04"), d("2024-03-06"), "waiting for the employer's records"}};
  auto due = clmis::detail::deadline_due(tto.cal, DeadlineUnit::working_days, 15, 0, d("2024-02-27"), pause);
  CHECK(due_text(due) == "2024-03-21");
  CHECK(skipped(due).count("2024-03-04") == 1);
  CHECK(skipped(due).count("2024-03-05") == 1);
  for (const auto& s : due.skipped)
    if (clmis::format_date(s.date) == "2024-03-04")
      CHECK(s.reasons == std::vector<std::string>{"paused: waiting for the employer's records"});
  // A pause still open before the count is reached: no date yet.
  due = clmis::detail::deadline_due(tto.cal, DeadlineUnit::working_days, 15, 0, d("2024-02-27"),
                                    {{d("2024-03-04"), std::nullopt, "waiting"}});
  CHECK(!due.date);
  REQUIRE(due.paused_on);
  CHECK(clmis::format_date(*due.paused_on) == "2024-03-04");
  // A pause opened after the due date does not move it.
  CHECK(due_text(clmis::detail::deadline_due(tto.cal, DeadlineUnit::working_days, 15, 0, d("2024-02-27"),
                                             {{d("2024-03-25"), std::nullopt, "late"}})) == "2024-03-19");
  // Started Wed 2024-03-20, 8 working days: Thu 21 (1), Fri 22 (2), Mon 25 to Thu 28 (3-6), Fri
  // 29 Good Friday, Sat 30 (weekend, Spiritual Baptist/Shouter Liberation Day), Sun 31, Mon Apr
  // 1 Easter Monday skipped, Tue Apr 2 (7), Wed Apr 3 (8).
  CHECK(due_text(clmis::detail::deadline_due(tto.cal, DeadlineUnit::working_days, 8, 0, d("2024-03-20"), {})) ==
        "2024-04-03");
}

TEST_CASE("Deadlines in calendar days: rolled forward in SUR, not in KNA", "[deadline]") {
  Country sur("SUR"), kna("KNA");
  // 14 days after 2024-12-11 is Wed 2024-12-25, Christmas Day. SUR's General Time Limits Act
  // rolls a limit forward: Thu 26 Second Day of Christmas, so Fri 2024-12-27.
  auto due = clmis::detail::deadline_due(sur.cal, DeadlineUnit::calendar_days, 14, 0, d("2024-12-11"), {});
  CHECK(due_text(due) == "2024-12-27");
  CHECK(skipped(due) == std::set<std::string>{"2024-12-25", "2024-12-26"});
  // KNA's profile does not roll forward: the 25th stays, nothing skipped.
  due = clmis::detail::deadline_due(kna.cal, DeadlineUnit::calendar_days, 14, 0, d("2024-12-11"), {});
  CHECK(due_text(due) == "2024-12-25");
  CHECK(due.skipped.empty());
  // 90 days from Wed 2024-02-28 across the leap day: Feb 29 is day 1, Mar 31 day 32, Apr 30 day
  // 62, May 28 day 90 — a Tuesday, a working day in SUR.
  CHECK(due_text(clmis::detail::deadline_due(sur.cal, DeadlineUnit::calendar_days, 90, 0, d("2024-02-28"), {})) ==
        "2024-05-28");
  // Paused Fri 2024-12-13 to Mon 12-16 (13, 14, 15 not counted): 12 (1), 16 (2) ... 28 (14), a
  // Saturday: rolled to Sun 29, then Mon 2024-12-30.
  due = clmis::detail::deadline_due(sur.cal, DeadlineUnit::calendar_days, 14, 0, d("2024-12-11"),
                                    {{d("2024-12-13"), d("2024-12-16"), "hearing postponed"}});
  CHECK(due_text(due) == "2024-12-30");
  CHECK(skipped(due) == std::set<std::string>{"2024-12-13", "2024-12-14", "2024-12-15", "2024-12-28", "2024-12-29"});
}

TEST_CASE("Deadlines: a negative length or a pause before the start is misuse", "[deadline][errors]") {
  Country kna("KNA");
  CHECK_THROWS_AS(clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, -1, 0, d("2024-12-20"), {}),
                  clmis::Misuse);
  CHECK_THROWS_AS(clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 5, -2, d("2024-12-20"), {}),
                  clmis::Misuse);
  CHECK_THROWS_AS(clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 5, 0, d("2024-12-20"),
                                              {{d("2024-12-19"), std::nullopt, ""}}),
                  clmis::Misuse);
  CHECK_THROWS_AS(clmis::detail::deadline_due(kna.cal, DeadlineUnit::working_days, 5, 0, d("2024-12-20"),
                                              {{d("2024-12-23"), d("2024-12-22"), ""}}),
                  clmis::Misuse);
}

TEST_CASE("Deadlines counted back from a date: working days over a weekend and Christmas in KNA", "[deadline][before]") {
  Country kna("KNA");
  // 3 working days before Monday 2024-12-30: Sun 29 and Sat 28 skipped, Fri 27 (1), Thu 26
  // Boxing Day and Wed 25 Christmas Day skipped, Tue 24 (2), Mon 23 (3).
  auto due = clmis::detail::deadline_due_before(kna.cal, DeadlineUnit::working_days, 3, d("2024-12-30"));
  CHECK(due_text(due) == "2024-12-23");
  CHECK(due.days == 3);
  CHECK(skipped(due) == std::set<std::string>{"2024-12-29", "2024-12-28", "2024-12-26", "2024-12-25"});
  // None: the date itself.
  CHECK(due_text(clmis::detail::deadline_due_before(kna.cal, DeadlineUnit::working_days, 0, d("2024-12-25"))) ==
        "2024-12-25");
  CHECK_THROWS_AS(clmis::detail::deadline_due_before(kna.cal, DeadlineUnit::working_days, -1, d("2024-12-25")),
                  clmis::Misuse);
}

TEST_CASE("Deadlines counted back from a date: calendar days are never moved off a weekend", "[deadline][before]") {
  // Suriname's calendar rolls a forward deadline's last day off a non-working day; a deadline
  // counted back is the last day in time, so it stays. 45 days before Wed 2025-03-05: 4 days of
  // March back to Sat 03-01, 28 of February back to Sat 02-01 (32), 13 more back to Sun 01-19.
  Country sur("SUR");
  auto due = clmis::detail::deadline_due_before(sur.cal, DeadlineUnit::calendar_days, 45, d("2025-03-05"));
  CHECK(due_text(due) == "2025-01-19");
  CHECK(due.skipped.empty());
}

TEST_CASE("Deadlines counted back by months: the same day or the month's last", "[deadline][before]") {
  Country kna("KNA");
  auto back = [&](int n, const char* from) {
    return due_text(clmis::detail::deadline_due_before(kna.cal, DeadlineUnit::months, n, d(from)));
  };
  CHECK(back(1, "2025-07-01") == "2025-06-01");
  CHECK(back(1, "2024-05-31") == "2024-04-30");  // April has no 31st: its last day
  CHECK(back(1, "2024-03-31") == "2024-02-29");  // a leap year's February
  CHECK(back(1, "2023-03-31") == "2023-02-28");
  CHECK(back(1, "2025-01-15") == "2024-12-15");  // across the year end
  CHECK(back(12, "2024-02-29") == "2023-02-28");
  CHECK(back(0, "2024-02-29") == "2024-02-29");
}
