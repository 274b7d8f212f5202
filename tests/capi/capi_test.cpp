// The C API function by function: NULL arguments, invalid handles, status codes, error lists,
// ownership; and bad input at the boundary leaving the database unchanged.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "support.hpp"

#include <cstring>
#include <fstream>
#include <thread>

using clmis::Json;

namespace {
int last_code() {
  const clmis_error* e = clmis_error_last();
  return e ? e->code : CLMIS_OK;
}

Json last_errors() { return Json::parse(clmis_error_last_json()); }

/// A fresh fixture database with an admin session, through the C API.
struct Fixture {
  test::TempDir dir;
  std::string path = dir.file("c.db");
  clmis_db* db = nullptr;
  clmis_session* s = nullptr;
  Fixture() {
    clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
    o.country = "KNA";
    o.admin_password = test::kPassword.c_str();
    o.data_dir = CLMIS_TEST_FIXTURES "/data";
    REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
    REQUIRE(clmis_login(&s, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  }
  ~Fixture() {
    clmis_session_close(&s);
    clmis_close(&db);
  }
  std::int64_t create(const char* type, const char* json) {
    std::int64_t id = 0;
    REQUIRE(clmis_record_create(&id, s, type, json) == CLMIS_OK);
    return id;
  }
};
}  // namespace

TEST_CASE("C: versions and code names", "[capi]") {
  CHECK(std::strcmp(clmis_version(), CLMIS_VERSION) == 0);
  CHECK(clmis_libversion_number() == CLMIS_VERSION_NUMBER);
  CHECK(CLMIS_VERSION_NUMBER == CLMIS_VERSION_MAJOR * 1000000 + CLMIS_VERSION_MINOR * 1000 + CLMIS_VERSION_PATCH);
  // The pinned values never change.
  CHECK(CLMIS_OK == 0);
  CHECK(CLMIS_EINVALID == -2);
  CHECK(CLMIS_ENOTFOUND == -3);
  CHECK(CLMIS_ECONFLICT == -5);
  CHECK(CLMIS_EDENIED == -6);
  CHECK(CLMIS_EBUSY == -8);
  CHECK(CLMIS_EMISUSE == -9);
  CHECK(std::strcmp(clmis_error_code_name(CLMIS_ECONFLICT), "CLMIS_ECONFLICT") == 0);
  CHECK(std::strcmp(clmis_error_code_name(12345), "CLMIS_UNKNOWN") == 0);
  CHECK(static_cast<int>(clmis::Errc::version) == CLMIS_EVERSION);
  CHECK(static_cast<int>(clmis::Errc::nomem) == CLMIS_ENOMEM);
}

TEST_CASE("C: options structs", "[capi]") {
  clmis_init_options io;
  std::memset(&io, 0xff, sizeof io);
  CHECK(clmis_init_options_init(&io, CLMIS_INIT_OPTIONS_VERSION) == CLMIS_OK);
  CHECK(io.version == CLMIS_INIT_OPTIONS_VERSION);
  CHECK(io.country == nullptr);
  CHECK(io.admin_password == nullptr);
  CHECK(clmis_init_options_init(nullptr, CLMIS_INIT_OPTIONS_VERSION) == CLMIS_EMISUSE);
  CHECK(clmis_init_options_init(&io, 99) == CLMIS_EMISUSE);
  clmis_open_options oo;
  CHECK(clmis_open_options_init(&oo, CLMIS_OPEN_OPTIONS_VERSION) == CLMIS_OK);
  CHECK(oo.busy_timeout_ms == 5000);
  CHECK(oo.data_dir == nullptr);
  CHECK(clmis_open_options_init(&oo, 0) == CLMIS_EMISUSE);
  CHECK(last_code() == CLMIS_EMISUSE);
}

TEST_CASE("C: init and open", "[capi]") {
  test::TempDir dir;
  const std::string path = dir.file("a.db");
  clmis_db* db = reinterpret_cast<clmis_db*>(0x1);
  clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
  o.country = "KNA";
  o.admin_password = test::kPassword.c_str();
  CHECK(clmis_init(nullptr, path.c_str(), &o) == CLMIS_EMISUSE);
  CHECK(clmis_init(&db, nullptr, &o) == CLMIS_EMISUSE);
  CHECK(db == nullptr);  // *out is NULL on failure
  CHECK(clmis_init(&db, path.c_str(), nullptr) == CLMIS_EMISUSE);
  clmis_init_options no_country = o;
  no_country.country = nullptr;
  CHECK(clmis_init(&db, path.c_str(), &no_country) == CLMIS_EMISUSE);
  clmis_init_options bad_version = o;
  bad_version.version = 7;
  CHECK(clmis_init(&db, path.c_str(), &bad_version) == CLMIS_EMISUSE);
  clmis_init_options no_pw = o;
  no_pw.admin_password = nullptr;
  CHECK(clmis_init(&db, path.c_str(), &no_pw) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["path"] == "admin_password");
  clmis_init_options xx = o;
  xx.country = "QZQ";  // no country has this code
  CHECK(clmis_init(&db, path.c_str(), &xx) == CLMIS_ENOTFOUND);
  CHECK_FALSE(std::filesystem::exists(path));

  REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  CHECK(std::strcmp(clmis_error_last_json(), "[]") == 0);
  clmis_close(&db);
  CHECK(db == nullptr);
  clmis_close(&db);      // NULL handle: nothing
  clmis_close(nullptr);  // NULL pointer: nothing
  CHECK(clmis_init(&db, path.c_str(), &o) == CLMIS_EEXISTS);

  CHECK(clmis_open(&db, dir.file("missing.db").c_str(), nullptr) == CLMIS_ENOTFOUND);
  CHECK_FALSE(std::filesystem::exists(dir.file("missing.db")));
  CHECK(clmis_open(nullptr, path.c_str(), nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_open(&db, nullptr, nullptr) == CLMIS_EMISUSE);
  clmis_open_options oo = CLMIS_OPEN_OPTIONS_INIT;
  oo.version = 0;
  CHECK(clmis_open(&db, path.c_str(), &oo) == CLMIS_EMISUSE);
  oo = clmis_open_options CLMIS_OPEN_OPTIONS_INIT;
  oo.busy_timeout_ms = 100;
  REQUIRE(clmis_open(&db, path.c_str(), &oo) == CLMIS_OK);
  clmis_close(&db);
  test::raw_exec(path, "UPDATE clmis_meta SET value = '99' WHERE key = 'format'");
  CHECK(clmis_open(&db, path.c_str(), nullptr) == CLMIS_EVERSION);
  std::ofstream(dir.file("junk.db")) << "junk junk junk junk junk junk junk junk junk junk junk junk";
  CHECK(clmis_open(&db, dir.file("junk.db").c_str(), nullptr) == CLMIS_EIO);
  CHECK(db == nullptr);
}

TEST_CASE("C: login, sessions and invalid handles", "[capi]") {
  Fixture f;
  clmis_session* s = nullptr;
  CHECK(clmis_login(&s, f.db, "admin", "wrong-password") == CLMIS_EAUTH);
  CHECK(s == nullptr);
  CHECK(clmis_login(&s, f.db, "nobody", test::kPassword.c_str()) == CLMIS_EAUTH);
  CHECK(clmis_login(nullptr, f.db, "admin", "x") == CLMIS_EMISUSE);
  CHECK(clmis_login(&s, nullptr, "admin", "x") == CLMIS_EMISUSE);
  CHECK(clmis_login(&s, f.db, nullptr, "x") == CLMIS_EMISUSE);
  CHECK(clmis_login(&s, f.db, "admin", nullptr) == CLMIS_EMISUSE);
  // A session handle passed where a database handle belongs is recognised, not dereferenced as one.
  CHECK(clmis_login(&s, reinterpret_cast<clmis_db*>(f.s), "admin", "x") == CLMIS_EMISUSE);
  char* out = nullptr;
  CHECK(clmis_schema_json(&out, reinterpret_cast<clmis_db*>(f.s)) == CLMIS_EMISUSE);
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, reinterpret_cast<clmis_session*>(f.db), "owner", "{}") == CLMIS_EMISUSE);

