// "Masking keeps types" (issue 14): a masked birth date is null (a date column's missing value),
// and every record of a type with a birth date has "age_group", the five-year group of that date
// at the query's "as_of" (default today), for every reader. Expected groups are worked by hand
// in the comments: age = as_of's year - birth year, one less while as_of's (month, day) is
// before the birth's.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"

#include "clmis/io.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using clmis::Column;
using clmis::ColumnType;
using clmis::Json;

namespace {

/// A job seeker born on `born` (registered 2025-03-03, old enough by then for every birth used).
Json person(const std::string& first, const std::string& born) {
  return Json{{"registration_date", "2025-03-03"}, {"first_name", first}, {"family_name", "Liburd"},
              {"sex", "F"}, {"date_of_birth", born}, {"parish", "KN-03"}};
}

struct People {
  test::TempDir dir;
  clmis::Database db = test::standard_db(dir);
  clmis::Session admin = db.login("admin", test::kPassword);
  clmis::Session stat = [this] {
    admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                           {"must_change_password", false}});
    return db.login("stat", "statistics-pw-1");
  }();
  std::map<std::string, std::int64_t> id;  ///< by first name
  void add(const std::string& first, const std::string& born) { id[first] = admin.create("job_seeker", person(first, born)); }
};

/// id → the record, as a query as_of that date gives them to s.
std::map<std::int64_t, Json> records_as_of(clmis::Session& s, const Json& as_of) {
  std::map<std::int64_t, Json> out;
  const Json page = s.query("job_seeker", Json{{"as_of", as_of}, {"limit", 1000}});
  for (const auto& r : page["records"]) out[r["id"].get<std::int64_t>()] = r;
  return out;
}

/// The age group of each person (by first name) in a query as_of that date.
std::map<std::string, Json> groups_as_of(People& p, clmis::Session& s, const std::string& as_of) {
  const auto records = records_as_of(s, as_of);
  std::map<std::string, Json> out;
  for (const auto& [first, id] : p.id) out[first] = records.at(id)["age_group"];
  return out;
}

}  // namespace

TEST_CASE("age_group: a statistician's query as_of 2024-12-31 and as_of 2025-07-01", "[age_group][security][records]") {
  People p;
  p.add("June", "2000-06-30");
  p.add("January", "2000-01-01");
  // as_of 2024-12-31: 2024 - 2000 = 24 for both (31 December is after 30 June and 1 January).
  // as_of 2025-07-01: 2025 - 2000 = 25 for both (1 July is after 30 June and 1 January).
  for (auto* s : {&p.stat, &p.admin}) {
    auto g = groups_as_of(p, *s, "2024-12-31");
    CHECK(g["June"] == "20-24");
    CHECK(g["January"] == "20-24");
    g = groups_as_of(p, *s, "2025-07-01");
    CHECK(g["June"] == "25-29");
    CHECK(g["January"] == "25-29");
  }
  // The statistician: the birth date is null (not text), named in "masked"; age_group right after it.
  const Json r = records_as_of(p.stat, "2024-12-31").at(p.id["June"]);
  CHECK(r["date_of_birth"].is_null());
  CHECK(std::find(r["masked"].begin(), r["masked"].end(), "date_of_birth") != r["masked"].end());
  CHECK(std::find(r["masked"].begin(), r["masked"].end(), "age_group") == r["masked"].end());
  std::vector<std::string> keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
  const auto at = std::find(keys.begin(), keys.end(), "date_of_birth");
  REQUIRE(at + 1 < keys.end());
  CHECK(*(at + 1) == "age_group");
  // The administrator reads the date itself, and the same age group.
  const Json a = records_as_of(p.admin, "2024-12-31").at(p.id["June"]);
  CHECK(a["date_of_birth"] == "2000-06-30");
  CHECK(a["age_group"] == "20-24");
  CHECK(a.find("masked") == a.end());
}

