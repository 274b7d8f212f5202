// Security through the C API: service sessions, permissions, refusals (CLMIS_EDENIED, logged,
// nothing else changed), accounts, service keys, the audit trail and the key options.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "capi/standard_c.hpp"
#include "support.hpp"

#include <cstring>
#include <fstream>

using clmis::Json;
using test::take;

namespace {

int last_code() {
  const clmis_error* e = clmis_error_last();
  return e ? e->code : CLMIS_OK;
}

/// Takes a library string, returns it parsed, frees it.
using Standard = test::StandardC;

}  // namespace

TEST_CASE("C: accounts, permissions and refusals", "[capi][security]") {
  Standard f;
  std::int64_t uid = 0;
  REQUIRE(clmis_user_create(&uid, f.admin,
                            R"({"name": "stat", "password": "statistics-pw-1", "roles": ["statistician"], "must_change_password": false})") == CLMIS_OK);
  CHECK(uid == 2);
  CHECK(clmis_user_create(nullptr, f.admin, R"({"name": "x", "password": "short"})") == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "password");
  CHECK(clmis_user_create(nullptr, nullptr, "{}") == CLMIS_EMISUSE);
  CHECK(clmis_user_create(nullptr, f.admin, nullptr) == CLMIS_EMISUSE);

  clmis_session* stat = nullptr;
  REQUIRE(clmis_login(&stat, f.db, "stat", "statistics-pw-1") == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_session_permissions_json(&out, stat) == CLMIS_OK);
  const Json perms = take(out);
  CHECK(perms["roles"] == Json::array({"statistician"}));
  CHECK(perms["record_types"]["job_seeker"] == Json{{"read", "all"}, {"export", "all"}});
  // A refused create: CLMIS_EDENIED naming the permission, logged, nothing else changed.
  const std::string before = test::db_hash(f.path);
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, stat, "employer", R"({"name": "X", "isic_class": "5510", "parish": "KN-03"})") == CLMIS_EDENIED);
  CHECK(std::string(clmis_error_last()->message).find("employer.create") != std::string::npos);
  CHECK(id == 0);
  CHECK(test::db_hash(f.path) == before);
  CHECK(clmis_users_json(&out, stat) == CLMIS_EDENIED);
  CHECK(out == nullptr);
  REQUIRE(clmis_security_log_json(&out, f.admin, 0, 100) == CLMIS_OK);
  const Json log = take(out);
  REQUIRE(log.size() == 2);
  CHECK(log[0]["detail"]["permission"] == "employer.create");
  CHECK(log[1]["detail"]["permission"] == "users");

  REQUIRE(clmis_users_json(&out, f.admin) == CLMIS_OK);
  CHECK(take(out).size() == 2);
  CHECK(clmis_user_update(f.admin, "stat", R"({"roles": ["read_only"]})") == CLMIS_OK);
  CHECK(clmis_user_update(f.admin, "nobody", R"({"active": false})") == CLMIS_ENOTFOUND);
  CHECK(clmis_user_reset_password(f.admin, "stat", "reset-pw-12345") == CLMIS_OK);
  clmis_session* again = nullptr;
  REQUIRE(clmis_login(&again, f.db, "stat", "reset-pw-12345") == CLMIS_OK);
  CHECK(clmis_record_query(&out, again, "employer", "{}") == CLMIS_EDENIED);  // must change first
  CHECK(clmis_password_change(again, "wrong", "new-pw-123456") == CLMIS_EAUTH);
  CHECK(clmis_password_change(again, "reset-pw-12345", "new-pw-123456") == CLMIS_OK);
  REQUIRE(clmis_record_query(&out, again, "employer", "{}") == CLMIS_OK);
  clmis_free(out);
  clmis_session_close(&again);
  clmis_session_close(&stat);
}

