// The overrides of computed fields (format 9).
//
// clmis_override: an officer's value for a record's computed field (pack "computed"), with the
// reason, who and when. The value itself is in the record's column, written by the override's
// own change; this row says that the column holds a value entered, not computed, so that writes
// leave it alone until the override is cleared (cleared_*: marked, never deleted, so that the
// timeline keeps it). At most one live override per (record, field).
//
// Times are UTC seconds, as in the record tables; seq is the change that wrote the value (or
// that computed it again on clearing).
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clmis::store {

/// DDL of clmis_override and its indexes (create_schema and the upgrade to format 9).
std::vector<std::string> override_ddl();

struct OverrideRow {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string field;
  std::string reason;
  std::int64_t by = 0, at = 0, seq = 0;
  std::optional<std::int64_t> cleared_by, cleared_at, cleared_seq;
  std::optional<std::string> cleared_reason;
};

/// The fields of a record with a live override.
std::set<std::string> overridden_fields(Connection& c, const std::string& type, std::int64_t id);
/// Every override of a record, live and cleared, oldest first.
std::vector<OverrideRow> overrides_of(Connection& c, const std::string& type, std::int64_t id);
/// Records a live override (r.id is set). The caller has checked that none is live.
void insert_override(Connection& c, OverrideRow& r);
/// Marks the live override of (type, id, field) cleared; false if there is none.
bool clear_override(Connection& c, const std::string& type, std::int64_t id, const std::string& field, std::int64_t by,
                    std::int64_t at, std::int64_t seq, const std::string& reason);

}  // namespace clmis::store
