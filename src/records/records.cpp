// The record API: validate → store → change + history + audit, in one transaction.
#include "records/engine.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <regex>
#include <set>

namespace clmis::detail {

namespace {

const std::set<std::string, std::less<>> kReadOnly = {"id",         "version",    "created_at",
                                                      "created_by", "updated_at", "updated_by",
                                                      "archived",   "archive_reason"};

constexpr size_t kMaxExternalId = 200;
constexpr size_t kMaxReason = 1000;

std::vector<store::SqlValue> to_sql(const pack::Field& f, const Value& v) {
  const size_t ncols = f.type == FieldType::money ? 2 : 1;
  if (std::holds_alternative<std::monostate>(v)) return std::vector<store::SqlValue>(ncols);
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
    case FieldType::date: return {format_date(std::get<Date>(v))};
    case FieldType::datetime: return {format_datetime(std::get<DateTime>(v))};
  }
  return std::vector<store::SqlValue>(ncols);
}

Value from_sql(const pack::Field& f, store::Stmt& s, int& col) {
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
    case FieldType::date: {
      auto d = parse_date(s.text(c));
      if (!d) throw StorageError("stored date is malformed in column " + f.name);
      return Value{*d};
    }
    case FieldType::datetime: {
      auto t = parse_datetime(s.text(c));
      if (!t) throw StorageError("stored time is malformed in column " + f.name);
      return Value{*t};
    }
  }
  return Value{};
}

using store::column_list;
using store::select_sql;

constexpr int kSystemColumns = 9;

