// Record queries: one page of a record type's records, filtered and sorted on columns, after a
// keyset position (DESIGN.md §5: a cursor, never one unbounded array); and the same selection
// read as whole columns (read_columns: Session::read_columns, Python's to_pandas). records/query.cpp
// checks the query document and the caller's rights and hands a PageQuery or a ColumnQuery down;
// this is the SQL. Both build their WHERE clause with the same code (where_clause in query.cpp).
#pragma once

#include "clmis/columns.hpp"
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

/// Which records a query takes and in which order: what a page and a columnar read share.
struct Selection {
  std::vector<Condition> where;
  std::vector<SortKey> sort;  ///< id is always the last key, ascending
  /// The position after which the records start: the sort keys' values then the id, of the last
  /// row of the previous page (NULL first ascending, last descending, as SQLite sorts).
  std::optional<std::vector<SqlValue>> after;
  bool include_archived = false;
  std::optional<std::int64_t> created_by;  ///< only the records this user created
  /// With created_by, a case type's name: the cases assigned to that user too (clmis_case).
  std::string assigned_type;
};

struct PageQuery : Selection {
  int limit = 100;
};

struct Page {
  std::vector<StoredRecord> records;  ///< with their sections
  std::vector<SqlValue> last_keys;    ///< the last record's sort keys then its id
  bool more = false;                  ///< another page exists
};

Page query_page(Connection& c, const pack::RecordType& t, const PageQuery& q);

/// How a stored column is read into a clmis::Column buffer (clmis/columns.hpp).
enum class ColumnKind {
  integer,   ///< INTEGER → ints (integers, references, booleans, decimal units, money minor units, ids)
  date,      ///< a stored date → ints: days since 1970-01-01
  datetime,  ///< a stored timestamp → ints: seconds since 1970-01-01T00:00:00Z
  text,      ///< TEXT → text and offsets
  code,      ///< TEXT → codes: index into the column's categories (values not in them appended)
};

/// One storage column to read, into which buffer of which Column.
struct ColumnRead {
  std::string column;  ///< a storage column (system column, or one of pack::Field::columns)
  ColumnKind kind = ColumnKind::integer;
  Column* out = nullptr;  ///< its buffers are filled (valid too, unless valid_from_other)
  /// A second column of the same Column (money's currency): its validity is the first's.
  bool valid_from_other = false;
};

struct ColumnQuery : Selection {
  std::vector<ColumnRead> columns;
  std::optional<std::int64_t> limit;  ///< at most this many records (none: all)
};

/// Reads the chosen columns of every record the query selects, in its order, in one SELECT
/// (no paging, no sections): one value per record appended to each ColumnRead's buffers.
/// Returns the number of records read. Run it inside a ReadTransaction when other reads must
/// see the same snapshot.
std::size_t read_columns(Connection& c, const pack::RecordType& t, const ColumnQuery& q);

}  // namespace clmis::store
