// Permissions of the standard pack: (1) the matrix role × record type × action derived from the
// pack by this test's own reading of its grants, exercised operation by operation — each allowed
// pair succeeds, each other is refused with PermissionDenied, logged, and leaves the database
// unchanged; (2) the hand-written golden table tests/security/golden_permissions.txt, which the
// pack's reading and Session::permissions() must both match exactly.
#include <catch2/catch.hpp>

#include "clmis/io.hpp"
#include "support.hpp"

#include <fstream>
#include <map>
#include <sstream>

using clmis::Json;

namespace {

const std::vector<std::string> kTypes = {"employer", "establishment", "organisation", "job_seeker", "vacancy"};
const std::vector<std::string> kColumns = {"create", "read", "read_personal", "update", "archive", "export", "transition"};

/// The test users: role and section ("" = none).
struct User {
  std::string key, role, section;
};
const std::vector<User> kUsers = {
    {"administrator", "administrator", ""},
    {"supervisor@employment_services", "supervisor", "employment_services"},
    {"officer@employment_services", "officer", "employment_services"},
    {"officer@inspections", "officer", "inspections"},
    {"data_entry@employment_services", "data_entry", "employment_services"},
    {"statistician", "statistician", ""},
    {"publisher", "publisher", ""},
    {"auditor", "auditor", ""},
    {"read_only", "read_only", ""},
    {"partner_agency", "partner_agency", ""},
};

std::string user_name(const User& u) {
  std::string n = u.key;
  for (auto& c : n)
    if (c == '@') c = '.';
  return n;
}

/// This test's own reading of the pack's grants (independent of the engine's): the scope a
/// role has for an action on a type, "A", "O" or "-".
std::string derive(const Json& pack, const User& u, const std::string& type, const std::string& action) {
  std::string type_section;
  for (const auto& t : pack["record_types"])
    if (t["name"] == type && t.contains("section")) type_section = t["section"];
  std::string best = "-";
  for (const auto& role : pack["roles"]) {
    if (role["name"] != u.role || !role.contains("grants")) continue;
    for (const auto& g : role["grants"]) {
      const Json& types = g["record_types"];
      if (!(types == "*" || std::find(types.begin(), types.end(), Json(type)) != types.end())) continue;
      const Json& acts = g["actions"];
      bool match = acts == "*";
      if (!match)
        for (const auto& a : acts)
          if (a == action || (a == "transition" && action.rfind("transition", 0) == 0)) match = true;
      if (!match) continue;
      std::string s = g["scope"] == "all" ? "A" : g["scope"] == "own" ? "O" : "-";
      if (g["scope"] == "section") s = type_section.empty() || type_section == u.section ? "A" : "-";
      if (s == "A" || (s == "O" && best == "-")) best = s;
    }
  }
  return best;
}

Json read_pack() {
  std::ifstream in(std::string(CLMIS_SOURCE_DIR) + "/data/packs/standard/pack.json");
  return Json::parse(in);
}

struct Golden {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> cells;  // (user, type) → columns
  std::map<std::string, std::vector<std::string>> system;
};

Golden read_golden() {
  std::ifstream in(std::string(CLMIS_SOURCE_DIR) + "/tests/security/golden_permissions.txt");
  Golden g;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string first;
    ls >> first;
    if (first == "system") {
      std::string user, p;
      ls >> user;
      auto& v = g.system[user];
      while (ls >> p) v.push_back(p);
      continue;
    }
    std::string type, cell;
    ls >> type;
    auto& v = g.cells[{first, type}];
    while (ls >> cell) v.push_back(cell);
  }
  return g;
}

bool has_workflow(const std::string& type) { return type == "job_seeker" || type == "vacancy"; }

/// The fixture: a standard database, an employer and establishment the admin entered, and one
/// user per entry of kUsers.
struct World {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db = test::standard_db(dir);
  clmis::Session admin = db.login("admin", test::kPassword);
  std::int64_t employer = 0, establishment = 0;
  int serial = 0;