/// Text of a value in history rows: the JSON encoding, strings without quotes.
std::string history_text(const Value& v) {
  Json j = encode_value(v);
  return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Validation

const std::regex& Engine::regex(const std::string& pattern) {
  auto it = regexes_.find(pattern);
  if (it == regexes_.end())
    it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

void Engine::check_value(const pack::RecordType& t, const pack::Field& f, const Json& given,
                         const std::string& path, Value& out, std::vector<clmis::FieldError>& errors,
                         const Value* current) {
  auto err = [&](const std::string& rule, const std::string& message) {
    errors.push_back({t.name, path, given, rule, message});
  };
  // Money: unless the pack restricts them, any known currency is allowed (farm-programme
  // savings are in CAD or USD although the country's currency is XCD).
  auto decoded = decode_value(given, f.spec());
  if (auto* rej = std::get_if<Rejection>(&decoded)) {
    err(rej->rule, rej->message);
    return;
  }
  out = std::get<Value>(std::move(decoded));
  if (auto* s = std::get_if<std::string>(&out); s && s->empty()) out = Value{};  // "" is no value
  if (std::holds_alternative<std::monostate>(out)) return;
  const bool unchanged = current && *current == out;
  switch (f.type) {
    case FieldType::text: {
      const auto& s = std::get<std::string>(out);
      if (s.find('\0') != std::string::npos)
        err("type", "text may not contain the NUL character (U+0000)");
      else if (utf8_length(s) > static_cast<size_t>(f.max_length))
        err("length", "at most " + std::to_string(f.max_length) + " characters, got " +
                          std::to_string(utf8_length(s)));
      else if (!f.pattern.empty() && !std::regex_match(s, regex(f.pattern)))
        err("pattern", "does not have the expected form");
      else if (!f.pattern_parameter.empty()) {
        const auto& lp = profile_.legal.at(f.pattern_parameter);
        if (!std::regex_match(s, regex(lp.value.get<std::string>())))
          err("pattern", "does not have the form of " + f.pattern_parameter + " of " + profile_.iso3 +
                             (lp.verified ? "" : " (not yet verified)"));
      }
      break;
    }
    case FieldType::code: {
      const auto& code = std::get<Code>(out).value;
      auto list = codes_.find(f.code_list);
      const CodeInfo* info = nullptr;
      if (list != codes_.end()) {
        auto it = list->second.find(code);
        if (it != list->second.end()) info = &it->second;
      }
      if (!info)
        err("code_list", "\"" + code + "\" is not a code of the list \"" + f.code_list + "\"");
      else if (f.code_level && info->level != *f.code_level)
        err("code_list", "\"" + code + "\" is a level " + std::to_string(info->level) +
                             " code; this field takes level " + std::to_string(*f.code_level) +
                             " codes of \"" + f.code_list + "\"");
      else if (!info->active && !unchanged)
        err("code_list", "\"" + code + "\" is deactivated in the list \"" + f.code_list +
                             "\" and cannot be used on new entries");
      break;
    }
    case FieldType::integer:
    case FieldType::decimal: {
      const std::int64_t units = f.type == FieldType::integer ? std::get<std::int64_t>(out)
                                                              : std::get<Decimal>(out).units;
      if (f.min && units < f.min->units) err("range", "must be at least " + f.min->str());
      else if (f.max && units > f.max->units) err("range", "must be at most " + f.max->str());
      break;
    }
    case FieldType::reference: {
      const auto id = std::get<Ref>(out).id;
      auto& s = conn().prepare(sql(1, &f, [&] { return "SELECT archived FROM " + store::quote(f.target) + " WHERE id = ?"; }));
      s.bind(1, id);
      if (!s.step()) err("reference", "there is no " + f.target + " with id " + std::to_string(id));
      else if (s.int64(0) != 0 && !unchanged)
        err("reference", f.target + " " + std::to_string(id) + " is archived");
      s.reset();
      break;
    }
    default:
      break;
  }
}

Input Engine::decode(const pack::RecordType& t, const Json& j, bool creating, const Current* cur,
                     std::vector<clmis::FieldError>& errors) {
  Input in;
  if (!j.is_object()) {
    errors.push_back({t.name, "", j, "type", std::string("a record is a JSON object, got ") + j.type_name()});
    return in;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "external_id") {
      if (it->is_null()) in.external_id = std::optional<std::string>{};
      else if (!it->is_string() || it->get<std::string>().empty() ||
               utf8_length(it->get<std::string>()) > kMaxExternalId)
        errors.push_back({t.name, key, *it, "type", "external_id is a string of 1 to 200 characters"});
      else in.external_id = it->get<std::string>();
      continue;
    }
    if (const auto* f = t.field(key)) {
      if (f->assigned()) {
        errors.push_back({t.name, key, *it, "read_only", "\"" + key + "\" is assigned by clmis"});
        continue;
      }
      if (t.workflow && (key == t.workflow->status_field || key == t.workflow->outcome_field)) {
        errors.push_back({t.name, key, *it, "read_only",
                          "\"" + key + "\" changes only through the workflow's transitions"});
        continue;
      }
      Value v;
      const Value* current = nullptr;
      if (cur) {
        auto c = cur->fields.find(key);
        if (c != cur->fields.end()) current = &c->second;
      }
      const size_t before = errors.size();
      check_value(t, *f, *it, key, v, errors, current);
      if (errors.size() == before) {
        if (f->required && std::holds_alternative<std::monostate>(v))
          errors.push_back({t.name, key, *it, "required", "a value is required"});
        in.fields[key] = std::move(v);
      }
      continue;
    }
    if (const auto* s = t.section(key)) {
      if (!it->is_array()) {
        errors.push_back({t.name, key, *it, "type", "a section is a JSON array of objects"});
        continue;
      }
      if (it->size() > static_cast<size_t>(s->max_items)) {
        errors.push_back({t.name, key, nullptr, "length",
                          "at most " + std::to_string(s->max_items) + " entries, got " +
                              std::to_string(it->size())});
        continue;
      }
      // Values already stored anywhere in this section may be kept even if since deactivated.
      std::vector<Values> items;
      const std::vector<Values>* stored = nullptr;
      if (cur) {
        auto c = cur->sections.find(key);
        if (c != cur->sections.end()) stored = &c->second;
      }
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& item = (*it)[i];
        const std::string ipath = key + "[" + std::to_string(i) + "]";
        if (!item.is_object()) {
          errors.push_back({t.name, ipath, item, "type", "a section entry is a JSON object"});
          continue;
        }
        Values vals;
        for (auto fi = item.begin(); fi != item.end(); ++fi) {
          const auto* f = s->field(fi.key());
          const std::string fpath = ipath + "." + fi.key();
          if (!f) {
            errors.push_back({t.name, fpath, *fi, "unknown_field",
                              "section \"" + key + "\" has no field \"" + fi.key() + "\""});
            continue;
          }
          Value v;
          const Value* current = nullptr;
          Value probe;
          if (stored) {
            auto d = decode_value(*fi, f->spec());
            if (auto* pv = std::get_if<Value>(&d)) {
              probe = *pv;
              for (const auto& row : *stored) {
                auto c = row.find(fi.key());
                if (c != row.end() && c->second == probe) current = &c->second;
              }
            }
          }
          check_value(t, *f, *fi, fpath, v, errors, current);
          vals[fi.key()] = std::move(v);
        }
        for (const auto& f : s->fields) {
          auto v = vals.find(f.name);
          if (!f.required || (v != vals.end() && !std::holds_alternative<std::monostate>(v->second)))
            continue;
          const std::string fpath = ipath + "." + f.name;
          if (std::none_of(errors.begin(), errors.end(),
                           [&](const clmis::FieldError& e) { return e.path == fpath; }))
            errors.push_back({t.name, fpath, item.contains(f.name) ? item[f.name] : Json(nullptr),
                              "required", "a value is required"});
        }
        items.push_back(std::move(vals));
      }
      in.sections[key] = std::move(items);
      continue;
    }
    if (kReadOnly.count(key))
      errors.push_back({t.name, key, *it, "read_only", "\"" + key + "\" is set by clmis"});
    else
      errors.push_back({t.name, key, *it, "unknown_field",
                        "record type \"" + t.name + "\" has no field \"" + key + "\""});
  }
  if (creating) {
    for (const auto& f : t.fields) {
      if (in.fields.count(f.name) || f.assigned()) continue;
      bool failed = false;
      for (const auto& e : errors)
        if (e.path == f.name) failed = true;
      if (failed) continue;
      if (!f.default_value.is_null()) {
        Value v;
        check_value(t, f, f.default_value, f.name, v, errors, nullptr);
        in.fields[f.name] = std::move(v);
      } else if (f.required) {
        errors.push_back({t.name, f.name, nullptr, "required", "a value is required"});
      }
    }
  }
  return in;
}

// ---------------------------------------------------------------------------------------------
// Record-level rules

