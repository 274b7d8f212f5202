#include "store/deadlines.hpp"

#include "store/feed.hpp"

#include <cstdint>

namespace clmis::store {

namespace {

enum Kind { kOf = 300, kRunning, kInsert, kUpdate, kEvents, kEventInsert, kAssignee, kAssignSet, kAssignAdd, kAssignments, kAssignedTo, kAssignDeadlines };

// An officer's queue reads this index's range for the officer in (due_day, id) order and stops
// at the page's end, instead of walking every running deadline in due order until fifty of the
// officer's turn up (issue 15's benchmark: 1,300 entries for a busy officer, all 178,000 for
// one with no open case).
const char* const kOfficerIndexDdl =
    "CREATE INDEX clmis_deadline_officer ON clmis_deadline(assigned_to, due_day) WHERE state IN ('open', 'paused')";

const char* const kDeadlineTableDdl = R"(CREATE TABLE clmis_deadline (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  deadline TEXT NOT NULL,
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  started_day INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('working_days', 'calendar_days', 'months')),
  length INTEGER NOT NULL CHECK (length >= 0),
  extension INTEGER NOT NULL DEFAULT 0 CHECK (extension >= 0),
  state TEXT NOT NULL CHECK (state IN ('open', 'paused', 'met', 'cleared')),
  due_day INTEGER,
  ended_day INTEGER,
  seq INTEGER NOT NULL,
  assigned_to INTEGER REFERENCES clmis_user(id),
  before_day INTEGER,
  UNIQUE (record_type, record_id, deadline, cycle)
) STRICT)";

const char* const kRunningIndexDdl =
    "CREATE INDEX clmis_deadline_running ON clmis_deadline(due_day) WHERE state IN ('open', 'paused')";

const char* const kColumns =
    "id, record_type, record_id, deadline, cycle, started_day, unit, length, extension, state, due_day, ended_day, seq, "
    "before_day";

DeadlineRow read(Stmt& s) {
  DeadlineRow r;
  r.id = s.int64(0);
  r.record_type = s.text(1);
  r.record_id = s.int64(2);
  r.deadline = s.text(3);
  r.cycle = s.int64(4);
  r.started_day = s.int64(5);
  r.unit = s.text(6);
  r.length = s.int64(7);
  r.extension = s.int64(8);
  r.state = s.text(9);
  if (!s.is_null(10)) r.due_day = s.int64(10);
  if (!s.is_null(11)) r.ended_day = s.int64(11);
  r.seq = s.int64(12);
  if (!s.is_null(13)) r.before_day = s.int64(13);
  return r;
}

void bind_opt(Stmt& s, int i, const std::optional<std::int64_t>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i, nullptr);
}

}  // namespace

std::vector<std::string> deadline_ddl() {
  return {
      kDeadlineTableDdl,
      // Work queues: the running deadlines by due day, and an officer's by due day.
      kRunningIndexDdl,
      kOfficerIndexDdl,
      R"(CREATE TABLE clmis_deadline_event (
  deadline_id INTEGER NOT NULL REFERENCES clmis_deadline(id),
  n INTEGER NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('start', 'pause', 'resume', 'extend', 'meet', 'clear', 'recompute')),
  day INTEGER NOT NULL,
  days INTEGER,
  reason TEXT,
  actor INTEGER NOT NULL,
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (deadline_id, n)
) STRICT, WITHOUT ROWID)",
      R"(CREATE TABLE clmis_case (
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  assigned_to INTEGER REFERENCES clmis_user(id),
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (record_type, record_id)
) STRICT, WITHOUT ROWID)",
      "CREATE INDEX clmis_case_assigned ON clmis_case(assigned_to, record_type) WHERE assigned_to IS NOT NULL",
      R"(CREATE TABLE clmis_assignment (
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  assigned_to INTEGER REFERENCES clmis_user(id),
  by INTEGER NOT NULL REFERENCES clmis_user(id),
  at INTEGER NOT NULL,
  reason TEXT,
  seq INTEGER NOT NULL,
  PRIMARY KEY (record_type, record_id, n)
) STRICT, WITHOUT ROWID)"};
}

