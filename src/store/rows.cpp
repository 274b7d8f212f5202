#include "store/rows.hpp"

#include "clmis/error.hpp"
#include "core/dates.hpp"
#include "store/feed.hpp"
#include "store/schema.hpp"

#include <algorithm>


namespace clmis::store {

namespace {

using detail::Sections;
using detail::Values;

// Statement kinds of Connection::text.
enum Text { kInsert = 1, kMatch, kReference, kSectionDelete, kSectionInsert, kInsertPlan };

// A field of a record type with the first parameter of the insert statement it binds, in the
// order of the fields' names (the order of a Values map): insert_row() walks the two together
// instead of looking each field up by name.
struct BindSlot {
  std::string_view name;
  const pack::Field* field;
  int param;
};

}  // namespace

Date stored_date(std::int64_t day, const std::string& column) {
  // 0001-01-01 .. 9999-12-31, the dates clmis accepts (core/dates.hpp)
  if (day < kFirstDay || day > kLastDay) throw StorageError("stored date is out of range in column " + column);
  return Date{date::days{day}};
}

DateTime stored_time(std::int64_t seconds, const std::string& column) {
  if (seconds < kFirstDay * 86400 || seconds > kLastDay * 86400 + 86399)
    throw StorageError("stored time is out of range in column " + column);
  return DateTime{std::chrono::seconds{seconds}};
}

std::string stored_time_text(std::int64_t seconds, const std::string& column) {
  return format_datetime(stored_time(seconds, column));
}

namespace {

Value from_sql(const pack::Field& f, Stmt& s, int& col) {
  const int c = col;
  col += f.type == FieldType::money ? 2 : 1;
  if (s.is_null(c)) return Value{};
  switch (f.type) {
    case FieldType::text: return Value{s.text(c)};
    case FieldType::code: return Value{Code{s.text(c)}};
    case FieldType::integer: return Value{s.int64(c)};
    case FieldType::reference: return Value{Ref{s.int64(c)}};
    case FieldType::boolean: return Value{s.int64(c) != 0};
    case FieldType::decimal: return Value{Decimal{s.int64(c), f.scale}};
    case FieldType::money: return Value{Money{s.int64(c), s.text(c + 1)}};
    case FieldType::date: return Value{stored_date(s.int64(c), f.name)};
    case FieldType::datetime: return Value{stored_time(s.int64(c), f.name)};
  }
  return Value{};
}

Values read_values(const std::vector<pack::Field>& fields, Stmt& s, int col) {
  Values v;
  for (const auto& f : fields) v[f.name] = from_sql(f, s, col);
  return v;
}

}  // namespace

std::vector<SqlValue> to_sql(const pack::Field& f, const Value& v) {
  const size_t ncols = f.type == FieldType::money ? 2 : 1;
  if (std::holds_alternative<std::monostate>(v)) return std::vector<SqlValue>(ncols);
  switch (f.type) {
    case FieldType::text: return {std::get<std::string>(v)};
    case FieldType::code: return {std::get<Code>(v).value};
    case FieldType::integer: return {std::get<std::int64_t>(v)};
    case FieldType::reference: return {std::get<Ref>(v).id};
    case FieldType::boolean: return {static_cast<std::int64_t>(std::get<bool>(v) ? 1 : 0)};
    case FieldType::decimal: return {std::get<Decimal>(v).units};
    case FieldType::money: {
      const auto& m = std::get<Money>(v);
      return {m.minor, m.currency};
    }
    case FieldType::date: return {static_cast<std::int64_t>(std::get<Date>(v).time_since_epoch().count())};
    case FieldType::datetime: return {static_cast<std::int64_t>(std::get<DateTime>(v).time_since_epoch().count())};
  }
  return std::vector<SqlValue>(ncols);
}

namespace {
/// Binds a field's value to its columns from parameter i on; returns the next parameter. Text is
/// bound without a copy: v must stay unchanged until the statement has run.
int bind_field(Stmt& s, int i, const pack::Field& f, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    s.bind(i++, nullptr);
    if (f.type == FieldType::money) s.bind(i++, nullptr);
    return i;
  }
  switch (f.type) {
    case FieldType::text: s.bind_static(i++, std::get<std::string>(v)); break;
    case FieldType::code: s.bind_static(i++, std::get<Code>(v).value); break;
    case FieldType::integer: s.bind(i++, std::get<std::int64_t>(v)); break;
    case FieldType::reference: s.bind(i++, std::get<Ref>(v).id); break;
    case FieldType::boolean: s.bind(i++, static_cast<std::int64_t>(std::get<bool>(v) ? 1 : 0)); break;
    case FieldType::decimal: s.bind(i++, std::get<Decimal>(v).units); break;
    case FieldType::money: {
      const auto& m = std::get<Money>(v);
      s.bind(i++, m.minor);
      s.bind_static(i++, m.currency);
      break;
    }
    case FieldType::date:
      s.bind(i++, static_cast<std::int64_t>(std::get<Date>(v).time_since_epoch().count()));
      break;
    case FieldType::datetime:
      s.bind(i++, static_cast<std::int64_t>(std::get<DateTime>(v).time_since_epoch().count()));
      break;
  }
  return i;
}
}  // namespace

