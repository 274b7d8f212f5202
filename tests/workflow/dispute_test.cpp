// The dispute (Form 11 Dispute Settlement Report, issue 16), declared in the standard pack on the
// workflow module with no engine change: its workflow transition by transition — every allowed
// move, every move refused by state, by grant and for a missing required field, each refusal
// leaving the database unchanged (DESIGN.md §5) — its deadlines on the KNA calendar
// (data/holidays/KNA.json, every due date worked out by hand in the comments), bad input, and
// two letters equal to expected files written by hand (tests/fixtures/letters/README.md).
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"
#include "workflow/walk.hpp"

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

/// The office of test::Office with a registered trade union, and disputes made on demand.
struct Office : test::Office {
  std::int64_t union_id = 0;
  Office() {
    union_id = admin.create("organisation", Json{{"name", "St. Kitts-Nevis Trades and Labour Union"}, {"kind", "trade_union"}});
  }
  /// A rights dispute between the union and the employer, reported on the day.
  Json dispute_json(const std::string& reported = "2025-03-03") {
    return Json{{"date_reported", reported},
                {"dispute_type", "rights"},
                {"issues", "Payment of the 2024 end-of-year bonus"},
                {"workers_covered_male", 40},
                {"workers_covered_female", 62},
                {"unions", Json::array({Json{{"organisation", union_id}, {"role", "bargaining agent"}}})},
                {"employers", Json::array({Json{{"employer", employer}}})}};
  }
  std::int64_t dispute(const std::string& reported) { return admin.create("dispute", dispute_json(reported)); }
  /// deadline id → (state, due, met_on or cleared_on) of the latest cycle.
  std::map<std::string, std::vector<std::string>> states(std::int64_t id) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& d : admin.deadlines("dispute", id)) {
      auto text = [](const Json& v) { return v.is_null() ? std::string("-") : v.get<std::string>(); };
      out[d["deadline"]] = {d["state"], text(d["due"]),
                            d["state"] == "cleared" ? text(d["cleared_on"]) : text(d["met_on"])};
    }
    return out;
  }
};

using States = std::map<std::string, std::vector<std::string>>;

}  // namespace

TEST_CASE("Dispute workflow: every allowed transition and every refused one leaves the database unchanged", "[dispute][workflow]") {
  Office o;
  auto& s = o.admin;
  // The declared machine, written out by hand from DESIGN.md §6 and issue 16.
  const std::map<std::string, std::pair<std::vector<std::string>, std::string>> allowed = {
      {"conciliate", {{"reported"}, "conciliation"}},
      {"close", {{"reported", "conciliation"}, "closed"}},
      {"reopen", {{"closed"}, "conciliation"}}};
  const std::map<std::string, Json> args = {
      {"conciliate", Json{{"effective_date", "2025-03-04"}}},
      {"close", Json{{"effective_date", "2025-03-05"}, {"fields", {{"outcome", "agreement"}, {"closed_note", "signed"}}}}},
      {"reopen", Json{{"effective_date", "2025-03-06"}, {"fields", {{"reopen_reason", "the agreement was not honoured"}}}}}};
  // The shortest path to each state.
  const std::map<std::string, std::vector<std::string>> path = {
      {"reported", {}}, {"conciliation", {"conciliate"}}, {"closed", {"close"}}};
  auto in_state = [&](const std::string& state) {
    const auto id = s.create("dispute", o.dispute_json());
    std::int64_t v = 1;
    for (const auto& t : path.at(state)) v = s.transition("dispute", id, v, t, args.at(t));
    REQUIRE(s.get("dispute", id)["status"] == state);
    return std::pair{id, v};
  };
  const auto walked = test::walk_transitions(s, o.path, test::Machine{"dispute", allowed, args, path, "2025-03-09"},
                                             [&] { return s.create("dispute", o.dispute_json()); });
  const int allowed_count = walked.allowed, refused_count = walked.refused;
  CHECK(allowed_count == 4);   // conciliate 1, close 2, reopen 1
  CHECK(refused_count == 5);   // 9 pairs − 4

  // Closing needs an outcome of the list; reopening a reason; the status is the engine's.
  const auto open = in_state("conciliation");
  const auto closed = in_state("closed");
  const std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { s.transition("dispute", open.first, open.second, "close"); }) == Errs{{"outcome", "required"}});
  CHECK(errors_of([&] {
          s.transition("dispute", open.first, open.second, "close", Json{{"fields", {{"outcome", "settled"}}}});
        }) == Errs{{"outcome", "code_list"}});
  CHECK(errors_of([&] { s.transition("dispute", closed.first, closed.second, "reopen"); }) ==
        Errs{{"reopen_reason", "required"}});
  CHECK(errors_of([&] { s.update("dispute", open.first, open.second, Json{{"status", "closed"}}); }) ==
        Errs{{"status", "read_only"}});
  CHECK(test::db_hash(o.path) == h);

  // Reopening keeps the history and clears the outcome and the note; the case can close again.
  auto v = s.transition("dispute", closed.first, closed.second, "reopen", args.at("reopen"));
  Json r = s.get("dispute", closed.first);
  CHECK(r["status"] == "conciliation");
  CHECK(r["outcome"] == nullptr);
  CHECK(r["closed_note"] == nullptr);
  CHECK(r["reopen_reason"] == "the agreement was not honoured");
  v = s.transition("dispute", closed.first, v, "close",
                   Json{{"effective_date", "2025-03-10"}, {"fields", {{"outcome", "referred_arbitration"}}}});
  CHECK(s.get("dispute", closed.first)["outcome"] == "referred_arbitration");
  std::vector<std::string> events;
  for (const auto& e : s.history("dispute", closed.first))
    if (e["field"] == "status") events.push_back(e["event"].get<std::string>() + ":" + e["to"].get<std::string>());
  CHECK(events == std::vector<std::string>{"initial:reported", "close:closed", "reopen:conciliation", "close:closed"});
}

