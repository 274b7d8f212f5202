// Security: who may do what (roles and grants of the pack), accounts, logins, service keys and
// the masking of personal data. Every public operation of the engine checks here first
// (docs/security.md).
#include "core/hash.hpp"
#include "records/engine.hpp"

#include <sodium.h>

#include <algorithm>

namespace clmis::detail {

namespace {

bool valid_user_name(std::string_view s) {
  if (s.empty() || !valid_utf8(s) || utf8_length(s) > 64) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;  // no spaces or control characters
  return true;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

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

const char* scope_name(pack::Scope s) {
  switch (s) {
    case pack::Scope::all: return "all";
    case pack::Scope::section: return "section";
    case pack::Scope::own: return "own";
    default: return nullptr;
  }
}

/// Five-year age groups (ILO's usual tabulation): "15-19" ... "60-64", "65+"; "under 15".
std::string age_group(const std::string& birth, const std::string& today) {
  auto b = parse_date(birth);
  auto t = parse_date(today);
  if (!b || !t) return {};
  const date::year_month_day yb{*b}, yt{*t};
  int age = static_cast<int>(yt.year()) - static_cast<int>(yb.year());
  if (yt.month() < yb.month() || (yt.month() == yb.month() && yt.day() < yb.day())) --age;
  if (age < 15) return "under 15";
  if (age >= 65) return "65+";
  const int lo = age / 5 * 5;
  return std::to_string(lo) + "-" + std::to_string(lo + 4);
}

}  // namespace

std::string hash_password(std::string_view password) {
  sodium_ready();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error(Errc::nomem, "not enough memory to hash the password");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  sodium_ready();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// ---------------------------------------------------------------------------------------------
// Principals and permissions

const Principal& Engine::principal(const Actor& who) {
  // Another program may have changed accounts or keys: PRAGMA data_version tells.
  {
    auto& s = conn().prepare("PRAGMA data_version");
    s.step();
    const auto v = s.int64(0);
    s.reset();
    if (v != data_version_) refresh_state();
  }
  const auto key = std::make_pair(who.uid, who.key_id);
  if (auto it = principals_.find(key); it != principals_.end()) return it->second;
  Principal p;
  auto& s = conn().prepare(
      "SELECT name, active, roles, section, must_change_password FROM clmis_user WHERE id = ?");
  s.bind(1, who.uid);
  if (s.step()) {
    p.name = s.text(0);
    p.active = s.int64(1) != 0;
    for (const auto& r : Json::parse(s.text(2))) p.role_names.push_back(r.get<std::string>());
    if (!s.is_null(3)) p.section = s.text(3);
    p.must_change_password = s.int64(4) != 0 && who.key_id == 0;
  }
  s.reset();
  if (who.key_id != 0) {
    // A service key's session holds the roles the user and the key both have.
    auto& k = conn().prepare("SELECT roles, revoked_at, expires_at FROM clmis_service_key WHERE id = ?");
    k.bind(1, who.key_id);
    std::vector<std::string> key_roles;
    bool valid = false;
    if (k.step()) {
      for (const auto& r : Json::parse(k.text(0))) key_roles.push_back(r.get<std::string>());
      valid = k.is_null(1);
      if (!k.is_null(2)) p.expires_at = k.text(2);
    }
    k.reset();
    if (!valid) p.active = false;
    std::vector<std::string> both;
    for (const auto& r : p.role_names)
      if (std::count(key_roles.begin(), key_roles.end(), r)) both.push_back(r);
    p.role_names = both;
  }
  for (const auto& n : p.role_names)
    if (const auto* r = pack_.role(n)) {
      p.roles.push_back(r);
      p.system.insert(r->system.begin(), r->system.end());
    }
  return principals_[key] = std::move(p);
}

pack::Scope Engine::scope_of(const Actor& who, const pack::RecordType& t, std::string_view action) {
  const auto& p = principal(who);
  if (!p.active || p.must_change_password) return pack::Scope::none;
  pack::Scope best = pack::Scope::none;
  for (const auto* role : p.roles)
    for (const auto& g : role->grants) {
      if (!g.record_types.empty() &&
          std::find(g.record_types.begin(), g.record_types.end(), t.name) == g.record_types.end())
        continue;
      if (!g.actions.empty() &&
          std::none_of(g.actions.begin(), g.actions.end(), [&](const std::string& a) {
            return a == action || (a == "transition" && action.rfind("transition:", 0) == 0);
          }))
        continue;
      pack::Scope s = g.scope;
      // A section grant reaches the record types of the user's section and the shared
      // registers (types without a section).
      if (s == pack::Scope::section)
        s = t.org_section.empty() || (!p.section.empty() && t.org_section == p.section) ? pack::Scope::all
                                                                                 : pack::Scope::none;
      best = std::max(best, s);
    }
  return best;
}

void Engine::require_active(const Actor& who) {
  const auto& p = principal(who);
  if (!p.active)
    deny(who, "session", "the account is deactivated, or the service key was revoked");
  if (!p.expires_at.empty() && p.expires_at <= now())
    deny(who, "session", "the service key has expired");
  if (p.must_change_password)
    deny(who, "change_password", "the password must be changed before anything else");
}

pack::Scope Engine::require_scope(const Actor& who, const pack::RecordType& t, std::string_view action) {
  require_active(who);
  const auto s = scope_of(who, t, action);
  if (s == pack::Scope::none)
    deny(who, t.name + "." + std::string(action),
         "no role of this user grants " + std::string(action) + " on " + t.name +
             (t.org_section.empty() ? "" : " (section " + t.org_section + ")"));
  return s;
}

void Engine::require(const Actor& who, std::string_view type, std::string_view action) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_scope(who, type_of(type), action);
}

void Engine::require_record(const Actor& who, const pack::RecordType& t, std::string_view action,
                            pack::Scope scope, std::int64_t id) {
  if (scope != pack::Scope::own) return;
  auto& s = conn().prepare("SELECT created_by FROM " + store::quote(t.name) + " WHERE id = ?");
  s.bind(1, id);
  const bool found = s.step();
  const std::int64_t by = found ? s.int64(0) : 0;
  s.reset();
  if (!found) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  if (by != who.uid)
    deny(who, t.name + "." + std::string(action),
         "own records only, and " + t.name + " " + std::to_string(id) + " was entered by another user");
}

void Engine::require_system(const Actor& who, std::string_view permission) {
  require_active(who);
  if (!principal(who).system.count(permission))
    deny(who, std::string(permission), "no role of this user grants it");
}

void Engine::deny(const Actor& who, const std::string& permission, const std::string& what) {
  const auto& p = principal(who);
  std::string roles;
  for (const auto& r : p.role_names) roles += (roles.empty() ? "" : ",") + r;
  security_event(p.name, "permission_denied",
                 Json{{"permission", permission}, {"reason", what}, {"roles", p.role_names},
                      {"service_key", who.key_id != 0}}
                     .dump());
  throw PermissionDenied("permission denied: " + permission + " — " + what);
}

void Engine::security_event(std::string_view user, std::string_view event, const std::string& detail) {
  pending_security_.push_back({now(), std::string(user), std::string(event), detail});
  flush_security();
}

void Engine::flush_security() {
  if (pending_security_.empty() || !conn_ || !sqlite3_get_autocommit(conn_->raw())) return;
  auto events = std::move(pending_security_);
  pending_security_.clear();
  try {
    store::WriteTransaction tx(*conn_);
    for (const auto& e : events)
      conn_->prepare("INSERT INTO clmis_security_log(at, user_name, event, detail) VALUES (?, ?, ?, ?)")
          .bind(1, e.at).bind(2, e.user).bind(3, e.event).bind(4, e.detail).run();
    tx.commit();
  } catch (const std::exception&) {
    // The log is best effort under a busy database: the refusal itself stands either way.
  }
}

Json Engine::permissions(const Actor& who) {
  std::lock_guard lock(mu_);
  const auto& p = principal(who);
  Json types = Json::object();
  for (const auto& t : pack_.record_types) {
    Json acts = Json::object();
    auto put = [&](const std::string& a) {
      if (const char* s = scope_name(scope_of(who, t, a))) acts[a] = s;
    };
    for (const char* a : pack::kRecordActions)
      if (std::string_view(a) != "transition") put(a);
    if (t.workflow)
      for (const auto& tr : t.workflow->transitions) put("transition:" + tr.name);
    types[t.name] = acts;
  }
  return Json{{"user", p.name},
              {"roles", p.role_names},
              {"section", p.section.empty() ? Json(nullptr) : Json(p.section)},
              {"active", p.active},
              {"must_change_password", p.must_change_password},
              {"service_key", who.key_id != 0},
              {"system", Json(std::vector<std::string>(p.system.begin(), p.system.end()))},
              {"record_types", types}};
}

bool Engine::may_read_personal(const Actor& who, const pack::RecordType& t, std::int64_t created_by) {
  const auto s = scope_of(who, t, "read_personal");
  return s == pack::Scope::all || (s == pack::Scope::own && created_by == who.uid);
}

void Engine::mask(const Actor& who, const pack::RecordType& t, Json& record, std::int64_t created_by) {
  if (may_read_personal(who, t, created_by)) return;
  Json masked = Json::array();
  std::string day;
  for (const auto& f : t.fields) {
    if (!f.personal) continue;
    Json& v = record[f.name];
    if (f.type == FieldType::date && v.is_string()) {
      if (day.empty()) day = today();
      v = age_group(v.get<std::string>(), day);  // birth date → age group
    } else {
      v = nullptr;
    }
    masked.push_back(f.name);
  }
  for (const auto& sec : t.sections)
    for (const auto& f : sec.fields) {
      if (!f.personal) continue;
      if (record.contains(sec.name))
        for (auto& item : record[sec.name]) item[f.name] = nullptr;
      masked.push_back(sec.name + "." + f.name);
    }
  if (!masked.empty()) record["masked"] = std::move(masked);
}

// ---------------------------------------------------------------------------------------------
// Logins

std::pair<std::int64_t, std::string> Engine::login(std::string_view user, std::string_view password) {
  std::lock_guard lock(mu_);
  auto& c = conn();
  sodium_ready();
  auto& s = c.prepare(
      "SELECT u.id, u.password_hash, u.active, coalesce(l.failed_logins, 0), l.locked_until "
      "FROM clmis_user u LEFT JOIN clmis_login_state l ON l.user_id = u.id WHERE u.name = ?");
  s.bind(1, user);
  std::int64_t uid = 0, failed = 0;
  std::string hash, locked_until;
  bool active = false;
  if (s.step()) {
    uid = s.int64(0);
    hash = s.text(1);
    active = s.int64(2) != 0;
    failed = s.int64(3);
    if (!s.is_null(4)) locked_until = s.text(4);
  }
  s.reset();
  // Always one Argon2id verification, so timing does not tell which names exist or are locked.
  static const std::string dummy = hash_password("clmis-timing-equaliser");
  const bool password_ok = verify_password(uid ? hash : dummy, password) && uid != 0;
  const std::string at = now();
  const bool locked = !locked_until.empty() && locked_until > at;
  store::WriteTransaction tx(c);
  if (password_ok && active && !locked) {
    c.prepare("DELETE FROM clmis_login_state WHERE user_id = ?").bind(1, uid).run();
    audit(uid, "login", "", 0, 0, 0, Json{{"method", "password"}});
    tx.commit();
    principals_.erase({uid, 0});
    users_[uid] = std::string(user);
    return {uid, std::string(user)};
  }
  const char* reason = uid == 0 ? "unknown user" : !active ? "inactive user" : locked ? "account locked" : "wrong password";
  auto log = [&](const char* event, const Json& detail) {
    c.prepare("INSERT INTO clmis_security_log(at, user_name, event, detail) VALUES (?, ?, ?, ?)")
        .bind(1, at).bind(2, user).bind(3, event).bind(4, detail.dump()).run();
  };
  log("login_failed", Json{{"reason", reason}});
  if (uid != 0 && active && !locked && !password_ok) {
    const auto& pol = profile_.security;
    if (failed + 1 >= pol.lockout_attempts) {
      const std::string until = plus_minutes(at, pol.lockout_minutes);
      c.prepare("INSERT OR REPLACE INTO clmis_login_state(user_id, failed_logins, locked_until) VALUES (?, 0, ?)")
          .bind(1, uid).bind(2, until).run();
      log("account_locked", Json{{"failures", failed + 1}, {"until", until}});
    } else {
      c.prepare("INSERT INTO clmis_login_state(user_id, failed_logins) VALUES (?, 1) ON CONFLICT(user_id) "
                "DO UPDATE SET failed_logins = failed_logins + 1, locked_until = NULL")
          .bind(1, uid).run();
    }
  }
  tx.commit();
  throw AuthError("wrong user name or password");
}

std::tuple<std::int64_t, std::int64_t, std::string> Engine::login_service(std::string_view key,
                                                                         std::string_view user) {
  std::lock_guard lock(mu_);
  auto& c = conn();
  const std::string at = now();
  std::int64_t key_id = 0;
  std::string key_name, reason;
  {
    auto& k = c.prepare("SELECT id, name, revoked_at, expires_at FROM clmis_service_key WHERE key_hash = ?");
    k.bind(1, sha256_hex(key));
    if (k.step()) {
      key_id = k.int64(0);
      key_name = k.text(1);
      if (!k.is_null(2)) reason = "key revoked";
      else if (!k.is_null(3) && k.text(3) <= at) reason = "key expired";
    } else {
      reason = "unknown key";
    }
    k.reset();
  }
  std::int64_t uid = 0;
  if (reason.empty()) {
    auto& s = c.prepare(
        "SELECT u.id, u.active, l.locked_until FROM clmis_user u "
        "LEFT JOIN clmis_login_state l ON l.user_id = u.id WHERE u.name = ?");
    s.bind(1, user);
    if (!s.step()) reason = "unknown user";
    else if (s.int64(1) == 0) reason = "inactive user";
    else if (!s.is_null(2) && s.text(2) > at) reason = "account locked";
    else uid = s.int64(0);
    s.reset();
  }
  store::WriteTransaction tx(c);
  if (!reason.empty()) {
    c.prepare("INSERT INTO clmis_security_log(at, user_name, event, detail) VALUES (?, ?, ?, ?)")
        .bind(1, at).bind(2, user).bind(3, "service_login_failed")
        .bind(4, Json{{"reason", reason}, {"key", key_name.empty() ? Json(nullptr) : Json(key_name)}}.dump())
        .run();
    tx.commit();
    throw AuthError("the service key or the user was refused");
  }
  audit(uid, "login_service", "", 0, 0, 0, Json{{"key", key_name}});
  tx.commit();
  principals_.erase({uid, key_id});
  users_[uid] = std::string(user);
  return {uid, key_id, std::string(user)};
}

// ---------------------------------------------------------------------------------------------
// Accounts

void Engine::check_password_policy(std::int64_t uid, std::string_view name, std::string_view password,
                                   std::vector<clmis::FieldError>& errors) {
  const auto& pol = profile_.security;
  if (!valid_utf8(password) || password.find('\0') != std::string_view::npos) {
    errors.push_back({"user", "password", nullptr, "type", "the password is not valid UTF-8 text"});
    return;
  }
  if (utf8_length(password) < static_cast<size_t>(pol.password_min_length) || password.size() > 1024)
    errors.push_back({"user", "password", nullptr, "length",
                      "a password has " + std::to_string(pol.password_min_length) +
                          " to 1024 characters (the country's password policy)"});
  if (lower_ascii(password) == lower_ascii(name))
    errors.push_back({"user", "password", nullptr, "password_policy", "the password may not be the user name"});
  if (uid != 0 && pol.password_history > 0) {
    auto& s = conn().prepare(
        "SELECT password_hash FROM clmis_password_history WHERE user_id = ? ORDER BY rowid DESC LIMIT ?");
    s.bind(1, uid).bind(2, static_cast<std::int64_t>(pol.password_history));
    std::vector<std::string> old;
    while (s.step()) old.push_back(s.text(0));
    s.reset();
    for (const auto& h : old)
      if (verify_password(h, password)) {
        errors.push_back({"user", "password", nullptr, "password_policy",
                          "the password may not be one of the last " +
                              std::to_string(pol.password_history) + " passwords"});
        break;
      }
  }
}

void Engine::set_password(std::int64_t uid, std::string_view password, bool must_change) {
  const std::string hash = hash_password(password);
  const std::string at = now();
  conn()
      .prepare("UPDATE clmis_user SET password_hash = ?, must_change_password = ?, "
               "password_changed_at = ? WHERE id = ?")
      .bind(1, hash).bind(2, std::int64_t{must_change ? 1 : 0}).bind(3, at).bind(4, uid).run();
  conn().prepare("DELETE FROM clmis_login_state WHERE user_id = ?").bind(1, uid).run();
  conn()
      .prepare("INSERT INTO clmis_password_history(user_id, password_hash, at) VALUES (?, ?, ?)")
      .bind(1, uid).bind(2, hash).bind(3, at).run();
}

Json Engine::users(const Actor& who) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "users");
  Json out = Json::array();
  auto& s = conn().prepare(
      "SELECT u.name, u.roles, u.section, u.active, u.must_change_password, coalesce(l.failed_logins, 0), "
      "l.locked_until, u.created_at, u.password_changed_at FROM clmis_user u "
      "LEFT JOIN clmis_login_state l ON l.user_id = u.id ORDER BY u.name");
  const std::string at = now();
  while (s.step())
    out.push_back({{"name", s.text(0)},
                   {"roles", Json::parse(s.text(1))},
                   {"section", s.is_null(2) ? Json(nullptr) : Json(s.text(2))},
                   {"active", s.int64(3) != 0},
                   {"must_change_password", s.int64(4) != 0},
                   {"failed_logins", s.int64(5)},
                   {"locked_until", !s.is_null(6) && s.text(6) > at ? Json(s.text(6)) : Json(nullptr)},
                   {"created_at", s.text(7)},
                   {"password_changed_at", s.is_null(8) ? Json(nullptr) : Json(s.text(8))}});
  s.reset();
  return out;
}

