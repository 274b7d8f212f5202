// The registries of the standard pack through the C++ API: job seekers (Form 24), vacancies
// (Form 25) and organisations, with their child sections, rules, warnings, lifecycles and the
// stock of active job seekers at a date computed from history.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"

#include <map>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

/// A valid job seeker of Saint Kitts and Nevis (KNA: minimum working age 14 in the profile,
/// NIS numbers of 1 to 12 digits).
Json job_seeker(const std::string& first, const std::string& family, const std::string& nis,
                const std::string& registered = "2025-03-03", const std::string& born = "1999-07-14") {
  return Json{{"registration_date", registered},
              {"first_name", first},
              {"family_name", family},
              {"nis_number", nis},
              {"sex", "F"},
              {"date_of_birth", born},
              {"parish", "KN-03"},
              {"city", "Basseterre"}};
}

std::int64_t employer(clmis::Session& s) {
  return s.create("employer", Json{{"name", "Ocean Terrace Inn"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
}

}  // namespace

TEST_CASE("Job seeker: the Form 24 identification fields, in the seed's order and names", "[registries][job_seeker]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const Json schema = db.schema();
  const Json* js = nullptr;
  for (const auto& t : schema["record_types"])
    if (t["name"] == "job_seeker") js = &t;
  REQUIRE(js);
  std::vector<std::string> first13;
  for (size_t i = 0; i < 13; ++i) first13.push_back((*js)["fields"][i]["name"]);
  // The seed's St. Kitts job-seeker screen, as the issue names its fields.
  CHECK(first13 == std::vector<std::string>{"registration_no", "reference_no", "registration_date", "first_name",
                                            "family_name", "nis_number", "sex", "date_of_birth", "parish", "city",
                                            "street", "house_number", "telephone"});
  std::vector<std::string> sections;
  for (const auto& sec : (*js)["sections"]) sections.push_back(sec["name"]);
  CHECK(sections == std::vector<std::string>{"education", "experience", "skills", "desired_occupations"});
}

TEST_CASE("Job seeker: create, get, update child sections, archive, query", "[registries][job_seeker]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  Json in = job_seeker("Keisha", "Liburd", "1846398");
  in["reference_no"] = "BT/2025/117";
  in["telephone"] = "869-465-0000";
  in["wage_expectation"] = {{"amount", "1800.00"}, {"currency", "XCD"}};
  in["wage_period"] = "month";
  in["education"] = Json::array({Json{{"isced_level", "3"}, {"institution", "Basseterre High School"}, {"year_completed", 2016}}});
  in["experience"] = Json::array({Json{{"occupation", "5131"}, {"employer_name", "Marriott"}, {"from", "2017-01-09"}, {"to", "2019-12-31"}},
                                  Json{{"occupation", "4224"}, {"employer_name", "Ocean Terrace Inn"}, {"from", "2020-02-01"}}});
  in["skills"] = Json::array({Json{{"kind", "certificate"}, {"name", "Food handler's permit"}, {"year", 2018}}});
  in["desired_occupations"] = Json::array({Json{{"occupation", "4224"}}, Json{{"occupation", "5131"}}});
  const auto id = s.create("job_seeker", in);
  CHECK(s.warnings() == Json::array());
  Json r = s.get("job_seeker", id);
  CHECK(r["registration_no"] == "JS-000001");  // assigned: the first of the sequence, 6 digits
  CHECK(r["status"] == "registered");           // the workflow's initial state
  CHECK(r["outcome"] == nullptr);
  CHECK(r["wage_expectation"] == Json{{"amount", "1800.00"}, {"currency", "XCD"}});
  CHECK(r["experience"].size() == 2);
  CHECK(r["experience"][1]["to"] == nullptr);
  CHECK(r["desired_occupations"][1]["occupation"] == "5131");
  // Independently, through SQL: the child rows are in their tables, in order.
  CHECK(test::raw_scalar(f, "SELECT group_concat(occupation, ',') FROM (SELECT occupation FROM job_seeker__experience "
                            "WHERE parent_id = " + std::to_string(id) + " ORDER BY item_no)") == "5131,4224");

  // Child-section edits: a section given replaces that section; others stay.
  const auto v2 = s.update("job_seeker", id, 1,
                           Json{{"experience", Json::array({Json{{"occupation", "4224"}, {"employer_name", "Ocean Terrace Inn"},
                                                                 {"from", "2020-02-01"}, {"to", "2025-02-28"}}})},
                                {"skills", Json::array()}});
  CHECK(v2 == 2);
  r = s.get("job_seeker", id);
  CHECK(r["experience"] == Json::array({Json{{"occupation", "4224"}, {"job_title", nullptr}, {"employer_name", "Ocean Terrace Inn"},
                                             {"from", "2020-02-01"}, {"to", "2025-02-28"}, {"duties", nullptr}}}));
  CHECK(r["skills"] == Json::array());
  CHECK(r["education"].size() == 1);
  CHECK(r["desired_occupations"].size() == 2);
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM job_seeker__skills") == "0");
  // A bad entry inside a section is reported with its path, and nothing changes.
  const std::string h = test::db_hash(f);
  CHECK(errors_of([&] {
          s.update("job_seeker", id, 2, Json{{"experience", Json::array({Json{{"occupation", "42"}, {"from", "2020-02-01"}},
                                                                         Json{{"occupation", "4224"}, {"from", "2024-01-01"}, {"to", "2023-01-01"}}})}});
        }) == Errs{{"experience[0].occupation", "code_list"}, {"experience[1].to", "date_order"}});
  CHECK(test::db_hash(f) == h);

  // The registration number is assigned by clmis, never given.
  CHECK(errors_of([&] { s.update("job_seeker", id, 2, Json{{"registration_no", "JS-999999"}}); }) ==
        Errs{{"registration_no", "read_only"}});
  // Query by parish and family name.
  s.create("job_seeker", job_seeker("Dwayne", "Browne", "2200001"));
  Json page = s.query("job_seeker", Json{{"filter", Json::array({Json{{"field", "family_name"}, {"op", "eq"}, {"value", "Liburd"}}})}});
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  page = s.query("job_seeker", Json{{"sort", Json::array({Json{{"field", "registration_no"}}})}});
  REQUIRE(page["records"].size() == 2);
  CHECK(page["records"][1]["registration_no"] == "JS-000002");

  // Archive (the seed's Delete): with a reason; its number is never reused.
  s.archive("job_seeker", id, 2, "registered twice by mistake");
  CHECK(s.get("job_seeker", id)["archived"] == true);
  const auto third = s.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398"));
  CHECK(s.get("job_seeker", third)["registration_no"] == "JS-000003");
}

TEST_CASE("Job seeker rules: NIS number, age, birth date, experience, one active registration per NIS number", "[registries][job_seeker][rules]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  const auto first = s.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398"));
  const std::string h = test::db_hash(f);
  // KNA pattern ^[0-9]{1,12}$ (profile, not yet verified).
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("A", "B", "18-46398")); }) == Errs{{"nis_number", "pattern"}});
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("A", "B", "1234567890123")); }) == Errs{{"nis_number", "pattern"}});
  // One registration that is not archived or closed per NIS number.
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("Kay", "Liburd", "1846398")); }) == Errs{{"nis_number", "unique_active"}});
  // Minimum working age in KNA's profile: 14. Born 2011-03-04, registered 2025-03-03: 13 years
  // (the 14th birthday is the next day); registered 2025-03-04: exactly 14, accepted below.
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("A", "B", "5", "2025-03-03", "2011-03-04")); }) ==
        Errs{{"date_of_birth", "min_age_at"}});
  // Birth after registration (one error per field: the first rule that fails reports it).
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("A", "B", "6", "2025-03-03", "2025-06-01")); }) ==
        Errs{{"date_of_birth", "min_age_at"}});
  // Birth in the future, even when registration is further ahead: 19 years old on 2099-01-01,
  // but born after today.
  CHECK(errors_of([&] { s.create("job_seeker", job_seeker("A", "B", "7", "2099-01-01", "2080-01-01")); }) ==
        Errs{{"date_of_birth", "min_age_at"}, {"registration_date", "min_age_at"}});
  // Required identification fields, all reported together.
  CHECK(errors_of([&] { s.create("job_seeker", Json{{"first_name", "A"}}); }) ==
        Errs{{"registration_date", "required"}, {"family_name", "required"}, {"sex", "required"}, {"date_of_birth", "required"}});
  CHECK(test::db_hash(f) == h);
  CHECK(s.create("job_seeker", job_seeker("A", "B", "5", "2025-03-04", "2011-03-04")) > 0);

  // Closed registrations do not hold the NIS number: a person who found work may come back.
  s.transition("job_seeker", first, 1, "close", Json{{"effective_date", "2025-06-30"}, {"fields", {{"outcome", "placed"}}}});
  const auto again = s.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398", "2025-09-01"));
  // ... but the name and birth date match the closed registration: a warning, not an error.
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0]["rule"] == "possible_duplicate");
  CHECK(s.warnings()[0]["other_id"] == first);
  CHECK(s.get("job_seeker", again)["status"] == "registered");
  // The closed registration stays editable although its NIS number is now held by the new one.
  CHECK(s.update("job_seeker", first, 2, Json{{"telephone", "869-465-1111"}}) == 3);
  // A refused write leaves no warning behind.
  CHECK_THROWS_AS(s.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398", "2025-09-02")), clmis::ValidationError);
  CHECK(s.warnings() == Json::array());
}

