// Loading and strict checking of packs and country profiles.
#include "pack/pack.hpp"

#include "pack/calendar.hpp"
#include "pack/indicators.hpp"
#include "pack/reader.hpp"

#include "clmis/error.hpp"
#include "core/csv.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace clmis::pack {

using detail::parse_json;
using detail::Reader;

namespace {

const std::set<std::string, std::less<>> kLegalParameters = {"minimum_working_age",
                                                             "nis_number_pattern", "severance"};
// Legal parameters that are regular expressions (usable as a field's "pattern_parameter").
const std::set<std::string, std::less<>> kPatternParameters = {"nis_number_pattern"};

// Events of the history table that transitions may not be named like.
const std::set<std::string, std::less<>> kReservedEvents = {"created", "changed", "archived",
                                                            "initial", "migrated"};

std::optional<Decimal> bound(const Reader& r, const Json& o, const char* key,
                             const std::string& path, const Field& f) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (f.type == FieldType::date) return std::nullopt;  // date_bound
  if (f.type != FieldType::integer && f.type != FieldType::decimal && f.type != FieldType::money)
    r.fail(path + "/" + key, "a range applies only to integer, decimal, money and date fields");
  const int scale = f.type == FieldType::integer ? 0 : f.type == FieldType::money ? kMoneyBoundScale : f.scale;
  std::optional<Decimal> d;
  if (it->is_number_integer()) d = Decimal::parse(it->dump(), scale);
  else if (it->is_string() && f.type != FieldType::integer)
    d = Decimal::parse(it->get<std::string>(), scale);
  if (!d)
    r.fail(path + "/" + key, f.type == FieldType::integer ? "expected an integer"
                                                          : "expected an integer or a decimal string (\"0\", \"12.50\")");
  return d;
}

/// "min"/"max" of a date field: "YYYY-MM-DD" (a plausibility bound such as no birth before 1900).
std::optional<Date> date_bound(const Reader& r, const Json& o, const char* key, const std::string& path,
                               const Field& f) {
  auto it = o.find(key);
  if (it == o.end() || f.type != FieldType::date) return std::nullopt;
  std::optional<Date> d;
  if (it->is_string()) d = parse_date(it->get<std::string>());
  if (!d) r.fail(path + "/" + key, "expected a date \"YYYY-MM-DD\"");
  return d;
}

/// The legal parameter "severance" (docs/workflows.md, "Severance"): {"minimum_service_months":
/// n, "bands": [{"from_year": a, "to_year": b or absent, "weeks_per_year": "decimal"}...] in
/// order from year 1 without a gap, "years": "completed" | "pro_rata_months", "bands_apply":
/// "own_years" | "all_years", "cap_weeks": "decimal"?, "cap_weekly_pay": {"amount",
/// "currency"}?, "rounding": "half_up" | "half_even"}.
void check_severance(const Reader& r, const Json& v, const std::string& path) {
  r.keys(v, path, {"minimum_service_months", "bands", "years", "bands_apply", "rounding"},
         {"cap_weeks", "cap_weekly_pay", "week_means"});
  r.integer(v, "minimum_service_months", path, 0, 600, 0);
  const std::string years = r.str(v, "years", path);
  if (years != "completed" && years != "pro_rata_months")
    r.fail(path + "/years", "\"completed\" (whole years only) or \"pro_rata_months\" (completed months count)");
  const std::string apply = r.str(v, "bands_apply", path);
  if (apply != "own_years" && apply != "all_years")
    r.fail(path + "/bands_apply", "\"own_years\" (each rate for the years in its band) or \"all_years\" (the band reached "
                                  "sets the rate of every year)");
  const std::string rounding = r.str(v, "rounding", path);
  if (rounding != "half_up" && rounding != "half_even") r.fail(path + "/rounding", "\"half_up\" or \"half_even\"");
  auto weeks = [&](const Json& w, const std::string& p) {
    if (!w.is_string()) r.fail(p, "a number of weeks as a decimal string (\"2.5\")");
    auto d = Decimal::parse(w.get<std::string>(), 3);
    if (!d || d->units < 0) r.fail(p, "a number of weeks, 0 or more, with at most 3 decimals");
  };
  const auto& bands = r.array(v["bands"], path + "/bands");
  if (bands.empty()) r.fail(path + "/bands", "at least one band");
  std::int64_t next = 1;
  for (size_t i = 0; i < bands.size(); ++i) {
    const std::string bp = path + "/bands/" + std::to_string(i);
    r.keys(bands[i], bp, {"from_year", "weeks_per_year"}, {"to_year"});
    const auto from = r.integer(bands[i], "from_year", bp, 1, 100, 1);
    if (from != next) r.fail(bp + "/from_year", "bands go on from year " + std::to_string(next) + " without a gap");
    weeks(bands[i]["weeks_per_year"], bp + "/weeks_per_year");
    if (bands[i].contains("to_year")) {
      const auto to = r.integer(bands[i], "to_year", bp, from, 100, from);
      next = to + 1;
    } else if (i + 1 != bands.size()) {
      r.fail(bp, "only the last band is open-ended (no \"to_year\")");
    } else {
      next = 0;
    }
  }
  if (next != 0) r.fail(path + "/bands", "the last band is open-ended (no \"to_year\")");
  if (v.contains("cap_weeks") && !v["cap_weeks"].is_null()) weeks(v["cap_weeks"], path + "/cap_weeks");
  if (v.contains("cap_weekly_pay") && !v["cap_weekly_pay"].is_null()) {
    auto m = decode_value(v["cap_weekly_pay"], ValueSpec{FieldType::money, 2, {}});
    if (std::holds_alternative<Rejection>(m)) r.fail(path + "/cap_weekly_pay", "{\"amount\": \"350.00\", \"currency\": \"XCD\"}");
  }
}

/// The arguments of rt's computed fields name fields and sections it has, of the types their
/// function takes; fills each one's inputs. A record's computed field reads the record (and may
/// sum a section's fields, computed ones included), not another computed field of the record; a
/// section's computed field reads its own entry.
void check_computed(const Reader& r, RecordType& rt, const std::string& path) {
  auto check = [&](Field& f, const std::string& fp, const Section* owner) {
    if (!f.computed) return;
    auto& c = *f.computed;
    const auto* fn = computed_function(c.function);
    const std::string cp = fp + "/computed";
    if (fn->entry && !owner) r.fail(cp + "/function", "\"" + c.function + "\" computes a section's field (per entry)");
    if (!fn->entry && owner) r.fail(cp + "/function", "\"" + c.function + "\" computes a record's field, not a section's");
    auto field_of = [&](const std::string& name, const std::string& ap, const ComputedFunction::Arg& arg,
                        const Section* in) -> const Field* {
      const Field* g = in ? in->field(name) : rt.field(name);
      if (!g) r.fail(ap, "no field \"" + name + "\"" + (in ? " in section \"" + in->name + "\"" : std::string()));
      if (g->name == f.name) r.fail(ap, "a computed field does not read itself");
      if (!in && g->computed) r.fail(ap, "\"" + name + "\" is computed too: a computed field reads entered fields");
      if (std::find(arg.types.begin(), arg.types.end(), g->type) == arg.types.end())
        r.fail(ap, "\"" + name + "\" is " + std::string(to_string(g->type)) + "; \"" + arg.name + "\" takes " +
                       ComputedFunction{"", false, {}, arg.types, false, ""}.results_text());
      return g;
    };
    const Section* section = nullptr;
    for (const auto& arg : fn->args) {
      const std::string ap = cp + "/args/" + arg.name;
      if (arg.section) {
        auto it = c.args.find(arg.name);
        section = rt.section(it->second);
        if (!section) r.fail(ap, "no section \"" + it->second + "\"");
        c.inputs.push_back(section->name);
      } else if (arg.list) {
        for (size_t i = 0; i < c.lists[arg.name].size(); ++i) {
          const auto& name = c.lists[arg.name][i];
          field_of(name, ap + "/" + std::to_string(i), arg, owner);
          c.inputs.push_back(name);
        }
      } else if (auto it = c.args.find(arg.name); it != c.args.end()) {
        const Field* g = field_of(it->second, ap, arg, arg.of_section ? section : owner);
        if (arg.of_section && f.type != g->type)
          r.fail(fp + "/type", "the sum of a " + std::string(to_string(g->type)) + " field is " +
                                   std::string(to_string(g->type)));
        if (!arg.of_section) c.inputs.push_back(it->second);
      }
    }
  };
  for (size_t i = 0; i < rt.fields.size(); ++i) check(rt.fields[i], path + "/fields/" + std::to_string(i), nullptr);
  for (size_t s = 0; s < rt.sections.size(); ++s)
    for (size_t i = 0; i < rt.sections[s].fields.size(); ++i)
      check(rt.sections[s].fields[i], path + "/sections/" + std::to_string(s) + "/fields/" + std::to_string(i),
            &rt.sections[s]);
}

