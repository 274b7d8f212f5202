#include "records/query.hpp"

#include "clmis/json.hpp"
#include "core/hash.hpp"
#include "records/records.hpp"
#include "security/access.hpp"
#include "store/codes.hpp"
#include "store/deadlines.hpp"
#include "store/query.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>

namespace clmis::detail {

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr size_t kMaxIn = 1000;

/// A queryable key: a field (its first storage column) or a system field.
struct Key {
  std::string column;
  const pack::Field* field = nullptr;  // null for system fields
  FieldType type = FieldType::integer;
};

std::optional<Key> resolve(const pack::RecordType& t, const std::string& name) {
  if (const auto* sf = pack::system_field(name)) {
    if (!sf->queryable) return std::nullopt;
    return Key{name, nullptr, sf->type};
  }
  if (const auto* f = t.field(name)) return Key{f->columns().front(), f, f->type};
  return std::nullopt;
}

std::string b64url(const std::string& bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> unb64url(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

Json sql_to_json(const store::SqlValue& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

std::optional<store::SqlValue> json_to_sql(const Json& j) {
  if (j.is_null()) return store::SqlValue{};
  if (j.is_number_integer()) return store::SqlValue{j.get<std::int64_t>()};
  if (j.is_string()) return store::SqlValue{j.get<std::string>()};
  return std::nullopt;
}

/// Whether a query document is for a page (query_records: limit 1..1000, default 100) or for
/// columns (read_columns: any limit from 0, default none).
enum class Mode { page, columns };

/// A query document, checked.
struct Checked {
  store::Selection sel;
  std::optional<std::int64_t> limit;
  std::string fingerprint;          ///< of the records the query selects and their order
  std::vector<std::string> fields;  ///< "fields": the columns asked for (empty: all)
  Date as_of{};                     ///< "as_of": the date of the records' age_group
};

/// Checks a query document (format at clmis_record_query in clmis.h) against t for a caller
/// whose read scope is read_scope: a ValidationError listing every problem, or PermissionDenied
/// for a filter or sort on a personal field without read_personal over the whole scope.
Checked check_query(Context& cx, const pack::RecordType& t, pack::Scope read_scope, const Json& q, Mode mode) {
  // Filtering or sorting on a personal field needs read_personal over every record the query
  // can reach (DESIGN.md §5), or the order of results would reveal the values.
  const bool personal_keys_ok = cx.access.scope_of(cx, t, "read_personal") >= read_scope;
  std::vector<std::string> personal_keys;
  std::vector<FieldError> errors;
  auto err = [&](const std::string& path, const Json& value, const std::string& message) {
    errors.push_back({t.name, path, value, "query", message});
  };
  if (!q.is_object()) {
    err("", q, "a query is a JSON object");
    throw ValidationError(std::move(errors));
  }
  for (auto it = q.begin(); it != q.end(); ++it)
    if (it.key() != "filter" && it.key() != "sort" && it.key() != "limit" && it.key() != "after" &&
        it.key() != "include_archived" && it.key() != "fields" && it.key() != "as_of")
      err(it.key(), *it, "unknown query key \"" + it.key() + "\"");

  Checked out;
  store::Selection& pq = out.sel;
  if (mode == Mode::page) out.limit = kDefaultLimit;
  out.as_of = cx.clock.today();
  if (auto it = q.find("as_of"); it != q.end() && !it->is_null()) {
    const auto d = it->is_string() ? parse_date(it->get<std::string>()) : std::nullopt;
    if (!d) err("as_of", *it, "as_of is a date \"YYYY-MM-DD\" (the date age_group is computed at)");
    else out.as_of = *d;
  }
  if (auto it = q.find("limit"); it != q.end()) {
    if (mode == Mode::page) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > kMaxLimit)
        err("limit", *it, "limit is an integer from 1 to 1000");
      else out.limit = it->get<std::int64_t>();
    } else if (!it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
        err("limit", *it, "limit is null or an integer from 0");
      else out.limit = it->get<std::int64_t>();
    }
  }
  if (auto it = q.find("fields"); it != q.end()) {
    if (!it->is_array() || it->empty()) {
      err("fields", *it, "fields is a non-empty array of field names");
    } else {
      std::set<std::string, std::less<>> seen;
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& f = (*it)[i];
        const std::string path = "fields[" + std::to_string(i) + "]";
        if (!f.is_string()) {
          err(path, f, "a field name is a string");
          continue;
        }
        const auto& name = f.get_ref<const std::string&>();
        if (!pack::system_field(name) && !t.field(name) && !t.section(name) &&
            !(name == "age_group" && birth_field(t))) {
          err(path, f, "record type \"" + t.name + "\" has no field \"" + name + "\"");
          continue;
        }
        if (!seen.insert(name).second) {
          err(path, f, "field \"" + name + "\" is named twice");
          continue;
        }
        out.fields.push_back(name);
      }
    }
  }
  if (auto it = q.find("include_archived"); it != q.end()) {
    if (!it->is_boolean()) err("include_archived", *it, "expected true or false");
    else pq.include_archived = it->get<bool>();
  }
  if (read_scope == pack::Scope::own) {
    pq.created_by = cx.who.uid;
    if (t.workflow) pq.assigned_type = t.name;  // and the cases assigned to the user
  }

  using Op = store::Condition::Op;
  // Converts a filter value of a key to its stored form; a money amount's currency goes to
  // *currency (money compares within one currency: the caller adds that condition once).
  auto storage_value = [&](const Key& k, const Json& v, const std::string& path,
                           std::optional<std::string>* currency) -> std::optional<store::SqlValue> {
    if (!k.field) {
      if (k.type == FieldType::integer) {
        if (v.is_number_integer()) return store::SqlValue{v.get<std::int64_t>()};
      } else if (k.type == FieldType::datetime) {
        if (v.is_string())
          if (auto t = parse_datetime(v.get<std::string>()))
            return store::SqlValue{static_cast<std::int64_t>(t->time_since_epoch().count())};
      } else if (v.is_string()) {
        return store::SqlValue{v.get<std::string>()};
      }
      err(path, v, "value of the wrong type for \"" + k.column + "\"");
      return std::nullopt;
    }
    auto d = decode_value(v, k.field->spec());
    if (auto* rej = std::get_if<Rejection>(&d)) {
      err(path, v, rej->message);
      return std::nullopt;
    }
    if (is_null(std::get<Value>(d))) {
      err(path, v, "a null value can only be tested with \"is_null\"");
      return std::nullopt;
    }
    const auto sql = store::to_sql(*k.field, std::get<Value>(d));
    if (k.field->type == FieldType::money) {
      const auto& cur = std::get<std::string>(sql[1]);
      if (currency->has_value() && **currency != cur) {
        err(path, v, "the amounts of one condition must be in one currency (" + **currency + ")");
        return std::nullopt;
      }
      *currency = cur;
    }
    return sql[0];
  };
  // The currency condition of a money key, once per condition.
  auto add_currency = [&](const Key& k, const std::optional<std::string>& currency) {
    if (currency) pq.where.push_back({k.field->columns()[1], Op::eq, {*currency}});
  };

  if (auto it = q.find("filter"); it != q.end()) {
    if (!it->is_array()) err("filter", *it, "filter is an array of conditions");
    else
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& c = (*it)[i];
        const std::string path = "filter[" + std::to_string(i) + "]";
        if (!c.is_object() || !c.contains("field") || !c.contains("op") || !c["field"].is_string() || !c["op"].is_string()) {
          err(path, c, R"(a condition is {"field": NAME, "op": OP, "value": VALUE})");
          continue;
        }
        bool bad_key = false;
        for (auto k = c.begin(); k != c.end(); ++k)
          if (k.key() != "field" && k.key() != "op" && k.key() != "value") {
            err(path + "." + k.key(), *k, "unknown key in a condition");
            bad_key = true;
          }
        if (bad_key) continue;
        const std::string name = c["field"].get<std::string>();
        const std::string op = c["op"].get<std::string>();
        auto key = resolve(t, name);
        if (!key) {
          err(path + ".field", c["field"], "record type \"" + t.name + "\" has no field \"" + name + "\"");
          continue;
        }
        if (key->field && key->field->personal) personal_keys.push_back(key->field->name);
        const Json value = c.contains("value") ? c["value"] : Json(nullptr);
        static const std::map<std::string, Op> cmp = {{"eq", Op::eq}, {"ne", Op::ne}, {"lt", Op::lt},
                                                      {"le", Op::le}, {"gt", Op::gt}, {"ge", Op::ge}};
        if (auto op_it = cmp.find(op); op_it != cmp.end()) {
          std::optional<std::string> currency;
          if (auto v = storage_value(*key, value, path + ".value", &currency)) {
            add_currency(*key, currency);
            pq.where.push_back({key->column, op_it->second, {*v}});
          }
        } else if (op == "in") {
          if (!value.is_array() || value.empty() || value.size() > kMaxIn) {
            err(path + ".value", value, "\"in\" takes an array of 1 to 1000 values");
            continue;
          }
          store::Condition in{key->column, Op::in, {}};
          std::optional<std::string> currency;
          for (size_t k = 0; k < value.size(); ++k)
            if (auto v = storage_value(*key, value[k], path + ".value[" + std::to_string(k) + "]", &currency))
              in.values.push_back(*v);
          add_currency(*key, currency);
          if (!in.values.empty()) pq.where.push_back(std::move(in));
        } else if (op == "is_null") {
          if (!value.is_boolean()) {
            err(path + ".value", value, "\"is_null\" takes true or false");
            continue;
          }
          pq.where.push_back({key->column, value.get<bool>() ? Op::is_null : Op::is_not_null, {}});
        } else if (op == "contains") {
          if (key->type != FieldType::text && key->type != FieldType::code) {
            err(path + ".op", c["op"], "\"contains\" applies to text and code fields");
            continue;
          }
          if (!value.is_string() || value.get<std::string>().empty()) {
            err(path + ".value", value, "\"contains\" takes a non-empty string");
            continue;
          }
          pq.where.push_back({key->column, Op::contains, {value.get<std::string>()}});
        } else {
          err(path + ".op", c["op"], "unknown op \"" + op + "\" (eq, ne, lt, le, gt, ge, in, is_null, contains)");
        }
      }
  }

