// The registries of the standard pack through the C API only: organisations, job seekers
// (Form 24) and vacancies (Form 25) with their child sections; assigned numbers and
// possible-duplicate warnings; lifecycles (clmis_record_transition, history, status counts);
// Table Maintenance (clmis_code_*); and clmis_open_options version 2 (`upgrade`).
//
// Every call under test goes through the C functions. Independent checks use raw SQL
// (test::raw_scalar) and the database hash (test::db_hash). Expected values are worked out by
// hand from data/packs/standard/pack.json and data/countries/KNA.json.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "standard_c.hpp"
#include "support.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using clmis::Json;
using test::take;

namespace {

using Errs = std::vector<std::pair<std::string, std::string>>;

int last_code() {
  const clmis_error* e = clmis_error_last();
  return e ? e->code : CLMIS_OK;
}

Json last_errors() { return Json::parse(clmis_error_last_json()); }

/// The last error list as (path, rule) pairs, in the order given.
Errs last_errs() {
  Errs out;
  for (const auto& e : last_errors()) out.emplace_back(e["path"].get<std::string>(), e["rule"].get<std::string>());
  return out;
}

/// The same, sorted: for lists whose order the header does not promise.
Errs sorted(Errs e) {
  std::sort(e.begin(), e.end());
  return e;
}

/// Takes ownership of a char* the library returned: parses it and frees it.
Json find_code(const Json& codes, const std::string& code) {
  for (const auto& c : codes)
    if (c["code"] == code) return c;
  return nullptr;
}

/// A fresh database made with the real standard pack and the KNA profile embedded in the
/// library (data_dir NULL), with an admin session — all through the C API.
struct Std {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis_db* db = nullptr;
  clmis_session* s = nullptr;