Field parse_field(const Reader& r, const Json& j, const std::string& path,
                  const std::vector<CodeList>& lists, const std::string& extension_prefix) {
  r.keys(j, path, {"name", "type"},
         {"label", "description", "required", "max_length", "code_list", "level", "target",
          "scale", "currencies", "min", "max", "pattern", "pattern_parameter", "assigned",
          "default", "index", "personal", "history", "computed"});
  Field f;
  f.name = r.name(j, "name", path);
  if (is_system_name(f.name))
    r.fail(path + "/name", "\"" + f.name + "\" is a system field name");
  if (f.name == "age_group")  // what clmis derives from date_of_birth (Session::get)
    r.fail(path + "/name", "\"age_group\" is computed by clmis from date_of_birth, not a field");
  if (extension_prefix.empty() && f.name.rfind("x_", 0) == 0)
    r.fail(path + "/name", "names starting with \"x_\" are kept for country extension fields");
  if (!extension_prefix.empty()) {
    if (f.name.rfind(extension_prefix, 0) != 0 || f.name.size() == extension_prefix.size())
      r.fail(path + "/name", "a country extension field is named " + extension_prefix + "<name>");
    f.extension = true;
  }
  auto t = field_type_from_string(r.str(j, "type", path));
  if (!t)
    r.fail(path + "/type", "unknown type \"" + r.str(j, "type", path) +
                               "\" (text, integer, decimal, money, date, datetime, boolean, "
                               "code, reference)");
  f.type = *t;
  f.label = r.label(j, "label", path, false);
  if (f.label.text.empty()) f.label.text["en"] = f.name;
  f.description = r.str(j, "description", path);
  f.required = r.boolean(j, "required", path, false);
  f.index = r.boolean(j, "index", path, false);
  f.personal = r.boolean(j, "personal", path, false);
  f.history = r.boolean(j, "history", path, false);

  auto only = [&](const char* key, bool allowed, const char* what) {
    if (j.contains(key) && !allowed) r.fail(path + "/" + key, std::string("applies only to ") + what);
  };
  only("max_length", f.type == FieldType::text, "text fields");
  only("pattern", f.type == FieldType::text, "text fields");
  only("pattern_parameter", f.type == FieldType::text, "text fields");
  only("assigned", f.type == FieldType::text, "text fields");
  only("code_list", f.type == FieldType::code, "code fields");
  only("level", f.type == FieldType::code, "code fields");
  only("target", f.type == FieldType::reference, "reference fields");
  only("scale", f.type == FieldType::decimal, "decimal fields");
  only("currencies", f.type == FieldType::money, "money fields");

  switch (f.type) {
    case FieldType::text:
      if (!j.contains("max_length")) r.fail(path, "a text field needs \"max_length\"");
      f.max_length = static_cast<int>(r.integer(j, "max_length", path, 1, 1000000, 0));
      f.pattern = r.str(j, "pattern", path);
      if (!f.pattern.empty()) {
        try {
          f.regex = std::make_shared<const std::regex>(f.pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          r.fail(path + "/pattern", std::string("not a valid regular expression: ") + e.what());
        }
      }
      f.pattern_parameter = r.str(j, "pattern_parameter", path);
      if (!f.pattern_parameter.empty() && !kPatternParameters.count(f.pattern_parameter))
        r.fail(path + "/pattern_parameter", "\"" + f.pattern_parameter +
                                                "\" is not a pattern legal parameter (nis_number_pattern)");
      if (!f.pattern.empty() && !f.pattern_parameter.empty())
        r.fail(path, "a field has \"pattern\" or \"pattern_parameter\", not both");
      if (auto it = j.find("assigned"); it != j.end()) {
        const std::string ap = path + "/assigned";
        r.keys(*it, ap, {"digits"}, {"prefix"});
        f.assigned_prefix = r.str(*it, "prefix", ap);
        f.assigned_digits = static_cast<int>(r.integer(*it, "digits", ap, 1, 18, 1));
        if (!valid_utf8(f.assigned_prefix) || utf8_length(f.assigned_prefix) > 10)
          r.fail(ap + "/prefix", "a prefix has at most 10 characters");
        if (static_cast<int>(utf8_length(f.assigned_prefix)) + 19 > f.max_length)
          r.fail(ap, "max_length must leave room for the prefix and 19 digits");
        if (j.contains("default") || j.contains("required"))
          r.fail(ap, "an assigned field has no \"default\" or \"required\" (clmis sets it)");
      }
      break;
    case FieldType::code: {
      f.code_list = r.str(j, "code_list", path);
      if (f.code_list.empty()) r.fail(path, "a code field needs \"code_list\"");
      if (std::none_of(lists.begin(), lists.end(),
                       [&](const CodeList& l) { return l.name == f.code_list; }))
        r.fail(path + "/code_list", "no code list named \"" + f.code_list + "\" in the pack");
      if (j.contains("level")) f.code_level = static_cast<int>(r.integer(j, "level", path, 1, 9, 1));
      break;
    }
    case FieldType::reference:
      f.target = r.str(j, "target", path);
      if (f.target.empty()) r.fail(path, "a reference field needs \"target\"");
      break;
    case FieldType::decimal:
      f.scale = static_cast<int>(r.integer(j, "scale", path, 0, 18, 2));
      break;
    case FieldType::money:
      if (auto it = j.find("currencies"); it != j.end()) {
        r.array(*it, path + "/currencies");
        for (size_t i = 0; i < it->size(); ++i) {
          const auto& c = (*it)[i];
          if (!c.is_string() || !currency_minor_digits(c.get<std::string>()))
            r.fail(path + "/currencies/" + std::to_string(i), "not a known ISO 4217 currency");
          f.currencies.push_back(c.get<std::string>());
        }
      }
      break;
    default:
      break;
  }
  f.min = bound(r, j, "min", path, f);
  f.max = bound(r, j, "max", path, f);
  if (f.min && f.max && f.min->units > f.max->units) r.fail(path + "/min", "min is above max");
  f.min_date = date_bound(r, j, "min", path, f);
  f.max_date = date_bound(r, j, "max", path, f);
  if (f.min_date && f.max_date && *f.min_date > *f.max_date) r.fail(path + "/min", "min is after max");
  if (auto it = j.find("default"); it != j.end()) {
    auto d = decode_value(*it, f.spec());
    if (auto* rej = std::get_if<Rejection>(&d)) r.fail(path + "/default", rej->message);
    f.default_value = *it;
  }
  if (auto it = j.find("computed"); it != j.end()) {
    const std::string cp = path + "/computed";
    r.keys(*it, cp, {"function", "args"}, {});
    Computed c;
    c.function = r.str(*it, "function", cp);
    const auto* fn = computed_function(c.function);
    if (!fn) {
      std::string names;
      for (const auto& k : kComputedFunctions) names += std::string(names.empty() ? "" : ", ") + k.name;
      r.fail(cp + "/function", "unknown function \"" + c.function + "\" (" + names + ")");
    }
    const auto& args = r.object((*it)["args"], cp + "/args");
    for (auto a = args.begin(); a != args.end(); ++a) {
      const std::string ap = cp + "/args/" + a.key();
      const auto* arg = fn->arg(a.key());
      if (!arg) r.fail(ap, "function \"" + c.function + "\" has no argument \"" + a.key() + "\"");
      if (arg->list) {
        const auto& names = r.array(*a, ap);
        if (names.empty()) r.fail(ap, "at least one field");
        for (size_t i = 0; i < names.size(); ++i) {
          if (!names[i].is_string()) r.fail(ap + "/" + std::to_string(i), "expected a field name");
          c.lists[a.key()].push_back(names[i].get<std::string>());
        }
      } else {
        if (!a->is_string() || a->get<std::string>().empty()) r.fail(ap, "expected a field name");
        c.args[a.key()] = a->get<std::string>();
      }
    }
    for (const auto& arg : fn->args)
      if (!arg.optional && !args.contains(arg.name)) r.fail(cp + "/args", "missing argument \"" + std::string(arg.name) + "\"");
    c.calendar = fn->calendar;
    c.parameter = fn->parameter;
    if (std::find(fn->results.begin(), fn->results.end(), f.type) == fn->results.end())
      r.fail(path + "/type", "function \"" + c.function + "\" gives " + fn->results_text() + ", not " +
                                 std::string(to_string(f.type)));
    for (const char* k : {"required", "default"})
      if (j.contains(k)) r.fail(path + "/" + k, "a computed field has no \"" + std::string(k) + "\" (clmis sets it)");
    if (!extension_prefix.empty()) r.fail(cp, "a country extension field is entered, not computed");
    f.computed = std::move(c);
  }
  return f;
}

std::vector<Field> parse_fields(const Reader& r, const Json& owner, const std::string& path,
                                const std::vector<CodeList>& lists,
                                const std::string& extension_prefix = "") {
  std::vector<Field> fields;
  if (!owner.contains("fields")) r.fail(path, "missing required key \"fields\"");
  const auto& arr = r.array(owner["fields"], path + "/fields");
  std::set<std::string> names, cols;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string p = path + "/fields/" + std::to_string(i);
    Field f = parse_field(r, arr[i], p, lists, extension_prefix);
    if (!names.insert(f.name).second) r.fail(p + "/name", "duplicate field \"" + f.name + "\"");
    for (const auto& c : f.columns())
      if (!cols.insert(c).second || is_system_name(c))
        r.fail(p + "/name", "field \"" + f.name + "\" would store into column \"" + c +
                                "\", which another field or a system column uses");
    fields.push_back(std::move(f));
  }
  return fields;
}

