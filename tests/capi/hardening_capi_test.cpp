// The hostile tester's repros through the C API (issue 12): every JSON input goes through the one
// entry point, so deep nesting, huge numbers, duplicate keys and a byte-order mark are
// CLMIS_EINVALID with rule "json" and change nothing; a failed login's name is stored bounded and
// every JSON output is valid UTF-8 whatever bytes the database holds.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "support.hpp"

#include <cstring>
#include <functional>

using clmis::Json;

namespace {

struct Db {
  test::TempDir dir;
  std::string path = dir.file("c.db");
  clmis_db* db = nullptr;
  clmis_session* admin = nullptr;
  Db() {
    clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
    o.country = "KNA";
    o.admin_password = test::kPassword.c_str();
    REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
    REQUIRE(clmis_login(&admin, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  }
  ~Db() {
    clmis_session_close(&admin);
    clmis_close(&db);
  }
};

std::string deep_array(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

/// Every C function that takes JSON text, called with `text` where its JSON goes.
std::vector<std::pair<std::string, std::function<int(const char*)>>> json_inputs(Db& f) {
  return {
      {"clmis_record_create", [&](const char* t) { std::int64_t id = 0; return clmis_record_create(&id, f.admin, "employer", t); }},
      {"clmis_record_update", [&](const char* t) { return clmis_record_update(nullptr, f.admin, "employer", 1, 1, t); }},
      {"clmis_record_upsert", [&](const char* t) { std::int64_t id = 0; return clmis_record_upsert(&id, nullptr, f.admin, "employer", "E-1", t); }},
      {"clmis_record_query", [&](const char* t) { char* o = nullptr; return clmis_record_query(&o, f.admin, "employer", t); }},
      {"clmis_record_transition", [&](const char* t) { return clmis_record_transition(nullptr, f.admin, "job_seeker", 1, 1, "activate", t); }},
      {"clmis_code_add", [&](const char* t) { return clmis_code_add(f.admin, "parish", t); }},
      {"clmis_code_update", [&](const char* t) { return clmis_code_update(f.admin, "parish", "KN-03", t); }},
      {"clmis_calendar_proclaim", [&](const char* t) { char* o = nullptr; return clmis_calendar_proclaim(&o, f.admin, t); }},
      {"clmis_calendar_withdraw", [&](const char* t) { char* o = nullptr; return clmis_calendar_withdraw(&o, f.admin, t); }},
      {"clmis_user_create", [&](const char* t) { std::int64_t id = 0; return clmis_user_create(&id, f.admin, t); }},
      {"clmis_user_update", [&](const char* t) { return clmis_user_update(f.admin, "admin", t); }},
      {"clmis_service_key_create", [&](const char* t) { char* o = nullptr; return clmis_service_key_create(&o, f.admin, t); }},
      {"clmis_audit_verify_json", [&](const char* t) { char* o = nullptr; return clmis_audit_verify_json(&o, f.admin, t); }},
  };
}

}  // namespace

TEST_CASE("C: every JSON input refuses what the entry point refuses, with rule json, and changes nothing", "[capi][json][errors]") {
  Db f;
  const std::string before = test::db_hash(f.path);
  const std::string repro = "{\"name\":" + deep_array(100000) + "}";  // the hostile test's record
  const std::string dup = R"({"name": "A", "name": "B"})";
  const std::string bom = "\xEF\xBB\xBF{\"name\": \"A\"}";
  const std::string huge = R"({"name": "A", "workers_male": 1e999})";
  const std::string many_keys = [] {
    std::string s = "{";
    for (int i = 0; i < 200000; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    return s + "}";
  }();
  struct Case {
    const std::string* text;
    const char* words;
    const char* path;
  };
  const Case cases[] = {{&repro, "nested deeper than 64 levels", nullptr},
                        {&dup, "the key \"name\" appears twice", "name"},
                        {&bom, "byte-order mark", ""},
                        {&huge, "a number too large for a double", "workers_male"},
                        {&many_keys, "more than 10,000 keys", "k10000"}};
  for (const auto& [name, call] : json_inputs(f)) {
    for (const auto& c : cases) {
      INFO(name << " with " << c.words);
      CHECK(call(c.text->c_str()) == CLMIS_EINVALID);
      const Json errs = Json::parse(clmis_error_last_json());
      REQUIRE(errs.size() == 1);
      CHECK(errs[0]["rule"] == "json");
      CHECK_THAT(errs[0]["message"].get<std::string>(), Catch::Contains(c.words));
      if (c.path) CHECK(errs[0]["path"] == c.path);
      CHECK(std::strlen(clmis_error_last()->message) < 300);  // the input is never echoed
    }
  }
  CHECK(test::db_hash(f.path) == before);
}

TEST_CASE("C: a failed login stores a bounded, valid UTF-8 name, and the logs read back whatever bytes are stored", "[capi][security][errors]") {
  Db f;
  // A 10 MB name, and a name that is not UTF-8.
  const std::string big(10 * 1024 * 1024, 'n');
  clmis_session* s = nullptr;
  CHECK(clmis_login(&s, f.db, big.c_str(), "whatever-password") == CLMIS_EAUTH);
  CHECK(clmis_login(&s, f.db, "ad\xFFmin", "whatever-password") == CLMIS_EAUTH);
  CHECK(s == nullptr);
  // The log row holds 64 bytes of the name and its length: "…" is 3 bytes, " (10485760 bytes)"
  // 2 + 8 + 7 = 17, so 64 + 3 + 17 = 84 bytes.
  CHECK(test::raw_scalar(f.path, "SELECT max(length(CAST(user_name AS BLOB))) FROM clmis_security_log") == "84");
  CHECK(test::raw_scalar(f.path, "SELECT sum(length(detail)) < 200 FROM clmis_security_log") == "1");
  char* out = nullptr;
  REQUIRE(clmis_security_log_json(&out, f.admin, 0, 100) == CLMIS_OK);
  const Json log = Json::parse(out);  // parses: valid UTF-8
  clmis_free(out);
  REQUIRE(log.size() == 2);
  CHECK(log[0]["user"] == std::string(64, 'n') + "\xE2\x80\xA6 (10485760 bytes)");
  CHECK(log[0]["detail"]["reason"] == "not a user name");
  CHECK(log[1]["user"] == "ad\xEF\xBF\xBDmin");
  // Bytes written before this fix (raw, as an older clmis stored them) come out as U+FFFD.
  test::raw_exec(f.path,
                 "INSERT INTO clmis_security_log (at, user_name, event, detail) VALUES "
                 "('2026-01-01T00:00:00Z', CAST(X'6F6C64FF6E616D65' AS TEXT), 'login_failed', '{\"reason\":\"unknown user\"}')");
  REQUIRE(clmis_security_log_json(&out, f.admin, 0, 100) == CLMIS_OK);
  const Json again = Json::parse(out);
  clmis_free(out);
  REQUIRE(again.size() == 3);
  CHECK(again[2]["user"] == "old\xEF\xBF\xBDname");
}

TEST_CASE("C: an unknown record type or field with bytes that are not UTF-8 gives a valid UTF-8 error", "[capi][errors]") {
  Db f;
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, f.admin, "empl\xFF" "oyer", R"({"name": "A"})") == CLMIS_ENOTFOUND);
  const std::string m = clmis_error_last()->message;
  CHECK(m == "no record type \"empl\xEF\xBF\xBDoyer\"");
  char* out = nullptr;
  CHECK(clmis_record_query(&out, f.admin, std::string(100000, 't').c_str(), nullptr) == CLMIS_ENOTFOUND);
  CHECK(std::strlen(clmis_error_last()->message) < 120);
}

TEST_CASE("C: clmis_check_json and clmis_check_files_json report, and refuse bad arguments", "[capi][check]") {
  Db f;
  char* out = nullptr;
  REQUIRE(clmis_check_json(&out, f.admin, 0) == CLMIS_OK);
  const Json report = Json::parse(out);
  clmis_free(out);
  CHECK(report["ok"] == true);
  CHECK(report["records"]["checked"] == 0);
  CHECK(report["files"].size() == 5);
  CHECK(clmis_check_json(&out, f.admin, -1) == CLMIS_EMISUSE);
  CHECK(clmis_check_json(&out, f.admin, 100001) == CLMIS_EMISUSE);
  CHECK(clmis_check_json(nullptr, f.admin, 10) == CLMIS_EMISUSE);
  CHECK(clmis_check_json(&out, nullptr, 10) == CLMIS_EMISUSE);
  REQUIRE(clmis_check_files_json(&out, f.path.c_str(), nullptr) == CLMIS_OK);
  const Json files = Json::parse(out);
  clmis_free(out);
  CHECK(files["ok"] == true);
  CHECK(files["files"][4]["path"] == f.path + ".key");
  CHECK(clmis_check_files_json(&out, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_check_files_json(&out, "", nullptr) == CLMIS_EMISUSE);
  // Another key file named: it does not exist.
  REQUIRE(clmis_check_files_json(&out, f.path.c_str(), (f.path + ".elsewhere").c_str()) == CLMIS_OK);
  CHECK(Json::parse(out)["ok"] == false);
  clmis_free(out);
}
