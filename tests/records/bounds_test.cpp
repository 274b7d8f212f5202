// Plausibility bounds in the pack (issue 12, defect 7): dates, amounts and counts the forms mean,
// declared by the pack author (min/max on date, money and integer fields); records stored before
// a bound tightened stay readable, are listed by check(), and an update must correct them.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <sys/stat.h>

using clmis::Json;

namespace {

Json job_seeker(const std::string& birth) {
  return Json{{"registration_date", "2025-03-03"}, {"first_name", "Keisha"}, {"family_name", "Liburd"},
              {"nis_number", "1846398"}, {"sex", "F"}, {"date_of_birth", birth}, {"parish", "KN-03"}};
}

Json employer(const Json& workers_male) {
  return Json{{"name", "Bounds Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}, {"workers_male", workers_male}};
}

/// The (path, rule, message) of the one error of a refused create.
std::tuple<std::string, std::string, std::string> refused(clmis::Session& s, const std::string& type, const Json& r) {
  try {
    s.create(type, r);
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    return {e.errors()[0].path, e.errors()[0].rule, e.errors()[0].message};
  }
  FAIL("accepted: " << r.dump());
  return {};
}

}  // namespace

TEST_CASE("Bounds: birth dates before 1900, negative amounts and implausible counts are refused", "[records][bounds][errors]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string f = dir.file("nlad.db");
  const std::string before = test::db_hash(f);
  // The repros: 0000-01-01 and 0001-01-01 were accepted as birth dates.
  for (const char* d : {"0000-01-01", "0001-01-01", "1899-12-31"}) {
    INFO(d);
    CHECK(refused(admin, "job_seeker", job_seeker(d)) ==
          std::tuple<std::string, std::string, std::string>{"date_of_birth", "range", "must be on or after 1900-01-01"});
  }
  // A wage expectation of -5.00 (XCD has 2 decimals; the bound "0" is 0.0000 at 4 places).
  Json js = job_seeker("1990-02-10");
  js["wage_expectation"] = Json{{"amount", "-5.00"}, {"currency", "XCD"}};
  CHECK(refused(admin, "job_seeker", js) ==
        std::tuple<std::string, std::string, std::string>{"wage_expectation", "range", "must be at least 0 XCD"});
  js["wage_expectation"] = Json{{"amount", "-0.01"}, {"currency", "USD"}};
  CHECK(std::get<1>(refused(admin, "job_seeker", js)) == "range");
  // 2^63 - 1 workers, and one over the declared 1,000,000.
  CHECK(refused(admin, "employer", employer(std::int64_t{9223372036854775807})) ==
        std::tuple<std::string, std::string, std::string>{"workers_male", "range", "must be at most 1000000"});
  CHECK(std::get<2>(refused(admin, "employer", employer(1000001))) == "must be at most 1000000");
  CHECK(test::db_hash(f) == before);
  // At the bounds: accepted.
  CHECK(admin.create("job_seeker", job_seeker("1900-01-01")) == 1);
  js = job_seeker("1990-02-10");
  js["nis_number"] = "2200456";
  js["first_name"] = "Kay";
  js["wage_expectation"] = Json{{"amount", "0.00"}, {"currency", "XCD"}};
  CHECK(admin.create("job_seeker", js) == 2);
  CHECK(admin.create("employer", employer(1000000)) == 1);
  // The schema shows the bounds to a frontend.
  const Json schema = db.schema();
  for (const auto& t : schema["record_types"])
    for (const auto& fl : t["fields"]) {
      if (t["name"] == "job_seeker" && fl["name"] == "date_of_birth") CHECK(fl["min"] == "1900-01-01");
      if (t["name"] == "job_seeker" && fl["name"] == "wage_expectation") CHECK(fl["min"] == "0");
      if (t["name"] == "employer" && fl["name"] == "workers_male") CHECK(fl["max"] == "1000000");
    }
}

TEST_CASE("Bounds: a pack author declares them, and malformed bounds are refused with their place", "[pack][bounds][errors]") {
  test::TempDir dir;
  auto edit_field = [&](const std::string& name, const std::function<void(Json&)>& edit) {
    const std::string data = test::copy_data(dir, name);
    test::edit_json(data + "/packs/standard/pack.json", [&](Json& p) {
      for (auto& t : p["record_types"])
        for (auto& fl : t["fields"])
          if (fl["type"] == "date" || fl["type"] == "money" || fl["type"] == "integer") edit(fl);
    });
    return data;
  };
  auto init_with = [&](const std::string& data) {
    clmis::InitOptions o;
    o.country = "KNA";
    o.admin_password = test::kPassword;
    o.data_dir = data;
    return clmis::Database::init(dir.file(data.substr(data.rfind('/') + 1) + ".db"), o);
  };
  // A date bound that is not a date; a money bound with 5 places; min after max.
  const auto bad_date = edit_field("d1", [](Json& f) { if (f["type"] == "date") f["min"] = "1900-13-01"; });
  CHECK_THROWS_WITH(init_with(bad_date), Catch::Contains("/min") && Catch::Contains("expected a date"));
  const auto bad_money = edit_field("d2", [](Json& f) { if (f["type"] == "money") f["min"] = "0.00001"; });
  CHECK_THROWS_WITH(init_with(bad_money), Catch::Contains("/min") && Catch::Contains("decimal string"));
  const auto crossed = edit_field("d3", [](Json& f) {
    if (f["type"] == "date") {
      f["min"] = "2000-01-01";
      f["max"] = "1999-12-31";
    }
  });
  CHECK_THROWS_WITH(init_with(crossed), Catch::Contains("min is after max"));
  // A money bound in the fixture pack applies in the currency's own minor units.
  const auto money = edit_field("d4", [](Json& f) { if (f["type"] == "money") f["max"] = "10.005"; });
  auto db = init_with(money);
  auto admin = db.login("admin", test::kPassword);
  const Json schema = db.schema();  // held: a range-for over a temporary's member dangles
  for (const auto& t : schema["record_types"])
    if (t["name"] == "sample")
      for (const auto& fl : t["fields"])
        if (fl["type"] == "money") CHECK(fl["max"] == "10.005");
  // sample.pay is money: 10.00 and 10.01 XCD around a bound of 10.005.
  CHECK(admin.create("sample", Json{{"title", "ok"}, {"pay", {{"amount", "10.00"}, {"currency", "XCD"}}}}) == 1);
  CHECK_THROWS_WITH(admin.create("sample", Json{{"title", "over"}, {"pay", {{"amount", "10.01"}, {"currency", "XCD"}}}}),
                    Catch::Contains("must be at most 10.005 XCD"));
}

TEST_CASE("Bounds: records stored before a bound tightened stay readable, are listed by check, and an update must fix them", "[records][bounds][check]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string f = dir.file("nlad.db");
  const auto id = admin.create("employer", employer(120));
  const auto js = admin.create("job_seeker", job_seeker("1990-02-10"));
  // An older clmis stored these (no bounds then): written raw, as they would be on disk.
  test::raw_exec(f, "UPDATE employer SET workers_male = 9223372036854775807 WHERE id = " + std::to_string(id));
  // 0001-01-01 as stored (format 6: days since 1970-01-01): Python's date(1, 1, 1).toordinal()
  // is 1 and date(1970, 1, 1)'s is 719163, so it is day 1 - 719163 = -719162.
  test::raw_exec(f, "UPDATE job_seeker SET date_of_birth = -719162 WHERE id = " + std::to_string(js));
  // Readable as stored: nothing is altered silently.
  CHECK(admin.get("employer", id)["workers_male"] == std::int64_t{9223372036854775807});
  CHECK(admin.get("job_seeker", js)["date_of_birth"] == "0001-01-01");
  // check() lists both (the birth date is personal: its value is not repeated).
  const Json report = admin.check();
  CHECK(report["ok"] == false);
  CHECK(report["integrity"]["ok"] == true);
  CHECK(report["audit"]["ok"] == true);
  CHECK(report["records"]["refused"] == 2);
  CHECK(report["records"]["checked"] == 2);
  REQUIRE(report["records"]["problems"].size() == 2);
  const Json& p0 = report["records"]["problems"][0];
  CHECK(p0["record_type"] == "employer");
  CHECK(p0["id"] == id);
  CHECK(p0["path"] == "workers_male");
  CHECK(p0["rule"] == "range");
  CHECK(p0["value"] == std::int64_t{9223372036854775807});
  const Json& p1 = report["records"]["problems"][1];
  CHECK(p1["record_type"] == "job_seeker");
  CHECK(p1["path"] == "date_of_birth");
  CHECK(p1["value"].is_null());
  CHECK(admin.check(1)["records"]["truncated"] == true);
  // An update that leaves the value is refused, naming it; one that corrects it is accepted.
  const std::string before = test::db_hash(f);
  try {
    admin.update("employer", id, 1, Json{{"telephone", "+1 869 465 0000"}});
    FAIL("accepted");
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].path == "workers_male");
    CHECK(e.errors()[0].rule == "range");
    CHECK_THAT(e.errors()[0].message, Catch::Contains("the stored value no longer meets the rules (must be at most 1000000)"));
  }
  CHECK(test::db_hash(f) == before);
  CHECK(admin.update("employer", id, 1, Json{{"telephone", "+1 869 465 0000"}, {"workers_male", 120}}) == 2);
  CHECK(admin.update("job_seeker", js, 1, Json{{"date_of_birth", "1990-02-10"}}) == 2);
  const Json clean = admin.check();
  CHECK(clean["records"]["refused"] == 0);
  CHECK(clean["ok"] == true);
  // check needs the audit permission.
  admin.user_create(Json{{"name", "officer1"}, {"password", "officer-pass-1"}, {"roles", {"officer"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  CHECK_THROWS_AS(db.login("officer1", "officer-pass-1").check(), clmis::PermissionDenied);
}

TEST_CASE("check: files readable by others and a missing or readable key are reported", "[check][files]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string f = dir.file("nlad.db");
  CHECK(admin.check()["ok"] == true);
  REQUIRE(::chmod(f.c_str(), 0644) == 0);
  Json report = admin.check();
  CHECK(report["ok"] == false);
  CHECK(report["files"][0]["path"] == f);
  CHECK(report["files"][0]["mode"] == "0644");
  CHECK_THAT(report["files"][0]["problem"].get<std::string>(), Catch::Contains("chmod 600"));
  db.close();
  // Without opening: a key file others can read, then none at all.
  REQUIRE(::chmod((f + ".key").c_str(), 0644) == 0);
  report = clmis::Database::check_files(f);
  CHECK(report["ok"] == false);
  CHECK(report["files"][4]["role"] == "key");
  CHECK_THAT(report["files"][4]["problem"].get<std::string>(), Catch::Contains("readable by group or others"));
  std::filesystem::remove(f + ".key");
  report = clmis::Database::check_files(f);
  CHECK(report["files"][4]["exists"] == false);
  CHECK_THAT(report["files"][4]["problem"].get<std::string>(), Catch::Contains("the audit key file is missing"));
  CHECK_THROWS_AS(clmis::Database::check_files(""), clmis::Misuse);
}
