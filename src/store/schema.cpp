#include "store/schema.hpp"

#include "clmis/error.hpp"
#include "store/deadlines.hpp"
#include "store/documents.hpp"
#include "store/overrides.hpp"
#include "store/series.hpp"
#include "store/feed.hpp"

#include <algorithm>

namespace clmis::store {

std::vector<Column> columns_of(const pack::Field& f) {
  const auto names = f.columns();
  switch (f.type) {
    case FieldType::money: return {{names[0], "INTEGER"}, {names[1], "TEXT"}};
    case FieldType::decimal:
    case FieldType::integer:
    case FieldType::boolean:
    case FieldType::reference:
    case FieldType::date:      // days since 1970-01-01 (format 6)
    case FieldType::datetime:  // UTC seconds since 1970-01-01T00:00:00Z (format 6)
      return {{names[0], "INTEGER"}};
    default: return {{names[0], "TEXT"}};
  }
}

std::string column_list(const std::vector<pack::Field>& fields) {
  std::string sql;
  for (const auto& f : fields)
    for (const auto& c : columns_of(f)) sql += ", " + quote(c.name);
  return sql;
}

std::string system_column_list() {
  std::string sql;
  for (const auto& f : pack::kSystemFields) sql += (sql.empty() ? "" : ", ") + std::string(f.name);
  return sql;
}

std::string select_sql(const pack::RecordType& t, const std::string& extra) {
  return "SELECT " + system_column_list() + column_list(t.fields) + extra + " FROM " + quote(t.name);
}

std::string section_table(const pack::RecordType& t, const pack::Section& s) {
  return t.name + "__" + s.name;
}

namespace {
std::string record_table_sql(const pack::RecordType& t, const std::string& name);
std::string section_table_sql(const pack::RecordType& t, const pack::Section& s, const std::string& name);

const char* const kSequenceDdl = R"(CREATE TABLE clmis_sequence (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT)";

const char* const kPasswordHistoryDdl = R"(CREATE TABLE clmis_password_history (
  user_id INTEGER NOT NULL REFERENCES clmis_user(id),
  password_hash TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT)";

// Consecutive failed logins and the lock they cause: security state that a refused login
// changes, kept apart from the accounts (like the security log, it is not domain data).
const char* const kLoginStateDdl = R"(CREATE TABLE clmis_login_state (
  user_id INTEGER PRIMARY KEY REFERENCES clmis_user(id),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
) STRICT)";

// Days a country's administrator enters in its calendar: the date a rule of the profile's
// calendar has in a year (a proclamation), or a one-off day off. A mistaken entry is withdrawn,
// never deleted: the row stays, with who withdrew it and when.
const char* const kCalendarDayDdl = R"(CREATE TABLE clmis_calendar_day (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  year INTEGER NOT NULL,
  date TEXT NOT NULL,
  rule TEXT,
  name TEXT,
  note TEXT,
  entered_at TEXT NOT NULL,
  entered_by INTEGER NOT NULL REFERENCES clmis_user(id),
  withdrawn_at TEXT,
  withdrawn_by INTEGER REFERENCES clmis_user(id),
  CHECK ((rule IS NULL) <> (name IS NULL))
) STRICT)";
const char* const kCalendarDayIndexDdl =
    "CREATE INDEX clmis_calendar_day_year ON clmis_calendar_day(year, withdrawn_at)";

const char* const kServiceKeyDdl = R"(CREATE TABLE clmis_service_key (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL UNIQUE,
  roles TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES clmis_user(id),
  expires_at TEXT,
  revoked_at TEXT,
  revoked_by INTEGER REFERENCES clmis_user(id)
) STRICT)";
}  // namespace

std::vector<std::pair<std::string, std::string>> audit_triggers() {
  return {
      {"clmis_audit_no_update",
       "CREATE TRIGGER clmis_audit_no_update BEFORE UPDATE ON clmis_audit BEGIN "
       "SELECT RAISE(ABORT, 'the audit trail is append-only'); END"},
      {"clmis_audit_no_delete",
       "CREATE TRIGGER clmis_audit_no_delete BEFORE DELETE ON clmis_audit BEGIN "
       "SELECT RAISE(ABORT, 'the audit trail is append-only'); END"},
  };
}