namespace {

/// A date or time as seconds since the epoch (a date is its midnight), or nullopt for no value.
std::optional<std::int64_t> instant(const Value& v) {
  if (auto* d = std::get_if<Date>(&v)) return DateTime{*d}.time_since_epoch().count();
  if (auto* t = std::get_if<DateTime>(&v)) return t->time_since_epoch().count();
  return std::nullopt;
}

/// An amount as (units, scale, currency) for range_order.
struct Amount {
  boost::multiprecision::int128_t units;
  int scale;
  std::string currency;
};
std::optional<Amount> amount(const Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return Amount{*i, 0, ""};
  if (auto* d = std::get_if<Decimal>(&v)) return Amount{d->units, d->scale, ""};
  if (auto* m = std::get_if<Money>(&v)) return Amount{m->minor, 0, m->currency};
  return std::nullopt;
}

const Value& value_of(const Values& vals, const std::string& name) {
  static const Value none;
  auto it = vals.find(name);
  return it == vals.end() ? none : it->second;
}

/// Whole years from birth to at.
int age_in_years(Date birth, Date at) {
  date::year_month_day b{birth}, a{at};
  int years = static_cast<int>(a.year()) - static_cast<int>(b.year());
  if (a.month() < b.month() || (a.month() == b.month() && a.day() < b.day())) --years;
  return years;
}

}  // namespace

void Engine::check_rules(const pack::RecordType& t, const Values& fields,
                         const std::map<std::string, std::vector<Values>, std::less<>>& sections,
                         std::int64_t self, std::vector<clmis::FieldError>& errors,
                         Json* warnings) {
  auto has_error = [&](const std::string& path) {
    return std::any_of(errors.begin(), errors.end(), [&](const clmis::FieldError& e) { return e.path == path; });
  };
  // "AND col = ?" for each of a rule's fields (text compared in lower case if asked); false if
  // one of them has no value or an error, so the rule does not apply.
  auto key_condition = [&](const pack::Rule& rule, const Values& vals, bool lower_text, std::string& where,
                           std::vector<store::SqlValue>& params) {
    for (const auto& name : rule.fields) {
      const auto* f = t.field(name);
      const Value& v = value_of(vals, name);
      if (std::holds_alternative<std::monostate>(v) || has_error(name)) return false;
      const std::string col = store::quote(store::columns_of(*f).front().name);
      where += lower_text && f->type == FieldType::text ? " AND lower(" + col + ") = lower(?)" : " AND " + col + " = ?";
      params.push_back(to_sql(*f, v).front());
    }
    return true;
  };
  for (const auto& rule : t.rules) {
    // The entries the rule looks at: the record itself, or each entry of its section.
    std::vector<std::pair<std::string, const Values*>> scopes;
    if (rule.section.empty()) {
      scopes.emplace_back("", &fields);
    } else if (auto it = sections.find(rule.section); it != sections.end()) {
      for (size_t i = 0; i < it->second.size(); ++i)
        scopes.emplace_back(rule.section + "[" + std::to_string(i) + "].", &it->second[i]);
    }
    for (const auto& [prefix, vals] : scopes) {
      auto fail = [&](const std::string& field, const std::string& message) {
        errors.push_back({t.name, prefix + field, encode_value(value_of(*vals, field)), rule.kind,
                          rule.message.empty() ? message : rule.message});
      };
      if (rule.kind == "date_order" || rule.kind == "range_order") {
        if (has_error(prefix + rule.first) || has_error(prefix + rule.second)) continue;
        const Value& lo = value_of(*vals, rule.first);
        const Value& hi = value_of(*vals, rule.second);
        if (rule.kind == "date_order") {
          auto a = instant(lo), b = instant(hi);
          if (a && b && (rule.strict ? !(*a < *b) : !(*a <= *b)))
            fail(rule.second, rule.second + " must be " + (rule.strict ? "after " : "on or after ") + rule.first);
        } else {
          auto a = amount(lo), b = amount(hi);
          if (!a || !b) continue;
          if (a->currency != b->currency) {
            fail(rule.second, rule.first + " and " + rule.second + " must be in the same currency");
            continue;
          }
          // Bring both to one scale exactly (at most 18 + 18 digits: 128 bits cannot overflow).
          boost::multiprecision::int128_t x = a->units, y = b->units;
          for (int s = a->scale; s < b->scale; ++s) x *= 10;
          for (int s = b->scale; s < a->scale; ++s) y *= 10;
          if (rule.strict ? !(x < y) : !(x <= y))
            fail(rule.second, rule.second + " must be " + (rule.strict ? "more than " : "at least ") + rule.first);
        }
      } else if (rule.kind == "min_age_at") {
        if (has_error(prefix + rule.first) || (!rule.second.empty() && has_error(prefix + rule.second))) continue;
        const auto* birth = std::get_if<Date>(&value_of(*vals, rule.first));
        if (!birth) continue;
        std::optional<Date> at;
        if (rule.second.empty()) {
          at = parse_date(today());
        } else {
          const Value& v = value_of(*vals, rule.second);
          if (auto* d = std::get_if<Date>(&v)) at = *d;
          else if (auto* dt = std::get_if<DateTime>(&v)) at = date::floor<date::days>(*dt);
        }
        if (!at) continue;
        int min_age = rule.age.value_or(0);
        std::string source;
        if (!rule.age_parameter.empty()) {
          const auto& lp = profile_.legal.at(rule.age_parameter);
          min_age = static_cast<int>(lp.value.get<std::int64_t>());
          source = " (" + rule.age_parameter + " of " + profile_.iso3 + (lp.verified ? "" : ", not yet verified") + ")";
        }
        if (*birth > *at) fail(rule.first, rule.first + " is after " + (rule.second.empty() ? "today" : rule.second));
        else if (age_in_years(*birth, *at) < min_age)
          fail(rule.first, "must be at least " + std::to_string(min_age) + " years old at " +
                               (rule.second.empty() ? "today" : rule.second) + source);
      } else if (rule.kind == "required_if") {
        if (has_error(prefix + rule.field) || has_error(prefix + rule.when)) continue;
        const Json when = encode_value(value_of(*vals, rule.when));
        if (std::find(rule.in.begin(), rule.in.end(), when) == rule.in.end()) continue;
        if (std::holds_alternative<std::monostate>(value_of(*vals, rule.field)))
          fail(rule.field, rule.field + " is required when " + rule.when + " is " +
                               (when.is_string() ? when.get<std::string>() : when.dump()));
      } else if (rule.kind == "possible_duplicate") {
        if (!warnings) continue;
        std::string where;
        std::vector<store::SqlValue> params;
        if (!key_condition(rule, *vals, true, where, params)) continue;
        auto& s = conn().prepare(sql(3, &rule, [&] {
          return "SELECT id FROM " + store::quote(t.name) + " WHERE archived = 0 AND id <> ?" + where +
                 " ORDER BY id LIMIT 10";
        }));
        s.bind(1, self);
        for (size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i) + 2, params[i]);
        Json ids = Json::array();
        while (s.step()) ids.push_back(s.int64(0));
        s.reset();
        if (ids.empty()) continue;
        std::string names;
        for (const auto& n : rule.fields) names += (names.empty() ? "" : ", ") + n;
        warnings->push_back({{"record", t.name},
                             {"path", rule.fields.front()},
                             {"rule", "possible_duplicate"},
                             {"message", rule.message.empty()
                                             ? "possible duplicate: " + t.name + " " + ids[0].dump() +
                                                   " has the same " + names
                                             : rule.message},
                             {"other_id", ids[0]},
                             {"other_ids", ids}});
      } else if (rule.kind == "unique_active") {
        // A closed record holds nothing: editing it after the person registered again is fine.
        if (t.workflow) {
          const auto* st = std::get_if<Code>(&value_of(*vals, t.workflow->status_field));
          if (st && st->value == "closed") continue;
        }
        std::string where;
        std::vector<store::SqlValue> params;
        if (!key_condition(rule, *vals, false, where, params)) continue;
        // With a workflow, a closed record is no longer active (a job seeker who found work
        // may register again).
        if (t.workflow) where += " AND coalesce(" + store::quote(t.workflow->status_field) + ", '') <> 'closed'";
        auto& s = conn().prepare(sql(4, &rule, [&] {
          return "SELECT id FROM " + store::quote(t.name) + " WHERE archived = 0 AND id <> ?" + where + " LIMIT 1";
        }));
        s.bind(1, self);
        for (size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i) + 2, params[i]);
        if (s.step()) {
          const auto other = s.int64(0);
          std::string names;
          for (const auto& n : rule.fields) names += (names.empty() ? "" : ", ") + n;
          fail(rule.fields.front(), "another " + t.name + " (id " + std::to_string(other) +
                                        ") that is not archived has the same " + names);
        }
        s.reset();
      }
    }
  }
}

