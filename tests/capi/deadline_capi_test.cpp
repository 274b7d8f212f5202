// The deadlines of a complaint through the C API: listed, explained, changed, and refused with
// their codes, the database unchanged.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <string>

using clmis::Json;
using test::take;

TEST_CASE("C deadlines: listed, explained, paused and resumed", "[capi][deadline]") {
  test::StandardC c;
  int64_t id = 0;
  // Received Friday 2024-12-20: acknowledge due Tuesday 2024-12-31 (5 working days past
  // Christmas and Boxing Day), resolution 90 calendar days later, 2025-03-20.
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2024-12-20", "first_name": "Ann", "family_name": "Hodge", "sex": "F",
                                  "employer_name": "Sugar Bay Hotel"})") == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_deadlines_json(&out, c.admin, "complaint", id, "2025-01-01") == CLMIS_OK);
  const Json list = take(out);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["deadline"] == "complaint.acknowledge");
  CHECK(list[0]["due"] == "2024-12-31");
  CHECK(list[0]["overdue"] == true);  // on 2025-01-01
  CHECK(list[1]["due"] == "2025-03-20");
  REQUIRE(clmis_deadline_explain_json(&out, c.admin, "complaint", id, "complaint.acknowledge") == CLMIS_OK);
  const Json ex = take(out);
  std::vector<std::string> skipped;
  for (const auto& d : ex["skipped"]) skipped.push_back(d["date"]);
  CHECK(skipped == std::vector<std::string>{"2024-12-21", "2024-12-22", "2024-12-25", "2024-12-26", "2024-12-28", "2024-12-29"});
  // Paused on 2024-12-23 and resumed on 2024-12-27: Dec 23, 24 (and the holidays) do not count;
  // Fri 27 (1), Mon 30 (2), Tue 31 (3), (Jan 1, 2 holidays), Fri 3 (4), Mon 6 (5) → 2025-01-06.
  REQUIRE(clmis_deadline_change(nullptr, c.admin, "complaint", id, "complaint.acknowledge",
                                R"({"action": "pause", "reason": "complainant abroad", "date": "2024-12-23"})") == CLMIS_OK);
  REQUIRE(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.acknowledge",
                                R"({"action": "resume", "date": "2024-12-27"})") == CLMIS_OK);
  CHECK(take(out)["due"] == "2025-01-06");
}

TEST_CASE("C deadlines: bad input gives its code, and nothing changes", "[capi][deadline][errors]") {
  test::StandardC c;
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  const std::string h = test::db_hash(c.path);
  char* out = nullptr;
  CHECK(clmis_deadlines_json(nullptr, c.admin, "complaint", id, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_deadlines_json(&out, nullptr, "complaint", id, nullptr) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_deadlines_json(&out, c.admin, nullptr, id, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_deadlines_json(&out, c.admin, "employer", 1, nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_deadlines_json(&out, c.admin, "complaint", id, "31/12/2024") == CLMIS_EINVALID);
  CHECK(clmis_deadline_explain_json(&out, c.admin, "complaint", id, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_deadline_explain_json(&out, c.admin, "complaint", id, "complaint.reply") == CLMIS_ENOTFOUND);
  CHECK(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.resolution", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.resolution", "{not json") == CLMIS_EINVALID);
  CHECK(std::string(clmis_error_last()->message).find("json.exception") == std::string::npos);
  CHECK(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.resolution", R"({"action": "pause"})") ==
        CLMIS_EINVALID);
  const Json err = Json::parse(clmis_error_last_json());
  CHECK(err[0]["path"] == "reason");
  CHECK(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.resolution", R"({"action": "resume"})") ==
        CLMIS_ECONFLICT);
  CHECK(clmis_deadline_change(&out, c.admin, "complaint", id, "complaint.first_hearing",
                              R"({"action": "clear", "reason": "x"})") == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  CHECK(test::db_hash(c.path) == h);
}

TEST_CASE("C work queues: assign, a queue page, ageing, and their refusals", "[capi][queue]") {
  test::StandardC c;
  int64_t id = 0;
  // Received Monday 2025-03-03: acknowledgement due Monday 2025-03-10 (5 working days).
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  REQUIRE(clmis_user_create(nullptr, c.admin, R"({"name": "off1", "password": "pw-long-off1", "roles": ["officer"],
                                        "section": "industrial_relations"})") == CLMIS_OK);
  REQUIRE(clmis_case_assign(c.admin, "complaint", id, "off1", "first case") == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_queue_json(&out, c.admin, R"({"officer": "off1", "overdue": true, "as_of": "2025-03-12"})") == CLMIS_OK);
  const Json q = take(out);
  REQUIRE(q["rows"].size() == 1);
  CHECK(q["rows"][0]["deadline"] == "complaint.acknowledge");
  CHECK(q["rows"][0]["days_overdue"] == 2);
  CHECK(q["rows"][0]["officer"] == "off1");
  REQUIRE(clmis_ageing_json(&out, c.admin, R"({"as_of": "2025-03-12"})") == CLMIS_OK);
  CHECK(take(out)["rows"][0]["0-30"] == 1);
  const std::string h = test::db_hash(c.path);
  CHECK(clmis_case_assign(c.admin, "complaint", id, "", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_case_assign(c.admin, "complaint", id, "nobody", nullptr) == CLMIS_EINVALID);
  CHECK(clmis_case_assign(c.admin, "complaint", id, "off1", nullptr) == CLMIS_ECONFLICT);
  CHECK(clmis_case_assign(nullptr, "complaint", id, "off1", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_queue_json(nullptr, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_queue_json(&out, c.admin, R"({"limit": 0})") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(clmis_ageing_json(&out, c.admin, "[1,") == CLMIS_EINVALID);
  CHECK(test::db_hash(c.path) == h);
  // To nobody.
  CHECK(clmis_case_assign(c.admin, "complaint", id, nullptr, "reassigned later") == CLMIS_OK);
  // The timeline: created, its initial state, two deadlines started, two assignments.
  REQUIRE(clmis_case_timeline_json(&out, c.admin, "complaint", id) == CLMIS_OK);
  std::vector<std::string> events;
  for (const auto& e : take(out)) events.push_back(e["event"]);
  CHECK(events == std::vector<std::string>{"created", "initial", "deadline start", "deadline start", "assigned", "assigned"});
  CHECK(clmis_case_timeline_json(nullptr, c.admin, "complaint", id) == CLMIS_EMISUSE);
  CHECK(clmis_case_timeline_json(&out, c.admin, "complaint", 999) == CLMIS_ENOTFOUND);
}
