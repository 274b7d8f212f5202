// Decoding and the field-level checks (DESIGN.md §5 "Errors": every problem, not the first).
#include "records/validate.hpp"

#include <algorithm>
#include <set>

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

void check_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Json& given,
                 const std::string& path, Value& out, std::vector<FieldError>& errors, const Value* current) {
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
      const auto& code = std::get<Code>(out).value;
      auto list = cx.cache.codes.find(f.code_list);
      const store::CodeInfo* info = nullptr;
      if (list != cx.cache.codes.end()) {
        auto it = list->second.find(code);
        if (it != list->second.end()) info = &it->second;
      }
      if (!info)
        err("code_list", "\"" + code + "\" is not a code of the list \"" + f.code_list + "\"");
      else if (f.code_level && info->level != *f.code_level)
        err("code_list", "\"" + code + "\" is a level " + std::to_string(info->level) +
                             " code; this field takes level " + std::to_string(*f.code_level) + " codes of \"" +
                             f.code_list + "\"");
      else if (!info->active && !unchanged)
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

Input decode(Context& cx, const pack::RecordType& t, const Json& j, bool creating, const store::StoredRecord* cur,
             std::vector<FieldError>& errors) {
  Input in;
  if (!j.is_object()) {
    errors.push_back({t.name, "", j, "type", std::string("a record is a JSON object, got ") + j.type_name()});
    return in;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "external_id") {
      if (it->is_null()) in.external_id = std::optional<std::string>{};
      else if (!it->is_string() || it->get<std::string>().empty() || utf8_length(it->get<std::string>()) > kMaxExternalId)
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
        errors.push_back({t.name, key, *it, "read_only", "\"" + key + "\" changes only through the workflow's transitions"});
        continue;
      }
      Value v;
      const Value* current = nullptr;
      if (cur) {
        auto c = cur->fields.find(key);
        if (c != cur->fields.end()) current = &c->second;
      }
      const size_t before = errors.size();
      check_value(cx, t, *f, *it, key, v, errors, current);
      if (errors.size() == before) {
        if (f->required && is_null(v)) errors.push_back({t.name, key, *it, "required", "a value is required"});
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
                          "at most " + std::to_string(s->max_items) + " entries, got " + std::to_string(it->size())});
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
            errors.push_back({t.name, fpath, *fi, "unknown_field", "section \"" + key + "\" has no field \"" + fi.key() + "\""});
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
        for (const auto& f : s->fields) {
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
      continue;
    }
    if (pack::system_field(key))
      errors.push_back({t.name, key, *it, "read_only", "\"" + key + "\" is set by clmis"});
    else
      errors.push_back({t.name, key, *it, "unknown_field", "record type \"" + t.name + "\" has no field \"" + key + "\""});
  }
  if (creating) {
    for (const auto& f : t.fields) {
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
