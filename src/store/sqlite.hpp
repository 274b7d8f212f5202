// The store layer is the only code that speaks SQL (docs/architecture.md, "Layers"). This file is
// its small RAII layer over SQLite; the operations the layers above call, named for what they
// do, are in the other headers of src/store/ (rows, query, feed, codes, meta, accounts, audit).
//
// Connection owns a sqlite3 handle and a cache of prepared statements. Writes happen inside
// WriteTransaction, which begins with BEGIN IMMEDIATE; a busy database is retried by SQLite's
// busy handler with backoff up to the connection's busy limit, then Busy is thrown.
#pragma once

#include <sqlite3.h>

#include "store/keyfilter.hpp"

#include <array>
#include <cstdint>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace clmis::store {

/// A value as SQLite stores it.
using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s, bool names_status = false) : s_(s), names_status_(names_status) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, std::nullptr_t);
  /// Binds text that stays alive and unchanged until the statement is reset (not copied).
  Stmt& bind_static(int i, std::string_view v);
  Stmt& bind(int i, const SqlValue& v);
  Stmt& bind(int i, const char* v) { return v ? bind(i, std::string_view(v)) : bind(i, nullptr); }
  /// Binds bytes as a BLOB (copied).
  Stmt& bind_blob(int i, std::string_view bytes);
  /// Steps once: true if a row is ready, false when done. Throws on error.
  bool step();
  /// Steps to completion (for statements without rows).
  void run();
  void reset();

  [[nodiscard]] int columns() const { return sqlite3_column_count(s_); }
  [[nodiscard]] bool is_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  [[nodiscard]] std::int64_t int64(int i) const { return sqlite3_column_int64(s_, i); }
  [[nodiscard]] std::string text(int i) const;
  /// The column's text without a copy: valid until the next step, reset or read of the column
  /// as another type.
  [[nodiscard]] std::string_view view(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string_view();
  }
  /// A BLOB (or text) column's bytes.
  [[nodiscard]] std::string blob(int i) const;
  [[nodiscard]] SqlValue value(int i) const;
  [[nodiscard]] sqlite3_stmt* raw() const { return s_; }
  /// True when its SQL names a status table (clmis_status__...): the initial status rows a
  /// write holds back are written before it runs (PendingWrites::initial).
  [[nodiscard]] bool names_status() const { return names_status_; }

 private:
  sqlite3_stmt* s_;
  bool names_status_ = false;
};

/// What a write transaction has numbered but not stored yet (store/feed.cpp writes it): the open
/// range of consecutive creates of one type, by one actor in one second, that becomes a single
/// clmis_change row; the next change number; the values the named sequences (registration
/// numbers) have reached. Stored before COMMIT and before a savepoint begins or is released,
/// forgotten on rollback: a write reads and writes the sequence and feed tables once per batch,
/// not once per record.
struct PendingWrites {
  struct Range {
    std::string type, at;
    std::int64_t first_id = 0, first_seq = 0, span = 0, actor = 0;
  };
  std::optional<Range> range;
  std::optional<std::int64_t> next_seq;  ///< the next change number, once read in this transaction
  /// name → (the last value given, not yet stored)
  std::map<std::string, std::pair<std::int64_t, bool>> sequences;
  /// The initial status rows of records just created, of one status table (feed.cpp
  /// append_status): written 64 to a statement, the rest by flush_pending() — and before any
  /// statement that names a status table is run (Connection::prepare, statement, exec).
  struct Initial {
    std::string table;   ///< the status table
    std::string status;  ///< the state every row enters
    std::vector<std::array<std::int64_t, 3>> rows;  ///< record id, effective day, change number
  };
  Initial initial;
  void clear() {
    range.reset();
    next_seq.reset();
    sequences.clear();
    initial.rows.clear();
  }
};

/// The start of every status table's name (feed.hpp status_table): a statement naming one runs
/// after the initial status rows held back are written.
inline constexpr std::string_view kStatusTablePrefix = "clmis_status__";

/// Writes the initial status rows PendingWrites holds (store/feed.cpp).
void flush_initial_status(class Connection& c);

/// Stores what PendingWrites holds (store/feed.cpp).
void flush_pending(class Connection& c);

