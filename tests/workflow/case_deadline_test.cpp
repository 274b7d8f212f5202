// The deadlines of a complaint kept by the workflow module (workflow/cases.hpp): started, met,
// paused, resumed, extended, cleared and recomputed with the case's own writes, on the KNA
// calendar (data/holidays/KNA.json). Every due date is worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

struct Office : test::Office {
  clmis::Session& s = admin;
  /// deadline id → (state, due, met_on or cleared_on) of the latest cycle.
  std::map<std::string, std::vector<std::string>> states(std::int64_t id, const std::string& as_of = "") {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& d : s.deadlines("complaint", id, as_of)) {
      auto text = [](const Json& v) { return v.is_null() ? std::string("-") : v.get<std::string>(); };
      out[d["deadline"]] = {d["state"], text(d["due"]),
                            d["state"] == "cleared" ? text(d["cleared_on"]) : text(d["met_on"])};
    }
    return out;
  }
};

}  // namespace

TEST_CASE("Complaint deadlines: started, met, paused, extended and started again on reopening", "[complaint][deadline]") {
  Office o;
  auto& s = o.s;
  // Received Friday 2024-12-20.
  //  acknowledge, 5 working days: Mon 23, Tue 24, (25 Christmas, 26 Boxing Day), Fri 27, Mon 30,
  //    Tue 31 → 2024-12-31.
  //  resolution, 90 calendar days: Dec 21-31 are days 1-11, Jan 12-42, Feb 43-70, Mar 20 is 90
  //    → 2025-03-20 (KNA does not roll a calendar-day limit forward).
  //  first_hearing starts only when the complaint is assigned.
  const auto id = o.complaint("2024-12-20");
  CHECK(o.states(id) == std::map<std::string, std::vector<std::string>>{
                            {"complaint.acknowledge", {"open", "2024-12-31", "-"}},
                            {"complaint.resolution", {"open", "2025-03-20", "-"}}});
  // Assigned Thursday 2025-01-02 (Carnival Day - Last Lap): 15 working days from it are Fri 3,
  // Mon 6 to Fri 10, Mon 13 to Fri 17, Mon 20 to Thu 23 → 2025-01-23.
  auto v = s.transition("complaint", id, 1, "assign", Json{{"effective_date", "2025-01-02"}});
  CHECK(o.states(id)["complaint.first_hearing"] == std::vector<std::string>{"open", "2025-01-23", "-"});
  // Acknowledged on 2025-01-03: met, three days late.
  v = s.update("complaint", id, v, Json{{"acknowledged_on", "2025-01-03"}});
  CHECK(o.states(id)["complaint.acknowledge"] == std::vector<std::string>{"met", "2024-12-31", "2025-01-03"});
  CHECK(s.deadlines("complaint", id)[0]["met_late"] == true);
  // A hearing held on 2025-01-20 meets the first-hearing deadline, on time.
  v = s.update("complaint", id, v,
               Json{{"hearings", Json::array({Json{{"date", "2025-01-20"}, {"attendance", "both"}, {"result", "adjourned"}}})}});
  CHECK(o.states(id)["complaint.first_hearing"] == std::vector<std::string>{"met", "2025-01-23", "2025-01-20"});
  // Paused from Monday 2025-02-03, waiting for the employer's records, resumed Monday 02-10: the
  // seven days Feb 3-9 do not count, so 2025-03-20 + 7 = 2025-03-27.
  auto r = s.deadline_change("complaint", id, "complaint.resolution",
                             Json{{"action", "pause"}, {"reason", "waiting for the employer's records"}, {"date", "2025-02-03"}});
  CHECK(r["state"] == "paused");
  CHECK(r["due"] == nullptr);
  r = s.deadline_change("complaint", id, "complaint.resolution", Json{{"action", "resume"}, {"date", "2025-02-10"}});
  CHECK(r["due"] == "2025-03-27");
  // Extended by 10 days: 2025-04-06 (a Sunday; not rolled forward in KNA).
  r = s.deadline_change("complaint", id, "complaint.resolution",
                        Json{{"action", "extend"}, {"days", 10}, {"reason", "a second hearing was needed"}, {"date", "2025-03-01"}});
  CHECK(r["due"] == "2025-04-06");
  CHECK(r["extension"] == 10);
  // Overdue is judged on as_of.
  CHECK(s.deadlines("complaint", id, "2025-04-06")[1]["overdue"] == false);
  CHECK(s.deadlines("complaint", id, "2025-04-07")[1]["overdue"] == true);
  // explain: the paused days with their reason, and the events.
  const Json ex = s.deadline_explain("complaint", id, "complaint.resolution");
  CHECK(ex["days"] == 100);
  CHECK(ex["due_counted"] == "2025-04-06");
  std::vector<std::string> paused;
  for (const auto& d : ex["skipped"])
    if (d["reasons"][0].get<std::string>().rfind("paused", 0) == 0) paused.push_back(d["date"]);
  CHECK(paused == std::vector<std::string>{"2025-02-03", "2025-02-04", "2025-02-05", "2025-02-06", "2025-02-07",
                                           "2025-02-08", "2025-02-09"});
  std::vector<std::string> events;
  for (const auto& e : ex["events"]) events.push_back(e["event"].get<std::string>() + " " + e["date"].get<std::string>());
  CHECK(events == std::vector<std::string>{"start 2024-12-20", "pause 2025-02-03", "resume 2025-02-10", "extend 2025-03-01"});
  // Closed on 2025-04-01: resolution met.
  v = s.transition("complaint", id, v, "close", Json{{"effective_date", "2025-04-01"}, {"fields", {{"outcome", "settled"}}}});
  CHECK(o.states(id)["complaint.resolution"] == std::vector<std::string>{"met", "2025-04-06", "2025-04-01"});
  // Reopened on 2025-04-15: resolution starts again, cycle 2, 90 days: Apr 16-30 are 1-15, May
  // 16-46, June 47-76, July 14 is 90 → 2025-07-14.
  v = s.transition("complaint", id, v, "reopen",
                   Json{{"effective_date", "2025-04-15"}, {"fields", {{"reopen_reason", "not paid as agreed"}}}});
  const Json all = s.deadlines("complaint", id);
  REQUIRE(all.size() == 4);
  CHECK(all[3]["deadline"] == "complaint.resolution");
  CHECK(all[3]["cycle"] == 2);
  CHECK(all[3]["due"] == "2025-07-14");
  // Closing without a hearing in cycle 2 clears nothing else: the others were met.
  v = s.transition("complaint", id, v, "close", Json{{"effective_date", "2025-05-02"}, {"fields", {{"outcome", "settled"}}}});
  CHECK(o.states(id)["complaint.resolution"] == std::vector<std::string>{"met", "2025-07-14", "2025-05-02"});
}

