#include "store/deadlines.hpp"

namespace clmis::store {

namespace {

enum Kind { kOf = 300, kRunning, kInsert, kUpdate, kEvents, kEventInsert };

const char* const kColumns =
    "id, record_type, record_id, deadline, cycle, started_day, unit, length, extension, state, due_day, ended_day, seq";

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
  return r;
}

void bind_opt(Stmt& s, int i, const std::optional<std::int64_t>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i, nullptr);
}

}  // namespace

std::vector<std::string> deadline_ddl() {
  return {
      R"(CREATE TABLE clmis_deadline (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  deadline TEXT NOT NULL,
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  started_day INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('working_days', 'calendar_days')),
  length INTEGER NOT NULL CHECK (length >= 0),
  extension INTEGER NOT NULL DEFAULT 0 CHECK (extension >= 0),
  state TEXT NOT NULL CHECK (state IN ('open', 'paused', 'met', 'cleared')),
  due_day INTEGER,
  ended_day INTEGER,
  seq INTEGER NOT NULL,
  UNIQUE (record_type, record_id, deadline, cycle)
) STRICT)",
      // Work queues: the running deadlines by due day.
      "CREATE INDEX clmis_deadline_running ON clmis_deadline(due_day) WHERE state IN ('open', 'paused')",
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
) STRICT, WITHOUT ROWID)"};
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
        "state, due_day, ended_day, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, r.record_type).bind(2, r.record_id).bind(3, r.deadline).bind(4, r.cycle).bind(5, r.started_day);
  s.bind(6, r.unit).bind(7, r.length).bind(8, r.extension).bind(9, r.state);
  bind_opt(s, 10, r.due_day);
  bind_opt(s, 11, r.ended_day);
  s.bind(12, r.seq);
  s.run();
  r.id = c.last_insert_rowid();
}

void update_deadline(Connection& c, const DeadlineRow& r) {
  auto& s = c.statement(kUpdate, nullptr, [] {
    return std::string(
        "UPDATE clmis_deadline SET extension = ?, state = ?, due_day = ?, ended_day = ?, seq = ? WHERE id = ?");
  });
  s.bind(1, r.extension).bind(2, r.state);
  bind_opt(s, 3, r.due_day);
  bind_opt(s, 4, r.ended_day);
  s.bind(5, r.seq).bind(6, r.id);
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

}  // namespace clmis::store
