#include "pack/indicators.hpp"

#include "core/hash.hpp"
#include "pack/reader.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace clmis::pack {

using detail::Reader;

const IndicatorDef* IndicatorPackage::find(std::string_view id) const {
  for (const auto& d : indicators)
    if (d.id == id) return &d;
  return nullptr;
}

const DimensionSource* IndicatorPackage::dimension(const std::string& type, const std::string& dim) const {
  auto t = dimensions.find(type);
  if (t == dimensions.end()) return nullptr;
  auto d = t->second.find(dim);
  return d == t->second.end() ? nullptr : &d->second;
}

std::string Aggregate::series_name() const {
  std::string out;
  for (const auto& c : series) out += (out.empty() ? "" : " + ") + c;
  return out;
}

namespace {

bool known_dimension(const std::string& d) {
  return std::any_of(std::begin(kIndicatorDimensions), std::end(kIndicatorDimensions),
                     [&](const char* k) { return d == k; });
}

std::vector<std::string> strings(const Reader& r, const Json& o, const char* key, const std::string& path) {
  std::vector<std::string> out;
  if (!o.contains(key)) return out;
  const auto& a = r.array(o[key], path + "/" + key);
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) r.fail(path + "/" + key + "/" + std::to_string(i), "expected a string");
    out.push_back(a[i].get<std::string>());
  }
  return out;
}

const Field* date_field(const RecordType& t, const std::string& name) {
  const Field* f = t.field(name);
  return f && f->type == FieldType::date ? f : nullptr;
}

DimensionSource parse_dimension(const Reader& r, const Json& j, const std::string& path, const RecordType& t,
                                const std::string& dim, const Pack& pack) {
  DimensionSource d;
  d.dimension = dim;
  if (dim == "age") {
    r.keys(j, path, {"birth"}, {});
    d.field = r.str(j, "birth", path);
    if (!date_field(t, d.field)) r.fail(path + "/birth", "\"" + d.field + "\" is not a date field of " + t.name);
    return d;
  }
  r.keys(j, path, {"field"}, {"section", "level", "pick"});
  d.field = r.str(j, "field", path);
  d.section = r.str(j, "section", path);
  d.level = static_cast<int>(r.integer(j, "level", path, 1, 9, 0));
  const std::string pick = r.str(j, "pick", path, "first");
  if (pick != "first" && pick != "highest") r.fail(path + "/pick", "first or highest");
  d.highest = pick == "highest";
  if (j.contains("pick") && d.section.empty()) r.fail(path + "/pick", "only for a section's field");
  const Field* f = nullptr;
  if (d.section.empty()) {
    f = t.field(d.field);
  } else {
    const Section* s = t.section(d.section);
    if (!s) r.fail(path + "/section", "\"" + d.section + "\" is not a section of " + t.name);
    f = s->field(d.field);
  }
  if (!f || f->type != FieldType::code)
    r.fail(path + "/field", "\"" + d.field + "\" is not a code field of " + t.name + (d.section.empty() ? "" : "." + d.section));
  if (d.level > 0) {
    const CodeList* l = pack.code_list(f->code_list);
    const bool deep = l && std::any_of(l->codes.begin(), l->codes.end(), [&](const Code& c) { return c.level == d.level; });
    if (!deep && !(l && l->provided_by_profile))
      r.fail(path + "/level", "code list \"" + f->code_list + "\" has no level " + std::to_string(d.level));
  }
  return d;
}