namespace {
// seq is a change number, not a clmis_change row: a row may cover a range of them.
const char* const kHistoryDdl = R"(CREATE TABLE clmis_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  field TEXT,
  from_value TEXT,
  to_value TEXT,
  effective_date TEXT NOT NULL,
  detail TEXT,
  actor INTEGER NOT NULL REFERENCES clmis_user(id),
  at TEXT NOT NULL
) STRICT)";
// A record's history in date order; a field's rows by date (stocks of history fields).
const char* const kHistoryRecordIndexDdl =
    "CREATE INDEX clmis_history_record ON clmis_history(record_type, record_id, field, effective_date)";
const char* const kHistoryFieldIndexDdl =
    "CREATE INDEX clmis_history_field ON clmis_history(record_type, field, effective_date)";
const char* const kChangeCreateIndexDdl =
    "CREATE INDEX clmis_change_create ON clmis_change(record_type, record_id) WHERE op = 'create'";

// Format 4 → 5: change ranges, status tables, no "created" rows.
void upgrade_to_5(Connection& c, const pack::Pack& p, const std::function<std::string(const std::string&)>& day_of) {
  c.exec("ALTER TABLE clmis_change ADD COLUMN span INTEGER NOT NULL DEFAULT 1 CHECK (span >= 1)");
  c.exec(kChangeCreateIndexDdl);
  for (const auto& t : p.record_types) {
    const std::string table = quote(t.name);
    if (t.workflow) {
      apply_ddl(c, status_table_ddl(t));
      // Each record's status rows in the order written: n 0 is its initial state. The initial
      // row's actor and time are left NULL when they are the record's creation's.
      c.prepare("INSERT INTO " + quote(status_table(t)) +
                " (record_id, n, effective_day, status, event, seq, actor, at, detail) "
                "SELECT h.record_id, row_number() OVER (PARTITION BY h.record_id ORDER BY h.id) - 1, "
                "CAST(strftime('%s', h.effective_date) AS INTEGER) / 86400, h.to_value, "
                "CASE WHEN h.event = 'initial' THEN NULL ELSE h.event END, h.seq, "
                "CASE WHEN h.event = 'initial' AND h.actor = r.created_by AND h.at = r.created_at THEN NULL ELSE h.actor END, "
                "CASE WHEN h.event = 'initial' AND h.actor = r.created_by AND h.at = r.created_at THEN NULL "
                "ELSE CAST(strftime('%s', h.at) AS INTEGER) END, h.detail "
                "FROM clmis_history h JOIN " + table + " r ON r.id = h.record_id "
                "WHERE h.record_type = ? AND h.field = ? AND h.event <> 'changed' ORDER BY h.record_id, h.id")
          .bind(1, t.name).bind(2, t.workflow->status_field).run();
      // A status row must be the first of its record exactly when it is the initial one.
      auto& bad = c.prepare("SELECT count(*) FROM " + quote(status_table(t)) +
                            " WHERE (n = 0) <> (event IS NULL)");
      bad.step();
      const auto n_bad = bad.int64(0);
      bad.reset();
      if (n_bad != 0)
        throw StorageError("the status history of " + t.name + " does not start with an initial state (" +
                           std::to_string(n_bad) + " rows); the database was not upgraded");
      // Only the rows copied: a row of a record that is not there (a damaged file) stays where it is.
      c.prepare("DELETE FROM clmis_history WHERE record_type = ? AND field = ? AND event <> 'changed' "
                "AND record_id IN (SELECT id FROM " + table + ")")
          .bind(1, t.name).bind(2, t.workflow->status_field).run();
    }
    // "created" rows that say no more than the record's creation columns and change (its time,
    // its author, its change number, and the country's date of that time); others stay.
    std::vector<std::int64_t> drop;
    auto& q = c.prepare("SELECT h.id, h.at, h.effective_date FROM clmis_history h JOIN " + table +
                        " r ON r.id = h.record_id WHERE h.record_type = ? AND h.event = 'created' "
                        "AND h.field IS NULL AND h.from_value IS NULL AND h.to_value IS NULL AND h.detail IS NULL "
                        "AND h.at = r.created_at AND h.actor = r.created_by AND h.seq = (SELECT c.seq FROM "
                        "clmis_change c WHERE c.record_type = h.record_type AND c.record_id = h.record_id "
                        "AND c.op = 'create')");
    q.bind(1, t.name);
    while (q.step())
      if (day_of(q.text(1)) == q.text(2)) drop.push_back(q.int64(0));
    q.reset();
    for (auto id : drop) c.prepare("DELETE FROM clmis_history WHERE id = ?").bind(1, id).run();
  }
  // clmis_history without the foreign key of seq (the 12 steps of SQLite's "ALTER TABLE"
  // documentation; nothing refers to clmis_history).
  c.exec("ALTER TABLE clmis_history RENAME TO clmis_history_format4");
  c.exec("DROP INDEX clmis_history_record");
  c.exec("DROP INDEX clmis_history_field");
  c.exec(kHistoryDdl);
  c.exec("INSERT INTO clmis_history (id, seq, record_type, record_id, event, field, from_value, to_value, "
         "effective_date, detail, actor, at) SELECT id, seq, record_type, record_id, event, field, from_value, "
         "to_value, effective_date, detail, actor, at FROM clmis_history_format4 ORDER BY id");
  c.exec("DROP TABLE clmis_history_format4");
  c.exec(kHistoryRecordIndexDdl);
  c.exec(kHistoryFieldIndexDdl);
  apply_ddl(c, views_ddl(p));
}

