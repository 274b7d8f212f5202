#include "store/feed.hpp"

namespace clmis::store {

namespace {
void bind_opt(Stmt& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v); else s.bind(i, nullptr);
}
std::optional<std::string> opt_text(Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}
}  // namespace

std::int64_t append_change(Connection& c, const std::string& at, std::int64_t uid, const std::string& type,
                           std::int64_t id, const char* op, std::int64_t version) {
  c.prepare("INSERT INTO clmis_change(at, actor, record_type, record_id, op, version) "
            "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, at).bind(2, uid).bind(3, type).bind(4, id).bind(5, op).bind(6, version).run();
  return c.last_insert_rowid();
}

void append_history(Connection& c, const HistoryRow& r) {
  auto& s = c.prepare(
      "INSERT INTO clmis_history(seq, record_type, record_id, event, field, from_value, to_value, "
      "effective_date, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.seq).bind(2, r.type).bind(3, r.id).bind(4, r.event);
  bind_opt(s, 5, r.field);
  bind_opt(s, 6, r.from);
  bind_opt(s, 7, r.to);
  s.bind(8, r.effective_date).bind(9, r.actor).bind(10, r.at);
  bind_opt(s, 11, r.detail);
  s.run();
}

std::vector<HistoryRow> history_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.prepare(
      "SELECT seq, event, field, from_value, to_value, effective_date, actor, at, detail "
      "FROM clmis_history WHERE record_type = ? AND record_id = ? ORDER BY id");
  s.bind(1, type).bind(2, id);
  std::vector<HistoryRow> rows;
  while (s.step()) {
    HistoryRow r;
    r.seq = s.int64(0);
    r.type = type;
    r.id = id;
    r.event = s.text(1);
    r.field = opt_text(s, 2);
    r.from = opt_text(s, 3);
    r.to = opt_text(s, 4);
    r.effective_date = s.text(5);
    r.actor = s.int64(6);
    r.at = s.text(7);
    r.detail = opt_text(s, 8);
    rows.push_back(std::move(r));
  }
  s.reset();
  return rows;
}

std::vector<ChangeRow> changes_after(Connection& c, std::int64_t since, const std::vector<Readable>& readable,
                                     int limit) {
  std::vector<ChangeRow> out;
  if (readable.empty()) return out;
  std::string cond;
  std::vector<SqlValue> params{since};
  for (const auto& r : readable) {
    cond += cond.empty() ? "" : " OR ";
    params.emplace_back(r.type);
    if (!r.only_created_by) {
      cond += "record_type = ?";
    } else {
      cond += "(record_type = ? AND record_id IN (SELECT id FROM " + quote(r.type) + " WHERE created_by = ?))";
      params.emplace_back(*r.only_created_by);
    }
  }
  auto& s = c.prepare(
      "SELECT seq, record_type, record_id, op, version, at, actor FROM clmis_change "
      "WHERE seq > ? AND (" + cond + ") ORDER BY seq LIMIT ?");
  int i = 1;
  for (const auto& p : params) s.bind(i++, p);
  s.bind(i, static_cast<std::int64_t>(limit));
  while (s.step())
    out.push_back({s.int64(0), s.text(1), s.int64(2), s.text(3), s.int64(4), s.text(5), s.int64(6)});
  s.reset();
  return out;
}

std::optional<std::int64_t> last_change(Connection& c) { return c.scalar("SELECT max(seq) FROM clmis_change"); }

std::optional<std::string> last_status_date(Connection& c, const std::string& type, std::int64_t id,
                                            const std::string& field) {
  auto& s = c.prepare(
      "SELECT max(effective_date) FROM clmis_history WHERE record_type = ? AND record_id = ? AND field = ?");
  s.bind(1, type).bind(2, id).bind(3, field);
  std::optional<std::string> d;
  if (s.step()) d = opt_text(s, 0);
  s.reset();
  return d;
}

std::optional<std::string> first_status_change_date(Connection& c, const std::string& type, std::int64_t id,
                                                    const std::string& field) {
  auto& s = c.prepare(
      "SELECT min(effective_date) FROM clmis_history WHERE record_type = ? AND record_id = ? "
      "AND field = ? AND event <> 'initial'");
  s.bind(1, type).bind(2, id).bind(3, field);
  std::optional<std::string> d;
  if (s.step()) d = opt_text(s, 0);
  s.reset();
  return d;
}

void set_initial_date(Connection& c, const std::string& type, std::int64_t id, const std::string& field,
                      const std::string& date) {
  c.prepare("UPDATE clmis_history SET effective_date = ? WHERE record_type = ? AND record_id = ? "
            "AND field = ? AND event = 'initial'")
      .bind(1, date).bind(2, type).bind(3, id).bind(4, field).run();
}

std::map<std::string, std::int64_t> status_counts(Connection& c, const pack::RecordType& t,
                                                  const std::string& status_field, const std::string& date) {
  ReadTransaction rt(c);
  auto& s = c.prepare(
      "SELECT x.to_value, count(*) FROM ("
      "  SELECT h.record_id, h.to_value, row_number() OVER ("
      "    PARTITION BY h.record_id ORDER BY h.effective_date DESC, h.id DESC) AS rn"
      "  FROM clmis_history h WHERE h.record_type = ? AND h.field = ? AND h.effective_date <= ?"
      ") x JOIN " + quote(t.name) + " r ON r.id = x.record_id AND r.archived = 0 "
      "WHERE x.rn = 1 GROUP BY x.to_value");
  s.bind(1, t.name).bind(2, status_field).bind(3, date);
  std::map<std::string, std::int64_t> counts;
  while (s.step()) counts[s.text(0)] = s.int64(1);
  s.reset();
  return counts;
}

}  // namespace clmis::store
