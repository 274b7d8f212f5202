// Assignment of cases and the work queues (issue 15): officers' queues by due date with keyset
// pages, overdue and due-within lists on any day, the ageing table, the own scope covering
// assigned cases, and refusals that change nothing. Dates worked out by hand on the KNA
// calendar (no holiday falls in these weeks).
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

struct Office : test::Office {
  std::int64_t a = 0, b = 0, c = 0;
  Office() {
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"sup", "supervisor"}, {"off1", "officer"}, {"off2", "officer"}, {"clerk", "data_entry"}})
      admin.user_create(Json{{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}},
                             {"section", "industrial_relations"}, {"must_change_password", false}});
    // Mondays. acknowledge (5 working days) and resolution (90 days):
    //   A 2025-01-06: Jan 13; Jan 7-31 are 25 days, Feb 53, Mar 84, Apr 6 → 2025-04-06.
    //   B 2025-02-03: Feb 10; Feb 4-28 are 25, Mar 56, Apr 86, May 4 → 2025-05-04.
    //   C 2025-03-03: Mar 10; Mar 4-31 are 28, Apr 58, May 89, Jun 1 → 2025-06-01.
    a = complaint("2025-01-06");
    b = complaint("2025-02-03");
    c = complaint("2025-03-03");
  }
  clmis::Session as(const std::string& name) { return db.login(name, "pw-long-" + name); }
};

/// "<id>:<deadline>" of each row of a queue page.
std::vector<std::string> rows(const Json& page) {
  std::vector<std::string> out;
  for (const auto& r : page["rows"])
    out.push_back(std::to_string(r["id"].get<std::int64_t>()) + ":" + r["deadline"].get<std::string>().substr(10));
  return out;
}

}  // namespace

TEST_CASE("Work queues: assigned cases by due date, overdue and due within N days on a day, paged", "[complaint][queue]") {
  Office o;
  auto sup = o.as("sup");
  CHECK(sup.assign("complaint", o.a, "off1") == Json{{"record_type", "complaint"}, {"id", o.a}, {"assigned_to", "off1"}, {"previous", nullptr}});
  sup.assign("complaint", o.b, "off2");
  sup.assign("complaint", o.c, "off1");
  CHECK(sup.assign("complaint", o.c, "off2", "off1 is on leave")["previous"] == "off1");
  const Json hist = sup.assignments("complaint", o.c);
  REQUIRE(hist.size() == 2);
  CHECK(hist[1]["assigned_to"] == "off2");
  CHECK(hist[1]["reason"] == "off1 is on leave");
  CHECK(hist[1]["by"] == "sup");

  // Overdue on 2025-03-12: the three acknowledgements, oldest first; A's by 58 days (Jan 13 to
  // Feb 13 is 31, to Mar 13 is 59), B's by 30, C's by 2.
  const Json overdue = sup.queue(Json{{"overdue", true}, {"as_of", "2025-03-12"}});
  CHECK(rows(overdue) == std::vector<std::string>{std::to_string(o.a) + ":acknowledge", std::to_string(o.b) + ":acknowledge",
                                                  std::to_string(o.c) + ":acknowledge"});
  CHECK(overdue["rows"][0]["days_overdue"] == 58);
  CHECK(overdue["rows"][1]["days_overdue"] == 30);
  CHECK(overdue["rows"][2]["days_overdue"] == 2);
  CHECK(overdue["rows"][0]["officer"] == "off1");
  CHECK(overdue["rows"][0]["number"] == "CP-000001");
  CHECK(overdue["rows"][0]["status"] == "received");
  CHECK(overdue["next_cursor"] == nullptr);
  // Due within 30 days of 2025-03-12 (by April 11): the three, then A's resolution (April 6).
  CHECK(rows(sup.queue(Json{{"due_within", 30}, {"as_of", "2025-03-12"}})).size() == 4);
  // off2's queue: B and C, by due date.
  CHECK(rows(sup.queue(Json{{"officer", "off2"}})) ==
        std::vector<std::string>{std::to_string(o.b) + ":acknowledge", std::to_string(o.c) + ":acknowledge",
                                 std::to_string(o.b) + ":resolution", std::to_string(o.c) + ":resolution"});
  // Pages of two, by keyset: every row once, in order.
  std::vector<std::string> all;
  Json page = sup.queue(Json{{"limit", 2}});
  int pages = 1;
  for (;;) {
    for (const auto& r : rows(page)) all.push_back(r);
    if (page["next_cursor"].is_null()) break;
    page = sup.queue(Json{{"limit", 2}, {"cursor", page["next_cursor"]}});
    ++pages;
  }
  CHECK(pages == 3);
  CHECK(all == std::vector<std::string>{std::to_string(o.a) + ":acknowledge", std::to_string(o.b) + ":acknowledge",
                                        std::to_string(o.c) + ":acknowledge", std::to_string(o.a) + ":resolution",
                                        std::to_string(o.b) + ":resolution", std::to_string(o.c) + ":resolution"});
}

