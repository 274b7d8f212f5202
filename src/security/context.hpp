// The transaction context: what one operation works with, handed by the Engine front (src/api)
// to the module that owns the operation — records, workflow, codes, accounts, the audit trail...
// Modules take a Context instead of being members of one engine class (docs/architecture.md,
// "Modules and the context").
#pragma once

#include "clmis/error.hpp"
#include "core/clock.hpp"
#include "pack/pack.hpp"
#include "store/cache.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace clmis::detail {

/// Who acts: a user, through a password session (key_id 0) or a service key's session. uid 0:
/// the library itself (opening, migrating), with no session.
struct Actor {
  std::int64_t uid = 0;
  std::int64_t key_id = 0;
  /// The session acting (its BatchOwner), so that an open batch serves only its own session.
  const void* owner = nullptr;
};

class Access;
class AuditTrail;
struct Computer;  // records/computed.hpp

struct Context {
  const std::string& path;        ///< the database file, for messages
  store::Connection& conn;
  const pack::Pack& pack;         ///< the pack in force, with the profile's extensions and roles
  const pack::Profile& profile;
  TimeSource& clock;
  store::Cache& cache;            ///< codes and user names in memory
  Access& access;                 ///< permissions, the security log
  AuditTrail& audit;              ///< the audit trail (and a summarised batch's id ranges)
  Actor who;
  /// Set for the bulk path of imports inside a batch: a new record validated in full before its
  /// first write joins the batch's transaction without a savepoint of its own (Write).
  bool join_batch = false;
  /// The functions of computed fields (records/computed.hpp), which the workflow layer owns;
  /// null where nothing computes (a record type with a computed field then refuses to be written).
  const Computer* computer = nullptr;

  /// The record type (NotFound naming it).
  [[nodiscard]] const pack::RecordType& type(std::string_view name) const;
  /// Reloads the cached state if another connection wrote since it was loaded. VersionError if
  /// that other program upgraded the pack or profile: this handle's declarations are stale.
  /// An operation looks once (PRAGMA data_version), at its first check of the user; force looks
  /// again (Write does, once it holds the write lock).
  void refresh(bool force = false);
  bool refreshed = false;  ///< refresh has looked during this operation
  /// Reloads the cached state unconditionally (after a rollback that undid cached changes).
  void reload();
};

/// One operation's write: BEGIN IMMEDIATE, or a savepoint inside a batch — or, when the caller
/// says the write may join and the context is on the bulk path, the batch's own transaction
/// (store::WriteTransaction::Nested::join). Refreshes the context's cache once the write lock is
/// held. Rolls back in the destructor unless committed.
class Write {
 public:
  explicit Write(Context& cx, bool may_join = false);
  void commit() { tx_.commit(); }

 private:
  store::WriteTransaction tx_;
};

}  // namespace clmis::detail