IndicatorFilter parse_filter(const Reader& r, const Json& j, const std::string& path, const RecordType& t) {
  IndicatorFilter f;
  if (j.is_object() && j.contains("deadline")) {
    r.keys(j, path, {"deadline", "met"}, {});
    f.op = "deadline_in_time";
    f.deadline = r.str(j, "deadline", path);
    if (!t.workflow || !t.workflow->deadline(f.deadline))
      r.fail(path + "/deadline", "\"" + f.deadline + "\" is not a deadline of " + t.name);
    if (r.str(j, "met", path) != "in_time") r.fail(path + "/met", "in_time");
    return f;
  }
  r.keys(j, path, {"field", "op"}, {"values"});
  f.field = r.str(j, "field", path);
  f.op = r.str(j, "op", path);
  const Field* fd = t.field(f.field);
  if (!fd) r.fail(path + "/field", "\"" + f.field + "\" is not a field of " + t.name);
  if (f.op == "in" || f.op == "not_in") {
    if (fd->type != FieldType::code && fd->type != FieldType::boolean)
      r.fail(path + "/op", "in and not_in take a code or boolean field");
    f.values = strings(r, j, "values", path);
    if (f.values.empty()) r.fail(path + "/values", "at least one value");
    for (size_t i = 0; i < f.values.size(); ++i) {
      const std::string vp = path + "/values/" + std::to_string(i);
      if (fd->type == FieldType::boolean && f.values[i] != "true" && f.values[i] != "false") r.fail(vp, "true or false");
    }
  } else if (f.op == "is_null" || f.op == "not_null") {
    if (j.contains("values")) r.fail(path + "/values", "is_null and not_null take no values");
  } else {
    r.fail(path + "/op", "in, not_in, is_null or not_null");
  }
  return f;
}

/// Checks that a code field's listed values are codes of its list (a pack list; a profile's list
/// is checked when the profile is applied).
void check_codes(const Reader& r, const IndicatorFilter& f, const RecordType& t, const Pack& pack, const std::string& path) {
  if (f.op != "in" && f.op != "not_in") return;
  const Field* fd = t.field(f.field);
  if (fd->type != FieldType::code) return;
  const CodeList* l = pack.code_list(fd->code_list);
  if (!l || l->provided_by_profile) return;
  for (size_t i = 0; i < f.values.size(); ++i)
    if (std::none_of(l->codes.begin(), l->codes.end(), [&](const Code& c) { return c.code == f.values[i]; }))
      r.fail(path + "/values/" + std::to_string(i), "\"" + f.values[i] + "\" is not a code of " + fd->code_list);
}

