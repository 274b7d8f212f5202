// Schema generation: system tables and one typed STRICT table per record type and section.
#pragma once

#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace clmis::store {

/// Version of the system tables' layout, stored as clmis_meta.format. A library refuses a
/// database whose format is newer than this and upgrades an older one when it opens it.
///   1  0.1.0 development: the first system tables
///   2  clmis_history.detail (what a transition set) and clmis_sequence (assigned numbers)
///   3  security: users' roles, section, lockout and password history; service keys; the audit
///      trail chained with HMAC-SHA-256 (clmis_audit.mac) and append-only triggers
///   4  clmis_calendar_day: holiday dates proclaimed each year and one-off days, entered by the
///      country's administrator
///   5  the leaner record layout (issue 13): a clmis_change row may cover a range of records
///      created one after another (span); status history in one table per record type with a
///      workflow (clmis_status__<type>, dates as day numbers), read through the view
///      clmis_status_history; no "created" history row (creation is the record's created_at,
///      created_by and its change)
///   6  dates as day numbers (days since 1970-01-01) and times as UTC seconds in the record and
///      section tables (created_at, updated_at and every date and datetime field), INTEGER
///      columns; a view per table with them as text (text_view); each possible_duplicate rule's
///      key in a column of its own with a partial index (DupRule), in place of format 5's index
///      on lower() of the rule's columns; external_id unique through a partial index
///      (external_id_index) instead of a UNIQUE column
///   7  the deadlines of cases (store/deadlines.hpp): clmis_deadline and clmis_deadline_event
///   8  the documents (attachments and letters) and links of records (store/documents.hpp):
///      clmis_document and clmis_link; clmis_deadline.assigned_to (the case's officer on its
///      running deadlines) with the partial index clmis_deadline_officer
///   9  the overrides of computed fields (store/overrides.hpp): clmis_override
///  10  deadlines counted back from a date of the record (store/deadlines.hpp): the unit
///      "months" and clmis_deadline.before_day
///  11  the data series of partner agencies (store/series.hpp): clmis_series_batch,
///      clmis_series, clmis_observation (append-only: every revision kept); clmis_user.agency
constexpr int kFormat = 11;

/// The page size of a new database (bytes). Measured on a million job seekers
/// (docs/architecture.md): 8192 imported 8 % faster than SQLite's 4096, reads the same.
constexpr int kPageSize = 8192;

/// The triggers that make clmis_audit append-only, by name, as created (audit verify checks
/// that they are in place with exactly this text).
std::vector<std::pair<std::string, std::string>> audit_triggers();

/// A storage column of a field.
struct Column {
  std::string name;
  std::string sql_type;  ///< INTEGER or TEXT
};

/// The columns a field is stored in, with their SQL types: pack::Field::columns() names them
/// (one, or two for money); a decimal is an INTEGER of units.
std::vector<Column> columns_of(const pack::Field& f);

/// ", "col1", "col2"..." — the storage columns of fields, in declared order, each quoted.
std::string column_list(const std::vector<pack::Field>& fields);

/// "SELECT <system columns>, <field columns><extra> FROM <table>": the one shape every read of
/// records uses (the system columns of pack::kSystemFields first, in the order of the record
/// JSON).
std::string select_sql(const pack::RecordType& t, const std::string& extra = {});
/// The number of system columns select_sql starts with.
inline constexpr int kSystemColumnCount = static_cast<int>(std::size(pack::kSystemFields));

/// Name of the table of a record type's section.
std::string section_table(const pack::RecordType& t, const pack::Section& s);