TEST_CASE("Complaint deadlines: a case closed early clears what is still running", "[complaint][deadline]") {
  Office o;
  const auto id = o.complaint("2025-03-03");
  o.s.transition("complaint", id, 1, "close", Json{{"effective_date", "2025-03-04"}, {"fields", {{"outcome", "withdrawn"}}}});
  // resolution is met by the close; acknowledge was never met: cleared on the close.
  CHECK(o.states(id) == std::map<std::string, std::vector<std::string>>{
                            {"complaint.acknowledge", {"cleared", "2025-03-10", "2025-03-04"}},
                            {"complaint.resolution", {"met", "2025-06-01", "2025-03-04"}}});
  // (Mon 2025-03-03 + 5 working days: Tue 4 ... Mon 10; + 90 days: Mar 31 is day 28, Apr 58,
  // May 89, June 1 day 90 — a Sunday, not rolled forward.)
}

TEST_CASE("Complaint deadlines: a day proclaimed later moves exactly the running deadlines it falls in", "[complaint][deadline][calendar]") {
  Office o;
  // Case A: assigned Thursday 2025-01-02, first hearing due Thursday 2025-01-23 (above), running.
  const auto a = o.complaint("2024-12-20");
  o.s.transition("complaint", a, 1, "assign", Json{{"effective_date", "2025-01-02"}});
  // Case B: assigned the same day, its first hearing already held (met): it does not move.
  const auto b = o.complaint("2024-12-20");
  auto vb = o.s.transition("complaint", b, 1, "assign", Json{{"effective_date", "2025-01-02"}});
  o.s.update("complaint", b, vb,
             Json{{"hearings", Json::array({Json{{"date", "2025-01-10"}, {"result", "held"}}})}});
  // A day of mourning proclaimed on Wednesday 2025-01-15: A's 15 working days now end on Friday
  // 2025-01-24. Its acknowledgement (due 2024-12-31) and resolution (2025-03-20, calendar days,
  // not rolled forward in KNA) do not move; B's resolution neither.
  const Json r = o.s.proclaim(Json{{"date", "2025-01-15"}, {"name", "National Day of Mourning"}});
  CHECK(r["deadlines_moved"] == Json::array({Json{{"record_type", "complaint"}, {"record_id", a},
                                                  {"deadline", "complaint.first_hearing"},
                                                  {"from", "2025-01-23"}, {"to", "2025-01-24"}}}));
  CHECK(o.states(a)["complaint.first_hearing"][1] == "2025-01-24");
  CHECK(o.states(b)["complaint.first_hearing"] == std::vector<std::string>{"met", "2025-01-23", "2025-01-10"});
  // Withdrawn: it moves back.
  const Json w = o.s.withdraw_proclamation(Json{{"date", "2025-01-15"}});
  REQUIRE(w["deadlines_moved"].size() == 1);
  CHECK(w["deadlines_moved"][0]["to"] == "2025-01-23");
}

