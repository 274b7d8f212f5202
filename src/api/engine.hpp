// The engine behind Database and Session: a thin front. It owns what one open database keeps —
// the connection, the pack and profile in force, the clock, the caches, access control's state,
// the audit trail's key — and runs each operation as: take the handle's lock, build the
// transaction context (security/context.hpp) for the acting user, call the module that owns the
// operation, and write the security log once the operation has ended. It holds no domain logic:
// that is in the modules (records/, workflow/, security/...). Internal: the faces use
// clmis/database.hpp.
#pragma once

#include "clmis/database.hpp"
#include "core/clock.hpp"
#include "core/files.hpp"
#include "pack/pack.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "security/context.hpp"
#include "store/cache.hpp"
#include "store/sqlite.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace clmis::detail {

class Engine {
 public:
  static std::shared_ptr<Engine> init(const std::string& path, const InitOptions& o);
  static std::shared_ptr<Engine> open(const std::string& path, const OpenOptions& o);

  /// Runs f(Context&) for who with the handle's lock held: the one way into the modules. A
  /// closed handle is refused (Misuse) before anything else; refusals f logged inside a batch
  /// are written once the batch has ended. join_batch: the bulk path of imports (Context).
  template <class F>
  auto run(const Actor& who, F&& f, bool join_batch = false) {
    check_batch_thread(who);
    std::lock_guard lock(mu_);
    check_batch_owner(who);
    auto& c = conn();
    FlushSecurity flush{access_, &c};
    Context cx = context(who, join_batch);
    return f(cx);
  }

  /// Runs fn inside one write transaction: every write it makes commits together or not at all.
  /// With a summary, the writes inside are not audited one by one: one audit entry (action
  /// summary["action"], default "batch") lists the summary and the ids created and updated.
  void batch(const Actor& who, const std::function<void()>& fn, const Json* summary);

  /// Session::begin_batch: BEGIN IMMEDIATE, and the handle's lock held by this thread until
  /// end_batch. Misuse if a batch is open or running on the handle.
  void begin_batch(const Actor& who);
  /// Session::commit_batch (commit) and rollback_batch: ends who's open batch and releases the
  /// lock. Misuse if who has none open. A failed commit rolls back and ends the batch too.
  void end_batch(const Actor& who, bool commit);
  /// Rolls back owner's open batch, if any, when its session goes (on the batch's thread only:
  /// elsewhere the lock is not this thread's to release). Never throws.
  void abandon_batch(const void* owner) noexcept;
  [[nodiscard]] bool batch_open(const void* owner) const noexcept { return open_owner_.load() == owner && owner; }

  /// Session::backup: an online, verified copy with its key (permission "backup").
  Json backup(const Actor& who, const std::string& target, bool replace);
  /// Database::restore: a verified backup copied into place with its key.
  static Json restore(const std::string& backup, const std::string& target, const RestoreOptions& o);

  /// Closes the connection. Misuse inside a batch of this handle (its transaction still uses it).
  void close();
  [[nodiscard]] const std::string& path() const { return path_; }
  /// The database's files: itself, its journals and its audit key file (core/files.hpp).
  [[nodiscard]] std::vector<std::string> files() const { return database_files(path_, key_path_); }

 private:
  explicit Engine(std::string path, Clock clock) : path_(std::move(path)), clock_(std::move(clock)) {}
  store::Connection& conn();  // Misuse after close
  Context context(const Actor& who, bool join_batch = false);
  /// Makes pack and profile the ones in force (the pack with the profile's extensions) and
  /// reloads the caches.
  void set_declarations(const pack::Pack& p, pack::Profile profile);

  std::string path_;
  std::string key_path_;  ///< the audit key file, "" when the key was given directly
  std::recursive_mutex mu_;
  std::unique_ptr<store::Connection> conn_;
  int busy_timeout_ms_ = 5000;
  pack::Pack pack_;
  pack::Profile profile_;
  TimeSource clock_;
  store::Cache cache_;
  Access access_;
  AuditTrail audit_;
  int batches_ = 0;  ///< batches running on this handle (a batch's function may start another)

  /// The batch begin_batch opened: its transaction lives until end_batch, and mu_ stays locked.
  struct OpenBatch {
    Actor who;
    std::unique_ptr<store::BigCache> cache;       // destroyed after the transaction
    std::unique_ptr<store::WriteTransaction> tx;  // rolls back unless committed
  };
  std::unique_ptr<OpenBatch> open_;  ///< read and written with mu_ held
  /// The open batch's session and thread, readable without the lock: a call of the batch's
  /// session on another thread is refused instead of waiting for a lock its own batch holds.
  std::atomic<const void*> open_owner_{nullptr};
  std::atomic<std::thread::id> open_thread_{};
  void check_batch_thread(const Actor& who) const;
  void check_batch_owner(const Actor& who) const;
};

}  // namespace clmis::detail