Rule parse_rule(const Reader& r, const Json& j, const std::string& path, const RecordType& t) {
  const std::string kind = r.str(j, "kind", path);
  Rule rule;
  std::initializer_list<const char*> common = {"kind", "section", "message"};
  auto keys = [&](std::initializer_list<const char*> required, std::initializer_list<const char*> optional) {
    std::vector<const char*> opt(common.begin(), common.end());
    opt.insert(opt.end(), optional.begin(), optional.end());
    r.object(j, path);
    for (const char* k : required)
      if (!j.contains(k)) r.fail(path, std::string("missing required key \"") + k + "\"");
    for (auto it = j.begin(); it != j.end(); ++it) {
      auto is = [&](const char* k) { return it.key() == k; };
      if (std::none_of(required.begin(), required.end(), is) && std::none_of(opt.begin(), opt.end(), is))
        r.fail(path + "/" + it.key(), "unknown key \"" + it.key() + "\"");
    }
  };
  const std::vector<Field>* scope = &t.fields;
  rule.section = r.str(j, "section", path);
  if (!rule.section.empty()) {
    const Section* s = t.section(rule.section);
    if (!s) r.fail(path + "/section", "no section \"" + rule.section + "\"");
    scope = &s->fields;
  }
  rule.message = r.str(j, "message", path);
  auto field_of = [&](const char* key, std::initializer_list<FieldType> types, bool required = true) -> std::string {
    const std::string name = r.str(j, key, path);
    if (name.empty()) {
      if (required) r.fail(path, std::string("missing required key \"") + key + "\"");
      return name;
    }
    auto it = std::find_if(scope->begin(), scope->end(), [&](const Field& f) { return f.name == name; });
    if (it == scope->end()) r.fail(path + "/" + key, "no field \"" + name + "\"");
    if (types.size() && std::find(types.begin(), types.end(), it->type) == types.end())
      r.fail(path + "/" + key, "field \"" + name + "\" has the wrong type for " + kind);
    return name;
  };
  auto key_fields = [&] {
    keys({"fields"}, {});
    if (!rule.section.empty()) r.fail(path + "/section", kind + " applies to record fields");
    const auto& arr = r.array(j["fields"], path + "/fields");
    if (arr.empty() || arr.size() > 4) r.fail(path + "/fields", "1 to 4 fields");
    std::vector<std::string> fields;
    for (size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_string() || !t.field(arr[i].get<std::string>()))
        r.fail(path + "/fields/" + std::to_string(i), "not a field of the record type");
      if (t.field(arr[i].get<std::string>())->type == FieldType::money)
        r.fail(path + "/fields/" + std::to_string(i), "money cannot be a unique key");
      fields.push_back(arr[i].get<std::string>());
    }
    return fields;
  };
  if (kind == "unique_active") {
    rule.check = rules::UniqueActive{key_fields()};
  } else if (kind == "possible_duplicate") {
    rule.check = rules::PossibleDuplicate{key_fields()};
  } else if (kind == "date_order") {
    keys({"earlier", "later"}, {"strict"});
    rules::DateOrder k;
    if (!rule.section.empty()) {
      // A field of the record the section's entries are compared with.
      const std::string name = r.str(j, "earlier", path);
      const bool in_section = std::any_of(scope->begin(), scope->end(), [&](const Field& f) { return f.name == name; });
      const Field* on_record = t.field(name);
      if (!in_section && on_record) {
        if (on_record->type != FieldType::date && on_record->type != FieldType::datetime)
          r.fail(path + "/earlier", "field \"" + name + "\" has the wrong type for " + kind);
        k.earlier_on_record = true;
      }
    }
    k.earlier = k.earlier_on_record ? r.str(j, "earlier", path) : field_of("earlier", {FieldType::date, FieldType::datetime});
    k.later = field_of("later", {FieldType::date, FieldType::datetime});
    k.strict = r.boolean(j, "strict", path, false);
    rule.check = std::move(k);
  } else if (kind == "range_order") {
    keys({"low", "high"}, {"strict"});
    rules::RangeOrder k;
    k.low = field_of("low", {FieldType::integer, FieldType::decimal, FieldType::money});
    k.high = field_of("high", {FieldType::integer, FieldType::decimal, FieldType::money});
    k.strict = r.boolean(j, "strict", path, false);
    rule.check = std::move(k);
  } else if (kind == "min_age_at") {
    keys({"birth"}, {"at", "age", "age_parameter"});
    rules::MinAgeAt k;
    k.birth = field_of("birth", {FieldType::date});
    k.at = field_of("at", {FieldType::date, FieldType::datetime}, false);
    if (j.contains("age") == j.contains("age_parameter"))
      r.fail(path, "min_age_at needs exactly one of \"age\" and \"age_parameter\"");
    if (j.contains("age")) k.age = static_cast<int>(r.integer(j, "age", path, 0, 120, 0));
    k.age_parameter = r.str(j, "age_parameter", path);
    if (!k.age_parameter.empty() && !kLegalParameters.count(k.age_parameter))
      r.fail(path + "/age_parameter", "not a legal parameter of country profiles");
    rule.check = std::move(k);
  } else if (kind == "required_if") {
    keys({"field", "when", "in"}, {});
    rules::RequiredIf k;
    k.field = field_of("field", {});
    k.when = field_of("when", {});
    const auto& arr = r.array(j["in"], path + "/in");
    if (arr.empty()) r.fail(path + "/in", "at least one value");
    const auto& wf = *std::find_if(scope->begin(), scope->end(), [&](const Field& f) { return f.name == k.when; });
    for (size_t i = 0; i < arr.size(); ++i) {
      auto d = decode_value(arr[i], wf.spec());
      if (std::holds_alternative<Rejection>(d) || arr[i].is_null())
        r.fail(path + "/in/" + std::to_string(i), "not a value of field \"" + k.when + "\"");
      k.in.push_back(arr[i]);
    }
    rule.check = std::move(k);
  } else {
    r.fail(path + "/kind", "unknown rule kind \"" + kind +
                               "\" (unique_active, date_order, range_order, min_age_at, required_if, "
                               "possible_duplicate)");
  }
  return rule;
}

std::vector<std::string> names_of(const Reader& r, const Json& o, const char* key,
                                  const std::string& path) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) return out;
  const auto& arr = r.array(*it, path + "/" + key);
  for (size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_string()) r.fail(path + "/" + key + "/" + std::to_string(i), "expected a name");
    out.push_back(arr[i].get<std::string>());
  }
  return out;
}

/// "*" (every) or a list of names; "*" gives an empty list.
std::vector<std::string> names_or_every(const Reader& r, const Json& o, const char* key,
                                        const std::string& path) {
  auto it = o.find(key);
  if (it != o.end() && it->is_string()) {
    if (it->get<std::string>() != "*") r.fail(path + "/" + key, "expected \"*\" or a list of names");
    return {};
  }
  auto out = names_of(r, o, key, path);
  if (out.empty()) r.fail(path + "/" + key, "expected \"*\" or a non-empty list of names");
  return out;
}

/// The roles of a pack (prefix "") or a country profile (prefix "x_<iso3>_"), checked against
/// the pack's record types, transitions and sections.
std::vector<Role> parse_roles(const Reader& r, const Json& arr_j, const std::string& base,
                              const std::vector<RecordType>& types, const std::string& prefix,
                              const std::vector<Role>& existing) {
  std::vector<Role> out;
  const auto& arr = r.array(arr_j, base);
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string path = base + "/" + std::to_string(i);
    r.keys(arr[i], path, {"name", "label"}, {"description", "system", "grants", "agency"});
    Role role;
    role.name = r.name(arr[i], "name", path);
    if (!prefix.empty() && role.name.rfind(prefix, 0) != 0)
      r.fail(path + "/name", "a country's role is named " + prefix + "<name>");
    auto same = [&](const Role& o) { return o.name == role.name; };
    if (std::any_of(out.begin(), out.end(), same) || std::any_of(existing.begin(), existing.end(), same))
      r.fail(path + "/name", "duplicate role \"" + role.name + "\"");
    role.label = r.label(arr[i], "label", path, true);
    role.description = r.str(arr[i], "description", path);
    role.agency = r.boolean(arr[i], "agency", path, false);
    role.system = names_of(r, arr[i], "system", path);
    for (size_t k = 0; k < role.system.size(); ++k)
      if (std::none_of(std::begin(kSystemPermissions), std::end(kSystemPermissions),
                       [&](const char* p) { return role.system[k] == p; }))
        r.fail(path + "/system/" + std::to_string(k), "unknown permission \"" + role.system[k] +
                                                         "\" (users, code_lists, audit, service_keys)");
    if (arr[i].contains("grants")) {
      const auto& grants = r.array(arr[i]["grants"], path + "/grants");
      for (size_t g = 0; g < grants.size(); ++g) {
        const std::string gp = path + "/grants/" + std::to_string(g);
        r.keys(grants[g], gp, {"record_types", "actions", "scope"}, {});
        Grant grant;
        grant.record_types = names_or_every(r, grants[g], "record_types", gp);
        for (const auto& n : grant.record_types)
          if (std::none_of(types.begin(), types.end(), [&](const RecordType& t) { return t.name == n; }))
            r.fail(gp + "/record_types", "no record type named \"" + n + "\"");
        grant.actions = names_or_every(r, grants[g], "actions", gp);
        for (const auto& a : grant.actions) {
          if (a.rfind("transition:", 0) == 0) {
            const std::string tn = a.substr(11);
            bool found = false;
            for (const auto& t : types)
              if (t.workflow && t.workflow->transition(tn) &&
                  (grant.record_types.empty() ||
                   std::count(grant.record_types.begin(), grant.record_types.end(), t.name)))
                found = true;
            if (!found) r.fail(gp + "/actions", "no record type of the grant has a transition \"" + tn + "\"");
            continue;
          }
          if (std::none_of(std::begin(kRecordActions), std::end(kRecordActions),
                           [&](const char* k) { return a == k; }))
            r.fail(gp + "/actions", "unknown action \"" + a +
                                        "\" (create, read, read_personal, update, archive, export, "
                                        "transition, transition:<name>, assign)");
        }
        const std::string scope = r.str(grants[g], "scope", gp);
        if (scope == "all") grant.scope = Scope::all;
        else if (scope == "section") grant.scope = Scope::section;
        else if (scope == "own") grant.scope = Scope::own;
        else r.fail(gp + "/scope", "expected \"all\", \"section\" or \"own\"");
        role.grants.push_back(std::move(grant));
      }
    }
    if (role.agency && !role.grants.empty())
      r.fail(path + "/grants", "a partner agency's role reaches its own data series only, not records");
    out.push_back(std::move(role));
  }
  return out;
}

/// A deadline's "unit": working_days, calendar_days, or months for one counted back from a date.
static Deadline::Unit deadline_unit(const Reader& r, const Json& j, const std::string& path, bool counted_back) {
  const std::string unit = r.str(j, "unit", path);
  if (unit == "working_days") return Deadline::Unit::working_days;
  if (unit == "calendar_days") return Deadline::Unit::calendar_days;
  if (unit == "months") {
    if (!counted_back) r.fail(path + "/unit", "months count only back from a date (a deadline with \"before\")");
    return Deadline::Unit::months;
  }
  r.fail(path + "/unit", counted_back ? "working_days, calendar_days or months" : "working_days or calendar_days");
}

/// {"field": "<integer field of t>", "at_least": n}: when a deadline binds.
static DeadlineCondition deadline_condition(const Reader& r, const Json& j, const std::string& path,
                                            const RecordType& t) {
  r.keys(j, path, {"field", "at_least"}, {});
  DeadlineCondition c;
  c.field = r.str(j, "field", path);
  const Field* f = t.field(c.field);
  if (!f || f->type != FieldType::integer)
    r.fail(path + "/field", "\"" + c.field + "\" is not an integer field of " + t.name);
  c.at_least = r.integer(j, "at_least", path, 0, 1000000000, 0);
  return c;
}