  Std() {
    clmis_init_options o;
    REQUIRE(clmis_init_options_init(&o, CLMIS_INIT_OPTIONS_VERSION) == CLMIS_OK);
    o.country = "KNA";
    o.admin_password = test::kPassword.c_str();
    o.data_dir = nullptr;
    REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
    REQUIRE(clmis_login(&s, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  }
  ~Std() {
    clmis_session_close(&s);
    clmis_close(&db);
  }
  Std(const Std&) = delete;
  Std& operator=(const Std&) = delete;

  std::string hash() const { return test::db_hash(path); }
  std::string sql(const std::string& q) const { return test::raw_scalar(path, q); }

  std::int64_t create(const char* type, const Json& j) {
    std::int64_t id = 0;
    const int rc = clmis_record_create(&id, s, type, j.dump().c_str());
    INFO(type << ": " << clmis_error_last_json());
    REQUIRE(rc == CLMIS_OK);
    REQUIRE(id > 0);
    return id;
  }
  Json get(const char* type, std::int64_t id) {
    char* out = nullptr;
    REQUIRE(clmis_record_get(&out, s, type, id) == CLMIS_OK);
    return take(out);
  }
  /// Updates and returns the new version; fails the test on an error.
  std::int64_t update(const char* type, std::int64_t id, std::int64_t version, const Json& j) {
    std::int64_t v = 0;
    const int rc = clmis_record_update(&v, s, type, id, version, j.dump().c_str());
    INFO(type << " " << id << ": " << clmis_error_last_json());
    REQUIRE(rc == CLMIS_OK);
    return v;
  }
  Json query(const char* type, const Json& q) {
    char* out = nullptr;
    const int rc = clmis_record_query(&out, s, type, q.dump().c_str());
    INFO(clmis_error_last_json());
    REQUIRE(rc == CLMIS_OK);
    return take(out);
  }
  Json warnings() {
    char* out = nullptr;
    REQUIRE(clmis_session_warnings_json(&out, s) == CLMIS_OK);
    return take(out);
  }
  /// A transition that must succeed; returns the new version.
  std::int64_t transition(const char* type, std::int64_t id, std::int64_t version, const char* name,
                          const Json& args) {
    std::int64_t v = 0;
    const int rc = clmis_record_transition(&v, s, type, id, version, name, args.dump().c_str());
    INFO(type << " " << id << " " << name << ": " << clmis_error_last_json()
              << (clmis_error_last() ? clmis_error_last()->message : ""));
    REQUIRE(rc == CLMIS_OK);
    return v;
  }
  Json history(const char* type, std::int64_t id) {
    char* out = nullptr;
    REQUIRE(clmis_record_history_json(&out, s, type, id) == CLMIS_OK);
    return take(out);
  }
  Json counts(const char* type, const char* date) {
    char* out = nullptr;
    const int rc = clmis_status_counts_json(&out, s, type, date);
    INFO(date << ": " << (clmis_error_last() ? clmis_error_last()->message : ""));
    REQUIRE(rc == CLMIS_OK);
    return take(out);
  }
  Json codes(const char* list, const char* lang) {
    char* out = nullptr;
    REQUIRE(clmis_codes_json(&out, db, list, lang) == CLMIS_OK);
    return take(out);
  }
  std::int64_t employer(const char* name = "Ocean Terrace Inn") {
    return create("employer", Json{{"name", name}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  }
};

/// A valid KNA job seeker (minimum working age 14; NIS numbers of 1 to 12 digits).
Json job_seeker(const std::string& first, const std::string& family, const std::string& nis,
                const std::string& registered = "2025-03-03", const std::string& born = "1999-07-14") {
  return Json{{"registration_date", registered}, {"first_name", first}, {"family_name", family},
              {"nis_number", nis},               {"sex", "F"},          {"date_of_birth", born},
              {"parish", "KN-03"},               {"city", "Basseterre"}};
}

Json money(const char* amount) { return Json{{"amount", amount}, {"currency", "XCD"}}; }

Json filter_eq(const char* field, const Json& value) {
  return Json{{"filter", Json::array({Json{{"field", field}, {"op", "eq"}, {"value", value}}})}};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Organisation
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: organisation with officers and recognitions", "[capi][registries][organisation]") {
  Std f;
  const auto emp1 = f.employer("Ocean Terrace Inn");
  const auto emp2 = f.employer("St. Kitts Marriott");
  const auto id = f.create(
      "organisation",
      Json{{"name", "St. Kitts-Nevis Trades and Labour Union"},
           {"kind", "trade_union"},
           {"registration_no", "TU-1"},
           {"registration_date", "1940-10-03"},
           {"members_male", 1200},
           {"members_female", 1350},
           {"members_as_of", "2025-01-01"},
           {"parish", "KN-03"},
           {"officers", Json::array({Json{{"name", "A. President"}, {"position", "President"}, {"from", "2023-05-01"}},
                                     Json{{"name", "B. Secretary"}, {"position", "General Secretary"}, {"from", "2023-05-01"}}})},
           {"recognitions", Json::array({Json{{"employer", emp1}, {"recognised_on", "2019-04-01"}, {"workers_covered", 85}},
                                         Json{{"employer", emp2}, {"recognised_on", "2021-09-15"}, {"workers_covered", 240}}})}});
  const std::string ids = std::to_string(id);

  Json r = f.get("organisation", id);
  CHECK(r["id"] == id);
  CHECK(r["version"] == 1);
  CHECK(r["status"] == "registered");  // the field's default
  CHECK(r["kind"] == "trade_union");
  CHECK(r["members_female"] == 1350);
  REQUIRE(r["officers"].size() == 2);
  CHECK(r["officers"][0]["name"] == "A. President");
  CHECK(r["officers"][1]["position"] == "General Secretary");
  CHECK(r["officers"][0]["to"] == nullptr);
  REQUIRE(r["recognitions"].size() == 2);
  CHECK(r["recognitions"][0]["employer"] == emp1);
  CHECK(r["recognitions"][1]["employer"] == emp2);
  CHECK(r["recognitions"][1]["workers_covered"] == 240);
  // Independently: the child rows, in order.
  CHECK(f.sql("SELECT group_concat(name, '|') FROM (SELECT name FROM organisation__officers WHERE parent_id = " + ids +
              " ORDER BY item_no)") == "A. President|B. Secretary");
  CHECK(f.sql("SELECT group_concat(employer, ',') FROM (SELECT employer FROM organisation__recognitions WHERE parent_id = " +
              ids + " ORDER BY item_no)") == std::to_string(emp1) + "," + std::to_string(emp2));

  // Replace officers (the president's term ended, a new one began); recognitions not given: kept.
  const Json officers2 = Json::array(
      {Json{{"name", "A. President"}, {"position", "President"}, {"from", "2023-05-01"}, {"to", "2025-04-30"}},
       Json{{"name", "C. President"}, {"position", "President"}, {"from", "2025-05-01"}},
       Json{{"name", "B. Secretary"}, {"position", "General Secretary"}, {"from", "2023-05-01"}}});
  CHECK(f.update("organisation", id, 1, Json{{"officers", officers2}, {"members_male", 1210}}) == 2);
  r = f.get("organisation", id);
  REQUIRE(r["officers"].size() == 3);
  CHECK(r["officers"][0]["to"] == "2025-04-30");
  CHECK(r["officers"][1]["name"] == "C. President");
  CHECK(r["recognitions"].size() == 2);
  CHECK(r["members_male"] == 1210);
  CHECK(f.sql("SELECT count(*) FROM organisation__officers WHERE parent_id = " + ids) == "3");
  CHECK(f.sql("SELECT \"to\" FROM clmis_view_organisation__officers WHERE parent_id = " + ids + " AND item_no = "
              "(SELECT min(item_no) FROM organisation__officers WHERE parent_id = " + ids + ")") == "2025-04-30");
  CHECK(f.sql("SELECT count(*) FROM organisation__recognitions WHERE parent_id = " + ids) == "2");

  // Empty the recognitions; officers not given: kept.
  CHECK(f.update("organisation", id, 2, Json{{"recognitions", Json::array()}}) == 3);
  r = f.get("organisation", id);
  CHECK(r["recognitions"] == Json::array());
  CHECK(r["officers"].size() == 3);
  CHECK(f.sql("SELECT count(*) FROM organisation__recognitions WHERE parent_id = " + ids) == "0");
  CHECK(f.sql("SELECT count(*) FROM organisation__officers WHERE parent_id = " + ids) == "3");

  // A bad section entry: every error reported, nothing changes.
  const std::string h = f.hash();
  std::int64_t v = -1;
  CHECK(clmis_record_update(&v, f.s, "organisation", id, 3,
                            Json{{"members_female", -1},
                                 {"officers", Json::array({Json{{"name", "D"}, {"from", "2024-01-01"}, {"to", "2023-01-01"}}})},
                                 {"recognitions", Json::array({Json{{"employer", emp2 + 100}}})}}
                                .dump()
                                .c_str()) == CLMIS_EINVALID);
  CHECK(last_code() == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"members_female", "range"},
                                           {"officers[0].to", "date_order"},
                                           {"recognitions[0].employer", "reference"}}));
  CHECK(f.hash() == h);

  // Query: a filter on a field; archived records are left out.
  const auto other = f.create("organisation", Json{{"name", "St. Kitts-Nevis Chamber of Industry and Commerce"},
                                                   {"kind", "employers_organisation"}});
  Json page = f.query("organisation", filter_eq("kind", "trade_union"));
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  CHECK(page["records"][0]["officers"].size() == 3);  // records as clmis_record_get gives them

  CHECK(clmis_record_archive(f.s, "organisation", id, 3, "") == CLMIS_EINVALID);
  CHECK(clmis_record_archive(f.s, "organisation", id, 2, "stale") == CLMIS_ECONFLICT);
  REQUIRE(clmis_record_archive(f.s, "organisation", id, 3, "merged into another union") == CLMIS_OK);
  r = f.get("organisation", id);
  CHECK(r["archived"] == true);
  CHECK(r["archive_reason"] == "merged into another union");
  CHECK(f.query("organisation", filter_eq("kind", "trade_union"))["records"].size() == 0);
  page = f.query("organisation", Json::object());
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == other);
  Json all = f.query("organisation", Json{{"include_archived", true}});
  CHECK(all["records"].size() == 2);
  // The archived record's section rows are kept (case data is never erased).
  CHECK(f.sql("SELECT count(*) FROM organisation__officers WHERE parent_id = " + ids) == "3");
  CHECK(f.sql("SELECT archived FROM organisation WHERE id = " + ids) == "1");
}

// ---------------------------------------------------------------------------------------------
// 1 + 2. Job seeker: sections, assigned numbers, archive, query
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: job seeker create, get, section edits, registration number, archive, query",
          "[capi][registries][job_seeker]") {
  Std f;
  Json in = job_seeker("Keisha", "Liburd", "1846398");
  in["reference_no"] = "BT/2025/117";
  in["telephone"] = "869-465-0000";
  in["wage_expectation"] = money("1800.00");
  in["wage_period"] = "month";
  in["education"] = Json::array({Json{{"isced_level", "3"}, {"institution", "Basseterre High School"}, {"year_completed", 2016}}});
  in["experience"] = Json::array({Json{{"occupation", "5120"}, {"employer_name", "Marriott"}, {"from", "2017-01-09"}, {"to", "2019-12-31"}},
                                  Json{{"occupation", "4224"}, {"employer_name", "Ocean Terrace Inn"}, {"from", "2020-02-01"}}});
  in["skills"] = Json::array({Json{{"kind", "certificate"}, {"name", "Food handler's permit"}, {"year", 2018}}});
  in["desired_occupations"] = Json::array({Json{{"occupation", "4224"}}, Json{{"occupation", "5120"}}});
  const auto id = f.create("job_seeker", in);
  const std::string ids = std::to_string(id);

  Json r = f.get("job_seeker", id);
  CHECK(r["registration_no"] == "JS-000001");  // prefix "JS-", 6 digits, first of the sequence
  CHECK(r["status"] == "registered");           // the workflow's initial state
  CHECK(r["outcome"] == nullptr);
  CHECK(r["wage_expectation"] == money("1800.00"));
  CHECK(r["education"].size() == 1);
  REQUIRE(r["experience"].size() == 2);
  CHECK(r["experience"][0]["to"] == "2019-12-31");
  CHECK(r["experience"][1]["to"] == nullptr);
  CHECK(r["skills"].size() == 1);
  REQUIRE(r["desired_occupations"].size() == 2);
  CHECK(r["desired_occupations"][1]["occupation"] == "5120");
  CHECK(f.sql("SELECT registration_no FROM job_seeker WHERE id = " + ids) == "JS-000001");
  CHECK(f.sql("SELECT group_concat(occupation, ',') FROM (SELECT occupation FROM job_seeker__experience WHERE parent_id = " +
              ids + " ORDER BY item_no)") == "5120,4224");
  CHECK(f.sql("SELECT count(*) FROM job_seeker__skills WHERE parent_id = " + ids) == "1");

  // Replace one section, empty another, leave the other two alone.
  const Json experience2 = Json::array({Json{{"occupation", "4224"}, {"employer_name", "Ocean Terrace Inn"},
                                             {"from", "2020-02-01"}, {"to", "2025-02-28"}}});
  CHECK(f.update("job_seeker", id, 1, Json{{"experience", experience2}, {"skills", Json::array()}}) == 2);
  r = f.get("job_seeker", id);
  // Fields not given come back as null, in the section's declared order.
  CHECK(r["experience"] == Json::array({Json{{"occupation", "4224"}, {"job_title", nullptr}, {"employer_name", "Ocean Terrace Inn"},
                                             {"from", "2020-02-01"}, {"to", "2025-02-28"}, {"duties", nullptr}}}));
  CHECK(r["skills"] == Json::array());
  CHECK(r["education"].size() == 1);
  CHECK(r["education"][0]["institution"] == "Basseterre High School");
  CHECK(r["desired_occupations"].size() == 2);
  CHECK(f.sql("SELECT count(*) FROM job_seeker__experience WHERE parent_id = " + ids) == "1");
  CHECK(f.sql("SELECT \"to\" FROM clmis_view_job_seeker__experience WHERE parent_id = " + ids) == "2025-02-28");
  CHECK(f.sql("SELECT count(*) FROM job_seeker__skills WHERE parent_id = " + ids) == "0");
  CHECK(f.sql("SELECT count(*) FROM job_seeker__education WHERE parent_id = " + ids) == "1");
  CHECK(f.sql("SELECT count(*) FROM job_seeker__desired_occupations WHERE parent_id = " + ids) == "2");

  // An update that gives no section keeps them all.
  CHECK(f.update("job_seeker", id, 2, Json{{"telephone", "869-662-0000"}}) == 3);
  r = f.get("job_seeker", id);
  CHECK(r["telephone"] == "869-662-0000");
  CHECK(r["experience"] == Json::array({Json{{"occupation", "4224"}, {"job_title", nullptr}, {"employer_name", "Ocean Terrace Inn"},
                                             {"from", "2020-02-01"}, {"to", "2025-02-28"}, {"duties", nullptr}}}));
  CHECK(r["education"].size() == 1);
  CHECK(r["desired_occupations"].size() == 2);
  CHECK(f.sql("SELECT count(*) FROM job_seeker__desired_occupations WHERE parent_id = " + ids) == "2");

  // A bad section entry is reported with its path; nothing changes.
  const std::string h = f.hash();
  std::int64_t v = -1;
  CHECK(clmis_record_update(&v, f.s, "job_seeker", id, 3,
                            Json{{"experience", Json::array({Json{{"occupation", "42"}, {"from", "2020-02-01"}},
                                                             Json{{"occupation", "4224"}, {"from", "2024-01-01"}, {"to", "2023-01-01"}}})}}
                                .dump()
                                .c_str()) == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"experience[0].occupation", "code_list"}, {"experience[1].to", "date_order"}}));
  CHECK(f.hash() == h);

  // The registration number is assigned, never given: on update...
  CHECK(clmis_record_update(&v, f.s, "job_seeker", id, 3, R"({"registration_no": "JS-999999"})") == CLMIS_EINVALID);
  CHECK(last_code() == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"registration_no", "read_only"}});
  CHECK(last_errors()[0]["record"] == "job_seeker");
  CHECK(last_errors()[0]["value"] == "JS-999999");
  // ... and on create (no number is used up by the refused create).
  Json given = job_seeker("Dwayne", "Browne", "2200001");
  given["registration_no"] = "JS-000002";
  std::int64_t refused_id = -1;
  CHECK(clmis_record_create(&refused_id, f.s, "job_seeker", given.dump().c_str()) == CLMIS_EINVALID);
  CHECK(refused_id == 0);
  CHECK(last_errs() == Errs{{"registration_no", "read_only"}});
  CHECK(f.hash() == h);

  // The next one gets the next number.
  const auto second = f.create("job_seeker", job_seeker("Dwayne", "Browne", "2200001"));
  CHECK(f.get("job_seeker", second)["registration_no"] == "JS-000002");
  CHECK(f.sql("SELECT group_concat(registration_no, ',') FROM (SELECT registration_no FROM job_seeker ORDER BY id)") ==
        "JS-000001,JS-000002");

  // Query: filter on a field; sort by the assigned number.
  Json page = f.query("job_seeker", filter_eq("family_name", "Liburd"));
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  CHECK(page["records"][0]["experience"].size() == 1);
  page = f.query("job_seeker", Json{{"sort", Json::array({Json{{"field", "registration_no"}, {"desc", true}}})}});
  REQUIRE(page["records"].size() == 2);
  CHECK(page["records"][0]["registration_no"] == "JS-000002");
  CHECK(page["records"][1]["registration_no"] == "JS-000001");

  // Archive with a reason: left out of queries; the number is never reused.
  CHECK(clmis_record_archive(f.s, "job_seeker", id, 3, nullptr) == CLMIS_EMISUSE);
  REQUIRE(clmis_record_archive(f.s, "job_seeker", id, 3, "registered twice by mistake") == CLMIS_OK);
  r = f.get("job_seeker", id);
  CHECK(r["archived"] == true);
  CHECK(r["archive_reason"] == "registered twice by mistake");
  CHECK(f.query("job_seeker", filter_eq("family_name", "Liburd"))["records"].size() == 0);
  page = f.query("job_seeker", Json::object());
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == second);
  CHECK(f.query("job_seeker", Json{{"include_archived", true}, {"filter", filter_eq("family_name", "Liburd")["filter"]}})["records"].size() == 1);
  const auto third = f.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398"));
  CHECK(f.get("job_seeker", third)["registration_no"] == "JS-000003");
  // An archived record cannot be changed.
  CHECK(clmis_record_update(&v, f.s, "job_seeker", id, 4, R"({"telephone": "1"})") == CLMIS_ECONFLICT);
}