void Engine::check_rules_merged(const pack::RecordType& t, const Current& cur, const Input& in,
                                std::int64_t self, std::vector<clmis::FieldError>& errors,
                                Json* warnings) {
  Values fields = cur.fields;
  for (const auto& [k, v] : in.fields) fields[k] = v;
  auto sections = cur.sections;
  for (const auto& [k, v] : in.sections) sections[k] = v;
  // Warn about possible duplicates only when a field they compare is being changed.
  bool touched = false;
  for (const auto& rule : t.rules)
    if (rule.kind == "possible_duplicate")
      for (const auto& f : rule.fields) {
        auto given = in.fields.find(f);
        if (given != in.fields.end() && !(given->second == value_of(cur.fields, f))) touched = true;
      }
  check_rules(t, fields, sections, self, errors, touched ? warnings : nullptr);
}

// ---------------------------------------------------------------------------------------------
// Storage helpers

Values Engine::read_fields(const pack::RecordType& t, store::Stmt& s, int& col) {
  Values v;
  for (const auto& f : t.fields) v[f.name] = from_sql(f, s, col);
  return v;
}

Values Engine::read_section_row(const pack::Section& sec, store::Stmt& s, int& col) {
  Values v;
  for (const auto& f : sec.fields) v[f.name] = from_sql(f, s, col);
  return v;
}

std::map<std::string, std::vector<Values>, std::less<>> Engine::read_sections(
    const pack::RecordType& t, std::int64_t id) {
  std::map<std::string, std::vector<Values>, std::less<>> out;
  for (const auto& sec : t.sections) {
    auto& s = conn().prepare("SELECT parent_id" + column_list(sec.fields) + " FROM " +
                             store::quote(store::section_table(t, sec)) +
                             " WHERE parent_id = ? ORDER BY item_no");
    s.bind(1, id);
    auto& items = out[sec.name];
    while (s.step()) {
      int col = 1;
      items.push_back(read_section_row(sec, s, col));
    }
    s.reset();
  }
  return out;
}

void Engine::write_sections(const pack::RecordType& t, std::int64_t id, const Input& in) {
  for (const auto& sec : t.sections) {
    auto given = in.sections.find(sec.name);
    if (given == in.sections.end()) continue;
    const std::string table = store::quote(store::section_table(t, sec));
    conn().prepare("DELETE FROM " + table + " WHERE parent_id = ?").bind(1, id).run();
    std::string cols = column_list(sec.fields);
    std::string marks;
    for (const auto& f : sec.fields)
      for (size_t i = 0; i < store::columns_of(f).size(); ++i) marks += ", ?";
    std::int64_t pos = 0;
    for (const auto& item : given->second) {
      auto& s = conn().prepare("INSERT INTO " + table + " (parent_id, item_no" + cols +
                               ") VALUES (?, ?" + marks + ")");
      s.bind(1, id).bind(2, pos++);
      int i = 3;
      for (const auto& f : sec.fields) {
        auto v = item.find(f.name);
        for (const auto& sv : to_sql(f, v == item.end() ? Value{} : v->second)) s.bind(i++, sv);
      }
      s.run();
    }
  }
}