/// Format 5 → 6: dates as day numbers and times as UTC seconds in every record and section
/// table. Each table is made again under its own name (SQLite's "making other kinds of table
/// schema changes": a new table, the rows copied, the old one dropped, the new one renamed),
/// with the indexes it had and its AUTOINCREMENT counter; the caller has turned foreign keys off
/// (the engine, before the transaction) and they are checked here at the end.
void rebuild_table(Connection& c, const std::string& table, const std::string& create_sql,
                   const std::vector<std::pair<std::string, FieldType>>& columns, const pack::RecordType* keys_of = nullptr) {
  // The table holds exactly the columns the pack says.
  std::vector<std::string> found;
  {
    auto& s = c.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    s.bind(1, table);
    while (s.step()) found.push_back(s.text(0));
    s.reset();
  }
  for (const auto& [name, type] : columns)
    if (std::find(found.begin(), found.end(), name) == found.end())
      throw StorageError("table " + table + " has no column " + name + "; the database was not upgraded");
  for (const auto& name : found)
    if (std::none_of(columns.begin(), columns.end(), [&](const auto& col) { return col.first == name; }))
      throw StorageError("table " + table + " has a column " + name +
                         " its record type does not declare; the database was not upgraded");
  // Every stored date and time converts, and converts back to the same text.
  std::string list, exprs;
  for (const auto& [name, type] : columns) {
    const std::string q = quote(name);
    list += (list.empty() ? "" : ", ") + q;
    if (type == FieldType::date || type == FieldType::datetime) {
      const std::string back = type == FieldType::date ? "date(unixepoch(" + q + "), 'unixepoch')"
                                                       : "strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(" + q + "), 'unixepoch')";
      const auto bad = c.scalar("SELECT count(*) FROM " + quote(table) + " WHERE " + q + " IS NOT NULL AND (typeof(" + q +
                                ") <> 'text' OR unixepoch(" + q + ") IS NULL OR " + back + " <> " + q + ")");
      if (bad && *bad != 0)
        throw StorageError("column " + name + " of " + table + " holds " + std::to_string(*bad) + " value(s) that are not " +
                           (type == FieldType::date ? "dates YYYY-MM-DD" : "UTC times YYYY-MM-DDTHH:MM:SSZ") +
                           "; the database was not upgraded");
      exprs += (exprs.empty() ? "" : ", ") +
               (type == FieldType::date ? "unixepoch(" + q + ") / 86400" : "unixepoch(" + q + ")");
    } else {
      exprs += (exprs.empty() ? "" : ", ") + q;
    }
  }
  // The possible-duplicate keys (a record table): computed from the converted values; their
  // indexes replace format 5's on lower() of the columns.
  std::vector<std::string> indexes;
  if (keys_of) {
    for (const auto& d : dup_rules(*keys_of)) {
      std::string args;
      for (const auto& n : d.rule->fields) {
        const auto name = keys_of->field(n)->columns().front();
        const auto at = std::find_if(columns.begin(), columns.end(), [&](const auto& col) { return col.first == name; });
        const std::string q = quote(name);
        args += (args.empty() ? "" : ", ") +
                (at->second == FieldType::date ? "unixepoch(" + q + ") / 86400"
                                               : at->second == FieldType::datetime ? "unixepoch(" + q + ")" : q);
      }
      list += ", " + quote(d.column);
      exprs += ", clmis_dup_key(" + args + ")";
      indexes.push_back(d.index_ddl(*keys_of));
    }
    // external_id: a partial unique index in place of the column's UNIQUE constraint (whose
    // automatic index held a NULL entry for every record without one).
    indexes.push_back(external_id_index_ddl(*keys_of));
  }
  {
    auto& s = c.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                        "ORDER BY name");
    s.bind(1, table);
    while (s.step())
      if (!keys_of || (s.text(0).rfind(table + "_dup_", 0) != 0 && s.text(0) != external_id_index(*keys_of)))
        indexes.push_back(s.text(1));
    s.reset();
  }
  std::optional<std::int64_t> counter;
  {
    auto& s = c.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?");
    s.bind(1, table);
    if (s.step()) counter = s.int64(0);
    s.reset();
  }
  const std::string tmp = "clmis_rebuild";
  c.exec(create_sql);
  c.exec("INSERT INTO " + quote(tmp) + " (" + list + ") SELECT " + exprs + " FROM " + quote(table) + " ORDER BY rowid");
  c.exec("DROP TABLE " + quote(table));
  c.exec("ALTER TABLE " + quote(tmp) + " RENAME TO " + quote(table));
  for (const auto& sql : indexes) c.exec(sql);
  if (counter)
    c.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?").bind(1, *counter).bind(2, table).run();
}