// ---------------------------------------------------------------------------------------------
// 2. Possible-duplicate warnings
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: a possible duplicate job seeker is a warning with the other id", "[capi][registries][job_seeker]") {
  Std f;
  const auto a = f.create("job_seeker", job_seeker("Keisha", "Liburd", "1001"));
  {
    char* out = nullptr;
    REQUIRE(clmis_session_warnings_json(&out, f.s) == CLMIS_OK);
    REQUIRE(out != nullptr);
    CHECK(std::string(out) == "[]");
    clmis_free(out);
  }
  // Same first name, family name and date of birth, another NIS number: stored, with one warning.
  const auto b = f.create("job_seeker", job_seeker("Keisha", "Liburd", "1002"));
  CHECK(b > a);
  CHECK(f.sql("SELECT count(*) FROM job_seeker") == "2");  // a warning never stops the write
  Json w = f.warnings();
  REQUIRE(w.size() == 1);
  CHECK(w[0]["record"] == "job_seeker");
  CHECK(w[0]["rule"] == "possible_duplicate");
  CHECK(w[0]["other_id"] == a);
  CHECK(w[0]["other_ids"] == Json::array({a}));
  CHECK(w[0]["message"].get<std::string>().size() > 5);
  // Reading the warnings does not consume them; they belong to the session's last write.
  CHECK(f.warnings().size() == 1);
  // Another date of birth: no warning.
  f.create("job_seeker", job_seeker("Keisha", "Liburd", "1003", "2025-03-03", "1999-07-15"));
  CHECK(f.warnings() == Json::array());
  // Another family name: no warning.
  f.create("job_seeker", job_seeker("Keisha", "Browne", "1004"));
  CHECK(f.warnings() == Json::array());
  // A third match names both others.
  f.create("job_seeker", job_seeker("Keisha", "Liburd", "1005"));
  w = f.warnings();
  REQUIRE(w.size() == 1);
  CHECK(w[0]["other_ids"].size() == 2);

  char* out = reinterpret_cast<char*>(0x1);
  CHECK(clmis_session_warnings_json(&out, nullptr) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_session_warnings_json(nullptr, f.s) == CLMIS_EMISUSE);
}

