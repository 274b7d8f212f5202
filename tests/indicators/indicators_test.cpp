// The indicator engine (issue 17): strike statistics C1-C5, complaint handling C7, registered job
// seekers D1 at past month ends with ages at those dates, exact rounding, statuses, and bad input.
// Every expected value is worked out by hand in the comments from the records the test makes
// (on the KNA calendar: data/holidays/KNA.json).
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "indicators/disclosure.hpp"
#include "indicators/engine.hpp"
#include "support.hpp"
#include "workflow/office.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

/// The observations of one indicator, by period and cell ("2025" → "eco=I;" → observation).
using Table = std::map<std::string, std::map<std::string, Json>>;

Table table(const Json& answer, const std::string& id) {
  Table out;
  for (const auto& o : answer["observations"]) {
    if (o["indicator"] != id) continue;
    std::string key;
    for (auto it = o["cell"].begin(); it != o["cell"].end(); ++it) key += it.key() + "=" + it->get<std::string>() + ";";
    out[o["period"].get<std::string>()][key] = o;
  }
  return out;
}

std::string value(const Table& t, const std::string& period, const std::string& cell) {
  auto p = t.find(period);
  if (p == t.end()) return "(no period)";
  auto c = p->second.find(cell);
  if (c == p->second.end()) return "(no cell)";
  return c->second["value"].is_null() ? "null/" + c->second["status"].get<std::string>() : c->second["value"].get<std::string>();
}


}  // namespace

TEST_CASE("Strike statistics C1 to C5 by ISIC section worked out on the KNA calendar", "[indicators]") {
  test::Office o;
  // a1, section I, 60 workers, Mon 2025-07-28 to Fri 2025-08-08: 8 working days (the weekend
  // of Aug 2-3, Emancipation Day Mon Aug 4 and Culturama Day Tue Aug 5 not worked) → 480 days.
  o.strike("2025-07-25", "2025-07-28", "2025-08-08", "I", 50, 10);
  // a2, section C, 10 workers, Tue 2025-03-04 to Thu 2025-03-06: 3 working days → 30 days.
  o.strike("2025-03-03", "2025-03-04", "2025-03-06", "C", 10, 0);
  // a3, section I, 60 workers, Mon 2024-12-30 to Fri 2025-01-03: Dec 30 and 31, Jan 3 (New Year's
  // Day and Carnival Day - Last Lap on Jan 1 and 2 not worked) → 3 × 60 = 180; it began in 2024.
  o.strike("2024-12-20", "2024-12-30", "2025-01-03", "I", 60, 0);
  const Json y = o.admin.indicators(Json{{"indicators", {"C1", "C2", "C3", "C5", "C5.duration"}},
                                         {"period", "2024..2025"}, {"by", {"eco"}}});
  const auto c1 = table(y, "C1"), c2 = table(y, "C2"), c3 = table(y, "C3"), c5 = table(y, "C5"), dur = table(y, "C5.duration");
  const auto c4 = table(o.admin.indicators(Json{{"indicators", {"C4"}}, {"period", "2025"}}), "C4");
  // 2025: a1 and a2 began in it.
  CHECK(value(c1, "2025", "") == "2");
  CHECK(value(c1, "2025", "eco=I;") == "1");
  CHECK(value(c1, "2025", "eco=C;") == "1");
  CHECK(value(c2, "2025", "") == "70");        // 60 + 10
  CHECK(value(c3, "2025", "") == "510");       // 480 + 30
  CHECK(value(c3, "2025", "eco=I;") == "480");
  CHECK(value(c3, "2025", "eco=C;") == "30");
  // C5 = C3 / C2: 510 / 70 = 7.2857... → 7.3; I 480 / 60 = 8.0; C 30 / 10 = 3.0.
  CHECK(value(c5, "2025", "") == "7.3");
  CHECK(c5.at("2025").at("")["numerator"] == "510");
  CHECK(c5.at("2025").at("")["denominator"] == "70");
  CHECK(value(c5, "2025", "eco=I;") == "8.0");
  CHECK(value(c5, "2025", "eco=C;") == "3.0");
  // Mean duration, both days counted: a1 Jul 28 to Aug 8 is 12 days, a2 Mar 4 to 6 is 3: 15 / 2.
  CHECK(value(dur, "2025", "") == "7.5");
  CHECK(dur.at("2025").at("")["numerator"] == "15/2");
  // 2024: a3 alone, all its days in the year it began.
  CHECK(value(c1, "2024", "") == "1");
  CHECK(value(c3, "2024", "eco=I;") == "180");
  CHECK(c1.at("2024").count("eco=C;") == 0);  // no action of section C began in 2024
  // C4 needs the employees of the labour force survey: none imported, so O and no value.
  CHECK(value(c4, "2025", "") == "null/O");
  // The sections add up to the total.
  CHECK(value(c3, "2025", "eco=I;") != "(no cell)");
  // By quarter: Q2 2025 has no action: count 0, and C5 (0 / 0) and the mean cannot exist (M).
  const Json q = o.admin.indicators(Json{{"indicators", {"C1", "C5", "C5.duration"}}, {"period", "2025"}, {"freq", "quarter"}});
  CHECK(value(table(q, "C1"), "2025-Q1", "") == "1");
  CHECK(value(table(q, "C1"), "2025-Q2", "") == "0");
  CHECK(value(table(q, "C1"), "2025-Q3", "") == "1");
  CHECK(value(table(q, "C5"), "2025-Q2", "") == "null/M");
  CHECK(value(table(q, "C5.duration"), "2025-Q2", "") == "null/M");
  CHECK(value(table(q, "C5"), "2025-Q3", "") == "8.0");
}

TEST_CASE("Complaint handling C7: clearance, time limits, median duration and settlements", "[indicators]") {
  test::Office o;
  auto close = [&](std::int64_t id, const std::string& on, const std::string& outcome) {
    o.admin.transition("complaint", id, o.admin.get("complaint", id)["version"].get<std::int64_t>(), "close",
                       Json{{"effective_date", on}, {"fields", {{"outcome", outcome}}}});
  };
  // K1 F received Jan 6, closed settled Feb 10 (35 days; due Apr 6: in time).
  // K2 M received Jan 15, closed withdrawn May 1 (106 days; due Apr 15: late).
  // K3 F received Feb 3, open. K4 F received Mar 3, closed settled Mar 13 (10 days, in time).
  const auto k1 = o.complaint("2025-01-06");
  Json k2j = o.complaint_json("2025-01-15");
  k2j["sex"] = "M";
  const auto k2 = o.admin.create("complaint", k2j);
  o.complaint("2025-02-03");
  const auto k4 = o.complaint("2025-03-03");
  close(k1, "2025-02-10", "settled");
  close(k2, "2025-05-01", "withdrawn");
  close(k4, "2025-03-13", "settled");
  const Json y = o.admin.indicators(Json{{"indicators", {"C7.clearance", "C7.in_time", "C7.duration", "C7.settled"}},
                                         {"period", "2025"}, {"by", {"sex"}}});
  // 2025: received 4, closed 3 → 75.0; settled 2 of 3 → 66.666... → 66.7; in time 2 of 3 → 66.7;
  // the median of 35, 106 and 10 days is 35.
  CHECK(value(table(y, "C7.clearance"), "2025", "") == "75.0");
  CHECK(value(table(y, "C7.settled"), "2025", "") == "66.7");
  CHECK(table(y, "C7.settled").at("2025").at("")["numerator"] == "2");
  CHECK(value(table(y, "C7.in_time"), "2025", "") == "66.7");
  CHECK(value(table(y, "C7.duration"), "2025", "") == "35.0");
  // By sex: women closed 2 (K1, K4) of 3 received → 66.7; men 1 of 1 → 100.0; 2 + 1 = 3, the total.
  CHECK(value(table(y, "C7.clearance"), "2025", "sex=F;") == "66.7");
  CHECK(value(table(y, "C7.clearance"), "2025", "sex=M;") == "100.0");
  // Median of an even number: Q1 closed K1 (35) and K4 (10): (10 + 35) / 2 = 22.5.
  const Json q = o.admin.indicators(Json{{"indicators", {"C7.clearance", "C7.duration"}}, {"period", "2025"}, {"freq", "quarter"}});
  CHECK(value(table(q, "C7.duration"), "2025-Q1", "") == "22.5");
  CHECK(table(q, "C7.duration").at("2025-Q1").at("")["numerator"] == "45/2");
  CHECK(value(table(q, "C7.clearance"), "2025-Q1", "") == "50.0");  // 2 closed of 4 received
  // Q2: K2 closed, none received: 1 / 0 cannot exist.
  CHECK(value(table(q, "C7.clearance"), "2025-Q2", "") == "null/M");
  CHECK(table(q, "C7.clearance").at("2025-Q2").at("")["note"] == "the denominator is zero");
  CHECK(value(table(q, "C7.duration"), "2025-Q2", "") == "106.0");
}