  World() {
    employer = admin.create("employer", Json{{"name", "Ocean Terrace Inn"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    establishment = admin.create("establishment", Json{{"employer", employer}, {"name", "OTI Basseterre"}, {"parish", "KN-03"}});
    for (const auto& u : kUsers) {
      Json spec = {{"name", user_name(u)}, {"password", "pw-" + user_name(u)}, {"roles", {u.role}},
                   {"must_change_password", false}};
      if (!u.section.empty()) spec["section"] = u.section;
      if (u.role == "partner_agency") spec["agency"] = "NSO";  // a partner agency's user belongs to one
      admin.user_create(spec);
    }
  }

  /// A valid new record of type (unique values from a counter).
  Json record(const std::string& type) {
    const std::string n = std::to_string(++serial);
    if (type == "employer") return {{"name", "Employer " + n}, {"isic_class", "5510"}, {"parish", "KN-03"}};
    if (type == "establishment") return {{"employer", employer}, {"name", "Site " + n}, {"parish", "KN-01"}};
    if (type == "organisation") return {{"name", "Union " + n}, {"kind", "trade_union"}};
    if (type == "job_seeker")
      return {{"registration_date", "2025-03-03"}, {"first_name", "Keisha" + n}, {"family_name", "Liburd"},
              {"nis_number", std::to_string(100000 + serial)}, {"sex", "F"}, {"date_of_birth", "1999-07-14"},
              {"parish", "KN-03"}, {"telephone", "869-465-" + n}};
    return {{"employer", employer}, {"establishment", establishment}, {"job_title", "Cook " + n},
            {"occupation", "5120"}, {"positions", 1}, {"parish", "KN-03"}, {"date_registered", "2025-05-02"},
            {"contact_person", "Mr Browne " + n}};
  }

  /// A change of a field that is not personal.
  static Json change(const std::string& type) {
    if (type == "employer" || type == "organisation") return {{"notes", "seen"}};
    if (type == "establishment") return {{"address", "Bay Road"}};
    if (type == "job_seeker") return {{"city", "Sandy Point"}};
    return {{"duties", "prep"}};
  }

  std::int64_t version(const std::string& type, std::int64_t id) { return admin.get(type, id)["version"]; }
};

/// Runs op as a refused operation: PermissionDenied naming the permission, a security log
/// entry, and the database otherwise unchanged.
void expect_refused(World& w, const std::string& what, const std::function<void()>& op) {
  INFO(what);
  const std::string before = test::db_hash(w.path);
  const auto log = std::stoll(test::raw_scalar(w.path, "SELECT count(*) FROM clmis_security_log"));
  try {
    op();
    FAIL("allowed: " + what);
  } catch (const clmis::PermissionDenied& e) {
    CHECK(std::string(e.what()).find("permission denied") != std::string::npos);
  }
  CHECK(test::db_hash(w.path) == before);
  CHECK(std::stoll(test::raw_scalar(w.path, "SELECT count(*) FROM clmis_security_log")) == log + 1);
}

}  // namespace

TEST_CASE("Permissions: every role × record type × action of the pack, allowed or refused unchanged", "[security][permissions]") {
  const Json pack = read_pack();
  World w;
  for (const auto& u : kUsers) {
    auto s = w.db.login(user_name(u), "pw-" + user_name(u));
    for (const auto& type : kTypes) {
      const std::string ctx = u.key + " on " + type;
      INFO(ctx);
      auto scope = [&](const std::string& action) { return derive(pack, u, type, action); };

      // create
      std::int64_t own = 0;
      if (scope("create") != "-") {
        own = s.create(type, w.record(type));
        CHECK(own > 0);
      } else {
        const Json rec = w.record(type);
        expect_refused(w, ctx + ": create", [&] { s.create(type, rec); });
      }

      // read (and read_personal) of the administrator's record; own records with scope O
      const std::int64_t theirs = w.admin.create(type, w.record(type));
      if (scope("read") == "A") {
        const Json r = s.get(type, theirs);
        CHECK(r["id"] == theirs);
        CHECK(r.contains("masked") == (scope("read_personal") != "A"));
      } else {
        expect_refused(w, ctx + ": read", [&] { (void)s.get(type, theirs); });
      }
      if (own > 0 && scope("read") != "-") {
        const Json r = s.get(type, own);
        CHECK(r.contains("masked") == (scope("read_personal") == "-"));
      }

      // update
      if (scope("update") == "A") {
        const auto v = w.version(type, theirs);
        CHECK(s.update(type, theirs, v, World::change(type)) == v + 1);
      } else {
        const auto v = w.version(type, theirs);
        expect_refused(w, ctx + ": update", [&] { s.update(type, theirs, v, World::change(type)); });
      }
      if (own > 0 && scope("update") == "O")
        CHECK(s.update(type, own, w.version(type, own), World::change(type)) == 2);

      // archive (a fresh record each time)
      {
        const auto id = w.admin.create(type, w.record(type));
        if (scope("archive") == "A") {
          s.archive(type, id, 1, "entered twice");
          CHECK(w.admin.get(type, id)["archived"] == true);
        } else {
          expect_refused(w, ctx + ": archive", [&] { s.archive(type, id, 1, "entered twice"); });
        }
      }

      // export
      if (scope("export") == "A" && scope("read") != "-") {
        std::ostringstream out;
        CHECK(clmis::export_records(s, type, out, clmis::ExportOptions{}) >= 1);
      } else {
        std::ostringstream out;
        expect_refused(w, ctx + ": export", [&] { clmis::export_records(s, type, out, clmis::ExportOptions{}); });
        CHECK(out.str().empty());
      }

      // every transition, from a state it applies to
      if (has_workflow(type)) {
        struct Step {
          std::string name;
          std::vector<std::pair<std::string, Json>> before;  // transitions that reach its "from"
          Json args;
        };
        std::vector<Step> steps;
        if (type == "job_seeker") {
          steps = {{"activate", {}, Json::object()},
                   {"deactivate", {{"activate", Json::object()}}, {{"fields", {{"inactive_reason", "training"}}}}},
                   {"reactivate",
                    {{"activate", Json::object()}, {"deactivate", {{"fields", {{"inactive_reason", "training"}}}}}},
                    Json::object()},
                   {"close", {}, {{"fields", {{"outcome", "placed"}}}}}};
        } else {
          steps = {{"close", {}, {{"fields", {{"outcome", "filled"}}}}}};
        }
        for (const auto& st : steps) {
          const auto id = w.admin.create(type, w.record(type));
          for (const auto& [name, args] : st.before) w.admin.transition(type, id, w.version(type, id), name, args);
          const auto v = w.version(type, id);
          if (scope("transition:" + st.name) == "A") {
            CHECK(s.transition(type, id, v, st.name, st.args) == v + 1);
          } else {
            expect_refused(w, ctx + ": transition " + st.name, [&] { s.transition(type, id, v, st.name, st.args); });
          }
        }
      }
    }
  }
}

TEST_CASE("Permissions: the golden table, the pack and Session::permissions() agree", "[security][permissions]") {
  const Json pack = read_pack();
  const Golden golden = read_golden();
  World w;
  REQUIRE(golden.cells.size() == kUsers.size() * kTypes.size());
  for (const auto& u : kUsers) {
    auto s = w.db.login(user_name(u), "pw-" + user_name(u));
    const Json perms = s.permissions();
    CHECK(perms["roles"] == Json::array({u.role}));
    for (const auto& type : kTypes) {
      INFO(u.key << " on " << type);
      const auto it = golden.cells.find({u.key, type});
      REQUIRE(it != golden.cells.end());
      REQUIRE(it->second.size() == kColumns.size());
      const Json& actual = perms["record_types"][type];
      for (size_t c = 0; c < kColumns.size(); ++c) {
        const std::string& want = it->second[c];
        INFO(kColumns[c]);
        if (kColumns[c] == "transition") {
          if (!has_workflow(type)) {
            CHECK(want == ".");
            continue;
          }
          for (const auto& t : pack["record_types"])
            if (t["name"] == type)
              for (const auto& tr : t["workflow"]["transitions"]) {
                const std::string action = "transition:" + tr["name"].get<std::string>();
                CHECK(derive(pack, u, type, action) == want);
                const std::string got = actual.contains(action) ? (actual[action] == "all" ? "A" : "O") : "-";
                CHECK(got == want);
              }
          continue;
        }
        CHECK(derive(pack, u, type, kColumns[c]) == want);
        const std::string got =
            actual.contains(kColumns[c]) ? (actual[kColumns[c]] == "all" ? "A" : "O") : "-";
        CHECK(got == want);
      }
    }
    // System permissions.
    std::vector<std::string> want;
    if (auto it = golden.system.find(u.key); it != golden.system.end()) want = it->second;
    std::sort(want.begin(), want.end());
    std::vector<std::string> got = perms["system"].get<std::vector<std::string>>();
    CHECK(got == want);
  }
}

TEST_CASE("Permissions: system permissions are enforced and refusals logged", "[security][permissions]") {
  World w;
  auto officer = w.db.login("officer.employment_services", "pw-officer.employment_services");
  auto auditor = w.db.login("auditor", "pw-auditor");
  expect_refused(w, "officer lists users", [&] { (void)officer.users(); });
  expect_refused(w, "officer creates a user", [&] {
    officer.user_create(Json{{"name", "mallory"}, {"password", "long-enough-1"}, {"roles", {"administrator"}}});
  });
  expect_refused(w, "officer relabels a code", [&] {
    officer.code_update("parish", "KN-01", Json{{"label", {{"en", "X"}}}});
  });
  expect_refused(w, "officer verifies the audit trail", [&] { (void)officer.audit_verify(); });
  expect_refused(w, "officer makes a service key", [&] {
    officer.service_key_create(Json{{"name", "k"}, {"roles", {"officer"}}});
  });
  CHECK(auditor.audit_verify()["ok"] == true);
  expect_refused(w, "auditor gives themselves a role", [&] {
    auditor.user_update("auditor", Json{{"roles", {"administrator"}}});
  });
  // The refusal names the permission.
  try {
    officer.code_delete("parish", "KN-01");
    FAIL("allowed");
  } catch (const clmis::PermissionDenied& e) {
    CHECK(std::string(e.what()).find("code_lists") != std::string::npos);
  }
  const Json log = w.admin.security_log();
  REQUIRE(!log.empty());
  CHECK(log.back()["event"] == "permission_denied");
  CHECK(log.back()["user"] == "officer.employment_services");
  CHECK(log.back()["detail"]["permission"] == "code_lists");
}

TEST_CASE("Permissions: own-scope queries and the change feed show only the user's records", "[security][permissions]") {
  World w;
  auto clerk = w.db.login("data_entry.employment_services", "pw-data_entry.employment_services");
  const auto mine = clerk.create("job_seeker", w.record("job_seeker"));
  const auto theirs = w.admin.create("job_seeker", w.record("job_seeker"));
  const Json page = clerk.query("job_seeker");
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == mine);
  // Their own record unmasked (read_personal on own records).
  CHECK(page["records"][0]["first_name"].is_string());
  CHECK_FALSE(page["records"][0].contains("masked"));
  Json feed = clerk.changes_since(0);
  std::vector<std::int64_t> ids;
  for (const auto& c : feed["changes"]) {
    CHECK(c["record_type"] == "job_seeker");
    ids.push_back(c["id"]);
  }
  CHECK(ids == std::vector<std::int64_t>{mine});
  // The feed's position moves past what the clerk may not see.
  CHECK(feed["last_seq"] == w.admin.changes_since(0)["last_seq"]);
  CHECK_THROWS_AS(clerk.history("job_seeker", theirs), clmis::PermissionDenied);
  CHECK(clerk.history("job_seeker", mine).size() >= 2);
}

TEST_CASE("Permissions: personal fields are masked, and filtering on them needs read_personal", "[security][permissions][personal]") {
  World w;
  auto stat = w.db.login("statistician", "pw-statistician");
  Json rec = w.record("job_seeker");
  rec["date_of_birth"] = "1990-02-10";
  rec["experience"] = Json::array({Json{{"occupation", "5131"}, {"from", "2017-01-09"}}});
  const auto id = w.admin.create("job_seeker", rec);
  const Json r = stat.get("job_seeker", id);
  CHECK(r["first_name"] == nullptr);
  CHECK(r["family_name"] == nullptr);
  CHECK(r["nis_number"] == nullptr);
  CHECK(r["telephone"] == nullptr);
  // Born 1990-02-10: 35 on 2025-02-10, 36 on 2026-02-10 (today is in 2026 or later); the age
  // group (not personal, beside the masked date) follows from the age on the day the test runs
  // in the country's time zone (the database's "today", not UTC's date), computed here
  // independently from its text.
  const std::string today = w.db.today();
  const int year = std::stoi(today.substr(0, 4)), month = std::stoi(today.substr(5, 2)), day = std::stoi(today.substr(8, 2));
  int age = year - 1990;
  if (month < 2 || (month == 2 && day < 10)) --age;
  const int lo = age / 5 * 5;
  CHECK(r["date_of_birth"].is_null());  // masked: null, never text where a date belongs
  CHECK(r["age_group"] == std::to_string(lo) + "-" + std::to_string(lo + 4));
  CHECK(r["sex"] == "F");            // not personal: statistics need it
  CHECK(r["parish"] == "KN-03");
  CHECK(r["masked"].size() >= 7);
  const std::string before = test::db_hash(w.path);
  CHECK_THROWS_AS(stat.query("job_seeker", Json{{"filter", {{{"field", "family_name"}, {"op", "eq"}, {"value", "Liburd"}}}}}),
                  clmis::PermissionDenied);
  CHECK_THROWS_AS(stat.query("job_seeker", Json{{"sort", {{{"field", "date_of_birth"}}}}}), clmis::PermissionDenied);
  CHECK(test::db_hash(w.path) == before);
  // Non-personal filters work.
  CHECK(stat.query("job_seeker", Json{{"filter", {{{"field", "parish"}, {"op", "eq"}, {"value", "KN-03"}}}}})["records"].size() == 1);
}

TEST_CASE("Permissions: a country adds its own roles in its profile", "[security][permissions][pack]") {
  test::TempDir dir;
  const std::string data = test::copy_data(dir, "data", std::string(CLMIS_SOURCE_DIR) + "/data");
  test::edit_json(data + "/countries/KNA.json", [](Json& p) {
    p["roles"] = Json::array({Json{{"name", "x_kna_registry_clerk"},
                                   {"label", "Registry clerk"},
                                   {"grants", {{{"record_types", {"employer", "establishment"}},
                                                {"actions", {"create", "read", "update"}},
                                                {"scope", "all"}}}}}});
    p["security"] = Json{{"password_min_length", 12}, {"lockout_attempts", 3}};
  });
  clmis::InitOptions o;
  o.country = "KNA";
  o.data_dir = data;
  o.admin_password = "short-admin";  // 11 characters: below the profile's 12
  CHECK_THROWS_AS(clmis::Database::init(dir.file("k.db"), o), clmis::ValidationError);
  CHECK_FALSE(std::filesystem::exists(dir.file("k.db")));
  o.admin_password = "a-long-enough-admin-pw";
  auto db = clmis::Database::init(dir.file("k.db"), o);
  auto admin = db.login("admin", o.admin_password);
  // The profile's password policy: 12 characters.
  CHECK_THROWS_AS(admin.user_create(Json{{"name", "c"}, {"password", "eleven-char"}, {"roles", {"x_kna_registry_clerk"}}}),
                  clmis::ValidationError);
  admin.user_create(Json{{"name", "c"}, {"password", "twelve-chars"}, {"roles", {"x_kna_registry_clerk"}},
                         {"must_change_password", false}});
  auto c = db.login("c", "twelve-chars");
  const Json p = c.permissions()["record_types"];
  CHECK(p["employer"] == Json{{"create", "all"}, {"read", "all"}, {"update", "all"}});
  CHECK(p["job_seeker"] == Json::object());
  // Lockout after the profile's 3 failures.
  for (int i = 0; i < 3; ++i) CHECK_THROWS_AS(db.login("c", "wrong-password"), clmis::AuthError);
  CHECK_THROWS_AS(db.login("c", "twelve-chars"), clmis::AuthError);
  // A country role must carry the country's prefix.
  test::edit_json(data + "/countries/KNA.json", [](Json& p) { p["roles"][0]["name"] = "registry_clerk"; });
  o.admin_password = "a-long-enough-admin-pw";
  try {
    clmis::Database::init(dir.file("bad.db"), o);
    FAIL("a country role without the prefix was accepted");
  } catch (const clmis::PackError& e) {
    CHECK(std::string(e.what()).find("x_kna_") != std::string::npos);
  }
}