std::vector<std::string> deadline_months_ddl() {
  // SQLite cannot change a CHECK constraint: the table is made again under its name (foreign
  // keys off, by the caller: clmis_deadline_event refers to it by name, and keeps referring).
  std::string table = kDeadlineTableDdl;
  table.replace(table.find("clmis_deadline ("), 15, "clmis_deadline_10");
  return {table,
          "INSERT INTO clmis_deadline_10(id, record_type, record_id, deadline, cycle, started_day, unit, length, "
          "extension, state, due_day, ended_day, seq, assigned_to) SELECT id, record_type, record_id, deadline, cycle, "
          "started_day, unit, length, extension, state, due_day, ended_day, seq, assigned_to FROM clmis_deadline",
          "DROP TABLE clmis_deadline",
          "ALTER TABLE clmis_deadline_10 RENAME TO clmis_deadline",
          kRunningIndexDdl,
          kOfficerIndexDdl};
}

std::vector<std::string> deadline_officer_ddl() {
  return {"ALTER TABLE clmis_deadline ADD COLUMN assigned_to INTEGER REFERENCES clmis_user(id)",
          "UPDATE clmis_deadline SET assigned_to = (SELECT k.assigned_to FROM clmis_case k WHERE k.record_type = "
          "clmis_deadline.record_type AND k.record_id = clmis_deadline.record_id) WHERE state IN ('open', 'paused')",
          kOfficerIndexDdl};
}

std::vector<DeadlineRow> deadlines_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kOf, nullptr, [] {
    return std::string("SELECT ") + kColumns + " FROM clmis_deadline WHERE record_type = ? AND record_id = ? ORDER BY id";
  });
  s.bind(1, type).bind(2, id);
  std::vector<DeadlineRow> out;
  while (s.step()) out.push_back(read(s));
  s.reset();
  return out;
}

std::vector<DeadlineRow> running_deadlines(Connection& c) {
  auto& s = c.statement(kRunning, nullptr, [] {
    return std::string("SELECT ") + kColumns + " FROM clmis_deadline WHERE state IN ('open', 'paused') ORDER BY id";
  });
  std::vector<DeadlineRow> out;
  while (s.step()) out.push_back(read(s));
  s.reset();
  return out;
}

void insert_deadline(Connection& c, DeadlineRow& r) {
  auto& s = c.statement(kInsert, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_deadline(record_type, record_id, deadline, cycle, started_day, unit, length, extension, "
        "state, due_day, ended_day, seq, assigned_to, before_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, (SELECT assigned_to FROM clmis_case WHERE record_type = ?1 AND record_id = ?2), ?13)");
  });
  s.bind(1, r.record_type).bind(2, r.record_id).bind(3, r.deadline).bind(4, r.cycle).bind(5, r.started_day);
  s.bind(6, r.unit).bind(7, r.length).bind(8, r.extension).bind(9, r.state);
  bind_opt(s, 10, r.due_day);
  bind_opt(s, 11, r.ended_day);
  s.bind(12, r.seq);
  bind_opt(s, 13, r.before_day);
  s.run();
  r.id = c.last_insert_rowid();
}

void update_deadline(Connection& c, const DeadlineRow& r) {
  auto& s = c.statement(kUpdate, nullptr, [] {
    return std::string(
        "UPDATE clmis_deadline SET extension = ?1, state = ?2, due_day = ?3, ended_day = ?4, seq = ?5, "
        // A deadline that runs again (reopened, or a met one recomputed) takes the case's
        // officer: queue_rows reads the officer of a running deadline from here.
        "assigned_to = CASE WHEN ?2 IN ('open', 'paused') AND state NOT IN ('open', 'paused') THEN (SELECT k.assigned_to "
        "FROM clmis_case k WHERE k.record_type = clmis_deadline.record_type AND k.record_id = clmis_deadline.record_id) "
        "ELSE assigned_to END, before_day = ?7 WHERE id = ?6");
  });
  s.bind(1, r.extension).bind(2, r.state);
  bind_opt(s, 3, r.due_day);
  bind_opt(s, 4, r.ended_day);
  s.bind(5, r.seq).bind(6, r.id);
  bind_opt(s, 7, r.before_day);
  s.run();
}