TEST_CASE("Ageing: open cases on a day by state and days since received", "[complaint][queue]") {
  Office o;
  // On 2025-03-12: A is 65 days old (Jan 6 to Feb 6 is 31, to Mar 6 is 59, +6), B 37, C 9.
  Json t = o.admin.ageing(Json{{"as_of", "2025-03-12"}});
  // Complaints: received, assigned, investigation, conciliation; then disputes (pack 1.6.0):
  // reported, conciliation; then redundancies (pack 1.7.0, whose notice is a declared deadline):
  // notified, consultation — none open here.
  REQUIRE(t["rows"].size() == 8);
  CHECK(t["rows"][6] == Json{{"record_type", "redundancy"}, {"state", "notified"}, {"0-30", 0}, {"31-60", 0},
                             {"61-90", 0}, {"over 90", 0}, {"total", 0}});
  CHECK(t["rows"][7]["state"] == "consultation");
  CHECK(t["rows"][4] == Json{{"record_type", "dispute"}, {"state", "reported"}, {"0-30", 0}, {"31-60", 0},
                             {"61-90", 0}, {"over 90", 0}, {"total", 0}});
  CHECK(t["rows"][5]["state"] == "conciliation");
  CHECK(t["rows"][0] == Json{{"record_type", "complaint"}, {"state", "received"}, {"0-30", 1}, {"31-60", 1},
                             {"61-90", 1}, {"over 90", 0}, {"total", 3}});
  // A closed on 2025-03-20 leaves the table; on 2025-04-15 B is 71 days old, C 43.
  o.admin.transition("complaint", o.a, 1, "close", Json{{"effective_date", "2025-03-20"}, {"fields", {{"outcome", "settled"}}}});
  o.admin.transition("complaint", o.b, 1, "assign", Json{{"effective_date", "2025-02-05"}});
  t = o.admin.ageing(Json{{"as_of", "2025-04-15"}});
  CHECK(t["rows"][0]["total"] == 1);   // received: C
  CHECK(t["rows"][0]["31-60"] == 1);
  CHECK(t["rows"][1]["state"] == "assigned");
  CHECK(t["rows"][1]["61-90"] == 1);   // B
  // On 2025-03-12 A was still open, whatever happened later; B was assigned by then.
  t = o.admin.ageing(Json{{"as_of", "2025-03-12"}});
  CHECK(t["rows"][0]["total"] == 2);  // received: A (61-90) and C (0-30)
  CHECK(t["rows"][0]["61-90"] == 1);
  CHECK(t["rows"][1]["total"] == 1);  // assigned: B
  // Before any complaint was received, nothing.
  CHECK(o.admin.ageing(Json{{"as_of", "2025-01-01"}})["rows"][0]["total"] == 0);
}

