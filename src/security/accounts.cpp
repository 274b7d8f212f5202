// Accounts and logins (docs/security.md).
#include "security/accounts.hpp"

#include "core/hash.hpp"
#include "core/text.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/accounts.hpp"
#include "store/audit.hpp"
#include "store/codes.hpp"
#include "store/series.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace clmis::detail {

namespace {

std::string sha256_hex(std::string_view s) {
  Sha256 h;
  h.update(s);
  return h.hex();
}

/// "YYYY-MM-DDThh:mm:ssZ" plus minutes (UTC).
std::string plus_minutes(const std::string& at, int minutes) {
  auto t = parse_datetime(at);
  return format_datetime(*t + std::chrono::minutes(minutes));
}

/// Checks a "roles" value against the pack: a list of declared role names.
std::vector<std::string> role_list(const pack::Pack& p, const Json& j, std::vector<clmis::FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.is_array()) {
    errors.push_back({"user", "roles", j, "type", "roles is an array of role names"});
    return out;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string() || !p.role(j[i].get<std::string>())) {
      std::vector<std::string> names;
      for (const auto& r : p.roles) names.push_back(r.name);
      const std::string typed = j[i].is_string() ? j[i].get<std::string>() : std::string();
      errors.push_back({"user", "roles[" + std::to_string(i) + "]", j[i], "code_list",
                        "not a role of the pack" + did_you_mean(typed, names) + "; the roles are " + join(names)});
      continue;
    }
    if (!std::count(out.begin(), out.end(), j[i].get<std::string>())) out.push_back(j[i].get<std::string>());
  }
  return out;
}

/// A user's agency ("agency": a code of the list "agency", or null; issue 17's partner
/// agencies): nullopt for null, else the code, or an error appended.
std::optional<std::string> agency_of(Context& cx, const Json& j, std::vector<clmis::FieldError>& errors) {
  if (j.is_null()) return std::nullopt;
  if (j.is_string()) {
    const auto code = store::read_code(cx.conn, "agency", j.get<std::string>());
    if (code && code->active) return j.get<std::string>();
  }
  std::vector<std::string> names;
  for (const auto& c : store::list_codes(cx.conn, "agency"))
    if (c.active) names.push_back(c.code);
  errors.push_back({"user", "agency", j, "code_list",
                    "not an agency of the code list agency" + (names.empty() ? std::string() : "; the agencies are " + join(names))});
  return std::nullopt;
}

/// users()'s "agency" of a user.
Json agency_json(Context& cx, const std::string& name) {
  const auto u = store::user_by_name(cx.conn, name);
  const auto agency = u ? store::user_agency(cx.conn, u->id) : std::nullopt;
  return agency ? Json(*agency) : Json(nullptr);
}

/// A user holding a partner agency's role must belong to an agency.
void require_agency_of_role(const pack::Pack& p, const Json& roles, const std::optional<std::string>& agency,
                            std::vector<clmis::FieldError>& errors) {
  if (agency) return;
  for (const auto& r : roles)
    if (r.is_string())
      if (const auto* role = p.role(r.get<std::string>()); role && role->agency)
        errors.push_back({"user", "agency", nullptr, "required",
                          "a user of the role " + role->name + " belongs to an agency (\"agency\": NSO, NIS...)"});
}

void check_password_policy(Context& cx, std::int64_t uid, std::string_view name, std::string_view password,
                           std::vector<clmis::FieldError>& errors) {
  const auto& pol = cx.profile.security;
  if (!valid_utf8(password) || password.find('\0') != std::string_view::npos) {
    errors.push_back({"user", "password", nullptr, "type", "the password is not valid UTF-8 text"});
    return;
  }
  if (utf8_length(password) < static_cast<size_t>(pol.password_min_length) || password.size() > 1024)
    errors.push_back({"user", "password", nullptr, "length",
                      "a password has " + std::to_string(pol.password_min_length) +
                          " to 1024 characters (the country's password policy)"});
  if (ascii_lower(password) == ascii_lower(name))
    errors.push_back({"user", "password", nullptr, "password_policy", "the password may not be the user name"});
  if (uid != 0 && pol.password_history > 0)
    for (const auto& h : store::password_history(cx.conn, uid, pol.password_history))
      if (verify_password(h, password)) {
        errors.push_back({"user", "password", nullptr, "password_policy",
                          "the password may not be one of the last " + std::to_string(pol.password_history) +
                              " passwords"});
        break;
      }
}

