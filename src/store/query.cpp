#include "store/query.hpp"

#include "clmis/error.hpp"
#include "store/schema.hpp"

#include <string_view>
#include <unordered_map>

namespace clmis::store {

namespace {

/// The WHERE clause of a selection (archived, creator, conditions, keyset position) with its
/// parameters appended to params: the one place a query's records are chosen in SQL.
std::string where_clause(const Selection& q, std::vector<SqlValue>& params) {
  std::string where = q.include_archived ? "1" : "archived = 0";
  if (q.created_by && !q.assigned_type.empty()) {
    where += " AND (created_by = ? OR id IN (SELECT record_id FROM clmis_case WHERE record_type = ? AND assigned_to = ?))";
    params.emplace_back(*q.created_by);
    params.emplace_back(q.assigned_type);
    params.emplace_back(*q.created_by);
  } else if (q.created_by) {
    where += " AND created_by = ?";
    params.emplace_back(*q.created_by);
  }
  using Op = Condition::Op;
  for (const auto& cond : q.where) {
    const std::string col = quote(cond.column);
    switch (cond.op) {
      case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge: {
        static const char* const ops[] = {"=", "!=", "<", "<=", ">", ">="};
        where += " AND " + col + " " + ops[static_cast<int>(cond.op)] + " ?";
        params.push_back(cond.values.at(0));
        break;
      }
      case Op::in: {
        std::string marks;
        for (const auto& v : cond.values) {
          marks += marks.empty() ? "?" : ", ?";
          params.push_back(v);
        }
        where += " AND " + col + " IN (" + marks + ")";
        break;
      }
      case Op::is_null: where += " AND " + col + " IS NULL"; break;
      case Op::is_not_null: where += " AND " + col + " IS NOT NULL"; break;
      case Op::contains:
        where += " AND instr(lower(" + col + "), lower(?)) > 0";
        params.push_back(cond.values.at(0));
        break;
    }
  }
  if (q.after) {
    // (k1, ..., kn, id) strictly after the cursor, honouring each key's direction and the
    // position of NULL (first ascending, last descending, as SQLite sorts).
    const auto& vals = *q.after;
    std::string any, prefix;
    std::vector<SqlValue> prefix_params, cond_params;
    for (size_t i = 0; i <= q.sort.size(); ++i) {
      const bool is_id = i == q.sort.size();
      const std::string col = is_id ? "id" : quote(q.sort[i].column);
      const bool desc = !is_id && q.sort[i].desc;
      const SqlValue& v = vals.at(i);
      const bool null = std::holds_alternative<std::monostate>(v);
      std::string after;
      std::vector<SqlValue> after_params;
      if (!desc) {
        if (null) after = col + " IS NOT NULL";
        else { after = col + " > ?"; after_params.push_back(v); }
      } else {
        if (null) after = "0";
        else { after = "(" + col + " < ? OR " + col + " IS NULL)"; after_params.push_back(v); }
      }
      any += (any.empty() ? "(" : " OR (") + prefix + after + ")";
      for (const auto& p : prefix_params) cond_params.push_back(p);
      for (const auto& p : after_params) cond_params.push_back(p);
      prefix += col + " IS ? AND ";
      prefix_params.push_back(v);
    }
    where += " AND (" + any + ")";
    for (auto& p : cond_params) params.push_back(std::move(p));
  }
  return where;
}

/// "ORDER BY" keys of a selection: its sort keys, then id.
std::string order_clause(const Selection& q) {
  std::string order;
  for (const auto& k : q.sort) order += quote(k.column) + (k.desc ? " DESC, " : ", ");
  return order + "id";
}

}  // namespace

Page query_page(Connection& c, const pack::RecordType& t, const PageQuery& q) {
  std::vector<SqlValue> params;
  const std::string where = where_clause(q, params);
  std::string extra;
  for (const auto& k : q.sort) extra += ", " + quote(k.column);

  ReadTransaction rt(c);
  auto& s = c.prepare(select_sql(t, extra) + " WHERE " + where + " ORDER BY " + order_clause(q) + " LIMIT ?");
  int i = 1;
  for (const auto& p : params) s.bind(i++, p);
  s.bind(i, static_cast<std::int64_t>(q.limit) + 1);
  Page page;
  const int first_extra = s.columns() - static_cast<int>(q.sort.size());
  while (s.step()) {
    if (static_cast<int>(page.records.size()) == q.limit) {
      page.more = true;
      break;
    }
    page.records.push_back(read_row(t, s));
    page.last_keys.clear();
    for (size_t k = 0; k < q.sort.size(); ++k) page.last_keys.push_back(s.value(first_extra + static_cast<int>(k)));
    page.last_keys.emplace_back(s.int64(0));
  }
  s.reset();
  // Sections of the whole page: one query per section, not one per record.
  std::vector<std::int64_t> ids;
  for (const auto& r : page.records) ids.push_back(r.id);
  auto secs = read_sections(c, t, ids);
  for (auto& r : page.records) {
    for (const auto& sec : t.sections) r.sections[sec.name];
    if (auto it = secs.find(r.id); it != secs.end())
      for (auto& [name, items] : it->second) r.sections[name] = std::move(items);
  }
  return page;
}

// ---- Columnar reads ----------------------------------------------------------------------------
//
// The conversion of a stored column to its buffer value is one small function per kind, below:
// when the storage of a kind changes (as format 6 did: dates as day numbers, timestamps as UTC
// seconds), only its function changes.

namespace {

std::string_view stored_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string_view();
}

/// integer: an INTEGER column as it is.
std::int64_t integer_of(sqlite3_stmt* s, int i) { return sqlite3_column_int64(s, i); }

/// date: stored as days since 1970-01-01 (format 6), as it is.
std::int64_t day_number_of(sqlite3_stmt* s, int i, const std::string& column) {
  const auto day = sqlite3_column_int64(s, i);
  if (day < kFirstDay || day > kLastDay) throw StorageError("stored date is out of range in column " + column);
  return day;
}

/// datetime: stored as UTC seconds since 1970-01-01T00:00:00Z (format 6), as it is.
std::int64_t utc_seconds_of(sqlite3_stmt* s, int i, const std::string& column) {
  const auto t = sqlite3_column_int64(s, i);
  if (t < kFirstDay * 86400 || t > kLastDay * 86400 + 86399)
    throw StorageError("stored time is out of range in column " + column);
  return t;
}

/// text: a TEXT column appended to the column's text buffer.
void text_of(sqlite3_stmt* s, int i, clmis::Column& out) { out.text.append(stored_text(s, i)); }

/// Codes by text, looked up with a string_view (no copy per row).
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view v) const noexcept { return std::hash<std::string_view>{}(v); }
};
using CodeLookup = std::unordered_map<std::string, std::int32_t, TextHash, std::equal_to<>>;

