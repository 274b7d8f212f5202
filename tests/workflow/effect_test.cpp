// The effects of transitions (pack::Effect): in the standard pack an officer who starts the
// investigation or conciliation of a case nobody has takes it; a pack may pause, resume or clear
// a deadline with a transition. Atomic with the transition, audited, refused with it. Due dates
// worked out by hand on the KNA calendar (no holiday falls in March 2025).
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

std::string due(clmis::Session& s, std::int64_t id, const std::string& deadline) {
  for (const auto& d : s.deadlines("complaint", id))
    if (d["deadline"] == deadline) return d["due"].is_null() ? "paused" : d["due"].get<std::string>();
  return "none";
}

}  // namespace

TEST_CASE("Effects: the officer who starts an investigation takes a case nobody has", "[complaint][workflow][effect]") {
  test::Office o;
  auto off1 = o.user("off1", "officer", "industrial_relations");
  o.user("off2", "officer", "industrial_relations");
  const auto a = o.complaint("2025-03-03");
  const auto b = o.complaint("2025-03-03");
  for (auto id : {a, b}) o.admin.transition("complaint", id, 1, "assign", Json{{"effective_date", "2025-03-10"}});
  o.admin.assign("complaint", b, "off2", "her district");
  // A: nobody has it; off1 starts the investigation and takes it, in the same transaction.
  off1.transition("complaint", a, 2, "investigate", Json{{"effective_date", "2025-03-11"}});
  const Json as = o.admin.assignments("complaint", a);
  REQUIRE(as.size() == 1);
  CHECK(as[0]["assigned_to"] == "off1");
  CHECK(as[0]["by"] == "off1");
  CHECK(as[0]["reason"] == "transition investigate");
  const auto actions = test::audit_actions_after(o.path, 0);
  REQUIRE(actions.size() >= 2);
  CHECK(actions[actions.size() - 2] == "transition");
  CHECK(actions.back() == "assign");
  CHECK(test::raw_scalar(o.path, "SELECT json_extract(detail, '$.effect') FROM clmis_audit ORDER BY id DESC LIMIT 1") ==
        "investigate");
  // The timeline: the transition, then the assignment it made.
  const Json tl = o.admin.timeline("complaint", a);
  REQUIRE(tl.size() >= 2);
  CHECK(tl[tl.size() - 2]["event"] == "investigate");
  CHECK(tl.back()["event"] == "assigned");
  CHECK(tl.back()["to"] == "off1");
  // B is off2's: off1 may conciliate it (same section) but does not take it.
  off1.transition("complaint", b, 2, "conciliate", Json{{"effective_date", "2025-03-11"}});
  REQUIRE(o.admin.assignments("complaint", b).size() == 1);
  CHECK(o.admin.assignments("complaint", b)[0]["assigned_to"] == "off2");
  // Nor does the next transition of A change hands.
  o.admin.transition("complaint", a, 3, "conciliate", Json{{"effective_date", "2025-03-12"}});
  CHECK(o.admin.assignments("complaint", a).size() == 1);
}

TEST_CASE("Effects: a pack pauses and resumes a deadline with its transitions", "[complaint][deadline][effect]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  // complaint is the pack's sixth record type; transitions: assign, investigate, conciliate...
  test::edit_json(root + "/packs/standard/pack.json", [](Json& j) {
    Json& tr = j["record_types"][5]["workflow"]["transitions"];
    REQUIRE(tr[1]["name"] == "investigate");
    REQUIRE(tr[2]["name"] == "conciliate");
    REQUIRE(tr[3]["name"] == "close");
    tr[3]["effects"] = {{{"letter", "complaint.status_statement"}}};
    tr[1]["from"] = {"assigned", "conciliation"};
    tr[1]["effects"] = {{{"resume", "complaint.first_hearing"}}};
    tr[2]["effects"] = {{{"pause", "complaint.first_hearing"}}};
  });
  clmis::InitOptions io;
  io.country = "KNA";
  io.admin_password = test::kPassword;
  io.data_dir = root;
  const std::string path = dir.file("nlad.db");
  auto db = clmis::Database::init(path, io);
  auto s = db.login("admin", test::kPassword);
  const auto id = s.create("complaint", Json{{"date_received", "2025-03-03"}, {"first_name", "Ann"},
                                             {"family_name", "Hodge"}, {"sex", "F"}, {"employer_name", "Sugar Bay Hotel"}});
  // Assigned Monday 2025-03-10: 15 working days, Mar 11-14 (4), 17-21 (9), 24-28 (14), Monday 31.
  s.transition("complaint", id, 1, "assign", Json{{"effective_date", "2025-03-10"}});
  CHECK(due(s, id, "complaint.first_hearing") == "2025-03-31");
  // Conciliation from Friday 2025-03-14 pauses it (11, 12, 13 counted: 3 days).
  s.transition("complaint", id, 2, "conciliate", Json{{"effective_date", "2025-03-14"}});
  CHECK(due(s, id, "complaint.first_hearing") == "paused");
  // Back to investigation on Wednesday 2025-03-19 resumes it: 19, 20, 21 (6), 24-28 (11), 31
  // (12), April 1, 2, 3 (15): Thursday 2025-04-03.
  s.transition("complaint", id, 3, "investigate", Json{{"effective_date", "2025-03-19"}});
  CHECK(due(s, id, "complaint.first_hearing") == "2025-04-03");
  const Json ex = s.deadline_explain("complaint", id, "complaint.first_hearing");
  std::vector<std::string> events;
  for (const auto& e : ex["events"])
    events.push_back(e["event"].get<std::string>() + " " + e["date"].get<std::string>() +
                     (e.contains("reason") ? " " + e["reason"].get<std::string>() : ""));
  CHECK(events == std::vector<std::string>{"start 2025-03-10", "pause 2025-03-14 transition conciliate",
                                           "resume 2025-03-19"});
  // A transition whose effect would come before the deadline's last event is refused whole:
  // extended by hand on 2025-03-25, the deadline cannot be paused by a conciliation dated 03-24.
  s.deadline_change("complaint", id, "complaint.first_hearing",
                    Json{{"action", "extend"}, {"days", 2}, {"reason", "employer abroad"}, {"date", "2025-03-25"}});
  const std::string h = test::db_hash(path);
  CHECK(errors_of([&] { s.transition("complaint", id, 4, "conciliate", Json{{"effective_date", "2025-03-24"}}); }) ==
        Errs{{"effective_date", "date_order"}});
  CHECK(test::db_hash(path) == h);
  CHECK(s.get("complaint", id)["status"] == "investigation");
  // Closing produces the case status statement (the pack's letter effect), stored with the case
  // in the closing's transaction, in English (KNA), and audited after the transition.
  CHECK(s.documents("complaint", id).empty());
  s.transition("complaint", id, 4, "close",
               Json{{"effective_date", "2025-03-26"}, {"fields", {{"outcome", "withdrawn"}}}});
  const Json docs = s.documents("complaint", id);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["kind"] == "letter");
  CHECK(docs[0]["name"] == "complaint.status_statement");
  CHECK(docs[0]["lang"] == "en");
  CHECK(docs[0]["media_type"] == "text/html; charset=utf-8");
  const std::string html = s.document_content(docs[0]["id"].get<std::int64_t>());
  CHECK(html.find("<!DOCTYPE html>") == 0);
  const auto actions = test::audit_actions_after(path, 0);
  CHECK(std::vector<std::string>(actions.end() - 2, actions.end()) == std::vector<std::string>{"transition", "letter"});
}
