// Batches (clmis_batch_begin/commit/rollback), clmis_import and clmis_export through the C API:
// good input checked by plain SQL on a separate connection (test::raw_scalar), bad input checked
// for its code, its message and error list, an unchanged database (test::db_hash) and no file
// left behind.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "capi/standard_c.hpp"
#include "support.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

using clmis::Json;
using test::take;

namespace {

int last_code() {
  const clmis_error* e = clmis_error_last();
  return e ? e->code : CLMIS_OK;
}

std::string last_message() {
  const clmis_error* e = clmis_error_last();
  return e ? e->message : "";
}

Json last_errors() { return Json::parse(clmis_error_last_json()); }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

/// The files in dir (to see that a refused export leaves no temporary file either).
std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

constexpr const char* kEmployer = R"({"name": "%s", "isic_class": "5510", "parish": "KN-03"})";

std::string employer(const std::string& name) {
  char buf[200];
  std::snprintf(buf, sizeof buf, kEmployer, name.c_str());
  return buf;
}

struct Standard : test::StandardC {
  std::int64_t create(clmis_session* s, const std::string& name) {
    std::int64_t id = 0;
    REQUIRE(clmis_record_create(&id, s, "employer", employer(name).c_str()) == CLMIS_OK);
    return id;
  }
  std::string count() const { return test::raw_scalar(path, "SELECT count(*) FROM employer"); }
  /// A user with one role, logged in.
  clmis_session* user(const char* name, const char* role) {
    const std::string spec = std::string(R"({"name": ")") + name + R"(", "password": "user-password-1", "roles": [")" +
                             role + R"("], "must_change_password": false})";
    REQUIRE(clmis_user_create(nullptr, admin, spec.c_str()) == CLMIS_OK);
    clmis_session* s = nullptr;
    REQUIRE(clmis_login(&s, db, name, "user-password-1") == CLMIS_OK);
    return s;
  }
};

}  // namespace

