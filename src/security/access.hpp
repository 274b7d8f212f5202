// Access control: who may do what (the roles and grants of the pack), the session's principal,
// the masking of personal data, and the security log of refusals. Every operation of every
// module asks here before it writes (docs/security.md).
#pragma once

#include "security/context.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clmis::detail {

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

class Access {
 public:
  const Principal& principal(Context& cx);
  /// The scope cx.who has for action on t, with "section" resolved against the user's section
  /// (own, all or none).
  pack::Scope scope_of(Context& cx, const pack::RecordType& t, std::string_view action);
  /// Refuses a session that may not act at all (inactive account, revoked or expired key, a
  /// password to change first).
  void require_active(Context& cx);
  /// PermissionDenied (logged) unless cx.who may do action on t; returns the scope.
  pack::Scope require_scope(Context& cx, const pack::RecordType& t, std::string_view action);
  /// With own scope: refuses a record cx.who did not create (NotFound if there is none).
  void require_record(Context& cx, const pack::RecordType& t, std::string_view action, pack::Scope scope,
                      std::int64_t id);
  void require_system(Context& cx, std::string_view permission);
  [[noreturn]] void deny(Context& cx, const std::string& permission, const std::string& what);

  /// What cx.who may do: Session::permissions().
  Json permissions(Context& cx);
  /// Whether cx.who may read the personal fields of record id of t, entered by created_by: the
  /// "read_personal" grant with scope all, or with scope own on the records the user entered
  /// and the cases assigned to the user.
  bool may_read_personal(Context& cx, const pack::RecordType& t, std::int64_t created_by, std::int64_t id);
  /// Masks the personal fields of a record's JSON unless cx.who may read them (null, whatever
  /// the field's type; "age_group" is left as it is), listing them in "masked". created_by: the
  /// record's creator, id its id.
  void mask(Context& cx, const pack::RecordType& t, Json& record, std::int64_t created_by, std::int64_t id);

  /// Appends to the security log now, or after the transaction in progress ends (a refusal
  /// inside a batch must survive the batch's rollback).
  void security_event(Context& cx, std::string_view user, std::string_view event, const std::string& detail);
  /// Writes the queued security events if no transaction is open (best effort).
  void flush(store::Connection* c);
  /// Forgets cached principals (accounts or keys changed).
  void forget() { principals_.clear(); }
  void forget(const Actor& who) { principals_.erase({who.uid, who.key_id}); }

 private:
  struct SecurityEvent {
    std::string at, user, event, detail;
  };
  std::vector<SecurityEvent> pending_;
  std::map<std::pair<std::int64_t, std::int64_t>, Principal> principals_;
};

/// Writes an Access's queued security events when it goes out of scope (the end of a public
/// operation, committed or not).
struct FlushSecurity {
  Access& access;
  store::Connection* conn;
  ~FlushSecurity() { access.flush(conn); }
};

/// The index in age_groups() (clmis/columns.hpp: "under 15", "15-19" ... "60-64", "65+") of the
/// age group of someone born on birth at the date at; none when birth is after at.
std::optional<std::size_t> age_group_of(Date birth, Date at);
/// The "age_group" member of a record: the age group of birth (a date's JSON) at at, or null.
Json age_group_json(const Json& birth, Date at);
/// The field a record type's "age_group" is computed from: its date field date_of_birth, or null
/// when it has none (then its records have no age_group).
const pack::Field* birth_field(const pack::RecordType& t);

}  // namespace clmis::detail
