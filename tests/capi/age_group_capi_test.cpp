// "Masking keeps types" through the C API: a masked birth date is JSON null, every job seeker
// has "age_group" at the query's "as_of" (clmis_record_query) or today (clmis_record_get), and
// clmis_export takes "as_of" too. Bad dates: CLMIS_EINVALID, rule "query", path "as_of", nothing
// changed. Expected groups worked by hand: age = as_of's year - birth year, one less while
// as_of's (month, day) is before the birth's.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "capi/standard_c.hpp"
#include "support.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using clmis::Json;
using test::take;

namespace {

struct Fixture : test::StandardC {
  clmis_session* stat = nullptr;
  std::map<std::string, std::int64_t> id;
  Fixture() {
    REQUIRE(clmis_user_create(nullptr, admin,
                              R"({"name": "stat", "password": "statistics-pw-1", "roles": ["statistician"], "must_change_password": false})") ==
            CLMIS_OK);
    REQUIRE(clmis_login(&stat, db, "stat", "statistics-pw-1") == CLMIS_OK);
    for (const auto& [first, born] : std::map<std::string, std::string>{
             {"June", "2000-06-30"}, {"January", "2000-01-01"}, {"July", "2000-07-01"}, {"Leap", "2000-02-29"}}) {
      const Json r = {{"registration_date", "2025-03-03"}, {"first_name", first}, {"family_name", "Liburd"},
                      {"sex", "F"}, {"date_of_birth", born}, {"parish", "KN-03"}};
      REQUIRE(clmis_record_create(&id[first], admin, "job_seeker", r.dump().c_str()) == CLMIS_OK);
    }
  }
  ~Fixture() { clmis_session_close(&stat); }

  /// first name → the record, as the statistician's query as_of gives it.
  std::map<std::string, Json> query_as_of(const std::string& as_of) {
    char* out = nullptr;
    const Json q = {{"as_of", as_of}};
    REQUIRE(clmis_record_query(&out, stat, "job_seeker", q.dump().c_str()) == CLMIS_OK);
    const Json page = take(out);
    std::map<std::string, Json> by_name;
    for (const auto& [first, n] : id)
      for (const auto& r : page["records"])
        if (r["id"] == n) by_name[first] = r;
    return by_name;
  }
};

}  // namespace

TEST_CASE("C: a statistician's query as_of gives null birth dates and the age groups at that date", "[capi][age_group][security]") {
  Fixture f;
  // as_of 2024-12-31: June 24, January 24 → 20-24; July 24 (2000-07-01 → 24 on 31 December) → 20-24.
  auto r = f.query_as_of("2024-12-31");
  CHECK(r["June"]["age_group"] == "20-24");
  CHECK(r["January"]["age_group"] == "20-24");
  CHECK(r["June"]["date_of_birth"].is_null());
  CHECK(std::find(r["June"]["masked"].begin(), r["June"]["masked"].end(), "date_of_birth") != r["June"]["masked"].end());
  // as_of 2025-07-01: June 25, January 25 → 25-29; July's birthday → 25 → 25-29.
  r = f.query_as_of("2025-07-01");
  CHECK(r["June"]["age_group"] == "25-29");
  CHECK(r["January"]["age_group"] == "25-29");
  CHECK(r["July"]["age_group"] == "25-29");
  // The day before July's birthday: 24 → 20-24.
  CHECK(f.query_as_of("2025-06-30")["July"]["age_group"] == "20-24");
  // 29 February 2000: 24 on 2025-02-28, 25 on 2025-03-01.
  CHECK(f.query_as_of("2025-02-28")["Leap"]["age_group"] == "20-24");
  CHECK(f.query_as_of("2025-03-01")["Leap"]["age_group"] == "25-29");
  // clmis_record_get: today's age group, the birth date null for the statistician, a date for
  // the administrator (the group itself depends on today, so it is compared with a query's).
  char* out = nullptr;
  REQUIRE(clmis_record_get(&out, f.stat, "job_seeker", f.id["June"]) == CLMIS_OK);
  const Json got = take(out);
  CHECK(got["date_of_birth"].is_null());
  REQUIRE(clmis_record_query(&out, f.stat, "job_seeker", "{}") == CLMIS_OK);
  CHECK(take(out)["records"][0]["age_group"] == got["age_group"]);
  REQUIRE(clmis_record_get(&out, f.admin, "job_seeker", f.id["June"]) == CLMIS_OK);
  const Json clear = take(out);
  CHECK(clear["date_of_birth"] == "2000-06-30");
  CHECK(clear["age_group"] == got["age_group"]);
}

TEST_CASE("C: a bad as_of is CLMIS_EINVALID naming as_of, and changes nothing", "[capi][age_group]") {
  Fixture f;
  const std::string before = test::db_hash(f.path);
  for (const char* q : {R"({"as_of": "2025-02-30"})", R"({"as_of": "2025-7-1"})", R"({"as_of": 20250701})",
                        R"({"as_of": ""})"}) {
    INFO(q);
    char* out = nullptr;
    CHECK(clmis_record_query(&out, f.stat, "job_seeker", q) == CLMIS_EINVALID);
    CHECK(out == nullptr);
    const Json errs = Json::parse(clmis_error_last_json());
    REQUIRE(errs.size() == 1);
    CHECK(errs[0]["path"] == "as_of");
    CHECK(errs[0]["rule"] == "query");
  }
  // clmis_export: refused before anything is written or audited; no file.
  const std::string file = f.dir.file("js.csv");
  for (const char* o : {R"({"as_of": "2025-02-30"})", R"({"as_of": ""})"}) {
    INFO(o);
    CHECK(clmis_export(f.stat, "job_seeker", file.c_str(), o) == CLMIS_EINVALID);
    CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "as_of");
    CHECK(!std::filesystem::exists(file));
  }
  CHECK(clmis_export(f.stat, "job_seeker", file.c_str(), R"({"as_of": 2025})") == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "as_of");
  CHECK(!std::filesystem::exists(file));
  CHECK(test::db_hash(f.path) == before);
}

TEST_CASE("C: clmis_export writes age_group at the options' as_of", "[capi][age_group][io]") {
  Fixture f;
  const std::string file = f.dir.file("js.csv");
  REQUIRE(clmis_export(f.stat, "job_seeker", file.c_str(),
                       R"({"as_of": "2024-12-31", "fields": ["first_name", "date_of_birth", "age_group"]})") == CLMIS_OK);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  // Names and birth dates masked (empty); every one of the four 24 on 2024-12-31 → 20-24.
  CHECK(text.str() == "first_name,date_of_birth,age_group\r\n,,20-24\r\n,,20-24\r\n,,20-24\r\n,,20-24\r\n");
  char* out = nullptr;
  REQUIRE(clmis_audit_entries_json(&out, f.admin, 0, 1000) == CLMIS_OK);
  CHECK(take(out).back()["detail"]["as_of"] == "2024-12-31");
}