TEST_CASE("Complaint deadlines: bad changes are refused and change nothing", "[complaint][deadline][errors]") {
  Office o;
  auto& s = o.s;
  const auto id = o.complaint("2025-03-03");
  const std::string h = test::db_hash(o.path);
  auto change = [&](const Json& c) { s.deadline_change("complaint", id, "complaint.resolution", c); };
  CHECK(errors_of([&] { change(Json{{"action", "nap"}, {"reason", "x"}}); }) == Errs{{"action", "code_list"}});
  CHECK(errors_of([&] { change(Json{{"action", "pause"}}); }) == Errs{{"reason", "required"}});
  CHECK(errors_of([&] { change(Json{{"action", "extend"}, {"reason", "x"}}); }) == Errs{{"days", "required"}});
  CHECK(errors_of([&] { change(Json{{"action", "extend"}, {"reason", "x"}, {"days", 0}}); }) == Errs{{"days", "range"}});
  CHECK(errors_of([&] { change(Json{{"action", "pause"}, {"reason", "x"}, {"date", "2999-01-01"}}); }) ==
        Errs{{"date", "date_order"}});
  CHECK(errors_of([&] { change(Json{{"action", "pause"}, {"reason", "x"}, {"date", "2025-03-02"}}); }) ==
        Errs{{"date", "date_order"}});  // before the deadline started
  CHECK(errors_of([&] { change(Json{{"action", "pause"}, {"reason", "x"}, {"when", "now"}}); }) ==
        Errs{{"when", "unknown_field"}});
  CHECK(errors_of([&] { change(Json::array()); }) == Errs{{"", "type"}});
  CHECK_THROWS_AS(change(Json{{"action", "resume"}}), clmis::Conflict);  // not paused
  CHECK_THROWS_AS(s.deadline_change("complaint", id, "complaint.first_hearing", Json{{"action", "clear"}, {"reason", "x"}}),
                  clmis::NotFound);  // not started: the complaint is not assigned
  CHECK_THROWS_AS(s.deadlines("employer", 1), clmis::NotFound);
  CHECK_THROWS_AS(s.deadlines("complaint", 999), clmis::NotFound);
  CHECK_THROWS_AS(s.deadline_explain("complaint", id, "complaint.reply"), clmis::NotFound);
  CHECK(test::db_hash(o.path) == h);
  // A statistician reads but may not change a deadline (the refusal is in the security log only).
  s.user_create(Json{{"name", "stats"}, {"password", "pw-long-stats"}, {"roles", {"statistician"}},
                     {"must_change_password", false}});
  auto stats = o.db.login("stats", "pw-long-stats");
  const std::string h1 = test::db_hash(o.path);
  CHECK(stats.deadlines("complaint", id).size() == 2);
  CHECK_THROWS_AS(stats.deadline_change("complaint", id, "complaint.resolution",
                                        Json{{"action", "clear"}, {"reason", "x"}}),
                  clmis::PermissionDenied);
  CHECK(test::db_hash(o.path) == h1);
  // A met deadline cannot be paused.
  s.transition("complaint", id, 1, "close", Json{{"effective_date", "2025-03-04"}, {"fields", {{"outcome", "withdrawn"}}}});
  const std::string h2 = test::db_hash(o.path);
  CHECK_THROWS_AS(change(Json{{"action", "pause"}, {"reason", "x"}}), clmis::Conflict);
  CHECK(test::db_hash(o.path) == h2);
}