Aggregate parse_aggregate(const Reader& r, const Json& j, const std::string& path, const Pack& pack) {
  Aggregate a;
  a.declaration = j;
  if (j.is_object() && j.contains("series")) {
    r.keys(j, path, {"series"}, {"at"});
    a.population = Aggregate::Population::series;
    // One code, or a list of codes added up.
    static const std::regex code(R"(^[A-Z0-9]+(_[A-Z0-9]+)*$)");
    if (j["series"].is_array()) {
      const auto& list = j["series"];
      if (list.size() < 2 || list.size() > 6) r.fail(path + "/series", "one code, or a list of 2 to 6 codes to add up");
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string ip = path + "/series/" + std::to_string(i);
        if (!list[i].is_string()) r.fail(ip, "expected a string");
        a.series.push_back(list[i].get<std::string>());
        if (std::find(a.series.begin(), a.series.end() - 1, a.series.back()) != a.series.end() - 1)
          r.fail(ip, "\"" + a.series.back() + "\" twice");
      }
    } else {
      a.series.push_back(r.str(j, "series", path));
    }
    for (size_t i = 0; i < a.series.size(); ++i)
      if (!std::regex_match(a.series[i], code))
        r.fail(path + "/series" + (j["series"].is_array() ? "/" + std::to_string(i) : ""), "an indicator code such as EES_TEES_SEX_AGE_NB");
    if (j.contains("at")) {
      const auto& at = j["at"];
      if (!at.is_object() || at.empty()) r.fail(path + "/at", "an object of dimension: code, such as {\"age\": \"Y15T24\"}");
      static const std::regex cell_code(R"(^[A-Z0-9_]{1,20}$)");
      for (const auto& [dim, c] : at.items()) {
        if (!known_dimension(dim)) r.fail(path + "/at/" + dim, "a dimension: sex, age, geo, eco, ocu, edu");
        if (!c.is_string() || !std::regex_match(c.get<std::string>(), cell_code))
          r.fail(path + "/at/" + dim, "an SDMX code such as Y15T24 or F");
        a.at[dim] = c.get<std::string>();
      }
    }
    return a;
  }
  r.keys(j, path, {"type", "measure", "population"}, {"field", "days", "filter"});
  a.type = r.str(j, "type", path);
  const RecordType* t = pack.record_type(a.type);
  if (!t) r.fail(path + "/type", "\"" + a.type + "\" is not a record type of the pack");
  const std::string m = r.str(j, "measure", path);
  if (m == "count") a.measure = Aggregate::Measure::count;
  else if (m == "sum") a.measure = Aggregate::Measure::sum;
  else if (m == "mean") a.measure = Aggregate::Measure::mean;
  else if (m == "median") a.measure = Aggregate::Measure::median;
  else r.fail(path + "/measure", "count, sum, mean or median");
  if (a.measure == Aggregate::Measure::count) {
    if (j.contains("field") || j.contains("days")) r.fail(path, "a count takes no field or days");
  } else if (j.contains("field") == j.contains("days")) {
    r.fail(path, "a " + m + " takes a field or days (one of them)");
  } else if (j.contains("field")) {
    a.field = r.str(j, "field", path);
    const Field* f = t->field(a.field);
    if (!f || (f->type != FieldType::integer && f->type != FieldType::decimal && f->type != FieldType::money))
      r.fail(path + "/field", "\"" + a.field + "\" is not an integer, decimal or money field of " + t->name);
  } else {
    const std::string dp = path + "/days";
    r.keys(j["days"], dp, {"from", "to"}, {"inclusive"});
    a.days_from = r.str(j["days"], "from", dp);
    a.days_to = r.str(j["days"], "to", dp);
    a.days_inclusive = r.boolean(j["days"], "inclusive", dp, false);
    for (const auto* end : {&a.days_from, &a.days_to})
      if (*end != "@event" && !date_field(*t, *end))
        r.fail(dp + (end == &a.days_from ? "/from" : "/to"), "\"" + *end + "\" is not a date field of " + t->name + " nor @event");
  }
  const std::string pp = path + "/population";
  const Json& p = r.object(j["population"], pp);
  if (p.size() != 1) r.fail(pp, R"(one of {"stock": [states]}, {"inflow": [states]}, {"outflow": [states]}, {"event": "<date field>"})");
  const std::string kind = p.begin().key();
  if (kind == "event") {
    a.population = Aggregate::Population::event;
    a.date_field = r.str(p, "event", pp);
    if (!date_field(*t, a.date_field)) r.fail(pp + "/event", "\"" + a.date_field + "\" is not a date field of " + t->name);
  } else if (kind == "stock" || kind == "inflow" || kind == "outflow") {
    a.population = kind == "stock" ? Aggregate::Population::stock
                   : kind == "inflow" ? Aggregate::Population::inflow
                                      : Aggregate::Population::outflow;
    if (!t->workflow) r.fail(pp + "/" + kind, t->name + " has no workflow (no status history)");
    a.states = strings(r, p, kind.c_str(), pp);
    if (a.states.empty()) r.fail(pp + "/" + kind, "at least one state");
    for (size_t i = 0; i < a.states.size(); ++i)
      if (std::find(t->workflow->states.begin(), t->workflow->states.end(), a.states[i]) == t->workflow->states.end())
        r.fail(pp + "/" + kind + "/" + std::to_string(i), "\"" + a.states[i] + "\" is not a state of " + t->name);
  } else {
    r.fail(pp + "/" + kind, "\"" + kind + "\" is not a population: stock, inflow, outflow or event");
  }
  if (a.population == Aggregate::Population::stock && (a.days_from == "@event" || a.days_to == "@event"))
    r.fail(path + "/days", "a stock has no event day");
  if (j.contains("filter")) {
    const auto& fl = r.array(j["filter"], path + "/filter");
    for (size_t i = 0; i < fl.size(); ++i) {
      const std::string fp = path + "/filter/" + std::to_string(i);
      a.filters.push_back(parse_filter(r, fl[i], fp, *t));
      check_codes(r, a.filters.back(), *t, pack, fp);
    }
  }
  return a;
}

