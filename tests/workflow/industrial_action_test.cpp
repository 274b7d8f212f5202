// Industrial actions (issue 16, Form 8): the workflow transition by transition with refusals
// that change nothing, the working days not worked computed on the KNA calendar — across
// weekends, public holidays, a year end and a day proclaimed later — overrides with a reason,
// and bad input. Every expected figure is worked out by hand in the comments from
// ../shared/data/holidays/KNA.json.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"
#include "workflow/walk.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

struct Action : test::Office {
  /// An industrial action reported on the day, with 30 + 20 workers directly and 5 + 5
  /// indirectly involved (60 in all).
  Json action_json(const std::string& reported = "2025-07-25") {
    return Json{{"date_reported", reported},
                {"action_type", "strike"},
                {"employers", Json::array({Json{{"employer", employer}}})},
                {"workers_direct_male", 30},
                {"workers_direct_female", 20},
                {"workers_indirect_male", 5},
                {"workers_indirect_female", 5},
                {"cause", "pay"},
                {"isic_section", "I"}};
  }
  /// An action from start to end (both days worked out in the callers' comments); returns its id.
  std::int64_t held(const std::string& start, const std::string& end, Json extra = Json::object()) {
    Json j = action_json("2025-01-02");
    for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = *it;
    const auto id = admin.create("industrial_action", j);
    auto v = admin.transition("industrial_action", id, 1, "start", Json{{"effective_date", start}, {"fields", {{"start_date", start}}}});
    admin.transition("industrial_action", id, v, "end",
                     Json{{"effective_date", end}, {"fields", {{"end_date", end}, {"outcome", "ended_agreement"}}}});
    return id;
  }
  Json days(std::int64_t id) { return admin.get("industrial_action", id)["days_not_worked"]; }
};

}  // namespace

TEST_CASE("Industrial action workflow: every allowed transition and every refusal leaves the database unchanged",
          "[industrial_action][workflow]") {
  Action o;
  auto& s = o.admin;
  // The declared machine, written out by hand from issue 16: reported → ongoing → closed, or
  // called off before it began.
  test::Machine m;
  m.type = "industrial_action";
  m.allowed = {{"start", {{"reported"}, "ongoing"}}, {"end", {{"ongoing"}, "closed"}}, {"call_off", {{"reported"}, "closed"}}};
  m.args = {{"start", Json{{"effective_date", "2025-07-28"}, {"fields", {{"start_date", "2025-07-28"}}}}},
            {"end", Json{{"effective_date", "2025-08-08"}, {"fields", {{"end_date", "2025-08-08"}, {"outcome", "ended_agreement"}}}}},
            {"call_off", Json{{"effective_date", "2025-07-27"}, {"fields", {{"outcome", "called_off"}}}}}};
  m.path = {{"reported", {}}, {"ongoing", {"start"}}, {"closed", {"start", "end"}}};
  m.date = "2025-08-09";
  const auto walked = test::walk_transitions(
      s, o.path, m, [&] { return s.create("industrial_action", o.action_json()); },
      [](const std::string& name, Json& a) {
        if (name == "end") a["fields"]["end_date"] = "2025-08-09";
      });
  CHECK(walked.allowed == 3);  // start and call_off from reported, end from ongoing
  CHECK(walked.refused == 6);
  auto in_state = [&](const std::string& state) {
    const auto id = s.create("industrial_action", o.action_json());
    std::int64_t v = 1;
    for (const auto& t : m.path.at(state)) v = s.transition("industrial_action", id, v, t, m.args.at(t));
    return std::pair{id, v};
  };
  const auto& args = m.args;
  // Refused by grant: a statistician reads, never moves a case.
  auto stat = o.user("stat", "statistician", "");
  // (not a structured binding: C++17 lambdas may not capture those, and clang refuses)
  const auto reported = in_state("reported");
  const auto id = reported.first;
  auto v = reported.second;
  std::string h = test::db_hash(o.path);
  CHECK_THROWS_AS(stat.transition("industrial_action", id, v, "start", args.at("start")), clmis::PermissionDenied);
  CHECK(test::db_hash(o.path) == h);
  // Refused for a missing required field: start without its date; end without its date or its
  // outcome.
  CHECK(errors_of([&] { s.transition("industrial_action", id, v, "start", Json{{"effective_date", "2025-07-28"}}); }) ==
        Errs{{"start_date", "required"}});
  v = s.transition("industrial_action", id, v, "start", args.at("start"));
  h = test::db_hash(o.path);
  CHECK(errors_of([&] {
          s.transition("industrial_action", id, v, "end", Json{{"effective_date", "2025-08-08"}, {"fields", {{"outcome", "called_off"}}}});
        }) == Errs{{"end_date", "required"}});
  CHECK(errors_of([&] {
          s.transition("industrial_action", id, v, "end", Json{{"effective_date", "2025-08-08"}, {"fields", {{"end_date", "2025-08-08"}}}});
        }) == Errs{{"outcome", "required"}});
  // Ending before it started is refused by the rule, not stored.
  CHECK(errors_of([&] {
          s.transition("industrial_action", id, v, "end",
                       Json{{"effective_date", "2025-08-08"}, {"fields", {{"end_date", "2025-07-25"}, {"outcome", "called_off"}}}});
        }) == Errs{{"end_date", "date_order"}});
  CHECK(test::db_hash(o.path) == h);
}

