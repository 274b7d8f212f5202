// Lifecycles: the declared state machine of a record type (pack::Workflow). A record's status
// changes only through a transition; every transition is a dated history row, and stocks at a
// date are computed from those rows (DESIGN.md §5).
//
// The case modules (complaints, disputes...) add deadlines, calendars and letters to
// transitions; they attach to the same pack::Transition declaration and the same transaction.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

/// Session::transition: moves a record through a named transition; returns its new version.
std::int64_t transition(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                        std::string_view name, const Json& args);
/// Session::status_counts: how many records of type were in each state on date.
Json status_counts(Context& cx, std::string_view type, std::string_view on_date);

}  // namespace clmis::detail