Workflow parse_workflow(const Reader& r, const Json& j, const std::string& path,
                        const RecordType& t, const std::vector<CodeList>& lists) {
  r.keys(j, path, {"status_field", "initial", "transitions"}, {"outcome_field", "date_field", "deadlines"});
  Workflow w;
  auto code_field = [&](const char* key) -> const Field* {
    const std::string name = r.str(j, key, path);
    if (name.empty()) return nullptr;
    const Field* f = t.field(name);
    if (!f) r.fail(path + "/" + key, "no field \"" + name + "\"");
    if (f->type != FieldType::code) r.fail(path + "/" + key, "\"" + name + "\" is not a code field");
    if (f->required || !f->default_value.is_null())
      r.fail(path + "/" + key, "\"" + name + "\" is set by the workflow: no \"required\" or \"default\"");
    return f;
  };
  const Field* status = code_field("status_field");
  if (!status) r.fail(path + "/status_field", "expected a field name");
  w.status_field = status->name;
  if (const Field* outcome = code_field("outcome_field")) w.outcome_field = outcome->name;
  if (w.outcome_field == w.status_field) r.fail(path + "/outcome_field", "must differ from status_field");
  auto list = std::find_if(lists.begin(), lists.end(), [&](const CodeList& l) { return l.name == status->code_list; });
  if (list->provided_by_profile || list->codes.empty())
    r.fail(path + "/status_field", "the states come from a code list of the pack itself");
  for (const auto& c : list->codes) w.states.push_back(c.code);
  auto is_state = [&](const std::string& s) { return std::find(w.states.begin(), w.states.end(), s) != w.states.end(); };
  w.initial = r.str(j, "initial", path);
  if (!is_state(w.initial)) r.fail(path + "/initial", "\"" + w.initial + "\" is not a code of " + list->name);
  w.date_field = r.str(j, "date_field", path);
  if (!w.date_field.empty() && (!t.field(w.date_field) || t.field(w.date_field)->type != FieldType::date))
    r.fail(path + "/date_field", "expected a date field of " + t.name);
  const auto& arr = r.array(j["transitions"], path + "/transitions");
  if (arr.empty()) r.fail(path + "/transitions", "at least one transition");
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string tp = path + "/transitions/" + std::to_string(i);
    r.keys(arr[i], tp, {"name", "from", "to"}, {"label", "fields", "requires", "clears", "description", "effects"});
    Transition tr;
    tr.name = r.name(arr[i], "name", tp);
    if (kReservedEvents.count(tr.name)) r.fail(tp + "/name", "\"" + tr.name + "\" is a reserved history event");
    if (w.transition(tr.name)) r.fail(tp + "/name", "duplicate transition \"" + tr.name + "\"");
    tr.label = r.label(arr[i], "label", tp, false);
    if (tr.label.text.empty()) tr.label.text["en"] = tr.name;
    tr.from = names_of(r, arr[i], "from", tp);
    if (tr.from.empty()) r.fail(tp + "/from", "at least one state");
    for (size_t k = 0; k < tr.from.size(); ++k)
      if (!is_state(tr.from[k])) r.fail(tp + "/from/" + std::to_string(k), "\"" + tr.from[k] + "\" is not a state");
    tr.to = r.str(arr[i], "to", tp);
    if (!is_state(tr.to)) r.fail(tp + "/to", "\"" + tr.to + "\" is not a state");
    if (std::find(tr.from.begin(), tr.from.end(), tr.to) != tr.from.end())
      r.fail(tp + "/to", "a transition changes the state: \"" + tr.to + "\" is also in \"from\"");
    tr.fields = names_of(r, arr[i], "fields", tp);
    tr.requires_ = names_of(r, arr[i], "requires", tp);
    tr.clears = names_of(r, arr[i], "clears", tp);
    for (const auto* group : {&tr.fields, &tr.requires_, &tr.clears})
      for (const auto& n : *group) {
        if (!t.field(n)) r.fail(tp, "no field \"" + n + "\" in " + t.name);
        if (n == w.status_field) r.fail(tp, "the status is set by the transition itself");
        if (t.field(n)->assigned()) r.fail(tp, "\"" + n + "\" is assigned by clmis");
        if (t.field(n)->computed) r.fail(tp, "\"" + n + "\" is computed by clmis");
      }
    if (tr.to == "closed" && !w.outcome_field.empty() &&
        (std::find(tr.fields.begin(), tr.fields.end(), w.outcome_field) == tr.fields.end() ||
         std::find(tr.requires_.begin(), tr.requires_.end(), w.outcome_field) == tr.requires_.end()))
      r.fail(tp, "a transition to \"closed\" sets and requires the outcome (\"" + w.outcome_field + "\")");
    w.transitions.push_back(std::move(tr));
  }
  if (j.contains("deadlines")) {
    const auto& dl = r.array(j["deadlines"], path + "/deadlines");
    for (size_t i = 0; i < dl.size(); ++i) {
      const std::string dp = path + "/deadlines/" + std::to_string(i);
      Deadline d;
      d.per_profile = r.boolean(dl[i], "per_profile", dp, false);
      if (d.per_profile)  // its unit, length and source are the country's, or it does not run
        r.keys(dl[i], dp, {"id", "label", "starts", "met_by", "per_profile"}, {"note", "before", "applies_when"});
      else
        r.keys(dl[i], dp, {"id", "label", "starts", "met_by", "unit", "length", "source", "verified"},
               {"note", "before", "applies_when", "per_profile"});
      d.before = r.str(dl[i], "before", dp);
      if (dl[i].contains("before")) {
        const Field* f = t.field(d.before);
        if (!f || f->type != FieldType::date) r.fail(dp + "/before", "\"" + d.before + "\" is not a date field of " + t.name);
      }
      if (dl[i].contains("applies_when")) d.applies_when = deadline_condition(r, dl[i]["applies_when"], dp + "/applies_when", t);
      d.id = r.str(dl[i], "id", dp);
      static const std::regex id_re("^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$");
      if (!std::regex_match(d.id, id_re) || d.id.rfind(t.name + ".", 0) != 0)
        r.fail(dp + "/id", "a deadline's id is \"" + t.name + ".<name>\" (lower case, digits and _)");
      if (w.deadline(d.id)) r.fail(dp + "/id", "duplicate deadline \"" + d.id + "\"");
      d.label = r.label(dl[i], "label", dp, true);
      auto events = [&](const char* key, bool may_be_created) {
        auto names = names_of(r, dl[i], key, dp);
        if (names.empty()) r.fail(dp + "/" + key, "at least one event");
        for (size_t k = 0; k < names.size(); ++k) {
          const std::string ep = dp + "/" + key + "/" + std::to_string(k);
          const std::string& e = names[k];
          if (e == "created") {
            if (!may_be_created) r.fail(ep, "\"created\" starts a deadline; it cannot meet one");
            if (w.date_field.empty()) r.fail(ep, "\"created\" needs the workflow's date_field (the date it starts on)");
          } else if (e.rfind("field:", 0) == 0) {
            const Field* f = t.field(e.substr(6));
            if (!f || f->type != FieldType::date) r.fail(ep, "\"" + e.substr(6) + "\" is not a date field of " + t.name);
          } else if (e.rfind("section:", 0) == 0) {
            const auto dot = e.find('.');
            const Section* sec = dot == std::string::npos ? nullptr : t.section(e.substr(8, dot - 8));
            const Field* f = nullptr;
            if (sec)
              for (const auto& sf : sec->fields)
                if (sf.name == e.substr(dot + 1)) f = &sf;
            if (!f || f->type != FieldType::date || !f->required)
              r.fail(ep, "expected section:<section>.<its required date field>");
          } else if (!w.transition(e)) {
            r.fail(ep, "\"" + e + "\" is not an event: created, a transition, field:<date field> or "
                       "section:<section>.<date field>");
          }
        }
        return names;
      };
      d.starts = events("starts", true);
      d.met_by = events("met_by", false);
      if (!d.per_profile) {
        d.unit = deadline_unit(r, dl[i], dp, !d.before.empty());
        d.length = static_cast<int>(r.integer(dl[i], "length", dp, 0, 3660, 0));
        d.source = r.str(dl[i], "source", dp);
        if (d.source.empty()) r.fail(dp + "/source", "a deadline says where its length comes from");
        if (!dl[i]["verified"].is_boolean()) r.fail(dp + "/verified", "expected true or false");
        d.verified = dl[i]["verified"].get<bool>();
      }
      d.note = r.str(dl[i], "note", dp);
      w.deadlines.push_back(std::move(d));
    }
  }
  // Effects, once the deadlines they name are known.
  for (size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].contains("effects")) continue;
    const std::string ep = path + "/transitions/" + std::to_string(i) + "/effects";
    const auto& list = r.array(arr[i]["effects"], ep);
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string p = ep + "/" + std::to_string(k);
      const Json& e = list[k];
      if (!e.is_object() || e.size() != 1 || !e.begin()->is_string())
        r.fail(p, R"(an effect is one of {"assign": "actor"}, {"pause" | "resume" | "clear": "<deadline id>"}, )"
                  R"({"letter": "<letter id>"})");
      const std::string kind = e.begin().key(), target = e.begin()->get<std::string>();
      Effect ef;
      ef.target = target;
      if (kind == "assign") {
        ef.kind = Effect::Kind::assign;
        if (target != "actor") r.fail(p + "/assign", "\"actor\" (the user who takes the transition)");
      } else if (kind == "pause" || kind == "resume" || kind == "clear") {
        ef.kind = kind == "pause" ? Effect::Kind::pause : kind == "resume" ? Effect::Kind::resume : Effect::Kind::clear;
        const Deadline* d = w.deadline(target);
        if (!d) r.fail(p + "/" + kind, "\"" + target + "\" is not a deadline of " + t.name);
        if (!d->before.empty() && kind != "clear")
          r.fail(p + "/" + kind, "\"" + target + "\" is counted back from a date: it is never paused or resumed");
      } else if (kind == "letter") {
        ef.kind = Effect::Kind::letter;  // checked once the type's letters are read
      } else {
        r.fail(p, "\"" + kind + "\" is not an effect: assign, pause, resume, clear or letter");
      }
      w.transitions[i].effects.push_back(std::move(ef));
    }
  }
  return w;
}

Code parse_code(const Reader& r, const Json& j, const std::string& path) {
  r.keys(j, path, {"code", "label"}, {"parent", "level", "active"});
  Code c;
  c.code = r.str(j, "code", path);
  if (c.code.empty() || c.code.size() > 32) r.fail(path + "/code", "a code has 1 to 32 characters");
  c.label = r.label(j, "label", path, true);
  c.parent = r.str(j, "parent", path);
  c.level = static_cast<int>(r.integer(j, "level", path, 1, 9, 1));
  c.active = r.boolean(j, "active", path, true);
  return c;
}

