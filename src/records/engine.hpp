// The engine behind Database and Session: one connection, the pack and profile in force, the
// code index, and every record operation (validate → store → history + change + audit, in one
// transaction). Internal: the faces use clmis/database.hpp.
#pragma once

#include "clmis/database.hpp"
#include "pack/pack.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace clmis::detail {

/// A record's values by field name (absent fields are not in the map).
using Values = std::map<std::string, Value, std::less<>>;

/// A decoded, validated write request.
struct Input {
  Values fields;
  std::optional<std::optional<std::string>> external_id;  ///< given: value or null
  std::map<std::string, std::vector<Values>, std::less<>> sections;  ///< sections given
};

/// A user as the permission checks see them (cached until the database changes).
struct Principal {
  std::string name;
  bool active = false;               ///< account active (and the service key, if any, valid)
  bool must_change_password = false; ///< only change_password is allowed until it is done
  std::string section;
  std::string expires_at;            ///< a service key's expiry ("" = none)
  std::vector<std::string> role_names;
  std::vector<const pack::Role*> roles;  ///< in force (a key's session: the user's ∩ the key's)
  std::set<std::string, std::less<>> system;
};

/// Argon2id (libsodium's interactive limits), and its check.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

struct CodeInfo {
  bool active = true;
  int level = 1;
};

class Engine {
 public:
  static std::shared_ptr<Engine> init(const std::string& path, const InitOptions& o);
  static std::shared_ptr<Engine> open(const std::string& path, const OpenOptions& o);

  /// Returns the user id, or throws AuthError (the same error for every failure; the reason
  /// goes to the security log). Locks the account after the profile's lockout_attempts.
  std::pair<std::int64_t, std::string> login(std::string_view user, std::string_view password);
  /// A session on behalf of user through a service key: returns (uid, key id, user name).
  std::tuple<std::int64_t, std::int64_t, std::string> login_service(std::string_view key,
                                                                    std::string_view user);

  // Security (src/security): permissions, accounts, service keys, the audit trail.
  Json permissions(const Actor& who);
  /// Throws PermissionDenied (logged) unless who may do action on type (any scope).
  void require(const Actor& who, std::string_view type, std::string_view action);
  Json users(const Actor& who);
  std::int64_t user_create(const Actor& who, const Json& spec);
  void user_update(const Actor& who, std::string_view name, const Json& changes);
  void user_reset_password(const Actor& who, std::string_view name, std::string_view password);
  void change_password(const Actor& who, std::string_view old_password, std::string_view password);
  Json service_key_create(const Actor& who, const Json& spec);
  Json service_keys(const Actor& who);
  void service_key_revoke(const Actor& who, std::string_view name);
  /// An export's audit entry (after the export permission check).
  void export_started(const Actor& who, std::string_view type, const Json& detail);
  Json audit_verify(const Actor& who, const Json& checkpoint);
  Json audit_checkpoint(const Actor& who);
  Json audit_entries(const Actor& who, std::int64_t after_id, int limit);
  Json security_log(const Actor& who, std::int64_t after_id, int limit);

  Json schema();
  Json codes(std::string_view list, std::string_view lang);

  // Writes append warnings (possible duplicates) to *warnings when it is not null.
  std::int64_t create(const Actor& who, std::string_view type, const Json& j, Json* warnings);
  Json get(const Actor& who, std::string_view type, std::int64_t id);
  std::int64_t update(const Actor& who, std::string_view type, std::int64_t id,
                      std::int64_t version, const Json& j, Json* warnings);
  void archive(const Actor& who, std::string_view type, std::int64_t id, std::int64_t version,
               std::string_view reason);
  UpsertResult upsert(const Actor& who, std::string_view type, std::string_view external_id,
                      const Json& j, Json* warnings);
  std::int64_t transition(const Actor& who, std::string_view type, std::int64_t id,
                          std::int64_t version, std::string_view name, const Json& args);
  Json status_counts(const Actor& who, std::string_view type, std::string_view on_date);
  Json history_of(const Actor& who, std::string_view type, std::int64_t id);

  // Table Maintenance.
  void code_add(const Actor& who, std::string_view list, const Json& code);
  void code_update(const Actor& who, std::string_view list, std::string_view code, const Json& changes);
  void code_delete(const Actor& who, std::string_view list, std::string_view code);
  Json query(const Actor& who, std::string_view type, const Json& q);
  Json changes_since(const Actor& who, std::int64_t since, int limit);

  /// Runs fn inside one write transaction: every write it makes commits together or not at all.
  /// With a summary, the writes inside are not audited one by one: one audit entry (action
  /// summary["action"], default "batch") lists the summary and the ids created and updated.
  void batch(const Actor& who, const std::function<void()>& fn, const Json* summary);

