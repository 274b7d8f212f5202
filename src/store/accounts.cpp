#include "store/accounts.hpp"

namespace clmis::store {

namespace {
std::optional<std::string> opt_text(Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}
void bind_opt(Stmt& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v); else s.bind(i, nullptr);
}
}  // namespace

std::optional<LoginRow> login_row(Connection& c, std::string_view name) {
  auto& s = c.prepare(
      "SELECT u.id, u.password_hash, u.active, coalesce(l.failed_logins, 0), l.locked_until "
      "FROM clmis_user u LEFT JOIN clmis_login_state l ON l.user_id = u.id WHERE u.name = ?");
  s.bind(1, name);
  std::optional<LoginRow> r;
  if (s.step()) r = LoginRow{s.int64(0), s.text(1), s.int64(2) != 0, s.int64(3), opt_text(s, 4)};
  s.reset();
  return r;
}

void clear_login_state(Connection& c, std::int64_t uid) {
  c.prepare("DELETE FROM clmis_login_state WHERE user_id = ?").bind(1, uid).run();
}

void lock_account(Connection& c, std::int64_t uid, const std::string& until) {
  c.prepare("INSERT OR REPLACE INTO clmis_login_state(user_id, failed_logins, locked_until) VALUES (?, 0, ?)")
      .bind(1, uid).bind(2, until).run();
}

void count_failed_login(Connection& c, std::int64_t uid) {
  c.prepare("INSERT INTO clmis_login_state(user_id, failed_logins) VALUES (?, 1) ON CONFLICT(user_id) "
            "DO UPDATE SET failed_logins = failed_logins + 1, locked_until = NULL")
      .bind(1, uid).run();
}

namespace {
std::optional<UserRow> user_where(Connection& c, const char* where, const SqlValue& key) {
  auto& s = c.prepare(std::string("SELECT id, name, active, roles, section, must_change_password FROM clmis_user WHERE ") + where);
  s.bind(1, key);
  std::optional<UserRow> r;
  if (s.step()) r = UserRow{s.int64(0), s.text(1), s.int64(2) != 0, Json::parse(s.text(3)), opt_text(s, 4), s.int64(5) != 0};
  s.reset();
  return r;
}
}  // namespace

std::optional<UserRow> user_by_id(Connection& c, std::int64_t uid) { return user_where(c, "id = ?", uid); }

std::optional<UserRow> user_by_name(Connection& c, std::string_view name) {
  return user_where(c, "name = ?", std::string(name));
}

std::string user_name(Connection& c, std::int64_t uid) {
  auto& s = c.prepare("SELECT name FROM clmis_user WHERE id = ?");
  s.bind(1, uid);
  std::string name = std::to_string(uid);
  if (s.step()) name = s.text(0);
  s.reset();
  return name;
}

std::string password_hash(Connection& c, std::int64_t uid) {
  auto& s = c.prepare("SELECT password_hash FROM clmis_user WHERE id = ?");
  s.bind(1, uid);
  std::string hash = s.step() ? s.text(0) : "";
  s.reset();
  return hash;
}

std::int64_t insert_user(Connection& c, const std::string& name, const std::string& password_hash,
                         const std::string& at, std::optional<std::int64_t> created_by, const Json& roles,
                         const std::optional<std::string>& section) {
  auto& s = c.prepare(
      "INSERT INTO clmis_user(name, password_hash, active, created_at, created_by, roles, section, "
      "password_changed_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)");
  s.bind(1, name).bind(2, password_hash).bind(3, at);
  if (created_by) s.bind(4, *created_by); else s.bind(4, nullptr);
  s.bind(5, roles.dump());
  bind_opt(s, 6, section);
  // A first administrator's password is set here; other accounts get theirs from set_password.
  if (password_hash.empty()) s.bind(7, nullptr); else s.bind(7, at);
  s.run();
  return c.last_insert_rowid();
}

void update_user(Connection& c, std::int64_t uid, const Json& roles, const std::optional<std::string>& section,
                 bool active) {
  auto& u = c.prepare("UPDATE clmis_user SET roles = ?, section = ?, active = ? WHERE id = ?");
  u.bind(1, roles.dump());
  bind_opt(u, 2, section);
  u.bind(3, std::int64_t{active ? 1 : 0}).bind(4, uid).run();
}

std::int64_t active_administrators(Connection& c) {
  return c.scalar(
              "SELECT count(*) FROM clmis_user, json_each(clmis_user.roles) r "
              "WHERE clmis_user.active = 1 AND r.value = 'administrator'")
      .value_or(0);
}