/// The key of a possible_duplicate rule (storage format 6): a 64-bit FNV-1a hash of the rule's
/// stored values, text folded to ASCII lower case (what SQLite's lower() folds) and integers as
/// 8 bytes, little-endian, each value followed by 0x1F. Equal values under the rule's comparison
/// give equal keys; the candidates a key finds are then compared exactly. The SQL function
/// clmis_dup_key(v1, v2, ...), registered on every clmis connection, computes the same from
/// stored columns (NULL when a value is NULL); no schema object refers to it, so the file stays
/// readable by any SQLite tool.
class DupKey {
 public:
  void text(std::string_view s) noexcept {
    for (unsigned char ch : s) byte(ch >= 'A' && ch <= 'Z' ? static_cast<unsigned char>(ch + 32) : ch);
    byte(0x1F);
  }
  void integer(std::int64_t v) noexcept {
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(u >> (8 * i)));
    byte(0x1F);
  }
  [[nodiscard]] std::int64_t value() const noexcept { return static_cast<std::int64_t>(h_); }

 private:
  void byte(unsigned char b) noexcept {
    h_ ^= b;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

class Connection {
 public:
  /// Opens path. create=false refuses a missing file (NotFound).
  Connection(const std::string& path, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  /// A cached prepared statement, reset and with bindings cleared. Valid until the next call
  /// of prepare() with the same SQL text.
  Stmt& prepare(const std::string& sql);
  /// A single integer from a query (nullopt when there is no row or the value is NULL).
  std::optional<std::int64_t> scalar(const std::string& sql);
  /// SQL text built from a declaration of the pack (kind: which statement; key: the
  /// declaration), built once by make() and kept until forget_texts() (when the pack in force
  /// changes): a write must not rebuild its statement's text for every record.
  const std::string& text(int kind, const void* key, const std::function<std::string()>& make);
  void forget_texts() {
    texts_.clear();
    statements_.clear();
    derived_.clear();
    key_filters_.clear();  // keyed by the declarations of the pack that was in force
  }
  /// Data derived from a declaration of the pack (kind, key), such as the order in which a write
  /// binds a record's values: made once by make() and kept, like text(), until forget_texts().
  template <class T>
  const T& derived(int kind, const void* key, const std::function<T()>& make) {
    auto& slot = derived_[std::make_pair(kind, key)];
    if (!slot) slot = std::make_shared<const T>(make());
    return *static_cast<const T*>(slot.get());
  }
  /// prepare(text(kind, key, make)) without looking the statement up by its SQL text: the
  /// statement of a declaration, found by (kind, key) (a write runs several per record).
  Stmt& statement(int kind, const void* key, const std::function<std::string()>& make);
  /// True inside a transaction (BEGIN ... not yet committed).
  [[nodiscard]] bool in_transaction() const { return !sqlite3_get_autocommit(db_); }
  /// PRAGMA data_version: changes when another connection commits.
  std::int64_t data_version();

  /// The settings of every clmis connection: foreign keys on, untrusted schema off, synchronous
  /// FULL (a committed case survives a power cut), statement journals in memory, busy timeout.
  void configure(int busy_timeout_ms);
  /// Switches a new database to WAL (persistent in the file).
  void use_wal() { exec("PRAGMA journal_mode = WAL"); }
  /// The total time a statement waits for a lock another connection holds before it fails with
  /// SQLITE_BUSY (clmis Busy): clmis's own busy handler retries after short sleeps that grow from
  /// 1 to 32 ms with random jitter — never SQLite's default backoff, whose 100 ms sleeps let a
  /// waiting writer starve while others take the lock again and again.
  void set_busy_timeout_ms(int ms);
  [[nodiscard]] int busy_timeout_ms() const { return busy_timeout_ms_; }
  /// How long the last statement that met a lock waited (milliseconds), for Busy's message.
  [[nodiscard]] std::int64_t busy_waited_ms() const { return busy_waited_ms_; }
  [[nodiscard]] sqlite3* raw() const { return db_; }
  [[nodiscard]] std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  [[nodiscard]] int changes() const { return sqlite3_changes(db_); }
  /// Numbered writes not stored yet (see PendingWrites); only the store touches them.
  PendingWrites& pending() { return pending_; }
  /// The key filters of the write transaction in progress (keyfilter.hpp); only the store
  /// touches them.
  KeyFilters& key_filters() { return key_filters_; }

  /// Throws the clmis error matching an SQLite result code.
  [[noreturn]] void fail(int rc, const std::string& what) const;
  /// Throws Busy, with the time waited, if rc is SQLITE_BUSY or SQLITE_LOCKED.
  void busy_check(int rc, const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  int busy_timeout_ms_ = 5000;
  std::int64_t busy_waited_ms_ = 0;
  std::chrono::steady_clock::time_point busy_since_{};
  std::uint64_t busy_seed_ = 0;  ///< the jitter's state (xorshift), per connection
  static int on_busy(void* self, int count);
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
  std::map<std::pair<int, const void*>, std::string> texts_;
  std::map<std::pair<int, const void*>, Stmt*> statements_;  // into cache_, which never drops one
  std::map<std::pair<int, const void*>, std::shared_ptr<const void>> derived_;
  PendingWrites pending_;
  KeyFilters key_filters_;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed. Inside a
/// transaction that is already open (a batch), it is a SAVEPOINT instead: commit releases it,
/// and without commit only its own work is rolled back — or, with Nested::join, nothing at all:
/// the work joins the open transaction, and an error must then end that transaction (the bulk
/// path of imports, for records validated in full before their first write).
class WriteTransaction {
 public:
  enum class Nested { savepoint, join };
  explicit WriteTransaction(Connection& c, Nested nested = Nested::savepoint);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();
  /// True when the work joined the open transaction (Nested::join inside one).
  [[nodiscard]] bool joined() const { return joined_; }

 private:
  Connection& c_;
  bool done_ = false;
  bool nested_ = false;
  bool joined_ = false;
};

/// A read transaction (BEGIN DEFERRED) for a consistent snapshot across several statements.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& c);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& c_;
  bool active_ = false;
};

/// The page cache of every connection, in KiB (Connection::configure; SQLite's default is 2 MiB).
inline constexpr int kPageCacheKib = 16384;

/// A bigger page cache for the life of a long write (a batch), so that it does not spill pages to
/// the WAL before its commit; the default again afterwards.
class BigCache {
 public:
  BigCache(Connection& c, int kib);
  ~BigCache();
  BigCache(const BigCache&) = delete;
  BigCache& operator=(const BigCache&) = delete;

 private:
  Connection& c_;
};

/// Double-quotes an identifier that was validated as a pack name.
std::string quote(std::string_view ident);

}  // namespace clmis::store
