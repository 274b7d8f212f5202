// Redundancies (issue 16): the workflow transition by transition, severance per worker computed
// exactly by each country profile's rule (legal parameter "severance") at its bands' edges, its
// minimum service and caps, totals exact to the cent, and bad input. Every expected amount is
// worked out by hand in the comments from the rule the profile cites.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"
#include "workflow/walk.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

struct Country {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db;
  clmis::Session s;
  std::int64_t employer = 0;
  std::string currency;
  explicit Country(const std::string& iso3, std::string cur)
      : db([&] {
          clmis::InitOptions o;
          o.country = iso3;
          o.admin_password = test::kPassword;
          return clmis::Database::init(path, o);
        }()),
        s(db.login("admin", test::kPassword)),
        currency(std::move(cur)) {
    employer = s.create("employer", Json{{"name", "Harbour Marine Ltd"}, {"isic_class", "3011"}});
  }
  static Json worker(int years, int months, const std::string& pay, const std::string& cur) {
    Json w = {{"sex", "F"}, {"years_of_service", years}, {"weekly_pay", {{"amount", pay}, {"currency", cur}}}};
    if (months) w["months_of_service"] = months;
    return w;
  }
  /// The severance of each worker (years, months, weekly pay) and the total, as amounts.
  std::pair<std::vector<std::string>, Json> severance(const std::vector<std::tuple<int, int, std::string>>& ws) {
    Json workers = Json::array();
    for (const auto& [y, m, pay] : ws) workers.push_back(worker(y, m, pay, currency));
    const auto id = s.create("redundancy", Json{{"employer", employer}, {"notice_date", "2025-06-02"},
                                                {"effective_date", "2025-07-01"}, {"reason", "closure"}, {"workers", workers}});
    const Json r = s.get("redundancy", id);
    std::vector<std::string> out;
    for (const auto& w : r["workers"]) out.push_back(w["severance"].is_null() ? "none" : w["severance"]["amount"].get<std::string>());
    return {out, r["severance_total"]};
  }
};

Json money(const std::string& amount, const std::string& cur) { return Json{{"amount", amount}, {"currency", cur}}; }

}  // namespace

TEST_CASE("Severance in Saint Lucia: 2 years' minimum, 1-2-3 weeks by band, a week's pay capped at 350", "[redundancy][severance]") {
  // Labour Act Cap. 16.04 s.160: 1 week a completed year for years 1-3, 2 weeks a year for 4-7,
  // 3 weeks a year after 7, once 2 years are completed; a week's pay at most $350.
  Country c("LCA", "XCD");
  const auto [each, total] = c.severance({
      {1, 11, "300.00"},  // 23 months: under the 2 years → 0.00
      {2, 0, "300.00"},   // 2 × 1 = 2 weeks × 300.00 = 600.00
      {3, 0, "300.00"},   // 3 weeks = 900.00
      {4, 0, "300.00"},   // 3 + 2 = 5 weeks = 1,500.00
      {7, 11, "300.00"},  // completed years only: 7 → 3 + 4×2 = 11 weeks = 3,300.00
      {8, 0, "300.00"},   // 11 + 3 = 14 weeks = 4,200.00
      {10, 0, "350.01"},  // 3 + 8 + 9 = 20 weeks × 350.00 (capped) = 7,000.00
      {10, 0, "349.99"},  // 20 × 349.99 = 6,999.80
  });
  CHECK(each == std::vector<std::string>{"0.00", "600.00", "900.00", "1500.00", "3300.00", "4200.00", "7000.00", "6999.80"});
  // 0 + 600 + 900 + 1,500 + 3,300 + 4,200 + 7,000 + 6,999.80 = 24,499.80
  CHECK(total == money("24499.80", "XCD"));
}