void upgrade_to_6(Connection& c, const pack::Pack& p) {
  // The renames below leave other tables' views and triggers as they are (legacy_alter_table):
  // a table is renamed to the name they already refer to.
  c.exec("PRAGMA legacy_alter_table = ON");
  try {
    for (const auto& t : p.record_types) {
      std::vector<std::pair<std::string, FieldType>> cols;
      for (const auto& f : pack::kSystemFields) cols.emplace_back(f.name, f.type);
      for (const auto& f : t.fields)
        for (const auto& col : columns_of(f)) cols.emplace_back(col.name, col.sql_type == "INTEGER" ? f.type : FieldType::text);
      rebuild_table(c, t.name, record_table_sql(t, "clmis_rebuild"), cols, &t);
      for (const auto& sec : t.sections) {
        std::vector<std::pair<std::string, FieldType>> scols = {
            {"id", FieldType::integer}, {"parent_id", FieldType::integer}, {"item_no", FieldType::integer}};
        for (const auto& f : sec.fields)
          for (const auto& col : columns_of(f)) scols.emplace_back(col.name, col.sql_type == "INTEGER" ? f.type : FieldType::text);
        rebuild_table(c, section_table(t, sec), section_table_sql(t, sec, "clmis_rebuild"), scols);
      }
    }
  } catch (...) {
    sqlite3_exec(c.raw(), "PRAGMA legacy_alter_table = OFF", nullptr, nullptr, nullptr);
    throw;
  }
  c.exec("PRAGMA legacy_alter_table = OFF");
  {
    auto& s = c.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check");
    if (s.step()) {
      const std::string what = s.text(0) + " row " + std::to_string(s.int64(1)) + " refers to a missing " + s.text(2);
      s.reset();
      throw StorageError("after the upgrade to storage format 6, " + what + "; the database was not upgraded");
    }
    s.reset();
  }
  apply_ddl(c, views_ddl(p));
}
}  // namespace