TEST_CASE("Job seeker: a possible duplicate is a warning with the other record's id", "[registries][job_seeker]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto a = s.create("job_seeker", job_seeker("Keisha", "Liburd", "1001"));
  CHECK(s.warnings() == Json::array());
  // Same names (in other case) and birth date, another NIS number: stored, with a warning.
  const auto b = s.create("job_seeker", job_seeker("KEISHA", "liburd", "1002"));
  CHECK(b > a);
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0]["other_id"] == a);
  CHECK(s.warnings()[0]["other_ids"] == Json::array({a}));
  CHECK(s.warnings()[0]["path"] == "first_name");
  // Another birth date: no warning.
  s.create("job_seeker", job_seeker("Keisha", "Liburd", "1003", "2025-03-03", "1999-07-15"));
  CHECK(s.warnings() == Json::array());
  // An update that does not touch the compared fields does not warn again.
  s.update("job_seeker", b, 1, Json{{"telephone", "869-662-0000"}});
  CHECK(s.warnings() == Json::array());
  // Archived records are not compared.
  s.archive("job_seeker", b, 2, "duplicate");
  s.archive("job_seeker", a, 1, "test");
  s.create("job_seeker", job_seeker("Keisha", "Liburd", "1004"));
  CHECK(s.warnings() == Json::array());
}

