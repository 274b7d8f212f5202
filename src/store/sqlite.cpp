#include "store/sqlite.hpp"

#include "clmis/error.hpp"


namespace clmis::store {

namespace {
[[noreturn]] void throw_for(int rc, const std::string& msg) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: throw Busy("database is busy: " + msg);
    case SQLITE_NOMEM: throw Error(Errc::nomem, "out of memory: " + msg);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM: throw StorageError(msg);
    default: throw Error(Errc::generic, "SQLite error: " + msg);
  }
}
}  // namespace

std::string quote(std::string_view ident) {
  std::string q = "\"";
  for (char c : ident) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::bind(int i, std::nullptr_t) {
  sqlite3_bind_null(s_, i);
  return *this;
}
Stmt& Stmt::bind(int i, const SqlValue& v) {
  if (auto* n = std::get_if<std::int64_t>(&v)) return bind(i, *n);
  if (auto* s = std::get_if<std::string>(&v)) return bind(i, std::string_view(*s));
  return bind(i, nullptr);
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  std::string msg = sqlite3_errmsg(db);
  int ext = sqlite3_extended_errcode(db);
  sqlite3_reset(s_);
  throw_for(ext ? ext : rc, msg);
}

void Stmt::run() {
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::string Stmt::text(int i) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
}

SqlValue Stmt::value(int i) const {
  switch (sqlite3_column_type(s_, i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return int64(i);
    default: return text(i);
  }
}

Connection::Connection(const std::string& path, bool create) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    if (!create && (rc & 0xff) == SQLITE_CANTOPEN) throw NotFound("cannot open database " + path + ": " + msg);
    throw_for(rc, "cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

void Connection::fail(int rc, const std::string& what) const {
  throw_for(rc, what + ": " + sqlite3_errmsg(db_));
}

void Connection::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw_for(rc, msg);
  }
}

Stmt& Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->reset();
    return *it->second;
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) fail(rc, "prepare");
  auto [pos, _] = cache_.emplace(sql, std::make_unique<Stmt>(s));
  return *pos->second;
}

std::optional<std::int64_t> Connection::scalar(const std::string& sql) {
  Stmt& s = prepare(sql);
  std::optional<std::int64_t> v;
  if (s.step() && !s.is_null(0)) v = s.int64(0);
  s.reset();
  return v;
}

void Connection::configure(int busy_timeout_ms) {
  exec("PRAGMA foreign_keys = ON");
  exec("PRAGMA trusted_schema = OFF");
  // FULL: a committed case survives a power cut, which small offices see often.
  exec("PRAGMA synchronous = FULL");
  // Statement and savepoint journals in memory: a batch makes one savepoint per write, and a
  // temporary file for each would cost a write system call per page.
  exec("PRAGMA temp_store = MEMORY");
  set_busy_timeout_ms(busy_timeout_ms);
}

BigCache::BigCache(Connection& c, int kib) : c_(c) { c_.exec("PRAGMA cache_size = -" + std::to_string(kib)); }

BigCache::~BigCache() {
  try {
    c_.exec("PRAGMA cache_size = -2000");  // SQLite's default (2 MiB)
  } catch (...) {
  }
}

const std::string& Connection::text(int kind, const void* key, const std::function<std::string()>& make) {
  auto k = std::make_pair(kind, key);
  auto it = texts_.find(k);
  if (it == texts_.end()) it = texts_.emplace(k, make()).first;
  return it->second;
}

std::int64_t Connection::data_version() {
  auto& s = prepare("PRAGMA data_version");
  s.step();
  const auto v = s.int64(0);
  s.reset();
  return v;
}

WriteTransaction::WriteTransaction(Connection& c, Nested nested) : c_(c) {
  if (!sqlite3_get_autocommit(c.raw())) {
    if (nested == Nested::join) {
      joined_ = true;
      return;
    }
    nested_ = true;
    c.exec("SAVEPOINT clmis_write");
    return;
  }
  // The connection's busy handler (sqlite3_busy_timeout) retries with SQLite's own backoff —
  // sleeps of 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms — until the limit.
  int rc = sqlite3_exec(c.raw(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    throw Busy("the database is locked by another writer (waited " +
               std::to_string(c.busy_timeout_ms()) + " ms)");
  c.fail(rc, "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
  if (done_ || joined_) return;
  if (nested_)
    sqlite3_exec(c_.raw(), "ROLLBACK TO clmis_write; RELEASE clmis_write", nullptr, nullptr, nullptr);
  else
    sqlite3_exec(c_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
  if (joined_) {
    done_ = true;
    return;
  }
  const char* sql = nested_ ? "RELEASE clmis_write" : "COMMIT";
  int rc = sqlite3_exec(c_.raw(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) c_.fail(rc, sql);
  done_ = true;
}

ReadTransaction::ReadTransaction(Connection& c) : c_(c) {
  if (sqlite3_get_autocommit(c.raw())) {
    c.exec("BEGIN");
    active_ = true;
  }
}

ReadTransaction::~ReadTransaction() {
  if (active_) sqlite3_exec(c_.raw(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace clmis::store

