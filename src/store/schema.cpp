#include "store/schema.hpp"

namespace clmis::store {

std::vector<Column> columns_of(const pack::Field& f) {
  const auto names = f.columns();
  switch (f.type) {
    case FieldType::money: return {{names[0], "INTEGER"}, {names[1], "TEXT"}};
    case FieldType::decimal:
    case FieldType::integer:
    case FieldType::boolean:
    case FieldType::reference: return {{names[0], "INTEGER"}};
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

void upgrade_system(Connection& c, int from) {
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
  c.prepare("UPDATE clmis_meta SET value = ? WHERE key = 'format'").bind(1, std::to_string(kFormat)).run();
}

void create_schema(Connection& c, const pack::Pack& p) {
  for (const auto& ddl : system_ddl()) c.exec(ddl);
  for (const auto& ddl : pack_ddl(p)) c.exec(ddl);
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
  version INTEGER NOT NULL
) STRICT)",
      R"(CREATE TABLE clmis_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL REFERENCES clmis_change(seq),
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
) STRICT)",
      // A record's history, and its status rows in date order (a transition checks the last).
      "CREATE INDEX clmis_history_record ON clmis_history(record_type, record_id, field, effective_date)",
      "CREATE INDEX clmis_history_field ON clmis_history(record_type, field, effective_date)",
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
      def += f.type == FieldType::integer ? " INTEGER" : " TEXT";
      if (!f.nullable) def += " NOT NULL";
      if (name == "external_id") def += " UNIQUE";
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
  out.push_back("CREATE TABLE " + quote(table) + " (\n" +
                "  id INTEGER PRIMARY KEY,\n"
                "  parent_id INTEGER NOT NULL REFERENCES " + quote(t.name) + "(id),\n"
                "  item_no INTEGER NOT NULL" +
                column_defs(s.fields) + ",\n  UNIQUE (parent_id, item_no)\n) STRICT");
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
    out.push_back("CREATE TABLE " + quote(t.name) + " (\n" + system_column_defs() +
                  column_defs(t.fields) + "\n) STRICT");
    indices(out, t.name, t.fields);
    // possible_duplicate compares text without regard to ASCII case: an index on the same
    // expressions keeps that check from reading the whole table for every new record.
    int dup = 0;
    for (const auto& r : t.rules) {
      const auto* pd = std::get_if<pack::rules::PossibleDuplicate>(&r.check);
      if (!pd) continue;
      std::string cols;
      for (const auto& n : pd->fields) {
        const auto* f = t.field(n);
        const std::string c = quote(columns_of(*f).front().name);
        cols += (cols.empty() ? "" : ", ") + (f->type == FieldType::text ? "lower(" + c + ")" : c);
      }
      out.push_back("CREATE INDEX " + quote(t.name + "_dup_" + std::to_string(dup++)) + " ON " +
                    quote(t.name) + "(" + cols + ")");
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