TEST_CASE("Job seeker lifecycle: every allowed transition, every refused one leaves the database unchanged", "[registries][lifecycle]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  // The declared machine, written out by hand: transition → states it starts from, and where it leads.
  const std::map<std::string, std::pair<std::vector<std::string>, std::string>> allowed = {
      {"activate", {{"registered"}, "active"}},
      {"deactivate", {{"active"}, "inactive"}},
      {"reactivate", {{"inactive"}, "active"}},
      {"close", {{"registered", "active", "inactive"}, "closed"}}};
  const std::map<std::string, Json> args = {
      {"activate", Json::object()},
      {"deactivate", Json{{"fields", {{"inactive_reason", "no_contact"}}}}},
      {"reactivate", Json::object()},
      {"close", Json{{"fields", {{"outcome", "placed"}, {"closed_note", "Placed with Ocean Terrace Inn"}}}}}};
  int n = 0;
  // A fresh job seeker brought to a state along the shortest path; returns (id, version).
  auto in_state = [&](const std::string& state) {
    const auto id = s.create("job_seeker", job_seeker("P" + std::to_string(n), "Q", std::to_string(100 + n)));
    ++n;
    std::int64_t v = 1;
    if (state == "active" || state == "inactive") v = s.transition("job_seeker", id, v, "activate", args.at("activate"));
    if (state == "inactive") v = s.transition("job_seeker", id, v, "deactivate", args.at("deactivate"));
    if (state == "closed") v = s.transition("job_seeker", id, v, "close", args.at("close"));
    REQUIRE(s.get("job_seeker", id)["status"] == state);
    return std::pair{id, v};
  };
  int allowed_count = 0, refused_count = 0;
  for (const std::string state : {"registered", "active", "inactive", "closed"}) {
    for (const auto& [name, rule] : allowed) {
      auto [id, v] = in_state(state);
      const bool ok = std::find(rule.first.begin(), rule.first.end(), state) != rule.first.end();
      INFO(name << " from " << state);
      if (ok) {
        CHECK(s.transition("job_seeker", id, v, name, args.at(name)) == v + 1);
        Json r = s.get("job_seeker", id);
        CHECK(r["status"] == rule.second);
        const Json hist = s.history("job_seeker", id);
        CHECK(hist.back()["event"] == name);
        CHECK(hist.back()["from"] == state);
        CHECK(hist.back()["to"] == rule.second);
        ++allowed_count;
      } else {
        const std::string h = test::db_hash(f);
        CHECK_THROWS_AS(s.transition("job_seeker", id, v, name, args.at(name)), clmis::Conflict);
        CHECK(test::db_hash(f) == h);
        ++refused_count;
      }
    }
  }
  CHECK(allowed_count == 6);   // 1 + 1 + 1 + 3
  CHECK(refused_count == 10);  // 16 pairs − 6

  // Reactivating clears the inactivity reason; closing sets the outcome.
  auto [id, v] = in_state("inactive");
  CHECK(s.get("job_seeker", id)["inactive_reason"] == "no_contact");
  v = s.transition("job_seeker", id, v, "reactivate");
  CHECK(s.get("job_seeker", id)["inactive_reason"] == nullptr);
  v = s.transition("job_seeker", id, v, "close", args.at("close"));
  CHECK(s.get("job_seeker", id)["outcome"] == "placed");

  // Other refusals, each leaving the database unchanged.
  const auto active = in_state("active");  // not a structured binding: clang 14 cannot capture one in a lambda
  const auto j = active.first;
  const auto jv = active.second;
  const std::string h = test::db_hash(f);
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "deactivate"); }) == Errs{{"inactive_reason", "required"}});
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "close", Json{{"fields", {{"outcome", "hired"}}}}); }) ==
        Errs{{"outcome", "code_list"}});
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "close", Json{{"fields", {{"outcome", "placed"}, {"sex", "M"}}}}); }) ==
        Errs{{"sex", "read_only"}});
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "close", Json{{"fields", {{"outcome", "placed"}}}, {"effective_date", "2099-01-01"}}); }) ==
        Errs{{"effective_date", "date_order"}});
  // Before the last status change (activated today) is refused.
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "close", Json{{"fields", {{"outcome", "placed"}}}, {"effective_date", "2025-01-01"}}); }) ==
        Errs{{"effective_date", "date_order"}});
  CHECK(errors_of([&] { s.transition("job_seeker", j, jv, "close", Json{{"when", "now"}}); }) ==
        Errs{{"when", "unknown_field"}, {"outcome", "required"}});
  CHECK_THROWS_AS(s.transition("job_seeker", j, jv, "promote"), clmis::NotFound);
  CHECK_THROWS_AS(s.transition("job_seeker", j, jv - 1, "close", args.at("close")), clmis::Conflict);
  CHECK_THROWS_AS(s.transition("employer", 1, 1, "close"), clmis::NotFound);
  // The status and outcome change only through transitions.
  CHECK(errors_of([&] { s.update("job_seeker", j, jv, Json{{"status", "closed"}, {"outcome", "placed"}}); }) ==
        Errs{{"status", "read_only"}, {"outcome", "read_only"}});
  CHECK(errors_of([&] { s.create("job_seeker", [] { Json x = job_seeker("Z", "Z", "999"); x["status"] = "active"; return x; }()); }) ==
        Errs{{"status", "read_only"}});
  CHECK(test::db_hash(f) == h);
  // An archived record does not move.
  s.archive("job_seeker", j, jv, "entered in error");
  CHECK_THROWS_AS(s.transition("job_seeker", j, jv + 1, "close", args.at("close")), clmis::Conflict);
}

