// Accounts: users (clmis_user), their password history and lockout state, and service keys.
#pragma once

#include "clmis/value.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// What a password login needs to know of a user.
struct LoginRow {
  std::int64_t id = 0;
  std::string password_hash;
  bool active = false;
  std::int64_t failed_logins = 0;
  std::optional<std::string> locked_until;
};
std::optional<LoginRow> login_row(Connection& c, std::string_view name);
/// Forgets failed logins and any lock.
void clear_login_state(Connection& c, std::int64_t uid);
/// Locks an account until a time (failures reset).
void lock_account(Connection& c, std::int64_t uid, const std::string& until);
/// Counts one more failed login.
void count_failed_login(Connection& c, std::int64_t uid);

/// A user as permission checks see them.
struct UserRow {
  std::int64_t id = 0;
  std::string name;
  bool active = false;
  Json roles;  ///< array of role names
  std::optional<std::string> section;
  bool must_change_password = false;
};
std::optional<UserRow> user_by_id(Connection& c, std::int64_t uid);
std::optional<UserRow> user_by_name(Connection& c, std::string_view name);
/// A user's name ("<uid>" if there is none: a user row never goes away).
std::string user_name(Connection& c, std::int64_t uid);
std::string password_hash(Connection& c, std::int64_t uid);

/// Creates an account with no password yet (set_password follows); returns its id.
std::int64_t insert_user(Connection& c, const std::string& name, const std::string& password_hash,
                         const std::string& at, std::optional<std::int64_t> created_by, const Json& roles,
                         const std::optional<std::string>& section);
void update_user(Connection& c, std::int64_t uid, const Json& roles, const std::optional<std::string>& section,
                 bool active);
/// Active accounts holding the administrator role.
std::int64_t active_administrators(Connection& c);
/// Sets a password hash (and whether it must be changed), clears the lockout state, and keeps
/// the hash in the password history.
void set_password(Connection& c, std::int64_t uid, const std::string& hash, bool must_change, const std::string& at);
/// The last n password hashes of a user, newest first.
std::vector<std::string> password_history(Connection& c, std::int64_t uid, int n);
/// Puts a user's current hash in the password history (the first administrator's).
void remember_password(Connection& c, std::int64_t uid);

struct UserListRow {
  std::string name;
  Json roles;
  std::optional<std::string> section;
  bool active = false;
  bool must_change_password = false;
  std::int64_t failed_logins = 0;
  std::optional<std::string> locked_until;
  std::string created_at;
  std::optional<std::string> password_changed_at;
};
std::vector<UserListRow> list_users(Connection& c);

struct ServiceKeyRow {
  std::int64_t id = 0;
  std::string name;
  Json roles;
  std::string created_at, created_by;  ///< created_by: the user's name
  std::optional<std::string> expires_at, revoked_at;
};
std::optional<ServiceKeyRow> key_by_hash(Connection& c, const std::string& key_hash);
std::optional<ServiceKeyRow> key_by_id(Connection& c, std::int64_t id);
std::optional<ServiceKeyRow> key_by_name(Connection& c, std::string_view name);
void insert_key(Connection& c, const std::string& name, const std::string& key_hash, const Json& roles,
                const std::string& at, std::int64_t created_by, const std::optional<std::string>& expires_at);
void revoke_key(Connection& c, std::int64_t id, const std::string& at, std::int64_t by);
std::vector<ServiceKeyRow> list_keys(Connection& c);

}  // namespace clmis::store
