// The audit trail: HMAC-chained, append-only, tamper-evident. Each tampering is done through a
// raw SQLite connection (what someone with the file and the sqlite3 shell can do) and must be
// found by audit_verify, naming the first bad entry.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <sodium.h>

#include <filesystem>
#include <fstream>

using clmis::Json;

namespace {

struct Trail {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db = test::standard_db(dir);
  clmis::Session admin = db.login("admin", test::kPassword);
  Trail() {
    // A few entries of every kind: records, a transition, an account, a code.
    const auto e = admin.create("employer", Json{{"name", "Ocean Terrace Inn"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    admin.update("employer", e, 1, Json{{"notes", "visited"}});
    admin.user_create(Json{{"name", "auditor1"}, {"password", "auditor-pw-1"}, {"roles", {"auditor"}}});
    admin.code_update("parish", "KN-01", Json{{"label", {{"es", "Cristo Iglesia Nichola Town"}}}});
    admin.create("employer", Json{{"name", "Marriott"}, {"isic_class", "5510"}, {"parish", "KN-01"}});
  }
  std::int64_t entries() { return std::stoll(test::raw_scalar(path, "SELECT count(*) FROM clmis_audit")); }
  void raw(const std::string& sql) { test::raw_exec(path, sql); }
};

std::string sha256_hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace

TEST_CASE("Audit: an untouched trail verifies and entries carry before and after values (personal ones hashed)", "[security][audit]") {
  Trail t;
  const Json v = t.admin.audit_verify();
  CHECK(v["ok"] == true);
  CHECK(v["first_bad"] == nullptr);
  CHECK(v["entries"] == t.entries());
  CHECK(v["head"]["count"] == t.entries());
  const Json cp = t.admin.audit_checkpoint();
  CHECK(cp["count"] == t.entries());
  CHECK(cp["mac"] == test::raw_scalar(t.path, "SELECT mac FROM clmis_audit ORDER BY id DESC LIMIT 1"));
  CHECK(t.admin.audit_verify(cp)["checkpoint"] == "matches");
  // The update's entry: before and after.
  const Json entries = t.admin.audit_entries();
  const Json* upd = nullptr;
  for (const auto& e : entries)
    if (e["action"] == "update") upd = &e;
  REQUIRE(upd);
  CHECK((*upd)["detail"]["changes"]["notes"] == Json{{"from", nullptr}, {"to", "visited"}});
  CHECK((*upd)["by"] == "admin");
  // A job seeker: the personal values are keyed hashes, equal values equal hashes.
  const auto id = t.admin.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "Zephyrine"},
                                                    {"family_name", "Quashie"}, {"nis_number", "881204579316"}, {"sex", "F"},
                                                    {"date_of_birth", "1999-07-14"}, {"parish", "KN-03"}});
  t.admin.update("job_seeker", id, 1, Json{{"family_name", "Quashie-Browne"}, {"city", "Basseterre"}});
  const Json all = t.admin.audit_entries();
  const Json& created = all[all.size() - 2]["detail"]["values"];
  const Json& changed = all.back()["detail"]["changes"];
  CHECK(created["first_name"].get<std::string>().rfind("hmac:", 0) == 0);
  CHECK(created["sex"] == "F");
  CHECK(changed["family_name"]["from"] == created["family_name"]);
  CHECK(changed["family_name"]["to"] != changed["family_name"]["from"]);
  CHECK(changed["city"] == Json{{"from", nullptr}, {"to", "Basseterre"}});
  const std::string trail_text = test::raw_scalar(t.path, "SELECT group_concat(detail, ' ') FROM clmis_audit");
  // The NIS number has twelve digits: a shorter one ("8812" once) turned up by chance inside
  // the hex of a keyed digest (a 4-digit string is in 2,000 random hex digits 3 % of the time).
  for (const char* secret : {"Zephyrine", "Quashie", "881204579316", "1999-07-14"})
    CHECK(trail_text.find(secret) == std::string::npos);
}

TEST_CASE("Audit: the library cannot change or delete entries", "[security][audit]") {
  Trail t;
  CHECK_THROWS(t.raw("UPDATE clmis_audit SET action = 'nothing' WHERE id = 2"));
  CHECK_THROWS(t.raw("DELETE FROM clmis_audit WHERE id = 2"));
  CHECK(t.admin.audit_verify()["ok"] == true);
}

TEST_CASE("Audit: every tampering through the raw file is detected, naming the first bad entry", "[security][audit]") {
  auto detected = [](Trail& t, const std::string& what, std::int64_t first_bad, const Json& checkpoint = nullptr) {
    INFO(what);
    const Json v = t.admin.audit_verify(checkpoint);
    CHECK(v["ok"] == false);
    CHECK(v["first_bad"] == first_bad);
    CHECK(!v["problems"].empty());
  };
  const char* drop = "DROP TRIGGER clmis_audit_no_update; DROP TRIGGER clmis_audit_no_delete;";

  SECTION("changed detail") {
    Trail t;
    t.raw(std::string(drop) + "UPDATE clmis_audit SET detail = replace(detail, 'visited', 'never') WHERE id = 4");
    // id 4: init, login, create, update — the update is the 4th entry.
    CHECK(test::raw_scalar(t.path, "SELECT action FROM clmis_audit WHERE id = 4") == "update");
    detected(t, "changed", 4);
  }
  SECTION("changed actor") {
    Trail t;
    t.raw(std::string(drop) + "UPDATE clmis_audit SET actor = NULL WHERE id = 3");
    detected(t, "actor", 3);
  }
  SECTION("deleted entry") {
    Trail t;
    t.raw(std::string(drop) + "DELETE FROM clmis_audit WHERE id = 3");
    detected(t, "deleted", 4);  // the first entry after the gap
  }
  SECTION("inserted entry with a made-up MAC") {
    Trail t;
    const auto n = t.entries();
    t.raw("INSERT INTO clmis_audit(id, at, actor, action, detail, mac) VALUES (" + std::to_string(n + 1) +
          ", '2026-01-01T00:00:00Z', 1, 'user_create', '{}', '" + std::string(64, 'a') + "')");
    detected(t, "inserted", n + 1);
  }
  SECTION("reordered entries") {
    Trail t;
    // Swap the content of entries 3 and 4 (their ids stay in order).
    t.raw(std::string(drop) +
          "UPDATE clmis_audit SET id = -3 WHERE id = 3; UPDATE clmis_audit SET id = 3 WHERE id = 4; "
          "UPDATE clmis_audit SET id = 4 WHERE id = -3;");
    detected(t, "reordered", 3);
  }
  SECTION("triggers dropped and plain SHA-256 hashes recomputed") {
    Trail t;
    // A forger without the key rewrites entry 4 and recomputes plain SHA-256 chain values.
    t.raw(std::string(drop) + "UPDATE clmis_audit SET detail = '{}' WHERE id = 4");
    std::string prev = test::raw_scalar(t.path, "SELECT mac FROM clmis_audit WHERE id = 3");
    for (std::int64_t id = 4; id <= t.entries(); ++id) {
      const std::string row = test::raw_scalar(
          t.path, "SELECT json_array(id, at, actor, action, record_type, record_id, version, seq, detail) FROM clmis_audit WHERE id = " + std::to_string(id));
      prev = sha256_hex(prev + "\n" + row);
      t.raw("UPDATE clmis_audit SET mac = '" + prev + "' WHERE id = " + std::to_string(id));
    }
    const Json v = t.admin.audit_verify();
    CHECK(v["ok"] == false);
    CHECK(v["first_bad"] == 4);
    // The dropped triggers are reported too.
    CHECK(v["problems"].dump().find("clmis_audit_no_update was dropped") != std::string::npos);
  }
  SECTION("truncated tail: only a checkpoint shows it") {
    Trail t;
    const Json cp = t.admin.audit_checkpoint();
    const auto n = cp["count"].get<std::int64_t>();
    t.raw(std::string(drop) + "DELETE FROM clmis_audit WHERE id >= " + std::to_string(n - 1));
    for (const auto& [name, sql] : std::vector<std::pair<std::string, std::string>>{
             {"u", "CREATE TRIGGER clmis_audit_no_update BEFORE UPDATE ON clmis_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"},
             {"d", "CREATE TRIGGER clmis_audit_no_delete BEFORE DELETE ON clmis_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"}})
      t.raw(sql);
    CHECK(t.admin.audit_verify()["ok"] == true);  // what is left is a valid chain...
    const Json v = t.admin.audit_verify(cp);      // ...shorter than the checkpoint
    CHECK(v["ok"] == false);
    CHECK(v["checkpoint"] == "truncated");
    CHECK(v["first_bad"] == n - 1);
  }
}

TEST_CASE("Audit: the key stays outside the database, owner-only (a wrong or missing key is refused)", "[security][audit]") {
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  { test::standard_db(dir); }
  namespace fs = std::filesystem;
  REQUIRE(fs::exists(f + ".key"));
  CHECK((fs::status(f + ".key").permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  std::string key_text;
  std::getline(std::ifstream(f + ".key"), key_text);
  CHECK(key_text.size() == 64);
  // Not in the database.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_meta WHERE value LIKE '%" + key_text + "%'") == "0");
  // Readable by others: refused.
  fs::permissions(f + ".key", fs::perms::group_read, fs::perm_options::add);
  CHECK_THROWS_AS(clmis::Database::open(f), clmis::PermissionDenied);
  fs::permissions(f + ".key", fs::perms::group_read, fs::perm_options::remove);
  // Another key: refused. The key given directly instead of a file: accepted.
  clmis::OpenOptions o;
  o.audit_key = std::string(64, '1');
  CHECK_THROWS_AS(clmis::Database::open(f, o), clmis::PermissionDenied);
  o.audit_key = key_text;
  CHECK(clmis::Database::open(f, o).login("admin", test::kPassword).audit_verify()["ok"] == true);
  // No key: refused, the database untouched.
  fs::rename(f + ".key", f + ".moved");
  const std::string h = test::db_hash(f);
  CHECK_THROWS_AS(clmis::Database::open(f), clmis::NotFound);
  CHECK(test::db_hash(f) == h);
  o.audit_key.clear();
  o.audit_key_file = f + ".moved";
  CHECK(clmis::Database::open(f, o).login("admin", test::kPassword).user() == "admin");
}