TEST_CASE("Active job seekers on a date, computed from history, match a hand-computed fixture", "[registries][lifecycle][stock]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  struct Step {
    const char* transition;
    const char* date;
  };
  // Five job seekers (registration date, then dated transitions):
  //   A: registered 2025-01-06, activated 2025-01-06, inactive 2025-03-10, reactivated 2025-04-01
  //   B: registered 2025-01-20, activated 2025-02-03, closed 2025-03-31
  //   C: registered 2025-02-14, never activated
  //   D: registered 2025-02-28, activated 2025-03-31, closed 2025-05-15
  //   E: registered 2025-03-05, activated 2025-03-05 — then archived (entered in error): never counted
  struct Person {
    const char* registered;
    std::vector<Step> steps;
  };
  const std::vector<Person> people = {
      {"2025-01-06", {{"activate", "2025-01-06"}, {"deactivate", "2025-03-10"}, {"reactivate", "2025-04-01"}}},
      {"2025-01-20", {{"activate", "2025-02-03"}, {"close", "2025-03-31"}}},
      {"2025-02-14", {}},
      {"2025-02-28", {{"activate", "2025-03-31"}, {"close", "2025-05-15"}}},
      {"2025-03-05", {{"activate", "2025-03-05"}}},
  };
  std::vector<std::pair<std::int64_t, std::int64_t>> ids;
  int n = 0;
  for (const auto& p : people) {
    const auto id = s.create("job_seeker", job_seeker("J" + std::to_string(n), "S", std::to_string(500 + n), p.registered));
    ++n;
    std::int64_t v = 1;
    for (const auto& st : p.steps) {
      Json a = {{"effective_date", st.date}};
      if (std::string(st.transition) == "deactivate") a["fields"] = {{"inactive_reason", "temporarily_unavailable"}};
      if (std::string(st.transition) == "close") a["fields"] = {{"outcome", "placed"}};
      v = s.transition("job_seeker", id, v, st.transition, a);
    }
    ids.emplace_back(id, v);
  }
  s.archive("job_seeker", ids[4].first, ids[4].second, "entered in error");

  auto counts = [&](const std::string& d) { return s.status_counts("job_seeker", d)["counts"]; };
  // 2024-12-31: nobody yet.
  CHECK(counts("2024-12-31") == Json{{"registered", 0}, {"active", 0}, {"inactive", 0}, {"closed", 0}});
  // 2025-01-31: A active (since 01-06); B registered (activated 02-03).
  CHECK(counts("2025-01-31") == Json{{"registered", 1}, {"active", 1}, {"inactive", 0}, {"closed", 0}});
  // 2025-02-28: A active, B active (02-03), C registered (02-14), D registered (02-28, same day counts).
  CHECK(counts("2025-02-28") == Json{{"registered", 2}, {"active", 2}, {"inactive", 0}, {"closed", 0}});
  // 2025-03-31: A inactive (03-10), B closed (03-31), C registered, D active (03-31).
  CHECK(counts("2025-03-31") == Json{{"registered", 1}, {"active", 1}, {"inactive", 1}, {"closed", 1}});
  // 2025-04-30: A active again (04-01), B closed, C registered, D active.
  CHECK(counts("2025-04-30") == Json{{"registered", 1}, {"active", 2}, {"inactive", 0}, {"closed", 1}});
  // 2025-06-30: A active, B closed, C registered, D closed (05-15).
  CHECK(counts("2025-06-30") == Json{{"registered", 1}, {"active", 1}, {"inactive", 0}, {"closed", 2}});

  // Correcting C's registration date moves its initial state with it.
  s.update("job_seeker", ids[2].first, 1, Json{{"registration_date", "2025-03-15"}});
  CHECK(counts("2025-02-28")["registered"] == 1);  // only D now
  // ... but not past the first status change of a record (D activated 2025-03-31).
  CHECK(errors_of([&] { s.update("job_seeker", ids[3].first, ids[3].second, Json{{"registration_date", "2025-04-02"}}); }) ==
        Errs{{"registration_date", "date_order"}});
  CHECK_THROWS_AS(s.status_counts("employer", "2025-01-01"), clmis::NotFound);
  CHECK_THROWS_AS(s.status_counts("job_seeker", "2025-02-30"), clmis::ValidationError);
}

