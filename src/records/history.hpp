// Reading what happened: a record's dated history (Session::history) and the change feed
// (Session::changes_since), both limited to what the caller may read.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

/// The history rows of a record, oldest first, personal values masked as in get().
Json record_history(Context& cx, std::string_view type, std::int64_t id);
/// Committed changes after since (of records the caller may read) and the last change number
/// seen: {"changes": [...], "last_seq": n}.
Json changes_since(Context& cx, std::int64_t since, int limit);

}  // namespace clmis::detail