Json Engine::to_json(const pack::RecordType& t, store::Stmt& s,
                     const std::map<std::string, std::vector<Values>, std::less<>>& sections) {
  Json o;
  o["id"] = s.int64(0);
  o["version"] = s.int64(1);
  o["created_at"] = s.text(2);
  o["created_by"] = user_name(s.int64(3));
  o["updated_at"] = s.text(4);
  o["updated_by"] = user_name(s.int64(5));
  o["external_id"] = s.is_null(6) ? Json(nullptr) : Json(s.text(6));
  o["archived"] = s.int64(7) != 0;
  o["archive_reason"] = s.is_null(8) ? Json(nullptr) : Json(s.text(8));
  int col = kSystemColumns;
  for (const auto& f : t.fields) o[f.name] = encode_value(from_sql(f, s, col));
  for (const auto& sec : t.sections) {
    Json arr = Json::array();
    auto it = sections.find(sec.name);
    if (it != sections.end())
      for (const auto& item : it->second) {
        Json io;
        for (const auto& f : sec.fields) {
          auto v = item.find(f.name);
          io[f.name] = v == item.end() ? Json(nullptr) : encode_value(v->second);
        }
        arr.push_back(std::move(io));
      }
    o[sec.name] = std::move(arr);
  }
  return o;
}