TEST_CASE("age_group: birthdays, 29 February, the ends of the groups and a birth after as_of", "[age_group][records]") {
  People p;
  p.add("July", "2000-07-01");
  p.add("Leap", "2000-02-29");
  p.add("Old", "1960-07-01");
  struct Case {
    const char* as_of;
    const char* july;  // born 2000-07-01
    const char* leap;  // born 2000-02-29
    const char* old;   // born 1960-07-01
  };
  const Case cases[] = {
      // The day before the 25th birthday: 24 (June before July) → 20-24; 64 → 60-64.
      // Leap: 2025-06-30 is after 29 February: 25 → 25-29.
      {"2025-06-30", "20-24", "25-29", "60-64"},
      // The birthday itself: 25 → 25-29; 65 → 65+.
      {"2025-07-01", "25-29", "25-29", "65+"},
      // 2025 has no 29 February: on the 28th Leap is still 24 (28 < 29), 25 only on 1 March.
      {"2025-02-28", "20-24", "20-24", "60-64"},
      {"2025-03-01", "20-24", "25-29", "60-64"},
      // A leap year: 2020-02-28 → 19 (15-19), 2020-02-29 → 20 (20-24). July: 19 → 15-19.
      {"2020-02-28", "15-19", "15-19", "55-59"},
      {"2020-02-29", "15-19", "20-24", "55-59"},
      // The youngest group: 2015-06-30 → 14 → under 15; 2015-07-01 → 15 → 15-19 (Leap: 15 since
      // 1 March 2015 → 15-19; Old: 54 → 50-54 and 55 → 55-59).
      {"2015-06-30", "under 15", "15-19", "50-54"},
      {"2015-07-01", "15-19", "15-19", "55-59"},
      // July's day of birth: 0 → under 15 (Leap: 0 too); Old's 40th birthday → 40-44.
      {"2000-07-01", "under 15", "under 15", "40-44"},
  };
  for (const auto& c : cases) {
    INFO("as_of " << c.as_of);
    const auto g = groups_as_of(p, p.stat, c.as_of);
    CHECK(g.at("July") == c.july);
    CHECK(g.at("Leap") == c.leap);
    CHECK(g.at("Old") == c.old);
  }
  // Before a birth there is no age: null (2000-06-30 is the day before July's birth).
  const auto g = groups_as_of(p, p.stat, "2000-06-30");
  CHECK(g.at("July").is_null());
  CHECK(g.at("Leap") == "under 15");
  CHECK(g.at("Old") == "35-39");  // 40 on 2000-07-01, 39 the day before
}

TEST_CASE("age_group: get and a query without as_of count at today by the database's clock", "[age_group][clock]") {
  test::TempDir dir;
  // 2025-07-01T12:00:00Z = 1735689600 (2025-01-01) + 181 days (31+28+31+30+31+30) × 86400 + 12 h
  // = 1751371200: 08:00 on 1 July in Saint Kitts (UTC-4).
  auto now = std::make_shared<std::atomic<std::int64_t>>(1751371200 - 86400);  // 30 June
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.clock = [now] { return std::chrono::sys_seconds{std::chrono::seconds{now->load()}}; };
  auto db = clmis::Database::init(dir.file("nlad.db"), o);
  auto admin = db.login("admin", test::kPassword);
  admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                         {"must_change_password", false}});
  auto stat = db.login("stat", "statistics-pw-1");
  const auto id = admin.create("job_seeker", person("July", "2000-07-01"));
  CHECK(db.today() == "2025-06-30");
  // 2025-06-30: 24 → 20-24, in get and in a query without as_of (and with as_of null).
  CHECK(stat.get("job_seeker", id)["age_group"] == "20-24");
  CHECK(stat.get("job_seeker", id)["date_of_birth"].is_null());
  CHECK(admin.get("job_seeker", id)["age_group"] == "20-24");
  CHECK(stat.query("job_seeker")["records"][0]["age_group"] == "20-24");
  CHECK(stat.query("job_seeker", Json{{"as_of", nullptr}})["records"][0]["age_group"] == "20-24");
  *now += 86400;  // 2025-07-01: 25 → 25-29
  CHECK(db.today() == "2025-07-01");
  CHECK(stat.get("job_seeker", id)["age_group"] == "25-29");
  CHECK(stat.query("job_seeker")["records"][0]["age_group"] == "25-29");
  CHECK(stat.read_columns("job_seeker", Json{{"fields", {"age_group"}}}).columns[0].codes[0] == 3);  // 25-29
  // An explicit as_of wins over today.
  CHECK(stat.query("job_seeker", Json{{"as_of", "2025-06-30"}})["records"][0]["age_group"] == "20-24");
}