TEST_CASE("Vacancy: create, rules, update, close with each outcome, query, archive", "[registries][vacancy][lifecycle]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  const auto emp = employer(s);
  const auto est = s.create("establishment", Json{{"employer", emp}, {"name", "Main hotel"}, {"parish", "KN-03"}});
  auto vacancy = [&](const std::string& title) {
    return Json{{"employer", emp},           {"establishment", est},
                {"job_title", title},        {"occupation", "5120"},
                {"positions", 2},            {"parish", "KN-03"},
                {"wage_min", {{"amount", "1500"}, {"currency", "XCD"}}},
                {"wage_max", {{"amount", "2200.50"}, {"currency", "XCD"}}},
                {"wage_period", "month"},    {"contract_type", "permanent"},
                {"education_required", "3"}, {"date_registered", "2025-05-02"},
                {"closing_date", "2025-05-30"}};
  };
  const auto id = s.create("vacancy", vacancy("Line cook"));
  Json r = s.get("vacancy", id);
  CHECK(r["status"] == "open");
  CHECK(r["wage_max"] == Json{{"amount", "2200.50"}, {"currency", "XCD"}});
  CHECK(test::raw_scalar(f, "SELECT wage_max_minor FROM vacancy") == "220050");
  const std::string h = test::db_hash(f);
  Json bad = vacancy("Cook");
  bad["closing_date"] = "2025-05-01";
  bad["wage_max"] = {{"amount", "1000"}, {"currency", "XCD"}};
  bad["positions"] = 0;
  bad["occupation"] = "51";
  CHECK(errors_of([&] { s.create("vacancy", bad); }) ==
        Errs{{"occupation", "code_list"}, {"positions", "range"}, {"closing_date", "date_order"}, {"wage_max", "range_order"}});
  CHECK(test::db_hash(f) == h);
  CHECK(s.update("vacancy", id, 1, Json{{"positions", 3}}) == 2);
  // Each outcome of the one closing transition; closed is final.
  int k = 0;
  for (const std::string outcome : {"filled", "cancelled", "expired"}) {
    const auto v = s.create("vacancy", vacancy("Waiter " + std::to_string(k++)));
    CHECK_THROWS_AS(s.transition("vacancy", v, 1, "close"), clmis::ValidationError);  // outcome required
    CHECK(s.transition("vacancy", v, 1, "close", Json{{"fields", {{"outcome", outcome}}}}) == 2);
    CHECK(s.get("vacancy", v)["outcome"] == outcome);
    CHECK_THROWS_AS(s.transition("vacancy", v, 2, "close", Json{{"fields", {{"outcome", outcome}}}}), clmis::Conflict);
  }
  Json page = s.query("vacancy", Json{{"filter", Json::array({Json{{"field", "status"}, {"op", "eq"}, {"value", "open"}}})}});
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  s.archive("vacancy", id, 2, "posted twice");
  CHECK(s.get("vacancy", id)["archived"] == true);
}