void set_password(Connection& c, std::int64_t uid, const std::string& hash, bool must_change, const std::string& at) {
  c.prepare("UPDATE clmis_user SET password_hash = ?, must_change_password = ?, password_changed_at = ? WHERE id = ?")
      .bind(1, hash).bind(2, std::int64_t{must_change ? 1 : 0}).bind(3, at).bind(4, uid).run();
  clear_login_state(c, uid);
  c.prepare("INSERT INTO clmis_password_history(user_id, password_hash, at) VALUES (?, ?, ?)")
      .bind(1, uid).bind(2, hash).bind(3, at).run();
}

std::vector<std::string> password_history(Connection& c, std::int64_t uid, int n) {
  auto& s = c.prepare("SELECT password_hash FROM clmis_password_history WHERE user_id = ? ORDER BY rowid DESC LIMIT ?");
  s.bind(1, uid).bind(2, static_cast<std::int64_t>(n));
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  s.reset();
  return out;
}

void remember_password(Connection& c, std::int64_t uid) {
  c.prepare("INSERT INTO clmis_password_history(user_id, password_hash, at) "
            "SELECT id, password_hash, created_at FROM clmis_user WHERE id = ?")
      .bind(1, uid).run();
}

std::vector<UserListRow> list_users(Connection& c) {
  auto& s = c.prepare(
      "SELECT u.name, u.roles, u.section, u.active, u.must_change_password, coalesce(l.failed_logins, 0), "
      "l.locked_until, u.created_at, u.password_changed_at FROM clmis_user u "
      "LEFT JOIN clmis_login_state l ON l.user_id = u.id ORDER BY u.name");
  std::vector<UserListRow> out;
  while (s.step())
    out.push_back({s.text(0), Json::parse(s.text(1)), opt_text(s, 2), s.int64(3) != 0, s.int64(4) != 0,
                   s.int64(5), opt_text(s, 6), s.text(7), opt_text(s, 8)});
  s.reset();
  return out;
}

namespace {
const char* const kKeySelect =
    "SELECT k.id, k.name, k.roles, k.created_at, u.name, k.expires_at, k.revoked_at FROM clmis_service_key k "
    "JOIN clmis_user u ON u.id = k.created_by";
ServiceKeyRow key_row(Stmt& s) {
  return {s.int64(0), s.text(1), Json::parse(s.text(2)), s.text(3), s.text(4), opt_text(s, 5), opt_text(s, 6)};
}
std::optional<ServiceKeyRow> key_where(Connection& c, const char* where, const SqlValue& v) {
  auto& s = c.prepare(std::string(kKeySelect) + " WHERE " + where);
  s.bind(1, v);
  std::optional<ServiceKeyRow> r;
  if (s.step()) r = key_row(s);
  s.reset();
  return r;
}
}  // namespace

std::optional<ServiceKeyRow> key_by_hash(Connection& c, const std::string& key_hash) {
  return key_where(c, "k.key_hash = ?", key_hash);
}
std::optional<ServiceKeyRow> key_by_id(Connection& c, std::int64_t id) { return key_where(c, "k.id = ?", id); }
std::optional<ServiceKeyRow> key_by_name(Connection& c, std::string_view name) {
  return key_where(c, "k.name = ?", std::string(name));
}

void insert_key(Connection& c, const std::string& name, const std::string& key_hash, const Json& roles,
                const std::string& at, std::int64_t created_by, const std::optional<std::string>& expires_at) {
  auto& s = c.prepare(
      "INSERT INTO clmis_service_key(name, key_hash, roles, created_at, created_by, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, name).bind(2, key_hash).bind(3, roles.dump()).bind(4, at).bind(5, created_by);
  bind_opt(s, 6, expires_at);
  s.run();
}

void revoke_key(Connection& c, std::int64_t id, const std::string& at, std::int64_t by) {
  c.prepare("UPDATE clmis_service_key SET revoked_at = ?, revoked_by = ? WHERE id = ?")
      .bind(1, at).bind(2, by).bind(3, id).run();
}

std::vector<ServiceKeyRow> list_keys(Connection& c) {
  auto& s = c.prepare(std::string(kKeySelect) + " ORDER BY k.name");
  std::vector<ServiceKeyRow> out;
  while (s.step()) out.push_back(key_row(s));
  s.reset();
  return out;
}

}  // namespace clmis::store
