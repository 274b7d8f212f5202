// The deadlines of cases (format 7): one row per deadline started on a record (clmis_deadline,
// its current state and due date) and the events that made it so (clmis_deadline_event: start,
// pause, resume, extend, meet, clear, recompute), in order. Days are day numbers (days since
// 1970-01-01), times UTC seconds, as in the record tables.
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

struct DeadlineRow {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string deadline;  ///< the declared id
  std::int64_t cycle = 1;  ///< 1, then 2... when started again after being met or cleared
  std::int64_t started_day = 0;
  std::string unit;  ///< working_days or calendar_days
  std::int64_t length = 0;
  std::int64_t extension = 0;
  std::string state;  ///< open, paused, met, cleared
  std::optional<std::int64_t> due_day;  ///< none while paused
  std::optional<std::int64_t> ended_day;  ///< met or cleared on
  std::int64_t seq = 0;  ///< the change number that last changed it
};

struct DeadlineEventRow {
  std::int64_t deadline_id = 0;
  std::int64_t n = 0;  ///< 1, 2... in the deadline's order
  std::string event;   ///< start, pause, resume, extend, meet, clear, recompute
  std::int64_t day = 0;
  std::optional<std::int64_t> days;  ///< extend: the days added; recompute: the due day before
  std::optional<std::string> reason;
  std::int64_t actor = 0;
  std::int64_t at = 0;  ///< UTC seconds
  std::int64_t seq = 0;
};

/// DDL of the two tables and their indexes (create_schema and the upgrade to format 7).
std::vector<std::string> deadline_ddl();

/// The deadlines of a record, in the order they were started.
std::vector<DeadlineRow> deadlines_of(Connection& c, const std::string& type, std::int64_t id);
/// Every deadline still running (open or paused), for a recomputation after a calendar change.
std::vector<DeadlineRow> running_deadlines(Connection& c);
/// Inserts a deadline (its id is set) or writes its state back.
void insert_deadline(Connection& c, DeadlineRow& row);
void update_deadline(Connection& c, const DeadlineRow& row);
/// The events of a deadline, in order; append_deadline_event numbers the new one.
std::vector<DeadlineEventRow> deadline_events(Connection& c, std::int64_t deadline_id);
void append_deadline_event(Connection& c, DeadlineEventRow& row);

}  // namespace clmis::store
