// Legacy records with their history: an import row that says which states a record reached and
// when (core/lifecycle.hpp) becomes the record plus the transitions that would have brought it
// there on those dates, so its status history — and every stock computed from it — is what the
// register would have recorded had it used clmis all along (docs/import.md).
#pragma once

#include "core/given.hpp"
#include "core/lifecycle.hpp"
#include "records/records.hpp"

#include <optional>
#include <string_view>

namespace clmis::detail {

/// Creates the record (or, with an external_id already present, upserts it) and takes the
/// transitions its lifecycle names, all in one savepoint: a refused row leaves nothing.
///
/// Form (a), "<state>_on" dates: the states are taken in date order (ties in the order of the
/// workflow's states), each by the first declared transition from the state before to it. Form
/// (b), status and status_date: the record is registered on its registration date (the
/// workflow's date field) and reaches status on status_date by the shortest declared path (ties:
/// the transitions' declared order), every step on status_date; a status that is the initial
/// state takes no step, and its status_date, if given, must be the registration date.
///
/// A field a transition on the path sets (its "fields": an outcome, a reason) is given to that
/// transition — the first on the path that sets it — and recorded in its history row; the other
/// fields go to the record. Errors are FieldErrors naming the column: "workflow" (a state no
/// declared transition reaches from the one before, or a field only a transition sets that the
/// row does not take, or a history that differs from the record's), "date_order" (a date
/// before the registration date or after today), "type" (not a date), "required" (a missing
/// status_date, or a reason a transition requires), and the record's own rules.
///
/// An existing record (an upsert that finds its external_id) keeps the transitions it has: the
/// file's path must begin with them (same transitions, same dates), and only the rest is taken;
/// so importing the same file twice changes nothing the second time.
Upserted import_with_lifecycle(Context& cx, std::string_view type, std::optional<std::string_view> external_id,
                               Json record, const LegacyLifecycle& lifecycle, Warnings* warnings);
/// The same for a CSV row's cells.
Upserted import_with_lifecycle(Context& cx, std::string_view type, std::optional<std::string_view> external_id,
                               GivenRecord record, const LegacyLifecycle& lifecycle, Warnings* warnings);

}  // namespace clmis::detail
