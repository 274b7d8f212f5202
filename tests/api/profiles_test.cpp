// Generic country profiles (issue 17): the CARICOM members whose subdivisions are shipped, with
// their legal parameters and holidays declared missing; `profile check` (Database::profile_check)
// and what the engine does without the missing values. Expected values come from the CSV and
// JSON files read here directly, or are worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "pack/pack.hpp"
#include "support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

/// The seven generic profiles and the currency the issue names for each.
const std::map<std::string, std::string> kGeneric = {{"BHS", "BSD"}, {"BLZ", "BZD"}, {"BRB", "BBD"}, {"DMA", "XCD"},
                                                     {"GRD", "XCD"}, {"GUY", "GYD"}, {"JAM", "JMD"}};

std::string read_file(const std::string& rel) {
  std::ifstream in(std::string(CLMIS_SOURCE_DIR) + "/" + rel);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// (code, name) of a country's rows of data/classifications/subdivisions.csv, read line by line
/// (no field of these countries is quoted: a line with other than 4 fields fails the test).
std::set<std::pair<std::string, std::string>> csv_subdivisions(const std::string& iso3) {
  std::istringstream in(read_file("data/classifications/subdivisions.csv"));
  std::string line;
  std::set<std::pair<std::string, std::string>> out;
  std::getline(in, line);
  REQUIRE(line == "country,code,name,type");
  while (std::getline(in, line)) {
    if (line.rfind(iso3 + ",", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    REQUIRE(cells.size() == 4);
    out.emplace(cells[1], cells[2]);
  }
  return out;
}

clmis::Database country_db(const test::TempDir& dir, const std::string& iso3) {
  clmis::InitOptions o;
  o.country = iso3;
  o.admin_password = test::kPassword;
  return clmis::Database::init(dir.file(iso3 + ".db"), o);
}

/// The items of a group of the report by parameter.
std::map<std::string, Json> items(const Json& report, const char* group) {
  std::map<std::string, Json> out;
  for (const auto& i : report[group]) out[i["parameter"].get<std::string>()] = i;
  return out;
}

/// The pack's deadlines that run everywhere but are not verified (the pack's permissive
/// defaults), read from data/packs/standard/pack.json, and the per-profile ones.
std::pair<std::set<std::string>, std::set<std::string>> pack_deadlines() {
  const Json pack = Json::parse(read_file("data/packs/standard/pack.json"));
  std::set<std::string> unverified, per_profile;
  for (const auto& t : pack["record_types"]) {
    if (!t.contains("workflow") || !t["workflow"].contains("deadlines")) continue;
    for (const auto& d : t["workflow"]["deadlines"]) {
      if (d.value("per_profile", false)) per_profile.insert(d["id"].get<std::string>());
      else if (!d.value("verified", false)) unverified.insert(d["id"].get<std::string>());
    }
  }
  return {unverified, per_profile};
}

}  // namespace

TEST_CASE("Each generic CARICOM profile initialises a database with exactly its subdivisions of the CSV", "[profiles][generic]") {
  test::TempDir dir;
  for (const auto& [iso, currency] : kGeneric) {
    INFO(iso);
    const auto expected = csv_subdivisions(iso);
    // SOURCES.md §4 counts these rows: BHS 32, BLZ 6, BRB 11, DMA 10, GRD 7, GUY 10, JAM 14.
    CHECK(expected.size() == std::map<std::string, size_t>{{"BHS", 32}, {"BLZ", 6}, {"BRB", 11}, {"DMA", 10},
                                                           {"GRD", 7},  {"GUY", 10}, {"JAM", 14}}.at(iso));
    auto db = country_db(dir, iso);
    const Json schema = db.schema();
    CHECK(schema["country"]["iso3"] == iso);
    CHECK(schema["country"]["currency"] == currency);
    CHECK(schema["country"]["languages"][0] == "en");
    CHECK(schema["country"]["calendar"].is_null());
    // No legal parameter has a value: all three are declared missing.
    CHECK(schema["country"]["legal"].empty());
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& c : db.codes("parish", "en")) got.emplace(c["code"].get<std::string>(), c["label"].get<std::string>());
    CHECK(got == expected);
    // And in the file itself, through SQLite.
    CHECK(test::raw_scalar(db.path(), "SELECT count(*) FROM clmis_code WHERE list = 'parish'") ==
          std::to_string(expected.size()));
  }
}

TEST_CASE("The thirteen country profiles are the seed's six and the seven generic ones", "[profiles][generic]") {
  auto src = clmis::pack::embedded_source();
  CHECK(clmis::pack::list_profiles(*src) == std::vector<std::string>{"ATG", "BHS", "BLZ", "BRB", "DMA", "GRD", "GUY",
                                                                      "JAM", "KNA", "LCA", "SUR", "TTO", "VCT"});
  const auto pack = clmis::pack::load_pack(*src);
  for (const auto& [iso, currency] : kGeneric) {
    INFO(iso);
    const auto p = clmis::pack::load_profile(*src, iso, pack);
    CHECK(p.legal.empty());
    CHECK(p.missing_legal.size() == 3);
    CHECK_FALSE(p.calendar);
    REQUIRE(p.calendar_missing);
    // The note is the profile file's own words.
    const Json file = Json::parse(read_file("data/countries/" + iso + ".json"));
    CHECK(*p.calendar_missing == file["calendar"]["note"].get<std::string>());
    CHECK(p.missing_legal.at("minimum_working_age") == file["legal"]["minimum_working_age"]["note"].get<std::string>());
    REQUIRE(p.department);
    CHECK_FALSE(p.department->verified);
  }
}

TEST_CASE("profile check of a generic profile lists its missing legal parameters and holidays and its unverified deadlines and department", "[profiles][generic][check]") {
  test::TempDir dir;
  auto db = country_db(dir, "BHS");
  const std::string before = test::db_hash(db.path());
  const Json r = db.profile_check();
  CHECK(test::db_hash(db.path()) == before);  // a report changes nothing
  // Without a database, from the profile built in: the same report.
  CHECK(clmis::Database::profile_check_country("BHS") == r);

  CHECK(r["country"] == "BHS");
  CHECK(r["name"] == "The Bahamas");
  const auto legal = items(r, "legal");
  CHECK(legal.size() == 3);
  for (const char* name : {"minimum_working_age", "nis_number_pattern", "severance"}) {
    INFO(name);
    REQUIRE(legal.count(name));
    CHECK(legal.at(name)["status"] == "missing");
    CHECK_FALSE(legal.at(name).contains("value"));
    CHECK_FALSE(legal.at(name)["effects"].empty());
  }
  CHECK_THAT(legal.at("minimum_working_age")["effects"][0].get<std::string>(),
             Catch::StartsWith("job_seeker: the age at registration_date is not checked"));
  CHECK_THAT(legal.at("severance")["effects"][0].get<std::string>(),
             Catch::Contains("redundancy.workers[].severance: not computed"));

  const auto holidays = items(r, "holidays");
  REQUIRE(holidays.size() == 1);
  CHECK(holidays.at("calendar")["status"] == "missing");
  CHECK_THAT(holidays.at("calendar")["effects"][0].get<std::string>(),
             Catch::Contains("complaint.acknowledge") && Catch::Contains("count only Saturday and Sunday"));

  // The pack's defaults are listed unverified, the per-profile deadline missing.
  const auto [unverified, per_profile] = pack_deadlines();
  const auto deadlines = items(r, "deadlines");
  CHECK(deadlines.size() == unverified.size() + per_profile.size());
  for (const auto& id : unverified) {
    INFO(id);
    REQUIRE(deadlines.count(id));
    CHECK(deadlines.at(id)["status"] == "unverified");
    CHECK(deadlines.at(id)["from_profile"] == false);
  }
  for (const auto& id : per_profile) CHECK(deadlines.at(id)["status"] == "missing");
  CHECK(deadlines.at("complaint.acknowledge")["value"] == Json{{"length", 5}, {"unit", "working_days"}});

  const auto department = items(r, "department");
  REQUIRE(department.size() == 1);
  CHECK(department.at("department")["status"] == "unverified");
  CHECK(department.at("department")["value"] == Json{{"en", "Department of Labour"}});

  // 3 legal + the calendar + the per-profile deadline(s) missing; the pack's deadlines and the
  // department unverified.
  CHECK(r["missing"] == 3 + 1 + per_profile.size());
  CHECK(r["unverified"] == unverified.size() + 1);
}

TEST_CASE("profile check of the seed's profiles lists what is unverified and what they leave out", "[profiles][check]") {
  // Saint Kitts and Nevis: every legal parameter has a value, none verified; its calendar's
  // unverified rules are listed; it gives no redundancy notice period (missing).
  const Json kna = clmis::Database::profile_check_country("KNA");
  const auto legal = items(kna, "legal");
  CHECK(legal.size() == 3);
  CHECK(legal.at("minimum_working_age")["status"] == "unverified");
  CHECK(legal.at("minimum_working_age")["value"] == 14);
  CHECK(legal.at("severance")["value"]["minimum_service_months"] == 12);
  const Json cal = Json::parse(read_file("data/calendars/KNA.json"));
  size_t rules_unverified = 0;
  for (const auto& rule : cal["rules"]) rules_unverified += rule["verified"] == false ? 1 : 0;
  const auto holidays = items(kna, "holidays");
  CHECK(holidays.count("calendar.rules.good_friday"));
  size_t rule_items = 0;
  for (const auto& [name, i] : holidays) rule_items += name.rfind("calendar.rules.", 0) == 0 ? 1 : 0;
  CHECK(rule_items == rules_unverified);
  CHECK(items(kna, "deadlines").at("redundancy.notice")["status"] == "missing");
  CHECK(kna["missing"] == 1);

  // Saint Lucia's severance is verified (Labour Act s.160): not listed.
  CHECK(items(clmis::Database::profile_check_country("LCA"), "legal").count("severance") == 0);
  // Suriname declares no severance rule: listed missing, though the profile does not say so.
  const auto sur = items(clmis::Database::profile_check_country("SUR"), "legal");
  CHECK(sur.at("severance")["status"] == "missing");
  CHECK(sur.at("severance")["note"] == "the country profile does not declare it");
  // Trinidad and Tobago gives the redundancy notice period (45 days, not verified).
  const auto tto = items(clmis::Database::profile_check_country("TTO"), "deadlines");
  CHECK(tto.at("redundancy.notice")["status"] == "unverified");
  CHECK(tto.at("redundancy.notice")["from_profile"] == true);
  CHECK(tto.at("redundancy.notice")["value"] == Json{{"length", 45}, {"unit", "calendar_days"}});

  CHECK_THROWS_AS(clmis::Database::profile_check_country("XYZ"), clmis::NotFound);
  CHECK_THROWS_AS(clmis::Database::profile_check_country("bhs"), clmis::NotFound);
}

TEST_CASE("A generic country registers job seekers and vacancies without the missing values", "[profiles][generic]") {
  test::TempDir dir;
  auto db = country_db(dir, "BHS");
  auto s = db.login("admin", test::kPassword);
  const auto employer = s.create("employer", Json{{"name", "Nassau Marine Ltd"}, {"parish", "BS-NP"}});
  CHECK(s.warnings().empty());

  // The minimum age is missing: a job seeker of 10 is registered, with a warning that says the
  // age was not checked (born 2015-03-03, 10 on 2025-03-03).
  const auto js = s.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "Keisha"},
                                              {"family_name", "Rolle"}, {"sex", "F"}, {"date_of_birth", "2015-03-03"},
                                              {"parish", "BS-NP"}, {"city", "Nassau"}, {"nis_number", "AB-12 x/9"}});
  CHECK(js > 0);
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0]["rule"] == "min_age_at");
  CHECK(s.warnings()[0]["path"] == "date_of_birth");
  CHECK(s.warnings()[0]["parameter"] == "minimum_working_age");
  CHECK_THAT(s.warnings()[0]["message"].get<std::string>(), Catch::Contains("missing from the country profile"));
  // The NIS number's form is missing: any text is kept as given.
  CHECK(s.get("job_seeker", js)["nis_number"] == "AB-12 x/9");
  // A birth after the registration is still refused, and changes nothing.
  const std::string before = test::db_hash(db.path());
  const Errs later = errors_of([&] {
    s.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "A"}, {"family_name", "B"},
                                {"sex", "M"}, {"date_of_birth", "2025-03-04"}, {"parish", "BS-NP"}});
  });
  CHECK(std::count(later.begin(), later.end(), std::pair<std::string, std::string>{"date_of_birth", "min_age_at"}) == 1);
  CHECK(test::db_hash(db.path()) == before);
  // Another country's subdivision is refused.
  CHECK(errors_of([&] { s.create("employer", Json{{"name", "E"}, {"parish", "KN-01"}}); }) == Errs{{"parish", "code_list"}});

  const auto vac = s.create("vacancy", Json{{"employer", employer}, {"job_title", "Line cook"}, {"occupation", "5120"},
                                            {"date_registered", "2025-05-02"}, {"contract_type", "permanent"},
                                            {"wage_min", {{"amount", "1500.00"}, {"currency", "BSD"}}},
                                            {"wage_max", {{"amount", "2200.50"}, {"currency", "BSD"}}},
                                            {"wage_period", "month"}});
  CHECK(s.get("vacancy", vac)["wage_max"] == Json{{"amount", "2200.50"}, {"currency", "BSD"}});

  // Severance is missing: a redundant worker's severance is not computed.
  const auto red = s.create("redundancy", Json{{"employer", employer}, {"notice_date", "2025-06-02"},
                                               {"effective_date", "2025-07-01"}, {"reason", "closure"},
                                               {"workers", Json::array({Json{{"sex", "F"}, {"years_of_service", 10},
                                                                             {"weekly_pay", {{"amount", "300.00"}, {"currency", "BSD"}}}}})}});
  CHECK(s.get("redundancy", red)["workers"][0]["severance"].is_null());
  // No notice period: the redundancy has no deadline.
  CHECK(s.deadlines("redundancy", red).empty());

  // The holidays are missing: working days count only Saturday and Sunday off. Received
  // Wednesday 2025-12-24, acknowledged within 5 working days: Thu 25 (Christmas is not known),
  // Fri 26, Mon 29, Tue 30, Wed 31 → 2025-12-31.
  const auto c = s.create("complaint", Json{{"date_received", "2025-12-24"}, {"first_name", "Ann"}, {"family_name", "Knowles"},
                                            {"sex", "F"}, {"employer_name", "Nassau Marine Ltd"}});
  std::string due;
  for (const auto& d : s.deadlines("complaint", c))
    if (d["deadline"] == "complaint.acknowledge") due = d["due"].get<std::string>();
  CHECK(due == "2025-12-31");
  // The calendar itself is refused, saying why.
  try {
    (void)db.calendar(2025);
    FAIL("no NotFound");
  } catch (const clmis::NotFound& e) {
    CHECK_THAT(e.what(), Catch::Contains("declares its holiday calendar missing"));
  }
}

