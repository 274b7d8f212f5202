#include "store/sqlite.hpp"

#include "clmis/error.hpp"

#include <thread>


namespace clmis::store {

namespace {
[[noreturn]] void throw_for(int rc, const std::string& msg) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: throw Busy("the database stayed locked by another connection past busy_timeout_ms (" + msg + "); try again");
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
Stmt& Stmt::bind_blob(int i, std::string_view v) {
  // A zero-length BLOB needs a non-null pointer, or SQLite stores NULL.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(s_, i, v.empty() ? &kEmpty : v.data(), v.size(), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_static(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
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

std::string Stmt::blob(int i) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(s_, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
}

SqlValue Stmt::value(int i) const {
  switch (sqlite3_column_type(s_, i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return int64(i);
    default: return text(i);
  }
}

namespace {
/// clmis_dup_key(v1, v2, ...): DupKey over stored values; NULL when one is NULL.
void dup_key_sql(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  DupKey k;
  for (int i = 0; i < argc; ++i) {
    switch (sqlite3_value_type(argv[i])) {
      case SQLITE_NULL: sqlite3_result_null(ctx); return;
      case SQLITE_INTEGER: k.integer(sqlite3_value_int64(argv[i])); break;
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
        k.text(std::string_view(p, static_cast<size_t>(sqlite3_value_bytes(argv[i]))));
        break;
      }
      default: sqlite3_result_error(ctx, "clmis_dup_key takes integers and text", -1); return;
    }
  }
  sqlite3_result_int64(ctx, k.value());
}
}  // namespace

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
  sqlite3_create_function(db_, "clmis_dup_key", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                          dup_key_sql, nullptr, nullptr);
  // The busy handler before the first statement: the first one reads the schema, and may meet
  // a lock (another connection recovering the WAL) — it must wait, not fail.
  set_busy_timeout_ms(busy_timeout_ms_);
}

Connection::~Connection() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

void Connection::fail(int rc, const std::string& what) const {
  busy_check(rc, what);
  throw_for(rc, what + ": " + sqlite3_errmsg(db_));
}

void Connection::busy_check(int rc, const std::string& what) const {
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    throw Busy("the database stayed locked by another connection for " + std::to_string(busy_waited_ms_) +
               " ms (busy_timeout_ms " + std::to_string(busy_timeout_ms_) + "; " + what + "); try again");
}

namespace {
bool names_status_table(std::string_view sql) { return sql.find(kStatusTablePrefix) != std::string_view::npos; }
}  // namespace

void Connection::exec(const std::string& sql) {
  if (!pending_.initial.rows.empty() && names_status_table(sql)) flush_initial_status(*this);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    busy_check(rc, msg);
    throw_for(rc, msg);
  }
}

Stmt& Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    Stmt* s = it->second.get();  // the flush may add statements to cache_ (and rehash it)
    if (!pending_.initial.rows.empty() && s->names_status()) flush_initial_status(*this);
    s->reset();
    return *s;
  }
  if (!pending_.initial.rows.empty() && names_status_table(sql)) flush_initial_status(*this);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) fail(rc, "prepare");
  auto [pos, _] = cache_.emplace(sql, std::make_unique<Stmt>(s, names_status_table(sql)));
  return *pos->second;
}

std::optional<std::int64_t> Connection::scalar(const std::string& sql) {
  Stmt& s = prepare(sql);
  std::optional<std::int64_t> v;
  if (s.step() && !s.is_null(0)) v = s.int64(0);
  s.reset();
  return v;
}

void Connection::set_busy_timeout_ms(int ms) {
  busy_timeout_ms_ = ms;
  busy_seed_ = reinterpret_cast<std::uintptr_t>(this) ^
               static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
               0x9E3779B97F4A7C15ULL;
  sqlite3_busy_handler(db_, ms > 0 ? &Connection::on_busy : nullptr, this);
}

int Connection::on_busy(void* self, int count) {
  auto* c = static_cast<Connection*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) c->busy_since_ = now;
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - c->busy_since_).count();
  c->busy_waited_ms_ = waited;
  if (waited >= c->busy_timeout_ms_) return 0;  // give up: SQLITE_BUSY
  // 1, 2, 4, 8, 16, 32, 32, ... ms, each between half and all of it (xorshift jitter), never past
  // the limit: waiters wake at different moments and often enough that none keeps losing the
  // lock. Measured with tests/concurrency (16 writers, 2 cores): SQLite's own backoff (sleeps
  // up to 100 ms) let single calls wait 4.5 s and some time out; sleeps capped at 8 ms cost a
  // third of the throughput in wake-ups; 32 ms keeps the longest call under 2 s at about 80 %.
  const int cap = 1 << (count < 5 ? count : 5);
  std::uint64_t& x = c->busy_seed_;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  const auto micros = static_cast<std::int64_t>(cap * 500 + static_cast<int>(x % static_cast<std::uint64_t>(cap * 500 + 1)));
  const auto left_us = (static_cast<std::int64_t>(c->busy_timeout_ms_) - waited) * 1000;
  std::this_thread::sleep_for(std::chrono::microseconds(micros < left_us ? micros : left_us));
  return 1;
}