TEST_CASE("Working days not worked: weekends, public holidays, a year end and a day proclaimed later", "[industrial_action][computed]") {
  Action o;
  // 60 workers involved (30 + 20 directly, 5 + 5 indirectly).
  //
  // Monday 2025-07-28 to Friday 2025-08-08: Jul 28, 29, 30, 31, Aug 1 are 5 working days; Aug 2-3
  // the weekend; Mon Aug 4 Emancipation Day and Tue Aug 5 Culturama Day - Last Lap are public
  // holidays; Aug 6, 7, 8 are 3 more: 8 working days × 60 = 480.
  const auto a = o.held("2025-07-28", "2025-08-08");
  CHECK(o.days(a) == 480);
  CHECK(o.admin.get("industrial_action", a)["workers_involved"] == 60);
  // The schema tells a frontend the field is computed, and from what.
  const Json schema = o.admin.schema();  // held: a range-for over a temporary's member dangles
  for (const auto& t : schema["record_types"])
    if (t["name"] == "industrial_action")
      for (const auto& f : t["fields"])
        if (f["name"] == "days_not_worked")
          CHECK(f["computed"] == Json{{"function", "working_days_times_workers"},
                                      {"args", {{"from", "start_date"}, {"to", "end_date"},
                                                {"workers", {"workers_direct_male", "workers_direct_female",
                                                             "workers_indirect_male", "workers_indirect_female"}}}},
                                      {"inputs", {"start_date", "end_date", "workers_direct_male", "workers_direct_female",
                                                  "workers_indirect_male", "workers_indirect_female"}},
                                      {"calendar", true}});
  // Across the year end, Monday 2025-12-22 to Friday 2026-01-02: Dec 22, 23, 24 (3); Thu 25
  // Christmas, Fri 26 Boxing Day; 27-28 weekend; Dec 29, 30, 31 (3); Thu Jan 1 New Year's Day, Fri
  // Jan 2 Carnival Day - Last Lap: 6 working days × 60 = 360.
  const auto b = o.held("2025-12-22", "2026-01-02");
  CHECK(o.days(b) == 360);
  // One day, a Saturday: no working day → 0. One working day (Wed 2025-09-10) → 60.
  CHECK(o.days(o.held("2025-09-06", "2025-09-06")) == 0);
  CHECK(o.days(o.held("2025-09-10", "2025-09-10")) == 60);
  // Monday 2025-09-01 to Friday 2025-09-12: two full weeks, no holiday (National Heroes Day is
  // Sep 16) → 10 × 60 = 600. A day off proclaimed later on Wednesday Sep 10 takes one: 9 × 60 =
  // 540, counted again in the proclamation's own transaction and listed in its answer.
  const auto c = o.held("2025-09-01", "2025-09-12");
  CHECK(o.days(c) == 600);
  const Json p = o.admin.proclaim(Json{{"date", "2025-09-10"}, {"name", "National Day of Mourning"}});
  CHECK(o.days(c) == 540);
  bool listed = false;
  for (const auto& r : p["computed_changed"])
    if (r["id"] == c) {
      listed = true;
      CHECK(r == Json{{"record_type", "industrial_action"}, {"id", c}, {"field", "days_not_worked"}, {"from", 600}, {"to", 540}});
    }
  CHECK(listed);
  CHECK(o.days(a) == 480);  // a period without that day is untouched
  // Withdrawn again: 600.
  const Json w = o.admin.withdraw_proclamation(Json{{"date", "2025-09-10"}});
  CHECK(o.days(c) == 600);
  CHECK(w["computed_changed"].size() >= 1);
  // While the end is not known, nothing is computed.
  const auto d = o.admin.create("industrial_action", o.action_json());
  o.admin.transition("industrial_action", d, 1, "start", Json{{"effective_date", "2025-07-28"}, {"fields", {{"start_date", "2025-07-28"}}}});
  CHECK(o.days(d).is_null());
}