TEST_CASE("Severance in Saint Kitts and Nevis: 2-3-4 weeks by band after a year", "[redundancy][severance]") {
  // Protection of Employment Act s.30 as the Labour Commissioner quoted it: 2 weeks a year up
  // to 5 years, 3 weeks a year for years 6-10, 4 weeks a year after 10; at least 1 year.
  Country c("KNA", "XCD");
  const auto [each, total] = c.severance({
      {0, 11, "500.00"},  // 11 months: none → 0.00
      {1, 0, "500.00"},   // 2 weeks = 1,000.00
      {5, 0, "500.00"},   // 10 weeks = 5,000.00
      {6, 0, "500.00"},   // 10 + 3 = 13 weeks = 6,500.00
      {10, 0, "500.00"},  // 10 + 15 = 25 weeks (the Commissioner's example) = 12,500.00
      {11, 6, "500.00"},  // completed years: 11 → 25 + 4 = 29 weeks = 14,500.00
      {1, 0, "0.05"},     // 2 × 0.05 = 0.10
      {1, 0, "0.10"},     // 2 × 0.10 = 0.20
  });
  CHECK(each == std::vector<std::string>{"0.00", "1000.00", "5000.00", "6500.00", "12500.00", "14500.00", "0.10", "0.20"});
  // 1,000 + 5,000 + 6,500 + 12,500 + 14,500 = 39,500.00, + 0.10 + 0.20 = 39,500.30 (0.1 + 0.2 in
  // binary floating point is 0.30000000000000004: the total is exact cents).
  CHECK(total == money("39500.30", "XCD"));
}

TEST_CASE("Severance in Saint Vincent and the Grenadines: 2-3-4 weeks by band after 2 years", "[redundancy][severance]") {
  // Protection of Employment Act 2003 as amended in 2013 (press reports, unverified): 2 weeks a
  // year for years 1-10, 3 for 11-25, 4 after 25; 2 years to qualify.
  Country c("VCT", "XCD");
  const auto [each, total] = c.severance({
      {1, 11, "400.00"},  // under 2 years → 0.00
      {2, 0, "400.00"},   // 4 weeks = 1,600.00
      {10, 0, "400.00"},  // 20 weeks = 8,000.00
      {11, 0, "400.00"},  // 20 + 3 = 23 weeks = 9,200.00
      {25, 0, "400.00"},  // 20 + 45 = 65 weeks = 26,000.00
      {26, 0, "400.00"},  // 65 + 4 = 69 weeks = 27,600.00
  });
  CHECK(each == std::vector<std::string>{"0.00", "1600.00", "8000.00", "9200.00", "26000.00", "27600.00"});
  CHECK(total == money("72400.00", "XCD"));  // 1,600 + 8,000 + 9,200 + 26,000 + 27,600
}

TEST_CASE("Severance in Trinidad and Tobago: the band reached sets every year's rate", "[redundancy][severance]") {
  // Retrenchment and Severance Benefits Act s.18 as the National Workers Union states it
  // (unverified): 2 weeks' basic wage a year for 1 to 4 years of service, 3 weeks a year once 5
  // are reached; at least a year.
  Country c("TTO", "TTD");
  const auto [each, total] = c.severance({
      {0, 11, "1000.00"},  // under a year → 0.00
      {1, 0, "1000.00"},   // 2 weeks = 2,000.00
      {4, 11, "1000.00"},  // 4 completed years × 2 = 8 weeks = 8,000.00
      {5, 0, "1000.00"},   // 5 × 3 = 15 weeks = 15,000.00
      {10, 0, "1234.57"},  // 30 weeks × 1,234.57 = 37,037.10
  });
  CHECK(each == std::vector<std::string>{"0.00", "2000.00", "8000.00", "15000.00", "37037.10"});
  CHECK(total == money("62037.10", "TTD"));  // 2,000 + 8,000 + 15,000 + 37,037.10
}

TEST_CASE("Severance where the profile has no rule (Suriname): not computed", "[redundancy][severance]") {
  Country c("SUR", "SRD");
  const auto [each, total] = c.severance({{10, 0, "2500.00"}});
  CHECK(each == std::vector<std::string>{"none"});
  CHECK(total.is_null());
}

