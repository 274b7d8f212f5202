#include "records/query.hpp"

#include "clmis/json.hpp"
#include "core/hash.hpp"
#include "records/records.hpp"
#include "security/access.hpp"
#include "store/query.hpp"

#include <sodium.h>

#include <cstring>

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

}  // namespace

Json query_records(Context& cx, std::string_view type, const Json& q) {
  const auto& t = cx.type(type);
  const auto read_scope = cx.access.require_scope(cx, t, "read");
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
        it.key() != "include_archived")
      err(it.key(), *it, "unknown query key \"" + it.key() + "\"");

  store::PageQuery pq;
  pq.limit = kDefaultLimit;
  if (auto it = q.find("limit"); it != q.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > kMaxLimit)
      err("limit", *it, "limit is an integer from 1 to 1000");
    else pq.limit = static_cast<int>(it->get<std::int64_t>());
  }
  if (auto it = q.find("include_archived"); it != q.end()) {
    if (!it->is_boolean()) err("include_archived", *it, "expected true or false");
    else pq.include_archived = it->get<bool>();
  }
  if (read_scope == pack::Scope::own) pq.created_by = cx.who.uid;

  using Op = store::Condition::Op;
  // Converts a filter value of a key to its stored form; a money amount's currency goes to
  // *currency (money compares within one currency: the caller adds that condition once).
  auto storage_value = [&](const Key& k, const Json& v, const std::string& path,
                           std::optional<std::string>* currency) -> std::optional<store::SqlValue> {
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

  const auto page = store::query_page(cx.conn, t, pq);
  Json records = Json::array();
  for (const auto& r : page.records) {
    records.push_back(record_json(cx, t, r));
    cx.access.mask(cx, t, records.back(), r.created_by);
  }
  Json next = nullptr;
  if (page.more) {
    Json keys = Json::array();
    for (const auto& k : page.last_keys) keys.push_back(sql_to_json(k));
    next = b64url(Json{{"q", fingerprint}, {"k", keys}}.dump());
  }
  return Json{{"records", std::move(records)}, {"next", next}};
}

}  // namespace clmis::detail