void upgrade_system(Connection& c, int from, const pack::Pack& p,
                    const std::function<std::string(const std::string&)>& day_of) {
  if (from < 2) {
    // Format 1 → 2. Some format-1 files of the development period already have the column.
    const auto has_detail =
        c.scalar("SELECT count(*) FROM pragma_table_info('clmis_history') WHERE name = 'detail'");
    if (!has_detail || *has_detail == 0) c.exec("ALTER TABLE clmis_history ADD COLUMN detail TEXT");
    const auto has_sequence =
        c.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'clmis_sequence'");
    if (!has_sequence || *has_sequence == 0) c.exec(kSequenceDdl);
  }
  if (from < 3) {
    // Format 2 → 3. The MACs of the entries already there are computed by the engine, which
    // holds the key, in the same transaction; it then creates the append-only triggers.
    for (const char* ddl : {
             "ALTER TABLE clmis_user ADD COLUMN roles TEXT NOT NULL DEFAULT '[]'",
             "ALTER TABLE clmis_user ADD COLUMN section TEXT",
             "ALTER TABLE clmis_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 "
             "CHECK (must_change_password IN (0, 1))",
             "ALTER TABLE clmis_user ADD COLUMN password_changed_at TEXT",
             "ALTER TABLE clmis_audit ADD COLUMN mac TEXT"})
      c.exec(ddl);
    c.exec("UPDATE clmis_user SET roles = '[\"administrator\"]'");
    c.exec(kPasswordHistoryDdl);
    c.exec(kLoginStateDdl);
    c.exec(kServiceKeyDdl);
  }
  if (from < 4) {
    // Format 3 → 4: the calendar's entered days.
    c.exec(kCalendarDayDdl);
    c.exec(kCalendarDayIndexDdl);
  }
  if (from < 5) upgrade_to_5(c, p, day_of);
  if (from < 6) upgrade_to_6(c, p);
  if (from < 7)
    for (const auto& ddl : deadline_ddl()) c.exec(ddl);
  if (from == 7)
    for (const auto& ddl : deadline_officer_ddl()) c.exec(ddl);
  if (from < 8)
    for (const auto& ddl : document_ddl()) c.exec(ddl);
  if (from < 9)
    for (const auto& ddl : override_ddl()) c.exec(ddl);
  if (from >= 7 && from < 10) {  // before 7, deadline_ddl made the table of format 10
    for (const auto& ddl : deadline_months_ddl()) c.exec(ddl);
    auto& s = c.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check");
    if (s.step()) {
      const std::string what = s.text(0) + " row " + std::to_string(s.int64(1)) + " refers to a missing " + s.text(2);
      s.reset();
      throw StorageError("after the upgrade to storage format 10, " + what + "; the database was not upgraded");
    }
    s.reset();
  }
  if (from < 11) {
    // Format 10 → 11: clmis_user.agency, then the series tables. A file set back to an older
    // format from a newer one (the tests of the older formats) may have them already.
    const auto ddl = series_ddl();
    if (!has_column(c, "clmis_user", "agency")) c.exec(ddl.front());
    const auto has_series =
        c.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'clmis_series'");
    if (!has_series || *has_series == 0)
      for (std::size_t i = 1; i < ddl.size(); ++i) c.exec(ddl[i]);
  }
  c.prepare("UPDATE clmis_meta SET value = ? WHERE key = 'format'").bind(1, std::to_string(kFormat)).run();
}

void set_foreign_keys(Connection& c, bool on) noexcept {
  sqlite3_exec(c.raw(), on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr);
}

void create_schema(Connection& c, const pack::Pack& p) {
  for (const auto& ddl : system_ddl()) c.exec(ddl);
  for (const auto& ddl : pack_ddl(p)) c.exec(ddl);
  apply_ddl(c, views_ddl(p));
}

std::vector<std::string> status_table_ddl(const pack::RecordType& t) {
  // WITHOUT ROWID, keyed by (record, n): a record's rows sit together, and the rows of records
  // created in id order are appended at the end of the tree.
  return {"CREATE TABLE " + quote(status_table(t)) + " (\n"
          "  record_id INTEGER NOT NULL REFERENCES " + quote(t.name) + "(id),\n"
          "  n INTEGER NOT NULL,\n"
          "  effective_day INTEGER NOT NULL,\n"
          "  status TEXT NOT NULL,\n"
          "  event TEXT,\n"
          "  seq INTEGER NOT NULL,\n"
          "  actor INTEGER REFERENCES clmis_user(id),\n"
          "  at INTEGER,\n"
          "  detail TEXT,\n"
          "  PRIMARY KEY (record_id, n)\n"
          ") STRICT, WITHOUT ROWID"};
}

namespace {
/// SQL giving a stored day number as "YYYY-MM-DD" and UTC seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string date_text(const std::string& col) { return "date(" + col + " * 86400, 'unixepoch')"; }
std::string time_text(const std::string& col) { return "strftime('%Y-%m-%dT%H:%M:%SZ', " + col + ", 'unixepoch')"; }

/// ", col, ..." of fields for a view: dates and times as text, every column under its own name.
std::string text_columns(const std::vector<pack::Field>& fields) {
  std::string sql;
  for (const auto& f : fields)
    for (const auto& c : columns_of(f)) {
      const std::string q = quote(c.name);
      if (f.type == FieldType::date) sql += ", " + date_text(q) + " AS " + q;
      else if (f.type == FieldType::datetime) sql += ", " + time_text(q) + " AS " + q;
      else sql += ", " + q;
    }
  return sql;
}

void add_view(std::vector<std::string>& out, const std::string& table, const std::string& cols) {
  const std::string view = quote(text_view(table));
  out.push_back("DROP VIEW IF EXISTS " + view);
  out.push_back("CREATE VIEW " + view + " AS SELECT " + cols + " FROM " + quote(table));
}
}  // namespace

std::string text_view(const std::string& table) { return "clmis_view_" + table; }

std::string external_id_index(const pack::RecordType& t) { return t.name + "_ux_external_id"; }

