// Record rows: the typed row of a record type's table and its sections' tables, read and written
// by operations named for what they do. Values travel as clmis::Value; the conversion to and
// from columns (pack::Field::columns) is here and nowhere else.
#pragma once

#include "core/record.hpp"
#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// A record as stored: the system columns (pack::kSystemFields), its fields and, when read with
/// them, its sections.
struct StoredRecord {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::string created_at;
  std::int64_t created_by = 0;
  std::string updated_at;
  std::int64_t updated_by = 0;
  std::optional<std::string> external_id;
  bool archived = false;
  std::optional<std::string> archive_reason;
  detail::Values fields;
  detail::Sections sections;
};

/// Storage format 6 stores a date as its day number (days since 1970-01-01) and a time as UTC
/// seconds since 1970-01-01T00:00:00Z, in INTEGER columns. The dates clmis accepts run from
/// 0000-01-01 (day −719528; year 0 is a leap year) to 9999-12-31 (day 2932896).
inline constexpr std::int64_t kFirstDay = -719528;
inline constexpr std::int64_t kLastDay = 2932896;
/// A stored day number or time as a value; StorageError naming the column when it is out of
/// range (a file changed by another tool).
Date stored_date(std::int64_t day, const std::string& column);
DateTime stored_time(std::int64_t seconds, const std::string& column);
/// stored_time() as "YYYY-MM-DDTHH:MM:SSZ".
std::string stored_time_text(std::int64_t seconds, const std::string& column);

/// The stored form of a field's value: one SQL value per column of the field (two for money).
std::vector<SqlValue> to_sql(const pack::Field& f, const Value& v);

/// The system columns and fields of the current row of a statement shaped by select_sql().
StoredRecord read_row(const pack::RecordType& t, Stmt& s);
/// A record with its sections, or nullopt when there is none with that id.
std::optional<StoredRecord> read_record(Connection& c, const pack::RecordType& t, std::int64_t id);
/// The records of t, not archived, whose date fields from and to (both set) hold day between
/// them, both included; by id.
std::vector<std::int64_t> ids_with_day_between(Connection& c, const pack::RecordType& t, const std::string& from,
                                               const std::string& to, std::int64_t day);
/// The sections of several records at once (one query per section), by record id.
std::map<std::int64_t, detail::Sections> read_sections(Connection& c, const pack::RecordType& t,
                                                       const std::vector<std::int64_t>& ids);
/// Calls f with every record of t (archived ones too) in id order, with its sections, reading
/// them a batch at a time (memory stays bounded whatever the table's size).
void for_each_record(Connection& c, const pack::RecordType& t, const std::function<void(const StoredRecord&)>& f);
/// Who created a record (nullopt when there is no such record).
std::optional<std::int64_t> record_creator(Connection& c, const pack::RecordType& t, std::int64_t id);
/// The record of a type with an external_id.
std::optional<std::int64_t> find_by_external_id(Connection& c, const pack::RecordType& t,
                                                const std::string& external_id);

/// The state of the record a reference field points to.
enum class Presence { missing, active, archived };
Presence reference_target(Connection& c, const pack::Field& f, std::int64_t id);

/// Records of t, other than `self` and not archived, whose `fields` hold `values` (each field's
/// first column; text compared without regard to ASCII case when ignore_case; records whose
/// `closed_status_field` is "closed" left out when it is not empty), lowest ids first, at most
/// limit. `key` identifies the declaration asking (its SQL text is built once).
struct Match {
  const void* key = nullptr;
  /// A possible_duplicate rule on the record (fields are its fields): only rows whose key column
  /// (schema.hpp DupRule) holds dup_key(fields, values) are compared.
  const pack::rules::PossibleDuplicate* dup = nullptr;
  /// The rule the lookup checks, when its fields are the record's own (not a section's): the
  /// lookup may then be answered by the write transaction's key filter of the rule (a key no row
  /// holds needs no query; keyfilter.hpp), made once enough lookups pay for it.
  const pack::Rule* rule = nullptr;
  std::vector<const pack::Field*> fields;
  std::vector<const Value*> values;  ///< the record's, which outlive the lookup
  bool ignore_case = false;
  std::string closed_status_field;
  std::int64_t self = 0;
  int limit = 1;
};
std::vector<std::int64_t> find_matching(Connection& c, const pack::RecordType& t, const Match& m);
/// DupKey of values as stored in the fields' first columns; nullopt when one is empty.
std::optional<std::int64_t> dup_key(const std::vector<const pack::Field*>& fields,
                                    const std::vector<const Value*>& values);

/// The next value of a named sequence (assigned numbers: "<type>.<field>"), never reused.
std::int64_t next_in_sequence(Connection& c, const std::string& name);

/// Inserts a new record at version 1 (created and updated by uid at `at`); returns its id.
std::int64_t insert_row(Connection& c, const pack::RecordType& t, const detail::Values& fields,
                           std::int64_t uid, const std::string& at,
                           const std::optional<std::string>& external_id);
/// Sets the changed fields' columns, external_id and version from_version + 1 of a record that is
/// at from_version; false when it is not (changed meanwhile).
bool update_row(Connection& c, const pack::RecordType& t, std::int64_t id, std::int64_t from_version,
                   const std::vector<const pack::Field*>& changed, const detail::Values& values,
                   std::int64_t uid, const std::string& at, const std::optional<std::string>& external_id);
/// Marks a record archived with a reason, at a new version.
void archive_row(Connection& c, const pack::RecordType& t, std::int64_t id, std::int64_t version,
                    const std::string& reason, std::int64_t uid, const std::string& at);
/// Replaces the entries of the sections given (the others are left alone); fresh: the record
/// was just inserted and has none yet.
void write_sections(Connection& c, const pack::RecordType& t, std::int64_t id, const detail::Sections& given,
                    bool fresh = false);

/// True when a table has at least one row.
bool has_rows(Connection& c, const std::string& table);
/// How many rows of a table hold a code in a column (archived records included).
std::int64_t count_code_uses(Connection& c, const std::string& table, const std::string& column,
                             const std::string& code);

}  // namespace clmis::store