  if (auto it = q.find("sort"); it != q.end()) {
    if (!it->is_array() || it->size() > 8) err("sort", *it, "sort is an array of at most 8 keys");
    else
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& s = (*it)[i];
        const std::string path = "sort[" + std::to_string(i) + "]";
        if (!s.is_object() || !s.contains("field") || !s["field"].is_string() ||
            (s.contains("desc") && !s["desc"].is_boolean()) || s.size() > (s.contains("desc") ? 2u : 1u)) {
          err(path, s, R"(a sort key is {"field": NAME, "desc": false})");
          continue;
        }
        auto key = resolve(t, s["field"].get<std::string>());
        if (!key) {
          err(path + ".field", s["field"], "record type \"" + t.name + "\" has no field \"" + s["field"].get<std::string>() + "\"");
          continue;
        }
        if (key->field && key->field->personal) personal_keys.push_back(key->field->name);
        if (key->column == "id") continue;  // id is always the last key
        pq.sort.push_back({key->column, s.value("desc", false)});
      }
  }

  // The cursor belongs to one query: a fingerprint of what chooses the records and their order
  // (everything but "after", "limit", "fields" and "as_of").
  Json shape = q;
  shape.erase("after");
  shape.erase("limit");
  shape.erase("fields");
  shape.erase("as_of");
  // The storage layout's dates are in it too: a cursor's keys are stored values, and a cursor
  // made before storage format 6 holds dates as text.
  Sha256 fp;
  fp.update_item("storage 6");
  fp.update_item(t.name);
  fp.update_item(shape.dump());
  out.fingerprint = fp.hex().substr(0, 16);
  const std::string& fingerprint = out.fingerprint;

  if (auto it = q.find("after"); it != q.end() && !it->is_null()) {
    std::optional<Json> cursor;
    if (it->is_string())
      if (auto bin = unb64url(it->get<std::string>())) {
        try {
          cursor = parse_json(*bin, t.name);
        } catch (const ValidationError&) {
          // not a cursor: refused below with the field's own message
        }
      }
    if (!cursor || !cursor->is_object() || !(*cursor)["q"].is_string() ||
        !(*cursor)["k"].is_array() || (*cursor)["k"].size() != pq.sort.size() + 1 ||
        !(*cursor)["k"].back().is_number_integer()) {
      err("after", *it, "not a cursor returned by this query");
    } else if ((*cursor)["q"].get<std::string>() != fingerprint) {
      err("after", *it, "the cursor belongs to another query (filter or sort changed)");
    } else {
      std::vector<store::SqlValue> vals;
      bool ok = true;
      for (const auto& v : (*cursor)["k"]) {
        auto sv = json_to_sql(v);
        if (!sv) ok = false;
        else vals.push_back(*sv);
      }
      if (!ok) err("after", *it, "not a cursor returned by this query");
      else pq.after = std::move(vals);
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (!personal_keys.empty() && !personal_keys_ok)
    cx.access.deny(cx, t.name + ".read_personal",
                   "filtering or sorting on the personal field " + personal_keys.front() + " needs read_personal");

  return out;
}

/// A record (masked) with only the fields asked for, in that order; "masked" lists only those.
Json only_fields(const Json& record, const std::vector<std::string>& fields) {
  Json out = Json::object();
  for (const auto& f : fields) out[f] = record[f];
  if (auto m = record.find("masked"); m != record.end()) {
    Json masked = Json::array();
    for (const auto& name : *m) {
      const auto& n = name.get_ref<const std::string&>();
      const std::string top = n.substr(0, n.find('.'));  // a section's field: "section.field"
      if (out.contains(top)) masked.push_back(name);
    }
    if (!masked.empty()) out["masked"] = std::move(masked);
  }
  return out;
}

}  // namespace