TEST_CASE("Redundancy workflow: every allowed transition and every refusal leaves the database unchanged", "[redundancy][workflow]") {
  Country c("KNA", "XCD");
  auto& s = c.s;
  // The declared machine, written out by hand from issue 16: notified → consultation → closed.
  test::Machine m;
  m.type = "redundancy";
  m.allowed = {{"consult", {{"notified"}, "consultation"}}, {"close", {{"notified", "consultation"}, "closed"}}};
  m.args = {{"consult", Json{{"effective_date", "2025-06-05"}, {"fields", {{"consultation_date", "2025-06-05"}}}}},
            {"close", Json{{"effective_date", "2025-07-02"}, {"fields", {{"outcome", "paid"}}}}}};
  m.path = {{"notified", {}}, {"consultation", {"consult"}}, {"closed", {"close"}}};
  m.date = "2025-07-03";
  const Json rec = {{"employer", c.employer}, {"notice_date", "2025-06-02"}, {"effective_date", "2025-07-01"},
                    {"reason", "restructuring"}, {"workers", Json::array({Country::worker(3, 0, "450.00", "XCD")})}};
  const auto walked = test::walk_transitions(s, c.path, m, [&] { return s.create("redundancy", rec); });
  CHECK(walked.allowed == 3);
  CHECK(walked.refused == 3);
  auto in_state = [&](const std::string& state) {
    const auto id = s.create("redundancy", rec);
    std::int64_t v = 1;
    for (const auto& t : m.path.at(state)) v = s.transition("redundancy", id, v, t, m.args.at(t));
    return std::pair{id, v};
  };
  const auto& args = m.args;
  // By grant, and for a missing outcome.
  s.user_create(Json{{"name", "stat"}, {"password", "pw-long-stat"}, {"roles", {"statistician"}}, {"must_change_password", false}});
  auto stat = c.db.login("stat", "pw-long-stat");
  // (not a structured binding: C++17 lambdas may not capture those, and clang refuses)
  const auto notified = in_state("notified");
  const auto id = notified.first;
  auto v = notified.second;
  const std::string h = test::db_hash(c.path);
  CHECK_THROWS_AS(stat.transition("redundancy", id, v, "close", args.at("close")), clmis::PermissionDenied);
  CHECK(errors_of([&] { s.transition("redundancy", id, v, "close", Json{{"effective_date", "2025-07-02"}}); }) ==
        Errs{{"outcome", "required"}});
  CHECK(test::db_hash(c.path) == h);
}

TEST_CASE("Redundancies: bad input is refused clearly and changes nothing", "[redundancy][errors]") {
  Country c("LCA", "XCD");
  auto& s = c.s;
  const std::string h = test::db_hash(c.path);
  auto with = [&](Json change) {
    Json j = {{"employer", c.employer}, {"notice_date", "2025-06-02"}, {"effective_date", "2025-07-01"}, {"reason", "closure"},
              {"workers", Json::array({Country::worker(3, 0, "450.00", "XCD")})}};
    for (auto it = change.begin(); it != change.end(); ++it) j[it.key()] = *it;
    return j;
  };
  // Effective before its notice.
  CHECK(errors_of([&] { s.create("redundancy", with({{"effective_date", "2025-05-30"}})); }) ==
        Errs{{"effective_date", "date_order"}});
  // A negative weekly pay.
  CHECK(errors_of([&] {
          s.create("redundancy", with({{"workers", Json::array({Country::worker(3, 0, "-1.00", "XCD")})}}));
        }) == Errs{{"workers[0].weekly_pay", "range"}});
  // Severance entered instead of computed.
  Json w = Country::worker(3, 0, "450.00", "XCD");
  w["severance"] = money("1.00", "XCD");
  CHECK(errors_of([&] { s.create("redundancy", with({{"workers", Json::array({w})}})); }) ==
        Errs{{"workers[0].severance", "read_only"}});
  // Pay in another currency than the rule's cap: the cap cannot apply.
  CHECK(errors_of([&] {
          s.create("redundancy", with({{"workers", Json::array({Country::worker(3, 0, "450.00", "USD")})}}));
        }) == Errs{{"workers[0].weekly_pay", "currency"}});
  // An unknown employer; months over 11.
  CHECK(errors_of([&] { s.create("redundancy", with({{"employer", 999}})); }) == Errs{{"employer", "reference"}});
  CHECK(errors_of([&] {
          s.create("redundancy", with({{"workers", Json::array({Country::worker(3, 12, "450.00", "XCD")})}}));
        }) == Errs{{"workers[0].months_of_service", "range"}});
  CHECK(test::db_hash(c.path) == h);
}