void set_password(Context& cx, std::int64_t uid, std::string_view password, bool must_change) {
  store::set_password(cx.conn, uid, hash_password(password), must_change, cx.clock.now_text());
}

}  // namespace

bool valid_user_name(std::string_view s) {
  if (s.empty() || !valid_utf8(s) || utf8_length(s) > 64) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;  // no spaces or control characters
  return true;
}

std::string hash_password(std::string_view password) {
  sodium_ready();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error(Errc::nomem, "not enough memory to hash the password");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  sodium_ready();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::int64_t create_administrator(Context& cx, const std::string& name, std::string_view password) {
  const auto uid = store::insert_user(cx.conn, name, hash_password(password), cx.clock.now_text(), std::nullopt,
                                      Json::array({"administrator"}), std::nullopt);
  store::remember_password(cx.conn, uid);
  return uid;
}

// ---------------------------------------------------------------------------------------------
// Logins

namespace {
/// The name a failed login is logged under: the name itself when an account could have it;
/// otherwise its first 64 bytes made valid UTF-8, with its true length (a 10 MB name adds
/// about 100 bytes to the log, not 10 MB).
std::string logged_user_name(std::string_view user) {
  if (valid_user_name(user)) return std::string(user);
  std::string out = utf8_repaired(utf8_prefix(user, 64));
  if (user.size() > 64) out += "… (" + std::to_string(user.size()) + " bytes)";
  return out;
}
}  // namespace

std::pair<std::int64_t, std::string> login(Context& cx, std::string_view user, std::string_view password) {
  auto& c = cx.conn;
  sodium_ready();
  // A name no account can have is not looked up; the log keeps a bounded, valid-UTF-8 form of it.
  const bool name_ok = valid_user_name(user);
  const std::string logged = logged_user_name(user);
  const auto row = name_ok ? store::login_row(c, user) : std::nullopt;
  const std::int64_t uid = row ? row->id : 0;
  // Always one Argon2id verification, so timing does not tell which names exist or are locked.
  static const std::string dummy = hash_password("clmis-timing-equaliser");
  const bool password_ok = verify_password(uid ? row->password_hash : dummy, password) && uid != 0;
  const std::string at = cx.clock.now_text();
  const bool active = row && row->active;
  const bool locked = row && row->locked_until && *row->locked_until > at;
  store::WriteTransaction tx(c);
  if (password_ok && active && !locked) {
    store::clear_login_state(c, uid);
    cx.audit.append(c, at, uid, "login", {}, Json{{"method", "password"}});
    tx.commit();
    cx.access.forget(Actor{uid, 0});
    cx.cache.user_names[uid] = std::string(user);
    return {uid, std::string(user)};
  }
  const char* reason = !name_ok ? "not a user name" : uid == 0 ? "unknown user" : !active ? "inactive user"
                     : locked ? "account locked" : "wrong password";
  store::append_security_log(c, at, logged, "login_failed", Json{{"reason", reason}}.dump());
  if (uid != 0 && active && !locked && !password_ok) {
    const auto& pol = cx.profile.security;
    if (row->failed_logins + 1 >= pol.lockout_attempts) {
      const std::string until = plus_minutes(at, pol.lockout_minutes);
      store::lock_account(c, uid, until);
      store::append_security_log(c, at, logged, "account_locked",
                                 Json{{"failures", row->failed_logins + 1}, {"until", until}}.dump());
    } else {
      store::count_failed_login(c, uid);
    }
  }
  tx.commit();
  throw AuthError("wrong user name or password");
}

std::tuple<std::int64_t, std::int64_t, std::string> login_service(Context& cx, std::string_view key,
                                                                 std::string_view user) {
  auto& c = cx.conn;
  const std::string at = cx.clock.now_text();
  std::int64_t key_id = 0;
  std::string key_name, reason;
  if (auto k = store::key_by_hash(c, sha256_hex(key))) {
    key_id = k->id;
    key_name = k->name;
    if (k->revoked_at) reason = "key revoked";
    else if (k->expires_at && *k->expires_at <= at) reason = "key expired";
  } else {
    reason = "unknown key";
  }
  std::int64_t uid = 0;
  if (reason.empty() && !valid_user_name(user)) reason = "not a user name";
  if (reason.empty()) {
    const auto row = store::login_row(c, user);
    if (!row) reason = "unknown user";
    else if (!row->active) reason = "inactive user";
    else if (row->locked_until && *row->locked_until > at) reason = "account locked";
    else uid = row->id;
  }
  store::WriteTransaction tx(c);
  if (!reason.empty()) {
    store::append_security_log(c, at, logged_user_name(user), "service_login_failed",
                               Json{{"reason", reason}, {"key", key_name.empty() ? Json(nullptr) : Json(key_name)}}.dump());
    tx.commit();
    throw AuthError("the service key or the user was refused");
  }
  cx.audit.append(c, at, uid, "login_service", {}, Json{{"key", key_name}});
  tx.commit();
  cx.access.forget(Actor{uid, key_id});
  cx.cache.user_names[uid] = std::string(user);
  return {uid, key_id, std::string(user)};
}

// ---------------------------------------------------------------------------------------------
// Accounts

Json users(Context& cx) {
  cx.access.require_system(cx, "users");
  Json out = Json::array();
  const std::string at = cx.clock.now_text();
  for (const auto& u : store::list_users(cx.conn))
    out.push_back({{"name", u.name},
                   {"roles", u.roles},
                   {"section", u.section ? Json(*u.section) : Json(nullptr)},
                   {"agency", agency_json(cx, u.name)},
                   {"active", u.active},
                   {"must_change_password", u.must_change_password},
                   {"failed_logins", u.failed_logins},
                   {"locked_until", u.locked_until && *u.locked_until > at ? Json(*u.locked_until) : Json(nullptr)},
                   {"created_at", u.created_at},
                   {"password_changed_at", u.password_changed_at ? Json(*u.password_changed_at) : Json(nullptr)}});
  return out;
}

std::int64_t user_create(Context& cx, const Json& spec) {
  cx.access.require_system(cx, "users");
  std::vector<clmis::FieldError> errors;
  if (!spec.is_object()) throw ValidationError({{"user", "", spec, "type", "a user is a JSON object"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "name" && it.key() != "password" && it.key() != "roles" && it.key() != "section" &&
        it.key() != "must_change_password" && it.key() != "agency")
      errors.push_back({"user", it.key(), nullptr, "unknown_field", "unknown key \"" + it.key() + "\""});
  const std::string name = spec.value("name", Json(nullptr)).is_string() ? spec["name"].get<std::string>() : "";
  if (!valid_user_name(name))
    errors.push_back({"user", "name", spec.value("name", Json(nullptr)), "length",
                      "1 to 64 characters without spaces or control characters"});
  std::string password;
  if (!spec.contains("password") || !spec["password"].is_string())
    errors.push_back({"user", "password", nullptr, "required", "a first password is required"});
  else password = spec["password"].get<std::string>();
  const auto roles = role_list(cx.pack, spec.value("roles", Json::array()), errors);
  std::optional<std::string> section;
  if (spec.contains("section") && !spec["section"].is_null()) {
    if (!spec["section"].is_string() || !cx.pack.has_section(spec["section"].get<std::string>()))
      errors.push_back({"user", "section", spec["section"], "code_list", "not a section of the pack"});
    else section = spec["section"].get<std::string>();
  }
  const auto agency = agency_of(cx, spec.value("agency", Json(nullptr)), errors);
  if (!spec.contains("agency") || spec["agency"].is_null()) require_agency_of_role(cx.pack, Json(roles), agency, errors);
  bool must_change = true;
  if (spec.contains("must_change_password")) {
    if (!spec["must_change_password"].is_boolean())
      errors.push_back({"user", "must_change_password", spec["must_change_password"], "type", "expected true or false"});
    else must_change = spec["must_change_password"].get<bool>();
  }
  if (!password.empty() || spec.contains("password")) check_password_policy(cx, 0, name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  if (store::user_by_name(cx.conn, name)) throw AlreadyExists("there is already a user \"" + name + "\"");
  const auto id = store::insert_user(cx.conn, name, "", cx.clock.now_text(), cx.who.uid, Json(roles), section);
  set_password(cx, id, password, must_change);
  if (agency) store::set_user_agency(cx.conn, id, agency);
  Json created = {{"user", name}, {"roles", roles}, {"section", section ? Json(*section) : Json(nullptr)},
                  {"must_change_password", must_change}};
  if (agency) created["agency"] = *agency;
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "user_create", {}, created);
  w.commit();
  return id;
}

void user_update(Context& cx, std::string_view name, const Json& changes) {
  cx.access.require_system(cx, "users");
  std::vector<clmis::FieldError> errors;
  if (!changes.is_object()) throw ValidationError({{"user", "", changes, "type", "changes are a JSON object"}});
  for (auto it = changes.begin(); it != changes.end(); ++it)
    if (it.key() != "roles" && it.key() != "section" && it.key() != "active" && it.key() != "locked" &&
        it.key() != "agency")
      errors.push_back({"user", it.key(), nullptr, "unknown_field",
                        "unknown key \"" + it.key() + "\" (roles, section, active, locked, agency)"});
  if (changes.contains("agency")) agency_of(cx, changes["agency"], errors);
  if (changes.contains("roles")) role_list(cx.pack, changes["roles"], errors);
  if (changes.contains("section") && !changes["section"].is_null() &&
      (!changes["section"].is_string() || !cx.pack.has_section(changes["section"].get<std::string>())))
    errors.push_back({"user", "section", changes["section"], "code_list", "not a section of the pack"});
  if (changes.contains("active") && !changes["active"].is_boolean())
    errors.push_back({"user", "active", changes["active"], "type", "expected true or false"});
  if (changes.contains("locked") && changes["locked"] != Json(false))
    errors.push_back({"user", "locked", changes["locked"], "type", "only false (unlock) can be set"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  const auto u = store::user_by_name(cx.conn, name);
  if (!u) throw NotFound("there is no user \"" + std::string(name) + "\"");
  const auto agency_before = store::user_agency(cx.conn, u->id);
  Json before = {{"roles", u->roles}, {"section", u->section ? Json(*u->section) : Json(nullptr)}, {"active", u->active},
                 {"agency", agency_before ? Json(*agency_before) : Json(nullptr)}};
  Json after = before;
  if (changes.contains("roles")) after["roles"] = role_list(cx.pack, changes["roles"], errors);
  if (changes.contains("section")) after["section"] = changes["section"];
  if (changes.contains("active")) after["active"] = changes["active"];
  if (changes.contains("agency")) after["agency"] = changes["agency"];
  require_agency_of_role(cx.pack, after["roles"],
                         after["agency"].is_null() ? std::nullopt : std::optional<std::string>(after["agency"].get<std::string>()),
                         errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (after["agency"] != before["agency"])
    store::set_user_agency(cx.conn, u->id,
                           after["agency"].is_null() ? std::nullopt
                                                     : std::optional<std::string>(after["agency"].get<std::string>()));
  store::update_user(cx.conn, u->id, after["roles"],
                     after["section"].is_null() ? std::nullopt : std::optional<std::string>(after["section"].get<std::string>()),
                     after["active"].get<bool>());
  if (changes.contains("locked")) store::clear_login_state(cx.conn, u->id);
  // The system must keep an active administrator, or nobody could manage users again.
  if (store::active_administrators(cx.conn) == 0) throw Conflict("this change would leave no active administrator");
  Json diff = Json::object();
  for (const auto& k : {"roles", "section", "active", "agency"})
    if (before[k] != after[k]) diff[k] = {{"from", before[k]}, {"to", after[k]}};
  if (changes.contains("locked")) diff["locked"] = {{"to", false}};
  if (diff.empty()) return;
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "user_update", {}, Json{{"user", name}, {"changes", diff}});
  w.commit();
  cx.access.forget();
}

void user_reset_password(Context& cx, std::string_view name, std::string_view password) {
  cx.access.require_system(cx, "users");
  const auto u = store::user_by_name(cx.conn, name);
  if (!u) throw NotFound("there is no user \"" + std::string(name) + "\"");
  std::vector<clmis::FieldError> errors;
  check_password_policy(cx, u->id, name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  set_password(cx, u->id, password, true);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "user_reset_password", {}, Json{{"user", name}});
  w.commit();
  cx.access.forget();
}

void change_password(Context& cx, std::string_view old_password, std::string_view password) {
  const auto& p = cx.access.principal(cx);
  if (!p.active) cx.access.deny(cx, "session", "the account is deactivated");
  if (cx.who.key_id != 0) cx.access.deny(cx, "change_password", "a service key's session cannot change the user's password");
  if (!verify_password(store::password_hash(cx.conn, cx.who.uid), old_password)) {
    cx.access.security_event(cx, p.name, "password_change_failed", Json{{"reason", "wrong current password"}}.dump());
    throw AuthError("the current password is wrong");
  }
  const std::string name = p.name;
  std::vector<clmis::FieldError> errors;
  check_password_policy(cx, cx.who.uid, name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  set_password(cx, cx.who.uid, password, false);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "password_change", {}, Json::object());
  w.commit();
  cx.access.forget();
}

// ---------------------------------------------------------------------------------------------
// Service keys

Json service_key_create(Context& cx, const Json& spec) {
  cx.access.require_system(cx, "service_keys");
  std::vector<clmis::FieldError> errors;
  if (!spec.is_object()) throw ValidationError({{"service_key", "", spec, "type", "a service key is a JSON object"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "name" && it.key() != "roles" && it.key() != "expires_at")
      errors.push_back({"service_key", it.key(), nullptr, "unknown_field",
                        "unknown key \"" + it.key() + "\" (name, roles, expires_at)"});
  const std::string name = spec.value("name", Json(nullptr)).is_string() ? spec["name"].get<std::string>() : "";
  if (!valid_user_name(name))
    errors.push_back({"service_key", "name", spec.value("name", Json(nullptr)), "length",
                      "1 to 64 characters without spaces or control characters"});
  const auto roles = role_list(cx.pack, spec.value("roles", Json(nullptr)), errors);
  if (spec.contains("roles") && roles.empty() && errors.empty())
    errors.push_back({"service_key", "roles", spec["roles"], "required", "a key is limited to at least one role"});
  std::optional<std::string> expires;
  const std::string at = cx.clock.now_text();
  if (spec.contains("expires_at") && !spec["expires_at"].is_null()) {
    const Json& e = spec["expires_at"];
    if (e.is_string() && parse_datetime(e.get<std::string>())) expires = e.get<std::string>();
    else if (e.is_string() && parse_date(e.get<std::string>())) expires = e.get<std::string>() + "T00:00:00Z";
    if (!expires) errors.push_back({"service_key", "expires_at", e, "type", "a date or UTC timestamp"});
    else if (*expires <= at) errors.push_back({"service_key", "expires_at", e, "range", "must be in the future"});
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // 32 random bytes: stored as their SHA-256 (a key this long needs no slow hash), shown once.
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string b64(sodium_base64_encoded_len(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(b64.data(), b64.size(), raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(std::strlen(b64.c_str()));
  sodium_memzero(raw, sizeof raw);
  const std::string key = "clmis_sk_" + b64;
  store::WriteTransaction tx(cx.conn);
  if (store::key_by_name(cx.conn, name)) throw AlreadyExists("there is already a service key \"" + name + "\"");
  store::insert_key(cx.conn, name, sha256_hex(key), Json(roles), at, cx.who.uid, expires);
  cx.audit.append(cx.conn, at, cx.who.uid, "service_key_create", {},
                  Json{{"key", name}, {"roles", roles}, {"expires_at", expires ? Json(*expires) : Json(nullptr)}});
  tx.commit();
  return Json{{"name", name}, {"key", key}, {"roles", roles}, {"expires_at", expires ? Json(*expires) : Json(nullptr)}};
}

Json service_keys(Context& cx) {
  cx.access.require_system(cx, "service_keys");
  Json out = Json::array();
  const std::string at = cx.clock.now_text();
  for (const auto& k : store::list_keys(cx.conn)) {
    const bool revoked = k.revoked_at.has_value();
    const bool expired = k.expires_at && *k.expires_at <= at;
    out.push_back({{"name", k.name},
                   {"roles", k.roles},
                   {"created_at", k.created_at},
                   {"created_by", k.created_by},
                   {"expires_at", k.expires_at ? Json(*k.expires_at) : Json(nullptr)},
                   {"revoked_at", revoked ? Json(*k.revoked_at) : Json(nullptr)},
                   {"state", revoked ? "revoked" : expired ? "expired" : "active"}});
  }
  return out;
}

void service_key_revoke(Context& cx, std::string_view name) {
  cx.access.require_system(cx, "service_keys");
  store::WriteTransaction tx(cx.conn);
  const auto k = store::key_by_name(cx.conn, name);
  if (!k) throw NotFound("there is no service key \"" + std::string(name) + "\"");
  if (k->revoked_at) throw Conflict("service key \"" + std::string(name) + "\" is already revoked");
  store::revoke_key(cx.conn, k->id, cx.clock.now_text(), cx.who.uid);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "service_key_revoke", {}, Json{{"key", name}});
  tx.commit();
  cx.access.forget();
}

}  // namespace clmis::detail
