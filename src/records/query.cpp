// Queries: filters on any field, sort, and keyset cursors (DESIGN.md §5: never one unbounded
// array). The SQL is built from validated pack names only; every value is a bound parameter.
#include "core/hash.hpp"
#include "records/engine.hpp"

#include <sodium.h>

namespace clmis::detail {

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr size_t kMaxIn = 1000;

/// A queryable column: a field's first storage column or a system column.
struct Key {
  std::string column;
  const pack::Field* field = nullptr;  // null for system columns
  FieldType type = FieldType::integer;
};

std::optional<Key> resolve(const pack::RecordType& t, const std::string& name) {
  if (name == "id" || name == "version") return Key{name, nullptr, FieldType::integer};
  if (name == "created_at" || name == "updated_at") return Key{name, nullptr, FieldType::datetime};
  if (name == "external_id") return Key{name, nullptr, FieldType::text};
  if (const auto* f = t.field(name)) return Key{store::columns_of(*f).front().name, f, f->type};
  return std::nullopt;
}

std::string b64url(const std::string& bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                    bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> unb64url(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
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

}  // namespace

Json Engine::query(const Actor& who, std::string_view type, const Json& q) {
  std::lock_guard lock(mu_);
  conn();  // a closed database is refused before anything else
  FlushSecurity flush{*this};
  const auto& t = type_of(type);
  const auto read_scope = require_scope(who, t, "read");
  // Filtering or sorting on a personal field needs read_personal over every record the query
  // can reach (DESIGN.md §5), or the order of results would reveal the values.
  const bool personal_keys_ok = scope_of(who, t, "read_personal") >= read_scope;
  std::vector<std::string> personal_keys;
  std::vector<clmis::FieldError> errors;
  auto err = [&](const std::string& path, const Json& value, const std::string& message) {
    errors.push_back({t.name, path, value, "query", message});
  };
  if (!q.is_object()) {
    err("", q, "a query is a JSON object");
    throw ValidationError(std::move(errors));
  }
  for (auto it = q.begin(); it != q.end(); ++it)
    if (it.key() != "filter" && it.key() != "sort" && it.key() != "limit" && it.key() != "after" &&
        it.key() != "include_archived")
      err(it.key(), *it, "unknown query key \"" + it.key() + "\"");

  int limit = kDefaultLimit;
  if (auto it = q.find("limit"); it != q.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > kMaxLimit)
      err("limit", *it, "limit is an integer from 1 to 1000");
    else limit = static_cast<int>(it->get<std::int64_t>());
  }
  bool include_archived = false;
  if (auto it = q.find("include_archived"); it != q.end()) {
    if (!it->is_boolean()) err("include_archived", *it, "expected true or false");
    else include_archived = it->get<bool>();
  }

  std::string where = include_archived ? "1" : "archived = 0";
  std::vector<store::SqlValue> params;
  if (read_scope == pack::Scope::own) {
    where += " AND created_by = ?";
    params.emplace_back(who.uid);
  }

  // Converts a filter value of a key to its stored form.
  auto storage_value = [&](const Key& k, const Json& v, const std::string& path) -> std::optional<store::SqlValue> {
    if (!k.field) {
      if (k.type == FieldType::integer) {
        if (v.is_number_integer()) return store::SqlValue{v.get<std::int64_t>()};
      } else if (k.type == FieldType::datetime) {
        if (v.is_string() && parse_datetime(v.get<std::string>())) return store::SqlValue{v.get<std::string>()};
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
    if (std::holds_alternative<std::monostate>(std::get<Value>(d))) {
      err(path, v, "a null value can only be tested with \"is_null\"");
      return std::nullopt;
    }
    auto sql = [&] {
      const Value& val = std::get<Value>(d);
      switch (k.field->type) {
        case FieldType::text: return std::vector<store::SqlValue>{std::get<std::string>(val)};
        case FieldType::code: return std::vector<store::SqlValue>{std::get<Code>(val).value};
        case FieldType::integer: return std::vector<store::SqlValue>{std::get<std::int64_t>(val)};
        case FieldType::reference: return std::vector<store::SqlValue>{std::get<Ref>(val).id};
        case FieldType::boolean: return std::vector<store::SqlValue>{std::int64_t{std::get<bool>(val) ? 1 : 0}};
        case FieldType::decimal: return std::vector<store::SqlValue>{std::get<Decimal>(val).units};
        case FieldType::money: return std::vector<store::SqlValue>{std::get<Money>(val).minor, std::get<Money>(val).currency};
        case FieldType::date: return std::vector<store::SqlValue>{format_date(std::get<Date>(val))};
        case FieldType::datetime: return std::vector<store::SqlValue>{format_datetime(std::get<DateTime>(val))};
      }
      return std::vector<store::SqlValue>{};
    }();
    if (k.field->type == FieldType::money) {
      // Money compares within one currency: the currency becomes a condition of its own.
      where += " AND " + store::quote(k.field->name + "_currency") + " = ?";
      params.push_back(sql[1]);
    }
    return sql[0];
  };

  if (auto it = q.find("filter"); it != q.end()) {
    if (!it->is_array()) err("filter", *it, "filter is an array of conditions");
    else
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& c = (*it)[i];
        const std::string path = "filter[" + std::to_string(i) + "]";
        if (!c.is_object() || !c.contains("field") || !c.contains("op") || !c["field"].is_string() ||
            !c["op"].is_string()) {
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
        const std::string col = store::quote(key->column);
        const Json value = c.contains("value") ? c["value"] : Json(nullptr);
        static const std::map<std::string, std::string> cmp = {
            {"eq", "="}, {"ne", "!="}, {"lt", "<"}, {"le", "<="}, {"gt", ">"}, {"ge", ">="}};
        if (auto op_it = cmp.find(op); op_it != cmp.end()) {
          if (auto v = storage_value(*key, value, path + ".value")) {
            where += " AND " + col + " " + op_it->second + " ?";
            params.push_back(*v);
          }
        } else if (op == "in") {
          if (!value.is_array() || value.empty() || value.size() > kMaxIn) {
            err(path + ".value", value, "\"in\" takes an array of 1 to 1000 values");
            continue;
          }
          std::string marks;
          for (size_t k = 0; k < value.size(); ++k) {
            auto v = storage_value(*key, value[k], path + ".value[" + std::to_string(k) + "]");
            if (!v) continue;
            marks += marks.empty() ? "?" : ", ?";
            params.push_back(*v);
          }
          if (!marks.empty()) where += " AND " + col + " IN (" + marks + ")";
        } else if (op == "is_null") {
          if (!value.is_boolean()) {
            err(path + ".value", value, "\"is_null\" takes true or false");
            continue;
          }
          where += " AND " + col + (value.get<bool>() ? " IS NULL" : " IS NOT NULL");
        } else if (op == "contains") {
          if (key->type != FieldType::text && key->type != FieldType::code) {
            err(path + ".op", c["op"], "\"contains\" applies to text and code fields");
            continue;
          }
          if (!value.is_string() || value.get<std::string>().empty()) {
            err(path + ".value", value, "\"contains\" takes a non-empty string");
            continue;
          }
          where += " AND instr(lower(" + col + "), lower(?)) > 0";
          params.push_back(value.get<std::string>());
        } else {
          err(path + ".op", c["op"], "unknown op \"" + op + "\" (eq, ne, lt, le, gt, ge, in, is_null, contains)");
        }
      }
  }

  std::vector<std::pair<Key, bool>> sort;  // key, descending
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
          err(path + ".field", s["field"], "record type \"" + t.name + "\" has no field \"" +
                                               s["field"].get<std::string>() + "\"");
          continue;
        }
        if (key->field && key->field->personal) personal_keys.push_back(key->field->name);
        if (key->column == "id") continue;  // id is always the last key
        sort.emplace_back(*key, s.value("desc", false));
      }
  }