std::int64_t Engine::record_change(std::int64_t uid, const std::string& type, std::int64_t id,
                                   const char* op, std::int64_t version) {
  conn()
      .prepare("INSERT INTO clmis_change(at, actor, record_type, record_id, op, version) "
               "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, now()).bind(2, uid).bind(3, type).bind(4, id).bind(5, op).bind(6, version).run();
  return conn().last_insert_rowid();
}

void Engine::history(std::int64_t seq, std::int64_t uid, const std::string& type, std::int64_t id,
                     const char* event, const std::string& field, const std::string* from,
                     const std::string* to, const std::string& effective_date,
                     const Json& detail) {
  auto& s = conn().prepare(
      "INSERT INTO clmis_history(seq, record_type, record_id, event, field, from_value, to_value, "
      "effective_date, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, seq).bind(2, type).bind(3, id).bind(4, event);
  if (field.empty()) s.bind(5, nullptr); else s.bind(5, field);
  if (from) s.bind(6, *from); else s.bind(6, nullptr);
  if (to) s.bind(7, *to); else s.bind(7, nullptr);
  s.bind(8, effective_date.empty() ? today() : effective_date).bind(9, uid).bind(10, now());
  if (detail.is_null()) s.bind(11, nullptr); else s.bind(11, detail.dump());
  s.run();
}

Engine::Current Engine::read_for_write(const pack::RecordType& t, std::int64_t id,
                                       std::int64_t version) {
  Current cur = read_current(t, id);
  if (cur.archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived");
  if (cur.version != version)
    throw Conflict(t.name + " " + std::to_string(id) + " is at version " +
                   std::to_string(cur.version) + ", not " + std::to_string(version) +
                   " as read: someone changed it meanwhile; read it again");
  return cur;
}

Engine::Current Engine::read_current(const pack::RecordType& t, std::int64_t id) {
  auto& s = conn().prepare(select_sql(t) + " WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) {
    s.reset();
    throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  }
  Current c;
  c.version = s.int64(1);
  c.archived = s.int64(7) != 0;
  if (!s.is_null(6)) c.external_id = s.text(6);
  int col = kSystemColumns;
  c.fields = read_fields(t, s, col);
  s.reset();
  c.sections = read_sections(t, id);
  return c;
}

void Engine::check_external_id_free(const pack::RecordType& t, const std::string& ext,
                                    std::int64_t self) {
  auto& s = conn().prepare("SELECT id FROM " + store::quote(t.name) + " WHERE external_id = ?");
  s.bind(1, ext);
  if (s.step() && s.int64(0) != self) {
    const auto other = s.int64(0);
    s.reset();
    throw AlreadyExists("external_id \"" + ext + "\" is already used by " + t.name + " " +
                        std::to_string(other));
  }
  s.reset();
}

Json Engine::audit_value(const pack::Field& f, const Value& v) const {
  if (std::holds_alternative<std::monostate>(v)) return nullptr;
  Json j = encode_value(v);
  // Personal values are in the trail as keyed hashes: equal values can be matched, not read.
  if (f.personal) return personal_digest(j.is_string() ? j.get<std::string>() : j.dump());
  return j;
}

Json Engine::audit_section(const pack::Section& sec, const std::vector<Values>& items) const {
  Json out = Json::array();
  for (const auto& item : items) {
    Json o = Json::object();
    for (const auto& f : sec.fields) {
      auto v = item.find(f.name);
      o[f.name] = v == item.end() ? Json(nullptr) : audit_value(f, v->second);
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::int64_t Engine::do_create(std::int64_t uid, const pack::RecordType& t, Input& in) {
  auto& c = conn();
  // Numbers clmis assigns (registration numbers): the next value of the field's sequence,
  // never reused, zero-padded after the prefix.
  for (const auto& f : t.fields) {
    if (!f.assigned()) continue;
    auto& q = c.prepare("INSERT INTO clmis_sequence(name, value) VALUES (?, 1) "
                        "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value");
    q.bind(1, t.name + "." + f.name);
    q.step();
    std::string n = std::to_string(q.int64(0));
    q.reset();
    if (n.size() < static_cast<size_t>(f.assigned_digits))
      n.insert(0, static_cast<size_t>(f.assigned_digits) - n.size(), '0');
    in.fields[f.name] = Value{f.assigned_prefix + n};
  }
  if (t.workflow) in.fields[t.workflow->status_field] = Value{Code{t.workflow->initial}};
  std::optional<std::string> ext;
  if (in.external_id && *in.external_id) {
    ext = **in.external_id;
    check_external_id_free(t, *ext, 0);
  }
  auto& s = c.prepare(sql(2, &t, [&] {
    std::string marks;
    for (const auto& f : t.fields)
      for (size_t i = 0; i < store::columns_of(f).size(); ++i) marks += ", ?";
    return "INSERT INTO " + store::quote(t.name) +
           " (version, created_at, created_by, updated_at, updated_by, external_id, archived" +
           column_list(t.fields) + ") VALUES (1, ?, ?, ?, ?, ?, 0" + marks + ")";
  }));
  const std::string at = now();
  s.bind(1, at).bind(2, uid).bind(3, at).bind(4, uid);
  if (ext) s.bind(5, *ext); else s.bind(5, nullptr);
  int i = 6;
  for (const auto& f : t.fields) {
    auto v = in.fields.find(f.name);
    for (const auto& sv : to_sql(f, v == in.fields.end() ? Value{} : v->second)) s.bind(i++, sv);
  }
  s.run();
  const std::int64_t id = c.last_insert_rowid();
  write_sections(t, id, in);
  const std::int64_t seq = record_change(uid, t.name, id, "create", 1);
  history(seq, uid, t.name, id, "created", "", nullptr, nullptr);
  if (t.workflow) {
    // The initial state, effective on the record's own date (registration date) if it has one.
    std::string effective;
    if (!t.workflow->date_field.empty())
      if (auto* d = std::get_if<Date>(&value_of(in.fields, t.workflow->date_field))) effective = format_date(*d);
    history(seq, uid, t.name, id, "initial", t.workflow->status_field, nullptr,
            &t.workflow->initial, effective);
  }
  for (const auto& f : t.fields) {
    auto v = in.fields.find(f.name);
    if (t.workflow && f.name == t.workflow->status_field) continue;
    if (f.history && v != in.fields.end() && !std::holds_alternative<std::monostate>(v->second)) {
      const std::string to = history_text(v->second);
      history(seq, uid, t.name, id, "changed", f.name, nullptr, &to);
    }
  }
  if (bulk_) {
    Bulk::add(bulk_->created, id);
    ++bulk_->n_created;
  } else {
    Json values = Json::object();
    for (const auto& f : t.fields) {
      auto v = in.fields.find(f.name);
      if (v != in.fields.end() && !std::holds_alternative<std::monostate>(v->second))
        values[f.name] = audit_value(f, v->second);
    }
    for (const auto& [k, items] : in.sections) values[k] = audit_section(*t.section(k), items);
    audit(uid, "create", t.name, id, 1, seq, Json{{"values", values}});
  }
  return id;
}

std::int64_t Engine::do_update(std::int64_t uid, const pack::RecordType& t, std::int64_t id,
                               const Current& cur, const Input& in, bool* changed,
                               const char* op, std::int64_t* seq_out,
                               const std::string& effective_date) {
  auto& c = conn();
  std::vector<const pack::Field*> changed_fields;
  for (const auto& f : t.fields) {
    auto v = in.fields.find(f.name);
    if (v == in.fields.end()) continue;
    auto old = cur.fields.find(f.name);
    if (old == cur.fields.end() || !(old->second == v->second)) changed_fields.push_back(&f);
  }
  std::vector<std::string> changed_sections;
  for (const auto& [name, items] : in.sections) {
    auto old = cur.sections.find(name);
    const auto* sec = t.section(name);
    // Compare entry by entry with absent fields as null.
    bool same = old != cur.sections.end() && old->second.size() == items.size();
    for (size_t i = 0; same && i < items.size(); ++i)
      for (const auto& f : sec->fields) {
        auto a = items[i].find(f.name);
        auto b = old->second[i].find(f.name);
        Value va = a == items[i].end() ? Value{} : a->second;
        Value vb = b == old->second[i].end() ? Value{} : b->second;
        if (!(va == vb)) same = false;
      }
    if (!same) changed_sections.push_back(name);
  }
  bool ext_changed = false;
  std::optional<std::string> new_ext = cur.external_id;
  if (in.external_id && *in.external_id != cur.external_id) {
    ext_changed = true;
    new_ext = *in.external_id;
    if (new_ext) check_external_id_free(t, *new_ext, id);
  }
  if (changed_fields.empty() && changed_sections.empty() && !ext_changed) {
    if (changed) *changed = false;
    return cur.version;
  }
  const std::int64_t version = cur.version + 1;
  std::string sets = "version = ?, updated_at = ?, updated_by = ?, external_id = ?";
  for (const auto* f : changed_fields)
    for (const auto& col : store::columns_of(*f)) sets += ", " + store::quote(col.name) + " = ?";
  auto& s = c.prepare("UPDATE " + store::quote(t.name) + " SET " + sets + " WHERE id = ? AND version = ?");
  s.bind(1, version).bind(2, now()).bind(3, uid);
  if (new_ext) s.bind(4, *new_ext); else s.bind(4, nullptr);
  int i = 5;
  for (const auto* f : changed_fields)
    for (const auto& sv : to_sql(*f, in.fields.at(f->name))) s.bind(i++, sv);
  s.bind(i, id).bind(i + 1, cur.version).run();
  if (c.changes() != 1) throw Conflict(t.name + " " + std::to_string(id) + " changed meanwhile");
  Input secs;
  for (const auto& name : changed_sections) secs.sections[name] = in.sections.at(name);
  write_sections(t, id, secs);
  const std::int64_t seq = record_change(uid, t.name, id, op, version);
  if (seq_out) *seq_out = seq;
  Json names = Json::object();
  for (const auto* f : changed_fields) {
    {
      auto old = cur.fields.find(f->name);
      names[f->name] = {{"from", old == cur.fields.end() ? Json(nullptr) : audit_value(*f, old->second)},
                        {"to", audit_value(*f, in.fields.at(f->name))}};
    }
    if (!f->history || (t.workflow && f->name == t.workflow->status_field)) continue;
    auto old = cur.fields.find(f->name);
    const Value& ov = old == cur.fields.end() ? Value{} : old->second;
    const Value& nv = in.fields.at(f->name);
    std::string from = history_text(ov), to = history_text(nv);
    history(seq, uid, t.name, id, "changed", f->name,
            std::holds_alternative<std::monostate>(ov) ? nullptr : &from,
            std::holds_alternative<std::monostate>(nv) ? nullptr : &to, effective_date);
  }
  for (const auto& n : changed_sections) {
    auto old = cur.sections.find(n);
    const auto& sec = *t.section(n);
    names[n] = {{"from", old == cur.sections.end() ? Json::array() : audit_section(sec, old->second)},
                {"to", audit_section(sec, in.sections.at(n))}};
  }
  if (ext_changed)
    names["external_id"] = {{"from", cur.external_id ? Json(*cur.external_id) : Json(nullptr)},
                            {"to", new_ext ? Json(*new_ext) : Json(nullptr)}};
  if (bulk_) {
    Bulk::add(bulk_->updated, id);
    ++bulk_->n_updated;
  } else {
    audit(uid, op, t.name, id, version, seq, Json{{"changes", names}});
  }
  if (changed) *changed = true;
  return version;
}

// ---------------------------------------------------------------------------------------------
// Public operations

std::int64_t Engine::create(const Actor& who, std::string_view type, const Json& j, Json* warnings) {
  std::lock_guard lock(mu_);
  conn();  // a closed database is refused before anything else
  FlushSecurity flush{*this};
  const std::int64_t uid = who.uid;
  const auto& t = type_of(type);
  require_scope(who, t, "create");
  store::WriteTransaction tx(conn());
  refresh_state();
  std::vector<clmis::FieldError> errors;
  Input in = decode(t, j, true, nullptr, errors);
  check_rules(t, in.fields, in.sections, 0, errors, warnings);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const auto id = do_create(uid, t, in);
  tx.commit();
  return id;
}

Json Engine::get(const Actor& who, std::string_view type, std::int64_t id) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const auto& t = type_of(type);
  require_record(who, t, "read", require_scope(who, t, "read"), id);
  store::ReadTransaction rt(conn());
  auto& s = conn().prepare(select_sql(t) + " WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) {
    s.reset();
    throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  }
  // Sections are read with other statements; read them before building the JSON of this row.
  auto sections = read_sections(t, id);
  Json out = to_json(t, s, sections);
  const std::int64_t created_by = s.int64(3);
  s.reset();
  mask(who, t, out, created_by);
  return out;
}

std::int64_t Engine::update(const Actor& who, std::string_view type, std::int64_t id,
                            std::int64_t version, const Json& j, Json* warnings) {
  std::lock_guard lock(mu_);
  conn();  // a closed database is refused before anything else
  FlushSecurity flush{*this};
  const std::int64_t uid = who.uid;
  const auto& t = type_of(type);
  require_record(who, t, "update", require_scope(who, t, "update"), id);
  store::WriteTransaction tx(conn());
  refresh_state();
  Current cur = read_for_write(t, id, version);
  std::vector<clmis::FieldError> errors;
  Input in = decode(t, j, false, &cur, errors);
  check_rules_merged(t, cur, in, id, errors, warnings);
  move_initial_date(t, id, cur, in, errors, false);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  bool changed = false;
  const auto v = do_update(uid, t, id, cur, in, &changed);
  move_initial_date(t, id, cur, in, errors, true);
  if (changed) tx.commit();
  return v;
}

void Engine::archive(const Actor& who, std::string_view type, std::int64_t id,
                     std::int64_t version, std::string_view reason) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const std::int64_t uid = who.uid;
  const auto& t = type_of(type);
  require_record(who, t, "archive", require_scope(who, t, "archive"), id);
  if (!valid_utf8(reason))
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "archive_reason", nullptr, "type", "the reason is not valid UTF-8"}});
  if (reason.empty() || utf8_length(reason) > kMaxReason)
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "archive_reason", std::string(reason), reason.empty() ? "required" : "length",
         "a reason of 1 to 1000 characters is required to archive a record"}});
  store::WriteTransaction tx(conn());
  refresh_state();
  Current cur = read_current(t, id);
  if (cur.archived) throw Conflict(t.name + " " + std::to_string(id) + " is already archived");
  if (cur.version != version)
    throw Conflict(t.name + " " + std::to_string(id) + " is at version " +
                   std::to_string(cur.version) + ", not " + std::to_string(version));
  const auto nv = version + 1;
  conn()
      .prepare("UPDATE " + store::quote(t.name) +
               " SET archived = 1, archive_reason = ?, version = ?, updated_at = ?, "
               "updated_by = ? WHERE id = ?")
      .bind(1, reason).bind(2, nv).bind(3, now()).bind(4, uid).bind(5, id).run();
  const auto seq = record_change(uid, t.name, id, "archive", nv);
  const std::string why(reason);
  history(seq, uid, t.name, id, "archived", "", nullptr, &why);
  audit(uid, "archive", t.name, id, nv, seq, Json{{"reason", why}});
  tx.commit();
}