CodeList parse_code_list(const Reader& r, const Json& j, const std::string& path,
                         const DataSource& src, std::map<std::string, std::string>& files,
                         bool allow_provided) {
  r.keys(j, path, {"name", "label"},
         {"source", "attribution", "codes", "csv", "provided_by", "description"});
  CodeList l;
  l.name = r.name(j, "name", path);
  l.label = r.label(j, "label", path, true);
  l.source = r.str(j, "source", path);
  l.attribution = r.str(j, "attribution", path);
  const int kinds = j.contains("codes") + j.contains("csv") + j.contains("provided_by");
  if (kinds != 1) r.fail(path, "a code list has exactly one of \"codes\", \"csv\", \"provided_by\"");
  if (j.contains("provided_by")) {
    if (!allow_provided || r.str(j, "provided_by", path) != "profile")
      r.fail(path + "/provided_by", allow_provided ? "the only provider is \"profile\""
                                                   : "a profile provides its lists itself");
    l.provided_by_profile = true;
    return l;
  }
  if (l.source.empty()) r.fail(path, "a code list with codes needs its \"source\"");
  if (j.contains("codes")) {
    const auto& arr = r.array(j["codes"], path + "/codes");
    for (size_t i = 0; i < arr.size(); ++i)
      l.codes.push_back(parse_code(r, arr[i], path + "/codes/" + std::to_string(i)));
  } else {
    const std::string p = path + "/csv";
    const auto& c = j["csv"];
    r.keys(c, p, {"file", "code", "labels"}, {"parent", "level", "where"});
    const std::string file = r.str(c, "file", p);
    auto text = src.read(file);
    if (!text) r.fail(p + "/file", "no such file: " + src.describe(file));
    files[file] = *text;
    std::vector<csv::Row> rows;
    try {
      rows = csv::parse(*text);
    } catch (const std::exception& e) {
      throw PackError(src.describe(file) + ": " + e.what());
    }
    if (rows.empty()) r.fail(p + "/file", "the CSV file is empty");
    const auto& header = rows.front();
    auto col = [&](const std::string& name, const std::string& where) -> size_t {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) r.fail(where, "the CSV file has no column \"" + name + "\"");
      return static_cast<size_t>(it - header.begin());
    };
    const size_t code_col = col(r.str(c, "code", p), p + "/code");
    std::map<std::string, size_t> label_cols;
    r.object(c["labels"], p + "/labels");
    for (auto it = c["labels"].begin(); it != c["labels"].end(); ++it) {
      if (!it->is_string()) r.fail(p + "/labels/" + it.key(), "expected a column name");
      label_cols[it.key()] = col(it->get<std::string>(), p + "/labels/" + it.key());
    }
    if (!label_cols.count("en")) r.fail(p + "/labels", "an English label column (\"en\") is required");
    std::optional<size_t> parent_col, level_col;
    if (c.contains("parent")) parent_col = col(r.str(c, "parent", p), p + "/parent");
    if (c.contains("level")) level_col = col(r.str(c, "level", p), p + "/level");
    std::vector<std::pair<size_t, std::string>> where;
    if (c.contains("where")) {
      r.object(c["where"], p + "/where");
      for (auto it = c["where"].begin(); it != c["where"].end(); ++it) {
        if (!it->is_string()) r.fail(p + "/where/" + it.key(), "expected a string");
        where.emplace_back(col(it.key(), p + "/where/" + it.key()), it->get<std::string>());
      }
    }
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& row = rows[i];
      if (row.size() != header.size())
        throw PackError(src.describe(file) + ": row " + std::to_string(i + 1) + " has " +
                        std::to_string(row.size()) + " fields, the header " +
                        std::to_string(header.size()));
      if (std::any_of(where.begin(), where.end(),
                      [&](const auto& w) { return row[w.first] != w.second; }))
        continue;
      Code code;
      code.code = row[code_col];
      for (const auto& [lang, ci] : label_cols) code.label.text[lang] = row[ci];
      if (parent_col) code.parent = row[*parent_col];
      if (level_col) {
        try {
          code.level = std::stoi(row[*level_col]);
        } catch (const std::exception&) {
          throw PackError(src.describe(file) + ": row " + std::to_string(i + 1) +
                          ": level is not a number");
        }
      }
      if (code.code.empty() || code.code.size() > 32)
        throw PackError(src.describe(file) + ": row " + std::to_string(i + 1) +
                        ": a code has 1 to 32 characters");
      l.codes.push_back(std::move(code));
    }
    if (l.codes.empty()) r.fail(p, "no rows of the CSV file match");
  }
  std::set<std::string> seen;
  for (const auto& c : l.codes)
    if (!seen.insert(c.code).second) r.fail(path, "duplicate code \"" + c.code + "\"");
  for (const auto& c : l.codes)
    if (!c.parent.empty() && !seen.count(c.parent))
      r.fail(path, "code \"" + c.code + "\" has parent \"" + c.parent + "\", which is not in the list");
  return l;
}

std::string hash_files(const std::map<std::string, std::string>& files) {
  Sha256 h;
  for (const auto& [path, content] : files) {
    h.update_item(path);
    h.update_item(content);
  }
  return h.hex();
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DirectorySource final : public DataSource {
 public:
  explicit DirectorySource(std::string root) : root_(std::move(root)) {}
  std::optional<std::string> read(const std::string& rel) const override {
    if (rel.find("..") != std::string::npos) return std::nullopt;
    std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
    return read_file(p);
  }
  std::string describe(const std::string& rel) const override {
    return (std::filesystem::path(root_) / rel).string();
  }
  std::vector<std::string> list(const std::string& dir) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(root_) / dir, ec))
      out.push_back(dir + "/" + e.path().filename().string());
    return out;
  }

 private:
  std::string root_;
};

class MemorySource final : public DataSource {
 public:
  MemorySource(std::map<std::string, std::string> files, std::string label)
      : files_(std::move(files)), label_(std::move(label)) {}
  std::optional<std::string> read(const std::string& rel) const override {
    auto it = files_.find(rel);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }
  std::string describe(const std::string& rel) const override { return label_ + ":" + rel; }
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::map<std::string, std::string> files_;
  std::string label_;
};

/// The "attachments" object of a pack or a profile: {"max_size"?, "media_types"?, "source"?,
/// "note"?} (a profile's needs its source). Media types must be among those clmis recognises
/// from content; the list has no duplicates and is not empty.
AttachmentLimits parse_attachments(const Reader& r, const Json& j, const std::string& path, bool profile) {
  if (profile) r.keys(j, path, {"source"}, {"max_size", "media_types", "note"});
  else r.keys(j, path, {}, {"max_size", "media_types", "source", "note"});
  AttachmentLimits a;
  a.max_size = r.integer(j, "max_size", path, 1, AttachmentLimits::kLargestMaxSize, a.max_size);
  if (j.contains("media_types")) {
    const auto& list = r.array(j["media_types"], path + "/media_types");
    if (list.empty()) r.fail(path + "/media_types", "at least one media type (or leave the key out for the defaults)");
    a.media_types.clear();
    const auto& known = recognised_media_types();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = path + "/media_types/" + std::to_string(i);
      if (!list[i].is_string()) r.fail(p, "expected a media type, e.g. \"application/pdf\"");
      const std::string m = list[i].get<std::string>();
      if (std::find(known.begin(), known.end(), m) == known.end()) {
        std::string names;
        for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
        r.fail(p, "clmis does not recognise \"" + m + "\" from a file's content; it recognises " + names);
      }
      if (std::find(a.media_types.begin(), a.media_types.end(), m) != a.media_types.end())
        r.fail(p, "\"" + m + "\" is listed twice");
      a.media_types.push_back(m);
    }
  }
  a.source = r.str(j, "source", path);
  if (profile && a.source.empty()) r.fail(path + "/source", "a country's limits on attachments need their source");
  a.note = r.str(j, "note", path);
  a.from_profile = profile;
  return a;
}

}  // namespace