TEST_CASE("Registered job seekers at past month ends use the ages at those dates", "[indicators]") {
  test::Office o;
  auto& s = o.admin;
  auto person = [&](const char* sex, const char* born, const char* registered, const char* parish) {
    Json j = {{"registration_date", registered}, {"first_name", "A"}, {"family_name", std::string("B") + born},
              {"sex", sex}, {"date_of_birth", born}};
    if (parish) j["parish"] = parish;
    return s.create("job_seeker", j);
  };
  auto move = [&](std::int64_t id, const char* t, const char* on, Json fields = Json::object()) {
    s.transition("job_seeker", id, s.get("job_seeker", id)["version"].get<std::int64_t>(), t,
                 Json{{"effective_date", on}, {"fields", fields}});
  };
  // P1 F born 2000-03-15: registered 2024-01-10, active Jan 20, closed Aug 5 (23, then 24: 15-24).
  const auto p1 = person("F", "2000-03-15", "2024-01-10", "KN-03");
  move(p1, "activate", "2024-01-20");
  move(p1, "close", "2024-08-05", Json{{"outcome", "found_work_self"}});
  // P2 M born 1999-04-10: registered 2024-02-01 and still registered; 24 until Apr 9, then 25.
  person("M", "1999-04-10", "2024-02-01", "KN-03");
  // P3 M born 1959-05-20: registered 2023-11-01, active 2024-02-01, inactive Jun 10, active
  // again Sep 2; 64 until May 19, 65 from May 20.
  const auto p3 = person("M", "1959-05-20", "2023-11-01", "KN-01");
  move(p3, "activate", "2024-02-01");
  move(p3, "deactivate", "2024-06-10", Json{{"inactive_reason", "training"}});
  move(p3, "reactivate", "2024-09-02");
  // P4 F born 1990-01-01, no parish: registered 2024-03-05, closed Mar 20.
  const auto p4 = person("F", "1990-01-01", "2024-03-05", nullptr);
  move(p4, "close", "2024-03-20", Json{{"outcome", "withdrawn"}});

  const Json m = s.indicators(Json{{"indicators", {"D1.stock", "D1.inflow", "D1.outflow"}}, {"period", "2024"},
                                   {"freq", "month"}, {"by", {"sex", "age", "geo"}}});
  const auto st = table(m, "D1.stock");
  // Jan 31: P1 (23) and P3 (64): 2.
  CHECK(value(st, "2024-01", "") == "2");
  CHECK(value(st, "2024-01", "age=Y15T24;") == "1");
  CHECK(value(st, "2024-01", "age=Y55T64;") == "1");
  // Mar 31: P1 (24), P2 (24), P3 (64); P4 came and went in March: 3.
  CHECK(value(st, "2024-03", "") == "3");
  CHECK(value(st, "2024-03", "age=Y15T24;") == "2");
  // Apr 30: P2 turned 25 on Apr 10: 15-24 has P1 only, 25-34 P2.
  CHECK(value(st, "2024-04", "age=Y15T24;") == "1");
  CHECK(value(st, "2024-04", "age=Y25T34;") == "1");
  CHECK(value(st, "2024-04", "age=Y55T64;") == "1");
  // May 31: P3 turned 65 on May 20.
  CHECK(value(st, "2024-05", "age=Y55T64;") == "(no cell)");
  CHECK(value(st, "2024-05", "age=Y_GE65;") == "1");
  // Summary bands on May 31 (P1 24, P2 25, P3 65), counted from the ages: 15+ all 3, 15-64 P1
  // and P2, 25+ P2 and P3, 25-54 P2.
  CHECK(value(st, "2024-05", "age=Y_GE15;") == "3");
  CHECK(value(st, "2024-05", "age=Y15T64;") == "2");
  CHECK(value(st, "2024-05", "age=Y_GE25;") == "2");
  CHECK(value(st, "2024-05", "age=Y25T54;") == "1");
  // Jun 30: P3 inactive → P1 F and P2 M.
  CHECK(value(st, "2024-06", "") == "2");
  CHECK(value(st, "2024-06", "sex=F;") == "1");
  CHECK(value(st, "2024-06", "age=Y25T34;sex=M;") == "1");
  // Aug 31: P1 closed: P2 alone. Sep 30: P3 active again (65): 2.
  CHECK(value(st, "2024-08", "") == "1");
  CHECK(value(st, "2024-09", "") == "2");
  CHECK(value(st, "2024-09", "age=Y_GE65;") == "1");
  // Inflows: P1 Jan (23), P2 Feb (24), P4 Mar (34; no parish), P3 Sep (65, back from inactive);
  // outflows: P4 Mar, P3 Jun, P1 Aug.
  const auto in = table(m, "D1.inflow"), out = table(m, "D1.outflow");
  CHECK(value(in, "2024-03", "") == "1");
  CHECK(value(in, "2024-03", "age=Y25T34;") == "1");
  CHECK(value(in, "2024-03", "geo=_N;") == "1");
  CHECK(value(in, "2024-09", "age=Y_GE65;") == "1");
  CHECK(value(out, "2024-06", "") == "1");
  CHECK(value(out, "2024-08", "sex=F;") == "1");
  // Every partition adds up to its total, which is counted on its own.
  for (const auto* t : {&st, &in, &out})
    for (const auto& [period, cells] : *t) {
      std::map<std::string, std::int64_t> sums;  // dimension → sum of its partition cells
      for (const auto& [cell, obs] : cells) {
        if (cell.empty() || cell.find(';') != cell.size() - 1) continue;  // one dimension alone
        const std::string dim = cell.substr(0, cell.find('='));
        const std::string code = cell.substr(cell.find('=') + 1, cell.size() - cell.find('=') - 2);
        if (code == "Y_GE15" || code == "Y15T64" || code == "Y_GE25" || code == "Y25T54") continue;  // bands overlap
        sums[dim] += std::stoll(obs["numerator"].get<std::string>());
      }
      const std::int64_t total = std::stoll(cells.at("")["numerator"].get<std::string>());
      for (const auto& [dim, sum] : sums) {
        INFO(period << " " << dim);
        CHECK(sum == total);
      }
    }
  // An analyst's own table: the register on 2024-05-31 by sex and age (every combination), and
  // the entries of 2024 by parish. May 31: P1 F 24, P2 M 25, P3 M 65.
  const Json tab = s.stock(Json{{"type", "job_seeker"}, {"date", "2024-05-31"}, {"states", {"registered", "active"}},
                                {"by", {"sex", "age"}}});
  CHECK(tab["total"] == 3);
  std::map<std::string, std::int64_t> rows;
  for (const auto& r : tab["rows"]) rows[r["cell"]["sex"].get<std::string>() + "/" + r["cell"]["age"].get<std::string>()] = r["count"];
  CHECK(rows == std::map<std::string, std::int64_t>{{"F/Y15T24", 1}, {"M/Y25T34", 1}, {"M/Y_GE65", 1}});
  const Json fl = s.flows(Json{{"type", "job_seeker"}, {"period", "2024"}, {"into", {"registered", "active"}}, {"by", {"geo"}}});
  CHECK(fl["total"] == 4);  // P1, P2 (KN-03), P4 (no parish), P3 back in September (KN-01)
  rows.clear();
  for (const auto& r : fl["rows"]) rows[r["cell"]["geo"].get<std::string>()] = r["count"];
  CHECK(rows == std::map<std::string, std::int64_t>{{"KN-03", 2}, {"KN-01", 1}, {"_N", 1}});
  CHECK(errors_of([&] { (void)s.stock(Json{{"type", "job_seeker"}, {"date", "2024-05-31"}, {"by", {"eco"}}}); }) ==
        Errs{{"by[0]", "code_list"}});
  CHECK(errors_of([&] { (void)s.flows(Json{{"type", "job_seeker"}, {"period", "2024"}}); }) == Errs{{"into", "required"}});
  CHECK(errors_of([&] { (void)s.stock(Json{{"type", "job_seeker"}, {"date", "2024-02-30"}}); }) == Errs{{"date", "type"}});
  // The year: the stock on Dec 31 (P2, P3), inflows 4, outflows 3.
  const Json y = s.indicators(Json{{"indicators", {"D1.stock", "D1.inflow", "D1.outflow"}}, {"period", "2024"}});
  CHECK(value(table(y, "D1.stock"), "2024", "") == "2");
  CHECK(value(table(y, "D1.inflow"), "2024", "") == "4");
  CHECK(value(table(y, "D1.outflow"), "2024", "") == "3");
}

