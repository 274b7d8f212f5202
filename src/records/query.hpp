// Queries: filters on any field, sort, and keyset cursors (DESIGN.md §5: never one unbounded
// array). The query document is checked here (and the caller's right to filter or sort on
// personal fields); store/query.cpp runs it.
#pragma once

#include "clmis/columns.hpp"
#include "security/context.hpp"

namespace clmis::detail {

/// One page of records of a type: {"records": [...], "next": cursor or null} (the query document
/// is described at clmis_record_query in clmis.h).
Json query_records(Context& cx, std::string_view type, const Json& q);

/// Every record a query selects (no paging; "limit" optional, from 0; "after" a cursor of the
/// same query) as typed columns: Session::read_columns (clmis/columns.hpp). The query document is
/// checked as for query_records, and the records are masked as it masks them.
ColumnSet read_columns(Context& cx, std::string_view type, const Json& q);

}  // namespace clmis::detail