TEST_CASE("Organisation: trade unions and employers' organisations with officers and recognitions", "[registries][organisation]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  const auto emp = employer(s);
  const auto id = s.create(
      "organisation",
      Json{{"name", "St. Kitts-Nevis Trades and Labour Union"}, {"kind", "trade_union"},
           {"registration_no", "TU-1"}, {"registration_date", "1940-10-03"},
           {"members_male", 1200}, {"members_female", 1350}, {"members_as_of", "2025-01-01"},
           {"officers", Json::array({Json{{"name", "A. President"}, {"position", "President"}, {"from", "2023-05-01"}}})},
           {"recognitions", Json::array({Json{{"employer", emp}, {"recognised_on", "2019-04-01"}, {"workers_covered", 85}}})}});
  Json r = s.get("organisation", id);
  CHECK(r["status"] == "registered");
  CHECK(r["recognitions"][0]["employer"] == emp);
  CHECK(r["officers"][0]["position"] == "President");
  const std::string h = test::db_hash(f);
  CHECK(errors_of([&] {
          s.update("organisation", id, 1,
                   Json{{"members_female", -1},
                        {"officers", Json::array({Json{{"name", "B"}, {"from", "2024-01-01"}, {"to", "2023-01-01"}}})},
                        {"recognitions", Json::array({Json{{"employer", emp + 100}}})}});
        }) == Errs{{"members_female", "range"}, {"recognitions[0].employer", "reference"}, {"officers[0].to", "date_order"}});
  CHECK(test::db_hash(f) == h);
  // A new officer term, the old one ended; status is a plain coded field with history.
  CHECK(s.update("organisation", id, 1,
                 Json{{"status", "recognised"},
                      {"officers", Json::array({Json{{"name", "A. President"}, {"position", "President"}, {"from", "2023-05-01"}, {"to", "2025-04-30"}},
                                                Json{{"name", "C. President"}, {"position", "President"}, {"from", "2025-05-01"}}})}}) == 2);
  CHECK(s.get("organisation", id)["officers"].size() == 2);
  const Json hist = s.history("organisation", id);
  CHECK(hist.back()["field"] == "status");
  CHECK(hist.back()["from"] == "registered");
  CHECK(hist.back()["to"] == "recognised");
  Json page = s.query("organisation", Json{{"filter", Json::array({Json{{"field", "kind"}, {"op", "eq"}, {"value", "trade_union"}}})}});
  CHECK(page["records"].size() == 1);
  s.archive("organisation", id, 2, "merged into another union");
  CHECK(s.query("organisation")["records"].size() == 0);  // archived records are left out by default
}