TEST_CASE("Dispute workflow: who may move a case is the transition's grant", "[dispute][workflow][security]") {
  Office o;
  // An industrial-relations officer works disputes; an employment-services officer and a
  // statistician do not; data entry enters disputes but does not move them.
  auto ir = o.user("ir_officer", "officer", "industrial_relations");
  auto es = o.user("es_officer", "officer", "employment_services");
  auto entry = o.user("ir_entry", "data_entry", "industrial_relations");
  auto stat = o.user("stats", "statistician", "");
  const auto id = entry.create("dispute", o.dispute_json());
  const std::string h = test::db_hash(o.path);
  const Json conciliate = {{"effective_date", "2025-03-04"}};
  const Json close = {{"effective_date", "2025-03-04"}, {"fields", {{"outcome", "withdrawn"}}}};
  for (auto* u : {&es, &entry, &stat}) {
    CHECK_THROWS_AS(u->transition("dispute", id, 1, "conciliate", conciliate), clmis::PermissionDenied);
    CHECK_THROWS_AS(u->transition("dispute", id, 1, "close", close), clmis::PermissionDenied);
  }
  // The refusals are logged in the security log only, which db_hash leaves out.
  CHECK(test::db_hash(o.path) == h);
  // The officer conciliates and, as nobody had the case, takes it (the effect "assign": "actor").
  CHECK(ir.transition("dispute", id, 1, "conciliate", conciliate) == 2);
  CHECK(o.admin.get("dispute", id)["status"] == "conciliation");
  const Json as = o.admin.assignments("dispute", id);
  REQUIRE(as.size() == 1);
  CHECK(as[0]["assigned_to"] == "ir_officer");
  CHECK(as[0]["reason"] == "transition conciliate");
  // A clerk still may not close it, nor reopen it once closed.
  const std::string h2 = test::db_hash(o.path);
  CHECK_THROWS_AS(entry.transition("dispute", id, 2, "close", close), clmis::PermissionDenied);
  CHECK(test::db_hash(o.path) == h2);
  CHECK(ir.transition("dispute", id, 2, "close", close) == 3);
  const std::string h3 = test::db_hash(o.path);
  CHECK_THROWS_AS(entry.transition("dispute", id, 3, "reopen", Json{{"fields", {{"reopen_reason", "x"}}}}),
                  clmis::PermissionDenied);
  CHECK(test::db_hash(o.path) == h3);
}