std::string external_id_index_ddl(const pack::RecordType& t) {
  return "CREATE UNIQUE INDEX " + quote(external_id_index(t)) + " ON " + quote(t.name) +
         "(external_id) WHERE external_id IS NOT NULL";
}

std::string DupRule::index_ddl(const pack::RecordType& t) const {
  return "CREATE INDEX " + quote(index) + " ON " + quote(t.name) + "(" + quote(column) + ") WHERE " + quote(column) +
         " IS NOT NULL";
}

std::vector<DupRule> dup_rules(const pack::RecordType& t) {
  std::vector<DupRule> out;
  for (const auto& r : t.rules) {
    const auto* pd = std::get_if<pack::rules::PossibleDuplicate>(&r.check);
    if (!pd || !r.section.empty()) continue;
    DupKey names;
    for (const auto& n : pd->fields) names.text(n);
    static const char* const hex = "0123456789abcdef";
    std::string digits;
    const auto u = static_cast<std::uint64_t>(names.value());
    for (int i = 15; i >= 0; --i) digits += hex[(u >> (4 * i)) & 0xF];
    out.push_back({pd, "clmis_dup_" + digits, t.name + "_dup_" + digits});
  }
  return out;
}

std::string dup_key_sql(const pack::RecordType& t, const DupRule& d) {
  std::string args;
  for (const auto& n : d.rule->fields) args += (args.empty() ? "" : ", ") + quote(t.field(n)->columns().front());
  return "clmis_dup_key(" + args + ")";
}

std::vector<std::string> views_ddl(const pack::Pack& p) {
  std::string sql;
  for (const auto& t : p.record_types) {
    if (!t.workflow) continue;
    sql += sql.empty() ? "" : "\nUNION ALL ";
    sql += "SELECT '" + t.name + "' AS record_type, s.record_id, s.n, "
           "date(s.effective_day * 86400, 'unixepoch') AS effective_date, s.status, "
           "coalesce(s.event, 'initial') AS event, s.seq, coalesce(s.actor, r.created_by) AS actor, "
           "strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(s.at, r.created_at), 'unixepoch') AS at, s.detail FROM " +
           quote(status_table(t)) + " s JOIN " + quote(t.name) + " r ON r.id = s.record_id";
  }
  if (sql.empty())
    sql = "SELECT NULL AS record_type, NULL AS record_id, NULL AS n, NULL AS effective_date, NULL AS status, "
          "NULL AS event, NULL AS seq, NULL AS actor, NULL AS at, NULL AS detail WHERE 0";
  std::vector<std::string> out = {"DROP VIEW IF EXISTS clmis_status_history",
                                  "CREATE VIEW clmis_status_history AS " + sql};
  for (const auto& t : p.record_types) {
    std::string cols;
    for (const auto& f : pack::kSystemFields) {
      const std::string name = f.name;
      cols += (cols.empty() ? "" : ", ") + (f.type == FieldType::datetime ? time_text(name) + " AS " + name : name);
    }
    add_view(out, t.name, cols + text_columns(t.fields));
    for (const auto& sec : t.sections) add_view(out, section_table(t, sec), "id, parent_id, item_no" + text_columns(sec.fields));
  }
  return out;
}

void apply_ddl(Connection& c, const std::vector<std::string>& ddl) {
  for (const auto& sql : ddl) c.exec(sql);
}

void create_audit_triggers(Connection& c) {
  for (const auto& [name, sql] : audit_triggers()) c.exec(sql);
}