  // Bulk import (src/records/bulk.cpp). Inside a batch these are create and upsert without a
  // savepoint of their own for a new record: it is validated in full before its first write,
  // and a write that still fails throws an error that ends the batch (rolled back). Outside a
  // batch, or for an upsert that updates, they are create and upsert.
  std::int64_t bulk_create(const Actor& who, std::string_view type, const Json& j, Json* warnings);
  UpsertResult bulk_upsert(const Actor& who, std::string_view type, std::string_view external_id,
                           const Json& j, Json* warnings);

  void close();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  // --- security (src/security) ---
  const Principal& principal(const Actor& who);
  /// The scope who has for action on t, with "section" resolved against who's section (own,
  /// all or none).
  pack::Scope scope_of(const Actor& who, const pack::RecordType& t, std::string_view action);
  /// require() with the scope, for the callers that check records (own scope).
  pack::Scope require_scope(const Actor& who, const pack::RecordType& t, std::string_view action);
  /// With own scope: refuses a record who did not create (reads its created_by).
  void require_record(const Actor& who, const pack::RecordType& t, std::string_view action,
                      pack::Scope scope, std::int64_t id);
  void require_system(const Actor& who, std::string_view permission);
  /// Refuses a session that may not act at all (inactive account, revoked key, a password to
  /// change first).
  void require_active(const Actor& who);
  [[noreturn]] void deny(const Actor& who, const std::string& permission, const std::string& what);
  /// Appends to the security log now, or after the transaction in progress ends (a refusal
  /// inside a batch must survive the batch's rollback).
  void security_event(std::string_view user, std::string_view event, const std::string& detail);
  void flush_security();
  struct FlushSecurity {
    Engine& e;
    ~FlushSecurity() { e.flush_security(); }
  };
  struct SecurityEvent {
    std::string at, user, event, detail;
  };
  std::vector<SecurityEvent> pending_security_;
  std::map<std::pair<std::int64_t, std::int64_t>, Principal> principals_;
  /// Masks personal fields of a record JSON (get, query) unless who may read them; returns the
  /// names masked. created_by = the record's creator's id (for an own read_personal scope).
  void mask(const Actor& who, const pack::RecordType& t, Json& record, std::int64_t created_by);
  bool may_read_personal(const Actor& who, const pack::RecordType& t, std::int64_t created_by);
  void check_password_policy(std::int64_t uid, std::string_view name, std::string_view password,
                             std::vector<clmis::FieldError>& errors);
  void set_password(std::int64_t uid, std::string_view password, bool must_change);
  // The audit chain.
  std::string audit_key_;     ///< 32 bytes; empty until loaded
  std::string audit_mac(const std::string& prev, std::int64_t id, const std::string& at,
                        const std::optional<std::int64_t>& actor, const std::string& action,
                        const std::string& type, std::int64_t record_id, std::int64_t version,
                        std::int64_t seq, const std::string& detail) const;
  /// A keyed hash of a personal value for the audit trail ("hmac:" + 32 hex digits).
  std::string personal_digest(const std::string& value) const;
  /// Computes the MACs of entries that have none (the trail of a database from before format 3).
  void seal_audit_trail();
  static std::string load_audit_key(const std::string& db_path, const std::string& key_file,
                                    const std::string& key_hex, bool create);
  std::string audit_key_id() const;

  explicit Engine(std::string path) : path_(std::move(path)) {}

  store::Connection& conn();  // throws Misuse after close
  void configure_connection();
  void load_state();
  /// Reloads cached state (codes) if another connection wrote since it was loaded; called at
  /// the start of every write transaction.
  void refresh_state();
  bool is_state_list(std::string_view list) const;
  /// Brings the stored database to the pack and profile given (in the caller's transaction).
  /// Returns false if another program did it meanwhile (nothing written).
  bool migrate(const pack::Pack& to_pack, const pack::Profile& to_profile, const std::string& at_version);
  const pack::RecordType& type_of(std::string_view name) const;
  const std::string& user_name(std::int64_t uid);
  std::string now() const;
  std::string today() const;

  /// A stored record as read inside a write transaction.
  struct Current {
    std::int64_t version = 0;
    bool archived = false;
    std::optional<std::string> external_id;
    Values fields;
    std::map<std::string, std::vector<Values>, std::less<>> sections;
  };