StoredRecord read_row(const pack::RecordType& t, Stmt& s) {
  StoredRecord r;
  r.id = s.int64(0);
  r.version = s.int64(1);
  r.created_at = stored_time_text(s.int64(2), "created_at");
  r.created_by = s.int64(3);
  r.updated_at = stored_time_text(s.int64(4), "updated_at");
  r.updated_by = s.int64(5);
  if (!s.is_null(6)) r.external_id = s.text(6);
  r.archived = s.int64(7) != 0;
  if (!s.is_null(8)) r.archive_reason = s.text(8);
  r.fields = read_values(t.fields, s, kSystemColumnCount);
  return r;
}

std::optional<StoredRecord> read_record(Connection& c, const pack::RecordType& t, std::int64_t id) {
  auto& s = c.prepare(select_sql(t) + " WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) {
    s.reset();
    return std::nullopt;
  }
  StoredRecord r = read_row(t, s);
  s.reset();
  auto secs = read_sections(c, t, {id});
  if (auto it = secs.find(id); it != secs.end()) r.sections = std::move(it->second);
  for (const auto& sec : t.sections) r.sections[sec.name];  // every section, empty or not
  return r;
}

void for_each_record(Connection& c, const pack::RecordType& t, const std::function<void(const StoredRecord&)>& f) {
  constexpr int kBatch = 500;
  std::int64_t after = 0;
  for (;;) {
    std::vector<StoredRecord> batch;
    auto& s = c.prepare(select_sql(t) + " WHERE id > ? ORDER BY id LIMIT " + std::to_string(kBatch));
    s.bind(1, after);
    while (s.step()) batch.push_back(read_row(t, s));
    s.reset();
    if (batch.empty()) return;
    std::vector<std::int64_t> ids;
    for (const auto& r : batch) ids.push_back(r.id);
    auto secs = read_sections(c, t, ids);
    for (auto& r : batch) {
      if (auto it = secs.find(r.id); it != secs.end()) r.sections = std::move(it->second);
      f(r);
    }
    after = batch.back().id;
  }
}

std::map<std::int64_t, Sections> read_sections(Connection& c, const pack::RecordType& t,
                                               const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, Sections> out;
  if (ids.empty()) return out;
  for (const auto& sec : t.sections) {
    const std::string head = "SELECT parent_id" + column_list(sec.fields) + " FROM " +
                             quote(section_table(t, sec));
    std::string sql;
    if (ids.size() == 1) {
      sql = head + " WHERE parent_id = ? ORDER BY item_no";
    } else {
      std::string marks;
      for (size_t k = 0; k < ids.size(); ++k) marks += k ? ", ?" : "?";
      sql = head + " WHERE parent_id IN (" + marks + ") ORDER BY parent_id, item_no";
    }
    auto& s = c.prepare(sql);
    for (size_t k = 0; k < ids.size(); ++k) s.bind(static_cast<int>(k) + 1, ids[k]);
    while (s.step()) out[s.int64(0)][sec.name].push_back(read_values(sec.fields, s, 1));
    s.reset();
  }
  return out;
}

std::vector<std::int64_t> ids_with_day_between(Connection& c, const pack::RecordType& t, const std::string& from,
                                               const std::string& to, std::int64_t day) {
  auto& s = c.prepare("SELECT id FROM " + quote(t.name) + " WHERE archived = 0 AND " + quote(from) + " <= ?1 AND " +
                      quote(to) + " >= ?1 ORDER BY id");
  s.bind(1, day);
  std::vector<std::int64_t> out;
  while (s.step()) out.push_back(s.int64(0));
  s.reset();
  return out;
}