TEST_CASE("Redundancy letters: the acknowledgement lists each worker's severance and the total, in English and Dutch",
          "[redundancy][letters]") {
  Country c("KNA", "XCD");
  // KNA: 10 years → 25 weeks × 500.00 = 12,500.00; 1 year → 2 weeks × 333.33 = 666.66; total
  // 13,166.66.
  const auto id = c.s.create("redundancy", Json{{"employer", c.employer}, {"notice_date", "2025-06-02"},
                                                {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                                {"workers", Json::array({Country::worker(10, 0, "500.00", "XCD"),
                                                                         Country::worker(1, 0, "333.33", "XCD")})}});
  // Words as the text letter wraps them: lines joined with spaces.
  auto flat = [](std::string t) {
    for (auto& ch : t)
      if (ch == '\n') ch = ' ';
    return t;
  };
  const std::string en = flat(c.s.letter("redundancy", id, "redundancy.acknowledgement", "en", "text")["content"]);
  CHECK(en.find("Harbour Marine Ltd") != std::string::npos);
  CHECK(en.find("Workers concerned: 2.") != std::string::npos);
  CHECK(en.find("XCD 12,500.00") != std::string::npos);
  CHECK(en.find("XCD 666.66") != std::string::npos);
  CHECK(en.find("XCD 13,166.66") != std::string::npos);
  const std::string nl = c.s.letter("redundancy", id, "redundancy.acknowledgement", "nl", "text")["content"];
  CHECK(nl.find("Ontvangstbevestiging van uw kennisgeving van afvloeiing") != std::string::npos);
  CHECK(nl.find("XCD 12.500,00") != std::string::npos);
  CHECK(nl.find("XCD 13.166,66") != std::string::npos);
  const std::string st = c.s.letter("redundancy", id, "redundancy.status_statement", "en", "text")["content"];
  CHECK(st.find("Total severance: XCD 13,166.66") != std::string::npos);
}

TEST_CASE("Severance past what an amount can hold is refused, never wrapped", "[redundancy][severance][errors]") {
  Country c("KNA", "XCD");
  const std::string h = test::db_hash(c.path);
  auto create = [&](Json workers) {
    return c.s.create("redundancy", Json{{"employer", c.employer}, {"notice_date", "2025-06-02"},
                                         {"effective_date", "2025-07-01"}, {"reason", "closure"}, {"workers", workers}});
  };
  // 10 years = 25 weeks × the largest weekly pay (2^63 - 1 cents): past 2^63 - 1.
  CHECK(errors_of([&] { create(Json::array({Country::worker(10, 0, "92233720368547758.07", "XCD")})); }) ==
        Errs{{"workers[0].weekly_pay", "range"}});
  // Each worker's 2 weeks × 30,000,000,000,000,000.00 = 6 × 10^18 cents fits; their sum, 1.2 ×
  // 10^19, does not.
  CHECK(errors_of([&] {
          create(Json::array({Country::worker(1, 0, "30000000000000000.00", "XCD"), Country::worker(1, 0, "30000000000000000.00", "XCD")}));
        }) == Errs{{"workers[1].severance", "range"}});
  CHECK(test::db_hash(c.path) == h);
}

namespace {

/// The redundancy's deadlines as deadlines() lists them.
Json notice_of(clmis::Session& s, std::int64_t id) { return s.deadlines("redundancy", id); }

Json workers(int n, const std::string& cur) {
  Json w = Json::array();
  for (int i = 0; i < n; ++i) w.push_back(Country::worker(3, 0, "400.00", cur));
  return w;
}

}  // namespace

TEST_CASE("The redundancy notice in Saint Vincent: a month before it takes effect for five workers or more",
          "[redundancy][deadline][before]") {
  // Protection of Employment Act s.12(3) as the Department of Labour quotes it: the union and the
  // Labour Commissioner are told in writing one month before five or more employees go.
  Country c("VCT", "XCD");
  auto& s = c.s;
  const auto id = s.create("redundancy", Json{{"employer", c.employer}, {"notice_date", "2025-06-02"},
                                              {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                              {"workers", workers(5, "XCD")}});
  // Due a month before 1 July: 1 June. The notice came on 2 June: met, a day late.
  Json d = notice_of(s, id);
  REQUIRE(d.size() == 1);
  CHECK(d[0]["deadline"] == "redundancy.notice");
  CHECK(d[0]["unit"] == "months");
  CHECK(d[0]["length"] == 1);
  CHECK(d[0]["before_field"] == "effective_date");
  CHECK(d[0]["before"] == "2025-07-01");
  CHECK(d[0]["due"] == "2025-06-01");
  CHECK(d[0]["state"] == "met");
  CHECK(d[0]["met_on"] == "2025-06-02");
  CHECK(d[0]["met_late"] == true);
  CHECK(d[0]["verified"] == false);
  // The effective date moves to 2 July: due 2 June, the day of the notice, in time.
  const auto v = s.get("redundancy", id)["version"].get<std::int64_t>();
  s.update("redundancy", id, v, Json{{"effective_date", "2025-07-02"}});
  d = notice_of(s, id);
  CHECK(d[0]["due"] == "2025-06-02");
  CHECK(d[0]["met_late"] == false);
  // How it was counted, with the recount in its events.
  const Json e = s.deadline_explain("redundancy", id, "redundancy.notice");
  CHECK(e["due_counted"] == "2025-06-02");
  REQUIRE(e["events"].size() == 3);
  CHECK(e["events"][0]["event"] == "start");
  CHECK(e["events"][1]["event"] == "meet");
  CHECK(e["events"][2]["event"] == "recompute");
  CHECK(e["events"][2]["due_before"] == "2025-06-01");
  // A met deadline counted back is not paused or extended: it is not running.
  const std::string h = test::db_hash(c.path);
  CHECK_THROWS_AS(s.deadline_change("redundancy", id, "redundancy.notice",
                                    Json{{"action", "extend"}, {"days", 3}, {"reason", "late post"}}),
                  clmis::Conflict);
  CHECK(test::db_hash(c.path) == h);
}

TEST_CASE("The redundancy notice binds from the fifth worker and stops binding below it", "[redundancy][deadline][before]") {
  Country c("VCT", "XCD");
  auto& s = c.s;
  // Four workers: below s.12(3)'s five, no notice deadline.
  const auto id = s.create("redundancy", Json{{"employer", c.employer}, {"notice_date", "2025-05-15"},
                                              {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                              {"workers", workers(4, "XCD")}});
  CHECK(notice_of(s, id) == Json::array());
  // A fifth is added: it binds from the notice date (15 May), in time for 1 June.
  auto v = s.get("redundancy", id)["version"].get<std::int64_t>();
  v = s.update("redundancy", id, v, Json{{"workers", workers(5, "XCD")}});
  Json d = notice_of(s, id);
  REQUIRE(d.size() == 1);
  CHECK(d[0]["started"] == "2025-05-15");
  CHECK(d[0]["due"] == "2025-06-01");
  CHECK(d[0]["state"] == "met");
  CHECK(d[0]["met_late"] == false);
  // Back to four: the deadline no longer binds.
  s.update("redundancy", id, v, Json{{"workers", workers(4, "XCD")}});
  d = notice_of(s, id);
  REQUIRE(d.size() == 1);
  CHECK(d[0]["state"] == "cleared");
  const Json e = s.deadline_explain("redundancy", id, "redundancy.notice");
  CHECK(e["events"].back()["event"] == "clear");
  CHECK(e["events"].back()["reason"] == "no longer applies: workers_affected is below 5");
}

TEST_CASE("The redundancy notice in Trinidad and Tobago: 45 days, and none where the profile gives no period",
          "[redundancy][deadline][before]") {
  Country tto("TTO", "TTD");
  // 45 days before 1 July 2025: 30 days of June back to 1 June, 15 more back to 17 May. The
  // notice of 15 May is in time; one of 19 May is not.
  const auto early = tto.s.create("redundancy", Json{{"employer", tto.employer}, {"notice_date", "2025-05-15"},
                                                     {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                                     {"workers", workers(6, "TTD")}});
  const auto late = tto.s.create("redundancy", Json{{"employer", tto.employer}, {"notice_date", "2025-05-19"},
                                                    {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                                    {"workers", workers(6, "TTD")}});
  CHECK(notice_of(tto.s, early)[0]["due"] == "2025-05-17");
  CHECK(notice_of(tto.s, early)[0]["met_late"] == false);
  CHECK(notice_of(tto.s, late)[0]["met_late"] == true);
  CHECK(notice_of(tto.s, late)[0]["unit"] == "calendar_days");
  // Saint Kitts and Nevis: no statutory period found, so the pack's deadline does not run.
  Country kna("KNA", "XCD");
  const auto id = kna.s.create("redundancy", Json{{"employer", kna.employer}, {"notice_date", "2025-06-02"},
                                                  {"effective_date", "2025-06-03"}, {"reason", "closure"},
                                                  {"workers", workers(9, "XCD")}});
  CHECK(notice_of(kna.s, id) == Json::array());
  const Json schema = kna.s.schema();  // held: a range-for over a temporary's member dangles
  Json dls;
  for (const auto& t : schema["record_types"])
    if (t["name"] == "redundancy") dls = t["workflow"]["deadlines"];
  REQUIRE(dls.size() == 1);
  CHECK(dls[0]["active"] == false);
  CHECK(dls[0]["length"] == nullptr);
  CHECK(dls[0]["before"] == "effective_date");
}