std::vector<DeadlineEventRow> deadline_events(Connection& c, std::int64_t deadline_id) {
  auto& s = c.statement(kEvents, nullptr, [] {
    return std::string(
        "SELECT deadline_id, n, event, day, days, reason, actor, at, seq FROM clmis_deadline_event "
        "WHERE deadline_id = ? ORDER BY n");
  });
  s.bind(1, deadline_id);
  std::vector<DeadlineEventRow> out;
  while (s.step()) {
    DeadlineEventRow e;
    e.deadline_id = s.int64(0);
    e.n = s.int64(1);
    e.event = s.text(2);
    e.day = s.int64(3);
    if (!s.is_null(4)) e.days = s.int64(4);
    if (!s.is_null(5)) e.reason = s.text(5);
    e.actor = s.int64(6);
    e.at = s.int64(7);
    e.seq = s.int64(8);
    out.push_back(std::move(e));
  }
  s.reset();
  return out;
}

void append_deadline_event(Connection& c, DeadlineEventRow& e) {
  auto& s = c.statement(kEventInsert, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_deadline_event(deadline_id, n, event, day, days, reason, actor, at, seq) "
        "SELECT ?1, coalesce(max(n), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM clmis_deadline_event "
        "WHERE deadline_id = ?1 RETURNING n");
  });
  s.bind(1, e.deadline_id).bind(2, e.event).bind(3, e.day);
  bind_opt(s, 4, e.days);
  if (e.reason) s.bind(5, *e.reason);
  else s.bind(5, nullptr);
  s.bind(6, e.actor).bind(7, e.at).bind(8, e.seq);
  if (s.step()) e.n = s.int64(0);
  s.reset();
}

std::optional<std::int64_t> case_assignee(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kAssignee, nullptr, [] {
    return std::string("SELECT assigned_to FROM clmis_case WHERE record_type = ? AND record_id = ?");
  });
  s.bind(1, type).bind(2, id);
  std::optional<std::int64_t> out;
  if (s.step() && !s.is_null(0)) out = s.int64(0);
  s.reset();
  return out;
}

void assign_case(Connection& c, const std::string& type, std::int64_t id, std::optional<std::int64_t> user,
                 std::int64_t by, std::int64_t at, const std::optional<std::string>& reason, std::int64_t seq) {
  auto& set = c.statement(kAssignSet, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_case(record_type, record_id, assigned_to, assigned_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(record_type, record_id) DO UPDATE SET assigned_to = ?3, assigned_at = ?4");
  });
  set.bind(1, type).bind(2, id);
  bind_opt(set, 3, user);
  set.bind(4, at);
  set.run();
  // The officer of the case's running deadlines (an officer's queue reads them by it).
  auto& officer = c.statement(kAssignDeadlines, nullptr, [] {
    return std::string(
        "UPDATE clmis_deadline SET assigned_to = ?3 WHERE record_type = ?1 AND record_id = ?2 "
        "AND state IN ('open', 'paused')");
  });
  officer.bind(1, type).bind(2, id);
  bind_opt(officer, 3, user);
  officer.run();
  auto& add = c.statement(kAssignAdd, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_assignment(record_type, record_id, n, assigned_to, by, at, reason, seq) "
        "SELECT ?1, ?2, coalesce(max(n), 0) + 1, ?3, ?4, ?5, ?6, ?7 FROM clmis_assignment "
        "WHERE record_type = ?1 AND record_id = ?2");
  });
  add.bind(1, type).bind(2, id);
  bind_opt(add, 3, user);
  add.bind(4, by).bind(5, at);
  if (reason) add.bind(6, *reason);
  else add.bind(6, nullptr);
  add.bind(7, seq);
  add.run();
}

