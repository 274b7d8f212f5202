// Accounts and logins: password hashing, the password policy, lockout, users (Administration,
// Your Account) and service keys for integrators' systems (docs/security.md).
#pragma once

#include "security/context.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace clmis::detail {

/// A user (or service key) name: 1 to 64 characters of UTF-8, no spaces or control characters.
bool valid_user_name(std::string_view s);

/// Argon2id (libsodium's interactive limits), and its check.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

/// The first administrator of a new database (Database::init), already checked; returns its id.
std::int64_t create_administrator(Context& cx, const std::string& name, std::string_view password);

/// A password login: (uid, name), or AuthError — the same error for every failure; the reason
/// goes to the security log. Locks the account after the profile's lockout_attempts.
std::pair<std::int64_t, std::string> login(Context& cx, std::string_view user, std::string_view password);
/// A session on behalf of user through a service key: (uid, key id, user name), or AuthError.
std::tuple<std::int64_t, std::int64_t, std::string> login_service(Context& cx, std::string_view key,
                                                                 std::string_view user);

// Administration (permission "users") and Your Account: Session's functions of the same names.
Json users(Context& cx);
std::int64_t user_create(Context& cx, const Json& spec);
void user_update(Context& cx, std::string_view name, const Json& changes);
void user_reset_password(Context& cx, std::string_view name, std::string_view password);
void change_password(Context& cx, std::string_view old_password, std::string_view password);

// Service keys (permission "service_keys").
Json service_key_create(Context& cx, const Json& spec);
Json service_keys(Context& cx);
void service_key_revoke(Context& cx, std::string_view name);

}  // namespace clmis::detail