// ---------------------------------------------------------------------------------------------
// 3. Transitions and history
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: job seeker transitions, refusals and history", "[capi][registries][lifecycle]") {
  Std f;
  // Registered 2025-03-03 (the initial state takes effect on the registration date).
  const auto id = f.create("job_seeker", job_seeker("Keisha", "Liburd", "1846398", "2025-03-03"));
  std::int64_t v = 1;
  std::int64_t out_v = -1;

  // Refused: reactivate from registered (wrong state) — ECONFLICT, nothing changes.
  std::string h = f.hash();
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "reactivate", "{}") == CLMIS_ECONFLICT);
  CHECK(last_code() == CLMIS_ECONFLICT);
  CHECK(out_v == 0);
  CHECK(f.hash() == h);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "deactivate",
                                R"({"fields": {"inactive_reason": "no_contact"}})") == CLMIS_ECONFLICT);
  CHECK(f.hash() == h);

  // activate: registered → active.
  out_v = -1;
  REQUIRE(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "activate", R"({"effective_date": "2025-03-10"})") == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  CHECK(out_v == v + 1);
  v = out_v;
  CHECK(f.get("job_seeker", id)["status"] == "active");
  CHECK(f.get("job_seeker", id)["version"] == v);

  // Refused again: activate from active.
  h = f.hash();
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "activate", nullptr) == CLMIS_ECONFLICT);
  CHECK(f.hash() == h);
  // deactivate needs its reason.
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "deactivate", R"({"effective_date": "2025-04-01"})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"inactive_reason", "required"}});
  CHECK(f.hash() == h);

  // deactivate: active → inactive, with the reason.
  v = f.transition("job_seeker", id, v, "deactivate",
                   Json{{"effective_date", "2025-04-01"}, {"fields", {{"inactive_reason", "no_contact"}}}});
  CHECK(v == 3);
  Json r = f.get("job_seeker", id);
  CHECK(r["status"] == "inactive");
  CHECK(r["inactive_reason"] == "no_contact");

  // reactivate: inactive → active, clears the reason.
  v = f.transition("job_seeker", id, v, "reactivate", Json{{"effective_date", "2025-05-02"}});
  CHECK(v == 4);
  r = f.get("job_seeker", id);
  CHECK(r["status"] == "active");
  CHECK(r["inactive_reason"] == nullptr);

  // Misuse, unknown names, malformed arguments, stale versions: each changes nothing.
  h = f.hash();
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, nullptr, "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_transition(&out_v, nullptr, "job_seeker", id, v, "close", "{}") == CLMIS_EMISUSE);
  CHECK(last_code() == CLMIS_EMISUSE);
  CHECK(clmis_record_transition(&out_v, f.s, nullptr, id, v, "close", "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "promote", "{}") == CLMIS_ENOTFOUND);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id + 100, 1, "close", R"({"fields": {"outcome": "placed"}})") ==
        CLMIS_ENOTFOUND);
  CHECK(clmis_record_transition(&out_v, f.s, "ghost", id, v, "close", "{}") == CLMIS_ENOTFOUND);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close", R"({"fields": {"outcome": )") == CLMIS_EINVALID);
  REQUIRE(last_errors().size() == 1);
  CHECK(last_errors()[0]["rule"] == "json");
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v - 1, "close", R"({"fields": {"outcome": "placed"}})") ==
        CLMIS_ECONFLICT);
  // close without its outcome: the error list names it (args NULL = {}).
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close", nullptr) == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"outcome", "required"}});
  CHECK(last_errors()[0]["record"] == "job_seeker");
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close", R"({"effective_date": "2025-06-30"})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"outcome", "required"}});
  // Not a code of job_seeker_outcome.
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close", R"({"fields": {"outcome": "hired"}})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"outcome", "code_list"}});
  // Before the last status change (2025-05-02).
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close",
                                R"({"effective_date": "2025-05-01", "fields": {"outcome": "placed"}})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"effective_date", "date_order"}});
  CHECK(f.hash() == h);
  CHECK(f.get("job_seeker", id)["version"] == v);

  // close: active → closed, with its outcome; out_version may be NULL.
  REQUIRE(clmis_record_transition(nullptr, f.s, "job_seeker", id, v, "close",
                                  R"({"effective_date": "2025-06-30", "fields": {"outcome": "placed"}})") == CLMIS_OK);
  ++v;
  r = f.get("job_seeker", id);
  CHECK(r["version"] == v);
  CHECK(v == 5);
  CHECK(r["status"] == "closed");
  CHECK(r["outcome"] == "placed");
  // closed is final.
  h = f.hash();
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "reactivate", nullptr) == CLMIS_ECONFLICT);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", id, v, "close", R"({"fields": {"outcome": "placed"}})") == CLMIS_ECONFLICT);
  CHECK(f.hash() == h);

  // The history, oldest first.
  const Json hist = f.history("job_seeker", id);
  std::vector<std::string> events;
  for (const auto& e : hist) events.push_back(e["event"]);
  CHECK(events == std::vector<std::string>{"created", "initial", "activate", "deactivate", "reactivate", "close"});
  REQUIRE(hist.size() == 6);
  CHECK(hist[1]["to"] == "registered");
  CHECK(hist[1]["effective_date"] == "2025-03-03");
  struct Step {
    const char* from;
    const char* to;
    const char* date;
  };
  const Step steps[] = {{"registered", "active", "2025-03-10"},
                        {"active", "inactive", "2025-04-01"},
                        {"inactive", "active", "2025-05-02"},
                        {"active", "closed", "2025-06-30"}};
  for (size_t i = 0; i < 4; ++i) {
    INFO("history entry " << i + 2);
    CHECK(hist[i + 2]["from"] == steps[i].from);
    CHECK(hist[i + 2]["to"] == steps[i].to);
    CHECK(hist[i + 2]["effective_date"] == steps[i].date);
    CHECK(hist[i + 2]["by"] == "admin");
  }
  // seq is the change number of the write: "created" and "initial" come from one write, each
  // transition is a write of its own.
  CHECK(hist[1]["seq"] == hist[0]["seq"]);
  for (size_t i = 2; i < hist.size(); ++i) CHECK(hist[i]["seq"].get<std::int64_t>() > hist[i - 1]["seq"].get<std::int64_t>());
  // Independently: the history rows of the status field.
  CHECK(f.sql("SELECT count(*) FROM clmis_status__job_seeker WHERE record_id = " + std::to_string(id)) == "5");

  char* out = reinterpret_cast<char*>(0x1);
  CHECK(clmis_record_history_json(&out, f.s, "job_seeker", id + 100) == CLMIS_ENOTFOUND);
  CHECK(clmis_record_history_json(&out, nullptr, "job_seeker", id) == CLMIS_EMISUSE);
  CHECK(clmis_record_history_json(nullptr, f.s, "job_seeker", id) == CLMIS_EMISUSE);

  // args_json NULL is {}: activate today (today is after the 2025 registration date).
  const auto other = f.create("job_seeker", job_seeker("Dwayne", "Browne", "2200001", "2025-03-03"));
  out_v = -1;
  REQUIRE(clmis_record_transition(&out_v, f.s, "job_seeker", other, 1, "activate", nullptr) == CLMIS_OK);
  CHECK(out_v == 2);
  CHECK(f.get("job_seeker", other)["status"] == "active");
  // ... and then a back-dated change before it is refused.
  h = f.hash();
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", other, 2, "close",
                                R"({"effective_date": "2025-12-31", "fields": {"outcome": "placed"}})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"effective_date", "date_order"}});
  CHECK(f.hash() == h);
  // A date in the future is refused too.
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", other, 2, "close",
                                R"({"effective_date": "2099-01-01", "fields": {"outcome": "placed"}})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"effective_date", "date_order"}});
  CHECK(f.hash() == h);
  // An archived record does not move.
  REQUIRE(clmis_record_archive(f.s, "job_seeker", other, 2, "entered in error") == CLMIS_OK);
  CHECK(clmis_record_transition(&out_v, f.s, "job_seeker", other, 3, "close", R"({"fields": {"outcome": "placed"}})") ==
        CLMIS_ECONFLICT);
}