  CHECK(clmis_session_user(&out, f.s) == CLMIS_OK);
  CHECK(std::string(out) == "admin");
  clmis_free(out);
  CHECK(clmis_session_user(nullptr, f.s) == CLMIS_EMISUSE);
  CHECK(clmis_session_user(&out, nullptr) == CLMIS_EMISUSE);
  clmis_free(nullptr);

  // Closing the database leaves open sessions as objects to close, whose calls are refused.
  REQUIRE(clmis_login(&s, f.db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  clmis_close(&f.db);
  CHECK(clmis_record_create(&id, s, "owner", "{\"name\": \"x\"}") == CLMIS_EMISUSE);
  CHECK_THAT(clmis_error_last()->message, Catch::Contains("closed"));
  clmis_session_close(&s);
  CHECK(s == nullptr);
  clmis_session_close(&s);
  clmis_session_close(nullptr);
}

TEST_CASE("C: schema and codes", "[capi]") {
  Fixture f;
  char* out = nullptr;
  REQUIRE(clmis_schema_json(&out, f.db) == CLMIS_OK);
  Json sch = Json::parse(out);
  clmis_free(out);
  CHECK(sch["record_types"][1]["name"] == "sample");
  CHECK(clmis_schema_json(nullptr, f.db) == CLMIS_EMISUSE);
  CHECK(clmis_schema_json(&out, nullptr) == CLMIS_EMISUSE);
  REQUIRE(clmis_codes_json(&out, f.db, "parish", nullptr) == CLMIS_OK);
  Json codes = Json::parse(out);
  clmis_free(out);
  CHECK(codes.size() == 2);
  CHECK(codes[1]["code"] == "P2");
  CHECK(codes[1]["label"] == "Parish two");
  CHECK(clmis_codes_json(&out, f.db, "nope", "en") == CLMIS_ENOTFOUND);
  CHECK(clmis_codes_json(&out, f.db, nullptr, "en") == CLMIS_EMISUSE);
}

TEST_CASE("C: the record functions", "[capi]") {
  Fixture f;
  std::int64_t id = 0, version = 0;
  char* out = nullptr;
  CHECK(clmis_record_create(nullptr, f.s, "owner", "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_create(&id, nullptr, "owner", "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_create(&id, f.s, nullptr, "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_create(&id, f.s, "owner", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_record_create(&id, f.s, "ghost", "{}") == CLMIS_ENOTFOUND);
  REQUIRE(clmis_record_create(&id, f.s, "owner", "{\"name\": \"Owner One\"}") == CLMIS_OK);
  CHECK(id == 1);

  REQUIRE(clmis_record_get(&out, f.s, "owner", id) == CLMIS_OK);
  CHECK(Json::parse(out)["name"] == "Owner One");
  clmis_free(out);
  CHECK(clmis_record_get(&out, f.s, "owner", 99) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  CHECK(clmis_record_get(nullptr, f.s, "owner", 1) == CLMIS_EMISUSE);
  CHECK(clmis_record_get(&out, f.s, nullptr, 1) == CLMIS_EMISUSE);

  CHECK(clmis_record_update(&version, f.s, "owner", id, 1, "{\"name\": \"Owner 1\"}") == CLMIS_OK);
  CHECK(version == 2);
  CHECK(clmis_record_update(nullptr, f.s, "owner", id, 2, "{\"name\": \"Owner I\"}") == CLMIS_OK);
  CHECK(clmis_record_update(&version, f.s, "owner", id, 3, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_record_update(&version, f.s, "owner", 42, 1, "{}") == CLMIS_ENOTFOUND);

  CHECK(clmis_record_archive(f.s, "owner", id, 3, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_record_archive(f.s, "owner", id, 3, "") == CLMIS_EINVALID);
  CHECK(clmis_record_archive(f.s, "owner", id, 2, "dup") == CLMIS_ECONFLICT);
  CHECK(clmis_record_archive(f.s, "owner", id, 3, "registered twice") == CLMIS_OK);
  CHECK(clmis_record_archive(f.s, "owner", id, 4, "again") == CLMIS_ECONFLICT);

  int outcome = -1;
  CHECK(clmis_record_upsert(&id, &outcome, f.s, "owner", "EXT-1", "{\"name\": \"E\"}") == CLMIS_OK);
  CHECK(outcome == CLMIS_UPSERT_CREATED);
  const auto ext_id = id;
  CHECK(clmis_record_upsert(&id, &outcome, f.s, "owner", "EXT-1", "{\"name\": \"E\"}") == CLMIS_OK);
  CHECK(outcome == CLMIS_UPSERT_UNCHANGED);
  CHECK(id == ext_id);
  CHECK(clmis_record_upsert(&id, nullptr, f.s, "owner", "EXT-1", "{\"name\": \"F\"}") == CLMIS_OK);
  CHECK(clmis_record_upsert(&id, &outcome, f.s, "owner", "EXT-1", "{\"name\": \"G\"}") == CLMIS_OK);
  CHECK(outcome == CLMIS_UPSERT_UPDATED);
  CHECK(clmis_record_upsert(nullptr, &outcome, f.s, "owner", "EXT-1", "{}") == CLMIS_EMISUSE);
  CHECK(clmis_record_upsert(&id, &outcome, f.s, "owner", nullptr, "{}") == CLMIS_EMISUSE);

  REQUIRE(clmis_record_query(&out, f.s, "owner", nullptr) == CLMIS_OK);
  Json page = Json::parse(out);
  clmis_free(out);
  CHECK(page["records"].size() == 1);  // the archived owner is left out
  CHECK(page["next"].is_null());
  REQUIRE(clmis_record_query(&out, f.s, "owner", "{\"include_archived\": true, \"limit\": 1}") == CLMIS_OK);
  page = Json::parse(out);
  clmis_free(out);
  CHECK(page["records"].size() == 1);
  CHECK(page["next"].is_string());
  CHECK(clmis_record_query(&out, f.s, "owner", "{\"limit\": -1}") == CLMIS_EINVALID);
  CHECK(clmis_record_query(nullptr, f.s, "owner", nullptr) == CLMIS_EMISUSE);

  REQUIRE(clmis_changes_since(&out, f.s, 0, 0) == CLMIS_OK);
  Json ch = Json::parse(out);
  clmis_free(out);
  // create, update, update, archive, upsert-create, upsert-update ×2 = 7 changes.
  CHECK(ch["last_seq"] == 7);
  CHECK(clmis_changes_since(&out, f.s, 0, -5) == CLMIS_EMISUSE);
  CHECK(clmis_changes_since(nullptr, f.s, 0, 0) == CLMIS_EMISUSE);
  CHECK(clmis_changes_since(&out, nullptr, 0, 0) == CLMIS_EMISUSE);
}

TEST_CASE("C: bad input returns its code and error list and changes nothing", "[capi][errors]") {
  Fixture f;
  const auto owner = f.create("owner", "{\"name\": \"O\"}");
  const auto id = f.create("sample", "{\"title\": \"ok\"}");
  REQUIRE(clmis_record_update(nullptr, f.s, "sample", id, 1, "{\"count\": 5}") == CLMIS_OK);
  const std::string before = test::db_hash(f.path);

  struct Case {
    const char* name;
    const char* json;
    const char* path;
    const char* rule;
  };
  const Case cases[] = {
      {"malformed JSON", "{\"title\": \"x\",", "", "json"},
      {"unknown field", "{\"title\": \"x\", \"colour\": \"red\"}", "colour", "unknown_field"},
      {"wrong type", "{\"title\": \"x\", \"count\": \"five\"}", "count", "type"},
      {"bad code", "{\"title\": \"x\", \"kind\": \"zz\"}", "kind", "code_list"},
      {"missing reference", "{\"title\": \"x\", \"owner\": 999}", "owner", "reference"},
      {"text over its maximum", "{\"title\": \"eleven char\"}", "title", "length"},
  };
  for (const auto& c : cases) {
    SECTION(std::string("create: ") + c.name) {
      std::int64_t out_id = -1;
      CHECK(clmis_record_create(&out_id, f.s, "sample", c.json) == CLMIS_EINVALID);
      CHECK(out_id == 0);
      CHECK(last_code() == CLMIS_EINVALID);
      Json errs = last_errors();
      REQUIRE(errs.size() == 1);
      CHECK(errs[0]["record"] == "sample");
      CHECK(errs[0]["path"] == c.path);
      CHECK(errs[0]["rule"] == c.rule);
      CHECK(errs[0]["message"].get<std::string>().size() > 5);
      CHECK(test::db_hash(f.path) == before);
    }
    SECTION(std::string("update: ") + c.name) {
      std::int64_t v = -1;
      CHECK(clmis_record_update(&v, f.s, "sample", id, 2, c.json) == CLMIS_EINVALID);
      Json errs = last_errors();
      REQUIRE(errs.size() == 1);
      CHECK(errs[0]["path"] == c.path);
      CHECK(errs[0]["rule"] == c.rule);
      CHECK(test::db_hash(f.path) == before);
    }
  }
  SECTION("stale version") {
    CHECK(clmis_record_update(nullptr, f.s, "sample", id, 1, "{\"count\": 6}") == CLMIS_ECONFLICT);
    CHECK_THAT(clmis_error_last()->message, Catch::Contains("version 2"));
    CHECK(std::strcmp(clmis_error_last_json(), "[]") == 0);
    CHECK(test::db_hash(f.path) == before);
  }
  SECTION("invalid UTF-8 is an error, never a crash") {
    std::int64_t out_id = 0;
    CHECK(clmis_record_create(&out_id, f.s, "sample", "{\"title\": \"\xC3\x28\"}") == CLMIS_EINVALID);
    Json errs = last_errors();  // the list itself is valid JSON
    REQUIRE(errs.size() == 1);
    CHECK(errs[0]["rule"] == "json");
    CHECK(clmis_record_archive(f.s, "sample", id, 2, "bad \xFF byte") == CLMIS_EINVALID);
    CHECK(last_errors()[0]["path"] == "archive_reason");
    int outcome = 0;
    CHECK(clmis_record_upsert(&out_id, &outcome, f.s, "sample", "\xED\xA0\x80", "{\"title\": \"x\"}") == CLMIS_EINVALID);
    CHECK(last_errors()[0]["path"] == "external_id");
    CHECK(test::db_hash(f.path) == before);
  }
  SECTION("the value given is echoed") {
    std::int64_t out_id = 0;
    CHECK(clmis_record_create(&out_id, f.s, "sample", "{\"title\": \"x\", \"count\": 101}") == CLMIS_EINVALID);
    CHECK(last_errors()[0]["value"] == 101);
    CHECK(last_errors()[0]["rule"] == "range");
  }
  SECTION("all errors of a record at once") {
    std::int64_t out_id = 0;
    CHECK(clmis_record_create(&out_id, f.s, "sample", "{\"count\": -1, \"kind\": 3, \"owner\": 999}") == CLMIS_EINVALID);
    CHECK(last_errors().size() == 4);  // count range, kind type, owner reference, title required
    CHECK(test::db_hash(f.path) == before);
  }
  (void)owner;
}

TEST_CASE("C: errors are per thread and cleared by success", "[capi]") {
  Fixture f;
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, f.s, "owner", "{}") == CLMIS_EINVALID);
  std::string other_thread_json;
  const clmis_error* other_thread_err = reinterpret_cast<const clmis_error*>(0x1);
  std::thread t([&] {
    other_thread_err = clmis_error_last();
    other_thread_json = clmis_error_last_json();
  });
  t.join();
  CHECK(other_thread_err == nullptr);
  CHECK(other_thread_json == "[]");
  CHECK(last_code() == CLMIS_EINVALID);
  clmis_error_clear();
  CHECK(clmis_error_last() == nullptr);
  CHECK(clmis_record_create(&id, f.s, "owner", "{}") == CLMIS_EINVALID);
  CHECK(clmis_record_create(&id, f.s, "owner", "{\"name\": \"n\"}") == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
}

TEST_CASE("C: a query's fields restrict its records, bad fields change nothing", "[capi][errors][columns]") {
  Fixture f;
  const auto owner = f.create("owner", "{\"name\": \"O\"}");
  f.create("sample", ("{\"title\": \"one\", \"count\": 4, \"owner\": " + std::to_string(owner) + "}").c_str());
  char* out = nullptr;
  REQUIRE(clmis_record_query(&out, f.s, "sample", "{\"fields\": [\"owner\", \"title\", \"items\"]}") == CLMIS_OK);
  Json page = Json::parse(out);
  clmis_free(out);
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0] == Json{{"owner", owner}, {"title", "one"}, {"items", Json::array()}});

  const std::string before = test::db_hash(f.path);
  struct Case {
    const char* name;
    const char* query;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {"unknown field", "{\"fields\": [\"title\", \"colour\"]}", "fields[1]", "has no field \"colour\""},
      {"not an array", "{\"fields\": \"title\"}", "fields", "non-empty array"},
      {"empty array", "{\"fields\": []}", "fields", "non-empty array"},
      {"not a string", "{\"fields\": [\"title\", 7]}", "fields[1]", "a field name is a string"},
      {"named twice", "{\"fields\": [\"title\", \"title\"]}", "fields[1]", "named twice"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      out = nullptr;
      CHECK(clmis_record_query(&out, f.s, "sample", c.query) == CLMIS_EINVALID);
      CHECK(out == nullptr);
      CHECK(last_code() == CLMIS_EINVALID);
      const Json errs = last_errors();
      REQUIRE(errs.size() == 1);
      CHECK(errs[0]["record"] == "sample");
      CHECK(errs[0]["path"] == c.path);
      CHECK(errs[0]["rule"] == "query");
      CHECK_THAT(errs[0]["message"].get<std::string>(), Catch::Contains(c.message));
      CHECK(test::db_hash(f.path) == before);
    }
  }
}