TEST_CASE("Malformed declarations of missing values are refused with file and JSON path and nothing is made", "[profiles][errors]") {
  test::TempDir dir;
  struct Case {
    const char* name;
    std::function<void(Json&)> edit;
    const char* path;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"missing false", [](Json& j) { j["legal"]["minimum_working_age"] = {{"missing", false}, {"note", "x"}}; },
       "/legal/minimum_working_age/missing", "only true"},
      {"missing without a note", [](Json& j) { j["legal"]["minimum_working_age"] = {{"missing", true}}; },
       "/legal/minimum_working_age", "missing required key \"note\""},
      {"missing with an empty note", [](Json& j) { j["legal"]["minimum_working_age"] = {{"missing", true}, {"note", ""}}; },
       "/legal/minimum_working_age/note", "say what is missing"},
      {"missing and a value", [](Json& j) {
         j["legal"]["minimum_working_age"] = {{"missing", true}, {"note", "x"}, {"value", 14}};
       }, "/legal/minimum_working_age/value", "unknown key"},
      {"an unknown parameter missing", [](Json& j) { j["legal"]["retirement_age"] = {{"missing", true}, {"note", "x"}}; },
       "/legal/retirement_age", "unknown legal parameter"},
      {"calendar missing false", [](Json& j) { j["calendar"] = {{"missing", false}, {"note", "x"}}; },
       "/calendar/missing", "only true"},
      {"calendar missing and a file", [](Json& j) {
         j["calendar"] = {{"missing", true}, {"note", "x"}, {"file", "calendars/KNA.json"}};
       }, "/calendar/file", "unknown key"},
      {"calendar missing with an empty note", [](Json& j) { j["calendar"] = {{"missing", true}, {"note", ""}}; },
       "/calendar/note", "say what is missing"},
  };
  int n = 0;
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string root = test::copy_data(dir, "data" + std::to_string(n));
    const std::string file = root + "/countries/KNA.json";
    test::edit_json(file, c.edit);
    clmis::InitOptions o;
    o.country = "KNA";
    o.admin_password = test::kPassword;
    o.data_dir = root;
    const std::string path = dir.file("bad" + std::to_string(n++) + ".db");
    try {
      clmis::Database::init(path, o);
      FAIL("no PackError");
    } catch (const clmis::PackError& e) {
      const std::string msg = e.what();
      CHECK_THAT(msg, Catch::StartsWith(file + ": "));
      CHECK_THAT(msg, Catch::Contains(std::string(": ") + c.path + ": "));
      CHECK_THAT(msg, Catch::Contains(c.reason));
    }
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_THROWS_AS(clmis::Database::profile_check_country("KNA", root), clmis::PackError);
  }
}