const std::vector<std::string>& recognised_media_types() {
  static const std::vector<std::string> kTypes = {
      "application/pdf",
      "image/jpeg",
      "image/png",
      "image/tiff",
      "text/plain",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.oasis.opendocument.spreadsheet"};
  return kTypes;
}

const std::string& Label::get(const std::string& lang) const {
  static const std::string empty;
  if (auto it = text.find(lang); it != text.end()) return it->second;
  if (auto it = text.find("en"); it != text.end()) return it->second;
  return text.empty() ? empty : text.begin()->second;
}

Json Label::to_json() const {
  Json o = Json::object();
  if (auto it = text.find("en"); it != text.end()) o["en"] = it->second;
  for (const auto& [k, v] : text)
    if (k != "en") o[k] = v;
  return o;
}

const Field* Section::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const std::vector<ComputedFunction> kComputedFunctions = {
    {"working_days_times_workers",
     false,
     {{"from", {FieldType::date}}, {"to", {FieldType::date}}, {"workers", {FieldType::integer}, false, true}},
     {FieldType::integer},
     true,
     ""},
    {"sum_fields", false, {{"fields", {FieldType::integer}, false, true}}, {FieldType::integer}, false, ""},
    {"count", false, {{"section", {}, true}}, {FieldType::integer}, false, ""},
    {"sum",
     false,
     {{"section", {}, true}, {"field", {FieldType::integer, FieldType::money}, false, false, false, true}},
     {FieldType::integer, FieldType::money},
     false,
     ""},
    {"severance",
     true,
     {{"years", {FieldType::integer}}, {"months", {FieldType::integer}, false, false, true}, {"weekly_pay", {FieldType::money}}},
     {FieldType::money},
     false,
     "severance"},
};

const ComputedFunction* computed_function(std::string_view name) {
  for (const auto& f : kComputedFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::string ComputedFunction::results_text() const {
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) out += (i ? " or " : "") + std::string(to_string(results[i]));
  return out;
}

std::vector<std::string> Field::columns() const {
  switch (type) {
    case FieldType::money: return {name + "_minor", name + "_currency"};
    case FieldType::decimal: return {name + "_e" + std::to_string(scale)};
    default: return {name};
  }
}

const SystemField* system_field(std::string_view name) {
  for (const auto& f : kSystemFields)
    if (name == f.name) return &f;
  return nullptr;
}

bool is_system_name(std::string_view name) {
  for (const auto& f : kSystemFields)
    if (name == f.name) return true;
  for (const char* c : kSectionSystemColumns)
    if (name == c) return true;
  return false;
}

std::string_view Rule::kind() const {
  struct Name {
    std::string_view operator()(const rules::UniqueActive&) const { return "unique_active"; }
    std::string_view operator()(const rules::PossibleDuplicate&) const { return "possible_duplicate"; }
    std::string_view operator()(const rules::DateOrder&) const { return "date_order"; }
    std::string_view operator()(const rules::RangeOrder&) const { return "range_order"; }
    std::string_view operator()(const rules::MinAgeAt&) const { return "min_age_at"; }
    std::string_view operator()(const rules::RequiredIf&) const { return "required_if"; }
  };
  return std::visit(Name{}, check);
}

const Field* RecordType::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const Letter* RecordType::letter(std::string_view id) const {
  for (const auto& l : letters)
    if (l.id == id) return &l;
  return nullptr;
}

const Section* RecordType::section(std::string_view n) const {
  for (const auto& s : sections)
    if (s.name == n) return &s;
  return nullptr;
}

const Transition* Workflow::transition(std::string_view n) const {
  for (const auto& t : transitions)
    if (t.name == n) return &t;
  return nullptr;
}

const Deadline* Workflow::deadline(std::string_view id) const {
  for (const auto& d : deadlines)
    if (d.id == id) return &d;
  return nullptr;
}

const Role* Pack::role(std::string_view n) const {
  for (const auto& r : roles)
    if (r.name == n) return &r;
  return nullptr;
}

bool Pack::has_section(std::string_view n) const {
  return std::any_of(sections.begin(), sections.end(), [&](const OrgSection& s) { return s.name == n; });
}

const RecordType* Pack::record_type(std::string_view n) const {
  for (const auto& t : record_types)
    if (t.name == n) return &t;
  return nullptr;
}

const CodeList* Pack::code_list(std::string_view n) const {
  for (const auto& l : code_lists)
    if (l.name == n) return &l;
  return nullptr;
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 48) return false;
  if (s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  if (s.find("__") != std::string_view::npos) return false;
  if (s.rfind("clmis_", 0) == 0 || s.rfind("sqlite_", 0) == 0) return false;
  return true;
}

std::unique_ptr<DataSource> directory_source(std::string root) {
  return std::make_unique<DirectorySource>(std::move(root));
}

std::unique_ptr<DataSource> memory_source(std::map<std::string, std::string> files,
                                          std::string label) {
  return std::make_unique<MemorySource>(std::move(files), std::move(label));
}

namespace {

/// What a name in a letter template may be, for check_letter_template: a name of the context
/// render_letter builds (docs/workflows.md, "Letters"), or a field of the section entry a block
/// iterates.
std::string unknown_name(const std::vector<std::string>& parts, const RecordType& t,
                         const std::vector<const Section*>& open_sections) {
  const auto& root = parts[0];
  for (auto it = open_sections.rbegin(); it != open_sections.rend(); ++it)
    if (*it && parts.size() == 1 && (*it)->field(root)) return {};
  auto only = [&](std::initializer_list<const char*> keys) -> std::string {
    if (parts.size() != 2) return "\"" + root + "\" has the keys " + [&] {
        std::string s;
        for (const char* k : keys) s += (s.empty() ? "" : ", ") + std::string(k);
        return s;
      }();
    for (const char* k : keys)
      if (parts[1] == k) return {};
    return "\"" + root + "\" has no key \"" + parts[1] + "\"";
  };
  auto section_field = [&](const char* what, bool whole_entry) -> std::string {
    if (parts.size() < 2 || parts.size() > 3) return "\"" + root + "\" takes a section and a field: " + what;
    const auto* sec = t.section(parts[1]);
    if (!sec) return t.name + " has no section \"" + parts[1] + "\"";
    if (parts.size() == 2) return whole_entry ? std::string() : "\"" + root + "\" takes a section and a field: " + what;
    const auto* f = sec->field(parts[2]);
    if (!f) return "the section \"" + parts[1] + "\" has no field \"" + parts[2] + "\"";
    if (root == "totals" && f->type != FieldType::money) return "totals are of money fields; \"" + parts[2] + "\" is not one";
    return {};
  };
  if (root == "lang" || root == "today") return parts.size() == 1 ? std::string() : "\"" + root + "\" has no keys";
  if (root == "letter") return only({"id", "title"});
  if (root == "department") return only({"name", "address", "telephone", "email"});
  if (root == "country") return only({"name", "currency"});
  if (root == "user") return only({"name"});
  if (root == "to") {
    std::string e = only({"complainant", "employer"});
    return e;
  }
  if (root == "totals") return section_field("{{totals.claims.amount_claimed}}", false);
  if (root == "last") return section_field("{{last.hearings.date}}", true);
  if (root == "record") {
    if (parts.size() < 2) return "\"record\" takes a field: {{record.<field>}}";
    const auto& n = parts[1];
    if (parts.size() == 2 && (n == "id" || n == "version" || n == "external_id" || t.field(n) || t.section(n))) return {};
    if (parts.size() == 2) return t.name + " has no field or section \"" + n + "\"";
    return "\"record." + n + "\" has no keys (a section's fields are named inside {{#record." + n + "}}...{{/record." + n + "}})";
  }
  return "unknown name \"" + root + "\"";
}

}  // namespace

std::string check_letter_template(std::string_view text, const RecordType& t) {
  struct Open {
    std::string name;
    size_t line;
    const Section* section;  // the entries it iterates, if it names a section
  };
  std::vector<Open> stack;
  auto line_of = [&](size_t pos) { return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + pos, '\n')); };
  auto at = [&](size_t pos) { return "line " + std::to_string(line_of(pos)) + ": "; };
  size_t i = 0;
  while (true) {
    const size_t o = text.find("{{", i);
    if (o == std::string_view::npos) break;
    const size_t c = text.find("}}", o + 2);
    if (c == std::string_view::npos) return at(o) + "a tag opened with {{ is not closed with }}";
    std::string tag(text.substr(o + 2, c - o - 2));
    i = c + 2;
    if (tag.empty()) return at(o) + "an empty tag {{}}";
    const char k = tag[0];
    if (k == '!') continue;
    if (k == '{' || k == '&')
      return at(o) + "{{{...}}} and {{&...}} are not used in letters: clmis escapes every value for the format itself";
    if (k == '>' || k == '=' || k == '<') return at(o) + "partials and delimiter changes are not supported in letters";
    std::string name = (k == '#' || k == '^' || k == '/') ? tag.substr(1) : tag;
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    static const std::regex name_re(R"(^(\.|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*)$)");
    if (!std::regex_match(name, name_re)) return at(o) + "\"{{" + tag + "}}\" is not a tag letters use";
    if (k == '/') {
      if (stack.empty()) return at(o) + "{{/" + name + "}} closes no open section";
      if (stack.back().name != name)
        return at(o) + "{{/" + name + "}} closes {{#" + stack.back().name + "}} of line " + std::to_string(stack.back().line);
      stack.pop_back();
      continue;
    }
    std::vector<const Section*> sections;
    for (const auto& s : stack) sections.push_back(s.section);
    if (name == ".") {
      if (stack.empty()) return at(o) + "{{.}} outside a section";
    } else {
      std::vector<std::string> parts;
      for (size_t p = 0, q; p <= name.size(); p = q + 1) {
        q = name.find('.', p);
        if (q == std::string::npos) q = name.size();
        parts.push_back(name.substr(p, q - p));
      }
      if (auto e = unknown_name(parts, t, sections); !e.empty()) return at(o) + e;
      if (k == '#' || k == '^') {
        const Section* sec = nullptr;
        if (parts.size() == 2 && (parts[0] == "record" || parts[0] == "last")) sec = t.section(parts[1]);
        stack.push_back({name, line_of(o), sec});
      }
      continue;
    }
    if (k == '#' || k == '^') stack.push_back({name, line_of(o), nullptr});
  }
  if (!stack.empty())
    return "line " + std::to_string(stack.back().line) + ": {{#" + stack.back().name + "}} is not closed";
  return {};
}