TEST_CASE("A case's timeline: its history, assignments and deadline events in the order they happened", "[complaint][timeline]") {
  Office o;
  auto& s = o.s;
  o.user("off1", "officer", "industrial_relations");
  const auto id = o.complaint("2025-03-03");
  s.assign("complaint", id, "off1", "first case");
  auto v = s.transition("complaint", id, 1, "assign", Json{{"effective_date", "2025-03-04"}});
  s.deadline_change("complaint", id, "complaint.resolution",
                    Json{{"action", "pause"}, {"reason", "waiting for payslips"}, {"date", "2025-03-05"}});
  v = s.update("complaint", id, v, Json{{"summary", "Unpaid overtime"}});
  std::vector<std::string> events;
  for (const auto& e : s.timeline("complaint", id)) {
    std::string line = e["event"].get<std::string>() + " " + e["date"].get<std::string>();
    if (e.contains("deadline")) line += " " + e["deadline"].get<std::string>();
    if (e.contains("field") && e["event"] == "changed") line += " " + e["field"].get<std::string>();
    events.push_back(line);
  }
  // Creation (received 2025-03-03) starts acknowledge and resolution; the officer is assigned;
  // the transition assign (2025-03-04) starts the first hearing (15 working days); the pause;
  // the summary changed today (not a history field: no row).
  const std::string today = o.db.today();
  CHECK(events == std::vector<std::string>{
                      "created " + today,
                      "initial 2025-03-03",
                      "deadline start 2025-03-03 complaint.acknowledge",
                      "deadline start 2025-03-03 complaint.resolution",
                      "assigned " + today.substr(0, 10),
                      "assign 2025-03-04",
                      "deadline start 2025-03-04 complaint.first_hearing",
                      "deadline pause 2025-03-05 complaint.resolution"});
  CHECK_THROWS_AS(s.timeline("complaint", 999), clmis::NotFound);
}