std::optional<std::int64_t> record_creator(Connection& c, const pack::RecordType& t, std::int64_t id) {
  auto& s = c.prepare("SELECT created_by FROM " + quote(t.name) + " WHERE id = ?");
  s.bind(1, id);
  std::optional<std::int64_t> by;
  if (s.step()) by = s.int64(0);
  s.reset();
  return by;
}

std::optional<std::int64_t> find_by_external_id(Connection& c, const pack::RecordType& t,
                                                const std::string& external_id) {
  auto& s = c.prepare("SELECT id FROM " + quote(t.name) + " WHERE external_id = ?");
  s.bind(1, external_id);
  std::optional<std::int64_t> id;
  if (s.step()) id = s.int64(0);
  s.reset();
  return id;
}

Presence reference_target(Connection& c, const pack::Field& f, std::int64_t id) {
  auto& s = c.statement(kReference, &f, [&] { return "SELECT archived FROM " + quote(f.target) + " WHERE id = ?"; });
  s.bind(1, id);
  Presence p = Presence::missing;
  if (s.step()) p = s.int64(0) != 0 ? Presence::archived : Presence::active;
  s.reset();
  return p;
}

namespace {
// Adds a value to a key as a lookup binds it (its first column: text, or an integer); false when
// it is empty.
bool key_value(DupKey& k, const pack::Field& f, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return false;
  switch (f.type) {
    case FieldType::text: k.text(std::get<std::string>(v)); break;
    case FieldType::code: k.text(std::get<Code>(v).value); break;
    case FieldType::integer: k.integer(std::get<std::int64_t>(v)); break;
    case FieldType::reference: k.integer(std::get<Ref>(v).id); break;
    case FieldType::boolean: k.integer(std::get<bool>(v) ? 1 : 0); break;
    case FieldType::decimal: k.integer(std::get<Decimal>(v).units); break;
    case FieldType::money: k.integer(std::get<Money>(v).minor); break;
    case FieldType::date: k.integer(std::get<Date>(v).time_since_epoch().count()); break;
    case FieldType::datetime: k.integer(std::get<DateTime>(v).time_since_epoch().count()); break;
  }
  return true;
}
}  // namespace

std::optional<std::int64_t> dup_key(const std::vector<const pack::Field*>& fields,
                                    const std::vector<const Value*>& values) {
  DupKey k;
  for (size_t i = 0; i < fields.size(); ++i)
    if (!key_value(k, *fields[i], *values[i])) return std::nullopt;
  return k.value();
}