TEST_CASE("C batch: several writes commit together, each audited with its change number", "[capi][batch]") {
  Standard f;
  char* out = nullptr;
  REQUIRE(clmis_changes_since(&out, f.admin, 0, 0) == CLMIS_OK);
  const auto seq0 = take(out)["last_seq"].get<std::int64_t>();
  const auto audit0 = std::stoll(test::raw_scalar(f.path, "SELECT max(id) FROM clmis_audit"));

  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  const auto a = f.create(f.admin, "Alpha Ltd");
  const auto b = f.create(f.admin, "Beta Ltd");
  std::int64_t v = 0;
  REQUIRE(clmis_record_update(&v, f.admin, "employer", a, 1, R"({"name": "Alpha Holdings"})") == CLMIS_OK);
  CHECK(v == 2);
  // The session reads the batch's writes; another connection sees nothing before the commit.
  REQUIRE(clmis_record_get(&out, f.admin, "employer", a) == CLMIS_OK);
  CHECK(take(out)["name"] == "Alpha Holdings");
  CHECK(f.count() == "0");
  REQUIRE(clmis_batch_commit(f.admin) == CLMIS_OK);

  CHECK(f.count() == "2");
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name, '|') FROM (SELECT name FROM employer ORDER BY id)") ==
        "Alpha Holdings|Beta Ltd");
  CHECK(b == a + 1);
  // One change number per write, in order; one audit entry per write.
  REQUIRE(clmis_changes_since(&out, f.admin, seq0, 0) == CLMIS_OK);
  const Json ch = take(out);
  REQUIRE(ch["changes"].size() == 3);
  CHECK(ch["changes"][0]["seq"] == seq0 + 1);
  CHECK(ch["changes"][0]["op"] == "create");
  CHECK(ch["changes"][1]["seq"] == seq0 + 2);
  CHECK(ch["changes"][2]["op"] == "update");
  CHECK(ch["changes"][2]["seq"] == seq0 + 3);
  CHECK(test::audit_actions_after(f.path, audit0).size() == 3);
  // The batch has ended: the handle serves others again.
  CHECK(clmis_batch_commit(f.admin) == CLMIS_EMISUSE);
  clmis_session* other = nullptr;
  REQUIRE(clmis_login(&other, f.db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  f.create(other, "Gamma Ltd");
  clmis_session_close(&other);
  CHECK(f.count() == "3");
}

TEST_CASE("C batch: rollback leaves the database unchanged", "[capi][batch]") {
  Standard f;
  const auto a = f.create(f.admin, "Alpha Ltd");
  const std::string before = test::db_hash(f.path);
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  f.create(f.admin, "Beta Ltd");
  REQUIRE(clmis_record_update(nullptr, f.admin, "employer", a, 1, R"({"name": "Renamed"})") == CLMIS_OK);
  REQUIRE(clmis_record_archive(f.admin, "employer", a, 2, "closed down") == CLMIS_OK);
  REQUIRE(clmis_batch_rollback(f.admin) == CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  CHECK(test::db_hash(f.path) == before);
  char* out = nullptr;
  REQUIRE(clmis_record_get(&out, f.admin, "employer", a) == CLMIS_OK);
  const Json rec = take(out);
  CHECK(rec["name"] == "Alpha Ltd");
  CHECK(rec["version"] == 1);
  // The next write takes the next id and change number, as if the batch had never been.
  const auto c = f.create(f.admin, "Gamma Ltd");
  CHECK(c == a + 1);
  CHECK(clmis_batch_rollback(f.admin) == CLMIS_EMISUSE);
}

TEST_CASE("C batch: a failed write inside leaves the batch open with the writes before it", "[capi][batch]") {
  Standard f;
  const std::string before = test::db_hash(f.path);
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  f.create(f.admin, "Alpha Ltd");
  std::int64_t id = -1;
  CHECK(clmis_record_create(&id, f.admin, "employer", R"({"name": "Bad", "isic_class": "5510", "parish": "XX-99"})") ==
        CLMIS_EINVALID);
  CHECK(last_errors()[0]["path"] == "parish");
  CHECK(last_errors()[0]["rule"] == "code_list");
  CHECK(clmis_record_update(nullptr, f.admin, "employer", 1, 7, R"({"name": "Stale"})") == CLMIS_ECONFLICT);
  f.create(f.admin, "Beta Ltd");
  CHECK(f.count() == "0");
  CHECK(test::db_hash(f.path) == before);  // nothing committed yet
  REQUIRE(clmis_batch_commit(f.admin) == CLMIS_OK);
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name, '|') FROM (SELECT name FROM employer ORDER BY id)") ==
        "Alpha Ltd|Beta Ltd");
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(id, '|') FROM (SELECT id FROM employer ORDER BY id)") == "1|2");
}