TEST_CASE("Rounding is exact and half-even on ties where binary floating point goes the other way", "[indicators]") {
  using clmis::indicators::Rational;
  using clmis::indicators::round_decimal;
  constexpr auto even = clmis::pack::IndicatorDef::Rounding::half_even;
  constexpr auto up = clmis::pack::IndicatorDef::Rounding::half_up;
  CHECK(round_decimal(Rational(1, 8), 2, even) == "0.12");     // 0.125: 12.5 → 12 (even)
  CHECK(round_decimal(Rational(27, 200), 2, even) == "0.14");  // 0.135: 13.5 → 14 (even)
  CHECK(round_decimal(Rational(1, 8), 2, up) == "0.13");
  // 2.675 is 2.67499999999999982236431605997495353221893310546875 as a double (round(2.675, 2)
  // gives 2.67); exactly it is a tie, and 267.5 → 268.
  CHECK(round_decimal(Rational(107, 40), 2, even) == "2.68");
  CHECK(round_decimal(Rational(-1, 8), 2, even) == "-0.12");
  CHECK(round_decimal(Rational(-1, 1000), 2, even) == "0.00");  // no "-0.00"
  CHECK(round_decimal(Rational(7, 2), 0, even) == "4");
  CHECK(round_decimal(Rational(5, 2), 0, even) == "2");
  CHECK(round_decimal(Rational(1, 3), 6, even) == "0.333333");
  CHECK(round_decimal(Rational(2, 3), 1, even) == "0.7");
  CHECK(round_decimal(Rational(1, 200), 1, even) == "0.0");  // 0.005 → 0.0 (0.05 at 1 place is below the tie)
}

TEST_CASE("Indicators: bad requests are refused clearly and change nothing", "[indicators][errors]") {
  test::Office o;
  auto& s = o.admin;
  o.complaint("2025-01-06");
  // A clerk who reads only the complaints they entered; an officer of another section.
  auto clerk = o.user("clerk1", "data_entry", "industrial_relations");
  auto other = o.user("off2", "officer", "employment_services");
  const std::string h = test::db_hash(o.path);
  auto ask = [&](Json spec) { return errors_of([&] { (void)s.indicators(spec); }); };
  CHECK(ask(Json{{"indicators", {"Z9"}}, {"period", "2025"}}) == Errs{{"indicators[0]", "code_list"}});
  CHECK(ask(Json{{"period", "2025-13"}}) == Errs{{"period", "range"}});
  CHECK(ask(Json{{"period", "2025-Q5"}}) == Errs{{"period", "range"}});
  CHECK(ask(Json{{"period", "2025..2020"}}) == Errs{{"period", "range"}});
  CHECK(ask(Json{{"period", "1899"}}) == Errs{{"period", "range"}});
  CHECK(ask(Json{{"period", "last year"}}) == Errs{{"period", "type"}});
  CHECK(ask(Json::object()) == Errs{{"period", "required"}});
  CHECK(ask(Json{{"period", "2025-01"}, {"freq", "year"}}) == Errs{{"freq", "range"}});
  CHECK(ask(Json{{"period", "2025"}, {"freq", "week"}}) == Errs{{"freq", "code_list"}});
  // C1 has no sex (an action has none); C4 is not monthly.
  CHECK(ask(Json{{"indicators", {"C1"}}, {"period", "2025"}, {"by", {"sex"}}}) == Errs{{"by", "code_list"}});
  CHECK(ask(Json{{"indicators", {"C4"}}, {"period", "2025"}, {"freq", "month"}}) == Errs{{"freq", "code_list"}});
  CHECK(ask(Json{{"period", "2025"}, {"by", {"colour"}}}) == Errs{{"by[0]", "code_list"}});
  CHECK(ask(Json{{"period", "2025"}, {"by", {"sex", "sex"}}}) == Errs{{"by[1]", "unique"}});
  CHECK(ask(Json{{"period", "2025"}, {"format", "csv"}}) == Errs{{"format", "unknown_field"}});
  CHECK(ask(Json{{"period", 2025}}) == Errs{{"period", "type"}});
  // National figures need every record: a clerk reads only their own complaints, an officer of
  // employment services none (an officer of industrial relations reads them all, and may).
  CHECK_THROWS_AS(clerk.indicators(Json{{"indicators", {"C7.clearance"}}, {"period", "2025"}}), clmis::PermissionDenied);
  CHECK_THROWS_AS(other.indicators(Json{{"indicators", {"C7.clearance"}}, {"period", "2025"}}), clmis::PermissionDenied);
  CHECK(test::db_hash(o.path) == h);
}

TEST_CASE("An indicator value explains itself: definition version query and exact parts", "[indicators]") {
  test::Office o;
  o.complaint("2025-01-06");
  const Json e = o.admin.indicator_explain(Json{{"indicator", "C7.clearance"}, {"period", "2025"}});
  CHECK(e["indicator"] == "C7.clearance");
  CHECK(e["version"].get<std::string>().rfind(o.admin.schema()["pack"]["version"].get<std::string>() + "/", 0) == 0);
  CHECK(e["definition"]["kind"] == "ratio");
  CHECK(e["observation"]["numerator"] == "0");    // none closed
  CHECK(e["observation"]["denominator"] == "1");  // one received
  CHECK(e["observation"]["value"] == "0.0");
  CHECK(e["observation"]["records"] == 1);
  CHECK_THAT(e["queries"]["denominator"].get<std::string>(), Catch::Contains("\"date_received\""));
  CHECK_THAT(e["queries"]["denominator"].get<std::string>(), Catch::Contains("r.archived = 0"));
  // The list names every indicator with its version and metadata.
  const Json l = o.admin.indicators_list();
  bool found = false;
  for (const auto& d : l["indicators"])
    if (d["id"] == "C3") {
      found = true;
      CHECK(d["ilostat"] == "STR_DAYS_ECO_NB");
      CHECK(d["dimensions"] == Json{"eco", "geo"});
      CHECK(d["metadata"].contains("definition"));
    }
  CHECK(found);
}

TEST_CASE("A later record type brings its indicator with no engine change: work permits D8 in a test pack", "[indicators]") {
  // The standard pack, with a record type of a later issue (work permits) and its indicator
  // D8 (the approval rate) declared in the indicators file: nothing else changes.
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  test::edit_json(root + "/packs/standard/pack.json", [](Json& j) {
    j["code_lists"].push_back(Json{{"name", "permit_decision"}, {"label", {{"en", "Decision"}}}, {"source", "test"},
                                   {"codes", {{{"code", "approved"}, {"label", {{"en", "Approved"}}}},
                                              {{"code", "refused"}, {"label", {{"en", "Refused"}}}}}}});
    j["record_types"].push_back(Json{
        {"name", "work_permit"},
        {"label", {{"en", "Work permit"}}},
        {"fields", {{{"name", "applied_on"}, {"type", "date"}, {"label", {{"en", "Applied on"}}}, {"required", true}},
                    {{"name", "sex"}, {"type", "code"}, {"code_list", "sex"}, {"label", {{"en", "Sex"}}}},
                    {{"name", "decision"}, {"type", "code"}, {"code_list", "permit_decision"}, {"label", {{"en", "Decision"}}}},
                    {{"name", "decided_on"}, {"type", "date"}, {"label", {{"en", "Decided on"}}}}}}});
  });
  test::edit_json(root + "/packs/standard/indicators.json", [](Json& j) {
    j["dimensions"]["work_permit"] = {{"sex", {{"field", "sex"}}}};
    j["indicators"].push_back(Json{
        {"id", "D8"}, {"group", "D"}, {"name", {{"en", "Work permit approval rate"}}}, {"kind", "ratio"}, {"unit", "percent"},
        {"multiplier", 100}, {"decimals", 1},
        {"numerator", {{"type", "work_permit"}, {"measure", "count"}, {"population", {{"event", "decided_on"}}},
                       {"filter", {{{"field", "decision"}, {"op", "in"}, {"values", {"approved"}}}}}}},
        {"denominator", {{"type", "work_permit"}, {"measure", "count"}, {"population", {{"event", "decided_on"}}},
                         {"filter", {{{"field", "decision"}, {"op", "not_null"}}}}}},
        {"dimensions", {"sex"}}, {"periodicity", {"year"}}, {"agency", "DOL"},
        {"metadata", {{"definition", {{"en", "Approved ÷ decided × 100."}}}, {"source", {{"en", "Work permit register"}}}}}});
  });
  clmis::InitOptions io;
  io.country = "KNA";
  io.admin_password = test::kPassword;
  io.data_dir = root;
  auto db = clmis::Database::init(dir.file("nlad.db"), io);
  auto s = db.login("admin", test::kPassword);
  // 2025: 3 decided (2 approved: F and M; 1 refused: F), 1 not yet decided.
  for (const auto& [sex, decision, on] : std::vector<std::tuple<const char*, const char*, const char*>>{
           {"F", "approved", "2025-02-01"}, {"M", "approved", "2025-03-01"}, {"F", "refused", "2025-04-01"}, {"M", nullptr, nullptr}}) {
    Json j = {{"applied_on", "2025-01-10"}, {"sex", sex}};
    if (decision) j.update({{"decision", decision}, {"decided_on", on}});
    s.create("work_permit", j);
  }
  const auto t = table(s.indicators(Json{{"indicators", {"D8"}}, {"period", "2025"}, {"by", {"sex"}}}), "D8");
  CHECK(value(t, "2025", "") == "66.7");       // 2 / 3 × 100 = 66.666...
  CHECK(value(t, "2025", "sex=F;") == "50.0");  // 1 / 2
  CHECK(value(t, "2025", "sex=M;") == "100.0");  // 1 / 1 (the undecided one is in neither)
}