TEST_CASE("age_group: read_columns keeps masked dates typed and gives an ordered age_group column", "[age_group][columns][security]") {
  People p;
  p.add("June", "2000-06-30");
  p.add("July", "2000-07-01");
  const Json q = {{"as_of", "2025-06-30"}};
  for (auto* s : {&p.stat, &p.admin}) {
    const auto cs = s->read_columns("job_seeker", q);
    // Every column of the record, age_group right after date_of_birth.
    std::vector<std::string> names;
    for (const auto& c : cs.columns) names.push_back(c.name);
    const auto at = std::find(names.begin(), names.end(), "date_of_birth");
    REQUIRE(at + 1 < names.end());
    CHECK(*(at + 1) == "age_group");
    const Column& born = *cs.find("date_of_birth");
    CHECK(born.type == ColumnType::date);
    const Column& g = *cs.find("age_group");
    CHECK(g.type == ColumnType::code);
    CHECK(g.ordered);
    CHECK(g.categories == clmis::age_groups());
    CHECK(g.categories.size() == 12);
    CHECK(g.categories.front() == "under 15");
    CHECK(g.categories[1] == "15-19");
    CHECK(g.categories[2] == "20-24");
    CHECK(g.categories.back() == "65+");
    // June: 25 on 2025-06-30 → 25-29 (index 3); July: 24 → 20-24 (index 2).
    CHECK(g.codes == std::vector<std::int32_t>{3, 2});
    CHECK(g.valid == std::vector<std::uint8_t>{1, 1});
    if (s == &p.stat) {
      CHECK(born.valid == std::vector<std::uint8_t>{0, 0});  // masked: no value, still a date column
    } else {
      // 2000-06-30 = 30 years (1970..1999, 7 leap years: 72 76 80 84 88 92 96) = 10957 days,
      // + 2000's January..May (31+29+31+30+31 = 152) + 29 = 11138; 2000-07-01 = 11139.
      CHECK(born.valid == std::vector<std::uint8_t>{1, 1});
      CHECK(born.ints == std::vector<std::int64_t>{11138, 11139});
    }
  }
  // "fields" may name age_group alone (the birth date is read for it, not returned).
  const auto only = p.stat.read_columns("job_seeker", Json{{"fields", {"id", "age_group"}}, {"as_of", "2025-07-01"}});
  REQUIRE(only.columns.size() == 2);
  CHECK(only.columns[1].codes == std::vector<std::int32_t>{3, 3});
  const Json page = p.stat.query("job_seeker", Json{{"fields", {"age_group"}}, {"as_of", "2025-07-01"}});
  CHECK(page["records"][0] == Json{{"age_group", "25-29"}});  // nothing masked among the fields asked
}

TEST_CASE("as_of: a bad date is refused (rule query, path as_of) and changes nothing", "[age_group][records][security]") {
  People p;
  p.add("June", "2000-06-30");
  const std::string before = test::db_hash(p.db.path());
  for (const Json& bad : {Json("2025-02-30"), Json("2025-13-01"), Json("31/12/2024"), Json("2024-12-31T00:00:00Z"),
                          Json(""), Json(20241231), Json(true), Json::array({"2024-12-31"})}) {
    INFO(bad.dump());
    CHECK(test::errors_of([&] { (void)p.stat.query("job_seeker", Json{{"as_of", bad}}); }) ==
          test::Errs{{"as_of", "query"}});
    CHECK(test::errors_of([&] { (void)p.stat.read_columns("job_seeker", Json{{"as_of", bad}}); }) ==
          test::Errs{{"as_of", "query"}});
  }
  // Reported with the query's other errors, all together.
  CHECK(test::errors_of([&] { (void)p.stat.query("job_seeker", Json{{"as_of", "2025-02-30"}, {"limit", 0}}); }) ==
        test::Errs{{"as_of", "query"}, {"limit", "query"}});
  // An export: refused before anything is written or audited.
  clmis::ExportOptions o;
  o.as_of = "2025-02-30";
  std::ostringstream out;
  CHECK(test::errors_of([&] { (void)clmis::export_records(p.stat, "job_seeker", out, o); }) ==
        test::Errs{{"as_of", "query"}});
  CHECK(out.str().empty());
  CHECK_THROWS_AS(clmis::export_to_file(p.stat, "job_seeker", p.dir.file("js.csv"), o), clmis::ValidationError);
  CHECK(!std::filesystem::exists(p.dir.file("js.csv")));
  CHECK(test::db_hash(p.db.path()) == before);
}