/// code: a TEXT column → its index in the categories; a value they do not have is appended.
std::int32_t code_index_of(sqlite3_stmt* s, int i, clmis::Column& out, CodeLookup& index) {
  const std::string_view v = stored_text(s, i);
  auto it = index.find(v);
  if (it != index.end()) return it->second;
  const auto n = static_cast<std::int32_t>(out.categories.size());
  out.categories.emplace_back(v);
  index.emplace(std::string(v), n);
  return n;
}

}  // namespace

std::size_t read_columns(Connection& c, const pack::RecordType& t, const ColumnQuery& q) {
  std::vector<SqlValue> params;
  const std::string where = where_clause(q, params);
  std::string cols;
  for (const auto& r : q.columns) cols += (cols.empty() ? "" : ", ") + quote(r.column);
  if (cols.empty()) cols = "id";
  std::string sql = "SELECT " + cols + " FROM " + quote(t.name) + " WHERE " + where + " ORDER BY " + order_clause(q);
  if (q.limit) sql += " LIMIT ?";

  // The code columns' lookup of their categories.
  std::vector<CodeLookup> index(q.columns.size());
  for (size_t k = 0; k < q.columns.size(); ++k)
    if (q.columns[k].kind == ColumnKind::code)
      for (size_t n = 0; n < q.columns[k].out->categories.size(); ++n)
        index[k].emplace(q.columns[k].out->categories[n], static_cast<std::int32_t>(n));
  for (const auto& r : q.columns)
    if (r.kind == ColumnKind::text && r.out->offsets.empty()) r.out->offsets.push_back(0);

  auto& st = c.prepare(sql);
  int p = 1;
  for (const auto& v : params) st.bind(p++, v);
  if (q.limit) st.bind(p, *q.limit);
  sqlite3_stmt* s = st.raw();
  std::size_t rows = 0;
  try {
    while (st.step()) {
      ++rows;
      for (size_t k = 0; k < q.columns.size(); ++k) {
        const ColumnRead& r = q.columns[k];
        clmis::Column& out = *r.out;
        const int i = static_cast<int>(k);
        const bool has = sqlite3_column_type(s, i) != SQLITE_NULL;
        if (!r.valid_from_other) out.valid.push_back(has ? 1 : 0);
        switch (r.kind) {
          case ColumnKind::integer: out.ints.push_back(has ? integer_of(s, i) : 0); break;
          case ColumnKind::date: out.ints.push_back(has ? day_number_of(s, i, r.column) : 0); break;
          case ColumnKind::datetime: out.ints.push_back(has ? utc_seconds_of(s, i, r.column) : 0); break;
          case ColumnKind::text:
            if (has) text_of(s, i, out);
            out.offsets.push_back(out.text.size());
            break;
          case ColumnKind::code: out.codes.push_back(has ? code_index_of(s, i, out, index[k]) : -1); break;
        }
      }
    }
  } catch (...) {
    st.reset();
    throw;
  }
  st.reset();
  return rows;
}

}  // namespace clmis::store