namespace {

// The fields a rule's lookups compare, when its filter can hold their keys (the record's own
// fields, not a section's).
const std::vector<std::string>* filter_fields(const pack::Rule& r) {
  if (!r.section.empty()) return nullptr;
  if (const auto* u = std::get_if<pack::rules::UniqueActive>(&r.check)) return &u->fields;
  if (const auto* d = std::get_if<pack::rules::PossibleDuplicate>(&r.check)) return &d->fields;
  return nullptr;
}

// The filter key of a record's values for a rule's fields: DupKey of their first columns, as a
// lookup binds them (dup_key()); nullopt when one is empty (such a row matches no lookup).
std::optional<std::int64_t> values_key(const pack::RecordType& t, const std::vector<std::string>& names,
                                       const Values& vals) {
  DupKey k;
  for (const auto& n : names)
    if (!key_value(k, *t.field(n), detail::value_of(vals, n))) return std::nullopt;
  return k.value();
}

// "SELECT <the key's columns> FROM t WHERE <true>": a possible_duplicate rule's key column
// (schema.hpp DupRule), or the first columns of a unique rule's fields.
std::string key_select(const pack::RecordType& t, const pack::Rule& r) {
  if (const auto* pd = std::get_if<pack::rules::PossibleDuplicate>(&r.check)) {
    // Its partial index holds the keys that are not NULL: all a filter needs.
    for (const auto& d : dup_rules(t))
      if (d.rule == pd)
        return "SELECT " + quote(d.column) + " FROM " + quote(t.name) + " WHERE " + quote(d.column) + " IS NOT NULL";
    throw StorageError("no key column for a possible_duplicate rule of " + t.name);
  }
  std::string cols;
  for (const auto& n : *filter_fields(r)) cols += (cols.empty() ? "" : ", ") + quote(t.field(n)->columns().front());
  return "SELECT " + cols + " FROM " + quote(t.name) + " WHERE 1";
}

// The filter key of the row a key_select() statement stands on: the key column as stored, or
// DupKey of the columns (what dup_key() makes of the values a lookup binds). nullopt when a
// column is NULL (the row matches no lookup); false when a column holds what no lookup binds.
bool row_key(Stmt& s, bool dup, std::optional<std::int64_t>& key) {
  key.reset();
  if (dup) {
    if (!s.is_null(0)) key = s.int64(0);
    return true;
  }
  DupKey k;
  for (int i = 0; i < s.columns(); ++i) {
    switch (sqlite3_column_type(s.raw(), i)) {
      case SQLITE_INTEGER: k.integer(s.int64(i)); break;
      case SQLITE_TEXT: k.text(s.view(i)); break;
      case SQLITE_NULL: return true;
      default: return false;
    }
  }
  key = k.value();
  return true;
}

// Adds the keys of a record just inserted (from its values) or updated (read back from its row,
// for the rules whose fields the update changed: a patch does not hold the others) to the filters
// made for t's rules.
void add_keys(Connection& c, const pack::RecordType& t, std::int64_t id, const Values* inserted,
              const std::vector<const pack::Field*>* changed) {
  auto& slots = c.key_filters().slots;
  if (slots.empty()) return;
  for (const auto& r : t.rules) {
    const auto it = slots.find(&r);
    if (it == slots.end() || !it->second.filter) continue;
    auto& slot = it->second;
    const auto* names = filter_fields(r);
    std::optional<std::int64_t> key;
    if (inserted) {
      key = values_key(t, *names, *inserted);
    } else {
      if (std::none_of(changed->begin(), changed->end(), [&](const pack::Field* f) {
            return std::find(names->begin(), names->end(), f->name) != names->end();
          }))
        continue;
      auto& s = c.prepare(key_select(t, r) + " AND id = ?");
      s.bind(1, id);
      const bool ok = !s.step() || row_key(s, std::holds_alternative<pack::rules::PossibleDuplicate>(r.check), key);
      s.reset();
      if (!ok) {
        slot.filter.reset();
        slot.next_check = UINT64_MAX;
        continue;
      }
    }
    if (!key) continue;
    slot.filter->add(static_cast<std::uint64_t>(*key));
    if (slot.filter->count() > slot.filter->capacity()) slot.filter.reset();  // made again, larger
  }
}

// Makes the filter of a rule's lookups from the keys of every row of t, once the transaction
// has run at least a sixteenth as many lookups as the table has rows (reading a key costs far
// less than a lookup); otherwise weighs it again after twice the lookups.
void make_filter(Connection& c, const pack::RecordType& t, const pack::Rule& r, KeyFilters::Slot& slot) {
  const auto rows = static_cast<std::uint64_t>(c.scalar("SELECT max(id) FROM " + quote(t.name)).value_or(0));
  if (slot.lookups * 16 < rows) {
    slot.next_check = slot.lookups * 2;
    return;
  }
  auto filter = std::make_unique<KeyFilter>(std::max<std::uint64_t>(2 * rows, std::uint64_t{1} << 20));
  const bool dup = std::holds_alternative<pack::rules::PossibleDuplicate>(r.check);
  auto& s = c.prepare(key_select(t, r));
  std::optional<std::int64_t> key;
  while (s.step()) {
    if (!row_key(s, dup, key)) {  // not a value a lookup binds: no filter for this rule
      s.reset();
      slot.next_check = UINT64_MAX;
      return;
    }
    if (key) filter->add(static_cast<std::uint64_t>(*key));
  }
  s.reset();
  slot.filter = std::move(filter);
  slot.asked = slot.spared = 0;
}

}  // namespace