TEST_CASE("C batch: misuse is CLMIS_EMISUSE and changes nothing", "[capi][batch]") {
  Standard f;
  CHECK(clmis_batch_begin(nullptr) == CLMIS_EMISUSE);
  CHECK(last_code() == CLMIS_EMISUSE);
  CHECK(clmis_batch_commit(nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_batch_rollback(nullptr) == CLMIS_EMISUSE);
  clmis_session* other = nullptr;
  REQUIRE(clmis_login(&other, f.db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  const std::string before = test::db_hash(f.path);
  CHECK(clmis_batch_commit(f.admin) == CLMIS_EMISUSE);
  CHECK(last_message().find("no batch is open on this session to commit") != std::string::npos);
  CHECK(clmis_batch_rollback(f.admin) == CLMIS_EMISUSE);
  CHECK(last_message().find("to roll back") != std::string::npos);

  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  CHECK(clmis_batch_begin(f.admin) == CLMIS_EMISUSE);
  CHECK(last_message().find("already open on this session") != std::string::npos);
  // On the batch's thread, the handle serves only the batch's session.
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, other, "employer", employer("Other").c_str()) == CLMIS_EMISUSE);
  CHECK(last_message().find("another session has a batch open") != std::string::npos);
  CHECK(clmis_batch_begin(other) == CLMIS_EMISUSE);
  CHECK(clmis_batch_commit(other) == CLMIS_EMISUSE);
  char* out = nullptr;
  CHECK(clmis_today(&out, f.db) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  // A backup inside a batch is refused, as documented.
  CHECK(clmis_backup(nullptr, f.admin, f.dir.file("b.bak").c_str(), 0) == CLMIS_EMISUSE);
  CHECK_FALSE(exists(f.dir.file("b.bak")));
  // The batch itself is still open and usable.
  f.create(f.admin, "Mine");
  REQUIRE(clmis_batch_rollback(f.admin) == CLMIS_OK);
  CHECK(test::db_hash(f.path) == before);
  // And the other session works again.
  CHECK(clmis_record_create(&id, other, "employer", employer("Other").c_str()) == CLMIS_OK);
  CHECK(f.count() == "1");
  clmis_session_close(&other);
}

TEST_CASE("C batch: closing the session with an open batch rolls it back", "[capi][batch]") {
  Standard f;
  clmis_session* s = nullptr;
  REQUIRE(clmis_login(&s, f.db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  const std::string before = test::db_hash(f.path);
  REQUIRE(clmis_batch_begin(s) == CLMIS_OK);
  f.create(s, "Alpha Ltd");
  f.create(s, "Beta Ltd");
  clmis_session_close(&s);
  CHECK(s == nullptr);
  CHECK(test::db_hash(f.path) == before);
  // The handle's lock is released: the other session writes.
  f.create(f.admin, "Gamma Ltd");
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name) FROM employer") == "Gamma Ltd");
}

TEST_CASE("C batch: clmis_close with a batch open leaves it to its session, which rolls it back", "[capi][batch]") {
  Standard f;
  const std::string before = test::db_hash(f.path);
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  f.create(f.admin, "Alpha Ltd");
  clmis_close(&f.db);
  CHECK(f.db == nullptr);
  // The batch goes on until its session ends it.
  f.create(f.admin, "Beta Ltd");
  char* out = nullptr;
  REQUIRE(clmis_record_get(&out, f.admin, "employer", 2) == CLMIS_OK);
  CHECK(take(out)["name"] == "Beta Ltd");
  clmis_session_close(&f.admin);
  CHECK(test::db_hash(f.path) == before);
  // The database opens again, and the batch's writes are not in it.
  clmis_db* db = nullptr;
  REQUIRE(clmis_open(&db, f.path.c_str(), nullptr) == CLMIS_OK);
  clmis_close(&db);
  CHECK(f.count() == "0");
}

TEST_CASE("C batch: a call of the batch's session from another thread is refused, not a deadlock",
          "[capi][batch]") {
  Standard f;
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  int rc_create = 0, rc_commit = 0;
  std::string message;
  std::thread t([&] {
    std::int64_t id = 0;
    rc_create = clmis_record_create(&id, f.admin, "employer", employer("X").c_str());
    message = last_message();
    rc_commit = clmis_batch_commit(f.admin);
  });
  t.join();
  CHECK(rc_create == CLMIS_EMISUSE);
  CHECK(rc_commit == CLMIS_EMISUSE);
  CHECK(message.find("on another thread") != std::string::npos);
  REQUIRE(clmis_batch_commit(f.admin) == CLMIS_OK);
}

TEST_CASE("C batch: another thread's session on the same handle waits for the batch to end", "[capi][batch]") {
  Standard f;
  clmis_session* other = nullptr;
  REQUIRE(clmis_login(&other, f.db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  f.create(f.admin, "Inside Ltd");
  std::atomic<bool> done{false};
  int rc = -100;
  std::int64_t id = 0;
  std::thread t([&] {
    rc = clmis_record_create(&id, other, "employer", employer("Outside Ltd").c_str());
    done = true;
  });
  // The other thread cannot finish while the batch holds the handle.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(done.load());
  CHECK(f.count() == "0");
  REQUIRE(clmis_batch_commit(f.admin) == CLMIS_OK);
  t.join();
  CHECK(rc == CLMIS_OK);
  CHECK(id == 2);
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name, '|') FROM (SELECT name FROM employer ORDER BY id)") ==
        "Inside Ltd|Outside Ltd");
  clmis_session_close(&other);
}

TEST_CASE("C import: a CSV file, its report, and the rows stored", "[capi][import]") {
  Standard f;
  const std::string csv = f.dir.file("employers.csv");
  write_file(csv, "name;isic_class;parish;external_id\nAlpha Ltd;5510;KN-03;E1\nBeta Ltd;5510;KN-01;E2\n");
  char* out = nullptr;
  REQUIRE(clmis_import(f.admin, "employer", csv.c_str(), R"({"delimiter": ";", "on_error": "abort"})", &out) ==
          CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  const Json r = take(out);
  CHECK(r["committed"] == true);
  CHECK(r["stopped"] == false);
  CHECK(r["rows"] == 2);
  CHECK(r["created"] == 2);
  CHECK(r["updated"] == 0);
  CHECK(r["refused"] == 0);
  CHECK(r["problems"] == Json::array());
  CHECK(r["sha256"].get<std::string>().size() == 64);
  // Into an empty table the indexes no check reads are built after loading: employer has no
  // record rule, so every index of its table but external_id's, counted from the schema.
  CHECK(r["indexes_built_after_load"] ==
        std::stoi(test::raw_scalar(f.path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                                           "tbl_name = 'employer' AND sql IS NOT NULL AND name <> 'employer_ux_external_id'")));
  CHECK(r["indexes_built_after_load"].get<int>() > 0);
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name || '/' || parish || '/' || external_id, '|') FROM "
                                 "(SELECT * FROM employer ORDER BY id)") == "Alpha Ltd/KN-03/E1|Beta Ltd/KN-01/E2");
  CHECK(test::raw_scalar(f.path, "SELECT count(*) FROM clmis_audit WHERE action = 'import'") == "1");

  // The same file again: upserted, nothing changes; the report may be left out.
  const std::string before = test::db_hash(f.path, std::stoll(test::raw_scalar(f.path, "SELECT max(id) FROM clmis_audit")));
  REQUIRE(clmis_import(f.admin, "employer", csv.c_str(), R"({"delimiter": ";"})", nullptr) == CLMIS_OK);
  CHECK(f.count() == "2");

  // JSON Lines, told by the file's name; skip imports the good rows and reports the bad one.
  const std::string jl = f.dir.file("more.jsonl");
  write_file(jl, employer("Gamma Ltd") + "\n" + R"({"name": "Bad", "isic_class": "5510", "parish": "XX-99"})" + "\n");
  REQUIRE(clmis_import(f.admin, "employer", jl.c_str(), R"({"on_error": "skip"})", &out) == CLMIS_OK);
  const Json r2 = take(out);
  CHECK(r2["created"] == 1);
  CHECK(r2["refused"] == 1);
  REQUIRE(r2["problems"].size() == 1);
  CHECK(r2["problems"][0]["row"] == 2);
  CHECK(r2["problems"][0]["column"] == "parish");
  CHECK(r2["problems"][0]["rule"] == "code_list");
  CHECK(f.count() == "3");
}

TEST_CASE("C import: refusals name the problem and leave the database unchanged", "[capi][import]") {
  Standard f;
  f.create(f.admin, "Existing Ltd");
  const std::string csv = f.dir.file("employers.csv");
  write_file(csv, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\n");
  const std::string before = test::db_hash(f.path);
  char* out = reinterpret_cast<char*>(1);

  CHECK(clmis_import(nullptr, "employer", csv.c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_import(f.admin, nullptr, csv.c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(clmis_import(f.admin, "employer", nullptr, nullptr, &out) == CLMIS_EMISUSE);
  CHECK(last_message() == "path is NULL");

  CHECK(clmis_import(f.admin, "employer", csv.c_str(), "{\"on_error\": ", &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "json");
  CHECK(out == nullptr);

  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"on_eror": "skip"})", &out) == CLMIS_EINVALID);
  CHECK(last_message().find("unknown option \"on_eror\" (did you mean on_error?)") != std::string::npos);
  CHECK(last_errors()[0]["path"] == "on_eror");
  CHECK(last_errors()[0]["rule"] == "unknown_field");
  CHECK(last_errors()[0]["record"] == "import_options");

  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"delimiter": 59})", &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["path"] == "delimiter");
  CHECK(last_errors()[0]["rule"] == "type");
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"delimiter": ";;"})", &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "length");
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"on_error": "skipp"})", &out) == CLMIS_EINVALID);
  CHECK(last_message().find("(did you mean skip?)") != std::string::npos);
  CHECK(last_errors()[0]["rule"] == "code_list");
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"(["csv"])", &out) == CLMIS_EINVALID);
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"max_problems": -1})", &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "range");

  CHECK(clmis_import(f.admin, "employer", f.dir.path().c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(last_message().find("it is a directory") != std::string::npos);
  CHECK(clmis_import(f.admin, "employer", f.path.c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(last_message().find("one of the database's own files") != std::string::npos);
  CHECK(clmis_import(f.admin, "employer", (f.path + ".key").c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(clmis_import(f.admin, "employer", f.dir.file("missing.csv").c_str(), nullptr, &out) == CLMIS_ENOTFOUND);
  CHECK(clmis_import(f.admin, "employer", "bad\xff.csv", nullptr, &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["path"] == "path");
  CHECK(clmis_import(f.admin, "employr", csv.c_str(), nullptr, &out) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);

  // A bad row with on_error abort: nothing imported, the report and the error list name it.
  const std::string bad = f.dir.file("bad.csv");
  write_file(bad, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\nBeta Ltd,5510,XX-99\n");
  CHECK(clmis_import(f.admin, "employer", bad.c_str(), nullptr, &out) == CLMIS_EINVALID);
  CHECK(last_message().find("nothing imported: 1 of 2 rows are refused") != std::string::npos);
  const Json errs = last_errors();
  REQUIRE(errs.size() == 1);
  CHECK(errs[0]["record"] == "employer");
  CHECK(errs[0]["row"] == 3);
  CHECK(errs[0]["path"] == "parish");
  CHECK(errs[0]["value"] == "XX-99");
  CHECK(errs[0]["rule"] == "code_list");
  const Json rep = take(out);
  CHECK(rep["committed"] == false);
  CHECK(rep["rows"] == 2);
  CHECK(rep["refused"] == 1);
  CHECK(f.count() == "1");

  // A header refused as a whole.
  const std::string hdr = f.dir.file("hdr.csv");
  write_file(hdr, "nmae,isic_class,parish\nAlpha Ltd,5510,KN-03\n");
  out = nullptr;
  CHECK(clmis_import(f.admin, "employer", hdr.c_str(), nullptr, &out) == CLMIS_EINVALID);
  CHECK(out == nullptr);

  // Every refusal above changed nothing.
  CHECK(test::db_hash(f.path) == before);

  // A user without the create permission.
  clmis_session* reader = f.user("reader", "read_only");
  const std::string before_denied = test::db_hash(f.path);
  CHECK(clmis_import(reader, "employer", csv.c_str(), nullptr, &out) == CLMIS_EDENIED);
  CHECK(last_message().find("create") != std::string::npos);
  CHECK(test::db_hash(f.path) == before_denied);
  clmis_session_close(&reader);

  CHECK(f.count() == "1");
}

TEST_CASE("C import: the database is unchanged by every refused import", "[capi][import]") {
  Standard f;
  f.create(f.admin, "Existing Ltd");
  const std::string csv = f.dir.file("employers.csv");
  write_file(csv, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\nBeta Ltd,5510,XX-99\n");
  const std::string before = test::db_hash(f.path);
  char* out = nullptr;
  for (const char* opts : {R"({"on_eror": "skip"})", "{", R"({"format": "xml"})", R"({"index_build": 1})"}) {
    CHECK(clmis_import(f.admin, "employer", csv.c_str(), opts, &out) == CLMIS_EINVALID);
    CHECK(out == nullptr);
    CHECK(test::db_hash(f.path) == before);
  }
  CHECK(clmis_import(f.admin, "employer", f.path.c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(test::db_hash(f.path) == before);
  CHECK(clmis_import(f.admin, "employer", f.dir.path().c_str(), nullptr, &out) == CLMIS_EMISUSE);
  CHECK(test::db_hash(f.path) == before);
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), nullptr, &out) == CLMIS_EINVALID);
  clmis_free(out);
  CHECK(test::db_hash(f.path) == before);

  // Inside a batch: the import joins it, and the rollback undoes it.
  write_file(csv, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\n");
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  f.create(f.admin, "Before Ltd");
  REQUIRE(clmis_import(f.admin, "employer", csv.c_str(), nullptr, &out) == CLMIS_OK);
  CHECK(take(out)["created"] == 1);
  CHECK(f.count() == "1");
  REQUIRE(clmis_batch_rollback(f.admin) == CLMIS_OK);
  CHECK(test::db_hash(f.path) == before);
}

TEST_CASE("C export: a file with the fields and filter asked", "[capi][export]") {
  Standard f;
  f.create(f.admin, "Alpha Ltd");
  f.create(f.admin, "Beta Ltd");
  const std::string csv = f.dir.file("out.csv");
  REQUIRE(clmis_export(f.admin, "employer", csv.c_str(),
                       R"({"fields": ["id", "name"], "filter": [{"field": "name", "op": "eq", "value": "Beta Ltd"}]})") ==
          CLMIS_OK);
  CHECK(clmis_error_last() == nullptr);
  CHECK(read_file(csv) == "id,name\r\n2,Beta Ltd\r\n");
  CHECK(test::raw_scalar(f.path, "SELECT count(*) FROM clmis_audit WHERE action = 'export'") == "1");
  // JSON Lines by the file's name.
  const std::string jl = f.dir.file("out.jsonl");
  REQUIRE(clmis_export(f.admin, "employer", jl.c_str(), R"({"fields": ["name"]})") == CLMIS_OK);
  CHECK(read_file(jl) == "{\"name\":\"Alpha Ltd\"}\n{\"name\":\"Beta Ltd\"}\n");
  // An existing file only with replace.
  CHECK(clmis_export(f.admin, "employer", csv.c_str(), nullptr) == CLMIS_EEXISTS);
  CHECK(read_file(csv) == "id,name\r\n2,Beta Ltd\r\n");
  REQUIRE(clmis_export(f.admin, "employer", csv.c_str(), R"({"fields": ["name"], "replace": true})") == CLMIS_OK);
  CHECK(read_file(csv) == "name\r\nAlpha Ltd\r\nBeta Ltd\r\n");
}

TEST_CASE("C export: refusals leave no file and the database unchanged", "[capi][export]") {
  Standard f;
  f.create(f.admin, "Alpha Ltd");
  const std::string out = f.dir.file("out.csv");
  const std::string before = test::db_hash(f.path);
  const auto files = files_in(f.dir.path());

  CHECK(clmis_export(nullptr, "employer", out.c_str(), nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_export(f.admin, nullptr, out.c_str(), nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_export(f.admin, "employer", nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_export(f.admin, "employer", out.c_str(), "{\"fields\": [") == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "json");
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"feilds": ["name"]})") == CLMIS_EINVALID);
  CHECK(last_message().find("unknown option \"feilds\" (did you mean fields?)") != std::string::npos);
  CHECK(last_errors()[0]["record"] == "export_options");
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"fields": "name"})") == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "type");
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"format": "xslx"})") == CLMIS_EINVALID);
  CHECK(last_message().find("(did you mean xlsx?)") != std::string::npos);
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"include_archived": "yes"})") == CLMIS_EINVALID);
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"fields": ["nmae"]})") == CLMIS_EINVALID);
  CHECK(clmis_export(f.admin, "employer", out.c_str(), R"({"filter": [{"field": "name", "op": "like"}]})") ==
        CLMIS_EINVALID);
  CHECK(clmis_export(f.admin, "employer", f.dir.path().c_str(), nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_export(f.admin, "employer", f.path.c_str(), R"({"replace": true})") == CLMIS_EMISUSE);
  CHECK(clmis_export(f.admin, "employr", out.c_str(), nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_export(f.admin, "employer", "bad\xff.csv", nullptr) == CLMIS_EINVALID);
  CHECK(test::db_hash(f.path) == before);
  CHECK_FALSE(exists(out));
  CHECK(files_in(f.dir.path()) == files);

  // A user without the export permission (and one with it, masked, to show the grant is what differs).
  clmis_session* reader = f.user("reader", "read_only");
  const std::string before_denied = test::db_hash(f.path);
  const auto files_denied = files_in(f.dir.path());
  CHECK(clmis_export(reader, "employer", out.c_str(), nullptr) == CLMIS_EDENIED);
  CHECK(last_message().find("export") != std::string::npos);
  CHECK(test::db_hash(f.path) == before_denied);
  CHECK_FALSE(exists(out));
  CHECK(files_in(f.dir.path()) == files_denied);
  clmis_session_close(&reader);
  clmis_session* stat = f.user("stat", "statistician");
  REQUIRE(clmis_export(stat, "employer", out.c_str(), R"({"fields": ["name"]})") == CLMIS_OK);
  CHECK(read_file(out) == "name\r\nAlpha Ltd\r\n");
  clmis_session_close(&stat);
}

TEST_CASE("C import: the option encoding reads windows-1252, an unknown one is refused and nothing changes", "[capi][import][encoding]") {
  Standard f;
  const std::string csv = f.dir.file("cp1252.csv");
  // windows-1252: é E9, € 80, Ñ D1; the parish given in lower case.
  write_file(csv, "Name,ISIC_Class,Parish\nCaf\xE9 \x80,5510,kn-03\n\xD1" "and\xFA Ltd,5510,KN-01\n");
  const std::string before = test::db_hash(f.path);
  char* out = reinterpret_cast<char*>(1);
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"encoding": "cp1251"})", &out) == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(last_message() == "unknown encoding \"cp1251\" (did you mean cp1252?)");
  CHECK(last_errors()[0]["path"] == "encoding");
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"encoding": 1252})", &out) == CLMIS_EINVALID);
  CHECK(last_errors()[0]["rule"] == "type");
  // Without it: refused, with the advice to name the encoding.
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), nullptr, &out) == CLMIS_EINVALID);
  CHECK(take(out)["problems"][0]["message"].get<std::string>().find("--encoding windows-1252") != std::string::npos);
  CHECK(test::db_hash(f.path) == before);

  REQUIRE(clmis_import(f.admin, "employer", csv.c_str(), R"({"encoding": "windows-1252"})", &out) == CLMIS_OK);
  const Json r = take(out);
  CHECK(r["created"] == 2);
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(name || '/' || parish, '|') FROM (SELECT * FROM employer ORDER BY id)") ==
        "Caf\xC3\xA9 \xE2\x82\xAC/KN-03|\xC3\x91" "and\xC3\xBA Ltd/KN-01");
}