TEST_CASE("Disclosure control suppresses small cells of a computed table and their partners", "[indicators][disclosure]") {
  test::Office o;
  auto& s = o.admin;
  // Registered in 2025 and still on the register at the year's end: one in KN-01, five in KN-03.
  int n = 0;
  auto person = [&](const char* parish) {
    ++n;
    s.create("job_seeker", Json{{"registration_date", "2025-02-03"}, {"first_name", "A"}, {"family_name", "B" + std::to_string(n)},
                                {"sex", n % 2 ? "F" : "M"}, {"date_of_birth", "1990-01-01"}, {"parish", parish}});
  };
  person("KN-01");
  for (int i = 0; i < 5; ++i) person("KN-03");
  const Json spec = {{"indicators", {"D1.stock"}}, {"period", "2025"}, {"by", {"geo"}}};
  auto open = table(s.indicators(spec), "D1.stock");
  CHECK(value(open, "2025", "geo=KN-01;") == "1");
  // Protected (INDICATORS.md, minimum 3): KN-01's 1 is primary; the line total = KN-01 + KN-03
  // then holds one suppressed cell, so its smallest other non-zero cell, KN-03 (5 < 6), goes too
  // (secondary). The audit: KN-01's feasible range under the published total 6 is [0, 6], which
  // covers its protection interval [max(0, 1 - 3), 1 + 3] = [0, 4]; but KN-03's, [0, 6], is short
  // of its own, [5 - 3, 5 + 3] = [2, 8], and every suppressed cell must reach its interval
  // (INDICATORS.md): the only published cell of the line, the total, goes too (audit): every cell
  // Q, none shown as a number.
  Json p = spec;
  p["protect"] = true;
  auto t = table(s.indicators(p), "D1.stock");
  CHECK(value(t, "2025", "geo=KN-01;") == "null/Q");
  CHECK(value(t, "2025", "geo=KN-03;") == "null/Q");
  CHECK(value(t, "2025", "") == "null/Q");
  CHECK(t.at("2025").at("geo=KN-01;")["note"] == "suppressed (primary)");
  CHECK(t.at("2025").at("geo=KN-03;")["note"] == "suppressed (secondary)");
  CHECK(t.at("2025").at("")["note"] == "suppressed (audit)");
  CHECK(t.at("2025").at("")["numerator"].is_null());  // nothing to subtract from
  // The classical rule (protect_secondary false): only KN-01 needs its interval, and [0, 6]
  // covers [0, 4]: the total is published.
  Json classical = p;
  classical["protect_secondary"] = false;
  t = table(s.indicators(classical), "D1.stock");
  CHECK(value(t, "2025", "geo=KN-01;") == "null/Q");
  CHECK(value(t, "2025", "geo=KN-03;") == "null/Q");
  CHECK(value(t, "2025", "") == "6");
  CHECK(t.at("2025").at("geo=KN-01;")["numerator"].is_null());
  // Two more in KN-01: 3 and 5, nothing unsafe, nothing suppressed.
  person("KN-01");
  person("KN-01");
  t = table(s.indicators(p), "D1.stock");
  CHECK(value(t, "2025", "geo=KN-01;") == "3");
  CHECK(value(t, "2025", "") == "8");
  // With sex and age too (sex × each, the age bands linked to their partitions): a pattern is
  // found, every suppressed cell has no value, and no cell of 0 records exists to suppress.
  p["by"] = {"sex", "age", "geo"};
  const Json all = s.indicators(p);
  int suppressed = 0;
  for (const auto& ob : all["observations"]) {
    if (ob["status"] == "Q") {
      ++suppressed;
      CHECK(ob["value"].is_null());
    } else {
      CHECK(ob["value"].is_string());
    }
  }
  CHECK(suppressed > 0);  // sex × geo has cells of 1 and 2
  CHECK(errors_of([&] { (void)s.indicators(Json{{"period", "2025"}, {"protect", "yes"}}); }) == Errs{{"protect", "type"}});
  CHECK(errors_of([&] { (void)s.indicators(Json{{"period", "2025"}, {"min_count", 0}}); }) == Errs{{"min_count", "range"}});
  CHECK(errors_of([&] { (void)s.indicators(Json{{"period", "2025"}, {"protect_secondary", 1}}); }) ==
        Errs{{"protect_secondary", "type"}});
}