std::vector<std::int64_t> find_matching(Connection& c, const pack::RecordType& t, const Match& m) {
  std::optional<std::int64_t> key;
  if (m.dup) {
    key = dup_key(m.fields, m.values);
    if (!key) return {};
  }
  if (m.rule && filter_fields(*m.rule)) {
    auto& slot = c.key_filters().slots[m.rule];
    ++slot.lookups;
    if (!slot.filter && slot.lookups >= slot.next_check) make_filter(c, t, *m.rule, slot);
    if (slot.filter) {
      const auto k = m.dup ? key : dup_key(m.fields, m.values);
      ++slot.asked;
      if (k && !slot.filter->may_contain(static_cast<std::uint64_t>(*k))) {
        ++slot.spared;
        return {};
      }
      // A filter that spares few lookups (most keys are in the table: a file of people already
      // registered) costs more than it saves: dropped for the rest of the transaction.
      if (slot.asked == 4096 && slot.spared < slot.asked / 4) {
        slot.filter.reset();
        slot.next_check = UINT64_MAX;
      }
    }
  }
  auto& s = c.statement(kMatch, m.key, [&] {
    std::string where;
    if (m.dup)
      for (const auto& d : dup_rules(t))
        if (d.rule == m.dup) where = " AND " + quote(d.column) + " = ?";
    if (m.dup && where.empty()) throw StorageError("no key column for a possible_duplicate rule of " + t.name);
    for (const auto* f : m.fields) {
      const std::string col = quote(f->columns().front());
      // NOCASE folds ASCII letters only, as lower() does (and DupKey): the same comparison
      // without two calls of lower(), each a copy, per field and candidate.
      where += m.ignore_case && f->type == FieldType::text ? " AND " + col + " = ? COLLATE NOCASE"
                                                           : " AND " + col + " = ?";
    }
    if (!m.closed_status_field.empty())
      where += " AND coalesce(" + quote(m.closed_status_field) + ", '') <> 'closed'";
    return "SELECT id FROM " + quote(t.name) + " WHERE archived = 0 AND id <> ?" + where +
           (m.limit > 1 ? " ORDER BY id" : "") + " LIMIT " + std::to_string(m.limit);
  });
  s.bind(1, m.self);
  const int first = key ? 3 : 2;
  if (key) s.bind(2, *key);
  for (size_t i = 0; i < m.fields.size(); ++i) {
    if (m.fields[i]->type == FieldType::money) s.bind(static_cast<int>(i) + first, to_sql(*m.fields[i], *m.values[i]).front());
    else bind_field(s, static_cast<int>(i) + first, *m.fields[i], *m.values[i]);
  }
  std::vector<std::int64_t> ids;
  while (s.step()) ids.push_back(s.int64(0));
  s.reset();
  return ids;
}

std::int64_t next_in_sequence(Connection& c, const std::string& name) {
  // Read once per transaction, counted in memory, stored by flush_pending() before the commit.
  auto& seqs = c.pending().sequences;
  auto it = seqs.find(name);
  if (it == seqs.end()) {
    auto& q = c.prepare("SELECT value FROM clmis_sequence WHERE name = ?");
    q.bind(1, name);
    const std::int64_t last = q.step() ? q.int64(0) : 0;
    q.reset();
    it = seqs.emplace(name, std::make_pair(last, false)).first;
  }
  it->second.first += 1;
  it->second.second = true;
  return it->second.first;
}

std::int64_t insert_row(Connection& c, const pack::RecordType& t, const Values& fields,
                           std::int64_t uid, const std::string& at,
                           const std::optional<std::string>& external_id) {
  auto& s = c.statement(kInsert, &t, [&] {
    std::string marks, keys;
    for (const auto& f : t.fields)
      for (size_t i = 0; i < f.columns().size(); ++i) marks += ", ?";
    for (const auto& d : dup_rules(t)) {
      keys += ", " + quote(d.column);
      marks += ", ?";
    }
    return "INSERT INTO " + quote(t.name) +
           " (version, created_at, created_by, updated_at, updated_by, external_id, archived" +
           column_list(t.fields) + keys + ") VALUES (1, ?, ?, ?, ?, ?, 0" + marks + ")";
  });
  const std::int64_t seconds = utc_seconds(at);
  s.bind(1, seconds).bind(2, uid).bind(3, seconds).bind(4, uid);
  if (external_id) s.bind(5, *external_id); else s.bind(5, nullptr);
  const auto& plan = c.derived<std::vector<BindSlot>>(kInsertPlan, &t, [&] {
    std::vector<BindSlot> p;
    int param = 6;
    for (const auto& f : t.fields) {
      p.push_back({f.name, &f, param});
      param += static_cast<int>(f.columns().size());
    }
    std::sort(p.begin(), p.end(), [](const BindSlot& a, const BindSlot& b) { return a.name < b.name; });
    return p;
  });
  // Unbound parameters are NULL (the statement comes with its bindings cleared).
  auto slot = plan.begin();
  for (const auto& [name, v] : fields) {
    while (slot != plan.end() && slot->name < name) ++slot;
    if (slot == plan.end()) break;
    if (slot->name == name && !std::holds_alternative<std::monostate>(v)) bind_field(s, slot->param, *slot->field, v);
  }
  int i = 6;  // after the fields' parameters: the possible-duplicate keys'
  for (const auto& f : t.fields) i += f.type == FieldType::money ? 2 : 1;
  // The possible-duplicate keys, in the order of dup_rules(t): the record's rules in order.
  for (const auto& r : t.rules) {
    const auto* pd = std::get_if<pack::rules::PossibleDuplicate>(&r.check);
    if (!pd || !r.section.empty()) continue;
    if (const auto k = values_key(t, pd->fields, fields)) s.bind(i++, *k);
    else s.bind(i++, nullptr);
  }
  s.run();
  const std::int64_t id = c.last_insert_rowid();
  add_keys(c, t, id, &fields, nullptr);
  return id;
}