TEST_CASE("Own scope covers the cases assigned to the user", "[complaint][queue][security]") {
  Office o;
  auto clerk = o.as("clerk");
  // The clerk entered none of them: none readable.
  CHECK_THROWS_AS(clerk.get("complaint", o.b), clmis::PermissionDenied);
  CHECK(clerk.query("complaint", Json::object())["records"].empty());
  // A correction of the family name first.
  const Json before = o.admin.get("complaint", o.b);
  const std::string family = "Liburd-Hanley";
  o.admin.update("complaint", o.b, before["version"].get<std::int64_t>(), Json{{"family_name", family}});
  o.as("sup").assign("complaint", o.b, "clerk");
  const Json b = clerk.get("complaint", o.b);
  CHECK(b["id"] == o.b);
  // Its personal fields too (the clerk's read_personal has the own scope): in get, query and
  // read_columns alike.
  CHECK(b["family_name"] == family);
  CHECK_FALSE(b.contains("masked"));
  const Json q = clerk.query("complaint", Json::object());
  REQUIRE(q["records"].size() == 1);
  CHECK(q["records"][0]["id"] == o.b);
  CHECK(q["records"][0]["family_name"] == family);
  const auto cols = clerk.read_columns("complaint", Json{{"fields", {"id", "family_name"}}});
  REQUIRE(cols.find("family_name") != nullptr);
  REQUIRE(cols.find("family_name")->size() == 1);
  CHECK(cols.find("family_name")->valid[0] == 1);
  CHECK(cols.find("family_name")->text_at(0) == family);
  // The clerk's work queue is the cases assigned to them, asked for with or without the type;
  // another officer's queue is not theirs to see.
  for (const Json& spec : {Json::object(), Json{{"types", {"complaint"}}}}) {
    const Json mine = clerk.queue(spec);
    REQUIRE(mine["rows"].size() == 2);  // B's acknowledgement and resolution
    for (const auto& row : mine["rows"]) CHECK(row["id"] == o.b);
  }
  CHECK_THROWS_AS(clerk.queue(Json{{"officer", "off1"}}), clmis::PermissionDenied);
  // Once it is reassigned to someone else, the clerk reads neither the case nor its fields.
  o.as("sup").assign("complaint", o.b, "off1", "reassigned");
  CHECK_THROWS_AS(clerk.get("complaint", o.b), clmis::PermissionDenied);
  CHECK(clerk.read_columns("complaint", Json{{"fields", {"id", "family_name"}}}).rows == 0);
  o.as("sup").assign("complaint", o.b, "clerk", "back");
  // Updating it is allowed too (own scope of update).
  CHECK(clerk.update("complaint", o.b, 2, Json{{"summary", "Unpaid overtime"}}) == 3);
  CHECK_THROWS_AS(clerk.get("complaint", o.c), clmis::PermissionDenied);
}

TEST_CASE("Assignment and queues: bad input is refused and changes nothing", "[complaint][queue][errors]") {
  Office o;
  auto sup = o.as("sup");
  auto off1 = o.as("off1");
  const std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { sup.assign("complaint", o.a, "nobody"); }) == Errs{{"user", "reference"}});
  CHECK_THROWS_AS(off1.assign("complaint", o.a, "off1"), clmis::PermissionDenied);  // officers do not assign
  CHECK_THROWS_AS(sup.assign("complaint", o.a, ""), clmis::Conflict);                // not assigned
  CHECK_THROWS_AS(sup.assign("complaint", 999, "off1"), clmis::NotFound);
  CHECK_THROWS_AS(sup.assign("employer", 1, "off1"), clmis::NotFound);               // not a case type
  CHECK(errors_of([&] { (void)sup.queue(Json{{"overdue", "yes"}}); }) == Errs{{"overdue", "type"}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"limit", 0}}); }) == Errs{{"limit", "range"}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"cursor", "q1.0.0.0"}}); }) == Errs{{"cursor", "query"}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"officer", "nobody"}}); }) == Errs{{"officer", "reference"}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"types", {"employer"}}}); }) == Errs{{"types[0]", "code_list"}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"when", "now"}}); }) == Errs{{"when", "unknown_field"}});
  CHECK(errors_of([&] { (void)sup.ageing(Json{{"as_of", "2025-13-01"}}); }) == Errs{{"as_of", "type"}});
  // A cursor of another queue is refused.
  sup.assign("complaint", o.a, "off1");
  const std::string h2 = test::db_hash(o.path);
  CHECK(h2 != h);
  const Json first = sup.queue(Json{{"limit", 1}});
  CHECK(errors_of([&] { (void)sup.queue(Json{{"limit", 1}, {"overdue", true}, {"cursor", first["next_cursor"]}}); }) ==
        Errs{{"cursor", "query"}});
  CHECK_THROWS_AS(sup.assign("complaint", o.a, "off1"), clmis::Conflict);  // already
  CHECK(test::db_hash(o.path) == h2);
}

