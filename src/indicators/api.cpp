#include "indicators/api.hpp"

#include "indicators/engine.hpp"
#include "pack/indicators.hpp"
#include "security/access.hpp"
#include "store/series.hpp"

#include <memory>

#include <algorithm>

namespace clmis::detail {

namespace {

using indicators::Observation;

const pack::IndicatorPackage& package(Context& cx) {
  if (!cx.pack.indicators) throw NotFound("the pack in force declares no indicators");
  return *cx.pack.indicators;
}

std::string text_of(const pack::Label& l, const std::string& lang) { return l.get(lang); }

/// An exact decimal ("-18.390") times 10^mult as a rational.
indicators::Rational decimal_rational(const std::string& text, int mult) {
  using boost::multiprecision::cpp_int;
  const bool negative = !text.empty() && text[0] == '-';
  std::string digits;
  int scale = 0;
  bool point = false;
  for (char c : text.substr(negative ? 1 : 0)) {
    if (c == '.') {
      point = true;
      continue;
    }
    digits += c;
    if (point) ++scale;
  }
  // Leading zeros go: cpp_int reads "0550" as octal (360) and refuses "0800".
  const size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  indicators::Rational r{cpp_int(digits)};
  for (int i = 0; i < scale; ++i) r /= 10;
  for (int i = 0; i < mult; ++i) r *= 10;
  for (int i = 0; i > mult; --i) r /= 10;
  return negative ? indicators::Rational(-r) : r;
}

/// The series values the engine reads: the partner agencies' imported series, their latest
/// revision, in absolute units (value × 10^unit_mult). A cell matches an observation whose
/// dimensions it names have those codes and whose others are totals (_T, or _Z: not used); a
/// cell without age takes the series' age total, or else 15+ (Y_GE15: a labour force survey's
/// working-age population has no other total). A period without its own value takes the year
/// holding it (the engine marks it E). The first series of the code (by agency and source)
/// answers.
indicators::SeriesLookup series_lookup(Context& cx) {
  auto cache = std::make_shared<std::map<std::string, std::vector<store::Observation>>>();
  return [&cx, cache](const std::string& code, const indicators::Period& p,
                      const std::map<std::string, std::string>& cell) -> std::optional<indicators::SeriesValue> {
    auto it = cache->find(code);
    if (it == cache->end()) {
      store::ObservationQuery q;
      q.indicator = code;
      it = cache->emplace(code, store::observations(cx.conn, q)).first;
    }
    const std::string year = p.code.substr(0, 4);
    auto matches = [&](const store::ObservationKey& k, const std::string& period, bool age_15_plus) {
      if (k.period != period) return false;
      const std::pair<const char*, const std::string*> dims[] = {{"sex", &k.sex}, {"age", &k.age}, {"eco", &k.eco},
                                                                  {"ocu", &k.ocu}, {"edu", &k.edu}, {"geo", &k.geo}};
      for (const auto& [dim, have] : dims) {
        auto c = cell.find(dim);
        if (c != cell.end()) {
          if (*have != c->second) return false;
        } else if (std::string(dim) == "age" && age_15_plus) {
          if (*have != "Y_GE15") return false;
        } else if (*have != "_T" && *have != "_Z") {
          return false;
        }
      }
      return true;
    };
    std::vector<std::string> periods = {p.code};
    if (p.freq != 'A') periods.push_back(year);
    for (const std::string& period : periods) {
      for (bool age_15_plus : {false, true})
        for (const auto& o : it->second)
          if (o.row.value && matches(o.row.key, period, age_15_plus))
            return indicators::SeriesValue{decimal_rational(*o.row.value, o.series.unit_mult), period,
                                           o.row.status.empty() ? 'A' : o.row.status[0]};
    }
    return std::nullopt;
  };
}

struct Parsed {
  indicators::Request request;
};

std::vector<std::string> string_list(const Json& j, const std::string& key, std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  const Json& v = j[key];
  if (!v.is_array()) {
    errors.push_back({"indicators", key, v, "type", "a list of strings"});
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) errors.push_back({"indicators", key + "[" + std::to_string(i) + "]", v[i], "type", "a string"});
    else out.push_back(v[i].get<std::string>());
  }
  return out;
}

indicators::Request parse_request(const Json& spec, bool single) {
  std::vector<FieldError> errors;
  if (!spec.is_object()) throw ValidationError(std::vector<FieldError>{{"indicators", "", spec, "type", "a JSON object"}});
  const std::vector<std::string> keys = single ? std::vector<std::string>{"indicator", "period", "cell"}
                                               : std::vector<std::string>{"indicators", "period", "freq", "by", "protect",
                                                                          "min_count", "p_percent", "protect_secondary"};
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
      errors.push_back({"indicators", it.key(), *it, "unknown_field", "not a key of this request"});
  indicators::Request r;
  if (!single) {
    r.indicators = string_list(spec, "indicators", errors);
    r.by = string_list(spec, "by", errors);
  }
  if (!spec.contains("period") || !spec["period"].is_string())
    errors.push_back({"indicators", "period", spec.value("period", Json(nullptr)), spec.contains("period") ? "type" : "required",
                      "a period: 2024, 2024-Q1, 2024-01 or 2020..2024"});
  if (spec.contains("freq") && !spec["freq"].is_string()) errors.push_back({"indicators", "freq", spec["freq"], "type", "year, quarter or month"});
  if (spec.contains("protect") && !spec["protect"].is_boolean()) errors.push_back({"indicators", "protect", spec["protect"], "type", "true or false"});
  if (spec.contains("protect_secondary") && !spec["protect_secondary"].is_boolean())
    errors.push_back({"indicators", "protect_secondary", spec["protect_secondary"], "type", "true or false"});
  if (spec.contains("min_count") && (!spec["min_count"].is_number_integer() || spec["min_count"].get<std::int64_t>() < 1 ||
                                     spec["min_count"].get<std::int64_t>() > 1000))
    errors.push_back({"indicators", "min_count", spec["min_count"], "range", "a count from 1 to 1000"});
  if (spec.contains("p_percent") && (!spec["p_percent"].is_number_integer() || spec["p_percent"].get<std::int64_t>() < 1 ||
                                     spec["p_percent"].get<std::int64_t>() > 100))
    errors.push_back({"indicators", "p_percent", spec["p_percent"], "range", "a percentage from 1 to 100"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  r.periods = indicators::parse_periods(spec["period"].get<std::string>(), spec.value("freq", std::string()));
  if (!single) {
    r.protect = spec.value("protect", false);
    r.min_count = spec.value("min_count", std::int64_t{3});
    r.p_percent = static_cast<int>(spec.value("p_percent", std::int64_t{10}));
    r.protect_secondary = spec.value("protect_secondary", true);
  }
  return r;
}

}  // namespace

namespace {

[[noreturn]] void bad(const std::string& path, const Json& v, const char* rule, const std::string& message) {
  throw ValidationError(std::vector<FieldError>{{"indicators", path, v, rule, message}});
}

void only_keys(const Json& spec, std::initializer_list<const char*> keys) {
  if (!spec.is_object()) bad("", spec, "type", "a JSON object");
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; }))
      bad(it.key(), *it, "unknown_field", "not a key of this request");
}