TEST_CASE("A rule on a missing age parameter warns instead of checking and the fixture's report names it", "[profiles][check]") {
  // The fixture pack's sample record has min_age_at on minimum_working_age.
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data");
  test::edit_json(root + "/countries/KNA.json", [](Json& j) {
    j["legal"]["minimum_working_age"] = {{"missing", true}, {"note", "not yet known"}};
  });
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.data_dir = root;
  auto db = clmis::Database::init(dir.file("fixture.db"), o);
  auto s = db.login("admin", test::kPassword);
  // 0 years old at `at`: with the fixture's 16 this is refused (records_test); here it warns.
  CHECK(s.create("sample", Json{{"title", "x"}, {"day", "2000-01-02"}, {"at", "2000-01-02T00:00:00Z"}}) > 0);
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0]["rule"] == "min_age_at");
  CHECK(s.warnings()[0]["path"] == "day");
  // Without a birth date the rule does not apply: no warning.
  CHECK(s.create("sample", Json{{"title", "y"}}) > 0);
  CHECK(s.warnings().empty());
  const auto legal = items(db.profile_check(), "legal");
  CHECK(legal.at("minimum_working_age")["note"] == "not yet known");
  CHECK_THAT(legal.at("minimum_working_age")["effects"][0].get<std::string>(), Catch::StartsWith("sample: the age at at"));
}