  // Validation and conversion. `cur` is the stored record on update (null on create): values it
  // already holds stay acceptable even if their code was deactivated or their target archived.
  Input decode(const pack::RecordType& t, const Json& j, bool creating, const Current* cur,
               std::vector<clmis::FieldError>& errors);
  void check_value(const pack::RecordType& t, const pack::Field& f, const Json& given,
                   const std::string& path, Value& out, std::vector<clmis::FieldError>& errors,
                   const Value* current);
  Current read_current(const pack::RecordType& t, std::int64_t id);
  /// read_current, refusing (Conflict) an archived record or one not at the version read.
  Current read_for_write(const pack::RecordType& t, std::int64_t id, std::int64_t version);
  /// Checks the record-level rules on the record as it would be stored (self = its id, 0 new).
  void check_rules(const pack::RecordType& t, const Values& fields,
                   const std::map<std::string, std::vector<Values>, std::less<>>& sections,
                   std::int64_t self, std::vector<clmis::FieldError>& errors, Json* warnings);
  void check_rules_merged(const pack::RecordType& t, const Current& cur, const Input& in,
                          std::int64_t self, std::vector<clmis::FieldError>& errors, Json* warnings);
  void check_external_id_free(const pack::RecordType& t, const std::string& ext, std::int64_t self);

  // Storage.
  Values read_fields(const pack::RecordType& t, store::Stmt& s, int& col);
  Values read_section_row(const pack::Section& sec, store::Stmt& s, int& col);
  std::map<std::string, std::vector<Values>, std::less<>> read_sections(const pack::RecordType& t,
                                                                       std::int64_t id);
  void write_sections(const pack::RecordType& t, std::int64_t id, const Input& in);
  Json to_json(const pack::RecordType& t, store::Stmt& s,
               const std::map<std::string, std::vector<Values>, std::less<>>& sections);
  std::int64_t record_change(std::int64_t uid, const std::string& type, std::int64_t id,
                             const char* op, std::int64_t version);
  void history(std::int64_t seq, std::int64_t uid, const std::string& type, std::int64_t id,
               const char* event, const std::string& field, const std::string* from,
               const std::string* to, const std::string& effective_date = {},
               const Json& detail = nullptr);
  void audit(std::optional<std::int64_t> uid, const char* action, const std::string& type, std::int64_t id,
             std::int64_t version, std::int64_t seq, const Json& detail);
  /// A value as the audit trail records it (personal values as keyed hashes).
  Json audit_value(const pack::Field& f, const Value& v) const;
  Json audit_section(const pack::Section& sec, const std::vector<Values>& items) const;
  std::int64_t do_create(std::int64_t uid, const pack::RecordType& t, Input& in);
  std::int64_t do_update(std::int64_t uid, const pack::RecordType& t, std::int64_t id,
                         const Current& cur, const Input& in, bool* changed,
                         const char* op = "update", std::int64_t* seq_out = nullptr,
                         const std::string& effective_date = {});
  /// On a change of a workflow's date field: moves the initial state's effective date.
  void move_initial_date(const pack::RecordType& t, std::int64_t id, const Current& cur,
                         const Input& in, std::vector<clmis::FieldError>& errors, bool apply);

  std::string path_;
  std::recursive_mutex mu_;
  std::unique_ptr<store::Connection> conn_;
  int busy_timeout_ms_ = 5000;
  pack::Pack pack_;
  pack::Profile profile_;
  using CodeLists = std::unordered_map<std::string, std::unordered_map<std::string, CodeInfo>>;
  CodeLists codes_;
  /// The list and the code in the cache, or NotFound naming which is missing.
  std::pair<CodeLists::iterator, std::unordered_map<std::string, CodeInfo>::iterator> find_code(
      const std::string& list, const std::string& code);
  std::unordered_map<std::int64_t, std::string> users_;
  std::int64_t data_version_ = -1;  // PRAGMA data_version when the cache was loaded
  /// Ids written during a summarised batch, as ranges [first, last].
  struct Bulk {
    std::vector<std::pair<std::int64_t, std::int64_t>> created, updated;
    std::int64_t n_created = 0, n_updated = 0;
    static void add(std::vector<std::pair<std::int64_t, std::int64_t>>& r, std::int64_t id) {
      if (!r.empty() && r.back().second + 1 == id) r.back().second = id;
      else r.emplace_back(id, id);
    }
  };
  std::optional<Bulk> bulk_;
  /// SQL text built from the pack, by (kind, declaration): built once, not for every write.
  /// Cleared whenever the pack in force changes (load_state).
  const std::string& sql(int kind, const void* key, const std::function<std::string()>& make);
  std::map<std::pair<int, const void*>, std::string> sql_;
  /// Compiled patterns by source text (std::regex construction costs more than matching).
  const std::regex& regex(const std::string& pattern);
  std::unordered_map<std::string, std::regex> regexes_;
  const void* zone_ = nullptr;  // date::time_zone of the profile, or null for UTC

};

}  // namespace clmis::detail