std::vector<std::string> states_of(const Json& spec, const char* key, const pack::RecordType& t) {
  std::vector<std::string> out;
  if (!spec[key].is_array() || spec[key].empty()) bad(key, spec[key], "type", "a list of states of " + t.name);
  for (size_t i = 0; i < spec[key].size(); ++i) {
    const Json& s = spec[key][i];
    if (!s.is_string() || std::find(t.workflow->states.begin(), t.workflow->states.end(), s.get<std::string>()) == t.workflow->states.end())
      bad(std::string(key) + "[" + std::to_string(i) + "]", s, "code_list", "not a state of " + t.name);
    out.push_back(s.get<std::string>());
  }
  return out;
}

const pack::RecordType& table_type(Context& cx, const Json& spec) {
  if (!spec.contains("type") || !spec["type"].is_string()) bad("type", spec.value("type", Json(nullptr)), "required", "a record type");
  return cx.type(spec["type"].get<std::string>());
}

Json table_json(const std::vector<indicators::CrossCell>& cells, Json out) {
  Json rows = Json::array();
  for (size_t i = 1; i < cells.size(); ++i) {
    bool band = false;
    for (const auto& [d, c] : cells[i].cell)
      for (const auto& b : indicators::age_summary_bands()) band = band || (d == "age" && c == b);
    if (band) continue;
    Json cell = Json::object();
    for (const auto& [d, c] : cells[i].cell) cell[d] = c;
    rows.push_back({{"cell", cell}, {"count", cells[i].count}});
  }
  out["total"] = cells.front().count;
  out["rows"] = rows;
  return out;
}

}  // namespace