TEST_CASE("Country extension fields x_<iso3>_<name> work end to end on the standard pack", "[registries][extensions]") {
  test::TempDir dir;
  // A copy of the real data tree where Saint Lucia adds two fields of its own to job seekers.
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  test::edit_json(root + "/countries/LCA.json", [](Json& c) {
    c["extensions"] = {{"job_seeker", Json::array({Json{{"name", "x_lca_constituency"}, {"type", "text"}, {"max_length", 60},
                                                        {"label", {{"en", "Electoral constituency"}}}, {"index", true}},
                                                   Json{{"name", "x_lca_youth_programme"}, {"type", "boolean"},
                                                        {"default", false}, {"label", {{"en", "In the youth programme"}}}}})}};
  });
  clmis::InitOptions o;
  o.country = "LCA";
  o.admin_password = test::kPassword;
  o.data_dir = root;
  auto db = clmis::Database::init(dir.file("lca.db"), o);
  const std::string f = dir.file("lca.db");
  auto s = db.login("admin", test::kPassword);
  Json in = job_seeker("Marcia", "Joseph", "123456", "2025-03-03");
  in["parish"] = "LC-02";
  in["x_lca_constituency"] = "Castries Central";
  const auto id = s.create("job_seeker", in);
  Json r = s.get("job_seeker", id);
  CHECK(r["x_lca_constituency"] == "Castries Central");
  CHECK(r["x_lca_youth_programme"] == false);  // its default
  CHECK(test::raw_scalar(f, "SELECT x_lca_constituency || '/' || x_lca_youth_programme FROM job_seeker") == "Castries Central/0");
  CHECK(s.update("job_seeker", id, 1, Json{{"x_lca_youth_programme", true}}) == 2);
  Json page = s.query("job_seeker", Json{{"filter", Json::array({Json{{"field", "x_lca_youth_programme"}, {"op", "eq"}, {"value", true}}})}});
  CHECK(page["records"].size() == 1);
  CHECK(errors_of([&] { s.update("job_seeker", id, 2, Json{{"x_lca_constituency", std::string(61, 'a')}}); }) ==
        Errs{{"x_lca_constituency", "length"}});
  // Another country's extension is not a field here.
  CHECK(errors_of([&] { s.update("job_seeker", id, 2, Json{{"x_kna_district", "x"}}); }) == Errs{{"x_kna_district", "unknown_field"}});
  const Json schema = db.schema();
  for (const auto& t : schema["record_types"])
    if (t["name"] == "job_seeker") {
      CHECK(t["fields"].back()["name"] == "x_lca_youth_programme");
      CHECK(t["fields"].back()["extension"] == true);
    }
  CHECK(schema["country"]["department"]["name"]["en"] == "Department of Labour");
  CHECK(schema["country"]["department"]["verified"] == false);
}