TEST_CASE("C API: malformed JSON says where, never the parser's internals", "[capi][json]") {
  Standard f;
  const std::string csv = f.dir.file("employers.csv");
  write_file(csv, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\n");
  const std::string before = test::db_hash(f.path);
  char* out = nullptr;
  CHECK(clmis_import(f.admin, "employer", csv.c_str(), R"({"on_error": x})", &out) == CLMIS_EINVALID);
  CHECK(last_message() == "malformed JSON at line 1, column 14: invalid literal (byte 14)");
  CHECK(last_errors()[0]["rule"] == "json");
  std::int64_t id = 0;
  CHECK(clmis_record_create(&id, f.admin, "employer", "{\"name\": \"A\",\n \"parish\": KN}") == CLMIS_EINVALID);
  CHECK(last_message() == "malformed JSON at line 2, column 12: invalid literal (byte 26)");
  CHECK(last_message().find("json.exception") == std::string::npos);
  CHECK(std::string(clmis_error_last_json()).find("json.exception") == std::string::npos);
  CHECK(test::db_hash(f.path) == before);
}

TEST_CASE("C import: a refused import inside a batch leaves the batch open with the writes before it",
          "[capi][batch][import]") {
  Standard f;
  const std::string bad = f.dir.file("bad.csv");
  write_file(bad, "name,isic_class,parish\nAlpha Ltd,5510,KN-03\nBeta Ltd,5510,XX-99\n");
  REQUIRE(clmis_batch_begin(f.admin) == CLMIS_OK);
  const auto before_id = f.create(f.admin, "Before Ltd");
  char* out = nullptr;
  // Row 3's parish is no code: nothing of the import (not Alpha Ltd, not its audit entry) ...
  CHECK(clmis_import(f.admin, "employer", bad.c_str(), nullptr, &out) == CLMIS_EINVALID);
  CHECK(last_message() == "nothing imported: 1 of 2 rows are refused (on_error \"skip\" imports the others)");
  CHECK(take(out)["committed"] == false);
  // ... but the batch is still open with Before Ltd, which its commit keeps: one employer, one
  // change (seq 1, its create), no import in the audit trail.
  REQUIRE(clmis_batch_commit(f.admin) == CLMIS_OK);
  CHECK(before_id == 1);
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(id || ':' || name) FROM employer") == "1:Before Ltd");
  CHECK(test::raw_scalar(f.path, "SELECT group_concat(seq || ':' || op) FROM clmis_change") == "1:create");
  CHECK(test::raw_scalar(f.path, "SELECT count(*) FROM clmis_audit WHERE action = 'import'") == "0");
}

TEST_CASE("C import: a lifecycle row the user may not take refuses the import, naming the row", "[capi][import]") {
  Standard f;
  // data_entry creates job seekers but takes no transition: row 3's activate is refused.
  const std::string spec = R"({"name": "clerk", "password": "user-password-1", "roles": ["data_entry"],
                               "section": "employment_services", "must_change_password": false})";
  REQUIRE(clmis_user_create(nullptr, f.admin, spec.c_str()) == CLMIS_OK);
  clmis_session* clerk = nullptr;
  REQUIRE(clmis_login(&clerk, f.db, "clerk", "user-password-1") == CLMIS_OK);
  const std::string csv = f.dir.file("life.csv");
  write_file(csv,
             "external_id,registration_date,first_name,family_name,sex,date_of_birth,active_on\n"
             "P1,2024-01-15,Cy,Hodge,M,1992-05-01,\n"
             "P2,2024-01-15,Di,Hodge,F,1993-05-01,2024-02-01\n");
  const std::string before = test::db_hash(f.path);
  char* out = reinterpret_cast<char*>(1);
  for (const char* opts : {R"({"on_error": "abort"})", R"({"on_error": "skip"})"}) {
    CHECK(clmis_import(clerk, "job_seeker", csv.c_str(), opts, &out) == CLMIS_EDENIED);
    CHECK(out == nullptr);
    CHECK(last_message() ==
          "row 3: permission denied: job_seeker.transition:activate \xE2\x80\x94 no role of this user grants "
          "transition:activate on job_seeker (section employment_services); nothing is imported");
    CHECK(test::db_hash(f.path) == before);
  }
  clmis_session_close(&clerk);
}