TEST_CASE("Dispute deadlines: first meeting across Easter, resolution met by close and started again on reopening", "[dispute][deadline]") {
  Office o;
  auto& s = o.admin;
  // Reported Thursday 2025-04-10.
  //  first_meeting, 10 working days: Fri 11 (1), Mon 14 (2), Tue 15 (3), Wed 16 (4), Thu 17 (5),
  //    [Fri 18 Good Friday, Sat 19, Sun 20, Mon 21 Easter Monday], Tue 22 (6), Wed 23 (7),
  //    Thu 24 (8), Fri 25 (9), [Sat 26, Sun 27], Mon 28 (10) → 2025-04-28.
  //  resolution, 60 calendar days: Apr 11-30 are days 1-20, May 21-51, June 1-9 are 52-60
  //    → 2025-06-09 (Whit Monday: KNA does not roll a calendar-day limit forward).
  const auto id = o.dispute("2025-04-10");
  CHECK(o.states(id) == States{{"dispute.first_meeting", {"open", "2025-04-28", "-"}},
                               {"dispute.resolution", {"open", "2025-06-09", "-"}}});
  CHECK(s.deadlines("dispute", id)[0]["verified"] == false);
  // Conciliation starts on Monday 2025-04-14: no deadline of its own.
  auto v = s.transition("dispute", id, 1, "conciliate", Json{{"effective_date", "2025-04-14"}});
  CHECK(s.deadlines("dispute", id).size() == 2);
  // The first conciliation meeting, held on Thursday 2025-04-24, meets first_meeting on time.
  v = s.update("dispute", id, v,
               Json{{"meetings", Json::array({Json{{"date", "2025-04-24"}, {"attendance", "both"}, {"result", "adjourned"}}})}});
  CHECK(o.states(id)["dispute.first_meeting"] == std::vector<std::string>{"met", "2025-04-28", "2025-04-24"});
  // Overdue is judged on as_of: the resolution is not overdue on its due day, it is the day after.
  CHECK(s.deadlines("dispute", id, "2025-06-09")[1]["overdue"] == false);
  CHECK(s.deadlines("dispute", id, "2025-06-10")[1]["overdue"] == true);
  // Closed on Thursday 2025-05-15 with an agreement: resolution met, on time.
  v = s.transition("dispute", id, v, "close", Json{{"effective_date", "2025-05-15"}, {"fields", {{"outcome", "agreement"}}}});
  CHECK(o.states(id) == States{{"dispute.first_meeting", {"met", "2025-04-28", "2025-04-24"}},
                               {"dispute.resolution", {"met", "2025-06-09", "2025-05-15"}}});
  // Reopened on Tuesday 2025-05-20: resolution starts again, cycle 2, 60 days: May 21-31 are
  // 1-11, June 12-41, July 1-19 are 42-60 → Saturday 2025-07-19 (not rolled forward in KNA).
  // first_meeting starts only on creation: it does not start again.
  v = s.transition("dispute", id, v, "reopen",
                   Json{{"effective_date", "2025-05-20"}, {"fields", {{"reopen_reason", "the employer did not pay"}}}});
  const Json all = s.deadlines("dispute", id);
  REQUIRE(all.size() == 3);
  CHECK(all[2]["deadline"] == "dispute.resolution");
  CHECK(all[2]["cycle"] == 2);
  CHECK(all[2]["due"] == "2025-07-19");
  v = s.transition("dispute", id, v, "close",
                   Json{{"effective_date", "2025-06-02"}, {"fields", {{"outcome", "referred_tribunal"}}}});
  CHECK(o.states(id)["dispute.resolution"] == std::vector<std::string>{"met", "2025-07-19", "2025-06-02"});
}

TEST_CASE("Dispute deadlines: a dispute closed before any meeting clears the first-meeting deadline", "[dispute][deadline]") {
  Office o;
  // Reported Monday 2025-03-03 (no holiday in March 2025 in KNA): first_meeting + 10 working
  // days: Tue 4 - Fri 7 (4), Mon 10 - Fri 14 (9), Mon 17 (10) → 2025-03-17; resolution + 60
  // days: Mar 4-31 are 1-28, April 1-30 are 29-58, May 2 is 60 → 2025-05-02.
  const auto id = o.dispute("2025-03-03");
  o.admin.transition("dispute", id, 1, "close", Json{{"effective_date", "2025-03-05"}, {"fields", {{"outcome", "withdrawn"}}}});
  CHECK(o.states(id) == States{{"dispute.first_meeting", {"cleared", "2025-03-17", "2025-03-05"}},
                               {"dispute.resolution", {"met", "2025-05-02", "2025-03-05"}}});
}

