#include "store/query.hpp"

#include "store/schema.hpp"

namespace clmis::store {

Page query_page(Connection& c, const pack::RecordType& t, const PageQuery& q) {
  std::string where = q.include_archived ? "1" : "archived = 0";
  std::vector<SqlValue> params;
  if (q.created_by) {
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
  std::string order, extra;
  for (const auto& k : q.sort) {
    order += quote(k.column) + (k.desc ? " DESC, " : ", ");
    extra += ", " + quote(k.column);
  }
  order += "id";

  ReadTransaction rt(c);
  auto& s = c.prepare(select_sql(t, extra) + " WHERE " + where + " ORDER BY " + order + " LIMIT ?");
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

}  // namespace clmis::store
