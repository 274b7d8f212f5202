// The deadlines of cases (issue 15; docs/workflows.md): each record of a type whose workflow
// declares deadlines (pack::Deadline) has them started, met, paused, resumed, extended and
// cleared as it moves, in the same transaction as the write that moves it, and stored with
// every event (store/deadlines.hpp). Their due dates are counted on the country's calendar
// (workflow/deadline.hpp) and counted again when a day off is proclaimed or withdrawn.
#pragma once

#include "clmis/queue.hpp"
#include "records/records.hpp"

#include <optional>
#include <string>

namespace clmis::detail {

/// After a write of a record of t (created: it was just created; tr: the transition taken, on
/// effective): starts the deadlines its events start, meets those they meet — a transition, a
/// date field that now holds a date, an entry of a section — and clears those still running
/// when the record is closed. Nothing for a type without deadlines.
void deadlines_after_write(Context& cx, const pack::RecordType& t, std::int64_t id, bool created,
                           const pack::Transition* tr, const std::string& effective);
/// After transition tr of record id of t (on effective, in its transaction): its declared
/// effects (pack::Effect) in order — the case assigned to the actor when nobody has it; a
/// running deadline paused, resumed or cleared (one that is not running, or a pause of a paused
/// one, is left as it is). Each is audited like the same action taken by hand, with "effect":
/// the transition's name.
void effects_after_transition(Context& cx, const pack::RecordType& t, std::int64_t id, const pack::Transition& tr,
                              const std::string& effective);
/// True when t's workflow declares deadlines (its writes go through deadlines_after_write).
bool has_deadlines(const pack::RecordType& t);

/// The record operations of records/records.hpp as the API calls them: for a type with
/// deadlines, the write and its deadlines in one savepoint; otherwise the record operation
/// itself.
std::int64_t create_case(Context& cx, std::string_view type, const Json& j, Warnings* warnings);
std::int64_t create_case(Context& cx, std::string_view type, const GivenRecord& r, Warnings* warnings);
std::int64_t update_case(Context& cx, std::string_view type, std::int64_t id, std::int64_t version, const Json& j,
                         Warnings* warnings);
Upserted upsert_case(Context& cx, std::string_view type, std::string_view external_id, const Json& j, Warnings* warnings);
Upserted upsert_case(Context& cx, std::string_view type, std::string_view external_id, const GivenRecord& r,
                     Warnings* warnings);

/// Session::deadlines: the deadlines of a record with their state and due date, and whether
/// they are overdue on as_of ("" = today).
Json record_deadlines(Context& cx, std::string_view type, std::int64_t id, std::string_view as_of);
/// Session::deadline_explain: how the due date of a record's deadline was counted — the days
/// skipped and why, the pauses, the extensions.
Json deadline_explain(Context& cx, std::string_view type, std::int64_t id, std::string_view deadline);
/// Session::deadline_change: pause, resume, extend or clear a running deadline, with a reason;
/// audited. action: {"action": "pause"|"resume"|"extend"|"clear", "reason": text, "days": n
/// (extend), "date": "YYYY-MM-DD" (default today)}.
Json deadline_change(Context& cx, std::string_view type, std::int64_t id, std::string_view deadline, const Json& action);
/// Session::assign: assigns a case to an officer (user "" : to nobody), with an optional reason;
/// permission "assign" on the record; audited. Returns {"record_type", "id", "assigned_to",
/// "previous"}.
Json assign_case(Context& cx, std::string_view type, std::int64_t id, std::string_view user, std::string_view reason);
/// Session::assignments: the assignments of a case, oldest first.
Json case_assignments(Context& cx, std::string_view type, std::int64_t id);
/// Session::queue: running deadlines of cases by due date (a work queue), a page at a time.
QueuePage case_queue(Context& cx, const Json& spec);
/// Session::ageing: open cases on a day by type, state and age band.
Json case_ageing(Context& cx, const Json& spec);

/// Session::timeline: every event of a case in the order it happened — its history (creation,
/// field changes, transitions, archiving), its deadlines' events and its assignments.
Json case_timeline(Context& cx, std::string_view type, std::int64_t id);

/// After a change of the calendar (a day proclaimed or withdrawn): counts every running
/// deadline again; returns those whose due date moved [{"record_type", "record_id",
/// "deadline", "from", "to"}], each with a "recompute" event.
Json recompute_deadlines(Context& cx);

}  // namespace clmis::detail
