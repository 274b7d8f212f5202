#include "records/computed.hpp"

#include "store/overrides.hpp"

namespace clmis::detail {

bool has_computed(const pack::RecordType& t) {
  for (const auto& f : t.fields)
    if (f.computed) return true;
  for (const auto& s : t.sections)
    for (const auto& f : s.fields)
      if (f.computed) return true;
  return false;
}

void apply_computed(Context& cx, const pack::RecordType& t, std::int64_t id, const store::StoredRecord* cur,
                    Input& in, std::vector<FieldError>& errors) {
  if (!has_computed(t)) return;
  if (!cx.computer) throw Misuse("record type \"" + t.name + "\" has computed fields and nothing computes them here");
  // The entries of each section written.
  for (auto& [name, items] : in.sections) {
    const auto* sec = t.section(name);
    if (!sec) continue;
    for (size_t i = 0; i < items.size(); ++i)
      for (const auto& f : sec->fields)
        if (f.computed)
          items[i][f.name] = cx.computer->entry_value(cx, t, *sec, f, items[i], name + "[" + std::to_string(i) + "]", errors);
  }
  // The record as it will be: stored values, then what is written.
  Values fields = cur ? cur->fields : Values{};
  for (const auto& [k, v] : in.fields) fields[k] = v;
  Sections sections;
  for (const auto& sec : t.sections) {
    if (auto it = in.sections.find(sec.name); it != in.sections.end()) sections[sec.name] = it->second;
    else if (cur)
      if (auto c = cur->sections.find(sec.name); c != cur->sections.end()) sections[sec.name] = c->second;
  }
  const auto overridden = id ? store::overridden_fields(cx.conn, t.name, id) : std::set<std::string>{};
  for (const auto& f : t.fields) {
    if (!f.computed || overridden.count(f.name)) continue;
    Value v = cx.computer->record_value(cx, t, f, fields, sections, errors);
    const auto it = fields.find(f.name);
    const bool same = it == fields.end() ? is_null(v) : it->second == v;
    if (!same || !cur) in.fields[f.name] = std::move(v);
  }
}

}  // namespace clmis::detail
