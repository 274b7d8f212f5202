// The complaint (Form 12) and its workflow, transition by transition: every allowed move, every
// move refused by state, by grant and for a missing required field — each refusal leaving the
// database unchanged (DESIGN.md §5) — and reopening, which keeps the history.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"
#include "workflow/walk.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

using test::Office;

TEST_CASE("Complaint workflow: every allowed transition, every refused one leaves the database unchanged", "[complaint][workflow]") {
  Office o;
  auto& s = o.admin;
  // The declared machine, written out by hand from DESIGN.md §6 and issue 15.
  const std::map<std::string, std::pair<std::vector<std::string>, std::string>> allowed = {
      {"assign", {{"received"}, "assigned"}},
      {"investigate", {{"assigned"}, "investigation"}},
      {"conciliate", {{"assigned", "investigation"}, "conciliation"}},
      {"close", {{"received", "assigned", "investigation", "conciliation"}, "closed"}},
      {"reopen", {{"closed"}, "investigation"}}};
  const std::map<std::string, Json> args = {
      {"assign", Json{{"effective_date", "2025-03-04"}}},
      {"investigate", Json{{"effective_date", "2025-03-05"}}},
      {"conciliate", Json{{"effective_date", "2025-03-06"}}},
      {"close", Json{{"effective_date", "2025-03-07"}, {"fields", {{"outcome", "settled"}}}}},
      {"reopen", Json{{"effective_date", "2025-03-08"}, {"fields", {{"reopen_reason", "the employer did not pay"}}}}}};
  // The shortest path to each state.
  const std::map<std::string, std::vector<std::string>> path = {{"received", {}},
                                                                {"assigned", {"assign"}},
                                                                {"investigation", {"assign", "investigate"}},
                                                                {"conciliation", {"assign", "conciliate"}},
                                                                {"closed", {"close"}}};
  auto in_state = [&](const std::string& state) {
    const auto id = s.create("complaint", o.complaint_json());
    std::int64_t v = 1;
    for (const auto& t : path.at(state)) v = s.transition("complaint", id, v, t, args.at(t));
    REQUIRE(s.get("complaint", id)["status"] == state);
    return std::pair{id, v};
  };
  // Transitions on one day may not go back in time: the one tried is dated after every path.
  const auto walked = test::walk_transitions(s, o.path, test::Machine{"complaint", allowed, args, path, "2025-03-09"},
                                             [&] { return s.create("complaint", o.complaint_json()); });
  const int allowed_count = walked.allowed, refused_count = walked.refused;
  CHECK(allowed_count == 9);    // assign 1, investigate 1, conciliate 2, close 4, reopen 1
  CHECK(refused_count == 16);   // 25 pairs − 9

  // Closing needs an outcome; reopening a reason — refused for the missing field, unchanged.
  const auto open = in_state("investigation");
  const auto closed = in_state("closed");
  const std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { s.transition("complaint", open.first, open.second, "close"); }) ==
        Errs{{"outcome", "required"}});
  CHECK(errors_of([&] {
          s.transition("complaint", open.first, open.second, "close", Json{{"fields", {{"outcome", "paid"}}}});
        }) == Errs{{"outcome", "code_list"}});
  CHECK(errors_of([&] { s.transition("complaint", closed.first, closed.second, "reopen"); }) ==
        Errs{{"reopen_reason", "required"}});
  CHECK(errors_of([&] { s.update("complaint", open.first, open.second, Json{{"status", "closed"}}); }) ==
        Errs{{"status", "read_only"}});
  CHECK(test::db_hash(o.path) == h);

  // Reopening keeps the history and clears the outcome; the case can close again.
  auto v = s.transition("complaint", closed.first, closed.second, "reopen", args.at("reopen"));
  Json r = s.get("complaint", closed.first);
  CHECK(r["status"] == "investigation");
  CHECK(r["outcome"] == nullptr);
  CHECK(r["reopen_reason"] == "the employer did not pay");
  v = s.transition("complaint", closed.first, v, "close",
                   Json{{"effective_date", "2025-03-10"}, {"fields", {{"outcome", "referred_tribunal"}}}});
  std::vector<std::string> events;
  for (const auto& e : s.history("complaint", closed.first))
    if (e["field"] == "status") events.push_back(e["event"].get<std::string>() + ":" + e["to"].get<std::string>());
  CHECK(events == std::vector<std::string>{"initial:received", "close:closed", "reopen:investigation",
                                           "close:closed"});
}

TEST_CASE("Complaint workflow: who may move a case is the transition's grant", "[complaint][workflow][security]") {
  Office o;
  // An industrial-relations officer works complaints; an employment-services officer and a
  // statistician do not; data entry enters complaints but does not move them.
  auto ir = o.user("ir_officer", "officer", "industrial_relations");
  auto es = o.user("es_officer", "officer", "employment_services");
  auto entry = o.user("ir_entry", "data_entry", "industrial_relations");
  auto stat = o.user("stats", "statistician", "");
  const auto id = entry.create("complaint", o.complaint_json());
  const std::string h = test::db_hash(o.path);
  const Json assign = {{"effective_date", "2025-03-04"}};
  CHECK_THROWS_AS(es.transition("complaint", id, 1, "assign", assign), clmis::PermissionDenied);
  CHECK_THROWS_AS(entry.transition("complaint", id, 1, "assign", assign), clmis::PermissionDenied);
  CHECK_THROWS_AS(stat.transition("complaint", id, 1, "assign", assign), clmis::PermissionDenied);
  // The refusals are logged in the security log only, which db_hash leaves out.
  CHECK(test::db_hash(o.path) == h);
  CHECK(ir.transition("complaint", id, 1, "assign", assign) == 2);
  CHECK(o.admin.get("complaint", id)["status"] == "assigned");
}

TEST_CASE("Complaint: bad input is refused with the field named, nothing changed", "[complaint][errors]") {
  Office o;
  auto& s = o.admin;
  const std::string h = test::db_hash(o.path);
  auto with = [&](const std::function<void(Json&)>& edit) {
    Json c = o.complaint_json();
    edit(c);
    return errors_of([&] { s.create("complaint", c); });
  };
  CHECK(with([](Json& c) { c["claims"][0]["amount_claimed"]["amount"] = "-5.00"; }) ==
        Errs{{"claims[0].amount_claimed", "range"}});
  CHECK(with([](Json& c) { c["employer"] = 9999; }) == Errs{{"employer", "reference"}});
  CHECK(with([](Json& c) { c["date_received"] = "2099-01-01"; }) == Errs{{"date_received", "min_age_at"}});
  CHECK(with([](Json& c) { c["claims"][0]["category"] = "bonus"; }) == Errs{{"claims[0].category", "code_list"}});
  CHECK(with([](Json& c) { c.erase("first_name"); }) == Errs{{"first_name", "required"}});
  CHECK(with([](Json& c) { c["case_no"] = "CP-000042"; }) == Errs{{"case_no", "read_only"}});
  // A hearing before the complaint was received (2025-03-03); one on the day is fine.
  CHECK(with([](Json& c) {
          c["hearings"] = Json::array({Json{{"date", "2025-03-03"}, {"result", "held"}},
                                       Json{{"date", "2025-03-02"}, {"result", "held"}}});
        }) == Errs{{"hearings[1].date", "date_order"}});
  CHECK(test::db_hash(o.path) == h);
  // The case number is assigned.
  const auto id = s.create("complaint", o.complaint_json());
  CHECK(s.get("complaint", id)["case_no"] == "CP-000001");
}