/// Creates the system tables and the tables of every record type of the pack (a new database).
void create_schema(Connection& c, const pack::Pack& p);
/// Runs DDL statements (migrations: new tables, columns, indexes) in the caller's transaction.
void apply_ddl(Connection& c, const std::vector<std::string>& ddl);
/// Creates the append-only triggers of the audit trail (a database from before format 3).
void create_audit_triggers(Connection& c);
/// DDL of the system tables (clmis_meta, clmis_user, clmis_code, clmis_change...).
std::vector<std::string> system_ddl();
/// Brings the system tables of a database of format `from` to kFormat, in the caller's
/// transaction (including clmis_meta.format). Users of a database older than format 3 (where
/// every user could do everything) become administrators.
/// Format 5 moves the status rows of the pack's record types (p: the pack in the database) into
/// their status tables and drops the "created" rows that creation's own columns repeat — those
/// whose effective date is day_of(at), the country's date of their time; others stay.
void upgrade_system(Connection& c, int from, const pack::Pack& p,
                    const std::function<std::string(const std::string& at)>& day_of);
/// Turns the connection's foreign-key enforcement on or off, outside a transaction (SQLite
/// ignores the pragma inside one); never throws.
void set_foreign_keys(Connection& c, bool on) noexcept;
/// DDL of the views for people who open the file with another SQLite tool (dropped and made
/// again whenever the record types change): clmis_status_history, every status table with its
/// record type, dates as text; and for every record and section table, text_view(table), the
/// same columns with dates as "YYYY-MM-DD" and times as "YYYY-MM-DDTHH:MM:SSZ".
std::vector<std::string> views_ddl(const pack::Pack& p);
/// "clmis_view_<table>": the view of a record or section table with its dates as text.
std::string text_view(const std::string& table);
/// DDL of the status-history table of a record type with a workflow.
std::vector<std::string> status_table_ddl(const pack::RecordType& t);
/// external_id is unique among the records of a type that have one: "<type>_ux_external_id", a
/// partial unique index (format 6; before, a UNIQUE column with an entry for every record).
std::string external_id_index(const pack::RecordType& t);
std::string external_id_index_ddl(const pack::RecordType& t);

/// A possible_duplicate rule on a record (not a section) and where its key is kept (format 6):
/// column "clmis_dup_<16 hex digits>" (INTEGER, store::DupKey of the rule's values, NULL when
/// one is empty), named by the hash of the rule's field names so that it does not depend on the
/// rules' order, and a partial index "<type>_dup_<same digits>" on it.
struct DupRule {
  const pack::rules::PossibleDuplicate* rule = nullptr;
  std::string column;
  std::string index;
  /// CREATE INDEX of the key column.
  std::string index_ddl(const pack::RecordType& t) const;
};
std::vector<DupRule> dup_rules(const pack::RecordType& t);
/// "clmis_dup_key(<the rule's columns>)": the key computed from the stored row, in SQL.
std::string dup_key_sql(const pack::RecordType& t, const DupRule& d);

/// DDL of the tables and indices of every record type of the pack.
std::vector<std::string> pack_ddl(const pack::Pack& p);
/// DDL of one record type: its table, its sections' tables, their indices.
std::vector<std::string> record_type_ddl(const pack::RecordType& t);
/// DDL of one section's table and indices.
std::vector<std::string> section_ddl(const pack::RecordType& t, const pack::Section& s);
/// Drops the secondary indexes of a table whose names are not in keep (SQLite's automatic
/// indexes of UNIQUE columns stay) and returns the statements that create them again, as they
/// were made: a bulk load builds them once at its end, in the same transaction.
std::vector<std::string> drop_indexes(Connection& c, const std::string& table, const std::vector<std::string>& keep);
/// Runs the statements drop_indexes() returned. Their sorts spill to temporary files, not memory
/// (temp_store FILE for the build, when SQLite allows it inside the transaction): building the
/// indexes of a million records would otherwise hold every key in memory at once.
void build_indexes(Connection& c, const std::vector<std::string>& ddl);
/// True when the table has a column of that name.
bool has_column(Connection& c, const std::string& table, const std::string& column);
/// How many rows a table holds.
std::int64_t row_count(Connection& c, const std::string& table);
/// DDL adding a field to an existing table (ALTER TABLE ... ADD COLUMN, then its index).
std::vector<std::string> add_field_ddl(const std::string& table, const pack::Field& f);

}  // namespace clmis::store