std::vector<std::string> system_ddl() {
  std::vector<std::string> out = {
      R"(CREATE TABLE clmis_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT)",
      R"(CREATE TABLE clmis_pack_file (
  path TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('pack', 'profile')),
  content TEXT NOT NULL
) STRICT)",
      R"(CREATE TABLE clmis_user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  created_by INTEGER REFERENCES clmis_user(id),
  roles TEXT NOT NULL DEFAULT '[]',
  section TEXT,
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  password_changed_at TEXT
) STRICT)",
      kPasswordHistoryDdl,
      kLoginStateDdl,
      kServiceKeyDdl,
      R"(CREATE TABLE clmis_code_list (
  name TEXT PRIMARY KEY,
  labels TEXT NOT NULL,
  source TEXT NOT NULL,
  attribution TEXT NOT NULL,
  provider TEXT NOT NULL CHECK (provider IN ('pack', 'profile'))
) STRICT)",
      R"(CREATE TABLE clmis_code (
  list TEXT NOT NULL REFERENCES clmis_code_list(name),
  code TEXT NOT NULL,
  parent TEXT,
  level INTEGER NOT NULL,
  labels TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  position INTEGER NOT NULL,
  PRIMARY KEY (list, code)
) STRICT, WITHOUT ROWID)",
      R"(CREATE TABLE clmis_change (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor INTEGER NOT NULL REFERENCES clmis_user(id),
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  op TEXT NOT NULL,
  version INTEGER NOT NULL,
  span INTEGER NOT NULL DEFAULT 1 CHECK (span >= 1)
) STRICT)",
      // A record's create (the first record of its range): history's "created" event.
      kChangeCreateIndexDdl,
      kHistoryDdl,
      kHistoryRecordIndexDdl,
      kHistoryFieldIndexDdl,
      kSequenceDdl,
      R"(CREATE TABLE clmis_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor INTEGER REFERENCES clmis_user(id),
  action TEXT NOT NULL,
  record_type TEXT,
  record_id INTEGER,
  version INTEGER,
  seq INTEGER,
  detail TEXT,
  mac TEXT
) STRICT)",
      kCalendarDayDdl,
      kCalendarDayIndexDdl,
      R"(CREATE TABLE clmis_security_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user_name TEXT,
  event TEXT NOT NULL,
  detail TEXT
) STRICT)",
  };
  for (const auto& ddl : deadline_ddl()) out.push_back(ddl);
  for (const auto& ddl : document_ddl()) out.push_back(ddl);
  for (const auto& ddl : override_ddl()) out.push_back(ddl);
  for (const auto& ddl : series_ddl()) out.push_back(ddl);
  for (const auto& [name, sql] : audit_triggers()) out.push_back(sql);
  return out;
}

namespace {
std::string column_def(const pack::Field& f, const Column& c) {
  std::string sql = quote(c.name) + " " + c.sql_type;
  if (f.type == FieldType::boolean) sql += " CHECK (" + quote(c.name) + " IN (0, 1))";
  if (f.type == FieldType::reference) sql += " REFERENCES " + quote(f.target) + "(id)";
  return sql;
}

/// The system columns of a record table (pack::kSystemFields), as DDL.
std::string system_column_defs() {
  std::string sql;
  for (const auto& f : pack::kSystemFields) {
    const std::string name = f.name;
    std::string def = "  " + name;
    if (name == "id") {
      def += " INTEGER PRIMARY KEY AUTOINCREMENT";
    } else if (f.user) {
      def += " INTEGER NOT NULL REFERENCES clmis_user(id)";
    } else if (f.type == FieldType::boolean) {
      def += " INTEGER NOT NULL DEFAULT 0 CHECK (" + name + " IN (0, 1))";
    } else {
      // created_at, updated_at: UTC seconds (format 6)
      def += f.type == FieldType::integer || f.type == FieldType::datetime ? " INTEGER" : " TEXT";
      if (!f.nullable) def += " NOT NULL";
      // external_id: unique through a partial index (external_id_index_ddl), format 6
    }
    sql += (sql.empty() ? "" : ",\n") + def;
  }
  return sql;
}

std::string column_defs(const std::vector<pack::Field>& fields) {
  std::string sql;
  for (const auto& f : fields)
    for (const auto& c : columns_of(f)) sql += ",\n  " + column_def(f, c);
  return sql;
}

std::string record_table_sql(const pack::RecordType& t, const std::string& name) {
  std::string keys;
  for (const auto& d : dup_rules(t)) keys += ",\n  " + quote(d.column) + " INTEGER";
  return "CREATE TABLE " + quote(name) + " (\n" + system_column_defs() + column_defs(t.fields) + keys + "\n) STRICT";
}

std::string section_table_sql(const pack::RecordType& t, const pack::Section& s, const std::string& name) {
  return "CREATE TABLE " + quote(name) + " (\n" +
         "  id INTEGER PRIMARY KEY,\n"
         "  parent_id INTEGER NOT NULL REFERENCES " + quote(t.name) + "(id),\n"
         "  item_no INTEGER NOT NULL" +
         column_defs(s.fields) + ",\n  UNIQUE (parent_id, item_no)\n) STRICT";
}

void index(std::vector<std::string>& out, const std::string& table, const pack::Field& f) {
  // Assigned numbers are unique; references and declared fields get a plain index.
  if (f.assigned())
    out.push_back("CREATE UNIQUE INDEX " + quote(table + "_ux_" + f.name) + " ON " + quote(table) +
                  "(" + quote(columns_of(f).front().name) + ")");
  else if (f.index || f.type == FieldType::reference)
    out.push_back("CREATE INDEX " + quote(table + "_ix_" + f.name) + " ON " + quote(table) +
                  "(" + quote(columns_of(f).front().name) + ")");
}

void indices(std::vector<std::string>& out, const std::string& table,
             const std::vector<pack::Field>& fields) {
  for (const auto& f : fields) index(out, table, f);
}
}  // namespace

