// Queries: filters on any field, sort, and keyset cursors (DESIGN.md §5: never one unbounded
// array). The query document is checked here (and the caller's right to filter or sort on
// personal fields); store/query.cpp runs it.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

/// One page of records of a type: {"records": [...], "next": cursor or null} (the query document
/// is described at clmis_record_query in clmis.h).
Json query_records(Context& cx, std::string_view type, const Json& q);

}  // namespace clmis::detail