TEST_CASE("C: service keys and the audit trail", "[capi][security]") {
  Standard f;
  REQUIRE(clmis_user_create(nullptr, f.admin, R"({"name": "clerk", "password": "clerk-pw-1234", "roles": ["officer"], "section": "employment_services"})") == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_service_key_create(&out, f.admin, R"({"name": "portal", "roles": ["officer"]})") == CLMIS_OK);
  const std::string key = take(out)["key"];
  clmis_session* svc = nullptr;
  REQUIRE(clmis_login_service(&svc, f.db, key.c_str(), "clerk") == CLMIS_OK);
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, svc, "employer", R"({"name": "Via portal", "isic_class": "5510", "parish": "KN-03"})") == CLMIS_OK);
  clmis_session_close(&svc);
  CHECK(clmis_login_service(&svc, f.db, "clmis_sk_nonsense", "clerk") == CLMIS_EAUTH);
  CHECK(svc == nullptr);
  REQUIRE(clmis_login_service(&svc, f.db, key.c_str(), "clerk") == CLMIS_OK);
  REQUIRE(clmis_service_keys_json(&out, f.admin) == CLMIS_OK);
  CHECK(take(out)[0]["state"] == "active");
  CHECK(clmis_service_key_revoke(f.admin, "portal") == CLMIS_OK);
  CHECK(clmis_record_create(&id, svc, "employer", R"({"name": "Too late", "isic_class": "5510", "parish": "KN-03"})") == CLMIS_EDENIED);
  clmis_session_close(&svc);
  CHECK(clmis_login_service(&svc, f.db, key.c_str(), "clerk") == CLMIS_EAUTH);

  REQUIRE(clmis_audit_checkpoint_json(&out, f.admin) == CLMIS_OK);
  const Json cp = take(out);
  REQUIRE(clmis_audit_verify_json(&out, f.admin, cp.dump().c_str()) == CLMIS_OK);
  const Json v = take(out);
  CHECK(v["ok"] == true);
  CHECK(v["checkpoint"] == "matches");
  REQUIRE(clmis_audit_entries_json(&out, f.admin, 0, 1000) == CLMIS_OK);
  const Json entries = take(out);
  CHECK(entries.size() == cp["count"].get<size_t>());
  CHECK(entries[0]["action"] == "init");
  CHECK(clmis_audit_verify_json(&out, f.admin, "{not json") == CLMIS_EINVALID);
  CHECK(clmis_audit_entries_json(&out, f.admin, 0, 0) == CLMIS_EMISUSE);
  // Tampered through a raw connection: "ok": false, the function itself succeeds.
  test::raw_exec(f.path, "DROP TRIGGER clmis_audit_no_update; UPDATE clmis_audit SET detail = '{}' WHERE id = 3");
  REQUIRE(clmis_audit_verify_json(&out, f.admin, nullptr) == CLMIS_OK);
  const Json bad = take(out);
  CHECK(bad["ok"] == false);
  CHECK(bad["first_bad"] == 3);
}

TEST_CASE("C: the audit key options (older option structs still work)", "[capi][security]") {
  test::TempDir dir;
  const std::string path = dir.file("k.db");
  const std::string key(64, 'a');
  clmis_init_options io;
  REQUIRE(clmis_init_options_init(&io, 2) == CLMIS_OK);
  CHECK(io.audit_key == nullptr);
  io.country = "KNA";
  io.admin_password = test::kPassword.c_str();
  io.audit_key = key.c_str();
  clmis_db* db = nullptr;
  REQUIRE(clmis_init(&db, path.c_str(), &io) == CLMIS_OK);
  clmis_close(&db);
  CHECK_FALSE(std::ifstream(path + ".key").good());  // the key was given: no file
  // Without the key: not found; with it (a version-3 open options struct): open.
  CHECK(clmis_open(&db, path.c_str(), nullptr) == CLMIS_ENOTFOUND);
  clmis_open_options oo;
  REQUIRE(clmis_open_options_init(&oo, 3) == CLMIS_OK);
  oo.audit_key = key.c_str();
  REQUIRE(clmis_open(&db, path.c_str(), &oo) == CLMIS_OK);
  clmis_close(&db);
  const std::string other(64, 'b');
  oo.audit_key = other.c_str();
  CHECK(clmis_open(&db, path.c_str(), &oo) == CLMIS_EDENIED);
  // An old caller's version-1 init struct (no key members): a key file next to the database.
  clmis_init_options v1;
  REQUIRE(clmis_init_options_init(&v1, 1) == CLMIS_OK);
  v1.country = "KNA";
  v1.admin_password = test::kPassword.c_str();
  REQUIRE(clmis_init(&db, dir.file("v1.db").c_str(), &v1) == CLMIS_OK);
  clmis_close(&db);
  CHECK(std::ifstream(dir.file("v1.db") + ".key").good());
  clmis_open_options v2;
  REQUIRE(clmis_open_options_init(&v2, 2) == CLMIS_OK);
  REQUIRE(clmis_open(&db, dir.file("v1.db").c_str(), &v2) == CLMIS_OK);
  clmis_close(&db);
  CHECK(last_code() == CLMIS_OK);
}