TEST_CASE("Disclosure control links a flow's months quarters and year so that no grain recovers another's cell", "[indicators][disclosure]") {
  test::Office o;
  auto& s = o.admin;
  // Registrations (D1.inflow) in 2025 by parish: January KN-01 1 and KN-03 5; February KN-01 4
  // and KN-03 4; none later. Every period's own table: January {6: 1 + 5}, February {8: 4 + 4},
  // Q1 {14: 5 + 9}, the year {14: 5 + 9}, every other month and quarter {0: 0 + 0}.
  int n = 0;
  auto person = [&](const char* parish, const char* day) {
    ++n;
    s.create("job_seeker", Json{{"registration_date", day}, {"first_name", "A"}, {"family_name", "L" + std::to_string(n)},
                                {"sex", "F"}, {"date_of_birth", "1990-01-01"}, {"parish", parish}});
  };
  person("KN-01", "2025-01-10");
  for (int i = 0; i < 5; ++i) person("KN-03", "2025-01-20");
  for (int i = 0; i < 4; ++i) person("KN-01", "2025-02-10");
  for (int i = 0; i < 4; ++i) person("KN-03", "2025-02-20");
  auto ask = [&](const char* freq, bool strict = false) {
    Json spec = {{"indicators", {"D1.inflow"}}, {"period", "2025"}, {"freq", freq}, {"by", {"geo"}}, {"protect", true}};
    spec["protect_secondary"] = strict;
    return table(s.indicators(spec), "D1.inflow");
  };
  const std::vector<std::string> periods = {"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
                                            "2025-09", "2025-10", "2025-11", "2025-12", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"};
  const std::vector<std::string> cells = {"", "geo=KN-01;", "geo=KN-03;"};
  // The true values, by hand (above).
  auto truth = [&](const std::string& period, size_t c) -> std::int64_t {
    const std::int64_t jan[] = {6, 1, 5}, feb[] = {8, 4, 4}, q1[] = {14, 5, 9};
    if (period == "2025-01") return jan[c];
    if (period == "2025-02") return feb[c];
    if (period == "2025-Q1" || period == "2025") return q1[c];
    return 0;
  };
  // An independent problem, written here: each period's total = KN-01 + KN-03; each quarter's
  // cell = its three months'; the year's = its four quarters'.
  namespace ci = clmis::indicators;
  ci::Problem pb;
  auto idx = [&](size_t period, size_t c) { return period * 3 + c; };
  for (size_t p = 0; p < periods.size(); ++p)
    for (size_t c = 0; c < 3; ++c) pb.cells.push_back(ci::Cell::count(truth(periods[p], c)));
  for (size_t p = 0; p < periods.size(); ++p) pb.constraints.push_back({idx(p, 0), {idx(p, 1), idx(p, 2)}});
  for (size_t c = 0; c < 3; ++c) {
    for (size_t q = 0; q < 4; ++q) pb.constraints.push_back({idx(12 + q, c), {idx(3 * q, c), idx(3 * q + 1, c), idx(3 * q + 2, c)}});
    pb.constraints.push_back({idx(16, c), {idx(12, c), idx(13, c), idx(14, c), idx(15, c)}});
  }
  // The three releases (by month, by quarter, the year) together: which cells are suppressed,
  // each published one checked against the truth, and each suppressed one's feasible range under
  // every published cell of the three: a primary cell's (with strict: every one's) covers its
  // protection interval [max(0, v - 3), v + 3]; any other is at least not known exactly.
  auto check = [&](bool strict) {
    const auto by_month = ask("month", strict), by_quarter = ask("quarter", strict), by_year = ask("year", strict);
    std::map<std::string, const Table*> grain = {{"month", &by_month}, {"quarter", &by_quarter}, {"year", &by_year}};
    std::vector<bool> suppressed(pb.cells.size(), false), primary(pb.cells.size(), false);
    for (size_t p = 0; p < periods.size(); ++p) {
      const Table& t = *grain[p < 12 ? "month" : p < 16 ? "quarter" : "year"];
      for (size_t c = 0; c < 3; ++c) {
        const std::string v = value(t, periods[p], cells[c]);
        if (truth(periods[p], c) == 0) {
          // zeros are never suppressed; a period's total is always published, a partition only
          // when a record is in it
          CHECK(v == (c == 0 ? "0" : "(no cell)"));
          continue;
        }
        if (v == "null/Q") {
          suppressed[idx(p, c)] = true;
          primary[idx(p, c)] = t.at(periods[p]).at(cells[c])["note"] == "suppressed (primary)";
        } else {
          CHECK(v == std::to_string(truth(periods[p], c)));
        }
      }
    }
    for (size_t i = 0; i < pb.cells.size(); ++i) {
      if (!suppressed[i]) continue;
      const auto r = ci::feasible_range(pb, suppressed, i);
      const std::int64_t v = pb.cells[i].value;
      INFO(periods[i / 3] << " " << cells[i % 3] << " = " << v << ": [" << r.lower << ", " << (r.upper ? std::to_string(*r.upper) : "inf") << "]");
      if (strict || primary[i]) {
        CHECK(r.lower <= std::max<std::int64_t>(0, v - 3));
        CHECK((!r.upper || *r.upper >= v + 3));
      } else {
        CHECK((!r.upper || r.lower < *r.upper));
      }
    }
    CHECK(ask("month", strict) == by_month);  // the same request twice, the same pattern
    std::vector<size_t> got;
    for (size_t i = 0; i < pb.cells.size(); ++i)
      if (suppressed[i]) got.push_back(i);
    return got;
  };
  // Each table protected alone would suppress January's KN-01 (primary) and KN-03 (its partner)
  // and nothing of February (4, 4, 8), Q1 or the year (5, 9, 14 are all at least 3): then the
  // year's KN-01 5 less February's 4 gives January's 1 back. Linked, the line rule: January's
  // line {6; 1, 5} holds one, its smallest other cell is KN-03 (5); the column {Q1 5; Jan 1, Feb
  // 4, Mar 0} holds one, its smallest is February's KN-01 (4); then February's line {8; 4, 4}
  // holds one: KN-03 (4, the lower index of the two 4s being KN-01's, already taken). Every line
  // then holds 0 or 2. The audit: January's KN-01 = a gives Jan KN-03 = 6 - a, Feb KN-01 =
  // 5 - a, Feb KN-03 = 8 - (5 - a) = 3 + a (and Q1's KN-03 = 6 - a + 3 + a = 9 holds): a in
  // [0, 5], which covers [0, 4]. The totals, Q1 and the year stay published.
  const std::vector<size_t> expected = {idx(0, 1), idx(0, 2), idx(1, 1), idx(1, 2)};
  CHECK(check(false) == expected);
  const auto by_month = ask("month", false);
  CHECK(by_month.at("2025-01").at("geo=KN-01;")["note"] == "suppressed (primary)");
  // The pattern is recorded with the computation: one problem (the calendar year), its 17
  // periods in order, and each suppressed value with its reason and feasible range, worked out
  // above with a in [0, 5]: Jan KN-03 = 6 - a in [1, 6], Feb KN-01 = 5 - a in [0, 5], Feb KN-03
  // = 3 + a in [3, 8].
  Json spec = {{"indicators", {"D1.inflow"}}, {"period", "2025"}, {"freq", "month"}, {"by", {"geo"}}, {"protect", true},
               {"protect_secondary", false}};
  const Json answer = s.indicators(spec);
  REQUIRE(answer["disclosure"].size() == 1);
  const Json& rec = answer["disclosure"][0];
  CHECK(rec["indicator"] == "D1.inflow");
  CHECK(rec["periods"] == Json(periods));
  CHECK(rec["options"]["protect_secondary"] == false);
  CHECK(rec["options"]["min_count"] == 3);
  CHECK(rec["suppressed_count"] == 4);
  const Json expected_record = Json::parse(R"([
    {"period": "2025-01", "cell": {"geo": "KN-01"}, "reason": "primary", "lower": 0, "upper": 5},
    {"period": "2025-01", "cell": {"geo": "KN-03"}, "reason": "secondary", "lower": 1, "upper": 6},
    {"period": "2025-02", "cell": {"geo": "KN-01"}, "reason": "secondary", "lower": 0, "upper": 5},
    {"period": "2025-02", "cell": {"geo": "KN-03"}, "reason": "secondary", "lower": 3, "upper": 8}])");
  CHECK(rec["suppressed"] == expected_record);
  CHECK(rec.dump().find("\"value\"") == std::string::npos);  // no value in the record
  Json json_export = spec;
  json_export["format"] = "json";
  CHECK(Json::parse(s.indicators_export(json_export))["disclosure"] == answer["disclosure"]);  // the JSON file carries it
  spec.erase("protect");
  spec.erase("protect_secondary");
  CHECK_FALSE(s.indicators(spec).contains("disclosure"));  // nothing protected, nothing recorded
  CHECK(by_month.at("2025-02").at("geo=KN-01;")["note"] == "suppressed (secondary)");
  // Every suppressed cell protected (protect_secondary, the default): more goes, and every range
  // holds.
  CHECK(check(true).size() > expected.size());
  // A stock needs no link: the quarter's stock is its last month's, the same table, the same pattern.
  const auto stock_m = table(s.indicators(Json{{"indicators", {"D1.stock"}}, {"period", "2025"}, {"freq", "month"}, {"by", {"geo"}}, {"protect", true}}), "D1.stock");
  const auto stock_q = table(s.indicators(Json{{"indicators", {"D1.stock"}}, {"period", "2025"}, {"freq", "quarter"}, {"by", {"geo"}}, {"protect", true}}), "D1.stock");
  for (const auto& c : cells) {
    CHECK(value(stock_m, "2025-03", c) == value(stock_q, "2025-Q1", c));
    CHECK(value(stock_m, "2025-12", c) == value(stock_q, "2025-Q4", c));
  }
  CHECK(value(stock_m, "2025-01", "geo=KN-01;") == "null/Q");  // January's stock: 1 and 5, as its inflows
}

TEST_CASE("Disclosure control of a sum links its months to the quarter with the quarter's two largest contributions", "[indicators][disclosure]") {
  test::Office o;
  // Workers involved (C2, a sum: the p% rule, p = 10) in strikes that began in 2025: January one
  // of 100 workers; February two, of 90 and 5. Every contribution is one strike.
  o.strike("2025-01-02", "2025-01-06", "2025-01-07", "I", 100, 0);
  o.strike("2025-02-03", "2025-02-04", "2025-02-05", "I", 90, 0);
  o.strike("2025-02-10", "2025-02-11", "2025-02-12", "I", 5, 0);
  auto ask = [&](const char* freq) {
    return o.admin.indicators(Json{{"indicators", {"C2"}}, {"period", "2025"}, {"freq", freq}, {"protect", true}});
  };
  const Json months = ask("month"), quarters = ask("quarter"), year = ask("year");
  // By the p% rule (unsafe when total - largest - second < 10 % of the largest, in integers):
  // January 100 - 100 - 0 = 0 < 10; February 95 - 90 - 5 = 0 < 9; Q1 and the year, added up from
  // the months with the largest two of all their contributions (100 and 90, not February's 90
  // and 5): 195 - 100 - 90 = 5 < 10. All four are primary; every other month and quarter is a
  // published zero.
  const auto m = table(months, "C2"), q = table(quarters, "C2"), a = table(year, "C2");
  for (const auto& [t, period] : std::vector<std::pair<const Table*, std::string>>{{&m, "2025-01"}, {&m, "2025-02"}, {&q, "2025-Q1"}, {&a, "2025"}}) {
    INFO(period);
    CHECK(value(*t, period, "") == "null/Q");
    CHECK(t->at(period).at("")["note"] == "suppressed (primary)");
  }
  CHECK(value(m, "2025-03", "") == "0");
  CHECK(value(q, "2025-Q2", "") == "0");
  // With every non-zero value suppressed, nothing published bounds them: each range is [0, none).
  REQUIRE(months["disclosure"].size() == 1);
  const Json& rec = months["disclosure"][0];
  CHECK(rec["suppressed_count"] == 4);
  for (const auto& e : rec["suppressed"]) {
    CHECK(e["reason"] == "primary");
    CHECK(e["lower"] == 0);
    CHECK(e["upper"].is_null());
  }
  // Unprotected, the values: 100, 95 and 195.
  const auto open = table(o.admin.indicators(Json{{"indicators", {"C2"}}, {"period", "2025"}, {"freq", "quarter"}}), "C2");
  CHECK(value(open, "2025-Q1", "") == "195");
}

