// The change feed (clmis_change: one database-wide sequence of committed writes), the dated
// history of records (clmis_history: changes of history fields, archiving) and the status history
// of record types with a workflow (one compact table per type, clmis_status__<type>), from which
// stocks at a date are computed (DESIGN.md §5).
#pragma once

#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// Numbers a write (op: create, update, transition, archive) and returns its change number. A
/// create at version 1 that follows the previous one of the same type, actor and second, with
/// the next id, joins its range: one clmis_change row covers both, each record keeping its own
/// change number (first number + position in the range). Stored by flush_pending().
std::int64_t append_change(Connection& c, const std::string& at, std::int64_t uid, const std::string& type,
                           std::int64_t id, const char* op, std::int64_t version);
/// The change number under which a record was created (nullopt: none recorded).
std::optional<std::int64_t> create_change(Connection& c, const std::string& type, std::int64_t id);

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
/// Appends a row to clmis_history (not a status row: append_status).
void append_history(Connection& c, const HistoryRow& row);
/// A record's clmis_history rows in the order they were written.
std::vector<HistoryRow> history_of(Connection& c, const std::string& type, std::int64_t id);

/// The name of the status-history table of a record type with a workflow.
std::string status_table(const pack::RecordType& t);
/// Appends a status row of a record of t (a type with a workflow): its initial state (event
/// "initial", by the record's creator at its creation) or a transition (event: its name). The
/// status history reads back as HistoryRows with field = the status field.
struct StatusRow {
  std::int64_t seq = 0;
  std::string event;         ///< "initial" or the transition's name
  std::string status;        ///< the state entered
  std::string effective_date;
  std::int64_t actor = 0;    ///< 0 with at empty: the record's creator at its creation
  std::string at;
  std::optional<std::string> detail;  ///< JSON text
};
void append_status(Connection& c, const pack::RecordType& t, std::int64_t id, const StatusRow& row);
/// A record's status rows, oldest first, as history rows (from: the state before). The initial
/// row's actor and at are the record's creator and creation time.
std::vector<HistoryRow> status_history_of(Connection& c, const pack::RecordType& t, std::int64_t id);

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
/// Changes with seq > since of what the reader may read, oldest first, at most limit (a range
/// row counts once per record).
std::vector<ChangeRow> changes_after(Connection& c, std::int64_t since, const std::vector<Readable>& readable, int limit);
/// The last change number (nullopt before the first write).
std::optional<std::int64_t> last_change(Connection& c);

/// The effective date of a record's last status row.
std::optional<std::string> last_status_date(Connection& c, const pack::RecordType& t, std::int64_t id);
/// The effective date of a record's first status change after its initial state.
std::optional<std::string> first_status_change_date(Connection& c, const pack::RecordType& t, std::int64_t id);
/// Moves the effective date of a record's initial state (a corrected registration date).
void set_initial_date(Connection& c, const pack::RecordType& t, std::int64_t id, const std::string& date);
/// How many records of t (archived ones left out) were in each state on a date: each record's
/// last status row effective on or before it.
std::map<std::string, std::int64_t> status_counts(Connection& c, const pack::RecordType& t, const std::string& date);

/// "YYYY-MM-DD" ⇄ the day number the status tables store (days since 1970-01-01).
std::int64_t day_number(const std::string& date);
std::string day_text(std::int64_t day);
/// "YYYY-MM-DDTHH:MM:SSZ" ⇄ UTC seconds since 1970-01-01.
std::int64_t utc_seconds(const std::string& at);
std::string utc_text(std::int64_t seconds);

}  // namespace clmis::store