TEST_CASE("Dispute: bad input is refused with the field named, nothing changed", "[dispute][errors]") {
  Office o;
  auto& s = o.admin;
  const std::string h = test::db_hash(o.path);
  auto with = [&](const std::function<void(Json&)>& edit) {
    Json c = o.dispute_json();
    edit(c);
    return errors_of([&] { s.create("dispute", c); });
  };
  // A union that is not registered (no organisation 9999), an employer neither.
  CHECK(with([](Json& c) { c["unions"][0]["organisation"] = 9999; }) == Errs{{"unions[0].organisation", "reference"}});
  CHECK(with([](Json& c) { c["employers"][0]["employer"] = 9999; }) == Errs{{"employers[0].employer", "reference"}});
  // A conciliation meeting before the dispute was reported (2025-03-03); one on the day is fine.
  CHECK(with([](Json& c) {
          c["meetings"] = Json::array({Json{{"date", "2025-03-03"}, {"result", "held"}},
                                       Json{{"date", "2025-03-02"}, {"result", "held"}}});
        }) == Errs{{"meetings[1].date", "date_order"}});
  CHECK(with([](Json& c) { c["workers_covered_male"] = -1; }) == Errs{{"workers_covered_male", "range"}});
  CHECK(with([](Json& c) { c["workers_covered_female"] = -3; }) == Errs{{"workers_covered_female", "range"}});
  CHECK(with([](Json& c) { c["dispute_type"] = "wages"; }) == Errs{{"dispute_type", "code_list"}});
  CHECK(with([](Json& c) { c["meetings"] = Json::array({Json{{"date", "2025-03-04"}, {"result", "settled"}}}); }) ==
        Errs{{"meetings[0].result", "code_list"}});
  CHECK(with([](Json& c) { c.erase("issues"); }) == Errs{{"issues", "required"}});
  // A dispute names at least one union and one employer (the sections' min_items).
  CHECK(with([](Json& c) { c.erase("unions"); }) == Errs{{"unions", "required"}});
  CHECK(with([](Json& c) { c["employers"] = Json::array(); }) == Errs{{"employers", "length"}});
  CHECK(with([](Json& c) { c.erase("dispute_type"); }) == Errs{{"dispute_type", "required"}});
  CHECK(with([](Json& c) { c["date_reported"] = "2099-01-01"; }) == Errs{{"date_reported", "min_age_at"}});
  CHECK(with([](Json& c) { c["case_no"] = "DS-000042"; }) == Errs{{"case_no", "read_only"}});
  CHECK(with([](Json& c) { c["status"] = "closed"; }) == Errs{{"status", "read_only"}});
  // All errors of a record together (in any order).
  Errs both = with([](Json& c) {
    c["unions"][0]["organisation"] = 9999;
    c["workers_covered_male"] = -1;
  });
  std::sort(both.begin(), both.end());
  CHECK(both == Errs{{"unions[0].organisation", "reference"}, {"workers_covered_male", "range"}});
  CHECK(test::db_hash(o.path) == h);
  // The same refusals on an update of a dispute that exists leave it as it was.
  const auto id = s.create("dispute", o.dispute_json());
  CHECK(s.get("dispute", id)["case_no"] == "DS-000001");
  CHECK(s.get("dispute", id)["status"] == "reported");
  const std::string h2 = test::db_hash(o.path);
  CHECK(errors_of([&] {
          s.update("dispute", id, 1, Json{{"unions", Json::array({Json{{"organisation", 4242}}})}});
        }) == Errs{{"unions[0].organisation", "reference"}});
  CHECK(errors_of([&] {
          s.update("dispute", id, 1, Json{{"meetings", Json::array({Json{{"date", "2025-02-28"}, {"result", "held"}}})}});
        }) == Errs{{"meetings[0].date", "date_order"}});
  CHECK(errors_of([&] { s.update("dispute", id, 1, Json{{"unions", Json::array()}}); }) == Errs{{"unions", "length"}});
  CHECK(test::db_hash(o.path) == h2);
  // An update that leaves the parties out keeps them.
  s.update("dispute", id, 1, Json{{"issues", "wages and the pension plan"}});
  CHECK(s.get("dispute", id)["unions"].size() == 1);
}