bool update_row(Connection& c, const pack::RecordType& t, std::int64_t id, std::int64_t from_version,
                   const std::vector<const pack::Field*>& changed, const Values& values,
                   std::int64_t uid, const std::string& at, const std::optional<std::string>& external_id) {
  std::string sets = "version = ?, updated_at = ?, updated_by = ?, external_id = ?";
  for (const auto* f : changed)
    for (const auto& col : f->columns()) sets += ", " + quote(col) + " = ?";
  auto& s = c.prepare("UPDATE " + quote(t.name) + " SET " + sets + " WHERE id = ? AND version = ?");
  s.bind(1, from_version + 1).bind(2, utc_seconds(at)).bind(3, uid);
  if (external_id) s.bind(4, *external_id); else s.bind(4, nullptr);
  int i = 5;
  for (const auto* f : changed)
    i = bind_field(s, i, *f, detail::value_of(values, f->name));
  s.bind(i, id).bind(i + 1, from_version).run();
  if (c.changes() != 1) return false;
  // A possible-duplicate key whose values changed: computed again from the row as stored.
  for (const auto& d : dup_rules(t)) {
    const bool touched = std::any_of(changed.begin(), changed.end(), [&](const pack::Field* f) {
      return std::find(d.rule->fields.begin(), d.rule->fields.end(), f->name) != d.rule->fields.end();
    });
    if (touched)
      c.prepare("UPDATE " + quote(t.name) + " SET " + quote(d.column) + " = " + dup_key_sql(t, d) + " WHERE id = ?")
          .bind(1, id)
          .run();
  }
  add_keys(c, t, id, nullptr, &changed);
  return true;
}

void archive_row(Connection& c, const pack::RecordType& t, std::int64_t id, std::int64_t version,
                    const std::string& reason, std::int64_t uid, const std::string& at) {
  c.prepare("UPDATE " + quote(t.name) +
            " SET archived = 1, archive_reason = ?, version = ?, updated_at = ?, "
            "updated_by = ? WHERE id = ?")
      .bind(1, reason).bind(2, version).bind(3, utc_seconds(at)).bind(4, uid).bind(5, id).run();
}

void write_sections(Connection& c, const pack::RecordType& t, std::int64_t id, const Sections& given, bool fresh) {
  for (const auto& sec : t.sections) {
    auto items = given.find(sec.name);
    if (items == given.end() || (fresh && items->second.empty())) continue;
    if (!fresh)
      c.statement(kSectionDelete, &sec, [&] {
         return "DELETE FROM " + quote(section_table(t, sec)) + " WHERE parent_id = ?";
       })
          .bind(1, id).run();
    const std::string& sql = c.text(kSectionInsert, &sec, [&] {
      std::string marks;
      for (const auto& f : sec.fields)
        for (size_t i = 0; i < f.columns().size(); ++i) marks += ", ?";
      return "INSERT INTO " + quote(section_table(t, sec)) + " (parent_id, item_no" + column_list(sec.fields) +
             ") VALUES (?, ?" + marks + ")";
    });
    std::int64_t pos = 0;
    for (const auto& item : items->second) {
      auto& s = c.prepare(sql);
      s.bind(1, id).bind(2, pos++);
      int i = 3;
      for (const auto& f : sec.fields)
        i = bind_field(s, i, f, detail::value_of(item, f.name));
      s.run();
    }
  }
}

bool has_rows(Connection& c, const std::string& table) {
  auto& s = c.prepare("SELECT EXISTS (SELECT 1 FROM " + quote(table) + ")");
  s.step();
  const bool any = s.int64(0) != 0;
  s.reset();
  return any;
}

std::int64_t count_code_uses(Connection& c, const std::string& table, const std::string& column,
                             const std::string& code) {
  auto& s = c.prepare("SELECT count(*) FROM " + quote(table) + " WHERE " + quote(column) + " = ?");
  s.bind(1, code);
  s.step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

}  // namespace clmis::store