Json query_records(Context& cx, std::string_view type, const Json& q) {
  const auto& t = cx.type(type);
  const auto read_scope = cx.access.require_scope(cx, t, "read");
  Checked c = check_query(cx, t, read_scope, q, Mode::page);
  store::PageQuery pq;
  static_cast<store::Selection&>(pq) = std::move(c.sel);
  pq.limit = static_cast<int>(*c.limit);

  const auto page = store::query_page(cx.conn, t, pq);
  Json records = Json::array();
  for (const auto& r : page.records) {
    Json record = record_json(cx, t, r, c.as_of);
    cx.access.mask(cx, t, record, r.created_by, r.id);
    if (!c.fields.empty()) record = only_fields(record, c.fields);
    records.push_back(std::move(record));
  }
  Json next = nullptr;
  if (page.more) {
    Json keys = Json::array();
    for (const auto& k : page.last_keys) keys.push_back(sql_to_json(k));
    next = b64url(Json{{"q", c.fingerprint}, {"k", keys}}.dump());
  }
  return Json{{"records", std::move(records)}, {"next", next}};
}

// ---- read_columns --------------------------------------------------------------------------------

namespace {

constexpr size_t kSectionBatch = 500;  // records whose sections one read_sections call fetches

/// What a requested column needs read, and how it is finished once read.
struct Plan {
  const pack::SystemField* system = nullptr;
  const pack::Field* field = nullptr;
  const pack::Section* section = nullptr;
  bool age_group = false;  ///< the age group of the birth date (birth_field)
};

/// Empties value i of a column (a masked field).
void clear_value(Column& c, size_t i) {
  c.valid[i] = 0;
  if (!c.ints.empty()) c.ints[i] = 0;
  if (!c.codes.empty()) c.codes[i] = -1;
}

/// Rebuilds a text column keeping the values of the rows keep(i) says.
template <class Keep>
void keep_texts(Column& c, Keep keep) {
  std::string text;
  std::vector<std::uint64_t> offsets{0};
  text.reserve(c.text.size());
  offsets.reserve(c.offsets.size());
  for (size_t i = 0; i < c.size(); ++i) {
    if (keep(i)) text.append(c.text_at(i));
    else c.valid[i] = 0;
    offsets.push_back(text.size());
  }
  c.text = std::move(text);
  c.offsets = std::move(offsets);
}

/// After masking: drops the categories beyond the code list's own (values outside the list)
/// that no remaining value uses, keeping the others in order of first appearance.
void drop_unused_extras(Column& c, size_t declared) {
  if (c.categories.size() == declared) return;
  std::vector<char> used(c.categories.size(), 0);
  for (auto k : c.codes)
    if (k >= 0) used[static_cast<size_t>(k)] = 1;
  std::vector<std::int32_t> renumber(c.categories.size(), -1);
  std::vector<std::string> kept(c.categories.begin(), c.categories.begin() + static_cast<std::ptrdiff_t>(declared));
  for (size_t k = 0; k < c.categories.size(); ++k) {
    if (k < declared) renumber[k] = static_cast<std::int32_t>(k);
    else if (used[k]) {
      renumber[k] = static_cast<std::int32_t>(kept.size());
      kept.push_back(std::move(c.categories[k]));
    }
  }
  for (auto& k : c.codes)
    if (k >= 0) k = renumber[static_cast<size_t>(k)];
  c.categories = std::move(kept);
}

ColumnType column_type(FieldType t) {
  switch (t) {
    case FieldType::text: return ColumnType::text;
    case FieldType::integer: return ColumnType::integer;
    case FieldType::decimal: return ColumnType::decimal;
    case FieldType::money: return ColumnType::money;
    case FieldType::date: return ColumnType::date;
    case FieldType::datetime: return ColumnType::datetime;
    case FieldType::boolean: return ColumnType::boolean;
    case FieldType::code: return ColumnType::code;
    case FieldType::reference: return ColumnType::reference;
  }
  return ColumnType::text;
}

}  // namespace

