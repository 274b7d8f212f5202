// Decoding and the field-level checks (DESIGN.md §5 "Errors": every problem, not the first).
#include "records/validate.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <type_traits>

namespace clmis::detail {

namespace {

constexpr size_t kMaxExternalId = 200;

bool has_error(const std::vector<FieldError>& errors, const std::string& path) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.path == path; });
}

}  // namespace

std::string history_text(const Value& v) {
  Json j = encode_value(v);
  return j.is_string() ? j.get<std::string>() : j.dump();
}

namespace {

/// check_value() once the value is decoded: the rules of its field (length, pattern, code list,
/// range, reference) for a value given as JSON or as a CSV cell alike. given() is the JSON of
/// what was given, called only for an error.
template <class GivenJson>
void check_decoded(Context& cx, const pack::RecordType& t, const pack::Field& f, std::variant<Value, Rejection> decoded,
                   const GivenJson& given, std::string_view path, Value& out, std::vector<FieldError>& errors,
                   const Value* current) {
  auto err = [&](const std::string& rule, const std::string& message) {
    errors.push_back({t.name, std::string(path), given(), rule, message});
  };
  if (auto* rej = std::get_if<Rejection>(&decoded)) {
    err(rej->rule, rej->message);
    return;
  }
  out = std::get<Value>(std::move(decoded));
  if (auto* s = std::get_if<std::string>(&out); s && s->empty()) out = Value{};  // "" is no value
  if (is_null(out)) return;
  const bool unchanged = current && *current == out;
  switch (f.type) {
    case FieldType::text: {
      const auto& s = std::get<std::string>(out);
      if (s.find('\0') != std::string::npos)
        err("type", "text may not contain the NUL character (U+0000)");
      else if (utf8_length(s) > static_cast<size_t>(f.max_length))
        err("length", "at most " + std::to_string(f.max_length) + " characters, got " + std::to_string(utf8_length(s)));
      else if (f.regex && !std::regex_match(s, *f.regex)) {
        if (f.pattern_parameter.empty()) {
          err("pattern", "does not have the expected form");
        } else {
          const auto& lp = cx.profile.legal.at(f.pattern_parameter);
          err("pattern", "does not have the form of " + f.pattern_parameter + " of " + cx.profile.iso3 +
                             (lp.verified ? "" : " (not yet verified)"));
        }
      }
      break;
    }
    case FieldType::code: {
      auto& code = std::get<Code>(out).value;
      auto list = cx.cache.codes.find(f.code_list);
      const store::CodeInfo* info = nullptr;
      bool unchanged_code = unchanged;
      std::vector<std::string> folded_matches;  // the list's codes equal to the value ignoring ASCII case
      if (list != cx.cache.codes.end()) {
        auto it = list->second.find(code);
        if (it == list->second.end()) {
          // Not the code as written: the one code of the list it is ignoring ASCII case, if only one.
          const std::string folded = ascii_lower(code);
          for (auto c = list->second.begin(); c != list->second.end(); ++c)
            if (c->first.size() == code.size() && ascii_lower(c->first) == folded) {
              folded_matches.push_back(c->first);
              it = c;
            }
          if (folded_matches.size() == 1) {
            code = it->first;  // the list's own spelling is stored
            unchanged_code = current && *current == out;
          } else {
            it = list->second.end();
          }
        }
        if (it != list->second.end()) info = &it->second;
      }
      if (!info && folded_matches.size() > 1) {
        std::sort(folded_matches.begin(), folded_matches.end());
        err("code_list", "\"" + code + "\" is not a code of the list \"" + f.code_list + "\"; ignoring case it could be " +
                             join(folded_matches, " or ") + ": give the code exactly");
      } else if (!info) {
        // The closest active codes (at most three, as close as a "did you mean" allows).
        std::vector<std::pair<std::size_t, std::string>> near;
        const std::size_t limit = code.size() <= 4 ? 1 : code.size() <= 8 ? 2 : 3;
        if (list != cx.cache.codes.end())
          for (const auto& c : list->second)
            if (c.second.active)
              if (const auto d = edit_distance(code, c.first); d <= limit) near.emplace_back(d, c.first);
        std::sort(near.begin(), near.end());
        std::vector<std::string> names;
        for (std::size_t i = 0; i < near.size() && i < 3; ++i) names.push_back(near[i].second);
        err("code_list", "\"" + code + "\" is not a code of the list \"" + f.code_list + "\"" +
                             (names.empty() ? std::string() : " (did you mean " + join(names, " or ") + "?)"));
      } else if (f.code_level && info->level != *f.code_level)
        err("code_list", "\"" + code + "\" is a level " + std::to_string(info->level) +
                             " code; this field takes level " + std::to_string(*f.code_level) + " codes of \"" +
                             f.code_list + "\"");
      else if (!info->active && !unchanged_code)
        err("code_list", "\"" + code + "\" is deactivated in the list \"" + f.code_list +
                             "\" and cannot be used on new entries");
      break;
    }
    case FieldType::integer:
    case FieldType::decimal: {
      const std::int64_t units = f.type == FieldType::integer ? std::get<std::int64_t>(out) : std::get<Decimal>(out).units;
      if (f.min && units < f.min->units) err("range", "must be at least " + f.min->str());
      else if (f.max && units > f.max->units) err("range", "must be at most " + f.max->str());
      break;
    }
    case FieldType::money: {
      // The amount (minor units, 10^-digits) against a bound at 4 places, exactly and without
      // overflow: with B = q * 10^k + r (k = 4 - digits, 0 <= r < 10^k), minor * 10^k < B
      // exactly when minor < q, or minor == q and r > 0; and minor * 10^k > B when minor > q.
      const auto& m = std::get<Money>(out);
      const int k = pack::kMoneyBoundScale - currency_minor_digits(m.currency).value_or(2);
      std::int64_t p10 = 1;
      for (int i = 0; i < k; ++i) p10 *= 10;
      auto split = [&](std::int64_t b) {
        std::int64_t q = b / p10, r = b % p10;
        if (r < 0) {
          r += p10;
          --q;
        }
        return std::pair{q, r};
      };
      auto shown = [&](const Decimal& d) { return pack::money_bound_text(d) + " " + m.currency; };
      const bool below = f.min && (m.minor < split(f.min->units).first ||
                                   (m.minor == split(f.min->units).first && split(f.min->units).second > 0));
      const bool above = f.max && m.minor > split(f.max->units).first;
      if (below) err("range", "must be at least " + shown(*f.min));
      else if (above) err("range", "must be at most " + shown(*f.max));
      break;
    }
    case FieldType::date: {
      const Date d = std::get<Date>(out);
      if (f.min_date && d < *f.min_date) err("range", "must be on or after " + format_date(*f.min_date));
      else if (f.max_date && d > *f.max_date) err("range", "must be on or before " + format_date(*f.max_date));
      break;
    }
    case FieldType::reference: {
      const auto id = std::get<Ref>(out).id;
      switch (store::reference_target(cx.conn, f, id)) {
        case store::Presence::missing: err("reference", "there is no " + f.target + " with id " + std::to_string(id)); break;
        case store::Presence::archived:
          if (!unchanged) err("reference", f.target + " " + std::to_string(id) + " is archived");
          break;
        case store::Presence::active: break;
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

void check_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Json& given,
                 const std::string& path, Value& out, std::vector<FieldError>& errors, const Value* current) {
  // Money: unless the pack restricts them, any known currency is allowed (farm-programme
  // savings are in CAD or USD although the country's currency is XCD).
  check_decoded(cx, t, f, decode_value(given, f.spec()), [&]() -> const Json& { return given; }, path, out, errors,
                current);
}

void check_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Given& given,
                 std::string_view path, Value& out, std::vector<FieldError>& errors, const Value* current) {
  check_decoded(cx, t, f, decode_given(given, f.spec()), [&] { return to_json(given); }, path, out, errors, current);
}

namespace {

/// A value of a record as decode() is given it: JSON (the API, JSON Lines) ...
struct JsonItem {
  const Json& j;
  [[nodiscard]] const Json& json() const { return j; }
  [[nodiscard]] bool is_null() const { return j.is_null(); }
  [[nodiscard]] std::optional<std::string_view> string() const {
    if (!j.is_string()) return std::nullopt;
    return std::string_view(j.get_ref<const std::string&>());
  }
  void check(Context& cx, const pack::RecordType& t, const pack::Field& f, std::string_view key, Value& out,
             std::vector<FieldError>& errors, const Value* current) const {
    check_decoded(cx, t, f, decode_value(j, f.spec()), [&]() -> const Json& { return j; }, key, out, errors, current);
  }
};

/// ... or a CSV cell (an import).
struct CellItem {
  const Given& g;
  [[nodiscard]] Json json() const { return to_json(g); }
  [[nodiscard]] static bool is_null() { return false; }
  [[nodiscard]] std::optional<std::string_view> string() const {
    if (g.kind != Given::Kind::string) return std::nullopt;
    return g.text;
  }
  void check(Context& cx, const pack::RecordType& t, const pack::Field& f, std::string_view key, Value& out,
             std::vector<FieldError>& errors, const Value* current) const {
    check_value(cx, t, f, g, key, out, errors, current);
  }
};

/// A section given as JSON: an array of min_items to max_items objects, each checked field by field.
void decode_section(Context& cx, const pack::RecordType& t, const pack::Section& sec, const std::string& key,
                    const Json& arr, const store::StoredRecord* cur, Input& in, std::vector<FieldError>& errors) {
  if (!arr.is_array()) {
    errors.push_back({t.name, key, arr, "type", "a section is a JSON array of objects"});
    return;
  }
  if (arr.size() > static_cast<size_t>(sec.max_items)) {
    errors.push_back({t.name, key, nullptr, "length",
                      "at most " + std::to_string(sec.max_items) + " entries, got " + std::to_string(arr.size())});
    return;
  }
  if (arr.size() < static_cast<size_t>(sec.min_items)) {
    errors.push_back({t.name, key, nullptr, "length",
                      "at least " + std::to_string(sec.min_items) + (sec.min_items == 1 ? " entry" : " entries") +
                          ", got " + std::to_string(arr.size())});
    return;
  }
  // Values already stored anywhere in this section may be kept even if since deactivated.
  std::vector<Values> items;
  const std::vector<Values>* stored = nullptr;
  if (cur) {
    auto c = cur->sections.find(key);
    if (c != cur->sections.end()) stored = &c->second;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const Json& item = arr[i];
    const std::string ipath = key + "[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      errors.push_back({t.name, ipath, item, "type", "a section entry is a JSON object"});
      continue;
    }
    Values vals;
    for (auto fi = item.begin(); fi != item.end(); ++fi) {
      const auto* f = sec.field(fi.key());
      const std::string fpath = ipath + "." + fi.key();
      if (!f) {
        errors.push_back({t.name, fpath, *fi, "unknown_field", "section \"" + key + "\" has no field \"" + fi.key() + "\""});
        continue;
      }
      if (f->computed) {
        errors.push_back({t.name, fpath, *fi, "read_only",
                          "\"" + fi.key() + "\" is computed by clmis (" + f->computed->function + "); leave it out"});
        continue;
      }
      Value v;
      const Value* current = nullptr;
      if (stored) {
        auto d = decode_value(*fi, f->spec());
        if (auto* pv = std::get_if<Value>(&d))
          for (const auto& row : *stored) {
            auto c = row.find(fi.key());
            if (c != row.end() && c->second == *pv) current = &c->second;
          }
      }
      check_value(cx, t, *f, *fi, fpath, v, errors, current);
      vals[fi.key()] = std::move(v);
    }
    for (const auto& f : sec.fields) {
      auto v = vals.find(f.name);
      if (!f.required || (v != vals.end() && !is_null(v->second))) continue;
      const std::string fpath = ipath + "." + f.name;
      if (!has_error(errors, fpath))
        errors.push_back({t.name, fpath, item.contains(f.name) ? item[f.name] : Json(nullptr), "required",
                          "a value is required"});
    }
    items.push_back(std::move(vals));
  }
  in.sections[key] = std::move(items);
}

/// What decode() does with one key of the record and its value — external_id, a field, a
/// section, a system field (read only) or an unknown key — for JSON and CSV cells alike.
template <class Item>
void decode_key(Context& cx, const pack::RecordType& t, std::string_view key, const Item& item,
                const store::StoredRecord* cur, Input& in, std::vector<FieldError>& errors) {
  if (key == "external_id") {
    if (item.is_null()) {
      in.external_id = std::optional<std::string>{};
    } else if (const auto s = item.string(); !s || s->empty() || utf8_length(*s) > kMaxExternalId) {
      errors.push_back({t.name, std::string(key), item.json(), "type", "external_id is a string of 1 to 200 characters"});
    } else {
      in.external_id = std::string(*s);
    }
    return;
  }
  if (const auto* f = t.field(key)) {
    if (f->assigned()) {
      errors.push_back({t.name, std::string(key), item.json(), "read_only", "\"" + std::string(key) + "\" is assigned by clmis"});
      return;
    }
    if (f->computed) {
      errors.push_back({t.name, std::string(key), item.json(), "read_only",
                        "\"" + std::string(key) + "\" is computed by clmis (" + f->computed->function +
                            "); an officer may override it with a reason (override)"});
      return;
    }
    if (t.workflow && (key == t.workflow->status_field || key == t.workflow->outcome_field)) {
      errors.push_back({t.name, std::string(key), item.json(), "read_only",
                        "\"" + std::string(key) + "\" changes only through the workflow's transitions"});
      return;
    }
    Value v;
    const Value* current = nullptr;
    if (cur) {
      auto c = cur->fields.find(key);
      if (c != cur->fields.end()) current = &c->second;
    }
    const size_t before = errors.size();
    item.check(cx, t, *f, key, v, errors, current);
    if (errors.size() == before) {
      if (f->required && is_null(v)) errors.push_back({t.name, std::string(key), item.json(), "required", "a value is required"});
      in.fields.insert_or_assign(std::string(key), std::move(v));
    }
    return;
  }
  if (const auto* s = t.section(key)) {
    if constexpr (std::is_same_v<Item, JsonItem>)
      decode_section(cx, t, *s, std::string(key), item.j, cur, in, errors);
    else
      errors.push_back({t.name, std::string(key), item.json(), "type", "a section is a JSON array of objects"});
    return;
  }
  if (pack::system_field(key))
    errors.push_back({t.name, std::string(key), item.json(), "read_only", "\"" + std::string(key) + "\" is set by clmis"});
  else
    errors.push_back({t.name, std::string(key), item.json(), "unknown_field",
                      "record type \"" + t.name + "\" has no field \"" + std::string(key) + "\""});
}

/// On create: absent fields get their declared default; absent required fields, and absent
/// sections that must have entries, are errors.
void add_defaults(Context& cx, const pack::RecordType& t, Input& in, std::vector<FieldError>& errors) {
  for (const auto& sec : t.sections)
    if (sec.min_items > 0 && !in.sections.count(sec.name) && !has_error(errors, sec.name))
      errors.push_back({t.name, sec.name, nullptr, "required",
                        "at least " + std::to_string(sec.min_items) + (sec.min_items == 1 ? " entry" : " entries")});
  for (const auto& f : t.fields) {
    if (f.default_value.is_null() && !f.required) continue;  // nothing to add or to miss
    if (in.fields.count(f.name) || f.assigned()) continue;
    if (has_error(errors, f.name)) continue;
    if (!f.default_value.is_null()) {
      Value v;
      check_value(cx, t, f, f.default_value, f.name, v, errors, nullptr);
      in.fields[f.name] = std::move(v);
    } else if (f.required) {
      errors.push_back({t.name, f.name, nullptr, "required", "a value is required"});
    }
  }
}

}  // namespace

Input decode(Context& cx, const pack::RecordType& t, const Json& j, bool creating, const store::StoredRecord* cur,
             std::vector<FieldError>& errors) {
  Input in;
  if (!j.is_object()) {
    errors.push_back({t.name, "", j, "type", std::string("a record is a JSON object, got ") + j.type_name()});
    return in;
  }
  for (auto it = j.begin(); it != j.end(); ++it) decode_key(cx, t, it.key(), JsonItem{*it}, cur, in, errors);
  if (creating) add_defaults(cx, t, in, errors);
  return in;
}

Input decode(Context& cx, const pack::RecordType& t, const GivenRecord& r, bool creating,
             const store::StoredRecord* cur, std::vector<FieldError>& errors) {
  Input in;
  for (const auto& [key, given] : r) decode_key(cx, t, key, CellItem{given}, cur, in, errors);
  if (creating) add_defaults(cx, t, in, errors);
  return in;
}

std::vector<FieldError> stored_value_problems(Context& cx, const pack::RecordType& t, const store::StoredRecord& r,
                                              const Input* in) {
  std::vector<FieldError> out;
  auto check = [&](const pack::Field& f, const Values& values, const std::string& path) {
    auto it = values.find(f.name);
    const Value none;
    const Value& v = it == values.end() ? none : it->second;
    if (is_null(v)) {
      // A workflow's status is set by clmis; an assigned number only on create.
      const bool system_set = f.assigned() || (t.workflow && (f.name == t.workflow->status_field ||
                                                              f.name == t.workflow->outcome_field));
      if (f.required && !system_set) out.push_back({t.name, path, nullptr, "required", "a value is required"});
      return;
    }
    if (f.type == FieldType::reference) return;
    std::vector<FieldError> errs;
    Value decoded;
    check_value(cx, t, f, encode_value(v), path, decoded, errs, &v);
    for (auto& e : errs) {
      if (f.personal) e.value = nullptr;
      out.push_back(std::move(e));
    }
  };
  for (const auto& f : t.fields)
    if (!in || !in->fields.count(f.name)) check(f, r.fields, f.name);
  for (const auto& sec : t.sections) {
    if (in && in->sections.count(sec.name)) continue;
    auto it = r.sections.find(sec.name);
    if (it == r.sections.end()) continue;
    for (size_t i = 0; i < it->second.size(); ++i)
      for (const auto& f : sec.fields)
        check(f, it->second[i], sec.name + "[" + std::to_string(i) + "]." + f.name);
  }
  return out;
}

}  // namespace clmis::detail
