// The record operations: create, get, update (a patch naming the version read), archive (with a
// reason, never a delete) and upsert by external_id. Each checks the caller's permission, then
// in one write: validate → the row → change, history and audit. The write core (write_create,
// write_update, add_history) is shared with the workflow module, whose transitions are updates.
#pragma once

#include "core/warning.hpp"
#include "records/validate.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clmis::detail {

std::int64_t create_record(Context& cx, std::string_view type, const Json& j, Warnings* warnings);
/// create_record() of a CSV row's cells (core/given.hpp): the same checks, errors and writes.
std::int64_t create_record(Context& cx, std::string_view type, const GivenRecord& r, Warnings* warnings);
Json get_record(Context& cx, std::string_view type, std::int64_t id);
std::int64_t update_record(Context& cx, std::string_view type, std::int64_t id, std::int64_t version, const Json& j,
                           Warnings* warnings);
void archive_record(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                    std::string_view reason);

struct Upserted {
  enum class Outcome { unchanged, created, updated };
  std::int64_t id = 0;
  Outcome outcome = Outcome::unchanged;
};
Upserted upsert_record(Context& cx, std::string_view type, std::string_view external_id, const Json& j,
                       Warnings* warnings);
/// upsert_record() of a CSV row's cells (core/given.hpp): the same checks, errors and writes.
Upserted upsert_record(Context& cx, std::string_view type, std::string_view external_id, const GivenRecord& r,
                       Warnings* warnings);

/// Checks the export permission (export and read) and records the export in the audit trail.
void export_started(Context& cx, std::string_view type, const Json& detail);

// --- the write core --------------------------------------------------------------------------

/// The stored record, refusing (Conflict) an archived one or one not at the version read;
/// NotFound when there is none.
store::StoredRecord read_for_write(Context& cx, const pack::RecordType& t, std::int64_t id, std::int64_t version);

/// What an update wrote.
/// audit_detail: members added to the audit entry's detail (an override's reason);
/// audit_action: the audit entry's action when it is not op (the change feed's op stays one of
/// create, update, transition, archive: an override is an "update" there, "override" in the
/// audit trail).
struct Written {
  std::int64_t version = 0;  ///< the record's version after it
  std::int64_t seq = 0;      ///< its change number (0 when nothing changed)
  bool changed = false;
};
/// Writes the fields and sections of `in` that differ from cur (nothing, when none does): the
/// row at version + 1, the change (op), `changed` history rows of history fields effective on
/// effective_date ("" = today), and the audit entry.
Written write_update(Context& cx, const pack::RecordType& t, std::int64_t id, const store::StoredRecord& cur,
                     const Input& in, const char* op = "update", const std::string& effective_date = {},
                     const Json& audit_detail = nullptr, const char* audit_action = nullptr);

/// Appends a history row of a record by cx.who (effective_date "" = today).
void add_history(Context& cx, std::int64_t seq, const pack::RecordType& t, std::int64_t id, const std::string& event,
                 const std::string& field, const std::optional<std::string>& from, const std::optional<std::string>& to,
                 const std::string& effective_date = {}, const Json& detail = nullptr);

/// A stored record as the API's JSON: system fields (users by name), fields (with "age_group"
/// after the birth date, at as_of), sections.
Json record_json(Context& cx, const pack::RecordType& t, const store::StoredRecord& r, Date as_of);
/// A section's entries as the API's JSON array (items null: none).
Json section_json(const pack::Section& sec, const std::vector<Values>* items);

/// Inside a bulk load's transaction: drops the indexes of type's table that no check reads
/// (those of unique_active fields and possible duplicates stay) when `after_load` says so, or
/// when automatic and the table holds at most kDeferIndexesUpTo records; returns what
/// build_indexes() runs before the commit (empty: nothing was dropped).
inline constexpr std::int64_t kDeferIndexesUpTo = 10000;
std::vector<std::string> defer_indexes(Context& cx, std::string_view type, bool automatic, bool after_load);
/// The same, weighed during a load that did not defer them at its start: drops them when the rows
/// still to come (the importer's estimate) are at least kDeferIndexesFor of the rows the table
/// holds now. Sorting every key once costs about what inserting that many keys into the
/// indexes does at half the table's size (measured in docs/architecture.md, issue 13).
inline constexpr double kDeferIndexesFor = 0.5;
std::vector<std::string> defer_indexes_for(Context& cx, std::string_view type, std::uint64_t rows_to_come);
void build_indexes(Context& cx, const std::vector<std::string>& ddl);

}  // namespace clmis::detail