TEST_CASE("age_group: not a field to filter or sort on, and only for types with a birth date", "[age_group][records]") {
  People p;
  p.add("June", "2000-06-30");
  const std::string before = test::db_hash(p.db.path());
  CHECK(test::errors_of([&] {
          (void)p.admin.query("job_seeker", Json{{"filter", Json::array({Json{{"field", "age_group"}, {"op", "eq"},
                                                                              {"value", "20-24"}}})}});
        }) == test::Errs{{"filter[0].field", "query"}});
  CHECK(test::errors_of([&] {
          (void)p.admin.query("job_seeker", Json{{"sort", Json::array({Json{{"field", "age_group"}}})}});
        }) == test::Errs{{"sort[0].field", "query"}});
  CHECK(test::db_hash(p.db.path()) == before);
  // An employer has no birth date: no age_group, and "fields" may not name it.
  p.admin.create("employer", Json{{"name", "Caribbean Cane Ltd"}});
  const Json employer = p.admin.query("employer")["records"][0];
  CHECK(employer.find("age_group") == employer.end());
  CHECK(test::errors_of([&] { (void)p.admin.query("employer", Json{{"fields", {"age_group"}}}); }) ==
        test::Errs{{"fields[0]", "query"}});
  const Json schema = p.db.schema();  // held: a range-for over a temporary's member reads freed memory
  CHECK(schema["record_types"].size() > 1);
  int with_age_group = 0;
  for (const auto& t : schema["record_types"]) {
    if (t["name"] == "job_seeker" || t["name"] == "complaint") {  // the types with a date_of_birth
      ++with_age_group;
      CHECK(t["age_group"]["from"] == "date_of_birth");
      CHECK(t["age_group"]["groups"] == Json(clmis::age_groups()));
    } else {
      CHECK(!t.contains("age_group"));
    }
  }
  CHECK(with_age_group == 2);
}

TEST_CASE("Export: an age_group column after date_of_birth at options.as_of, audited", "[age_group][io][export][security]") {
  People p;
  p.add("June", "2000-06-30");
  clmis::ExportOptions o;
  o.as_of = "2024-12-31";
  o.fields = {"id", "date_of_birth", "age_group"};
  std::ostringstream csv;
  CHECK(clmis::export_records(p.stat, "job_seeker", csv, o) == 1);
  // 2024-12-31: 24 → 20-24; the birth date masked: an empty cell.
  CHECK(csv.str() == "id,date_of_birth,age_group\r\n" + std::to_string(p.id["June"]) + ",,20-24\r\n");
  CHECK(p.admin.audit_entries(0, 1000).back()["detail"]["as_of"] == "2024-12-31");
  // Every column: age_group after date_of_birth; as_of 2025-07-01 → 25 → 25-29.
  o.fields.clear();
  o.as_of = "2025-07-01";
  std::ostringstream all;
  clmis::export_records(p.admin, "job_seeker", all, o);
  const std::string header = all.str().substr(0, all.str().find('\r'));
  CHECK(header.find(",date_of_birth,age_group,") != std::string::npos);
  CHECK(all.str().find(",2000-06-30,25-29,") != std::string::npos);
  // JSON Lines: the record as query gives it.
  o.format = "jsonl";
  std::ostringstream lines;
  clmis::export_records(p.stat, "job_seeker", lines, o);
  const Json r = Json::parse(lines.str());
  CHECK(r["date_of_birth"].is_null());
  CHECK(r["age_group"] == "25-29");
}