ColumnSet read_columns(Context& cx, std::string_view type, const Json& q) {
  const auto& t = cx.type(type);
  const auto read_scope = cx.access.require_scope(cx, t, "read");
  Checked c = check_query(cx, t, read_scope, q, Mode::columns);

  // The columns asked for (all: the record's, as Session::get orders them).
  std::vector<Plan> plans;
  if (c.fields.empty()) {
    for (const auto& sf : pack::kSystemFields) plans.push_back({&sf, nullptr, nullptr});
    for (const auto& f : t.fields) {
      plans.push_back({nullptr, &f, nullptr});
      if (&f == birth_field(t)) plans.push_back({nullptr, nullptr, nullptr, true});
    }
    for (const auto& sec : t.sections) plans.push_back({nullptr, nullptr, &sec});
  } else {
    for (const auto& name : c.fields) {
      if (const auto* sf = pack::system_field(name)) plans.push_back({sf, nullptr, nullptr});
      else if (const auto* f = t.field(name)) plans.push_back({nullptr, f, nullptr});
      else if (const auto* sec = t.section(name)) plans.push_back({nullptr, nullptr, sec});
      else plans.push_back({nullptr, nullptr, nullptr, true});  // age_group (checked)
    }
  }

  // Who may read personal values: everyone's, their own records' (by created_by), or none.
  const auto personal_scope = cx.access.scope_of(cx, t, "read_personal");
  bool any_personal = false;
  for (const auto& p : plans) {
    if (p.field && p.field->personal) any_personal = true;
    if (p.section)
      for (const auto& f : p.section->fields) any_personal = any_personal || f.personal;
  }
  const bool by_creator = any_personal && personal_scope == pack::Scope::own;
  const bool mask_all = any_personal && personal_scope != pack::Scope::all && !by_creator;

  ColumnSet out;
  out.record_type = t.name;
  out.columns.resize(plans.size());
  // Helper columns: user ids (shown as names), the creator (for masking), the ids (for sections),
  // the birth dates (for age_group).
  std::vector<Column> user_ids(plans.size());
  Column creator, ids, births;
  bool any_age_group = false;
  bool any_section = false;
  store::ColumnQuery cq;
  static_cast<store::Selection&>(cq) = std::move(c.sel);
  cq.limit = c.limit;
  using K = store::ColumnKind;
  // The code lists of code fields, read in the same snapshot as the records.
  store::ReadTransaction rt(cx.conn);
  std::vector<size_t> declared(plans.size(), 0);
  for (size_t k = 0; k < plans.size(); ++k) {
    const Plan& p = plans[k];
    Column& col = out.columns[k];
    if (p.system) {
      col.name = p.system->name;
      col.type = column_type(p.system->type);
      if (p.system->user) {
        cq.columns.push_back({col.name, K::integer, &user_ids[k]});
      } else if (p.system->type == FieldType::datetime) {
        cq.columns.push_back({col.name, K::datetime, &col});
      } else if (p.system->type == FieldType::text) {
        cq.columns.push_back({col.name, K::text, &col});
      } else {
        cq.columns.push_back({col.name, K::integer, &col});  // id, version, archived
      }
    } else if (p.field) {
      const pack::Field& f = *p.field;
      col.name = f.name;
      col.type = column_type(f.type);
      const auto names = f.columns();
      switch (f.type) {
        case FieldType::text: cq.columns.push_back({names[0], K::text, &col}); break;
        case FieldType::date: cq.columns.push_back({names[0], K::date, &col}); break;
        case FieldType::datetime: cq.columns.push_back({names[0], K::datetime, &col}); break;
        case FieldType::code:
          col.code_list = f.code_list;
          for (auto& code : store::list_codes(cx.conn, f.code_list)) col.categories.push_back(std::move(code.code));
          declared[k] = col.categories.size();
          cq.columns.push_back({names[0], K::code, &col});
          break;
        case FieldType::money:
          cq.columns.push_back({names[0], K::integer, &col});
          cq.columns.push_back({names[1], K::code, &col, /*valid_from_other=*/true});
          break;
        case FieldType::decimal:
          col.scale = f.scale;
          cq.columns.push_back({names[0], K::integer, &col});
          break;
        case FieldType::integer: case FieldType::reference: case FieldType::boolean:
          cq.columns.push_back({names[0], K::integer, &col});
          break;
      }
    } else if (p.age_group) {
      col.name = "age_group";
      col.type = ColumnType::code;
      col.categories = age_groups();
      col.ordered = true;
      any_age_group = true;
    } else {
      col.name = p.section->name;
      col.type = ColumnType::section;
      any_section = true;
    }
  }
  if (any_age_group) cq.columns.push_back({birth_field(t)->columns().front(), K::date, &births});
  if (by_creator) cq.columns.push_back({"created_by", K::integer, &creator});
  // Own scope on a case type: the cases assigned to the user are theirs too (Access::mask).
  std::vector<std::int64_t> assigned;
  if (by_creator && t.workflow) assigned = store::cases_assigned_to(cx.conn, t.name, cx.who.uid);
  if (any_section || !assigned.empty()) cq.columns.push_back({"id", K::integer, &ids});
  out.rows = store::read_columns(cx.conn, t, cq);

  // Sections, a batch of records at a time, in the same snapshot.
  for (size_t k = 0; k < plans.size(); ++k)
    if (plans[k].section) {
      out.columns[k].items.reserve(out.rows);
      out.columns[k].valid.assign(out.rows, 1);
    }
  if (any_section)
    for (size_t from = 0; from < out.rows; from += kSectionBatch) {
      const size_t to = std::min(out.rows, from + kSectionBatch);
      std::vector<std::int64_t> batch(ids.ints.begin() + static_cast<std::ptrdiff_t>(from),
                                      ids.ints.begin() + static_cast<std::ptrdiff_t>(to));
      const auto secs = store::read_sections(cx.conn, t, batch);
      for (size_t k = 0; k < plans.size(); ++k) {
        if (!plans[k].section) continue;
        const pack::Section& sec = *plans[k].section;
        for (size_t i = from; i < to; ++i) {
          const auto r = secs.find(ids.ints[i]);
          const detail::Sections* all = r == secs.end() ? nullptr : &r->second;
          const auto items = all ? all->find(sec.name) : detail::Sections::const_iterator{};
          out.columns[k].items.push_back(section_json(sec, all && items != all->end() ? &items->second : nullptr));
        }
      }
    }

  // User ids → names (as Session::get shows them).
  for (size_t k = 0; k < plans.size(); ++k) {
    if (!plans[k].system || !plans[k].system->user) continue;
    Column& col = out.columns[k];
    col.valid = std::move(user_ids[k].valid);
    col.offsets.assign(1, 0);
    std::unordered_map<std::int64_t, const std::string*> names;
    for (auto uid : user_ids[k].ints) {
      auto it = names.find(uid);
      if (it == names.end()) it = names.emplace(uid, &cx.cache.user_name(cx.conn, uid)).first;
      col.text += *it->second;
      col.offsets.push_back(col.text.size());
    }
  }

  // Age groups at as_of, from every record's birth date (before masking, which leaves them).
  for (size_t k = 0; k < plans.size(); ++k) {
    if (!plans[k].age_group) continue;
    Column& col = out.columns[k];
    col.valid.assign(out.rows, 0);
    col.codes.assign(out.rows, -1);
    for (size_t i = 0; i < out.rows; ++i) {
      if (!births.valid[i]) continue;
      if (const auto g = age_group_of(Date{date::days{births.ints[i]}}, c.as_of)) {
        col.valid[i] = 1;
        col.codes[i] = static_cast<std::int32_t>(*g);
      }
    }
  }

  // Masking, record by record, as Access::mask does for a record's JSON.
  if (mask_all || by_creator) {
    auto masked = [&](size_t i) {
      // ids are read only when some case is assigned to the user (or for sections).
      return mask_all || (creator.ints[i] != cx.who.uid &&
                          (assigned.empty() || !std::binary_search(assigned.begin(), assigned.end(), ids.ints[i])));
    };
    for (size_t k = 0; k < plans.size(); ++k) {
      Column& col = out.columns[k];
      if (plans[k].section) {
        for (const auto& f : plans[k].section->fields) {
          if (!f.personal) continue;
          for (size_t i = 0; i < out.rows; ++i)
            if (masked(i))
              for (auto& item : col.items[i]) item[f.name] = nullptr;
        }
        continue;
      }
      const pack::Field* f = plans[k].field;
      if (!f || !f->personal) continue;
      if (col.type == ColumnType::text) {
        keep_texts(col, [&](size_t i) { return !masked(i); });
      } else {
        for (size_t i = 0; i < out.rows; ++i)
          if (masked(i)) clear_value(col, i);
        if (col.type == ColumnType::code) drop_unused_extras(col, declared[k]);
        if (col.type == ColumnType::money) drop_unused_extras(col, 0);
      }
    }
  }
  return out;
}

}  // namespace clmis::detail
