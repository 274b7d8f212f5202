// The calendar through the C API: the days of a year, working-day arithmetic, proclamations and
// their refusals.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "standard_c.hpp"
#include "support.hpp"

#include <string>

using clmis::Json;
using test::take;

namespace {

struct Country {
  test::TempDir dir;
  std::string path;
  clmis_db* db = nullptr;
  clmis_session* admin = nullptr;
  explicit Country(const char* iso3) : path(dir.file("c.db")) {
    clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
    o.country = iso3;
    o.admin_password = test::kPassword.c_str();
    REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
    REQUIRE(clmis_login(&admin, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  }
  ~Country() {
    clmis_session_close(&admin);
    clmis_close(&db);
  }
};

}  // namespace

TEST_CASE("C calendar: a year's days, working days with their reasons, proclamations", "[capi][calendar]") {
  Country c("VCT");
  char* out = nullptr;
  REQUIRE(clmis_calendar_json(&out, c.db, 2027, "en") == CLMIS_OK);
  Json cal = take(out);
  // VCT 2027 (data/holidays/VCT.json): Carnival Monday 5 July and Tuesday 6 July are estimates.
  int estimates = 0;
  for (const auto& d : cal)
    if (d["status"] == "estimate") {
      ++estimates;
      CHECK((d["date"] == "2027-07-05" || d["date"] == "2027-07-06"));
    }
  CHECK(estimates == 2);
  REQUIRE(clmis_calendar_pending_json(&out, c.db, 2027) == CLMIS_OK);
  CHECK(take(out).size() == 2);
  // From Friday 2027-07-02, one working day: Mon 5 and Tue 6 (carnival) skipped → Wednesday 7.
  REQUIRE(clmis_calendar_add_days(&out, c.db, "2027-07-02", 1, CLMIS_CALENDAR_WORKING | CLMIS_CALENDAR_EXPLAIN) == CLMIS_OK);
  Json r = take(out);
  CHECK(r["date"] == "2027-07-07");
  CHECK(r["skipped"].size() == 4);  // Sat 3, Sun 4, Mon 5, Tue 6
  // Calendar days do not roll in VCT: 2027-07-02 + 3 = Monday 5 July itself.
  REQUIRE(clmis_calendar_add_days(&out, c.db, "2027-07-02", 3, 0) == CLMIS_OK);
  CHECK(take(out)["date"] == "2027-07-05");
  // The carnival is proclaimed for 12 and 13 July: the days move, and the estimate goes.
  REQUIRE(clmis_calendar_proclaim(&out, c.admin, R"({"date": "2027-07-12", "rule": "carnival_monday", "note": "SRO 20 of 2027"})") == CLMIS_OK);
  r = take(out);
  CHECK(r["working_days_change_from"] == "2027-07-05");
  REQUIRE(clmis_calendar_proclaim(nullptr, c.admin, R"({"date": "2027-07-13", "rule": "carnival_tuesday"})") == CLMIS_OK);
  REQUIRE(clmis_calendar_add_days(&out, c.db, "2027-07-02", 1, CLMIS_CALENDAR_WORKING) == CLMIS_OK);
  CHECK(take(out)["date"] == "2027-07-05");
  REQUIRE(clmis_calendar_working_days(&out, c.db, "2027-07-09", "2027-07-16") == CLMIS_OK);
  CHECK(take(out)["working_days"] == 3);  // Wed 14, Thu 15, Fri 16 (Sat 10, Sun 11, Mon 12, Tue 13 off)
  // Withdrawn, Carnival Tuesday follows the proclaimed Monday again (the day after it): the same
  // day off, now an estimate until its own notice is entered.
  REQUIRE(clmis_calendar_withdraw(&out, c.admin, R"({"rule": "carnival_tuesday", "year": 2027})") == CLMIS_OK);
  r = take(out);
  CHECK(r["removed"] == Json::array());
  CHECK(r["added"] == Json::array());
  REQUIRE(clmis_calendar_json(&out, c.db, 2027, "en") == CLMIS_OK);
  for (const auto& d : take(out))
    if (d["rule"] == "carnival_tuesday") {
      CHECK(d["date"] == "2027-07-13");
      CHECK(d["status"] == "estimate");
    }
}

TEST_CASE("C calendar: bad input gives its code, and nothing changes", "[capi][calendar][errors]") {
  Country c("KNA");
  const std::string before = test::db_hash(c.path);
  char* out = nullptr;
  CHECK(clmis_calendar_json(nullptr, c.db, 2026, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_json(&out, nullptr, 2026, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_json(&out, c.db, 1800, nullptr) == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(clmis_calendar_add_days(&out, c.db, nullptr, 1, 0) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_add_days(&out, c.db, "2026-01-01", 1, 8) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_add_days(&out, c.db, "2026-01-01", -3, CLMIS_CALENDAR_WORKING) == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "days");
  CHECK(clmis_calendar_add_days(&out, c.db, "2026-02-29", 1, 0) == CLMIS_EINVALID);
  CHECK(clmis_calendar_working_days(&out, c.db, "2026-01-01", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_pending_json(&out, c.db, 99999) == CLMIS_EINVALID);
  CHECK(clmis_calendar_proclaim(&out, nullptr, "{}") == CLMIS_EMISUSE);
  CHECK(clmis_calendar_proclaim(&out, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_calendar_proclaim(&out, c.admin, "{not json") == CLMIS_EINVALID);
  CHECK(clmis_calendar_proclaim(&out, c.admin, R"({"date": "2026-08-04", "rule": "culturama"})") == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["rule"] == "code_list");
  CHECK(clmis_calendar_proclaim(&out, c.admin, R"({"date": "2026-08-04", "rule": "sovereigns_birthday"})") == CLMIS_EINVALID);
  CHECK(clmis_calendar_withdraw(&out, c.admin, R"({"rule": "culturama_last_lap", "year": 2026})") == CLMIS_ENOTFOUND);
  CHECK(clmis_calendar_withdraw(&out, c.admin, R"({"year": 2026})") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(test::db_hash(c.path) == before);
}