TEST_CASE("C: the security functions refuse NULL arguments and bad input, changing nothing", "[capi][security]") {
  Standard f;
  char* out = reinterpret_cast<char*>(1);
  clmis_session* s = reinterpret_cast<clmis_session*>(1);
  CHECK(clmis_login_service(&s, nullptr, "k", "u") == CLMIS_EMISUSE);
  CHECK(s == nullptr);
  CHECK(clmis_login_service(&s, f.db, nullptr, "u") == CLMIS_EMISUSE);
  CHECK(clmis_login_service(&s, f.db, "k", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_login_service(nullptr, f.db, "k", "u") == CLMIS_EMISUSE);
  CHECK(clmis_session_permissions_json(nullptr, f.admin) == CLMIS_EMISUSE);
  CHECK(clmis_session_permissions_json(&out, nullptr) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_users_json(&out, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_user_update(f.admin, nullptr, "{}") == CLMIS_EMISUSE);
  CHECK(clmis_user_update(f.admin, "admin", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_user_reset_password(f.admin, "admin", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_password_change(f.admin, nullptr, "x") == CLMIS_EMISUSE);
  CHECK(clmis_service_key_create(&out, f.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_service_keys_json(nullptr, f.admin) == CLMIS_EMISUSE);
  CHECK(clmis_service_key_revoke(f.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_audit_verify_json(nullptr, f.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_audit_checkpoint_json(&out, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_audit_entries_json(nullptr, f.admin, 0, 10) == CLMIS_EMISUSE);
  CHECK(clmis_security_log_json(&out, f.admin, 0, 100000) == CLMIS_EMISUSE);
  // Bad input: the error and its list, and nothing written.
  const std::string before = test::db_hash(f.path);
  CHECK(clmis_user_update(f.admin, "admin", R"({"roles": ["boss"], "colour": "red"})") == CLMIS_EINVALID);
  const Json errs = Json::parse(clmis_error_last_json());
  REQUIRE(errs.size() == 2);
  CHECK(errs[0]["path"] == "colour");
  CHECK(errs[1]["path"] == "roles[0]");
  CHECK(clmis_user_update(f.admin, "admin", "{not json") == CLMIS_EINVALID);
  CHECK(clmis_user_create(nullptr, f.admin, R"({"name": "admin", "password": "another-pw-123"})") == CLMIS_EEXISTS);
  CHECK(clmis_service_key_create(&out, f.admin, R"({"name": "k", "roles": []})") == CLMIS_EINVALID);
  CHECK(clmis_service_key_create(&out, f.admin, R"({"name": "k", "roles": ["officer"], "expires_at": "soon"})") == CLMIS_EINVALID);
  CHECK(clmis_service_key_revoke(f.admin, "no-such-key") == CLMIS_ENOTFOUND);
  CHECK(clmis_user_reset_password(f.admin, "admin", "admin") == CLMIS_EINVALID);  // too short and the name
  CHECK(clmis_password_change(f.admin, test::kPassword.c_str(), test::kPassword.c_str()) == CLMIS_EINVALID);  // reused
  CHECK(clmis_audit_verify_json(&out, f.admin, R"({"count": 0, "mac": ""})") == CLMIS_EINVALID);
  CHECK(test::db_hash(f.path) == before);
}