Json stock_table(Context& cx, const Json& spec) {
  only_keys(spec, {"type", "date", "states", "by"});
  const auto& t = table_type(cx, spec);
  if (!t.workflow) bad("type", t.name, "code_list", t.name + " has no status history (no workflow)");
  std::vector<FieldError> errors;
  const auto by = string_list(spec, "by", errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const auto day = spec.contains("date") && spec["date"].is_string() ? parse_date(spec["date"].get<std::string>()) : std::nullopt;
  if (!day) bad("date", spec.value("date", Json(nullptr)), spec.contains("date") ? "type" : "required", "a date YYYY-MM-DD");
  pack::Aggregate a;
  a.type = t.name;
  a.population = pack::Aggregate::Population::stock;
  if (spec.contains("states")) {
    a.states = states_of(spec, "states", t);
  } else {
    for (const auto& s : t.workflow->states)
      if (s != "closed") a.states.push_back(s);
  }
  const indicators::Period p{format_date(*day), 'D', *day, *day};
  const auto cells = indicators::crosstab(cx, a, p, by);
  return table_json(cells, Json{{"type", t.name}, {"date", format_date(*day)}, {"states", a.states}, {"by", by}});
}

Json flow_table(Context& cx, const Json& spec) {
  only_keys(spec, {"type", "period", "into", "out_of", "date_field", "by"});
  const auto& t = table_type(cx, spec);
  std::vector<FieldError> errors;
  const auto by = string_list(spec, "by", errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (!spec.contains("period") || !spec["period"].is_string())
    bad("period", spec.value("period", Json(nullptr)), spec.contains("period") ? "type" : "required", "a period: 2024, 2024-Q1 or 2024-01");
  const auto periods = indicators::parse_periods(spec["period"].get<std::string>(), "");
  if (periods.size() != 1) bad("period", spec["period"], "range", "one period (2024, 2024-Q1 or 2024-01)");
  const int kinds = static_cast<int>(spec.contains("into")) + static_cast<int>(spec.contains("out_of")) +
                    static_cast<int>(spec.contains("date_field"));
  if (kinds != 1) bad("into", nullptr, "required", "one of into, out_of or date_field");
  pack::Aggregate a;
  a.type = t.name;
  if (spec.contains("date_field")) {
    const auto& f = spec["date_field"];
    const pack::Field* fd = f.is_string() ? t.field(f.get<std::string>()) : nullptr;
    if (!fd || fd->type != FieldType::date) bad("date_field", f, "code_list", "a date field of " + t.name);
    a.population = pack::Aggregate::Population::event;
    a.date_field = f.get<std::string>();
  } else {
    if (!t.workflow) bad("type", t.name, "code_list", t.name + " has no status history (no workflow)");
    const char* key = spec.contains("into") ? "into" : "out_of";
    a.population = spec.contains("into") ? pack::Aggregate::Population::inflow : pack::Aggregate::Population::outflow;
    a.states = states_of(spec, key, t);
  }
  const auto cells = indicators::crosstab(cx, a, periods.front(), by);
  return table_json(cells, Json{{"type", t.name}, {"period", periods.front().code}, {"by", by}});
}

Json indicators_list(Context& cx, const std::string& lang_in) {
  const auto& pkg = package(cx);
  cx.access.require_active(cx);
  const std::string lang = lang_in.empty() ? cx.profile.languages.front() : lang_in;
  Json out = Json::array();
  for (const auto& d : pkg.indicators) {
    Json md = Json::object();
    for (const auto& [k, l] : d.metadata) md[k] = text_of(l, lang);
    Json o = {{"id", d.id},
              {"group", d.group},
              {"name", text_of(d.name, lang)},
              {"kind", d.kind == pack::IndicatorDef::Kind::ratio ? "ratio" : d.kind == pack::IndicatorDef::Kind::statistic ? "statistic" : "formula"},
              {"unit", d.unit},
              {"multiplier", d.multiplier},
              {"decimals", d.decimals},
              {"rounding", d.rounding == pack::IndicatorDef::Rounding::half_even ? "half_even" : "half_up"},
              {"dimensions", d.dimensions},
              {"periodicity", d.periodicity},
              {"agency", d.agency},
              {"ilostat", d.ilostat.empty() ? Json(nullptr) : Json(d.ilostat)},
              {"metadata", md},
              {"version", d.version},
              {"from_profile", d.from_profile}};
    out.push_back(std::move(o));
  }
  return Json{{"indicators", out}};
}

Json indicators_compute(Context& cx, const Json& spec, const indicators::Progress& progress) {
  package(cx);
  cx.access.require_active(cx);
  auto request = parse_request(spec, false);
  request.progress = progress;
  Json record = Json::array();
  if (request.protect) request.disclosure_record = &record;
  Json obs = Json::array();
  for (const auto& o : indicators::compute(cx, request, series_lookup(cx))) obs.push_back(indicators::to_json(o));
  Json out = {{"observations", obs}};
  if (request.protect) out["disclosure"] = std::move(record);
  return out;
}

Json indicator_explain(Context& cx, const Json& spec) {
  const auto& pkg = package(cx);
  cx.access.require_active(cx);
  auto request = parse_request(spec, true);
  if (!spec.contains("indicator") || !spec["indicator"].is_string())
    throw ValidationError(std::vector<FieldError>{{"indicators", "indicator", spec.value("indicator", Json(nullptr)), "required", "an indicator id"}});
  const std::string id = spec["indicator"];
  const auto* d = pkg.find(id);
  if (!d) throw ValidationError(std::vector<FieldError>{{"indicators", "indicator", id, "code_list", "no indicator \"" + id + "\" in the package"}});
  if (request.periods.size() != 1)
    throw ValidationError(std::vector<FieldError>{{"indicators", "period", spec["period"], "range", "one period (2024, 2024-Q1 or 2024-01)"}});
  // The cell: its dimensions are the breakdown computed; those the indicator's series fix (a
  // youth rate's age) may be given, with their code, or left out.
  const auto fixed = indicators::fixed_cell(*d);
  std::map<std::string, std::string> cell = fixed;
  if (spec.contains("cell")) {
    if (!spec["cell"].is_object()) throw ValidationError(std::vector<FieldError>{{"indicators", "cell", spec["cell"], "type", "{dimension: code}"}});
    for (auto it = spec["cell"].begin(); it != spec["cell"].end(); ++it) {
      if (!it->is_string()) throw ValidationError(std::vector<FieldError>{{"indicators", "cell." + it.key(), *it, "type", "a code"}});
      const auto f = fixed.find(it.key());
      if (f != fixed.end()) {
        if (*it != f->second)
          throw ValidationError(std::vector<FieldError>{{"indicators", "cell." + it.key(), *it, "code_list",
                                                         "indicator " + d->id + " is only at " + it.key() + " " + f->second}});
        continue;
      }
      cell[it.key()] = it->get<std::string>();
      request.by.push_back(it.key());
    }
  }
  request.indicators = {id};
  const auto all = indicators::compute(cx, request, series_lookup(cx));
  const Observation* found = nullptr;
  for (const auto& o : all)
    if (o.cell == cell) found = &o;
  Json out = {{"indicator", d->id},
              {"version", d->version},
              {"definition", d->declaration},
              {"observation", found ? indicators::to_json(*found) : Json(nullptr)}};
  Json q = Json::object();
  std::vector<std::string> dims;
  for (const auto& [k, v] : cell)
    if (!fixed.count(k)) dims.push_back(k);
  if (!d->numerator.type.empty()) q["numerator"] = indicators::aggregate_sql(cx, d->numerator, dims);
  if (!d->denominator.type.empty()) q["denominator"] = indicators::aggregate_sql(cx, d->denominator, dims);
  out["queries"] = q;
  Json series = Json::array();
  for (const auto* a : {&d->numerator, &d->denominator})
    for (const auto& code : a->series) series.push_back(code);
  out["series"] = series;
  if (!found) out["note"] = "no value for this cell: no record falls in it";
  return out;
}

}  // namespace clmis::detail