  // The cursor belongs to one query: a fingerprint of everything but "after" and "limit".
  Json shape = q;
  shape.erase("after");
  shape.erase("limit");
  Sha256 fp;
  fp.update_item(t.name);
  fp.update_item(shape.dump());
  const std::string fingerprint = fp.hex().substr(0, 16);

  if (auto it = q.find("after"); it != q.end() && !it->is_null()) {
    std::optional<Json> cursor;
    if (it->is_string())
      if (auto bin = unb64url(it->get<std::string>()))
        cursor = Json::parse(*bin, nullptr, false);
    if (!cursor || cursor->is_discarded() || !cursor->is_object() || !(*cursor)["q"].is_string() ||
        !(*cursor)["k"].is_array() || (*cursor)["k"].size() != sort.size() + 1 ||
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
      if (!ok) {
        err("after", *it, "not a cursor returned by this query");
      } else {
        // (k1, ..., kn, id) strictly after the cursor, honouring each key's direction and the
        // position of NULL (first ascending, last descending, as SQLite sorts).
        std::string any;
        std::string prefix;
        std::vector<store::SqlValue> prefix_params, cond_params;
        for (size_t i = 0; i <= sort.size(); ++i) {
          const bool is_id = i == sort.size();
          const std::string col = is_id ? "id" : store::quote(sort[i].first.column);
          const bool desc = !is_id && sort[i].second;
          const store::SqlValue& v = vals[i];
          const bool null = std::holds_alternative<std::monostate>(v);
          std::string after;
          std::vector<store::SqlValue> after_params;
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
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (!personal_keys.empty() && !personal_keys_ok)
    deny(who, t.name + ".read_personal",
         "filtering or sorting on the personal field " + personal_keys.front() + " needs read_personal");

  std::string order, extra;
  for (const auto& [k, desc] : sort) {
    order += store::quote(k.column) + (desc ? " DESC, " : ", ");
    extra += ", " + store::quote(k.column);
  }
  order += "id";

  store::ReadTransaction rt(conn());
  auto& s = conn().prepare(store::select_sql(t, extra) + " WHERE " + where + " ORDER BY " + order +
                           " LIMIT ?");
  int i = 1;
  for (const auto& p : params) s.bind(i++, p);
  s.bind(i, static_cast<std::int64_t>(limit) + 1);
  Json records = Json::array();
  std::vector<std::int64_t> ids, creators;
  Json last_keys;
  bool more = false;
  const std::map<std::string, std::vector<Values>, std::less<>> no_sections;
  const int first_extra = s.columns() - static_cast<int>(sort.size());
  while (s.step()) {
    if (static_cast<int>(records.size()) == limit) {
      more = true;
      break;
    }
    ids.push_back(s.int64(0));
    creators.push_back(s.int64(3));
    records.push_back(to_json(t, s, no_sections));
    last_keys = Json::array();
    for (size_t k = 0; k < sort.size(); ++k) last_keys.push_back(sql_to_json(s.value(first_extra + static_cast<int>(k))));
    last_keys.push_back(s.int64(0));
  }
  s.reset();

  // Sections of the whole page: one query per section, not one per record.
  if (!ids.empty())
    for (const auto& sec : t.sections) {
      std::string marks;
      for (size_t k = 0; k < ids.size(); ++k) marks += k ? ", ?" : "?";
      auto& ss = conn().prepare("SELECT parent_id" + store::column_list(sec.fields) + " FROM " +
                                store::quote(store::section_table(t, sec)) + " WHERE parent_id IN (" +
                                marks + ") ORDER BY parent_id, item_no");
      for (size_t k = 0; k < ids.size(); ++k) ss.bind(static_cast<int>(k) + 1, ids[k]);
      std::map<std::int64_t, Json> by_parent;  // parent id → array of entries
      while (ss.step()) {
        int col = 1;
        const Values v = read_section_row(sec, ss, col);
        Json item;
        for (const auto& f : sec.fields) item[f.name] = encode_value(v.at(f.name));
        by_parent[ss.int64(0)].push_back(std::move(item));
      }
      ss.reset();
      for (size_t k = 0; k < ids.size(); ++k) {
        auto it = by_parent.find(ids[k]);
        records[k][sec.name] = it == by_parent.end() ? Json::array() : std::move(it->second);
      }
    }

  for (size_t k = 0; k < ids.size(); ++k) mask(who, t, records[k], creators[k]);

  Json next = nullptr;
  if (more) next = b64url(Json{{"q", fingerprint}, {"k", last_keys}}.dump());
  return Json{{"records", std::move(records)}, {"next", next}};
}

}  // namespace clmis::detail