TEST_CASE("Typed queue pages equal the JSON pages: values and cursors", "[complaint][queue]") {
  Office o;
  auto sup = o.as("sup");
  sup.assign("complaint", o.a, "off1");
  sup.assign("complaint", o.b, "off2");
  // As the first test case worked out: on 2025-03-12 A's acknowledgement (due 2025-01-13) is
  // 58 days overdue; B's (2025-02-10) 30.
  const clmis::QueuePage p = sup.queue_page(Json{{"overdue", true}, {"as_of", "2025-03-12"}});
  REQUIRE(p.rows.size() == 3);
  CHECK(clmis::format_date(p.as_of) == "2025-03-12");
  CHECK(p.rows[0].record_type == "complaint");
  CHECK(p.rows[0].id == o.a);
  CHECK(p.rows[0].number == std::optional<std::string>("CP-000001"));
  CHECK(p.rows[0].status == "received");
  CHECK(p.rows[0].deadline == "complaint.acknowledge");
  CHECK(p.rows[0].state == "open");
  REQUIRE(p.rows[0].due);
  CHECK(clmis::format_date(*p.rows[0].due) == "2025-01-13");
  CHECK(p.rows[0].overdue);
  CHECK(p.rows[0].days_overdue == 58);
  CHECK(p.rows[0].officer == std::optional<std::string>("off1"));
  CHECK(p.rows[2].id == o.c);
  CHECK(p.rows[2].officer == std::nullopt);  // C is nobody's
  CHECK(p.next_cursor == std::nullopt);
  // The same pages, page by page, both ways; a cursor of one serves the other.
  for (const Json& spec : {Json{{"limit", 2}}, Json{{"officer", "off1"}}, Json{{"due_within", 30}, {"as_of", "2025-03-12"}},
                           Json{{"overdue", true}, {"as_of", "2025-03-12"}, {"limit", 1}}}) {
    Json s = spec;
    int pages = 0;
    for (;;) {
      const clmis::QueuePage typed = sup.queue_page(s);
      const Json page = sup.queue(s);
      CHECK(clmis::to_json(typed) == page);
      ++pages;
      if (!typed.next_cursor) break;
      CHECK(page["next_cursor"] == *typed.next_cursor);
      s["cursor"] = *typed.next_cursor;
    }
    CHECK(pages >= 1);
  }
  // The same refusals.
  CHECK(errors_of([&] { (void)sup.queue_page(Json{{"limit", 0}}); }) == Errs{{"limit", "range"}});
  CHECK_THROWS_AS(o.as("clerk").queue_page(Json{{"officer", "off1"}}), clmis::PermissionDenied);  // own scope
}

TEST_CASE("The officer kept on running deadlines follows the case: reassigned, paused, closed and reopened",
          "[complaint][queue]") {
  Office o;
  auto sup = o.as("sup");
  // Every running deadline carries its case's officer (what an officer's queue reads), checked
  // on a separate connection with plain SQL.
  auto stale = [&] {
    return test::raw_scalar(o.path,
                            "SELECT count(*) FROM clmis_deadline d LEFT JOIN clmis_case k ON k.record_type = d.record_type "
                            "AND k.record_id = d.record_id WHERE d.state IN ('open', 'paused') "
                            "AND d.assigned_to IS NOT k.assigned_to");
  };
  auto ids = [&](const std::string& officer) {
    std::vector<std::string> out;
    for (const auto& r : sup.queue_page(Json{{"officer", officer}}).rows) out.push_back(std::to_string(r.id) + ":" + r.deadline);
    return out;
  };
  sup.assign("complaint", o.a, "off1");
  std::int64_t v = sup.transition("complaint", o.a, 1, "assign", Json{{"effective_date", "2025-01-07"}});
  v = sup.transition("complaint", o.a, v, "investigate", Json{{"effective_date", "2025-01-08"}});
  CHECK(stale() == "0");
  // Paused, reassigned while paused, resumed: off2's.
  sup.deadline_change("complaint", o.a, "complaint.resolution",
                      Json{{"action", "pause"}, {"reason", "waiting for the payroll"}, {"date", "2025-01-20"}});
  sup.assign("complaint", o.a, "off2", "off1 moved to inspections");
  CHECK(stale() == "0");
  sup.deadline_change("complaint", o.a, "complaint.resolution", Json{{"action", "resume"}, {"date", "2025-01-27"}});
  CHECK(stale() == "0");
  CHECK(ids("off1").empty());
  CHECK(ids("off2").size() == 3);  // acknowledge, first_hearing, resolution
  // Closed: nothing runs. Reopened: the resolution runs again (cycle 2), off2's still.
  v = sup.transition("complaint", o.a, v, "close", Json{{"effective_date", "2025-02-03"}, {"fields", {{"outcome", "settled"}}}});
  CHECK(ids("off2").empty());
  v = sup.transition("complaint", o.a, v, "reopen",
                     Json{{"effective_date", "2025-02-10"}, {"fields", {{"reopen_reason", "not paid as agreed"}}}});
  CHECK(stale() == "0");
  CHECK(ids("off2") == std::vector<std::string>{std::to_string(o.a) + ":complaint.resolution"});
  // Given to nobody: it leaves every officer's queue.
  sup.assign("complaint", o.a, "", "back to the pool");
  CHECK(stale() == "0");
  CHECK(ids("off2").empty());
}
