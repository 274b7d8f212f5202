// The deadlines of cases (format 7): one row per deadline started on a record (clmis_deadline,
// its current state and due date) and the events that made it so (clmis_deadline_event: start,
// pause, resume, extend, meet, clear, recompute), in order. Days are day numbers (days since
// 1970-01-01), times UTC seconds, as in the record tables.
#pragma once

#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
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
  std::string unit;  ///< working_days, calendar_days or months (months: counted back only)
  std::int64_t length = 0;
  std::int64_t extension = 0;
  std::string state;  ///< open, paused, met, cleared
  std::optional<std::int64_t> due_day;  ///< none while paused
  std::optional<std::int64_t> ended_day;  ///< met or cleared on
  std::int64_t seq = 0;  ///< the change number that last changed it
  /// A deadline counted back from a date of the record (format 10): that date (due: length
  /// units before it); none for a deadline counted forward from its start, or while the record
  /// has no such date.
  std::optional<std::int64_t> before_day;
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

/// DDL of the tables of cases and their indexes (create_schema and the upgrade to format 7):
/// the deadlines and their events, the officer each case is assigned to (clmis_case) and every
/// assignment (clmis_assignment).
std::vector<std::string> deadline_ddl();
/// The upgrade of a format-7 clmis_deadline to format 8: the column assigned_to (the officer of
/// the case, kept on its running deadlines) filled from clmis_case, and its index.
std::vector<std::string> deadline_officer_ddl();
/// The upgrade of a format-8 or 9 clmis_deadline to format 10: the unit "months" and the column
/// before_day (deadlines counted back from a date). The table is made again under its name, so
/// the caller turns foreign keys off around the transaction.
std::vector<std::string> deadline_months_ddl();

// --- assignment ----------------------------------------------------------------------------

/// The user a case is assigned to (nullopt: nobody).
std::optional<std::int64_t> case_assignee(Connection& c, const std::string& type, std::int64_t id);
/// Assigns a case to user (nullopt: to nobody) and appends the assignment to its history; seq:
/// the last change number when it was made (its place among the case's events).
void assign_case(Connection& c, const std::string& type, std::int64_t id, std::optional<std::int64_t> user,
                 std::int64_t by, std::int64_t at, const std::optional<std::string>& reason, std::int64_t seq);
/// The ids of the cases of type assigned to user now (the "own" scope's assigned cases).
std::vector<std::int64_t> cases_assigned_to(Connection& c, const std::string& type, std::int64_t user);
struct AssignmentRow {
  std::int64_t n = 0;
  std::optional<std::int64_t> user;
  std::int64_t by = 0, at = 0;
  std::optional<std::string> reason;
  std::int64_t seq = 0;
};
std::vector<AssignmentRow> assignments_of(Connection& c, const std::string& type, std::int64_t id);

// --- work queues ---------------------------------------------------------------------------

/// A running deadline of a case with what a work queue shows of its case: the officer (id and
/// name, kept on the running deadline), the case's number (the first of its assigned fields
/// holding one) and its state (the workflow's status field). Only the deadline's columns a
/// queue shows are read. The texts are views of the statement's row: valid during the call
/// that receives them only.
struct QueueRow {
  std::int64_t id = 0;  ///< the deadline's
  std::string_view record_type;
  std::int64_t record_id = 0;
  std::string_view deadline;
  std::string_view state;               ///< open or paused
  std::optional<std::int64_t> due_day;  ///< none while paused
  std::optional<std::int64_t> assigned_to;
  std::optional<std::string_view> officer;  ///< the user's name (none if unassigned)
  std::optional<std::string_view> number;
  std::string_view status;
};
/// Running deadlines (open or paused) of the given types (case types: with a workflow), by due
/// day then deadline id, after the position (due_day, id) of the last row of the previous page
/// (a paused deadline's due_day: INT64_MAX); due_before: only those due before that day
/// (overdue on it); due_until: only those due on or before it; assignee: only the cases
/// assigned to that user; a paused deadline (no due day) comes last. Up to limit rows, each
/// given to row as it is read (no copy of the page: a queue builds its answer from them). One
/// statement a part (the deadlines with a due day, then the paused ones), reading the index of
/// running deadlines in order and stopping at the page's end; both in one read transaction.
void queue_rows(Connection& c, const std::vector<const pack::RecordType*>& types, std::optional<std::int64_t> assignee,
                std::optional<std::int64_t> due_before, std::optional<std::int64_t> due_until,
                std::optional<std::pair<std::int64_t, std::int64_t>> after, int limit,
                const std::function<void(const QueueRow&)>& row);

/// The ageing of a case type's open cases on a day: (state, band, cases) for the records not
/// archived, registered on or before it (their date_field), whose last status on it is not
/// "closed"; band: days since the date_field, 0 (0-30), 1 (31-60), 2 (61-90), 3 (over 90).
struct AgeingRow {
  std::string state;
  int band = 0;
  std::int64_t cases = 0;
};
std::vector<AgeingRow> ageing(Connection& c, const pack::RecordType& t, std::int64_t day);

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