// ---------------------------------------------------------------------------------------------
// 3. Status counts on a date
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: job seekers in each state on a date, hand-computed", "[capi][registries][lifecycle][stock]") {
  Std f;
  // Five job seekers, all dates in 2025:
  //   P1: registered 02-03, activate 02-10, deactivate 04-07, reactivate 05-05, close 08-29
  //   P2: registered 02-17, close 03-14 (straight from registered)
  //   P3: registered 03-03, activate 03-03 (same day)
  //   P4: registered 06-02, never moved
  //   P5: registered 01-13, activate 01-20, then archived: never counted
  struct Step {
    const char* transition;
    const char* date;
  };
  struct Person {
    const char* registered;
    std::vector<Step> steps;
  };
  const std::vector<Person> people = {
      {"2025-02-03", {{"activate", "2025-02-10"}, {"deactivate", "2025-04-07"}, {"reactivate", "2025-05-05"}, {"close", "2025-08-29"}}},
      {"2025-02-17", {{"close", "2025-03-14"}}},
      {"2025-03-03", {{"activate", "2025-03-03"}}},
      {"2025-06-02", {}},
      {"2025-01-13", {{"activate", "2025-01-20"}}},
  };
  std::vector<std::pair<std::int64_t, std::int64_t>> ids;
  int n = 0;
  for (const auto& p : people) {
    const auto id = f.create("job_seeker", job_seeker("P" + std::to_string(n), "Stock", std::to_string(700 + n), p.registered));
    ++n;
    std::int64_t v = 1;
    for (const auto& st : p.steps) {
      Json a = {{"effective_date", st.date}};
      if (std::string(st.transition) == "deactivate") a["fields"] = {{"inactive_reason", "no_contact"}};
      if (std::string(st.transition) == "close") a["fields"] = {{"outcome", "placed"}};
      v = f.transition("job_seeker", id, v, st.transition, a);
    }
    ids.emplace_back(id, v);
  }
  REQUIRE(clmis_record_archive(f.s, "job_seeker", ids[4].first, ids[4].second, "entered in error") == CLMIS_OK);

  auto counts = [&](const char* date) {
    Json c = f.counts("job_seeker", date);
    CHECK(c["record_type"] == "job_seeker");
    CHECK(c["date"] == date);
    return c["counts"];
  };
  auto expect = [](int registered, int active, int inactive, int closed) {
    return Json{{"registered", registered}, {"active", active}, {"inactive", inactive}, {"closed", closed}};
  };
  // 2025-01-31: only P5 exists (active since 01-20) and it is archived → nobody.
  CHECK(counts("2025-01-31") == expect(0, 0, 0, 0));
  // 2025-02-10: P1 registered 02-03 and activated 02-10 (a change counts on its own day) → active 1.
  CHECK(counts("2025-02-10") == expect(0, 1, 0, 0));
  // 2025-02-28: P1 active; P2 registered (02-17) → registered 1, active 1.
  CHECK(counts("2025-02-28") == expect(1, 1, 0, 0));
  // 2025-03-14: P1 active; P2 closed (03-14); P3 active (03-03) → active 2, closed 1.
  CHECK(counts("2025-03-14") == expect(0, 2, 0, 1));
  // 2025-04-30: P1 inactive (04-07); P2 closed; P3 active → active 1, inactive 1, closed 1.
  CHECK(counts("2025-04-30") == expect(0, 1, 1, 1));
  // 2025-06-02: P1 active again (05-05); P2 closed; P3 active; P4 registered (06-02)
  //   → registered 1, active 2, closed 1.
  CHECK(counts("2025-06-02") == expect(1, 2, 0, 1));
  // 2025-12-31: P1 closed (08-29); P2 closed; P3 active; P4 registered → 1, 1, 0, 2.
  CHECK(counts("2025-12-31") == expect(1, 1, 0, 2));

  // Bad dates, unknown types, types without a workflow, NULLs.
  char* out = reinterpret_cast<char*>(0x1);
  CHECK(clmis_status_counts_json(&out, f.s, "job_seeker", "2025-02-30") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(clmis_status_counts_json(&out, f.s, "job_seeker", "31/12/2025") == CLMIS_EINVALID);
  CHECK(clmis_status_counts_json(&out, f.s, "job_seeker", "") == CLMIS_EINVALID);
  CHECK(clmis_status_counts_json(&out, f.s, "ghost", "2025-01-01") == CLMIS_ENOTFOUND);
  CHECK(clmis_status_counts_json(&out, f.s, "employer", "2025-01-01") == CLMIS_ENOTFOUND);
  CHECK(clmis_status_counts_json(&out, f.s, "job_seeker", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_status_counts_json(&out, nullptr, "job_seeker", "2025-01-01") == CLMIS_EMISUSE);
  CHECK(clmis_status_counts_json(nullptr, f.s, "job_seeker", "2025-01-01") == CLMIS_EMISUSE);
}

// ---------------------------------------------------------------------------------------------
// 4. Vacancy
// ---------------------------------------------------------------------------------------------

TEST_CASE("C registries: vacancy create, rules, close with each outcome, query, archive", "[capi][registries][vacancy]") {
  Std f;
  const auto emp = f.employer();
  const auto est = f.create("establishment", Json{{"employer", emp}, {"name", "Main hotel"}, {"parish", "KN-03"}});
  auto vacancy = [&](const std::string& title) {
    return Json{{"employer", emp},
                {"establishment", est},
                {"job_title", title},
                {"occupation", "5120"},
                {"positions", 2},
                {"parish", "KN-03"},
                {"wage_min", money("1500.00")},
                {"wage_max", money("2200.50")},
                {"wage_period", "month"},
                {"contract_type", "permanent"},
                {"education_required", "3"},
                {"date_registered", "2025-05-02"},
                {"closing_date", "2025-05-30"}};
  };
  const auto id = f.create("vacancy", vacancy("Line cook"));
  Json r = f.get("vacancy", id);
  CHECK(r["status"] == "open");
  CHECK(r["outcome"] == nullptr);
  CHECK(r["employer"] == emp);
  CHECK(r["wage_min"] == money("1500.00"));
  CHECK(r["wage_max"] == money("2200.50"));
  CHECK(r.find("officers") == r.end());  // a vacancy has no sections
  CHECK(f.sql("SELECT wage_max_minor FROM vacancy WHERE id = " + std::to_string(id)) == "220050");  // 2200.50 × 100

  // date_order and range_order, together; nothing changes.
  const std::string h = f.hash();
  Json bad = vacancy("Cook");
  bad["closing_date"] = "2025-05-01";  // the day before date_registered
  bad["wage_min"] = money("1500.00");
  bad["wage_max"] = money("1000.00");  // below wage_min
  std::int64_t bad_id = -1;
  CHECK(clmis_record_create(&bad_id, f.s, "vacancy", bad.dump().c_str()) == CLMIS_EINVALID);
  CHECK(bad_id == 0);
  CHECK(sorted(last_errs()) == sorted(Errs{{"closing_date", "date_order"}, {"wage_max", "range_order"}}));
  for (const auto& e : last_errors()) CHECK(e["record"] == "vacancy");
  CHECK(f.hash() == h);
  // The same on update of the existing vacancy.
  std::int64_t v = -1;
  CHECK(clmis_record_update(&v, f.s, "vacancy", id, 1,
                            Json{{"closing_date", "2025-04-30"}, {"wage_min", money("2500.00")}}.dump().c_str()) == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"closing_date", "date_order"}, {"wage_max", "range_order"}}));
  CHECK(f.hash() == h);
  // Equal wages are in order; a one-day window too.
  CHECK(f.update("vacancy", id, 1, Json{{"positions", 3}, {"wage_min", money("2200.50")}, {"closing_date", "2025-05-03"}}) == 2);
  r = f.get("vacancy", id);
  CHECK(r["positions"] == 3);
  CHECK(r["wage_min"] == money("2200.50"));

  // The one closing transition, with each outcome; closed is final.
  const char* outcomes[] = {"filled", "cancelled", "expired"};
  std::vector<std::int64_t> closed_ids;
  for (const char* outcome : outcomes) {
    INFO(outcome);
    const auto vid = f.create("vacancy", vacancy(std::string("Waiter ") + outcome));
    std::string hh = f.hash();
    CHECK(clmis_record_transition(&v, f.s, "vacancy", vid, 1, "close", nullptr) == CLMIS_EINVALID);
    CHECK(last_errs() == Errs{{"outcome", "required"}});
    CHECK(f.hash() == hh);
    v = f.transition("vacancy", vid, 1, "close", Json{{"effective_date", "2025-06-15"}, {"fields", {{"outcome", outcome}}}});
    CHECK(v == 2);
    r = f.get("vacancy", vid);
    CHECK(r["status"] == "closed");
    CHECK(r["outcome"] == outcome);
    hh = f.hash();
    CHECK(clmis_record_transition(&v, f.s, "vacancy", vid, 2, "close", Json{{"fields", {{"outcome", outcome}}}}.dump().c_str()) ==
          CLMIS_ECONFLICT);
    CHECK(f.hash() == hh);
    const Json hist = f.history("vacancy", vid);
    REQUIRE(hist.size() >= 2);
    CHECK(hist.back()["event"] == "close");
    CHECK(hist.back()["from"] == "open");
    CHECK(hist.back()["to"] == "closed");
    CHECK(hist.back()["effective_date"] == "2025-06-15");
    closed_ids.push_back(vid);
  }
  // A job seeker's transition names are not a vacancy's.
  CHECK(clmis_record_transition(&v, f.s, "vacancy", id, 2, "activate", nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_record_transition(&v, f.s, "vacancy", id, 2, "close", R"({"fields": {"outcome": "placed"}})") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"outcome", "code_list"}});

  // Query: one open vacancy; one of each outcome.
  Json page = f.query("vacancy", filter_eq("status", "open"));
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  for (size_t i = 0; i < 3; ++i) {
    page = f.query("vacancy", filter_eq("outcome", outcomes[i]));
    REQUIRE(page["records"].size() == 1);
    CHECK(page["records"][0]["id"] == closed_ids[i]);
  }
  CHECK(f.query("vacancy", Json::object())["records"].size() == 4);
  // Open vacancies on 2025-05-31: the four registered 2025-05-02 were all open (closed 06-15).
  CHECK(f.counts("vacancy", "2025-05-31")["counts"] == Json{{"open", 4}, {"closed", 0}});
  CHECK(f.counts("vacancy", "2025-06-15")["counts"] == Json{{"open", 1}, {"closed", 3}});

  // Archive: left out of queries.
  REQUIRE(clmis_record_archive(f.s, "vacancy", id, 2, "posted twice") == CLMIS_OK);
  CHECK(f.get("vacancy", id)["archived"] == true);
  CHECK(f.query("vacancy", filter_eq("status", "open"))["records"].size() == 0);
  CHECK(f.query("vacancy", Json::object())["records"].size() == 3);
}