namespace {
/// Checks a "roles" value against the pack: a list of declared role names.
std::vector<std::string> role_list(const pack::Pack& p, const Json& j, std::vector<clmis::FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.is_array()) {
    errors.push_back({"user", "roles", j, "type", "roles is an array of role names"});
    return out;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string() || !p.role(j[i].get<std::string>())) {
      errors.push_back({"user", "roles[" + std::to_string(i) + "]", j[i], "code_list",
                        "not a role of the pack (see schema()[\"roles\"])"});
      continue;
    }
    if (!std::count(out.begin(), out.end(), j[i].get<std::string>())) out.push_back(j[i].get<std::string>());
  }
  return out;
}
}  // namespace

std::int64_t Engine::user_create(const Actor& who, const Json& spec) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "users");
  std::vector<clmis::FieldError> errors;
  if (!spec.is_object()) throw ValidationError({{"user", "", spec, "type", "a user is a JSON object"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "name" && it.key() != "password" && it.key() != "roles" && it.key() != "section" &&
        it.key() != "must_change_password")
      errors.push_back({"user", it.key(), nullptr, "unknown_field", "unknown key \"" + it.key() + "\""});
  const std::string name = spec.value("name", Json(nullptr)).is_string() ? spec["name"].get<std::string>() : "";
  if (!valid_user_name(name))
    errors.push_back({"user", "name", spec.value("name", Json(nullptr)), "length",
                      "1 to 64 characters without spaces or control characters"});
  std::string password;
  if (!spec.contains("password") || !spec["password"].is_string())
    errors.push_back({"user", "password", nullptr, "required", "a first password is required"});
  else password = spec["password"].get<std::string>();
  const auto roles = role_list(pack_, spec.value("roles", Json::array()), errors);
  std::optional<std::string> section;
  if (spec.contains("section") && !spec["section"].is_null()) {
    if (!spec["section"].is_string() || !pack_.has_section(spec["section"].get<std::string>()))
      errors.push_back({"user", "section", spec["section"], "code_list", "not a section of the pack"});
    else section = spec["section"].get<std::string>();
  }
  bool must_change = true;
  if (spec.contains("must_change_password")) {
    if (!spec["must_change_password"].is_boolean())
      errors.push_back({"user", "must_change_password", spec["must_change_password"], "type", "expected true or false"});
    else must_change = spec["must_change_password"].get<bool>();
  }
  if (!password.empty() || spec.contains("password")) check_password_policy(0, name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  store::WriteTransaction tx(conn());
  refresh_state();
  auto& e = conn().prepare("SELECT 1 FROM clmis_user WHERE name = ?");
  e.bind(1, name);
  const bool exists = e.step();
  e.reset();
  if (exists) throw AlreadyExists("there is already a user \"" + name + "\"");
  const std::string at = now();
  auto& s = conn().prepare(
      "INSERT INTO clmis_user(name, password_hash, active, created_at, created_by, roles, section) "
      "VALUES (?, '', 1, ?, ?, ?, ?)");
  s.bind(1, name).bind(2, at).bind(3, who.uid).bind(4, Json(roles).dump());
  if (section) s.bind(5, *section); else s.bind(5, nullptr);
  s.run();
  const auto id = conn().last_insert_rowid();
  set_password(id, password, must_change);
  audit(who.uid, "user_create", "", 0, 0, 0,
        Json{{"user", name}, {"roles", roles}, {"section", section ? Json(*section) : Json(nullptr)},
             {"must_change_password", must_change}});
  tx.commit();
  return id;
}

void Engine::user_update(const Actor& who, std::string_view name, const Json& changes) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "users");
  std::vector<clmis::FieldError> errors;
  if (!changes.is_object()) throw ValidationError({{"user", "", changes, "type", "changes are a JSON object"}});
  for (auto it = changes.begin(); it != changes.end(); ++it)
    if (it.key() != "roles" && it.key() != "section" && it.key() != "active" && it.key() != "locked")
      errors.push_back({"user", it.key(), nullptr, "unknown_field",
                        "unknown key \"" + it.key() + "\" (roles, section, active, locked)"});
  if (changes.contains("roles")) role_list(pack_, changes["roles"], errors);
  if (changes.contains("section") && !changes["section"].is_null() &&
      (!changes["section"].is_string() || !pack_.has_section(changes["section"].get<std::string>())))
    errors.push_back({"user", "section", changes["section"], "code_list", "not a section of the pack"});
  if (changes.contains("active") && !changes["active"].is_boolean())
    errors.push_back({"user", "active", changes["active"], "type", "expected true or false"});
  if (changes.contains("locked") && changes["locked"] != Json(false))
    errors.push_back({"user", "locked", changes["locked"], "type", "only false (unlock) can be set"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  store::WriteTransaction tx(conn());
  refresh_state();
  auto& s = conn().prepare("SELECT id, roles, section, active FROM clmis_user WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) {
    s.reset();
    throw NotFound("there is no user \"" + std::string(name) + "\"");
  }
  const auto uid = s.int64(0);
  Json before = {{"roles", Json::parse(s.text(1))},
                 {"section", s.is_null(2) ? Json(nullptr) : Json(s.text(2))},
                 {"active", s.int64(3) != 0}};
  s.reset();
  Json after = before;
  if (changes.contains("roles")) after["roles"] = role_list(pack_, changes["roles"], errors);
  if (changes.contains("section")) after["section"] = changes["section"];
  if (changes.contains("active")) after["active"] = changes["active"];
  auto& u = conn().prepare("UPDATE clmis_user SET roles = ?, section = ?, active = ? WHERE id = ?");
  u.bind(1, after["roles"].dump());
  if (after["section"].is_null()) u.bind(2, nullptr); else u.bind(2, after["section"].get<std::string>());
  u.bind(3, std::int64_t{after["active"].get<bool>() ? 1 : 0}).bind(4, uid).run();
  if (changes.contains("locked"))
    conn().prepare("DELETE FROM clmis_login_state WHERE user_id = ?").bind(1, uid).run();
  // The system must keep an active administrator, or nobody could manage users again.
  auto admins = conn().scalar(
      "SELECT count(*) FROM clmis_user, json_each(clmis_user.roles) r "
      "WHERE clmis_user.active = 1 AND r.value = 'administrator'");
  if (!admins || *admins == 0)
    throw Conflict("this change would leave no active administrator");
  Json diff = Json::object();
  for (const auto& k : {"roles", "section", "active"})
    if (before[k] != after[k]) diff[k] = {{"from", before[k]}, {"to", after[k]}};
  if (changes.contains("locked")) diff["locked"] = {{"to", false}};
  if (diff.empty()) return;
  audit(who.uid, "user_update", "", 0, 0, 0, Json{{"user", name}, {"changes", diff}});
  tx.commit();
  principals_.clear();
}

void Engine::user_reset_password(const Actor& who, std::string_view name, std::string_view password) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "users");
  auto& s = conn().prepare("SELECT id FROM clmis_user WHERE name = ?");
  s.bind(1, name);
  const std::int64_t uid = s.step() ? s.int64(0) : 0;
  s.reset();
  if (uid == 0) throw NotFound("there is no user \"" + std::string(name) + "\"");
  std::vector<clmis::FieldError> errors;
  check_password_policy(uid, name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  store::WriteTransaction tx(conn());
  set_password(uid, password, true);
  audit(who.uid, "user_reset_password", "", 0, 0, 0, Json{{"user", name}});
  tx.commit();
  principals_.clear();
}

void Engine::change_password(const Actor& who, std::string_view old_password, std::string_view password) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  const auto& p = principal(who);
  if (!p.active) deny(who, "session", "the account is deactivated");
  if (who.key_id != 0) deny(who, "change_password", "a service key's session cannot change the user's password");
  auto& s = conn().prepare("SELECT password_hash FROM clmis_user WHERE id = ?");
  s.bind(1, who.uid);
  std::string hash = s.step() ? s.text(0) : "";
  s.reset();
  if (!verify_password(hash, old_password)) {
    security_event(p.name, "password_change_failed", Json{{"reason", "wrong current password"}}.dump());
    throw AuthError("the current password is wrong");
  }
  std::vector<clmis::FieldError> errors;
  check_password_policy(who.uid, p.name, password, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  store::WriteTransaction tx(conn());
  set_password(who.uid, password, false);
  audit(who.uid, "password_change", "", 0, 0, 0, Json::object());
  tx.commit();
  principals_.clear();
}

// ---------------------------------------------------------------------------------------------
// Service keys

Json Engine::service_key_create(const Actor& who, const Json& spec) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "service_keys");
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
  const auto roles = role_list(pack_, spec.value("roles", Json(nullptr)), errors);
  if (spec.contains("roles") && roles.empty() && errors.empty())
    errors.push_back({"service_key", "roles", spec["roles"], "required", "a key is limited to at least one role"});
  std::optional<std::string> expires;
  const std::string at = now();
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
  store::WriteTransaction tx(conn());
  auto& x = conn().prepare("SELECT 1 FROM clmis_service_key WHERE name = ?");
  x.bind(1, name);
  const bool exists = x.step();
  x.reset();
  if (exists) throw AlreadyExists("there is already a service key \"" + name + "\"");
  auto& s = conn().prepare(
      "INSERT INTO clmis_service_key(name, key_hash, roles, created_at, created_by, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, name).bind(2, sha256_hex(key)).bind(3, Json(roles).dump()).bind(4, at).bind(5, who.uid);
  if (expires) s.bind(6, *expires); else s.bind(6, nullptr);
  s.run();
  audit(who.uid, "service_key_create", "", 0, 0, 0,
        Json{{"key", name}, {"roles", roles}, {"expires_at", expires ? Json(*expires) : Json(nullptr)}});
  tx.commit();
  return Json{{"name", name}, {"key", key}, {"roles", roles},
              {"expires_at", expires ? Json(*expires) : Json(nullptr)}};
}