std::vector<std::int64_t> cases_assigned_to(Connection& c, const std::string& type, std::int64_t user) {
  auto& s = c.statement(kAssignedTo, nullptr, [] {
    return std::string("SELECT record_id FROM clmis_case WHERE assigned_to = ? AND record_type = ? ORDER BY record_id");
  });
  s.bind(1, user).bind(2, type);
  std::vector<std::int64_t> out;
  while (s.step()) out.push_back(s.int64(0));
  s.reset();
  return out;
}

std::vector<AssignmentRow> assignments_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kAssignments, nullptr, [] {
    return std::string(
        "SELECT n, assigned_to, by, at, reason, seq FROM clmis_assignment WHERE record_type = ? AND record_id = ? ORDER BY n");
  });
  s.bind(1, type).bind(2, id);
  std::vector<AssignmentRow> out;
  while (s.step()) {
    AssignmentRow a;
    a.n = s.int64(0);
    if (!s.is_null(1)) a.user = s.int64(1);
    a.by = s.int64(2);
    a.at = s.int64(3);
    if (!s.is_null(4)) a.reason = s.text(4);
    a.seq = s.int64(5);
    out.push_back(std::move(a));
  }
  s.reset();
  return out;
}

void queue_rows(Connection& c, const std::vector<const pack::RecordType*>& types, std::optional<std::int64_t> assignee,
                std::optional<std::int64_t> due_before, std::optional<std::int64_t> due_until,
                std::optional<std::pair<std::int64_t, std::int64_t>> after, int limit,
                const std::function<void(const QueueRow&)>& row) {
  // Two parts, so that each reads the index of running deadlines in its own order and stops at
  // the page's end (issue 15's benchmark: a million complaints, three million deadlines):
  //   1. the deadlines with a due day, by (due_day, id): clmis_deadline_running is on due_day,
  //      and its entries are in (due_day, id) order;
  //   2. then, unless a due day bounds the list, the paused ones (no due day: they sort last,
  //      as the largest day), by id.
  // The page's position (due_day, id), a paused row's due_day being INT64_MAX, says which part
  // the page starts in. Written so that SQLite cannot take a worse plan: the type filter is
  // "+d.record_type" (not an index term: on the unique (record_type, record_id, ...) index it
  // would read every deadline of the type ever started), and an officer's queue filters on the
  // officer kept on each running deadline (format 8), read from clmis_deadline_officer in
  // (due_day, id) order. The case's number and state and the officer's name come in the same
  // statement, joined to the rows of the page only.
  constexpr std::int64_t kPaused = INT64_MAX;
  int given = 0;
  auto part = [&](bool paused, int want) {
    std::vector<SqlValue> params;
    std::string status = "NULL", number = "NULL", joins;
    if (types.size() == 1) {
      // One type (the usual queue): a plain join, the type a filter on the deadline.
      const auto& t = *types[0];
      joins = " JOIN " + quote(t.name) + " r0 ON r0.id = d.record_id";
      if (t.workflow) status = "r0." + quote(t.workflow->status_field);
      for (const auto& f : t.fields)
        if (f.assigned()) number += ", r0." + quote(f.name);
      number = "coalesce(" + number + ")";
    } else {
      for (size_t i = 0; i < types.size(); ++i) {
        const auto& t = *types[i];
        const std::string r = "r" + std::to_string(i);
        joins += " LEFT JOIN " + quote(t.name) + " " + r + " ON d.record_type = ? AND " + r + ".id = d.record_id";
        params.emplace_back(t.name);
        if (t.workflow) status += ", " + r + "." + quote(t.workflow->status_field);
        for (const auto& f : t.fields)
          if (f.assigned()) number += ", " + r + "." + quote(f.name);
      }
      status = "coalesce(" + status + ")";
      number = "coalesce(" + number + ")";
    }
    // The officer is the one kept on the running deadline (d.assigned_to: set from the case
    // whenever a deadline starts or runs again, and on every assignment), so the page needs no
    // read of clmis_case.
    std::string sql = "SELECT d.id, d.record_type, d.record_id, d.deadline, d.state, d.due_day, d.assigned_to, u.name, " +
                      status + ", " + number + " FROM clmis_deadline d" + joins +
                      " LEFT JOIN clmis_user u ON u.id = d.assigned_to"
                      " WHERE d.state IN ('open', 'paused') AND d.due_day IS " + (paused ? "NULL" : "NOT NULL");
    if (!types.empty()) {
      sql += " AND +d.record_type IN (";
      for (size_t i = 0; i < types.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.emplace_back(types[i]->name);
      }
      sql += ")";
    }
    if (assignee) {
      sql += " AND d.assigned_to = ?";
      params.emplace_back(*assignee);
    }
    if (due_before) {
      sql += " AND d.due_day < ?";
      params.emplace_back(*due_before);
    }
    if (due_until) {
      sql += " AND d.due_day <= ?";
      params.emplace_back(*due_until);
    }
    if (after && paused && after->first == kPaused) {
      sql += " AND d.id > ?";
      params.emplace_back(after->second);
    } else if (after && !paused) {
      sql += " AND d.due_day >= ? AND (d.due_day > ? OR d.id > ?)";
      params.emplace_back(after->first);
      params.emplace_back(after->first);
      params.emplace_back(after->second);
    }
    sql += paused ? " ORDER BY d.id LIMIT ?" : " ORDER BY d.due_day, d.id LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(want));
    auto& s = c.prepare(sql);
    for (size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
    std::string number_text;  // the officer's id as text when the user row is missing
    while (s.step()) {
      QueueRow q;
      q.id = s.int64(0);
      q.record_type = s.view(1);
      q.record_id = s.int64(2);
      q.deadline = s.view(3);
      q.state = s.view(4);
      if (!s.is_null(5)) q.due_day = s.int64(5);
      if (!s.is_null(6)) q.assigned_to = s.int64(6);
      if (!s.is_null(7)) q.officer = s.view(7);
      else if (q.assigned_to) q.officer = number_text = std::to_string(*q.assigned_to);
      if (!s.is_null(8)) q.status = s.view(8);
      if (!s.is_null(9)) q.number = s.view(9);
      ++given;
      row(q);
    }
    s.reset();
  };
  const bool first = !after || after->first != kPaused;
  const bool second = !due_before && !due_until;
  // One snapshot for a page that may take both parts. (One statement for both, a UNION ALL of
  // the parts, measured 20 to 40 % slower than two: issue 15's benchmark.)
  std::optional<ReadTransaction> rt;
  if (first && second) rt.emplace(c);
  if (first) part(false, limit);
  if (second && given < limit) part(true, limit - given);
}

std::vector<AgeingRow> ageing(Connection& c, const pack::RecordType& t, std::int64_t day) {
  const auto& wf = *t.workflow;
  const std::string received = quote(wf.date_field);
  auto& s = c.prepare(
      "WITH last AS (SELECT record_id, status, row_number() OVER (PARTITION BY record_id ORDER BY n DESC) AS k "
      "FROM " + quote(status_table(t)) + " WHERE effective_day <= ?1) "
      "SELECT last.status, CASE WHEN ?1 - r." + received + " <= 30 THEN 0 WHEN ?1 - r." + received +
      " <= 60 THEN 1 WHEN ?1 - r." + received + " <= 90 THEN 2 ELSE 3 END AS band, count(*) "
      "FROM last JOIN " + quote(t.name) + " r ON r.id = last.record_id "
      "WHERE last.k = 1 AND last.status <> 'closed' AND r.archived = 0 AND r." + received + " <= ?1 "
      "GROUP BY 1, 2 ORDER BY 1, 2");
  s.bind(1, day);
  std::vector<AgeingRow> out;
  while (s.step()) out.push_back({s.text(0), static_cast<int>(s.int64(1)), s.int64(2)});
  s.reset();
  return out;
}

}  // namespace clmis::store