// ---------------------------------------------------------------------------------------------
// 5. Code maintenance
// ---------------------------------------------------------------------------------------------

TEST_CASE("C codes: add, labels by language, relabel, deactivate, delete", "[capi][codes]") {
  Std f;
  const auto emp = f.employer("Caribbean Cinemas");
  auto vacancy = [&](const char* title, const char* contract) {
    return Json{{"employer", emp},          {"job_title", title},          {"occupation", "4224"},
                {"date_registered", "2025-05-02"}, {"contract_type", contract}};
  };

  // Add with English and Dutch labels.
  REQUIRE(clmis_code_add(f.s, "contract_type",
                         R"({"code": "zero_hours", "label": {"en": "Zero-hours contract", "nl": "Nulurencontract"}})") == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  Json c = find_code(f.codes("contract_type", "nl"), "zero_hours");
  CHECK(c == Json{{"code", "zero_hours"}, {"label", "Nulurencontract"}, {"parent", nullptr}, {"level", 1}, {"active", true}});
  CHECK(find_code(f.codes("contract_type", "en"), "zero_hours")["label"] == "Zero-hours contract");
  CHECK(find_code(f.codes("contract_type", nullptr), "zero_hours")["label"] == "Zero-hours contract");  // KNA works in English
  CHECK(f.codes("contract_type", "en").back()["code"] == "zero_hours");  // added last
  // Added with English only: Dutch falls back to English.
  REQUIRE(clmis_code_add(f.s, "skill_kind", R"({"code": "welding", "label": {"en": "Welding"}})") == CLMIS_OK);
  CHECK(find_code(f.codes("skill_kind", "nl"), "welding")["label"] == "Welding");
  // The pack's own codes keep their Dutch labels (pack.json: contract_type permanent).
  CHECK(find_code(f.codes("contract_type", "nl"), "permanent")["label"] == "Vast (onbepaalde tijd)");

  // Usable at once.
  const auto vac = f.create("vacancy", vacancy("Usher", "zero_hours"));
  CHECK(f.get("vacancy", vac)["contract_type"] == "zero_hours");

  // Relabel: languages merge; English stays.
  REQUIRE(clmis_code_update(f.s, "contract_type", "zero_hours", R"({"label": {"nl": "Nul-urencontract", "es": "Contrato de cero horas"}})") ==
          CLMIS_OK);
  CHECK(find_code(f.codes("contract_type", "nl"), "zero_hours")["label"] == "Nul-urencontract");
  CHECK(find_code(f.codes("contract_type", "es"), "zero_hours")["label"] == "Contrato de cero horas");
  CHECK(find_code(f.codes("contract_type", "en"), "zero_hours")["label"] == "Zero-hours contract");
  // null removes a language: back to English.
  REQUIRE(clmis_code_update(f.s, "contract_type", "zero_hours", R"({"label": {"es": null}})") == CLMIS_OK);
  CHECK(find_code(f.codes("contract_type", "es"), "zero_hours")["label"] == "Zero-hours contract");
  CHECK(find_code(f.codes("contract_type", "nl"), "zero_hours")["label"] == "Nul-urencontract");

  // Deactivate: refused on a new record, kept on the existing one.
  REQUIRE(clmis_code_update(f.s, "contract_type", "zero_hours", R"({"active": false})") == CLMIS_OK);
  CHECK(find_code(f.codes("contract_type", "en"), "zero_hours")["active"] == false);
  std::string h = f.hash();
  std::int64_t new_id = -1;
  CHECK(clmis_record_create(&new_id, f.s, "vacancy", vacancy("Usher 2", "zero_hours").dump().c_str()) == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"contract_type", "code_list"}});
  CHECK(last_errors()[0]["value"] == "zero_hours");
  CHECK(f.hash() == h);
  CHECK(f.get("vacancy", vac)["contract_type"] == "zero_hours");
  CHECK(f.update("vacancy", vac, 1, Json{{"positions", 4}}) == 2);
  CHECK(f.update("vacancy", vac, 2, Json{{"positions", 5}, {"contract_type", "zero_hours"}}) == 3);
  CHECK(f.get("vacancy", vac)["contract_type"] == "zero_hours");
  CHECK(f.sql("SELECT contract_type FROM vacancy WHERE id = " + std::to_string(vac)) == "zero_hours");

  // Delete: a code in use is refused, naming where it is used; nothing changes.
  h = f.hash();
  CHECK(clmis_code_delete(f.s, "contract_type", "zero_hours") == CLMIS_ECONFLICT);
  CHECK(last_code() == CLMIS_ECONFLICT);
  CHECK_THAT(clmis_error_last()->message, Catch::Contains("vacancy.contract_type"));
  CHECK(f.hash() == h);
  // ... also when used only in a section entry.
  const auto js = f.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "A"}, {"family_name", "B"},
                                               {"sex", "M"}, {"date_of_birth", "1990-01-01"},
                                               {"skills", Json::array({Json{{"kind", "welding"}, {"name", "Arc"}}})}});
  h = f.hash();
  CHECK(clmis_code_delete(f.s, "skill_kind", "welding") == CLMIS_ECONFLICT);
  CHECK_THAT(clmis_error_last()->message, Catch::Contains("job_seeker.skills.kind"));
  CHECK(f.hash() == h);
  // An unused code can be deleted.
  REQUIRE(clmis_code_add(f.s, "skill_kind", R"({"code": "unused", "label": {"en": "Unused"}})") == CLMIS_OK);
  CHECK(find_code(f.codes("skill_kind", "en"), "unused") != nullptr);
  REQUIRE(clmis_code_delete(f.s, "skill_kind", "unused") == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  CHECK(find_code(f.codes("skill_kind", "en"), "unused") == nullptr);
  CHECK(find_code(f.codes("skill_kind", "en"), "welding") != nullptr);
  CHECK(clmis_code_delete(f.s, "skill_kind", "unused") == CLMIS_ENOTFOUND);
  CHECK(clmis_code_delete(f.s, "no_such_list", "x") == CLMIS_ENOTFOUND);
  (void)js;
}

