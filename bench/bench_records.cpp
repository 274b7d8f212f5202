// Benchmark: the record API against raw SQLite on the same data, in the same run.
//
//   build/bench/bench_records [N] [DIR]     (default N = 5000, DIR = /tmp)
//
// 1. Single-record writes: N employers created through Session::create (validate, insert,
//    change row, history row, audit row; one transaction each) against the same rows inserted
//    by raw SQLite with a prepared statement, one transaction each, same pragmas (WAL,
//    synchronous=FULL). Prints records per second and the ratio.
// 2. Reading everything back: keyset pages of 1000 through Session::query (JSON out) against
//    one raw SELECT over the same table.
// Not a test: it asserts nothing; it prints figures.
#include "clmis/database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

using clmis::Json;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Json employer(int i) {
  static const char* parishes[] = {"KN-01", "KN-02", "KN-03", "KN-04", "KN-05"};
  return Json{{"name", "Employer " + std::to_string(i)},
              {"registration_no", "C-" + std::to_string(100000 + i)},
              {"isic_class", i % 2 ? "5510" : "4711"},
              {"parish", parishes[i % 5]},
              {"workers_male", i % 50},
              {"workers_female", i % 70}};
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 5000;
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  const std::string a = dir + "/bench-clmis.db", b = dir + "/bench-raw.db";
  for (const auto& p : {a, b})
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(p + s);

  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = "benchmark-password";
  auto db = clmis::Database::init(a, o);
  auto session = db.login("admin", o.admin_password);

  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) session.create("employer", employer(i));
  const double clmis_write = seconds_since(t0);

  // The peer: the same table layout (copied from the clmis database), raw prepared inserts.
  sqlite3* raw = nullptr;
  sqlite3_open(b.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  sqlite3_exec(raw,
               "CREATE TABLE employer (id INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER, "
               "created_at INTEGER, created_by INTEGER, updated_at INTEGER, updated_by INTEGER, "
               "name TEXT, registration_no TEXT, isic_class TEXT, parish TEXT, workers_male INTEGER, "
               "workers_female INTEGER, status TEXT) STRICT",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw,
                     "INSERT INTO employer (version, created_at, created_by, updated_at, updated_by, "
                     "name, registration_no, isic_class, parish, workers_male, workers_female, status) "
                     "VALUES (1, ?1, 1, ?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, 'active')",
                     -1, &ins, nullptr);
  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    Json e = employer(i);
    sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    const std::string name = e["name"], reg = e["registration_no"], isic = e["isic_class"], parish = e["parish"];
    sqlite3_bind_int64(ins, 1, 1795392000);  // 2026-11-23T00:00:00Z as UTC seconds (storage format 6)
    sqlite3_bind_text(ins, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, reg.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 4, isic.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 5, parish.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 6, e["workers_male"].get<int>());
    sqlite3_bind_int64(ins, 7, e["workers_female"].get<int>());
    sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double raw_write = seconds_since(t0);
  sqlite3_finalize(ins);

  t0 = Clock::now();
  size_t read = 0;
  Json q = {{"limit", 1000}};
  for (;;) {
    Json page = session.query("employer", q);
    read += page["records"].size();
    if (page["next"].is_null()) break;
    q["after"] = page["next"];
  }
  const double clmis_read = seconds_since(t0);

  t0 = Clock::now();
  sqlite3_stmt* sel = nullptr;
  sqlite3_prepare_v2(raw, "SELECT * FROM employer ORDER BY id", -1, &sel, nullptr);
  size_t raw_read = 0;
  long long checksum = 0;
  while (sqlite3_step(sel) == SQLITE_ROW) {
    ++raw_read;
    for (int c = 0; c < sqlite3_column_count(sel); ++c) checksum += sqlite3_column_bytes(sel, c);
  }
  sqlite3_finalize(sel);
  const double raw_read_s = seconds_since(t0);
  sqlite3_close(raw);

  std::printf("records: %d employers, databases in %s\n", n, dir.c_str());
  std::printf("write, one transaction each: clmis %.0f rec/s, raw SQLite %.0f rec/s, ratio %.2f (clmis time / raw time)\n",
              n / clmis_write, n / raw_write, clmis_write / raw_write);
  std::printf("read all (pages of 1000, JSON): clmis %.0f rec/s (%zu), raw SELECT %.0f rec/s (%zu, %lld bytes), ratio %.2f\n",
              read / clmis_read, read, raw_read / raw_read_s, raw_read, checksum, clmis_read / raw_read_s);
  for (const auto& p : {a, b})
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(p + s);
  return 0;
}