IndicatorDef parse_indicator(const Reader& r, const Json& j, const std::string& path, const Pack& pack,
                             const IndicatorPackage& package) {
  r.keys(j, path, {"id", "group", "name", "kind", "unit", "decimals", "dimensions", "periodicity", "agency", "metadata"},
         {"multiplier", "rounding", "numerator", "denominator", "statistic", "formula", "ilostat"});
  IndicatorDef d;
  d.declaration = j;
  d.id = r.str(j, "id", path);
  static const std::regex id_re(R"(^[A-Z][0-9]{1,2}(\.[a-z][a-z0-9_]*)?$)");
  if (!std::regex_match(d.id, id_re)) r.fail(path + "/id", "an id such as C1 or D1.stock");
  d.group = r.str(j, "group", path);
  if (d.group.size() != 1 || d.group[0] != d.id[0]) r.fail(path + "/group", "the id's letter (" + d.id.substr(0, 1) + ")");
  d.name = r.label(j, "name", path, true);
  const std::string kind = r.str(j, "kind", path);
  d.unit = r.str(j, "unit", path);
  if (d.unit.empty()) r.fail(path + "/unit", "a unit (persons, actions, days, percent, per_1000...)");
  d.multiplier = r.integer(j, "multiplier", path, 1, 1000000000, 1);
  d.decimals = static_cast<int>(r.integer(j, "decimals", path, 0, 6, 0));
  const std::string rounding = r.str(j, "rounding", path, "half_even");
  if (rounding == "half_even") d.rounding = IndicatorDef::Rounding::half_even;
  else if (rounding == "half_up") d.rounding = IndicatorDef::Rounding::half_up;
  else r.fail(path + "/rounding", "half_even or half_up");
  auto only = [&](const char* key, bool allowed, const char* what) {
    if (j.contains(key) != allowed) r.fail(path + (j.contains(key) ? "/" + std::string(key) : ""),
                                           std::string(allowed ? "a " : "no ") + key + " for " + what);
  };
  if (kind == "ratio") {
    d.kind = IndicatorDef::Kind::ratio;
    only("numerator", true, "a ratio");
    only("denominator", true, "a ratio");
    only("statistic", false, "a ratio");
    only("formula", false, "a ratio");
    d.numerator = parse_aggregate(r, j["numerator"], path + "/numerator", pack);
    d.denominator = parse_aggregate(r, j["denominator"], path + "/denominator", pack);
    if (!d.numerator.additive()) r.fail(path + "/numerator/measure", "a ratio's numerator is a count or a sum");
    if (!d.denominator.additive()) r.fail(path + "/denominator/measure", "a ratio's denominator is a count or a sum");
  } else if (kind == "statistic") {
    d.kind = IndicatorDef::Kind::statistic;
    only("statistic", true, "a statistic");
    only("numerator", false, "a statistic");
    only("denominator", false, "a statistic");
    only("formula", false, "a statistic");
    d.numerator = parse_aggregate(r, j["statistic"], path + "/statistic", pack);
    if (j.contains("multiplier")) r.fail(path + "/multiplier", "a statistic has no multiplier");
  } else if (kind == "formula") {
    d.kind = IndicatorDef::Kind::formula;
    only("formula", true, "a formula");
    only("numerator", false, "a formula");
    only("denominator", false, "a formula");
    only("statistic", false, "a formula");
    const std::string fp = path + "/formula";
    r.keys(j["formula"], fp, {"op", "args"}, {});
    d.formula_op = r.str(j["formula"], "op", fp);
    if (d.formula_op != "divide" && d.formula_op != "subtract" && d.formula_op != "gap")
      r.fail(fp + "/op", "divide, subtract or gap");
    if (j.contains("multiplier") && d.formula_op != "divide") r.fail(path + "/multiplier", "only a dividing formula has a multiplier");
    const auto& args = r.array(j["formula"]["args"], fp + "/args");
    if (args.size() != 2) r.fail(fp + "/args", "two arguments");
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string ap = fp + "/args/" + std::to_string(i);
      // Arguments are taken at the same cell as the formula's value (another cell: an argument
      // whose series fix it, Aggregate::at).
      r.keys(args[i], ap, {"indicator"}, {});
      FormulaArg a;
      a.indicator = r.str(args[i], "indicator", ap);
      const IndicatorDef* target = package.find(a.indicator);
      if (!target) r.fail(ap + "/indicator", "\"" + a.indicator + "\" is not an indicator declared before this one");
      if (target->kind == IndicatorDef::Kind::formula) r.fail(ap + "/indicator", "a formula's arguments are ratios or statistics");
      d.formula_args.push_back(std::move(a));
    }
  } else {
    r.fail(path + "/kind", "ratio, statistic or formula");
  }
  d.dimensions = strings(r, j, "dimensions", path);
  std::set<std::string> seen;
  for (size_t i = 0; i < d.dimensions.size(); ++i) {
    const std::string dp = path + "/dimensions/" + std::to_string(i);
    const std::string& dim = d.dimensions[i];
    if (!known_dimension(dim)) r.fail(dp, "\"" + dim + "\" is not a dimension: sex, age, geo, eco, ocu, edu");
    if (!seen.insert(dim).second) r.fail(dp, "\"" + dim + "\" twice");
    // Every record type the indicator reads must give the dimension.
    for (const Aggregate* a : {&d.numerator, &d.denominator}) {
      if (!a->type.empty() && !package.dimension(a->type, dim))
        r.fail(dp, "record type " + a->type + " declares no source of dimension \"" + dim + "\" (\"dimensions\")");
      // A dimension fixed by a series' "at" is not one to break the indicator down by.
      if (a->at.count(dim))
        r.fail(dp, "\"" + dim + "\" is fixed to " + a->at.at(dim) + " by its series' \"at\"");
    }
  }
  d.periodicity = strings(r, j, "periodicity", path);
  if (d.periodicity.empty()) r.fail(path + "/periodicity", "at least one of month, quarter, year");
  for (size_t i = 0; i < d.periodicity.size(); ++i)
    if (d.periodicity[i] != "month" && d.periodicity[i] != "quarter" && d.periodicity[i] != "year")
      r.fail(path + "/periodicity/" + std::to_string(i), "month, quarter or year");
  d.agency = r.str(j, "agency", path);
  if (d.agency.empty()) r.fail(path + "/agency", "the responsible agency");
  d.ilostat = r.str(j, "ilostat", path);
  const auto& md = r.object(j["metadata"], path + "/metadata");
  r.keys(md, path + "/metadata", {"definition", "source"}, {"method", "limitations"});
  for (auto it = md.begin(); it != md.end(); ++it) d.metadata[it.key()] = r.label(md, it.key().c_str(), path + "/metadata", true);
  Sha256 h;
  h.update(j.dump());
  d.version = pack.version + "/" + h.hex().substr(0, 12);
  return d;
}

