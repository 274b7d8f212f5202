// The change feed (clmis_change: one database-wide sequence of committed writes) and the dated
// history of records (clmis_history: status changes, changes of history fields, archiving),
// from which stocks at a date are computed (DESIGN.md §5).
#pragma once

#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// Appends a change (op: create, update, transition, archive); returns its change number.
std::int64_t append_change(Connection& c, const std::string& at, std::int64_t uid, const std::string& type,
                           std::int64_t id, const char* op, std::int64_t version);

/// One history row. Null from/to/field/detail are written as NULL.
struct HistoryRow {
  std::int64_t seq = 0;
  std::string type;
  std::int64_t id = 0;
  std::string event;
  std::optional<std::string> field, from, to;
  std::string effective_date;
  std::int64_t actor = 0;
  std::string at;
  std::optional<std::string> detail;  ///< JSON text
};
void append_history(Connection& c, const HistoryRow& row);
/// A record's history rows in the order they were written.
std::vector<HistoryRow> history_of(Connection& c, const std::string& type, std::int64_t id);

/// The record types a reader may follow in the feed: whole, or only the records one user created.
struct Readable {
  std::string type;
  std::optional<std::int64_t> only_created_by;
};
struct ChangeRow {
  std::int64_t seq = 0;
  std::string type;
  std::int64_t id = 0;
  std::string op;
  std::int64_t version = 0;
  std::string at;
  std::int64_t actor = 0;
};
/// Changes with seq > since of what the reader may read, oldest first, at most limit.
std::vector<ChangeRow> changes_after(Connection& c, std::int64_t since, const std::vector<Readable>& readable, int limit);
/// The last change number (nullopt before the first write).
std::optional<std::int64_t> last_change(Connection& c);

/// The effective date of a record's last row of a status field.
std::optional<std::string> last_status_date(Connection& c, const std::string& type, std::int64_t id,
                                            const std::string& field);
/// The effective date of a record's first status change after its initial state.
std::optional<std::string> first_status_change_date(Connection& c, const std::string& type, std::int64_t id,
                                                    const std::string& field);
/// Moves the effective date of a record's initial state (a corrected registration date).
void set_initial_date(Connection& c, const std::string& type, std::int64_t id, const std::string& field,
                      const std::string& date);
/// How many records of t (archived ones left out) were in each state on a date: each record's
/// last row of the status field effective on or before it.
std::map<std::string, std::int64_t> status_counts(Connection& c, const pack::RecordType& t,
                                                  const std::string& status_field, const std::string& date);

}  // namespace clmis::store