std::vector<std::string> drop_indexes(Connection& c, const std::string& table, const std::vector<std::string>& keep) {
  std::vector<std::pair<std::string, std::string>> found;
  auto& s = c.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                      "ORDER BY name");
  s.bind(1, table);
  while (s.step()) found.emplace_back(s.text(0), s.text(1));
  s.reset();
  std::vector<std::string> ddl;
  for (const auto& [name, sql] : found) {
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    c.exec("DROP INDEX " + quote(name));
    ddl.push_back(sql);
  }
  return ddl;
}

void build_indexes(Connection& c, const std::vector<std::string>& ddl) {
  if (ddl.empty()) return;
  // The load's lookups are over: the key filters' memory goes before the sorts' (made again if
  // lookups follow).
  c.key_filters().clear();
  // A sort keeps up to cache_size of keys in memory before it writes a sorted run to a temporary
  // file (in memory too, with temp_store MEMORY): during the build, a 16 MiB cache and files on
  // disk keep the import's memory where loading left it.
  const auto cache = c.scalar("PRAGMA cache_size").value_or(-2000);
  bool on_disk = true;
  try {
    c.exec("PRAGMA temp_store = FILE");
  } catch (const Error&) {
    on_disk = false;  // refused inside this transaction: sort in memory
  }
  c.exec("PRAGMA cache_size = -16384");
  auto restore = [&] {
    sqlite3_exec(c.raw(), ("PRAGMA cache_size = " + std::to_string(cache)).c_str(), nullptr, nullptr, nullptr);
    if (on_disk) sqlite3_exec(c.raw(), "PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr);
  };
  try {
    apply_ddl(c, ddl);
  } catch (...) {
    restore();
    throw;
  }
  restore();
}

bool has_column(Connection& c, const std::string& table, const std::string& column) {
  auto& s = c.prepare("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
  s.bind(1, table).bind(2, column);
  s.step();
  const bool found = s.int64(0) != 0;
  s.reset();
  return found;
}

std::int64_t row_count(Connection& c, const std::string& table) {
  auto& s = c.prepare("SELECT count(*) FROM " + quote(table));
  s.step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

std::vector<std::string> add_field_ddl(const std::string& table, const pack::Field& f) {
  std::vector<std::string> out;
  for (const auto& c : columns_of(f))
    out.push_back("ALTER TABLE " + quote(table) + " ADD COLUMN " + column_def(f, c));
  index(out, table, f);
  return out;
}

std::vector<std::string> section_ddl(const pack::RecordType& t, const pack::Section& s) {
  std::vector<std::string> out;
  const std::string table = section_table(t, s);
  out.push_back(section_table_sql(t, s, table));
  indices(out, table, s.fields);
  return out;
}

std::vector<std::string> pack_ddl(const pack::Pack& p) {
  std::vector<std::string> out;
  for (const auto& t : p.record_types) {
    auto ddl = record_type_ddl(t);
    out.insert(out.end(), ddl.begin(), ddl.end());
  }
  return out;
}

std::vector<std::string> record_type_ddl(const pack::RecordType& t) {
  std::vector<std::string> out;
  {
    out.push_back(record_table_sql(t, t.name));
    out.push_back(external_id_index_ddl(t));
    indices(out, t.name, t.fields);
    // possible_duplicate compares text without regard to ASCII case: its key column, indexed,
    // keeps that check from reading the whole table for every new record.
    for (const auto& d : dup_rules(t)) out.push_back(d.index_ddl(t));
    if (t.workflow) {
      auto ddl = status_table_ddl(t);
      out.insert(out.end(), ddl.begin(), ddl.end());
    }
    if (t.workflow && !t.field(t.workflow->status_field)->index)
      out.push_back("CREATE INDEX " + quote(t.name + "_ix_" + t.workflow->status_field) + " ON " +
                    quote(t.name) + "(" + quote(t.workflow->status_field) + ")");
    for (const auto& s : t.sections) {
      auto ddl = section_ddl(t, s);
      out.insert(out.end(), ddl.begin(), ddl.end());
    }
  }
  return out;
}

}  // namespace clmis::store