TEST_CASE("Survey indicators from imported ILOSTAT series: rates from levels and the inactivity formula", "[indicators][series]") {
  test::Office o;
  auto& s = o.admin;
  // The statistics office's 2024 levels, in thousands (ILOSTAT's _NB levels): working-age
  // population 40.000 (M 20.000, F 20.000; 15-24: 8.000), labour force 26.000 (M 14.000, F
  // 12.000; 15-24: 5.000), unemployed 2.600 (M 1.300, F 1.300; 15-24: 1.000).
  const std::string csv =
      "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,40.000,,,,\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2024,20.000,,,,\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2024,20.000,,,,\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_Y15-24,,2024,8.000,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,26.000,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2024,14.000,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2024,12.000,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_Y15-24,,2024,5.000,,,,\n"
      "KNA,BA:1,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,2.600,,,,\n"
      "KNA,BA:1,UNE_TUNE_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2024,1.300,,,,\n"
      "KNA,BA:1,UNE_TUNE_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2024,1.300,,,,\n"
      "KNA,BA:1,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_Y15-24,,2024,1.000,,,,\n";
  (void)s.series_import(csv, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  const Json y = s.indicators(Json{{"indicators", {"A1", "A9", "A14"}}, {"period", "2024"}, {"by", {"sex", "age"}}});
  const auto a1 = table(y, "A1"), a9 = table(y, "A9"), a14 = table(y, "A14");
  // A9: 2,600 / 26,000 × 100 = 10.0 (the total of a survey is its 15+); men 1,300 / 14,000 =
  // 9.2857... → 9.3; women 1,300 / 12,000 = 10.833... → 10.8; youth 1,000 / 5,000 = 20.0.
  CHECK(value(a9, "2024", "") == "10.0");
  CHECK(a9.at("2024").at("")["numerator"] == "2600");
  CHECK(a9.at("2024").at("")["denominator"] == "26000");
  CHECK(value(a9, "2024", "sex=M;") == "9.3");
  CHECK(value(a9, "2024", "sex=F;") == "10.8");
  CHECK(value(a9, "2024", "age=Y15T24;") == "20.0");
  CHECK(value(a9, "2024", "age=Y_GE15;") == "10.0");
  CHECK(value(a9, "2024", "age=Y25T34;") == "null/O");  // not in the series
  // A1: 26,000 / 40,000 = 65.0; youth 5,000 / 8,000 = 62.5. A14 = (40,000 - 26,000) / 40,000 ×
  // 100 = 35.0; youth (8,000 - 5,000) / 8,000 × 100 = 37.5.
  CHECK(value(a1, "2024", "") == "65.0");
  CHECK(value(a1, "2024", "age=Y15T24;") == "62.5");
  CHECK(value(a14, "2024", "") == "35.0");
  CHECK(value(a14, "2024", "age=Y15T24;") == "37.5");
  // A quarter takes the year's value, marked estimated.
  const auto q = table(s.indicators(Json{{"indicators", {"A9"}}, {"period", "2024-Q2"}}), "A9");
  CHECK(value(q, "2024-Q2", "") == "10.0");
  CHECK(q.at("2024-Q2").at("")["status"] == "E");
  // 2023: nothing imported for it.
  CHECK(value(table(s.indicators(Json{{"indicators", {"A9"}}, {"period", "2023"}}), "A9"), "2023", "") == "null/O");
}

TEST_CASE("Youth unemployment A10 its youth-to-adult ratio and labour underutilisation A13 from summed series", "[indicators][series]") {
  test::Office o;
  auto& s = o.admin;
  // The statistics office's 2024 levels, in thousands. Labour force 26.000 (M 14.000, F 12.000):
  // 15-24 5.000 (M 2.800, F 2.200), 25+ 21.000 (M 11.200, F 9.800). Unemployed 2.600 (M 1.300,
  // F 1.300): 15-24 1.000 (M 0.550, F 0.450), 25+ 1.600 (M 0.750, F 0.850). Time-related
  // underemployed 1.300 (M 0.500, F 0.800) and potential labour force 1.400 (M 0.600, F 0.800),
  // 15+ only. (Values under one thousand, "0.550", were once read as octal: 360 people, and
  // "0.800" refused.)
  std::string csv = "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n";
  auto row = [&](const char* code, const char* sex, const char* age, const char* v) {
    csv += std::string("KNA,BA:1,") + code + "," + sex + ",AGE_YTHADULT_" + age + ",,2024," + v + ",,,,\n";
  };
  row("EAP_TEAP_SEX_AGE_NB", "SEX_T", "YGE15", "26.000"), row("EAP_TEAP_SEX_AGE_NB", "SEX_M", "YGE15", "14.000");
  row("EAP_TEAP_SEX_AGE_NB", "SEX_F", "YGE15", "12.000"), row("EAP_TEAP_SEX_AGE_NB", "SEX_T", "Y15-24", "5.000");
  row("EAP_TEAP_SEX_AGE_NB", "SEX_M", "Y15-24", "2.800"), row("EAP_TEAP_SEX_AGE_NB", "SEX_F", "Y15-24", "2.200");
  row("EAP_TEAP_SEX_AGE_NB", "SEX_T", "YGE25", "21.000"), row("EAP_TEAP_SEX_AGE_NB", "SEX_M", "YGE25", "11.200");
  row("EAP_TEAP_SEX_AGE_NB", "SEX_F", "YGE25", "9.800");
  row("UNE_TUNE_SEX_AGE_NB", "SEX_T", "YGE15", "2.600"), row("UNE_TUNE_SEX_AGE_NB", "SEX_M", "YGE15", "1.300");
  row("UNE_TUNE_SEX_AGE_NB", "SEX_F", "YGE15", "1.300"), row("UNE_TUNE_SEX_AGE_NB", "SEX_T", "Y15-24", "1.000");
  row("UNE_TUNE_SEX_AGE_NB", "SEX_M", "Y15-24", "0.550"), row("UNE_TUNE_SEX_AGE_NB", "SEX_F", "Y15-24", "0.450");
  row("UNE_TUNE_SEX_AGE_NB", "SEX_T", "YGE25", "1.600"), row("UNE_TUNE_SEX_AGE_NB", "SEX_M", "YGE25", "0.750");
  row("UNE_TUNE_SEX_AGE_NB", "SEX_F", "YGE25", "0.850");
  row("TRU_TTRU_SEX_AGE_NB", "SEX_T", "YGE15", "1.300"), row("TRU_TTRU_SEX_AGE_NB", "SEX_M", "YGE15", "0.500");
  row("TRU_TTRU_SEX_AGE_NB", "SEX_F", "YGE15", "0.800");
  row("EIP_WPLF_SEX_AGE_NB", "SEX_T", "YGE15", "1.400"), row("EIP_WPLF_SEX_AGE_NB", "SEX_M", "YGE15", "0.600");
  row("EIP_WPLF_SEX_AGE_NB", "SEX_F", "YGE15", "0.800");
  (void)s.series_import(csv, Json{{"format", "ilostat"}, {"agency", "NSO"}});

  const Json y = s.indicators(Json{{"indicators", {"A10", "A10.adult", "A10.ratio"}}, {"period", "2024"}, {"by", {"sex"}}});
  const auto a10 = table(y, "A10"), adult = table(y, "A10.adult"), ratio = table(y, "A10.ratio");
  // A10 (cells published at age 15-24): 1,000 / 5,000 × 100 = 20.0; men 550 / 2,800 × 100 =
  // 19.64... → 19.6; women 450 / 2,200 × 100 = 20.45... → 20.5.
  CHECK(value(a10, "2024", "age=Y15T24;") == "20.0");
  CHECK(value(a10, "2024", "age=Y15T24;sex=M;") == "19.6");
  CHECK(value(a10, "2024", "age=Y15T24;sex=F;") == "20.5");
  CHECK(a10.at("2024").at("age=Y15T24;sex=M;")["numerator"] == "550");
  CHECK(a10.at("2024").at("age=Y15T24;sex=M;")["denominator"] == "2800");
  CHECK(a10.at("2024").count("") == 0);  // never a cell at every age
  // 25+: 1,600 / 21,000 × 100 = 7.619... → 7.6; men 750 / 11,200 = 6.696... → 6.7; women
  // 850 / 9,800 = 8.673... → 8.7.
  CHECK(value(adult, "2024", "age=Y_GE25;") == "7.6");
  CHECK(value(adult, "2024", "age=Y_GE25;sex=M;") == "6.7");
  CHECK(value(adult, "2024", "age=Y_GE25;sex=F;") == "8.7");
  // The ratio of the unrounded rates: (1,000 / 5,000) / (1,600 / 21,000) = 0.2 × 13.125 = 2.625
  // exactly, a tie → 2.62 (half-even); men (550 / 2,800) / (750 / 11,200) = 2,200 / 750 =
  // 2.933... → 2.93; women (450 / 2,200) / (850 / 9,800) = 441 / 187 = 2.3582... → 2.36 (the
  // rounded rates would give 20.5 / 8.7 = 2.356... → 2.36 too, and 20.0 / 7.6 = 2.63 for the total).
  CHECK(value(ratio, "2024", "") == "2.62");
  CHECK(ratio.at("2024").at("")["numerator"] == "21/8");
  CHECK(value(ratio, "2024", "sex=M;") == "2.93");
  CHECK(value(ratio, "2024", "sex=F;") == "2.36");
  // A10 has no age breakdown (its age is fixed), and explain takes its cell with or without it.
  CHECK(errors_of([&] { (void)s.indicators(Json{{"indicators", {"A10"}}, {"period", "2024"}, {"by", {"age"}}}); }) ==
        Errs{{"by", "code_list"}});
  CHECK(s.indicator_explain(Json{{"indicator", "A10"}, {"period", "2024"}, {"cell", {{"sex", "F"}}}})["observation"]["value"] == "20.5");
  CHECK(s.indicator_explain(Json{{"indicator", "A10"}, {"period", "2024"}, {"cell", {{"sex", "F"}, {"age", "Y15T24"}}}})["observation"]["value"] ==
        "20.5");
  CHECK(errors_of([&] { (void)s.indicator_explain(Json{{"indicator", "A10"}, {"period", "2024"}, {"cell", {{"age", "Y_GE25"}}}}); }) ==
        Errs{{"cell.age", "code_list"}});

  const Json u = s.indicators(Json{{"indicators", {"A13.lu2", "A13.lu3", "A13.lu4"}}, {"period", "2024"}, {"by", {"sex", "age"}}});
  const auto lu2 = table(u, "A13.lu2"), lu3 = table(u, "A13.lu3"), lu4 = table(u, "A13.lu4");
  // LU2 = (U + TRU) / LF: (2,600 + 1,300) / 26,000 = 15.0; men 1,800 / 14,000 = 12.857... →
  // 12.9; women 2,100 / 12,000 = 17.5.
  CHECK(value(lu2, "2024", "") == "15.0");
  CHECK(lu2.at("2024").at("")["numerator"] == "3900");
  CHECK(value(lu2, "2024", "sex=M;") == "12.9");
  CHECK(value(lu2, "2024", "sex=F;") == "17.5");
  // LU3 = (U + PLF) / (LF + PLF): 4,000 / 27,400 = 14.598... → 14.6; men 1,900 / 14,600 =
  // 13.01... → 13.0; women 2,100 / 12,800 = 16.40625 → 16.4.
  CHECK(value(lu3, "2024", "") == "14.6");
  CHECK(lu3.at("2024").at("")["denominator"] == "27400");
  CHECK(value(lu3, "2024", "sex=M;") == "13.0");
  CHECK(value(lu3, "2024", "sex=F;") == "16.4");
  // LU4 = (U + TRU + PLF) / (LF + PLF): 5,300 / 27,400 = 19.343... → 19.3; men 2,400 / 14,600 =
  // 16.438... → 16.4; women 2,900 / 12,800 = 22.65625 → 22.7.
  CHECK(value(lu4, "2024", "") == "19.3");
  CHECK(lu4.at("2024").at("")["numerator"] == "5300");
  CHECK(value(lu4, "2024", "sex=M;") == "16.4");
  CHECK(value(lu4, "2024", "sex=F;") == "22.7");
  // Youth: TRU and PLF have no 15-24 value, so the sums have none (O, naming the series).
  CHECK(value(lu2, "2024", "age=Y15T24;") == "null/O");
  CHECK(lu4.at("2024").at("age=Y15T24;")["note"] == "no value of UNE_TUNE_SEX_AGE_NB + TRU_TTRU_SEX_AGE_NB + EIP_WPLF_SEX_AGE_NB for 2024");
  // 2023: nothing imported.
  CHECK(value(table(s.indicators(Json{{"indicators", {"A10.ratio"}}, {"period", "2023"}}), "A10.ratio"), "2023", "") == "null/M");
  // Progress: the ratio alone computes its two arguments first (3 in all), and only it is published.
  std::vector<std::string> steps;
  const Json r = s.indicators(Json{{"indicators", {"A10.ratio"}}, {"period", "2024"}},
                              [&](std::size_t done, std::size_t total, const std::string& id) {
                                steps.push_back(std::to_string(done) + "/" + std::to_string(total) + " " + id);
                              });
  CHECK(steps == std::vector<std::string>{"1/3 A10", "2/3 A10.adult", "3/3 A10.ratio"});
  REQUIRE(r["observations"].size() == 1);
  CHECK(r["observations"][0]["value"] == "2.62");
  steps.clear();
  (void)s.indicators_export(Json{{"indicators", {"A10"}}, {"period", "2024"}, {"format", "csv"}},
                            [&](std::size_t done, std::size_t total, const std::string& id) {
                              steps.push_back(std::to_string(done) + "/" + std::to_string(total) + " " + id);
                            });
  CHECK(steps == std::vector<std::string>{"1/1 A10"});
  // In SDMX the youth rate's AGE is its fixed band, not _Z (not applicable) nor _T.
  const std::string sdmx = s.indicators_export(Json{{"indicators", {"A10"}}, {"period", "2024"}, {"by", {"sex"}}, {"format", "sdmx-csv"}});
  CHECK(sdmx.find(",A10,M,Y15T24,_Z,_Z,_Z,_Z,2024,19.6,") != std::string::npos);
  CHECK(sdmx.find(",A10,_T,Y15T24,_Z,_Z,_Z,_Z,2024,20.0,") != std::string::npos);
}

TEST_CASE("Employment services D2 D4 D5 D6 redundancies D10 disputes C7 and A2 worked out by hand", "[indicators]") {
  test::Office o;
  auto& s = o.admin;
  // 2025 survey levels in thousands: working-age population 40.000 (M 20.000, F 20.000),
  // employed 23.400 (M 12.700, F 10.700), employees 18.200, and a labour force of 16 people
  // (0.016: M 0.010, F 0.006) so that the register's two job seekers make a readable D2.
  const std::string csv =
      "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,40.000,,,,\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2025,20.000,,,,\n"
      "KNA,BA:1,POP_XWAP_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2025,20.000,,,,\n"
      "KNA,BA:1,EMP_TEMP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,23.400,,,,\n"
      "KNA,BA:1,EMP_TEMP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2025,12.700,,,,\n"
      "KNA,BA:1,EMP_TEMP_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2025,10.700,,,,\n"
      "KNA,BA:1,EES_TEES_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,18.200,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,0.016,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2025,0.010,,,,\n"
      "KNA,BA:1,EAP_TEAP_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2025,0.006,,,,\n";
  (void)s.series_import(csv, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  auto move = [&](const char* type, std::int64_t id, const char* t, const char* on, Json fields = Json::object()) {
    s.transition(type, id, s.get(type, id)["version"].get<std::int64_t>(), t, Json{{"effective_date", on}, {"fields", fields}});
  };
  // Job seekers: J1 F (KN-01) and J2 M (KN-01) registered in 2025 and still on the register on
  // Dec 31; J3 M (KN-02) registered in April and closed in November.
  auto seeker = [&](const char* sex, const char* registered, const char* parish) {
    return s.create("job_seeker", Json{{"registration_date", registered}, {"first_name", "A"}, {"family_name", std::string("B") + registered},
                                       {"sex", sex}, {"date_of_birth", "1990-06-01"}, {"parish", parish}});
  };
  seeker("F", "2025-02-03", "KN-01");
  seeker("M", "2025-03-10", "KN-01");
  move("job_seeker", seeker("M", "2025-04-01", "KN-02"), "close", "2025-11-15", Json{{"outcome", "found_work_self"}});
  // Vacancies (parish, ISCO unit group, registered, positions; then closed):
  // V1 KN-01 5120 2025-01-06 ×3, filled 2025-02-05 (30 days); V2 KN-01 5131 2025-03-03 ×2, filled
  // 2025-03-24 (21 days); V3 KN-02 9112 2025-05-05 ×1, cancelled 2025-06-02; V4 KN-01 2611
  // 2025-10-01 ×4 and V5 KN-02 9112 2025-11-03 ×2, open on Dec 31.
  auto vacancy = [&](const char* parish, const char* isco, const char* registered, int positions) {
    return s.create("vacancy", Json{{"employer", o.employer}, {"job_title", std::string("Post ") + isco}, {"occupation", isco},
                                    {"parish", parish}, {"date_registered", registered}, {"positions", positions}});
  };
  move("vacancy", vacancy("KN-01", "5120", "2025-01-06", 3), "close", "2025-02-05", Json{{"outcome", "filled"}});
  move("vacancy", vacancy("KN-01", "5131", "2025-03-03", 2), "close", "2025-03-24", Json{{"outcome", "filled"}});
  move("vacancy", vacancy("KN-02", "9112", "2025-05-05", 1), "close", "2025-06-02", Json{{"outcome", "cancelled"}});
  vacancy("KN-01", "2611", "2025-10-01", 4);
  vacancy("KN-02", "9112", "2025-11-03", 2);
  // Disputes (reported, parish; closed): D1 2025-02-03 KN-01, agreement 2025-04-01; D2 2025-05-05
  // KN-01, referred to the tribunal 2025-06-02; D3 2025-07-07 KN-01, open; D4 2024-11-04 KN-02,
  // agreement 2025-01-10.
  const auto union_id = s.create("organisation", Json{{"name", "Waterfront Workers Union"}, {"kind", "trade_union"}});
  auto dispute = [&](const char* reported, const char* parish) {
    return s.create("dispute", Json{{"date_reported", reported}, {"dispute_type", "rights"}, {"issues", "Overtime rates"},
                                    {"parish", parish},
                                    {"unions", Json::array({Json{{"organisation", union_id}, {"role", "bargaining agent"}}})},
                                    {"employers", Json::array({Json{{"employer", o.employer}}})}});
  };
  move("dispute", dispute("2025-02-03", "KN-01"), "close", "2025-04-01", Json{{"outcome", "agreement"}});
  move("dispute", dispute("2025-05-05", "KN-01"), "close", "2025-06-02", Json{{"outcome", "referred_tribunal"}});
  dispute("2025-07-07", "KN-01");
  move("dispute", dispute("2024-11-04", "KN-02"), "close", "2025-01-10", Json{{"outcome", "agreement"}});
  // Redundancies (effective, workers; outcome): R1 2025-03-01 3 workers, open; R2 2025-08-01 2
  // workers, withdrawn; R3 2024-12-01 5 workers (the year before).
  auto redundancy = [&](const char* effective, int workers) {
    Json ws = Json::array();
    for (int i = 0; i < workers; ++i)
      ws.push_back(Json{{"sex", "F"}, {"years_of_service", 4}, {"weekly_pay", {{"amount", "500.00"}, {"currency", "XCD"}}}});
    return s.create("redundancy", Json{{"employer", o.employer}, {"notice_date", "2024-11-01"}, {"effective_date", effective},
                                       {"reason", "closure"}, {"workers", ws}});
  };
  redundancy("2025-03-01", 3);
  move("redundancy", redundancy("2025-08-01", 2), "close", "2025-07-15", Json{{"outcome", "withdrawn"}});
  redundancy("2024-12-01", 5);

  // A2 = employed / working-age population × 100: 23,400 / 40,000 = 58.5; men 12,700 / 20,000 =
  // 63.5; women 10,700 / 20,000 = 53.5. A14's parts are the levels themselves.
  const auto a = s.indicators(Json{{"indicators", {"A2", "A14.wap", "A14.lf"}}, {"period", "2025"}, {"by", {"sex"}}});
  CHECK(value(table(a, "A2"), "2025", "") == "58.5");
  CHECK(value(table(a, "A2"), "2025", "sex=M;") == "63.5");
  CHECK(value(table(a, "A2"), "2025", "sex=F;") == "53.5");
  CHECK(value(table(a, "A14.wap"), "2025", "sex=F;") == "20000");
  CHECK(value(table(a, "A14.lf"), "2025", "") == "16");
  // D2 = job seekers on the register on Dec 31 / labour force × 100: 2 / 16 = 12.5; men 1 / 10
  // = 10.0; women 1 / 6 = 16.666... → 16.7. The fourth quarter takes the year's labour force (E).
  const auto d2 = table(s.indicators(Json{{"indicators", {"D2"}}, {"period", "2025"}, {"by", {"sex"}}}), "D2");
  CHECK(value(d2, "2025", "") == "12.5");
  CHECK(value(d2, "2025", "sex=M;") == "10.0");
  CHECK(value(d2, "2025", "sex=F;") == "16.7");
  const auto d2q = table(s.indicators(Json{{"indicators", {"D2"}}, {"period", "2025-Q4"}}), "D2");
  CHECK(value(d2q, "2025-Q4", "") == "12.5");
  CHECK(d2q.at("2025-Q4").at("")["status"] == "E");
  // D4 = closed as filled in the year / registered in the year × 100: 2 / 5 = 40.0; KN-01 2 / 3
  // = 66.666... → 66.7; KN-02 0 / 2 = 0.0; ISCO major group 5: 2 / 2 = 100.0, 9: 0 / 2 = 0.0.
  // D5 = median days to fill: {21, 30} → 25.5. D6 = job seekers on Dec 31 / open posts then:
  // 2 / (4 + 2) = 0.333... → 0.3; KN-01 2 / 4 = 0.5; KN-02 0 / 2 = 0.0.
  const auto v = s.indicators(Json{{"indicators", {"D4", "D5", "D6"}}, {"period", "2025"}, {"by", {"geo"}}});
  const auto d4 = table(v, "D4"), d5 = table(v, "D5"), d6 = table(v, "D6");
  CHECK(value(d4, "2025", "") == "40.0");
  CHECK(d4.at("2025").at("")["numerator"] == "2");
  CHECK(d4.at("2025").at("")["denominator"] == "5");
  CHECK(value(d4, "2025", "geo=KN-01;") == "66.7");
  CHECK(value(d4, "2025", "geo=KN-02;") == "0.0");
  CHECK(value(d5, "2025", "") == "25.5");
  CHECK(value(d5, "2025", "geo=KN-01;") == "25.5");
  CHECK(value(d6, "2025", "") == "0.3");
  CHECK(d6.at("2025").at("")["denominator"] == "6");
  CHECK(value(d6, "2025", "geo=KN-01;") == "0.5");
  CHECK(value(d6, "2025", "geo=KN-02;") == "0.0");
  const auto d4o = table(s.indicators(Json{{"indicators", {"D4"}}, {"period", "2025"}, {"by", {"ocu"}}}), "D4");
  CHECK(value(d4o, "2025", "ocu=5;") == "100.0");
  CHECK(value(d4o, "2025", "ocu=9;") == "0.0");
  CHECK(value(d4o, "2025", "ocu=2;") == "0.0");
  // D10 = workers made redundant with effect in the year (not withdrawn) / employees × 1,000:
  // 3 / 18,200 × 1,000 = 0.16483... → 0.16.
  const auto d10 = table(s.indicators(Json{{"indicators", {"D10"}}, {"period", "2025"}}), "D10");
  CHECK(value(d10, "2025", "") == "0.16");
  CHECK(d10.at("2025").at("")["numerator"] == "3");
  // Disputes: cleared = closed in the year (D1, D2, D4: 3) / reported in it (D1, D2, D3: 3) ×
  // 100 = 100.0; KN-01 2 / 3 = 66.7; KN-02 1 / 0: M. Settled by agreement: 2 / 3 = 66.7; KN-01
  // 1 / 2 = 50.0; KN-02 1 / 1 = 100.0.
  const auto dsp = s.indicators(Json{{"indicators", {"C7.dispute_clearance", "C7.dispute_settled"}}, {"period", "2025"}, {"by", {"geo"}}});
  const auto dc = table(dsp, "C7.dispute_clearance"), ds = table(dsp, "C7.dispute_settled");
  CHECK(value(dc, "2025", "") == "100.0");
  CHECK(value(dc, "2025", "geo=KN-01;") == "66.7");
  CHECK(value(dc, "2025", "geo=KN-02;") == "null/M");
  CHECK(value(ds, "2025", "") == "66.7");
  CHECK(value(ds, "2025", "geo=KN-01;") == "50.0");
  CHECK(value(ds, "2025", "geo=KN-02;") == "100.0");
}
