#include "store/audit.hpp"

namespace clmis::store {

std::pair<std::int64_t, std::string> last_audit(Connection& c) {
  auto& last = c.prepare("SELECT id, mac FROM clmis_audit ORDER BY id DESC LIMIT 1");
  std::pair<std::int64_t, std::string> out{0, ""};
  if (last.step()) out = {last.int64(0), last.is_null(1) ? "" : last.text(1)};
  last.reset();
  return out;
}

void insert_audit(Connection& c, const AuditColumns& cols, const std::string& mac) {
  auto& s = c.prepare(
      "INSERT INTO clmis_audit(id, at, actor, action, record_type, record_id, version, seq, detail, mac) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < cols.size(); ++i) s.bind(static_cast<int>(i) + 1, cols[i]);
  s.bind(10, mac).run();
}

void scan_audit(Connection& c, const std::function<void(const AuditColumns&, const std::string& mac)>& f) {
  auto& s = c.prepare(
      "SELECT id, at, actor, action, record_type, record_id, version, seq, detail, mac FROM clmis_audit ORDER BY id");
  try {
    AuditColumns cols;
    while (s.step()) {
      cols.clear();
      for (int i = 0; i < 9; ++i) cols.push_back(s.value(i));
      f(cols, s.is_null(9) ? "" : s.text(9));
    }
  } catch (...) {
    s.reset();
    throw;
  }
  s.reset();
}

void set_audit_mac(Connection& c, std::int64_t id, const std::string& mac) {
  c.prepare("UPDATE clmis_audit SET mac = ? WHERE id = ?").bind(1, mac).bind(2, id).run();
}

std::map<std::string, std::string> audit_triggers_found(Connection& c) {
  std::map<std::string, std::string> found;
  auto& t = c.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'clmis_audit'");
  while (t.step()) found[t.text(0)] = t.text(1);
  t.reset();
  return found;
}

Json audit_entries(Connection& c, std::int64_t after_id, int limit) {
  auto& s = c.prepare(
      "SELECT a.id, a.at, u.name, a.action, a.record_type, a.record_id, a.version, a.seq, a.detail, a.mac "
      "FROM clmis_audit a LEFT JOIN clmis_user u ON u.id = a.actor WHERE a.id > ? ORDER BY a.id LIMIT ?");
  s.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  Json out = Json::array();
  auto opt_text = [&](int i) { return s.is_null(i) ? Json(nullptr) : Json(s.text(i)); };
  auto opt_int = [&](int i) { return s.is_null(i) ? Json(nullptr) : Json(s.int64(i)); };
  while (s.step())
    out.push_back({{"id", s.int64(0)}, {"at", s.text(1)}, {"by", opt_text(2)}, {"action", s.text(3)},
                   {"record_type", opt_text(4)}, {"record_id", opt_int(5)}, {"version", opt_int(6)},
                   {"seq", opt_int(7)}, {"detail", s.is_null(8) ? Json(nullptr) : Json::parse(s.text(8))},
                   {"mac", opt_text(9)}});
  s.reset();
  return out;
}

void append_security_log(Connection& c, const std::string& at, std::string_view user, std::string_view event,
                         const std::string& detail) {
  c.prepare("INSERT INTO clmis_security_log(at, user_name, event, detail) VALUES (?, ?, ?, ?)")
      .bind(1, at).bind(2, user).bind(3, event).bind(4, detail).run();
}

Json security_log(Connection& c, std::int64_t after_id, int limit) {
  auto& s = c.prepare(
      "SELECT id, at, user_name, event, detail FROM clmis_security_log WHERE id > ? ORDER BY id LIMIT ?");
  s.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  Json out = Json::array();
  while (s.step()) {
    Json detail = nullptr;
    if (!s.is_null(4)) {
      detail = Json::parse(s.text(4), nullptr, false);
      if (detail.is_discarded()) detail = s.text(4);
    }
    out.push_back({{"id", s.int64(0)}, {"at", s.text(1)},
                   {"user", s.is_null(2) ? Json(nullptr) : Json(s.text(2))},
                   {"event", s.text(3)}, {"detail", detail}});
  }
  s.reset();
  return out;
}

}  // namespace clmis::store