void Connection::configure(int busy_timeout_ms) {
  exec("PRAGMA foreign_keys = ON");
  exec("PRAGMA trusted_schema = OFF");
  // FULL: a committed case survives a power cut, which small offices see often.
  exec("PRAGMA synchronous = FULL");
  // Statement and savepoint journals in memory: a batch makes one savepoint per write, and a
  // temporary file for each would cost a write system call per page.
  exec("PRAGMA temp_store = MEMORY");
  // A page cache of kPageCacheKib instead of SQLite's 2 MiB: on a database of gigabytes a work
  // queue's page reads its index, deadlines, cases and officers from some 1,700 pages (14 MiB of
  // 8 KiB pages); with 2 MiB every call read them again from the file (issue 15's benchmark:
  // 9 ms a page instead of 2). The cache fills only as pages are read.
  exec("PRAGMA cache_size = -" + std::to_string(kPageCacheKib));
  set_busy_timeout_ms(busy_timeout_ms);
}

BigCache::BigCache(Connection& c, int kib) : c_(c) { c_.exec("PRAGMA cache_size = -" + std::to_string(kib)); }

BigCache::~BigCache() {
  try {
    c_.exec("PRAGMA cache_size = -" + std::to_string(kPageCacheKib));  // the connection's own (configure)
  } catch (...) {
  }
}

const std::string& Connection::text(int kind, const void* key, const std::function<std::string()>& make) {
  auto k = std::make_pair(kind, key);
  auto it = texts_.find(k);
  if (it == texts_.end()) it = texts_.emplace(k, make()).first;
  return it->second;
}

Stmt& Connection::statement(int kind, const void* key, const std::function<std::string()>& make) {
  auto k = std::make_pair(kind, key);
  auto it = statements_.find(k);
  if (it != statements_.end()) {
    Stmt* s = it->second;
    if (!pending_.initial.rows.empty() && s->names_status()) flush_initial_status(*this);
    s->reset();
    return *s;
  }
  Stmt& s = prepare(text(kind, key, make));
  statements_.emplace(k, &s);
  return s;
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
    flush_pending(c);  // what the savepoint's rollback must not take
    c.exec("SAVEPOINT clmis_write");
    return;
  }
  // The connection's busy handler (Connection::on_busy) waits with short jittered sleeps up to
  // the connection's limit.
  int rc = sqlite3_exec(c.raw(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    c.pending().clear();  // another connection may have written since the last transaction
    c.key_filters().clear();
    return;
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    throw Busy("the database stayed locked by another writer for " + std::to_string(c.busy_waited_ms()) +
               " ms (busy_timeout_ms " + std::to_string(c.busy_timeout_ms()) + "); nothing was written, try again");
  c.fail(rc, "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
  if (done_ || joined_) return;
  if (nested_)
    sqlite3_exec(c_.raw(), "ROLLBACK TO clmis_write; RELEASE clmis_write", nullptr, nullptr, nullptr);
  else
    sqlite3_exec(c_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  // A filter made inside the savepoint may lack keys the rollback puts back (a key an update
  // had changed): made again from the table when lookups pay for it.
  c_.key_filters().clear();
  c_.pending().clear();  // stored up to the savepoint's start; read again when needed
}

void WriteTransaction::commit() {
  if (joined_) {
    done_ = true;
    return;
  }
  flush_pending(c_);
  const char* sql = nested_ ? "RELEASE clmis_write" : "COMMIT";
  int rc = sqlite3_exec(c_.raw(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) c_.fail(rc, sql);
  if (!nested_) {
    c_.pending().clear();
    c_.key_filters().clear();
  }
  done_ = true;
}

// BEGIN and COMMIT as prepared statements of the connection: a read (a work queue's page) pays
// no SQL parsing for its snapshot.
ReadTransaction::ReadTransaction(Connection& c) : c_(c) {
  if (sqlite3_get_autocommit(c.raw())) {
    c.prepare("BEGIN").run();
    active_ = true;
  }
}

ReadTransaction::~ReadTransaction() {
  if (!active_) return;
  try {
    sqlite3_stmt* s = c_.prepare("COMMIT").raw();
    sqlite3_step(s);
    sqlite3_reset(s);
  } catch (...) {
    sqlite3_exec(c_.raw(), "COMMIT", nullptr, nullptr, nullptr);
  }
}

}  // namespace clmis::store