void parse_list(IndicatorPackage& out, const Reader& r, const Json& list, const std::string& path, const Pack& pack,
                bool from_profile) {
  const auto& arr = r.array(list, path);
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ip = path + "/" + std::to_string(i);
    IndicatorDef d = parse_indicator(r, arr[i], ip, pack, out);
    d.from_profile = from_profile;
    auto it = std::find_if(out.indicators.begin(), out.indicators.end(), [&](const IndicatorDef& x) { return x.id == d.id; });
    if (it != out.indicators.end()) {
      if (!from_profile) r.fail(ip + "/id", "duplicate indicator \"" + d.id + "\"");
      *it = std::move(d);
    } else {
      out.indicators.push_back(std::move(d));
    }
  }
}

}  // namespace

IndicatorPackage load_indicators(const DataSource& src, const std::string& rel, const Pack& pack) {
  Json j = detail::parse_json(src, rel);
  Reader r(src.describe(rel));
  r.keys(j, "", {"format", "dimensions", "indicators"}, {"description"});
  if (r.integer(j, "format", "", 1, 1, 1) != 1) r.fail("/format", "unsupported format");
  IndicatorPackage out;
  const auto& dims = r.object(j["dimensions"], "/dimensions");
  for (auto it = dims.begin(); it != dims.end(); ++it) {
    const std::string tp = "/dimensions/" + it.key();
    const RecordType* t = pack.record_type(it.key());
    if (!t) r.fail(tp, "\"" + it.key() + "\" is not a record type of the pack");
    const auto& o = r.object(*it, tp);
    for (auto d = o.begin(); d != o.end(); ++d) {
      if (!known_dimension(d.key())) r.fail(tp + "/" + d.key(), "not a dimension: sex, age, geo, eco, ocu, edu");
      out.dimensions[t->name][d.key()] = parse_dimension(r, *d, tp + "/" + d.key(), *t, d.key(), pack);
    }
  }
  parse_list(out, r, j["indicators"], "/indicators", pack, false);
  return out;
}

void apply_profile_indicators(IndicatorPackage& package, const Json& list, const std::string& file, const Pack& pack) {
  Reader r(file);
  parse_list(package, r, list, "/indicators", pack, true);
}

}  // namespace clmis::pack