TEST_CASE("A computed value is overridden only with a reason, audited, kept and cleared", "[industrial_action][computed][override]") {
  Action o;
  auto& s = o.admin;
  const auto id = o.held("2025-07-28", "2025-08-08");  // 480 (worked out above)
  std::int64_t v = s.get("industrial_action", id)["version"];
  // Entered by a user like any field: refused, nothing changed.
  std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { s.update("industrial_action", id, v, Json{{"days_not_worked", 400}}); }) ==
        Errs{{"days_not_worked", "read_only"}});
  // An override without a reason, of a field that is not computed, with a value of the wrong
  // type or the value it has: refused, nothing changed.
  CHECK(errors_of([&] { s.override_value("industrial_action", id, v, "days_not_worked", 400, "  "); }) ==
        Errs{{"reason", "required"}});
  CHECK(errors_of([&] { s.override_value("industrial_action", id, v, "workers_direct_male", 3, "typo"); }) ==
        Errs{{"workers_direct_male", "read_only"}});
  CHECK(errors_of([&] { s.override_value("industrial_action", id, v, "days_not_worked", "many", "typo"); }) ==
        Errs{{"days_not_worked", "type"}});
  CHECK(errors_of([&] { s.override_value("industrial_action", id, v, "days_not_worked", 480, "same"); }) ==
        Errs{{"days_not_worked", "unchanged"}});
  CHECK_THROWS_AS(s.override_value("industrial_action", id, v - 1, "days_not_worked", 400, "stale"), clmis::Conflict);
  CHECK(test::db_hash(o.path) == h);
  // With a reason: kept, audited with it, listed.
  const std::string why = "20 workers returned on Aug 6 (union's register)";
  v = s.override_value("industrial_action", id, v, "days_not_worked", 420, why);
  CHECK(o.days(id) == 420);
  CHECK(test::raw_scalar(o.path, "SELECT json_extract(detail, '$.reason') FROM clmis_audit WHERE action = 'override'") == why);
  const Json ov = s.overrides("industrial_action", id);
  REQUIRE(ov.size() == 1);
  CHECK(ov[0]["field"] == "days_not_worked");
  CHECK(ov[0]["reason"] == why);
  CHECK(ov[0]["by"] == "admin");
  CHECK_FALSE(ov[0].contains("cleared"));
  // A later write that changes an input leaves the officer's value; overriding twice is refused.
  v = s.update("industrial_action", id, v, Json{{"workers_indirect_male", 15}});
  CHECK(o.days(id) == 420);
  CHECK(s.get("industrial_action", id)["workers_involved"] == 70);  // 30 + 20 + 15 + 5, not overridden
  CHECK_THROWS_AS(s.override_value("industrial_action", id, v, "days_not_worked", 430, "again"), clmis::Conflict);
  // Cleared: computed again from the record as it is now — 8 working days × 70 = 560.
  v = s.clear_override("industrial_action", id, v, "days_not_worked", "the register was wrong");
  CHECK(o.days(id) == 560);
  CHECK(s.overrides("industrial_action", id)[0]["cleared"]["reason"] == "the register was wrong");
  CHECK_THROWS_AS(s.clear_override("industrial_action", id, v, "days_not_worked", "twice"), clmis::Conflict);
  // The history shows both.
  std::vector<std::string> events;
  for (const auto& e : s.history("industrial_action", id))
    if (e["field"] == "days_not_worked") events.push_back(e["event"]);
  CHECK(events == std::vector<std::string>{"override", "override_cleared"});
}