namespace {

std::vector<Letter> parse_letters(const Reader& r, const Json& j, const std::string& path, const RecordType& t,
                                  const DataSource& src, const std::string& dir,
                                  std::map<std::string, std::string>& files) {
  std::vector<Letter> out;
  const auto& arr = r.array(j, path);
  static const std::regex file_re(R"(^[a-z0-9_]+(/[a-z0-9_.-]+)*\.mustache$)");
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string lp = path + "/" + std::to_string(i);
    r.keys(arr[i], lp, {"id", "label", "templates"}, {"to", "description"});
    Letter l;
    l.id = r.str(arr[i], "id", lp);
    const std::string prefix = t.name + ".";
    if (l.id.rfind(prefix, 0) != 0 || !valid_name(l.id.substr(prefix.size())))
      r.fail(lp + "/id", "a letter's id is \"" + prefix + "<name>\" with a name [a-z][a-z0-9_]*");
    for (const auto& other : out)
      if (other.id == l.id) r.fail(lp + "/id", "duplicate letter \"" + l.id + "\"");
    l.label = r.label(arr[i], "label", lp, true);
    l.to = r.str(arr[i], "to", lp);
    if (!l.to.empty() && std::none_of(std::begin(kLetterAddressees), std::end(kLetterAddressees),
                                      [&](const char* a) { return l.to == a; }))
      r.fail(lp + "/to", "\"" + l.to + "\" is not an addressee letters know (complainant, employer)");
    const auto& tm = r.object(arr[i]["templates"], lp + "/templates");
    for (auto it = tm.begin(); it != tm.end(); ++it) {
      const std::string tp = lp + "/templates/" + it.key();
      if (std::none_of(std::begin(kLetterLanguages), std::end(kLetterLanguages),
                       [&](const char* a) { return it.key() == a; }))
        r.fail(tp, "\"" + it.key() + "\" is not a language letters can be written in (en, nl, es)");
      if (!it->is_string() || !std::regex_match(it->get<std::string>(), file_re))
        r.fail(tp, "expected the template's file under the pack's directory, e.g. \"letters/<name>.en.mustache\"");
      const std::string rel = dir + it->get<std::string>();
      const auto text = src.read(rel);
      if (!text) r.fail(tp, "no such file: " + src.describe(rel));
      if (!valid_utf8(*text)) r.fail(tp, src.describe(rel) + " is not valid UTF-8");
      if (auto e = check_letter_template(*text, t); !e.empty()) r.fail(tp, src.describe(rel) + ": " + e);
      files[rel] = *text;
      l.files[it.key()] = rel;
      l.templates[it.key()] = *text;
    }
    if (!l.templates.count("en")) r.fail(lp + "/templates", "an English template (\"en\") is required");
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

Pack load_pack(const DataSource& src, const std::string& name) {
  if (!valid_name(name)) throw NotFound("no pack named \"" + name + "\"");
  const std::string rel = "packs/" + name + "/pack.json";
  Json j = parse_json(src, rel);
  Reader r(src.describe(rel));
  r.keys(j, "", {"format", "name", "version", "code_lists", "record_types"},
         {"title", "description", "sections", "roles", "attachments", "indicators"});
  if (r.integer(j, "format", "", 1, 1, 1) != 1) r.fail("/format", "unsupported format");
  Pack p;
  p.files[rel] = *src.read(rel);
  p.name = r.name(j, "name", "");
  if (p.name != name) r.fail("/name", "the pack in " + rel + " must be named \"" + name + "\"");
  p.version = r.str(j, "version", "");
  static const std::regex semver(R"(^[0-9]+\.[0-9]+\.[0-9]+$)");
  if (!std::regex_match(p.version, semver)) r.fail("/version", "expected MAJOR.MINOR.PATCH");
  p.title = r.label(j, "title", "", false);
  if (j.contains("sections")) {
    const auto& secs = r.array(j["sections"], "/sections");
    for (size_t i = 0; i < secs.size(); ++i) {
      const std::string path = "/sections/" + std::to_string(i);
      r.keys(secs[i], path, {"name", "label"}, {});
      OrgSection sec{r.name(secs[i], "name", path), r.label(secs[i], "label", path, true)};
      if (p.has_section(sec.name)) r.fail(path + "/name", "duplicate section \"" + sec.name + "\"");
      p.sections.push_back(std::move(sec));
    }
  }

  const auto& lists = r.array(j["code_lists"], "/code_lists");
  std::set<std::string> list_names;
  for (size_t i = 0; i < lists.size(); ++i) {
    const std::string path = "/code_lists/" + std::to_string(i);
    auto l = parse_code_list(r, lists[i], path, src, p.files, true);
    if (!list_names.insert(l.name).second) r.fail(path + "/name", "duplicate code list \"" + l.name + "\"");
    p.code_lists.push_back(std::move(l));
  }

  const auto& types = r.array(j["record_types"], "/record_types");
  std::set<std::string> type_names;
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string path = "/record_types/" + std::to_string(i);
    const auto& t = types[i];
    r.keys(t, path, {"name", "label", "fields"},
           {"description", "source", "sections", "rules", "workflow", "section", "letters"});
    RecordType rt;
    rt.name = r.name(t, "name", path);
    if (!type_names.insert(rt.name).second) r.fail(path + "/name", "duplicate record type \"" + rt.name + "\"");
    rt.label = r.label(t, "label", path, true);
    rt.description = r.str(t, "description", path);
    rt.source = r.str(t, "source", path);
    rt.org_section = r.str(t, "section", path);
    if (!rt.org_section.empty() && !p.has_section(rt.org_section))
      r.fail(path + "/section", "no section named \"" + rt.org_section + "\" in the pack's \"sections\"");
    rt.fields = parse_fields(r, t, path, p.code_lists);
    if (t.contains("sections")) {
      const auto& secs = r.array(t["sections"], path + "/sections");
      std::set<std::string> names;
      for (const auto& f : rt.fields) names.insert(f.name);
      for (size_t s = 0; s < secs.size(); ++s) {
        const std::string sp = path + "/sections/" + std::to_string(s);
        r.keys(secs[s], sp, {"name", "label", "fields"}, {"description", "max_items", "min_items"});
        Section sec;
        sec.name = r.name(secs[s], "name", sp);
        if (!names.insert(sec.name).second)
          r.fail(sp + "/name", "\"" + sec.name + "\" is already a field or section");
        sec.label = r.label(secs[s], "label", sp, true);
        sec.description = r.str(secs[s], "description", sp);
        sec.max_items = static_cast<int>(r.integer(secs[s], "max_items", sp, 1, 10000, 100));
        sec.min_items = static_cast<int>(r.integer(secs[s], "min_items", sp, 0, sec.max_items, 0));
        sec.fields = parse_fields(r, secs[s], sp, p.code_lists);
        for (size_t k = 0; k < sec.fields.size(); ++k)
          if (sec.fields[k].history || sec.fields[k].assigned())
            r.fail(sp + "/fields/" + std::to_string(k),
                   "\"history\" and \"assigned\" apply to record fields, not section fields");
        rt.sections.push_back(std::move(sec));
      }
    }
    check_computed(r, rt, path);
    if (t.contains("rules")) {
      const auto& rules = r.array(t["rules"], path + "/rules");
      for (size_t k = 0; k < rules.size(); ++k)
        rt.rules.push_back(parse_rule(r, rules[k], path + "/rules/" + std::to_string(k), rt));
    }
    if (t.contains("workflow")) rt.workflow = parse_workflow(r, t["workflow"], path + "/workflow", rt, p.code_lists);
    if (t.contains("letters")) rt.letters = parse_letters(r, t["letters"], path + "/letters", rt, src, "packs/" + name + "/", p.files);
    if (rt.workflow)
      for (size_t i = 0; i < rt.workflow->transitions.size(); ++i) {
        const auto& effects = rt.workflow->transitions[i].effects;
        for (size_t k = 0; k < effects.size(); ++k)
          if (effects[k].kind == Effect::Kind::letter && !rt.letter(effects[k].target))
            r.fail(path + "/workflow/transitions/" + std::to_string(i) + "/effects/" + std::to_string(k) + "/letter",
                   "\"" + effects[k].target + "\" is not a letter of " + rt.name);
      }
    p.record_types.push_back(std::move(rt));
  }
  // References may point forward; check them once every type is known.
  for (size_t i = 0; i < p.record_types.size(); ++i) {
    auto check = [&](const std::vector<Field>& fields, const std::string& base) {
      for (size_t k = 0; k < fields.size(); ++k)
        if (fields[k].type == FieldType::reference && !type_names.count(fields[k].target))
          r.fail(base + "/fields/" + std::to_string(k) + "/target",
                 "no record type named \"" + fields[k].target + "\"");
    };
    const std::string base = "/record_types/" + std::to_string(i);
    check(p.record_types[i].fields, base);
    for (size_t s = 0; s < p.record_types[i].sections.size(); ++s)
      check(p.record_types[i].sections[s].fields, base + "/sections/" + std::to_string(s));
  }
  for (const auto& t : p.record_types)
    for (const auto& s : t.sections)
      if (type_names.count(t.name + "__" + s.name)) r.fail("/record_types", "name clash: " + t.name + "__" + s.name);
  if (j.contains("roles")) {
    p.roles = parse_roles(r, j["roles"], "/roles", p.record_types, "", {});
  } else {
    // A pack that declares no roles (a minimal or test pack) has the one the first user holds.
    Role admin;
    admin.name = "administrator";
    admin.label.text["en"] = "Administrator";
    admin.system.assign(std::begin(kSystemPermissions), std::end(kSystemPermissions));
    admin.grants.push_back(Grant{});
    p.roles.push_back(std::move(admin));
  }
  if (!p.role("administrator"))
    r.fail("/roles", "the pack must declare the role \"administrator\" (the first user holds it)");
  if (j.contains("attachments")) p.attachments = parse_attachments(r, j["attachments"], "/attachments", false);
  if (j.contains("indicators")) {
    // The indicator package, in a file of its own beside pack.json.
    const std::string file = r.str(j, "indicators", "");
    static const std::regex file_re(R"(^[a-z0-9_]+\.json$)");
    if (!std::regex_match(file, file_re)) r.fail("/indicators", "a file name beside pack.json, such as indicators.json");
    const std::string irel = "packs/" + name + "/" + file;
    auto text = src.read(irel);
    if (!text) r.fail("/indicators", "no such file: " + src.describe(irel));
    p.files[irel] = *text;
    p.indicators = std::make_shared<const IndicatorPackage>(load_indicators(src, irel, p));
  }
  p.hash = hash_files(p.files);
  return p;
}

Profile load_profile(const DataSource& src, const std::string& iso3, const Pack& pack) {
  static const std::regex iso3_re("^[A-Z]{3}$");
  if (!std::regex_match(iso3, iso3_re))
    throw NotFound("\"" + iso3 + "\" is not an ISO 3166-1 alpha-3 country code");
  const std::string rel = "countries/" + iso3 + ".json";
  if (!src.read(rel)) throw NotFound("no country profile for \"" + iso3 + "\" (" + src.describe(rel) + ")");
  Json j = parse_json(src, rel);
  Reader r(src.describe(rel));
  r.keys(j, "", {"format", "iso3", "name", "currency", "languages", "legal"},
         {"time_zone", "code_lists", "description", "department", "extensions", "roles",
          "security", "calendar", "deadlines", "attachments", "indicators"});
  if (r.integer(j, "format", "", 1, 1, 1) != 1) r.fail("/format", "unsupported format");
  Profile p;
  p.files[rel] = *src.read(rel);
  p.iso3 = r.str(j, "iso3", "");
  if (p.iso3 != iso3) r.fail("/iso3", "the profile in " + rel + " must have iso3 \"" + iso3 + "\"");
  p.name = r.label(j, "name", "", true);
  p.currency = r.str(j, "currency", "");
  if (!currency_minor_digits(p.currency)) r.fail("/currency", "not a known ISO 4217 currency");
  const auto& langs = r.array(j["languages"], "/languages");
  if (langs.empty()) r.fail("/languages", "at least one working language is needed");
  for (size_t i = 0; i < langs.size(); ++i) {
    if (!langs[i].is_string() || langs[i].get<std::string>().size() != 2)
      r.fail("/languages/" + std::to_string(i), "expected a two-letter ISO 639-1 code");
    p.languages.push_back(langs[i].get<std::string>());
  }
  p.time_zone = r.str(j, "time_zone", "");
  const auto& legal = r.object(j["legal"], "/legal");
  for (auto it = legal.begin(); it != legal.end(); ++it) {
    const std::string path = "/legal/" + it.key();
    if (!kLegalParameters.count(it.key())) r.fail(path, "unknown legal parameter \"" + it.key() + "\"");
    if (it->is_object() && it->contains("missing")) {
      // Declared missing: a note, never a value (docs/countries.md, "Generic profiles").
      r.keys(*it, path, {"missing", "note"}, {});
      if (!((*it)["missing"] == true))
        r.fail(path + "/missing", "only true: a known parameter gives its value, source and verified instead");
      const std::string note = r.str(*it, "note", path);
      if (note.empty()) r.fail(path + "/note", "say what is missing and what clmis does until it is entered");
      p.missing_legal[it.key()] = note;
      continue;
    }
    r.keys(*it, path, {"value", "source", "verified"}, {"unit", "note"});
    LegalParameter lp;
    lp.value = (*it)["value"];
    lp.source = r.str(*it, "source", path);
    if (lp.source.empty()) r.fail(path + "/source", "a legal parameter needs its source");
    if (!(*it)["verified"].is_boolean()) r.fail(path + "/verified", "expected true or false");
    lp.verified = (*it)["verified"].get<bool>();
    lp.unit = r.str(*it, "unit", path);
    lp.note = r.str(*it, "note", path);
    if (it.key() == "minimum_working_age" &&
        !(lp.value.is_number_integer() && lp.value.get<std::int64_t>() >= 0 && lp.value.get<std::int64_t>() <= 30))
      r.fail(path + "/value", "expected an age in years (0 to 30)");
    if (it.key() == "severance") check_severance(r, lp.value, path + "/value");
    if (it.key() == "nis_number_pattern") {
      if (!lp.value.is_string()) r.fail(path + "/value", "expected a regular expression");
      try {
        std::regex re(lp.value.get<std::string>(), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        r.fail(path + "/value", std::string("not a valid regular expression: ") + e.what());
      }
    }
    p.legal[it.key()] = std::move(lp);
  }
  if (j.contains("code_lists")) {
    const auto& lists = r.array(j["code_lists"], "/code_lists");
    for (size_t i = 0; i < lists.size(); ++i) {
      const std::string path = "/code_lists/" + std::to_string(i);
      auto l = parse_code_list(r, lists[i], path, src, p.files, false);
      const auto* declared = pack.code_list(l.name);
      if (!declared)
        r.fail(path + "/name", "the pack declares no code list \"" + l.name + "\"");
      if (!declared->provided_by_profile)
        r.fail(path + "/name", "code list \"" + l.name + "\" comes from the pack, not the profile");
      if (std::any_of(p.code_lists.begin(), p.code_lists.end(),
                      [&](const CodeList& o) { return o.name == l.name; }))
        r.fail(path + "/name", "duplicate code list \"" + l.name + "\"");
      p.code_lists.push_back(std::move(l));
    }
  }
  if (j.contains("department")) {
    const auto& d = j["department"];
    r.keys(d, "/department", {"name", "source", "verified"}, {"address", "telephone", "email", "paper"});
    Department dep;
    dep.name = r.label(d, "name", "/department", true);
    for (const auto& line : names_of(r, d, "address", "/department")) dep.address.push_back(line);
    dep.telephone = r.str(d, "telephone", "/department");
    dep.email = r.str(d, "email", "/department");
    dep.paper = r.str(d, "paper", "/department", "A4");
    if (dep.paper != "A4" && dep.paper != "letter") r.fail("/department/paper", "the paper is \"A4\" or \"letter\"");
    dep.source = r.str(d, "source", "/department");
    if (dep.source.empty()) r.fail("/department/source", "the department's details need their source");
    dep.verified = r.boolean(d, "verified", "/department", false);
    p.department = std::move(dep);
  }
  if (j.contains("extensions")) {
    const auto& ext = r.object(j["extensions"], "/extensions");
    std::string prefix = "x_" + iso3 + "_";
    std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto it = ext.begin(); it != ext.end(); ++it) {
      const std::string path = "/extensions/" + it.key();
      const RecordType* t = pack.record_type(it.key());
      if (!t) r.fail(path, "the pack has no record type \"" + it.key() + "\"");
      Json owner = {{"fields", *it}};
      auto fields = parse_fields(r, owner, path, pack.code_lists, prefix);
      for (size_t k = 0; k < fields.size(); ++k) {
        const auto& f = fields[k];
        const std::string fp = path + "/fields/" + std::to_string(k);
        if (f.assigned() || f.history) r.fail(fp, "an extension field cannot be assigned or have history");
        if (f.type == FieldType::reference && !pack.record_type(f.target))
          r.fail(fp + "/target", "no record type named \"" + f.target + "\"");
        for (const auto& c : f.columns())
          for (const auto& g : t->fields)
            for (const auto& gc : g.columns())
              if (c == gc) r.fail(fp + "/name", "column \"" + c + "\" is already used by " + t->name);
      }
      p.extensions[it.key()] = std::move(fields);
    }
  }
  if (j.contains("roles")) {
    std::string prefix = "x_" + iso3 + "_";
    std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    p.roles = parse_roles(r, j["roles"], "/roles", pack.record_types, prefix, pack.roles);
  }
  if (j.contains("calendar") && j["calendar"].is_object() && j["calendar"].contains("missing")) {
    // Declared missing: no holidays are known (docs/architecture.md §10).
    r.keys(j["calendar"], "/calendar", {"missing", "note"}, {});
    if (!(j["calendar"]["missing"] == true))
      r.fail("/calendar/missing", "only true: a known calendar gives its \"file\" instead");
    p.calendar_missing = r.str(j["calendar"], "note", "/calendar");
    if (p.calendar_missing->empty())
      r.fail("/calendar/note", "say what is missing and what clmis does until it is entered");
  } else if (j.contains("calendar")) {
    // The public holidays are a file of their own (data/calendars/<ISO3>.json).
    r.keys(j["calendar"], "/calendar", {"file"}, {});
    const std::string file = r.str(j["calendar"], "file", "/calendar");
    if (file.rfind("calendars/", 0) != 0 || file.find("..") != std::string::npos)
      r.fail("/calendar/file", "a calendar file is under calendars/");
    if (!src.read(file)) r.fail("/calendar/file", "no such file: " + src.describe(file));
    p.files[file] = *src.read(file);
    p.calendar = load_calendar(src, file, iso3);
  }
  if (j.contains("security")) {
    const auto& sj = j["security"];
    r.keys(sj, "/security", {},
           {"password_min_length", "password_history", "lockout_attempts", "lockout_minutes"});
    auto& sp = p.security;
    sp.password_min_length = static_cast<int>(r.integer(sj, "password_min_length", "/security", 8, 128, 8));
    sp.password_history = static_cast<int>(r.integer(sj, "password_history", "/security", 0, 50, 5));
    sp.lockout_attempts = static_cast<int>(r.integer(sj, "lockout_attempts", "/security", 1, 100, 5));
    sp.lockout_minutes = static_cast<int>(r.integer(sj, "lockout_minutes", "/security", 1, 10080, 15));
  }
  if (j.contains("deadlines")) {
    const auto& dl = r.object(j["deadlines"], "/deadlines");
    for (auto it = dl.begin(); it != dl.end(); ++it) {
      const std::string path = "/deadlines/" + it.key();
      const Deadline* d = nullptr;
      for (const auto& t : pack.record_types)
        if (t.workflow && !d) d = t.workflow->deadline(it.key());
      if (!d) r.fail(path, "the pack declares no deadline \"" + it.key() + "\"");
      if (d->per_profile)  // the pack gave no unit: the country does
        r.keys(*it, path, {"unit", "length", "source", "verified"}, {"note", "applies_when"});
      else
        r.keys(*it, path, {"length", "source", "verified"}, {"unit", "note", "applies_when"});
      Profile::DeadlineOverride o;
      o.unit = it->contains("unit") ? deadline_unit(r, *it, path, !d->before.empty()) : d->unit;
      if (it->contains("applies_when"))
        for (const auto& t : pack.record_types)
          if (t.workflow && t.workflow->deadline(it.key()))
            o.applies_when = deadline_condition(r, (*it)["applies_when"], path + "/applies_when", t);
      o.length = static_cast<int>(r.integer(*it, "length", path, 0, 3660, 0));
      o.source = r.str(*it, "source", path);
      if (o.source.empty()) r.fail(path + "/source", "a country's deadline needs its legal source");
      if (!(*it)["verified"].is_boolean()) r.fail(path + "/verified", "expected true or false");
      o.verified = (*it)["verified"].get<bool>();
      o.note = r.str(*it, "note", path);
      p.deadlines[it.key()] = std::move(o);
    }
  }
  if (j.contains("attachments")) p.attachments = parse_attachments(r, j["attachments"], "/attachments", true);
  if (j.contains("indicators")) {
    if (!pack.indicators) r.fail("/indicators", "the pack declares no indicators to add to");
    IndicatorPackage check = *pack.indicators;
    apply_profile_indicators(check, j["indicators"], src.describe(rel), pack);
    p.indicators = j["indicators"];
  }
  for (const auto& t : pack.record_types) {
    for (const auto& rule : t.rules)
      if (const auto* k = std::get_if<rules::MinAgeAt>(&rule.check);
          k && !k->age_parameter.empty() && !p.legal.count(k->age_parameter) &&
          !p.missing_legal.count(k->age_parameter))
        r.fail("/legal", "the pack's rules need the legal parameter \"" + k->age_parameter + "\"");
    auto need = [&](const std::vector<Field>& fields) {
      for (const auto& f : fields)
        if (!f.pattern_parameter.empty() && !p.legal.count(f.pattern_parameter) &&
            !p.missing_legal.count(f.pattern_parameter))
          r.fail("/legal", "the pack's field " + t.name + "." + f.name +
                               " needs the legal parameter \"" + f.pattern_parameter + "\"");
    };
    need(t.fields);
    for (const auto& sec : t.sections) need(sec.fields);
    if (auto ext = p.extensions.find(t.name); ext != p.extensions.end()) need(ext->second);
  }
  for (const auto& l : pack.code_lists)
    if (l.provided_by_profile &&
        std::none_of(p.code_lists.begin(), p.code_lists.end(),
                     [&](const CodeList& o) { return o.name == l.name; }))
      r.fail("/code_lists", "the pack needs the profile to provide code list \"" + l.name + "\"");
  p.hash = hash_files(p.files);
  return p;
}

Pack with_extensions(Pack pack, const Profile& profile) {
  for (auto& t : pack.record_types) {
    auto it = profile.extensions.find(t.name);
    if (it != profile.extensions.end()) t.fields.insert(t.fields.end(), it->second.begin(), it->second.end());
    // Patterns that are legal parameters of the country: compiled once, here (load_profile
    // checked that they compile).
    auto compile = [&](std::vector<Field>& fields) {
      for (auto& f : fields)
        if (!f.pattern_parameter.empty())
          if (auto lp = profile.legal.find(f.pattern_parameter); lp != profile.legal.end())
            f.regex = std::make_shared<const std::regex>(lp->second.value.get<std::string>(), std::regex::ECMAScript);
    };
    compile(t.fields);
    for (auto& sec : t.sections) compile(sec.fields);
  }
  for (auto& t : pack.record_types)
    if (t.workflow)
      for (auto& d : t.workflow->deadlines)
        if (auto o = profile.deadlines.find(d.id); o != profile.deadlines.end()) {
          d.unit = o->second.unit;
          d.length = o->second.length;
          d.source = o->second.source;
          d.verified = o->second.verified;
          d.note = o->second.note;
          if (o->second.applies_when) d.applies_when = o->second.applies_when;
          d.from_profile = true;
        }
  pack.roles.insert(pack.roles.end(), profile.roles.begin(), profile.roles.end());
  if (profile.attachments) pack.attachments = *profile.attachments;
  if (pack.indicators && !profile.indicators.is_null()) {
    IndicatorPackage merged = *pack.indicators;
    apply_profile_indicators(merged, profile.indicators, "countries/" + profile.iso3 + ".json", pack);
    pack.indicators = std::make_shared<const IndicatorPackage>(std::move(merged));
  }
  return pack;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::array<long long, 3> out{0, 0, 0};
    size_t i = 0;
    std::istringstream in(v);
    std::string piece;
    while (i < 3 && std::getline(in, piece, '.')) out[i++] = std::atoll(piece.c_str());
    return out;
  };
  auto x = parts(a), y = parts(b);
  for (size_t i = 0; i < 3; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

std::vector<std::string> list_profiles(const DataSource& src) {
  // Sources cannot list in general; the embedded index and directories can.
  std::vector<std::string> out;
  if (auto* d = dynamic_cast<const DirectorySource*>(&src)) {
    for (const auto& f : d->list("countries"))
      if (f.size() > 5 && f.substr(f.size() - 5) == ".json") out.push_back(f.substr(10, f.size() - 15));
  } else if (auto* m = dynamic_cast<const MemorySource*>(&src)) {
    for (const auto& [path, _] : m->files())
      if (path.rfind("countries/", 0) == 0 && path.size() > 15)
        out.push_back(path.substr(10, path.size() - 15));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace clmis::pack
