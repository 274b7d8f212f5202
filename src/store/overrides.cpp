#include "store/overrides.hpp"

namespace clmis::store {

namespace {

enum Kind { kOverridden = 500, kOverridesOf, kInsert, kClear };

std::optional<std::int64_t> opt_int(const Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.int64(i);
}

}  // namespace

std::vector<std::string> override_ddl() {
  return {R"(CREATE TABLE clmis_override (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  by INTEGER NOT NULL REFERENCES clmis_user(id),
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  cleared_by INTEGER REFERENCES clmis_user(id),
  cleared_at INTEGER,
  cleared_seq INTEGER,
  cleared_reason TEXT
) STRICT)",
          "CREATE UNIQUE INDEX clmis_override_live ON clmis_override(record_type, record_id, field) "
          "WHERE cleared_at IS NULL",
          "CREATE INDEX clmis_override_record ON clmis_override(record_type, record_id)"};
}

std::set<std::string> overridden_fields(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kOverridden, nullptr, [] {
    return std::string(
        "SELECT field FROM clmis_override WHERE record_type = ? AND record_id = ? AND cleared_at IS NULL");
  });
  s.bind(1, type).bind(2, id);
  std::set<std::string> out;
  while (s.step()) out.insert(s.text(0));
  s.reset();
  return out;
}

std::vector<OverrideRow> overrides_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kOverridesOf, nullptr, [] {
    return std::string(
        "SELECT id, record_type, record_id, field, reason, by, at, seq, cleared_by, cleared_at, cleared_seq, "
        "cleared_reason FROM clmis_override WHERE record_type = ? AND record_id = ? ORDER BY id");
  });
  s.bind(1, type).bind(2, id);
  std::vector<OverrideRow> out;
  while (s.step()) {
    OverrideRow r;
    r.id = s.int64(0);
    r.record_type = s.text(1);
    r.record_id = s.int64(2);
    r.field = s.text(3);
    r.reason = s.text(4);
    r.by = s.int64(5);
    r.at = s.int64(6);
    r.seq = s.int64(7);
    r.cleared_by = opt_int(s, 8);
    r.cleared_at = opt_int(s, 9);
    r.cleared_seq = opt_int(s, 10);
    if (!s.is_null(11)) r.cleared_reason = s.text(11);
    out.push_back(std::move(r));
  }
  s.reset();
  return out;
}

void insert_override(Connection& c, OverrideRow& r) {
  auto& s = c.statement(kInsert, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_override(record_type, record_id, field, reason, by, at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, r.record_type).bind(2, r.record_id).bind(3, r.field).bind(4, r.reason).bind(5, r.by).bind(6, r.at).bind(7, r.seq);
  s.run();
  r.id = sqlite3_last_insert_rowid(c.raw());
}

bool clear_override(Connection& c, const std::string& type, std::int64_t id, const std::string& field, std::int64_t by,
                    std::int64_t at, std::int64_t seq, const std::string& reason) {
  auto& s = c.statement(kClear, nullptr, [] {
    return std::string(
        "UPDATE clmis_override SET cleared_by = ?, cleared_at = ?, cleared_seq = ?, cleared_reason = ? "
        "WHERE record_type = ? AND record_id = ? AND field = ? AND cleared_at IS NULL");
  });
  s.bind(1, by).bind(2, at).bind(3, seq).bind(4, reason).bind(5, type).bind(6, id).bind(7, field);
  s.run();
  return sqlite3_changes(c.raw()) > 0;
}

}  // namespace clmis::store