TEST_CASE("Complaint deadlines in Suriname: the proclaimed date replaces the estimate and moves exactly what it should",
          "[complaint][deadline][calendar]") {
  // SUR counts Saturdays and Sundays as the weekend and rolls a calendar-day limit that ends on a
  // day off forward to the next working day (data/calendars/SUR.json, "deadlines_roll_forward").
  // Holi-Phagwa 2026 (Tuesday 2026-03-03) is proclaimed in the shipped calendar. Eid al-Adha 2026
  // is not: its estimate, Wednesday 2026-05-27, counts as a day off until the notice. Here the
  // notice fixes it on Tuesday 2026-05-26 instead.
  test::TempDir dir;
  clmis::InitOptions io;
  io.country = "SUR";
  io.admin_password = test::kPassword;
  auto db = clmis::Database::init(dir.file("sur.db"), io);
  auto s = db.login("admin", test::kPassword);
  auto complaint = [&](const std::string& received) {
    return s.create("complaint", Json{{"date_received", received}, {"first_name", "Sita"}, {"family_name", "Ramdin"},
                                      {"sex", "F"}, {"employer_name", "Paramaribo Rice Mill"}});
  };
  auto due = [&](std::int64_t id, const std::string& deadline) {
    for (const auto& d : s.deadlines("complaint", id))
      if (d["deadline"] == deadline) return d["due"].get<std::string>();
    return std::string("none");
  };
  // A, received Wednesday 2026-05-13: acknowledge by Wednesday 2026-05-20 (Thu 14, Fri 15, Mon 18,
  // Tue 19, Wed 20); resolution 90 days later: May 14-31 are 18, June 48, July 79, August 11 is
  // 90 — Tuesday 2026-08-11, a working day.
  const auto a = complaint("2026-05-13");
  CHECK(due(a, "complaint.acknowledge") == "2026-05-20");
  CHECK(due(a, "complaint.resolution") == "2026-08-11");
  // B, received Thursday 2026-02-26: acknowledge by Friday 2026-03-06 (Fri 27, Mon 2, Holi on Tue
  // 3 skipped, Wed 4, Thu 5, Fri 6); resolution: Feb 27-28 are 2, March 33, April 63, May 27 is
  // 90 — the estimated Eid al-Adha, so rolled forward to Thursday 2026-05-28.
  const auto b = complaint("2026-02-26");
  CHECK(due(b, "complaint.acknowledge") == "2026-03-06");
  CHECK(due(b, "complaint.resolution") == "2026-05-28");
  // A assigned Monday 2026-05-18: the first hearing within 15 working days — May 19, 20, 21, 22,
  // 25, 26 (6), the 27th skipped, 28, 29 (8), June 1-5 (13), 8, 9 (15): Tuesday 2026-06-09.
  s.transition("complaint", a, 1, "assign", Json{{"effective_date", "2026-05-18"}});
  CHECK(due(a, "complaint.first_hearing") == "2026-06-09");
  // C, received Tuesday 2026-05-19: acknowledge by Tuesday 2026-05-26 (Wed 20, Thu 21, Fri 22,
  // Mon 25, Tue 26); resolution: May 20-31 are 12, June 42, July 73, August 17 is 90 (Monday).
  const auto c = complaint("2026-05-19");
  CHECK(due(c, "complaint.acknowledge") == "2026-05-26");
  CHECK(due(c, "complaint.resolution") == "2026-08-17");

  // The notice: Eid al-Adha on Tuesday 2026-05-26; the 27th is a working day again.
  //  - B's resolution no longer ends on a day off: back to Wednesday 2026-05-27.
  //  - C's acknowledgement skips the 26th: Wed 20, Thu 21, Fri 22, Mon 25, Wed 27.
  //  - A's first hearing skips the 26th instead of the 27th: still 15 working days to June 9.
  //  - Nothing else is in the way. In the order the deadlines were started: B's, then C's.
  const Json r = s.proclaim(Json{{"date", "2026-05-26"}, {"rule", "eid_al_adha"}});
  CHECK(r["deadlines_moved"] ==
        Json::array({Json{{"record_type", "complaint"}, {"record_id", b}, {"deadline", "complaint.resolution"},
                          {"from", "2026-05-28"}, {"to", "2026-05-27"}},
                     Json{{"record_type", "complaint"}, {"record_id", c}, {"deadline", "complaint.acknowledge"},
                          {"from", "2026-05-26"}, {"to", "2026-05-27"}}}));
  CHECK(due(b, "complaint.resolution") == "2026-05-27");
  CHECK(due(c, "complaint.acknowledge") == "2026-05-27");
  CHECK(due(a, "complaint.first_hearing") == "2026-06-09");
  CHECK(due(a, "complaint.acknowledge") == "2026-05-20");
  CHECK(due(a, "complaint.resolution") == "2026-08-11");
  CHECK(due(b, "complaint.acknowledge") == "2026-03-06");
  CHECK(due(c, "complaint.resolution") == "2026-08-17");
  // The explanation names the proclaimed day (in Dutch, the profile's first language) and who entered it.
  bool named = false;
  const Json explained = s.deadline_explain("complaint", c, "complaint.acknowledge");
  for (const auto& d : explained["skipped"])
    if (d["date"] == "2026-05-26")
      for (const auto& why : d["reasons"]) named = named || why.get<std::string>().find("Ied-ul-Adha (entered by admin") == 0;
  CHECK(named);
}