TEST_CASE("Employer and workplace: contact-person edits, archive, query", "[registries][employer]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  const auto emp = s.create("employer", Json{{"name", "Sugar Bay Club"}, {"isic_class", "5510"}, {"parish", "KN-09"},
                                             {"contacts", Json::array({Json{{"name", "A"}}, Json{{"name", "B"}}})}});
  CHECK(s.update("employer", emp, 1, Json{{"contacts", Json::array({Json{{"name", "B"}, {"position", "Owner"}}})}, {"workers_female", 12}}) == 2);
  Json r = s.get("employer", emp);
  CHECK(r["contacts"].size() == 1);
  CHECK(r["contacts"][0]["position"] == "Owner");
  CHECK(test::raw_scalar(f, "SELECT name || '/' || position FROM employer__contacts") == "B/Owner");
  const auto w = s.create("establishment", Json{{"employer", emp}, {"name", "Hotel"}, {"parish", "KN-09"}});
  CHECK(s.query("establishment", Json{{"filter", Json::array({Json{{"field", "parish"}, {"op", "eq"}, {"value", "KN-09"}}})}})["records"].size() == 1);
  s.archive("establishment", w, 1, "sold");
  CHECK(s.query("establishment")["records"].size() == 0);
  CHECK(s.query("establishment", Json{{"include_archived", true}})["records"].size() == 1);
  s.archive("employer", emp, 2, "ceased trading");
  CHECK(s.get("employer", emp)["archived"] == true);
}

TEST_CASE("History of a type with a workflow and another history field: one timeline in write order", "[registries][history]") {
  // The standard pack with job_seeker.parish declared "history": true: a create then writes the
  // initial state (status table) and a changed row (clmis_history) under one change number, and
  // history() must show them as format 4 did — created, initial, changed — then each later
  // change in its order (worked out by hand from the writes below).
  test::TempDir dir;
  const std::string data = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  test::edit_json(data + "/packs/standard/pack.json", [](Json& p) {
    for (auto& t : p["record_types"])
      if (t["name"] == "job_seeker")
        for (auto& f : t["fields"])
          if (f["name"] == "parish") f["history"] = true;
  });
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.data_dir = data;
  auto db = clmis::Database::init(dir.file("h.db"), o);
  auto s = db.login("admin", test::kPassword);
  const auto id = s.create("job_seeker", job_seeker("Ann", "Hodge", "5100001"));               // change 1
  auto v = s.transition("job_seeker", id, 1, "activate", Json{{"effective_date", "2025-03-10"}});  // change 2
  s.update("job_seeker", id, v, Json{{"parish", "KN-01"}});                                  // change 3
  const Json h = s.history("job_seeker", id);
  std::vector<std::string> got;
  for (const auto& e : h)
    got.push_back(std::to_string(e["seq"].get<std::int64_t>()) + " " + e["event"].get<std::string>() + " " +
                  (e["field"].is_null() ? "-" : e["field"].get<std::string>()) + " " +
                  (e["to"].is_null() ? "-" : e["to"].get<std::string>()));
  CHECK(got == std::vector<std::string>{"1 created - -", "1 initial status registered", "1 changed parish KN-03",
                                        "2 activate status active", "3 changed parish KN-01"});
}
