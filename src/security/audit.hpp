// The audit trail: append-only, each entry chained to the one before by HMAC-SHA-256 under a key
// kept outside the database, so that a change, deletion, insertion or reordering of entries —
// even by someone who can write the file and recompute plain hashes — is detected by
// audit_verify, and a truncated tail by a checkpoint kept elsewhere (docs/security.md).
#pragma once

#include "security/context.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clmis::detail {

/// The record an audit entry is about (type "" for entries about no record).
struct AuditSubject {
  std::string type;
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::int64_t seq = 0;  ///< the change number
};

class AuditTrail {
 public:
  /// The key from key_hex (64 hexadecimal digits), or from the key file (key_file, default
  /// "<db_path>.key"), created with a new random key when create is set. Refuses a key file
  /// that others can read.
  static std::string load_key(const std::string& db_path, const std::string& key_file, const std::string& key_hex,
                              bool create);
  void set_key(std::string key) { key_ = std::move(key); }
  /// 16 hexadecimal digits that identify the key (stored in clmis_meta.audit_key_id).
  [[nodiscard]] std::string key_id() const;
  /// A personal value as the trail records it: "hmac:" + 32 hex digits of a keyed hash (equal
  /// values can be matched, not read).
  [[nodiscard]] std::string personal_digest(const std::string& value) const;

  /// The MAC of an entry's covered columns chained to the MAC before it.
  [[nodiscard]] std::string mac(const std::string& prev, const std::vector<store::SqlValue>& cols) const;
  /// Appends an entry chained to the last one.
  void append(store::Connection& c, const std::string& at, std::optional<std::int64_t> actor, std::string_view action,
              const AuditSubject& subject, const Json& detail);
  /// Computes the MACs of entries that have none (the trail of a database from before format 3).
  void seal(store::Connection& c);

  // A summarised batch (Session::batch with a summary): the writes inside are not audited one by
  // one; their ids are collected and the batch ends with one entry listing them.
  void begin_summary();
  [[nodiscard]] bool summarising() const { return summary_.has_value(); }
  void summarise(bool created, std::int64_t id);
  /// Ends the summary: detail (an object; its "action", default "batch", names the entry's
  /// action) completed with the counts and id ranges of the records created and updated.
  std::pair<std::string, Json> end_summary(const Json& detail);
  void drop_summary() { summary_.reset(); }

 private:
  std::string key_;  ///< 32 bytes; empty until loaded
  struct Summary {
    std::vector<std::pair<std::int64_t, std::int64_t>> created, updated;  ///< id ranges
    std::int64_t n_created = 0, n_updated = 0;
  };
  std::optional<Summary> summary_;
};

// The audit operations of Session (permission "audit").
Json audit_verify(Context& cx, const Json& checkpoint);
/// audit_verify's check of the chain itself, on any connection and key (no permission: the
/// caller decides) — for a backup or a copy being restored, before it is trusted.
Json verify_chain(store::Connection& conn, const AuditTrail& audit, const Json& checkpoint);
Json audit_checkpoint(Context& cx);
Json audit_entries(Context& cx, std::int64_t after_id, int limit);
Json security_log(Context& cx, std::int64_t after_id, int limit);

}  // namespace clmis::detail