Json Engine::service_keys(const Actor& who) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "service_keys");
  Json out = Json::array();
  const std::string at = now();
  auto& s = conn().prepare(
      "SELECT k.name, k.roles, k.created_at, u.name, k.expires_at, k.revoked_at FROM clmis_service_key k "
      "JOIN clmis_user u ON u.id = k.created_by ORDER BY k.name");
  while (s.step()) {
    const bool revoked = !s.is_null(5);
    const bool expired = !s.is_null(4) && s.text(4) <= at;
    out.push_back({{"name", s.text(0)},
                   {"roles", Json::parse(s.text(1))},
                   {"created_at", s.text(2)},
                   {"created_by", s.text(3)},
                   {"expires_at", s.is_null(4) ? Json(nullptr) : Json(s.text(4))},
                   {"revoked_at", revoked ? Json(s.text(5)) : Json(nullptr)},
                   {"state", revoked ? "revoked" : expired ? "expired" : "active"}});
  }
  s.reset();
  return out;
}

void Engine::service_key_revoke(const Actor& who, std::string_view name) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "service_keys");
  store::WriteTransaction tx(conn());
  auto& s = conn().prepare("SELECT id, revoked_at FROM clmis_service_key WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) {
    s.reset();
    throw NotFound("there is no service key \"" + std::string(name) + "\"");
  }
  const bool revoked = !s.is_null(1);
  const auto id = s.int64(0);
  s.reset();
  if (revoked) throw Conflict("service key \"" + std::string(name) + "\" is already revoked");
  conn().prepare("UPDATE clmis_service_key SET revoked_at = ?, revoked_by = ? WHERE id = ?")
      .bind(1, now()).bind(2, who.uid).bind(3, id).run();
  audit(who.uid, "service_key_revoke", "", 0, 0, 0, Json{{"key", name}});
  tx.commit();
  principals_.clear();
}

void Engine::export_started(const Actor& who, std::string_view type, const Json& detail) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  const auto& t = type_of(type);
  require_scope(who, t, "read");
  require_scope(who, t, "export");
  store::WriteTransaction tx(conn());
  Json d = detail.is_object() ? detail : Json::object();
  d["record_type"] = t.name;
  d["personal_data"] = scope_of(who, t, "read_personal") == pack::Scope::all ? "clear" : "masked";
  audit(who.uid, "export", "", 0, 0, 0, d);
  tx.commit();
}

}  // namespace clmis::detail
