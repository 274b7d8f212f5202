#include "support.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <algorithm>

#include <sodium.h>
#include <sqlite3.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  std::random_device rd;
  for (;;) {
    path_ = base / ("clmis-test-" + std::to_string(rd()));
    if (fs::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

clmis::Database standard_db(const TempDir& dir, const std::string& name) {
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = kPassword;
  return clmis::Database::init(dir.file(name), o);
}

clmis::Database fixture_db(const TempDir& dir, const std::string& name) {
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = kPassword;
  o.data_dir = CLMIS_TEST_FIXTURES "/data";
  return clmis::Database::init(dir.file(name), o);
}

namespace {
struct Raw {
  sqlite3* db = nullptr;
  explicit Raw(const std::string& path, bool create = false) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
                        nullptr) != SQLITE_OK)
      throw std::runtime_error("raw open failed: " + path);
    sqlite3_busy_timeout(db, 5000);
  }
  ~Raw() { sqlite3_close_v2(db); }
};
}  // namespace

std::string db_hash(const std::string& path, std::int64_t audit_upto) {
  Raw raw(path);
  if (sodium_init() < 0) throw std::runtime_error("sodium");
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  auto feed = [&](const std::string& tag, const void* p, size_t n) {
    std::string head = tag + std::to_string(n) + ":";
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(head.data()), head.size());
    crypto_hash_sha256_update(&st, static_cast<const unsigned char*>(p), n);
  };
  std::vector<std::pair<std::string, std::string>> tables;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(raw.db,
                     "SELECT name, coalesce(sql, '') FROM sqlite_master "
                     "WHERE name NOT IN ('clmis_security_log', 'clmis_login_state') ORDER BY type, name",
                     -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    std::string sql = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    feed("schema", sql.data(), sql.size());
    if (sql.rfind("CREATE TABLE", 0) == 0 || name == "sqlite_sequence") tables.emplace_back(name, sql);
  }
  sqlite3_finalize(s);
  for (const auto& [name, sql] : tables) {
    if (name == "sqlite_sequence") {
      // The counters of the other tables, minus the security log's (and the audit trail's when
      // its tail is left out).
      sqlite3_prepare_v2(raw.db,
                         audit_upto < 0
                             ? "SELECT name, seq FROM sqlite_sequence WHERE name <> 'clmis_security_log' "
                               "ORDER BY name"
                             : "SELECT name, seq FROM sqlite_sequence WHERE name NOT IN "
                               "('clmis_security_log', 'clmis_audit') ORDER BY name",
                         -1, &s, nullptr);
    } else if (name == "clmis_audit" && audit_upto >= 0) {
      sqlite3_prepare_v2(raw.db, "SELECT * FROM clmis_audit WHERE id <= ? ORDER BY id", -1, &s, nullptr);
      sqlite3_bind_int64(s, 1, audit_upto);
    } else {
      // Order by every column so that WITHOUT ROWID tables hash deterministically too.
      sqlite3_stmt* probe = nullptr;
      sqlite3_prepare_v2(raw.db, ("SELECT * FROM \"" + name + "\" LIMIT 0").c_str(), -1, &probe, nullptr);
      const int n = sqlite3_column_count(probe);
      sqlite3_finalize(probe);
      std::string order;
      for (int i = 1; i <= n; ++i) order += (i > 1 ? ", " : "") + std::to_string(i);
      sqlite3_prepare_v2(raw.db, ("SELECT * FROM \"" + name + "\" ORDER BY " + order).c_str(), -1,
                         &s, nullptr);
    }
    feed("table", name.data(), name.size());
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const int type = sqlite3_column_type(s, i);
        const void* p = sqlite3_column_blob(s, i);
        const size_t len = static_cast<size_t>(sqlite3_column_bytes(s, i));
        feed(std::to_string(type), p ? p : "", p ? len : 0);
      }
      feed("row", "", 0);
    }
    sqlite3_finalize(s);
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::vector<std::string> audit_actions_after(const std::string& path, std::int64_t after_id) {
  Raw raw(path);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(raw.db, "SELECT action FROM clmis_audit WHERE id > ? ORDER BY id", -1, &s, nullptr);
  sqlite3_bind_int64(s, 1, after_id);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  return out;
}

void raw_exec(const std::string& path, const std::string& sql) {
  Raw raw(path, true);
  char* err = nullptr;
  if (sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("raw_exec: " + m);
  }
}

std::string raw_scalar(const std::string& path, const std::string& sql) {
  Raw raw(path);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(raw.db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("raw_scalar: ") + sqlite3_errmsg(raw.db));
  std::string v;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
    v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return v;
}

std::string copy_data(const TempDir& dir, const std::string& name, const std::string& from) {
  const std::string to = dir.file(name);
  fs::copy(from, to, fs::copy_options::recursive);
  return to;
}

void edit_json(const std::string& path, const std::function<void(clmis::Json&)>& edit) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  clmis::Json j = clmis::Json::parse(ss.str());
  edit(j);
  std::ofstream(path, std::ios::trunc) << j.dump(2);
}

int file_mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

std::vector<std::string> dir_entries(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace test