UpsertResult Engine::upsert(const Actor& who, std::string_view type, std::string_view external_id,
                            const Json& j, Json* warnings) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const std::int64_t uid = who.uid;
  const auto& t = type_of(type);
  require_active(who);
  const std::string ext(external_id);
  if (!valid_utf8(ext))
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "external_id", nullptr, "type", "external_id is not valid UTF-8"}});
  if (ext.empty() || utf8_length(ext) > kMaxExternalId)
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "external_id", ext, "length", "external_id is a string of 1 to 200 characters"}});
  if (j.is_object() && j.contains("external_id") && j["external_id"] != Json(ext))
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "external_id", j["external_id"], "read_only",
         "the record's external_id must be the one the upsert names"}});
  store::WriteTransaction tx(conn());
  refresh_state();
  auto& s = conn().prepare("SELECT id FROM " + store::quote(t.name) + " WHERE external_id = ?");
  s.bind(1, ext);
  std::int64_t id = s.step() ? s.int64(0) : 0;
  s.reset();
  // Creating needs create, changing the record found needs update (of that record): checked
  // inside the transaction, so the answer holds for the record actually written.
  if (id == 0) require_scope(who, t, "create");
  else require_record(who, t, "update", require_scope(who, t, "update"), id);
  std::vector<clmis::FieldError> errors;
  if (id == 0) {
    Input in = decode(t, j, true, nullptr, errors);
    check_rules(t, in.fields, in.sections, 0, errors, warnings);
    if (!errors.empty()) throw ValidationError(std::move(errors));
    in.external_id = std::optional<std::string>(ext);
    id = do_create(uid, t, in);
    tx.commit();
    return {id, UpsertOutcome::created};
  }
  Current cur = read_current(t, id);
  if (cur.archived) throw Conflict(t.name + " " + std::to_string(id) + " (external_id \"" + ext + "\") is archived");
  Input in = decode(t, j, false, &cur, errors);
  check_rules_merged(t, cur, in, id, errors, warnings);
  move_initial_date(t, id, cur, in, errors, false);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  in.external_id.reset();
  bool changed = false;
  do_update(uid, t, id, cur, in, &changed);
  move_initial_date(t, id, cur, in, errors, true);
  if (!changed) return {id, UpsertOutcome::unchanged};
  tx.commit();
  return {id, UpsertOutcome::updated};
}

