// Country calendars: the six profiles against data/holidays/<ISO3>.json (the dates worked out
// from the law and checked against an independent library; see data/holidays/README.md),
// invariants over 2020-2035, working-day arithmetic worked out by hand, proclamations and bad
// input.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using clmis::Json;

namespace {

// The six profiles with a holiday calendar (the seven generic ones declare theirs missing:
// tests/api/profiles_test.cpp).
const char* const kCountries[] = {"KNA", "LCA", "VCT", "ATG", "SUR", "TTO"};

Json holiday_file(const std::string& iso3) {
  std::ifstream in(std::string(CLMIS_SOURCE_DIR) + "/data/holidays/" + iso3 + ".json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

clmis::Database country_db(const test::TempDir& dir, const std::string& iso3) {
  clmis::InitOptions o;
  o.country = iso3;
  o.admin_password = test::kPassword;
  return clmis::Database::init(dir.file(iso3 + ".db"), o);
}

using Day = std::pair<std::string, std::string>;  // date, name

std::multiset<Day> file_days(const Json& file, int year) {
  std::multiset<Day> out;
  for (const auto& e : file["dates"])
    if (e["date"].get<std::string>().rfind(std::to_string(year), 0) == 0) out.emplace(e["date"], e["name"]);
  return out;
}

std::multiset<Day> calendar_days(const Json& cal) {
  std::multiset<Day> out;
  for (const auto& d : cal) out.emplace(d["date"], d["name"]);
  return out;
}

/// Easter Sunday by Gauss's algorithm (with its two exceptions), written independently of the
/// library's (Meeus's anonymous Gregorian algorithm).
std::string gauss_easter(int y) {
  const int a = y % 19, b = y % 4, c = y % 7, k = y / 100, p = (13 + 8 * k) / 25, q = k / 4;
  const int M = (15 - p + k - q) % 30, N = (4 + k - q) % 7;
  const int d = (19 * a + M) % 30, e = (2 * b + 4 * c + 6 * d + N) % 7;
  int month = 3, day = 22 + d + e;
  if (d == 29 && e == 6) day = 50;                                     // → 19 April
  else if (d == 28 && e == 6 && (11 * M + 11) % 30 < 19) day = 49;     // → 18 April
  if (day > 31) {
    month = 4;
    day -= 31;
  }
  char buf[32];  // room for any int, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, month, day);
  return buf;
}

std::string plus(const std::string& date, int days) {
  return clmis::format_date(*clmis::parse_date(date) + date::days{days});
}

}  // namespace

TEST_CASE("Easter: Gauss's algorithm in the test agrees with known dates", "[calendar]") {
  // Known Easter Sundays: 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2019-04-21, 2038-04-25.
  CHECK(gauss_easter(2024) == "2024-03-31");
  CHECK(gauss_easter(2025) == "2025-04-20");
  CHECK(gauss_easter(2026) == "2026-04-05");
  CHECK(gauss_easter(2027) == "2027-03-28");
  CHECK(gauss_easter(2019) == "2019-04-21");
  CHECK(gauss_easter(2038) == "2038-04-25");
}

TEST_CASE("Calendars: each profile gives exactly the file's days for 2024-2027, estimates until proclaimed", "[calendar]") {
  for (const char* iso3 : kCountries) {
    INFO(iso3);
    test::TempDir dir;
    auto db = country_db(dir, iso3);
    const Json file = holiday_file(iso3);
    std::map<std::string, std::string> confidence;  // date|name → the file's confidence
    for (const auto& e : file["dates"])
      confidence[e["date"].get<std::string>() + "|" + e["name"].get<std::string>()] = e["confidence"];
    auto admin = db.login("admin", test::kPassword);
    for (int y = 2024; y <= 2027; ++y) {
      INFO(y);
      // Nothing entered: the same days; what a statute fixes is computed, what a notice fixes is
      // proclaimed (shipped with the profile) when the file confirms it, an estimate otherwise.
      const Json before = db.calendar(y, "en");
      CHECK(calendar_days(before) == file_days(file, y));
      for (const auto& d : before) {
        const std::string c = confidence[d["date"].get<std::string>() + "|" + d["name"].get<std::string>()];
        const std::string status = d["status"];
        INFO(d.dump());
        if (status == "computed") CHECK((c == "rule" || c == "pattern"));
        else if (status == "proclaimed") CHECK((c == "declared" || c == "reported"));
        else CHECK((status == "estimate" && (c == "estimate" || c == "pattern")));
        CHECK(d["entered"] == false);
      }
      // The administrator enters each pending rule's date as the file has it.
      const Json pending = db.calendar_pending(y);
      for (const auto& p : pending) {
        std::string date;
        for (const auto& e : file["dates"])
          if (e["rule_id"] == p["rule"] && e["kind"] == "holiday" && e["date"].get<std::string>().rfind(std::to_string(y), 0) == 0)
            date = e["date"];
        REQUIRE_FALSE(date.empty());
        CHECK(p["estimate"] == date);
        admin.proclaim(Json{{"date", date}, {"rule", p["rule"]}, {"note", "the notice of " + std::to_string(y)}});
      }
      CHECK(db.calendar_pending(y).empty());
      const Json after = db.calendar(y, "en");
      CHECK(calendar_days(after) == file_days(file, y));
      for (const auto& d : after) CHECK(d["status"] != "estimate");
    }
  }
}

TEST_CASE("Calendars: the rules hold for 2020-2035 (Easter, substitutes, nothing listed twice)", "[calendar]") {
  for (const char* iso3 : kCountries) {
    INFO(iso3);
    test::TempDir dir;
    auto db = country_db(dir, iso3);
    const Json file = holiday_file(iso3);
    std::map<std::string, int> easter_offset;
    for (const auto& r : file["rules"])
      if (r["type"] == "easter") easter_offset[r["id"]] = r["offset"];
    const bool cascade = file.contains("country_substitution");
    for (int y = 2020; y <= 2035; ++y) {
      INFO(y);
      const Json cal = db.calendar(y, "en");
      std::set<Day> seen;
      std::set<std::string> holiday_dates, substitute_dates;
      for (const auto& d : cal) {
        const bool fresh = seen.insert(Day{d["date"], d["name"]}).second;
        CHECK(fresh);  // no day listed twice
        if (d["kind"] != "substitute" && d["day_off"] == true) holiday_dates.insert(d["date"]);
      }
      for (const auto& d : cal) {
        INFO(d.dump());
        if (d["kind"] == "holiday" && !d["rule"].is_null() && easter_offset.count(d["rule"]) && d["status"] == "computed")
          CHECK(d["date"] == plus(gauss_easter(y), easter_offset[d["rule"]]));
        if (d["kind"] != "substitute") continue;
        const std::string date = d["date"];
        CHECK(substitute_dates.insert(date).second);  // two substitutes never share a day
        CHECK_FALSE(holiday_dates.count(date));       // nor land on another holiday
        CHECK(d["weekday"] != "Sun");
        // A substitute is a working day, except in Trinidad and Tobago, where the Act's "next
        // following day that is not a public holiday" is a Saturday after a Friday coincidence
        // (2018: Good Friday and Spiritual Baptist Day; again in 2029).
        if (d["weekday"] == "Sat") {
          CHECK(cascade);
          const std::string of = d["substitute_for"]["date"];
          CHECK(plus(of, 1) == date);
        }
      }
    }
  }
  // Trinidad and Tobago 2029: Easter is 1 April (Gauss), so Good Friday is Friday 30 March, which
  // is also Spiritual Baptist Day: the substitute is Saturday 31 March, as in 2018.
  test::TempDir dir;
  auto db = country_db(dir, "TTO");
  CHECK(gauss_easter(2029) == "2029-04-01");
  bool found = false;
  for (const auto& d : db.calendar(2029, "en"))
    if (d["date"] == "2029-03-31") {
      found = true;
      CHECK(d["kind"] == "substitute");
      CHECK(d["name"] == "Substitute holiday (Spiritual Baptist/Shouter Liberation Day and Good Friday coincide)");
    }
  CHECK(found);
}

TEST_CASE("Working days across holidays, weekends, year ends and leap days, worked out by hand", "[calendar]") {
  test::TempDir dir;
  auto kna = country_db(dir, "KNA");
  // KNA, from Wednesday 2026-12-23: Thu 24 (1); Fri 25 Christmas; Sat 26 Boxing Day (a Saturday:
  // not moved in KNA); Sun 27; Mon 28 (2); Tue 29 (3); Wed 30 (4); Thu 31 (5).
  CHECK(kna.add_days("2026-12-23", 5)["date"] == "2026-12-31");
  // Across the year's end: Fri 2027-01-01 New Year's Day; Sat 2 Carnival Last Lap (an estimate:
  // 2 January, a Saturday); Sun 3; Mon 4 (6); Tue 5 (7).
  const Json seven = kna.add_days("2026-12-23", 7, true, true);
  CHECK(seven["date"] == "2027-01-05");
  REQUIRE(seven["skipped"].size() == 6);
  CHECK(seven["skipped"][0]["date"] == "2026-12-25");
  CHECK(seven["skipped"][0]["reasons"][0].get<std::string>().rfind("Christmas Day (Public Holidays Act, Cap. 23.23", 0) == 0);
  CHECK(seven["skipped"][1]["reasons"][0] == "Saturday (weekend)");
  CHECK(seven["skipped"][1]["reasons"][1].get<std::string>().rfind("Boxing Day (", 0) == 0);
  CHECK(seven["skipped"][4]["date"] == "2027-01-02");
  CHECK(seven["skipped"][4]["reasons"][1].get<std::string>().find("an estimate until its date is proclaimed") != std::string::npos);
  CHECK(kna.working_days("2026-12-23", "2027-01-05")["working_days"] == 7);
  CHECK(kna.working_days("2027-01-05", "2026-12-23")["working_days"] == -7);
  CHECK(kna.add_days("2026-12-23", 0)["date"] == "2026-12-23");
  // Calendar days in KNA do not roll: 2026-12-18 + 7 = Christmas Day itself.
  CHECK(kna.add_days("2026-12-18", 7, false)["date"] == "2026-12-25");
  // Emancipation Day (first Monday of August) and Culturama Last Lap (the Tuesday after): from
  // Friday 2026-07-31, one working day is Wednesday 5 August.
  CHECK(kna.add_days("2026-07-31", 1)["date"] == "2026-08-05");

  // LCA across a leap day: from Friday 2028-02-25, Mon 28 (1), Tue 29 (2), Wed 1 March (3); no
  // holiday between (Independence Day is 22 February; Easter 2028 is 16 April).
  auto lca = country_db(dir, "LCA");
  CHECK(lca.add_days("2028-02-25", 3)["date"] == "2028-03-01");
  CHECK(lca.working_days("2028-02-25", "2028-03-01")["working_days"] == 3);
  // LCA New Year: 2023-01-01 is a Sunday, 2 January (a holiday) a Monday: New Year's Day moves to
  // Tuesday 3 January. From Friday 2022-12-30, the first working day is Wednesday 4 January.
  CHECK(lca.add_days("2022-12-30", 1)["date"] == "2023-01-04");

  // TTO 2025: Sunday 30 March is Eid-ul-Fitr and Spiritual Baptist Day; Monday 31 (Eid's
  // substitute) and Tuesday 1 April (Spiritual Baptist Day's) are holidays. From Friday 28
  // March: Sat 29, Sun 30, Mon 31, Tue 1 skipped; Wed 2 (1), Thu 3 (2), Fri 4 (3).
  auto tto = country_db(dir, "TTO");
  const Json t = tto.add_days("2025-03-28", 3, true, true);
  CHECK(t["date"] == "2025-04-04");
  REQUIRE(t["skipped"].size() == 4);
  CHECK(t["skipped"][3]["date"] == "2025-04-01");
  CHECK(t["skipped"][3]["reasons"][0].get<std::string>().rfind("Spiritual Baptist/Shouter Liberation Day (substitute) (substitute for 2025-03-30", 0) == 0);

  // ATG, Christmas 2027 on a Saturday and Boxing Day on a Sunday: Monday 27 and Tuesday 28 are
  // their substitutes. From Friday 24 December, one working day is Wednesday 29.
  auto atg = country_db(dir, "ATG");
  CHECK(atg.add_days("2027-12-24", 1)["date"] == "2027-12-29");

  // SUR: a time limit that ends on a day off moves to the next working day (the profile's
  // deadlines_roll_forward). 2025-06-13 + 7 days = Friday 20 June, Boeroe-dag (a one-off day
  // off): Saturday 21 and Sunday 22 follow, so the limit is Monday 23 June.
  auto sur = country_db(dir, "SUR");
  const Json s = sur.add_days("2025-06-13", 7, false, true);
  CHECK(s["date"] == "2025-06-23");
  CHECK(s["rolled_forward"] == true);
  CHECK(s["skipped"].size() == 3);

  // VCT: the one-off election holiday of Friday 2025-11-28 counts: from Thursday 27 November, one
  // working day is Monday 1 December.
  auto vct = country_db(dir, "VCT");
  CHECK(vct.add_days("2025-11-27", 1)["date"] == "2025-12-01");

  // Hours are calendar time.
  CHECK(kna.add_hours("2026-12-24T15:30:00Z", 24) == "2026-12-25T15:30:00Z");
}

TEST_CASE("Proclamations: entered, audited, moving estimates and their substitutes, withdrawn", "[calendar]") {
  test::TempDir dir;
  auto db = country_db(dir, "TTO");
  const std::string f = dir.file("TTO.db");
  auto admin = db.login("admin", test::kPassword);
  // Divali 2026 is an estimate on Sunday 8 November, with its substitute on Monday 9. Proclaimed
  // for Monday 9 November instead: the Sunday and its substitute go, Monday 9 is Divali itself.
  const Json r = admin.proclaim(Json{{"date", "2026-11-09"}, {"rule", "divali"}, {"note", "Notice No. 123 of 2026"}});
  CHECK(r["removed"] == Json::array({Json{{"date", "2026-11-08"}, {"name", "Divali"}},
                                     Json{{"date", "2026-11-09"}, {"name", "Divali (substitute)"}}}));
  CHECK(r["added"] == Json::array({Json{{"date", "2026-11-09"}, {"name", "Divali"}}}));
  CHECK(r["working_days_change_from"].is_null());  // 8 and 9 November were days off before and after
  for (const auto& d : db.calendar(2026, "en"))
    if (d["date"] == "2026-11-09") {
      CHECK(d["status"] == "proclaimed");
      CHECK(d["entered"] == true);
      CHECK(d["source"] == "Notice No. 123 of 2026");
    }
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_audit WHERE action = 'calendar_proclaim'") == "1");
  // A one-off day on a Wednesday changes the working days from that day on.
  const Json o = admin.proclaim(Json{{"date", "2026-12-02"}, {"name", "National Day of Mourning"}});
  CHECK(o["added"] == Json::array({Json{{"date", "2026-12-02"}, {"name", "National Day of Mourning"}}}));
  CHECK(o["working_days_change_from"] == "2026-12-02");
  CHECK(db.add_days("2026-12-01", 1)["date"] == "2026-12-03");
  // Withdrawn: the estimate comes back; the entry is kept, marked withdrawn.
  const Json w = admin.withdraw_proclamation(Json{{"rule", "divali"}, {"year", 2026}});
  CHECK(w["added"].size() == 2);
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_calendar_day WHERE withdrawn_at IS NOT NULL") == "1");
  admin.withdraw_proclamation(Json{{"date", "2026-12-02"}});
  CHECK(db.add_days("2026-12-01", 1)["date"] == "2026-12-02");
  CHECK(test::raw_scalar(f, "SELECT group_concat(action, ',') FROM clmis_audit WHERE action LIKE 'calendar_%'") ==
        "calendar_proclaim,calendar_proclaim,calendar_withdraw,calendar_withdraw");
  // The day after an Antigua general election: a conditional holiday, entered when it happens.
  auto atg = country_db(dir, "ATG");
  auto aa = atg.login("admin", test::kPassword);
  aa.proclaim(Json{{"date", "2028-03-21"}, {"rule", "day_after_general_election"}});
  bool found = false;
  for (const auto& d : atg.calendar(2028, "en")) found = found || (d["date"] == "2028-03-21" && d["rule"] == "day_after_general_election");
  CHECK(found);
}

TEST_CASE("Calendars: bad input is refused with a clear error and changes nothing", "[calendar][errors]") {
  test::TempDir dir;
  auto db = country_db(dir, "SUR");
  const std::string f = dir.file("SUR.db");
  auto admin = db.login("admin", test::kPassword);
  admin.proclaim(Json{{"date", "2026-11-08"}, {"rule", "divali"}});
  const std::string before = test::db_hash(f);
  auto refused = [&](const Json& spec, const std::string& path, const std::string& rule, const std::string& words) {
    INFO(spec.dump());
    try {
      admin.proclaim(spec);
      FAIL("accepted");
    } catch (const clmis::ValidationError& e) {
      REQUIRE_FALSE(e.errors().empty());
      CHECK(e.errors()[0].path == path);
      CHECK(e.errors()[0].rule == rule);
      CHECK_THAT(e.errors()[0].message, Catch::Contains(words));
    }
    CHECK(test::db_hash(f) == before);
  };
  refused(Json{{"date", "2026-05-01"}, {"rule", "labor_day"}}, "rule", "code_list", "no holiday rule \"labor_day\"");
  refused(Json{{"date", "2010-11-05"}, {"rule", "divali"}}, "date", "range", "only in from 2012, not in 2010");
  refused(Json{{"date", "2026-02-30"}, {"rule", "holi"}}, "date", "type", "a date YYYY-MM-DD that exists");
  refused(Json{{"date", "2026-03-03"}}, "rule", "required", "a rule");
  refused(Json{{"date", "2026-03-03"}, {"rule", "holi"}, {"name", "Holi"}}, "name", "required", "not both");
  refused(Json{{"date", "2026-03-03"}, {"name", std::string(201, 'x')}}, "name", "type", "1 to 200 characters");
  refused(Json{{"date", "2026-03-03"}, {"rule", "holi"}, {"when", "now"}}, "when", "unknown_field", "date, rule or name");
  refused(Json{{"date", "1899-03-03"}, {"rule", "holi"}}, "date", "range", "1900 to 2200");
  // Twice for one year: Conflict, naming the entry.
  CHECK_THROWS_WITH(admin.proclaim(Json{{"date", "2026-11-09"}, {"rule", "divali"}}),
                    Catch::Contains("already proclaimed for 2026 (2026-11-08"));
  CHECK_THROWS_AS(admin.withdraw_proclamation(Json{{"rule", "holi"}, {"year", 2026}}), clmis::NotFound);
  // Counting: a negative count, a date that does not exist, a year outside the calendar.
  CHECK_THROWS_WITH(db.add_days("2026-03-03", -1), Catch::Contains("a count of days from 0"));
  CHECK_THROWS_AS(db.add_days("2026-02-30", 1), clmis::ValidationError);
  CHECK_THROWS_AS(db.working_days("2026-01-01", "2026-13-01"), clmis::ValidationError);
  CHECK_THROWS_AS(db.calendar(1899), clmis::ValidationError);
  CHECK_THROWS_AS(db.calendar(2201), clmis::ValidationError);
  CHECK_THROWS_AS(db.add_hours("2026-03-03", 24), clmis::ValidationError);
  CHECK_THROWS_AS(db.add_hours("2026-03-03T00:00:00Z", -1), clmis::ValidationError);
  // Without the code_lists permission: refused, logged, nothing else changes.
  admin.user_create(Json{{"name", "officer1"}, {"password", "officer-pass-1"}, {"roles", {"officer"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  auto officer = db.login("officer1", "officer-pass-1");
  const std::string with_officer = test::db_hash(f);
  CHECK_THROWS_AS(officer.proclaim(Json{{"date", "2026-03-03"}, {"rule", "holi"}}), clmis::PermissionDenied);
  CHECK_THROWS_AS(officer.withdraw_proclamation(Json{{"rule", "divali"}, {"year", 2026}}), clmis::PermissionDenied);
  CHECK(test::db_hash(f) == with_officer);
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_security_log WHERE detail LIKE '%code_lists%'") == "2");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_calendar_day") == "1");
}