TEST_CASE("C codes: bad input, misuse and conflicts change nothing", "[capi][codes][errors]") {
  Std f;
  const std::string h = f.hash();
  // Bad code JSON: all errors together.
  CHECK(clmis_code_add(f.s, "skill_kind", R"({"code": "has space", "label": {"nl": "Alleen Nederlands"}, "colour": "red"})") ==
        CLMIS_EINVALID);
  CHECK(last_code() == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"code", "type"}, {"label.en", "required"}, {"colour", "unknown_field"}}));
  CHECK(clmis_code_add(f.s, "skill_kind", R"([])") == CLMIS_EINVALID);
  CHECK(last_errs() == Errs{{"", "type"}});
  CHECK(clmis_code_add(f.s, "skill_kind", R"({"code": "x", "label": )") == CLMIS_EINVALID);
  REQUIRE(last_errors().size() == 1);
  CHECK(last_errors()[0]["rule"] == "json");
  CHECK(clmis_code_add(f.s, "isco08", R"({"code": "X1", "label": "x", "parent": "0000"})") == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"label", "type"}, {"parent", "code_list"}}));
  CHECK(clmis_code_update(f.s, "sex", "F", R"({"label": {"en": null}, "active": "no"})") == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == sorted(Errs{{"label.en", "type"}, {"active", "type"}}));
  CHECK(clmis_code_update(f.s, "sex", "F", R"({"active": )") == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "json");
  CHECK(f.hash() == h);

  // Exists, not found, workflow states.
  CHECK(clmis_code_add(f.s, "sex", R"({"code": "F", "label": {"en": "Female again"}})") == CLMIS_EEXISTS);
  CHECK(clmis_code_add(f.s, "no_such_list", R"({"code": "x", "label": {"en": "x"}})") == CLMIS_ENOTFOUND);
  CHECK(clmis_code_update(f.s, "sex", "Z", R"({"active": false})") == CLMIS_ENOTFOUND);
  CHECK(clmis_code_add(f.s, "vacancy_status", R"({"code": "paused", "label": {"en": "Paused"}})") == CLMIS_ECONFLICT);
  CHECK(clmis_code_delete(f.s, "job_seeker_status", "inactive") == CLMIS_ECONFLICT);
  CHECK(clmis_code_update(f.s, "job_seeker_status", "inactive", R"({"active": false})") == CLMIS_ECONFLICT);
  CHECK(clmis_code_delete(f.s, "isic4", "I") == CLMIS_ECONFLICT);  // has sub-codes
  CHECK(f.hash() == h);

  // NULLs.
  CHECK(clmis_code_add(f.s, nullptr, R"({"code": "x", "label": {"en": "x"}})") == CLMIS_EMISUSE);
  CHECK(last_code() == CLMIS_EMISUSE);
  CHECK(clmis_code_add(f.s, "skill_kind", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_code_add(nullptr, "skill_kind", R"({"code": "x", "label": {"en": "x"}})") == CLMIS_EMISUSE);
  CHECK(clmis_code_update(f.s, nullptr, "F", R"({"active": false})") == CLMIS_EMISUSE);
  CHECK(clmis_code_update(f.s, "sex", nullptr, R"({"active": false})") == CLMIS_EMISUSE);
  CHECK(clmis_code_update(f.s, "sex", "F", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_code_delete(f.s, nullptr, "F") == CLMIS_EMISUSE);
  CHECK(clmis_code_delete(f.s, "sex", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_code_delete(nullptr, "sex", "F") == CLMIS_EMISUSE);
  CHECK(f.hash() == h);
}

// ---------------------------------------------------------------------------------------------
// 6. clmis_open_options version 2
// ---------------------------------------------------------------------------------------------

namespace {
/// The struct as a version-1 caller compiled it: it ends before `upgrade`.
struct open_options_v1 {
  unsigned int version;
  int busy_timeout_ms;
  const char* data_dir;
};
}  // namespace

TEST_CASE("C open options: every struct version is accepted, and upgrade", "[capi][open]") {
  clmis_open_options o;
  // A version-2 struct ends before the audit key members: init writes only within it.
  std::memset(&o, 0xff, sizeof o);
  REQUIRE(clmis_open_options_init(&o, 2) == CLMIS_OK);
  CHECK(o.version == 2);
  CHECK(o.busy_timeout_ms == 5000);
  CHECK(o.data_dir == nullptr);
  CHECK(o.upgrade == 0);
  CHECK(reinterpret_cast<std::uintptr_t>(o.audit_key_file) == UINTPTR_MAX);
  // The current version sets every member.
  std::memset(&o, 0xff, sizeof o);
  REQUIRE(clmis_open_options_init(&o, CLMIS_OPEN_OPTIONS_VERSION) == CLMIS_OK);
  CHECK(o.version == CLMIS_OPEN_OPTIONS_VERSION);
  CHECK(o.upgrade == 0);
  CHECK(o.audit_key_file == nullptr);
  CHECK(o.audit_key == nullptr);
  const clmis_open_options lit = CLMIS_OPEN_OPTIONS_INIT;
  CHECK(lit.version == CLMIS_OPEN_OPTIONS_VERSION);
  CHECK(lit.upgrade == 0);
  CHECK(clmis_open_options_init(&o, CLMIS_OPEN_OPTIONS_VERSION + 1) == CLMIS_EMISUSE);
  CHECK(clmis_open_options_init(&o, 0) == CLMIS_EMISUSE);
  CHECK(clmis_open_options_init(nullptr, 2) == CLMIS_EMISUSE);

  // A version-1 caller: an exactly-sized struct; init writes only within it.
  auto v1 = std::make_unique<open_options_v1>();
  std::memset(v1.get(), 0xff, sizeof *v1);
  REQUIRE(clmis_open_options_init(reinterpret_cast<clmis_open_options*>(v1.get()), 1) == CLMIS_OK);
  CHECK(v1->version == 1);
  CHECK(v1->busy_timeout_ms == 5000);
  CHECK(v1->data_dir == nullptr);

  std::string path;
  std::int64_t js = 0;
  std::unique_ptr<Std> f = std::make_unique<Std>();
  path = f->path;
  js = f->create("job_seeker", job_seeker("Keisha", "Liburd", "1846398"));
  f->transition("job_seeker", js, 1, "activate", Json{{"effective_date", "2025-03-10"}});
  REQUIRE(clmis_code_add(f->s, "skill_kind", R"({"code": "welding", "label": {"en": "Welding"}})") == CLMIS_OK);
  clmis_session_close(&f->s);
  clmis_close(&f->db);
  const std::string seq_before = test::raw_scalar(path, "SELECT max(seq + span - 1) FROM clmis_change");
  const std::int64_t audit_before = std::stoll(test::raw_scalar(path, "SELECT max(id) FROM clmis_audit"));
  const std::string before = test::db_hash(path, audit_before);
  // Every open below changes nothing (DESIGN.md §5) but for the audit entries of the logins.
  auto unchanged_but_logins = [&](int logins) {
    CHECK(test::db_hash(path, audit_before) == before);
    CHECK(test::audit_actions_after(path, audit_before) == std::vector<std::string>(static_cast<size_t>(logins), "login"));
  };

  // Open with the version-1 struct.
  clmis_db* db = nullptr;
  REQUIRE(clmis_open(&db, path.c_str(), reinterpret_cast<const clmis_open_options*>(v1.get())) == CLMIS_OK);
  clmis_session* s = nullptr;
  REQUIRE(clmis_login(&s, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_record_get(&out, s, "job_seeker", js) == CLMIS_OK);
  CHECK(take(out)["status"] == "active");
  clmis_session_close(&s);
  clmis_close(&db);
  unchanged_but_logins(1);

  // Upgrade to the embedded pack, which is the one stored: nothing changes.
  REQUIRE(clmis_open_options_init(&o, 2) == CLMIS_OK);  // a version-2 caller asks for the upgrade
  o.upgrade = 1;
  o.data_dir = nullptr;
  REQUIRE(clmis_open(&db, path.c_str(), &o) == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  REQUIRE(clmis_login(&s, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  REQUIRE(clmis_record_get(&out, s, "job_seeker", js) == CLMIS_OK);
  Json r = take(out);
  CHECK(r["status"] == "active");
  CHECK(r["registration_no"] == "JS-000001");
  REQUIRE(clmis_codes_json(&out, db, "skill_kind", "en") == CLMIS_OK);
  CHECK(find_code(take(out), "welding") != nullptr);  // a code added by Table Maintenance survives
  clmis_session_close(&s);
  clmis_close(&db);
  unchanged_but_logins(2);
  CHECK(test::raw_scalar(path, "SELECT max(seq + span - 1) FROM clmis_change") == seq_before);

  // And once more (idempotent), then a plain open.
  REQUIRE(clmis_open(&db, path.c_str(), &o) == CLMIS_OK);
  clmis_close(&db);
  REQUIRE(clmis_open(&db, path.c_str(), nullptr) == CLMIS_OK);
  clmis_close(&db);
  unchanged_but_logins(2);
}

TEST_CASE("C registries: employer with contact persons and its workplaces: create, section edits, archive, query", "[capi][registries][employer]") {
  Std d;
  const auto emp = d.create("employer", Json{{"name", "Basseterre Bottling Co."}, {"isic_class", "1104"}, {"parish", "KN-03"},
                                             {"contacts", Json::array({Json{{"name", "J. Browne"}, {"position", "Manager"}},
                                                                       Json{{"name", "K. Hanley"}, {"email", "kh@bbc.kn"}}})}});
  CHECK(d.sql("SELECT group_concat(name, '|') FROM (SELECT name FROM employer__contacts ORDER BY item_no)") == "J. Browne|K. Hanley");
  // Replace the contacts with one person; the employer's fields stay.
  CHECK(d.update("employer", emp, 1, Json{{"contacts", Json::array({Json{{"name", "K. Hanley"}, {"telephone", "869-465-2222"}}})}}) == 2);
  Json r = d.get("employer", emp);
  CHECK(r["contacts"] == Json::array({Json{{"name", "K. Hanley"}, {"position", nullptr}, {"telephone", "869-465-2222"}, {"email", nullptr}}}));
  CHECK(r["isic_class"] == "1104");
  CHECK(d.sql("SELECT count(*) FROM employer__contacts") == "1");
  // A bad contact is refused with its path; nothing changes.
  const std::string h = d.hash();
  std::int64_t v = 0;
  CHECK(clmis_record_update(&v, d.s, "employer", emp, 2, R"({"contacts": [{"email": "nobody"}]})") == CLMIS_EINVALID);
  CHECK(sorted(last_errs()) == Errs{{"contacts[0].email", "pattern"}, {"contacts[0].name", "required"}});
  CHECK(d.hash() == h);

  const auto w1 = d.create("establishment", Json{{"employer", emp}, {"name", "Plant"}, {"parish", "KN-03"}});
  const auto w2 = d.create("establishment", Json{{"employer", emp}, {"name", "Depot"}, {"parish", "KN-01"}});
  Json page = d.query("establishment", Json{{"filter", Json::array({Json{{"field", "employer"}, {"op", "eq"}, {"value", emp}}})},
                                            {"sort", Json::array({Json{{"field", "name"}}})}});
  REQUIRE(page["records"].size() == 2);
  CHECK(page["records"][0]["id"] == w2);  // "Depot" sorts before "Plant"
  CHECK(clmis_record_archive(d.s, "establishment", w2, 1, "closed down in 2024") == CLMIS_OK);
  page = d.query("establishment", Json::object());
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == w1);
  CHECK(d.get("establishment", w2)["archive_reason"] == "closed down in 2024");
  CHECK(clmis_record_archive(d.s, "employer", emp, 2, "") == CLMIS_EINVALID);
  CHECK(clmis_record_archive(d.s, "employer", emp, 2, "merged") == CLMIS_OK);
  CHECK(d.query("employer", Json::object())["records"].size() == 0);
}