Json Engine::changes_since(const Actor& who, std::int64_t since, int limit) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  require_active(who);
  if (limit == 0) limit = 1000;
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  if (since < 0) throw Misuse("since_seq must be 0 or more");
  // Only the changes of records the user may read: whole types, or their own records.
  std::string cond;
  std::vector<store::SqlValue> params{since};
  for (const auto& t : pack_.record_types) {
    const auto scope = scope_of(who, t, "read");
    if (scope == pack::Scope::none) continue;
    cond += cond.empty() ? "" : " OR ";
    params.emplace_back(t.name);
    if (scope == pack::Scope::all) {
      cond += "record_type = ?";
    } else {
      cond += "(record_type = ? AND record_id IN (SELECT id FROM " + store::quote(t.name) +
              " WHERE created_by = ?))";
      params.emplace_back(who.uid);
    }
  }
  store::ReadTransaction rt(conn());
  Json changes = Json::array();
  std::int64_t last = since;
  std::vector<std::pair<size_t, std::int64_t>> actors;
  if (!cond.empty()) {
    auto& s = conn().prepare(
        "SELECT seq, record_type, record_id, op, version, at, actor FROM clmis_change "
        "WHERE seq > ? AND (" + cond + ") ORDER BY seq LIMIT ?");
    int i = 1;
    for (const auto& p : params) s.bind(i++, p);
    s.bind(i, static_cast<std::int64_t>(limit));
    while (s.step()) {
      Json o;
      o["seq"] = last = s.int64(0);
      o["record_type"] = s.text(1);
      o["id"] = s.int64(2);
      o["op"] = s.text(3);
      o["version"] = s.int64(4);
      o["at"] = s.text(5);
      actors.emplace_back(changes.size(), s.int64(6));
      changes.push_back(std::move(o));
    }
    s.reset();
  }
  // A page that is not full has seen every change there is: skip past the unreadable ones too.
  if (static_cast<int>(changes.size()) < limit)
    if (auto top = conn().scalar("SELECT max(seq) FROM clmis_change"); top && *top > last) last = *top;
  for (const auto& [i, uid] : actors) changes[i]["by"] = user_name(uid);
  return Json{{"changes", changes}, {"last_seq", last}};
}

}  // namespace clmis::detail
