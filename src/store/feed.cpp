#include "store/feed.hpp"

#include "clmis/error.hpp"
#include "clmis/value.hpp"
#include "store/schema.hpp"

#include <limits>

namespace clmis::store {

namespace {
void bind_opt(Stmt& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v); else s.bind(i, nullptr);
}
std::optional<std::string> opt_text(Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}
enum Kind { kStatusInsert = 100, kStatusRead, kStatusLast, kStatusFirst, kStatusInitial, kStatusCounts, kStatusNext,
            kStatusTable };
// Initial status rows written by one statement (append_status).
constexpr std::size_t kInitialChunk = 64;

std::int64_t next_seq(Connection& c) {
  auto& p = c.pending();
  if (!p.next_seq) {
    // The change numbers are never reused: the next one follows the last row's range.
    auto& s = c.prepare("SELECT seq + span FROM clmis_change ORDER BY seq DESC LIMIT 1");
    p.next_seq = s.step() ? s.int64(0) : 1;
    s.reset();
  }
  return *p.next_seq;
}

void write_range(Connection& c, const PendingWrites::Range& r) {
  c.prepare("INSERT INTO clmis_change(seq, at, actor, record_type, record_id, op, version, span) "
            "VALUES (?, ?, ?, ?, ?, 'create', 1, ?)")
      .bind(1, r.first_seq).bind(2, r.at).bind(3, r.actor).bind(4, r.type).bind(5, r.first_id).bind(6, r.span).run();
}
}  // namespace

void flush_initial_status(Connection& c) {
  // Taken out first: the statements below name the status table, and must not flush again.
  std::vector<std::array<std::int64_t, 3>> rows;
  rows.swap(c.pending().initial.rows);
  if (rows.empty()) return;
  const auto& table = c.pending().initial.table;
  const auto& status = c.pending().initial.status;
  auto insert = [&](std::size_t n) -> Stmt& {
    // (record_id, n, effective_day, status, seq) per row, ?1 the status; the other columns NULL.
    std::string sql = "INSERT INTO " + quote(table) + " (record_id, n, effective_day, status, seq) VALUES ";
    for (std::size_t i = 0; i < n; ++i)
      sql += (i ? ", (?" : "(?") + std::to_string(2 + 3 * i) + ", 0, ?" + std::to_string(3 + 3 * i) + ", ?1, ?" +
             std::to_string(4 + 3 * i) + ")";
    return c.prepare(sql);
  };
  std::size_t done = 0;
  while (done < rows.size()) {
    const std::size_t n = rows.size() - done >= kInitialChunk ? kInitialChunk : 1;
    auto& s = insert(n);
    s.bind(1, status);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& r = rows[done + i];
      s.bind(static_cast<int>(2 + 3 * i), r[0]).bind(static_cast<int>(3 + 3 * i), r[1]).bind(static_cast<int>(4 + 3 * i), r[2]);
    }
    s.run();
    done += n;
  }
  rows.clear();
  rows.swap(c.pending().initial.rows);  // its memory kept for the next rows
}

void flush_pending(Connection& c) {
  auto& p = c.pending();
  flush_initial_status(c);
  if (p.range) {
    write_range(c, *p.range);
    p.range.reset();
  }
  for (auto& [name, value] : p.sequences) {
    if (!value.second) continue;
    c.prepare("INSERT INTO clmis_sequence(name, value) VALUES (?, ?) "
              "ON CONFLICT(name) DO UPDATE SET value = excluded.value")
        .bind(1, name).bind(2, value.first).run();
    value.second = false;
  }
}

