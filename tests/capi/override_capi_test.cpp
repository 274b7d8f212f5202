// Computed fields through the C API (issue 16): an industrial action's days not worked computed
// on the KNA calendar, overridden with a reason, listed, cleared; refusals with their codes and
// the database unchanged.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <string>

using clmis::Json;
using test::take;

namespace {
/// An action from Monday 2025-07-28 to Friday 2025-08-08 with 60 workers: Jul 28-Aug 1 are 5
/// working days, Aug 4 (Emancipation Day) and Aug 5 (Culturama Day - Last Lap) are holidays, Aug
/// 6-8 are 3 more: 8 × 60 = 480 days not worked. Returns its id; *version its version.
int64_t held_action(test::StandardC& c, int64_t* version) {
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "industrial_action",
                              R"({"date_reported": "2025-07-25", "action_type": "strike", "workers_direct_male": 30,
                                  "workers_direct_female": 20, "workers_indirect_male": 5, "workers_indirect_female": 5})") ==
          CLMIS_OK);
  int64_t v = 0;
  REQUIRE(clmis_record_transition(&v, c.admin, "industrial_action", id, 1, "start",
                           R"({"effective_date": "2025-07-28", "fields": {"start_date": "2025-07-28"}})") == CLMIS_OK);
  REQUIRE(clmis_record_transition(&v, c.admin, "industrial_action", id, v, "end",
                           R"({"effective_date": "2025-08-08", "fields": {"end_date": "2025-08-08", "outcome": "ended_agreement"}})") ==
          CLMIS_OK);
  *version = v;
  return id;
}
Json get(test::StandardC& c, int64_t id) {
  char* out = nullptr;
  REQUIRE(clmis_record_get(&out, c.admin, "industrial_action", id) == CLMIS_OK);
  return take(out);
}
}  // namespace

TEST_CASE("C computed fields: computed, overridden with a reason, listed and cleared", "[capi][computed]") {
  test::StandardC c;
  int64_t v = 0;
  const int64_t id = held_action(c, &v);
  CHECK(get(c, id)["days_not_worked"] == 480);
  int64_t v2 = 0;
  REQUIRE(clmis_override(&v2, c.admin, "industrial_action", id, v, "days_not_worked", "420", "20 went back on Aug 6") == CLMIS_OK);
  CHECK(v2 == v + 1);
  CHECK(get(c, id)["days_not_worked"] == 420);
  char* out = nullptr;
  REQUIRE(clmis_overrides_json(&out, c.admin, "industrial_action", id) == CLMIS_OK);
  const Json list = take(out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["reason"] == "20 went back on Aug 6");
  int64_t v3 = 0;
  REQUIRE(clmis_override_clear(&v3, c.admin, "industrial_action", id, v2, "days_not_worked", "register corrected") == CLMIS_OK);
  CHECK(v3 == v2 + 1);
  CHECK(get(c, id)["days_not_worked"] == 480);
}

TEST_CASE("C computed fields: bad input gives its code, and nothing changes", "[capi][computed][errors]") {
  test::StandardC c;
  int64_t v = 0;
  const int64_t id = held_action(c, &v);
  const std::string h = test::db_hash(c.path);
  int64_t out_v = 7;
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, nullptr, "1", "why") == CLMIS_EMISUSE);
  CHECK(out_v == 0);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", nullptr, "why") == CLMIS_EMISUSE);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", "1", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_override(&out_v, nullptr, "industrial_action", id, v, "days_not_worked", "1", "why") == CLMIS_EMISUSE);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", "{not json", "why") == CLMIS_EINVALID);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", "1", " ") == CLMIS_EINVALID);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v, "start_date", "\"2025-07-29\"", "why") == CLMIS_EINVALID);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", id, v - 1, "days_not_worked", "1", "why") == CLMIS_ECONFLICT);
  CHECK(clmis_override(&out_v, c.admin, "industrial_action", 999, 1, "days_not_worked", "1", "why") == CLMIS_ENOTFOUND);
  CHECK(clmis_override_clear(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", "why") == CLMIS_ECONFLICT);
  CHECK(clmis_override_clear(&out_v, c.admin, "industrial_action", id, v, "days_not_worked", nullptr) == CLMIS_EMISUSE);
  char* out = nullptr;
  CHECK(clmis_overrides_json(nullptr, c.admin, "industrial_action", id) == CLMIS_EMISUSE);
  CHECK(clmis_overrides_json(&out, c.admin, "industrial_action", 999) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  // Entering a computed value is refused as any read-only field.
  CHECK(clmis_record_update(&out_v, c.admin, "industrial_action", id, v, R"({"days_not_worked": 1})") == CLMIS_EINVALID);
  CHECK(test::db_hash(c.path) == h);
}
