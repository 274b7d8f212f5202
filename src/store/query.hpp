// Record queries: one page of a record type's records, filtered and sorted on columns, after a
// keyset position (DESIGN.md §5: a cursor, never one unbounded array). records/query.cpp checks
// the query document and the caller's rights and hands a PageQuery down; this is the SQL.
#pragma once

#include "store/rows.hpp"

#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

struct Condition {
  enum class Op { eq, ne, lt, le, gt, ge, in, is_null, is_not_null, contains };
  std::string column;  ///< a storage column (a field's first column, or a system column)
  Op op = Op::eq;
  std::vector<SqlValue> values;  ///< one (in: one or more; is_null: none)
};

struct SortKey {
  std::string column;
  bool desc = false;
};

struct PageQuery {
  std::vector<Condition> where;
  std::vector<SortKey> sort;  ///< id is always the last key, ascending
  /// The position after which the page starts: the sort keys' values then the id, of the last
  /// row of the previous page (NULL first ascending, last descending, as SQLite sorts).
  std::optional<std::vector<SqlValue>> after;
  int limit = 100;
  bool include_archived = false;
  std::optional<std::int64_t> created_by;  ///< only the records this user created
};

struct Page {
  std::vector<StoredRecord> records;  ///< with their sections
  std::vector<SqlValue> last_keys;    ///< the last record's sort keys then its id
  bool more = false;                  ///< another page exists
};

Page query_page(Connection& c, const pack::RecordType& t, const PageQuery& q);

}  // namespace clmis::store