std::int64_t append_change(Connection& c, const std::string& at, std::int64_t uid, const std::string& type,
                           std::int64_t id, const char* op, std::int64_t version) {
  auto& p = c.pending();
  const std::int64_t seq = next_seq(c);
  const bool create = std::string_view(op) == "create" && version == 1;
  if (create && p.range && p.range->type == type && p.range->actor == uid && p.range->at == at &&
      p.range->first_id + p.range->span == id && p.range->first_seq + p.range->span == seq) {
    ++p.range->span;
  } else {
    if (p.range) write_range(c, *p.range);
    p.range.reset();
    if (create) {
      p.range = PendingWrites::Range{type, at, id, seq, 1, uid};
    } else {
      c.prepare("INSERT INTO clmis_change(seq, at, actor, record_type, record_id, op, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(1, seq).bind(2, at).bind(3, uid).bind(4, type).bind(5, id).bind(6, op).bind(7, version).run();
    }
  }
  p.next_seq = seq + 1;
  return seq;
}

std::optional<std::int64_t> create_change(Connection& c, const std::string& type, std::int64_t id) {
  flush_pending(c);
  // The create range with the highest first id at or below id (ranges of a type never overlap).
  auto& s = c.prepare(
      "SELECT seq, record_id, span FROM clmis_change WHERE record_type = ? AND op = 'create' AND record_id <= ? "
      "ORDER BY record_id DESC LIMIT 1");
  s.bind(1, type).bind(2, id);
  std::optional<std::int64_t> seq;
  if (s.step() && id < s.int64(1) + s.int64(2)) seq = s.int64(0) + (id - s.int64(1));
  s.reset();
  return seq;
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

std::string status_table(const pack::RecordType& t) { return std::string(kStatusTablePrefix) + t.name; }

void append_status(Connection& c, const pack::RecordType& t, std::int64_t id, const StatusRow& r) {
  // The initial state of a record just created is held back and written with others, 64 rows to
  // a statement (PendingWrites::initial): a bulk import writes a million of them.
  if (r.event == "initial" && r.at.empty() && !r.detail) {
    auto& in = c.pending().initial;
    const std::string& table = c.text(kStatusTable, &t, [&] { return status_table(t); });
    if (!in.rows.empty() && (in.table != table || in.status != r.status)) flush_initial_status(c);
    if (in.rows.empty()) {
      in.table = table;
      in.status = r.status;
    }
    in.rows.push_back({id, day_number(r.effective_date), r.seq});
    if (in.rows.size() >= kInitialChunk) flush_initial_status(c);
    return;
  }
  // n: 0 for the initial state, then 1, 2... in the order written (which is date order: a
  // transition is never dated before the last status change).
  std::int64_t n = 0;
  if (r.event != "initial") {
    auto& q = c.statement(kStatusNext, &t, [&] {
      return "SELECT coalesce(max(n) + 1, 0) FROM " + quote(status_table(t)) + " WHERE record_id = ?";
    });
    q.bind(1, id);
    q.step();
    n = q.int64(0);
    q.reset();
  }
  auto& s = c.statement(kStatusInsert, &t, [&] {
    return "INSERT INTO " + quote(status_table(t)) +
           " (record_id, n, effective_day, status, event, seq, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  });
  s.bind(1, id).bind(2, n).bind(3, day_number(r.effective_date)).bind(4, r.status);
  if (r.event == "initial") s.bind(5, nullptr); else s.bind(5, r.event);
  s.bind(6, r.seq);
  if (r.at.empty()) s.bind(7, nullptr).bind(8, nullptr);
  else s.bind(7, r.actor).bind(8, utc_seconds(r.at));
  bind_opt(s, 9, r.detail);
  s.run();
}

std::vector<HistoryRow> status_history_of(Connection& c, const pack::RecordType& t, std::int64_t id) {
  auto& s = c.statement(kStatusRead, &t, [&] {
    return "SELECT s.seq, s.event, s.status, s.effective_day, coalesce(s.actor, r.created_by), "
           "coalesce(s.at, r.created_at), s.detail FROM " + quote(status_table(t)) + " s JOIN " + quote(t.name) +
           " r ON r.id = s.record_id WHERE s.record_id = ? ORDER BY s.n";
  });
  s.bind(1, id);
  std::vector<HistoryRow> rows;
  std::optional<std::string> before;
  while (s.step()) {
    HistoryRow r;
    r.seq = s.int64(0);
    r.type = t.name;
    r.id = id;
    r.event = s.is_null(1) ? "initial" : s.text(1);
    r.field = t.workflow->status_field;
    r.from = before;
    r.to = s.text(2);
    before = r.to;
    r.effective_date = day_text(s.int64(3));
    r.actor = s.int64(4);
    r.at = utc_text(s.int64(5));
    r.detail = opt_text(s, 6);
    rows.push_back(std::move(r));
  }
  s.reset();
  return rows;
}

std::vector<ChangeRow> changes_after(Connection& c, std::int64_t since, const std::vector<Readable>& readable,
                                     int limit) {
  std::vector<ChangeRow> out;
  if (readable.empty() || since == std::numeric_limits<std::int64_t>::max()) return out;
  flush_pending(c);
  // The first row to read: the one whose range holds since + 1, or the next.
  std::int64_t start = since + 1;
  {
    auto& s = c.prepare("SELECT seq, span FROM clmis_change WHERE seq <= ? ORDER BY seq DESC LIMIT 1");
    s.bind(1, since + 1);
    if (s.step() && s.int64(0) + s.int64(1) > since + 1) start = s.int64(0);
    s.reset();
  }
  std::string cond;
  std::vector<SqlValue> params{start};
  for (const auto& r : readable) {
    cond += cond.empty() ? "" : " OR ";
    params.emplace_back(r.type);
    if (!r.only_created_by) {
      cond += "record_type = ?";
    } else {
      // A record's creator is the actor of its create (of every record of a create range).
      cond += "(record_type = ? AND CASE WHEN op = 'create' THEN actor = ? ELSE record_id IN (SELECT id FROM " +
              quote(r.type) + " WHERE created_by = ?) END)";
      params.emplace_back(*r.only_created_by);
      params.emplace_back(*r.only_created_by);
    }
  }
  auto& s = c.prepare(
      "SELECT seq, record_type, record_id, op, version, at, actor, span FROM clmis_change "
      "WHERE seq >= ? AND (" + cond + ") ORDER BY seq LIMIT ?");
  int i = 1;
  for (const auto& p : params) s.bind(i++, p);
  s.bind(i, static_cast<std::int64_t>(limit));
  while (s.step() && static_cast<int>(out.size()) < limit) {
    const std::int64_t seq = s.int64(0), id = s.int64(2), span = s.int64(7);
    for (std::int64_t k = 0; k < span && static_cast<int>(out.size()) < limit; ++k) {
      if (seq + k <= since) continue;
      out.push_back({seq + k, s.text(1), id + k, s.text(3), s.int64(4), s.text(5), s.int64(6)});
    }
  }
  s.reset();
  return out;
}

std::optional<std::int64_t> last_change(Connection& c) {
  flush_pending(c);
  return c.scalar("SELECT seq + span - 1 FROM clmis_change ORDER BY seq DESC LIMIT 1");
}

std::optional<std::string> last_status_date(Connection& c, const pack::RecordType& t, std::int64_t id) {
  auto& s = c.statement(kStatusLast, &t, [&] {
    return "SELECT effective_day FROM " + quote(status_table(t)) + " WHERE record_id = ? ORDER BY n DESC LIMIT 1";
  });
  s.bind(1, id);
  std::optional<std::string> d;
  if (s.step()) d = day_text(s.int64(0));
  s.reset();
  return d;
}

std::optional<std::string> first_status_change_date(Connection& c, const pack::RecordType& t, std::int64_t id) {
  auto& s = c.statement(kStatusFirst, &t, [&] {
    return "SELECT effective_day FROM " + quote(status_table(t)) + " WHERE record_id = ? AND n > 0 ORDER BY n LIMIT 1";
  });
  s.bind(1, id);
  std::optional<std::string> d;
  if (s.step()) d = day_text(s.int64(0));
  s.reset();
  return d;
}

void set_initial_date(Connection& c, const pack::RecordType& t, std::int64_t id, const std::string& date) {
  c.statement(kStatusInitial, &t, [&] {
     return "UPDATE " + quote(status_table(t)) + " SET effective_day = ? WHERE record_id = ? AND n = 0";
   })
      .bind(1, day_number(date)).bind(2, id).run();
}

std::map<std::string, std::int64_t> status_counts(Connection& c, const pack::RecordType& t, const std::string& date) {
  ReadTransaction rt(c);
  // Each record's last row on or before the date: max(n) over the rows of the date (the row the
  // bare column status comes from, as SQLite documents for min/max aggregates).
  auto& s = c.statement(kStatusCounts, &t, [&] {
    return "SELECT x.status, count(*) FROM (SELECT record_id, status, max(n) FROM " + quote(status_table(t)) +
           " WHERE effective_day <= ? GROUP BY record_id) x JOIN " + quote(t.name) +
           " r ON r.id = x.record_id AND r.archived = 0 GROUP BY x.status";
  });
  s.bind(1, day_number(date));
  std::map<std::string, std::int64_t> counts;
  while (s.step()) counts[s.text(0)] = s.int64(1);
  s.reset();
  return counts;
}

std::int64_t day_number(const std::string& date) {
  const auto d = parse_date(date);
  if (!d) throw StorageError("not a date: \"" + date + "\"");
  return d->time_since_epoch().count();
}

std::string day_text(std::int64_t day) { return format_date(Date{date::days{day}}); }

std::int64_t utc_seconds(const std::string& at) {
  const auto t = parse_datetime(at);
  if (!t) throw StorageError("not a UTC time: \"" + at + "\"");
  return t->time_since_epoch().count();
}

std::string utc_text(std::int64_t seconds) { return format_datetime(DateTime{std::chrono::seconds{seconds}}); }

}  // namespace clmis::store
