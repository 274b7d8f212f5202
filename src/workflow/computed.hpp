// The functions of computed fields (pack::kComputedFunctions; docs/workflows.md "Computed
// fields"), handed to the records layer as its Computer, and the override of a computed value.
#pragma once

#include "records/computed.hpp"

#include <cstdint>
#include <string_view>

namespace clmis::detail {

/// The workflow layer's Computer (stateless; one for every engine).
const Computer& workflow_computer();

/// Session::override_value: sets record field `field` (a computed one) to value, with the
/// reason, as the officer's value — kept until the override is cleared. Needs "update" on the
/// record; audited ("override", with the reason). ValidationError for a field that is not
/// computed, a value of the wrong type, an empty reason; Conflict for a stale version or a field
/// already overridden; each changes nothing. Returns the record's new version.
std::int64_t override_value(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                            std::string_view field, const Json& value, std::string_view reason);
/// Session::clear_override: the field is computed again from the record's values, now; the
/// override is marked cleared with the reason. Conflict when the field has no live override.
std::int64_t clear_override(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                            std::string_view field, std::string_view reason);

/// Session::overrides: [{"field", "reason", "by", "at", "cleared"?: {"by", "at", "reason"}}]
/// (permission "read" on the record).
Json record_overrides(Context& cx, std::string_view type, std::int64_t id);

/// Computes again the calendar's computed fields (working_days_times_workers) of every record
/// whose period contains day — after the administrator entered or removed a day of the
/// calendar — in the caller's transaction; returns [{"record_type", "id", "field", "from", "to"}]
/// of those that changed (overridden values stay).
Json recompute_for_day(Context& cx, Date day);

}  // namespace clmis::detail
