// Accounts, lockout, password policy and service keys.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <fstream>
#include <iterator>

using clmis::Json;

namespace {

/// Every byte of the database and its WAL: where a secret must never appear in clear.
std::string file_bytes(const std::string& path) {
  std::string all;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path + suffix, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

std::int64_t count(const std::string& path, const std::string& where) {
  return std::stoll(test::raw_scalar(path, "SELECT count(*) FROM clmis_security_log WHERE " + where));
}

}  // namespace

TEST_CASE("Lockout: the 5th failure locks, the 6th attempt is refused even with the right password, and the lock expires", "[security][accounts]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto admin = db.login("admin", test::kPassword);
  admin.user_create(Json{{"name", "keisha"}, {"password", "first-password-1"}, {"roles", {"officer"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  for (int i = 1; i <= 4; ++i) CHECK_THROWS_AS(db.login("keisha", "guess-" + std::to_string(i)), clmis::AuthError);
  CHECK(db.login("keisha", "first-password-1").user() == "keisha");  // 4 failures: not locked; success resets
  for (int i = 1; i <= 5; ++i) CHECK_THROWS_AS(db.login("keisha", "guess-" + std::to_string(i)), clmis::AuthError);
  CHECK(count(f, "event = 'account_locked' AND user_name = 'keisha'") == 1);
  // The 6th attempt: the right password, refused with the same error as a wrong one.
  CHECK_THROWS_WITH(db.login("keisha", "first-password-1"), "wrong user name or password");
  CHECK(count(f, "event = 'login_failed' AND user_name = 'keisha' AND detail LIKE '%account locked%'") == 1);
  CHECK(admin.users()[1]["locked_until"].is_string());
  // 15 minutes later (the lock's end moved into the past, as the clock would): the right
  // password works again, and the failures count from zero.
  test::raw_exec(f, "UPDATE clmis_login_state SET locked_until = '2000-01-01T00:00:00Z'");
  CHECK(db.login("keisha", "first-password-1").user() == "keisha");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_login_state") == "0");
  // An administrator can unlock early.
  for (int i = 1; i <= 5; ++i) CHECK_THROWS_AS(db.login("keisha", "x"), clmis::AuthError);
  CHECK_THROWS_AS(db.login("keisha", "first-password-1"), clmis::AuthError);
  admin.user_update("keisha", Json{{"locked", false}});
  CHECK(db.login("keisha", "first-password-1").user() == "keisha");
  // Every attempt is in the log: 4 + 5 + 1 + 5 + 1 failures.
  CHECK(count(f, "event = 'login_failed' AND user_name = 'keisha'") == 16);
}

TEST_CASE("Accounts: first login must change the password, the policy, deactivation and the last administrator", "[security][accounts]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto admin = db.login("admin", test::kPassword);
  // Policy: at least 8 characters (the default), not the user name, not one of the last 5.
  auto errs = [&](const Json& spec) {
    try {
      admin.user_create(spec);
    } catch (const clmis::ValidationError& e) {
      std::vector<std::string> rules;
      for (const auto& x : e.errors()) rules.push_back(x.path + ":" + x.rule);
      return rules;
    }
    return std::vector<std::string>{};
  };
  const std::string before = test::db_hash(f);
  CHECK(errs(Json{{"name", "dwayne"}, {"password", "short"}, {"roles", {"officer"}}}) ==
        std::vector<std::string>{"password:length"});
  CHECK(errs(Json{{"name", "dwayne.browne"}, {"password", "Dwayne.Browne"}, {"roles", {"officer"}}}) ==
        std::vector<std::string>{"password:password_policy"});
  CHECK(errs(Json{{"name", "dwayne"}, {"password", "long-enough-1"}, {"roles", {"boss"}}}) ==
        std::vector<std::string>{"roles[0]:code_list"});
  CHECK(errs(Json{{"name", "dwayne"}, {"password", "long-enough-1"}, {"section", "marketing"}}) ==
        std::vector<std::string>{"section:code_list"});
  CHECK(errs(Json{{"name", "has space"}, {"password", "long-enough-1"}}) == std::vector<std::string>{"name:length"});
  CHECK(test::db_hash(f) == before);
  admin.user_create(Json{{"name", "dwayne"}, {"password", "long-enough-1"}, {"roles", {"officer"}},
                         {"section", "employment_services"}});
  CHECK_THROWS_AS(admin.user_create(Json{{"name", "dwayne"}, {"password", "long-enough-2"}}), clmis::AlreadyExists);

  // Must change the password before anything else.
  auto s = db.login("dwayne", "long-enough-1");
  CHECK(s.permissions()["must_change_password"] == true);
  CHECK_THROWS_AS(s.query("job_seeker"), clmis::PermissionDenied);
  CHECK_THROWS_AS(s.change_password("wrong-old-pw", "brand-new-pw-1"), clmis::AuthError);
  CHECK_THROWS_AS(s.change_password("long-enough-1", "long-enough-1"), clmis::ValidationError);  // one of the last 5
  s.change_password("long-enough-1", "brand-new-pw-1");
  CHECK(s.query("job_seeker")["records"] == Json::array());
  for (const char* pw : {"second-new-pw-2", "third-new-pw-3"}) {
    const std::string old = pw == std::string("second-new-pw-2") ? "brand-new-pw-1" : "second-new-pw-2";
    s.change_password(old, pw);
  }
  CHECK_THROWS_AS(s.change_password("third-new-pw-3", "brand-new-pw-1"), clmis::ValidationError);
  CHECK_THROWS_AS(db.login("dwayne", "long-enough-1"), clmis::AuthError);
  CHECK(db.login("dwayne", "third-new-pw-3").user() == "dwayne");

  // Deactivation stops the sessions the user already has.
  admin.user_update("dwayne", Json{{"active", false}});
  CHECK_THROWS_AS(s.query("job_seeker"), clmis::PermissionDenied);
  CHECK_THROWS_AS(db.login("dwayne", "third-new-pw-3"), clmis::AuthError);
  // A reset makes the user change the password again.
  admin.user_update("dwayne", Json{{"active", true}});
  admin.user_reset_password("dwayne", "reset-by-admin-1");
  CHECK(db.login("dwayne", "reset-by-admin-1").permissions()["must_change_password"] == true);
  // The last active administrator cannot be removed.
  CHECK_THROWS_AS(admin.user_update("admin", Json{{"active", false}}), clmis::Conflict);
  CHECK_THROWS_AS(admin.user_update("admin", Json{{"roles", {"officer"}}}), clmis::Conflict);
  // Each account change is audited, without any password.
  const Json trail = admin.audit_entries();
  std::vector<std::string> actions;
  for (const auto& e : trail) actions.push_back(e["action"]);
  CHECK(std::count(actions.begin(), actions.end(), "user_create") == 1);
  CHECK(std::count(actions.begin(), actions.end(), "password_change") == 3);
  CHECK(std::count(actions.begin(), actions.end(), "user_update") == 2);
  CHECK(std::count(actions.begin(), actions.end(), "user_reset_password") == 1);
  const std::string bytes = file_bytes(f);
  for (const char* pw : {"long-enough-1", "brand-new-pw-1", "second-new-pw-2", "third-new-pw-3", "reset-by-admin-1",
                         test::kPassword.c_str()})
    CHECK(bytes.find(pw) == std::string::npos);
}

TEST_CASE("Service keys: a session on behalf of a user, limited to the key's roles (revoked and expired keys refused)", "[security][service]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto admin = db.login("admin", test::kPassword);
  admin.user_create(Json{{"name", "nis.clerk"}, {"password", "nis-clerk-pw-1"}, {"roles", {"officer", "statistician"}},
                         {"section", "employment_services"}});
  const Json k = admin.service_key_create(Json{{"name", "nis-portal"}, {"roles", {"statistician"}}});
  const std::string key = k["key"];
  CHECK(key.rfind("clmis_sk_", 0) == 0);
  CHECK(key.size() == 9 + 43);  // 32 random bytes in unpadded base64url
  // The user must still change their password, but a service session is not a password login.
  auto s = db.login_service(key, "nis.clerk");
  CHECK(s.user() == "nis.clerk");
  const Json p = s.permissions();
  CHECK(p["roles"] == Json::array({"statistician"}));  // officer ∩ statistician with the key's
  CHECK(p["service_key"] == true);
  CHECK(s.query("job_seeker")["records"] == Json::array());
  const Json rec = {{"registration_date", "2025-03-03"}, {"first_name", "A"}, {"family_name", "B"},
                    {"sex", "F"}, {"date_of_birth", "1999-07-14"}, {"parish", "KN-03"}};
  CHECK_THROWS_AS(s.create("job_seeker", rec), clmis::PermissionDenied);  // the user could; the key may not
  CHECK_THROWS_AS(s.change_password("nis-clerk-pw-1", "other-pw-123"), clmis::PermissionDenied);
  // Wrong key, unknown user: one error, logged.
  CHECK_THROWS_WITH(db.login_service(key + "x", "nis.clerk"), "the service key or the user was refused");
  CHECK_THROWS_WITH(db.login_service(key, "nobody"), "the service key or the user was refused");
  CHECK(count(f, "event = 'service_login_failed'") == 2);
  // The list shows no secret; the database holds only the key's hash.
  const Json list = admin.service_keys();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["state"] == "active");
  CHECK(list.dump().find(key) == std::string::npos);
  CHECK(file_bytes(f).find(key.substr(9)) == std::string::npos);
  // Revoked: the open session stops, new ones are refused.
  admin.service_key_revoke("nis-portal");
  CHECK_THROWS_AS(s.query("job_seeker"), clmis::PermissionDenied);
  CHECK_THROWS_AS(db.login_service(key, "nis.clerk"), clmis::AuthError);
  CHECK(count(f, "event = 'service_login_failed' AND detail LIKE '%key revoked%'") == 1);
  CHECK(admin.service_keys()[0]["state"] == "revoked");
  // Expired: a key with an expiry, whose time then passes (moved into the past in the file).
  const Json k2 = admin.service_key_create(Json{{"name", "short-lived"}, {"roles", {"read_only"}}, {"expires_at", "2099-01-01"}});
  auto s2 = db.login_service(k2["key"].get<std::string>(), "nis.clerk");
  CHECK(s2.permissions()["roles"] == Json::array());  // nis.clerk holds no read_only role
  test::raw_exec(f, "UPDATE clmis_service_key SET expires_at = '2000-01-01T00:00:00Z' WHERE name = 'short-lived'");
  CHECK_THROWS_AS(db.login_service(k2["key"].get<std::string>(), "nis.clerk"), clmis::AuthError);
  CHECK(count(f, "event = 'service_login_failed' AND detail LIKE '%key expired%'") == 1);
  CHECK_THROWS_AS(admin.service_key_create(Json{{"name", "past"}, {"roles", {"read_only"}}, {"expires_at", "2001-01-01"}}),
                  clmis::ValidationError);
}