TEST_CASE("Industrial actions: bad input is refused clearly and changes nothing", "[industrial_action][errors]") {
  Action o;
  auto& s = o.admin;
  const std::string h = test::db_hash(o.path);
  Json j = o.action_json();
  j["workers_direct_male"] = -1;
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"workers_direct_male", "range"}});
  j = o.action_json();
  j["start_date"] = "2025-08-08";
  j["end_date"] = "2025-08-01";
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"end_date", "date_order"}});
  j = o.action_json();
  j["action_type"] = "riot";
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"action_type", "code_list"}});
  j = o.action_json();
  j["union"] = 999;
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"union", "reference"}});
  j = o.action_json();
  j["dispute"] = 999;  // no such dispute
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"dispute", "reference"}});
  j = o.action_json();
  j["days_not_worked"] = 5;
  CHECK(errors_of([&] { s.create("industrial_action", j); }) == Errs{{"days_not_worked", "read_only"}});
  CHECK(test::db_hash(o.path) == h);
}

TEST_CASE("Industrial action letters: the status statement in English and Dutch", "[industrial_action][letters]") {
  Action o;
  const auto id = o.held("2025-07-28", "2025-08-08");  // 480 days not worked (worked out above)
  const std::string en = o.admin.letter("industrial_action", id, "industrial_action.status_statement", "en", "text")["content"];
  CHECK(en.find("Type: Strike") != std::string::npos);
  CHECK(en.find("Employers: Sugar Bay Hotel;") != std::string::npos);
  CHECK(en.find("Started: 28 July 2025") != std::string::npos);
  CHECK(en.find("Ended: 8 August 2025") != std::string::npos);
  CHECK(en.find("Workers involved: 60") != std::string::npos);
  CHECK(en.find("Working days not worked: 480") != std::string::npos);
  const std::string nl = o.admin.letter("industrial_action", id, "industrial_action.status_statement", "nl", "text")["content"];
  CHECK(nl.find("Soort: Staking") != std::string::npos);
  CHECK(nl.find("Begonnen: 28 juli 2025") != std::string::npos);
  CHECK(nl.find("Niet-gewerkte werkdagen: 480") != std::string::npos);
}

TEST_CASE("An industrial action names the dispute it arises from", "[industrial_action]") {
  Action o;
  const auto uni = o.admin.create("organisation", Json{{"name", "Waterfront Workers Union"}, {"kind", "trade_union"}});
  const auto d = o.admin.create("dispute", Json{{"date_reported", "2025-07-01"}, {"dispute_type", "interest"},
                                                {"issues", "Wage increase for 2025"},
                                                {"unions", Json::array({Json{{"organisation", uni}}})},
                                                {"employers", Json::array({Json{{"employer", o.employer}}})}});
  Json j = o.action_json();
  j["dispute"] = d;
  j["union"] = uni;
  const auto id = o.admin.create("industrial_action", j);
  CHECK(o.admin.get("industrial_action", id)["dispute"] == d);
  const Json by_dispute = Json::array({Json{{"field", "dispute"}, {"op", "eq"}, {"value", d}}});
  CHECK(o.admin.query("industrial_action", Json{{"filter", by_dispute}})["records"].size() == 1);
}

TEST_CASE("Overrides and recomputations are updates in the change feed and named in the audit trail", "[industrial_action][computed]") {
  Action o;
  auto& s = o.admin;
  const auto id = o.held("2025-09-01", "2025-09-12");  // 600 (worked out above)
  const auto last = s.changes_since(0, 10000)["last_seq"].get<std::int64_t>();
  auto v = s.override_value("industrial_action", id, s.get("industrial_action", id)["version"], "days_not_worked", 590, "one left early");
  v = s.clear_override("industrial_action", id, v, "days_not_worked", "register corrected");
  s.proclaim(Json{{"date", "2025-09-10"}, {"name", "National Day of Mourning"}});  // 600 → 540
  std::vector<std::string> ops;
  const Json feed = s.changes_since(last, 100);
  INFO(feed.dump() << " after " << last);
  for (const auto& c : feed["changes"]) ops.push_back(c["op"]);
  // An integrator's feed keeps its four ops (create, update, transition, archive).
  CHECK(ops == std::vector<std::string>{"update", "update", "update"});
  CHECK(test::raw_scalar(o.path, "SELECT group_concat(action, ',') FROM (SELECT action FROM clmis_audit WHERE action IN "
                                 "('override', 'override_cleared', 'recompute') ORDER BY id)") ==
        "override,override_cleared,recompute");
}