namespace {

std::string expected_letter(const std::string& name) {
  std::ifstream in(CLMIS_TEST_FIXTURES "/letters/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A database of the country whose clock stands at 2025-06-16T12:00:00Z: 16 June in Basseterre
/// and in Paramaribo (as in letters_test.cpp).
struct Country {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db;
  clmis::Session admin;
  explicit Country(const std::string& iso3) : db(init(iso3)), admin(db.login("admin", test::kPassword)) {}
  clmis::Database init(const std::string& iso3) {
    clmis::InitOptions o;
    o.country = iso3;
    o.admin_password = test::kPassword;
    o.clock = [] {
      return std::chrono::sys_seconds{date::sys_days{date::year{2025} / 6 / 16}.time_since_epoch() + std::chrono::hours{12}};
    };
    return clmis::Database::init(path, o);
  }
  clmis::Session user(const std::string& name, const std::string& role) {
    admin.user_create(Json{{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}},
                           {"must_change_password", false}, {"section", "industrial_relations"}});
    return db.login(name, "pw-long-" + name);
  }
};

}  // namespace

TEST_CASE("Dispute letters: the English conciliation invitation equals the expected files", "[dispute][letters]") {
  Country c("KNA");
  const auto org = c.admin.create("organisation", Json{{"name", "St. Kitts-Nevis Trades & Labour Union"}, {"kind", "trade_union"}});
  const auto emp = c.admin.create("employer", Json{{"name", "Sugar Bay Hotel Ltd."}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  const auto id = c.admin.create("dispute", Json{{"date_reported", "2025-06-02"},
                                                 {"dispute_type", "interest"},
                                                 {"issues", "Wages for 2025 and 2026 under the collective agreement."},
                                                 {"next_meeting_date", "2025-06-24"},
                                                 {"next_meeting_time", "10:00"},
                                                 {"next_meeting_place", "Department of Labour, Church Street, Basseterre"},
                                                 {"unions", Json::array({Json{{"organisation", org}}})},
                                                 {"employers", Json::array({Json{{"employer", emp}}})}});
  auto officer = c.user("k.richards", "officer");
  const Json html = officer.letter("dispute", id, "dispute.conciliation_invitation", "en", "html");
  CHECK(html["content"].get<std::string>() == expected_letter("dispute_conciliation_invitation.en.html"));
  CHECK(html["name"] == "dispute.conciliation_invitation");
  const Json text = officer.letter("dispute", id, "dispute.conciliation_invitation", "", "text");
  CHECK(text["content"].get<std::string>() == expected_letter("dispute_conciliation_invitation.en.txt"));
  CHECK(text["lang"] == "en");  // KNA's first language
  // Both stored with the case, and in its timeline.
  CHECK(test::raw_scalar(c.path, "SELECT count(*) FROM clmis_document WHERE record_type = 'dispute' AND kind = 'letter'") == "2");
  // A data-entry clerk has no letter grant: refused, nothing stored.
  auto clerk = c.user("clerk", "data_entry");
  const std::string h = test::db_hash(c.path);
  CHECK_THROWS_AS(clerk.letter("dispute", id, "dispute.conciliation_invitation", "en", "text"), clmis::PermissionDenied);
  CHECK(test::db_hash(c.path) == h);
}

TEST_CASE("Dispute letters: the Dutch status statement equals the expected files", "[dispute][letters]") {
  Country c("SUR");
  const auto org = c.admin.create("organisation", Json{{"name", "Bond van Hout- & Bosarbeiders"}, {"kind", "trade_union"}});
  const auto emp = c.admin.create("employer", Json{{"name", "Houthandel De Boer N.V."}, {"isic_class", "1610"}, {"parish", "SR-PM"}});
  const auto id = c.admin.create(
      "dispute",
      Json{{"date_reported", "2025-03-05"},
           {"dispute_type", "recognition"},
           {"issues", "Erkenning van de bond als onderhandelingspartij."},
           {"unions", Json::array({Json{{"organisation", org}}})},
           {"employers", Json::array({Json{{"employer", emp}}})},
           {"meetings", Json::array({Json{{"date", "2025-03-20"}, {"attendance", "both"}, {"result", "held"}},
                                     Json{{"date", "2025-04-03"}, {"attendance", "employer_only"}, {"result", "adjourned"}},
                                     Json{{"date", "2025-05-08"}, {"attendance", "both"}, {"result", "agreement"}}})}});
  auto v = c.admin.transition("dispute", id, 1, "conciliate", Json{{"effective_date", "2025-03-10"}});
  c.admin.transition("dispute", id, v, "close", Json{{"effective_date", "2025-06-13"}, {"fields", {{"outcome", "agreement"}}}});
  auto officer = c.user("r.pinas", "officer");
  // No language: Suriname's first language, Dutch.
  const Json text = officer.letter("dispute", id, "dispute.status_statement", "", "text");
  CHECK(text["lang"] == "nl");
  CHECK(text["content"].get<std::string>() == expected_letter("dispute_status_statement.nl.txt"));
  const Json html = officer.letter("dispute", id, "dispute.status_statement", "nl", "html");
  CHECK(html["content"].get<std::string>() == expected_letter("dispute_status_statement.nl.html"));
}
