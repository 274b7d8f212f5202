#include "indicators/export.hpp"

#include "clmis/json.hpp"
#include "core/xlsx.hpp"
#include "indicators/api.hpp"
#include "pack/indicators.hpp"
#include "security/access.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace clmis::detail {

namespace {

const std::vector<std::string> kFormats = {"sdmx-csv", "sdmx-json", "sdmx-structure", "ilostat", "csv", "json", "xlsx"};

/// The pinned structure (INDICATORS.md, "Exchange formats").
constexpr const char* kAgency = "CLMIS";
constexpr const char* kDsdId = "LMI";
constexpr const char* kDsdVersion = "1.0";
constexpr const char* kStructureId = "CLMIS:LMI(1.0)";

/// The breakdown dimensions in the structure's order, with the engine's (lower-case) names.
const std::vector<std::pair<std::string, std::string>> kBreakdowns = {
    {"SEX", "sex"}, {"AGE", "age"}, {"ECO", "eco"}, {"OCU", "ocu"}, {"EDU", "edu"}, {"GEO", "geo"}};

/// Every dimension of the key, in order: REF_AREA, FREQ, INDICATOR, the breakdowns, TIME_PERIOD.
std::vector<std::string> key_dimensions() {
  std::vector<std::string> out = {"REF_AREA", "FREQ", "INDICATOR"};
  for (const auto& [sdmx, dim] : kBreakdowns) out.push_back(sdmx);
  out.push_back("TIME_PERIOD");
  return out;
}

struct Code {
  std::string id, name, description;
};

const std::vector<Code>& sex_codes() {
  static const std::vector<Code> c = {{"_T", "Total", ""}, {"M", "Male", ""}, {"F", "Female", ""},
                                      {"_N", "Not stated", ""}, {"_Z", "Not applicable", ""}};
  return c;
}

const std::vector<Code>& age_codes() {
  static const std::vector<Code> c = {
      {"_T", "Total", ""},
      {"Y_LT15", "Under 15 years", "partition"},
      {"Y15T24", "15 to 24 years", "partition"},
      {"Y25T34", "25 to 34 years", "partition"},
      {"Y35T44", "35 to 44 years", "partition"},
      {"Y45T54", "45 to 54 years", "partition"},
      {"Y55T64", "55 to 64 years", "partition"},
      {"Y_GE65", "65 years and over", "partition"},
      {"_N", "Not stated", "partition"},
      {"Y_GE15", "15 years and over", "summary band: overlaps the partitions, not additive"},
      {"Y15T64", "15 to 64 years", "summary band: overlaps the partitions, not additive"},
      {"Y_GE25", "25 years and over", "summary band: overlaps the partitions, not additive"},
      {"Y25T54", "25 to 54 years", "summary band: overlaps the partitions, not additive"},
      {"_Z", "Not applicable", ""}};
  return c;
}

const std::vector<Code>& status_codes() {
  static const std::vector<Code> c = {{"A", "Normal value", ""},
                                      {"E", "Estimated value", ""},
                                      {"P", "Provisional value", ""},
                                      {"B", "Break in series", ""},
                                      {"Q", "Suppressed (disclosure control)", ""},
                                      {"U", "Low reliability", ""},
                                      {"O", "Missing value", ""},
                                      {"M", "Missing value; data cannot exist", ""}};
  return c;
}

const std::vector<Code>& freq_codes() {
  static const std::vector<Code> c = {{"A", "Annual", ""}, {"Q", "Quarterly", ""}, {"M", "Monthly", ""}};
  return c;
}

const pack::IndicatorPackage& package(Context& cx) {
  if (!cx.pack.indicators) throw NotFound("the pack in force declares no indicators");
  return *cx.pack.indicators;
}

std::string label(const pack::Label& l, const std::string& lang) { return l.get(lang); }

/// The codes of a breakdown dimension from the code lists the pack's record types use for it
/// (eco: ISIC sections, ocu: ISCO major groups, edu: ISCED levels, geo: the subdivisions), in
/// the lists' order, each once; _T first and _N, _Z last.
std::vector<Code> dimension_codes(Context& cx, const std::string& dim, const std::string& lang) {
  if (dim == "sex") return sex_codes();
  if (dim == "age") return age_codes();
  std::vector<Code> out = {{"_T", "Total", ""}};
  std::set<std::string> seen;
  const auto& pkg = package(cx);
  for (const auto& [type_name, dims] : pkg.dimensions) {
    auto it = dims.find(dim);
    if (it == dims.end()) continue;
    const auto& src = it->second;
    const pack::RecordType* t = nullptr;
    try {
      t = &cx.type(type_name);
    } catch (const NotFound&) {
      continue;
    }
    const pack::Field* f = nullptr;
    if (src.section.empty()) {
      f = t->field(src.field);
    } else if (const auto* sec = t->section(src.section)) {
      f = sec->field(src.field);
    }
    if (!f || f->code_list.empty()) continue;
    const auto* list = cx.pack.code_list(f->code_list);
    if (!list || list->codes.empty()) {
      // A list the pack leaves to the country (the parishes): the profile's codes.
      auto pl = std::find_if(cx.profile.code_lists.begin(), cx.profile.code_lists.end(),
                             [&](const pack::CodeList& l) { return l.name == f->code_list; });
      if (pl != cx.profile.code_lists.end()) list = &*pl;
    }
    if (!list) continue;
    for (const auto& c : list->codes) {
      if (src.level > 0 && c.level != src.level) continue;
      const std::string id = dim == "edu" ? "ISCED11_" + c.code : c.code;
      if (seen.insert(id).second) out.push_back({id, label(c.label, lang), ""});
    }
  }
  out.push_back({"_N", "Not stated", ""});
  out.push_back({"_Z", "Not applicable", ""});
  return out;
}

/// A definition's code of a dimension in an observation: the cell's code when broken down by it
/// or fixed at it (A10's age, Y15T24), _Z when the indicator does not have the dimension, _T
/// otherwise.
std::string cell_code(const pack::IndicatorDef& d, const Json& o, const std::string& dim) {
  const auto& cell = o["cell"];
  if (cell.contains(dim)) return cell[dim].get<std::string>();
  if (std::find(d.dimensions.begin(), d.dimensions.end(), dim) == d.dimensions.end()) return "_Z";
  return "_T";
}

std::string text_or_empty(const Json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

/// RFC 4180: a field with a comma, quote or line break is quoted; lines end with CRLF.
void csv_line(std::ostringstream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (i) out << ',';
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out << f;
    } else {
      out << '"';
      for (char ch : f) {
        if (ch == '"') out << '"';
        out << ch;
      }
      out << '"';
    }
  }
  out << "\r\n";
}

struct Input {
  std::string format, lang;
  Json compute_spec;
  std::vector<std::string> ids;  ///< requested ("indicators"), empty: all
  std::vector<std::string> by;
};

Input parse(Context& cx, const Json& spec) {
  std::vector<FieldError> errors;
  if (!spec.is_object()) throw ValidationError(std::vector<FieldError>{{"indicators", "", spec, "type", "a JSON object"}});
  Input in;
  if (!spec.contains("format")) {
    errors.push_back({"indicators", "format", nullptr, "required", "sdmx-csv, sdmx-json, sdmx-structure, ilostat, csv, json or xlsx"});
  } else if (!spec["format"].is_string() ||
             std::find(kFormats.begin(), kFormats.end(), spec["format"].get<std::string>()) == kFormats.end()) {
    errors.push_back({"indicators", "format", spec["format"], "code_list", "sdmx-csv, sdmx-json, sdmx-structure, ilostat, csv, json or xlsx"});
  } else {
    in.format = spec["format"].get<std::string>();
  }
  if (spec.contains("lang")) {
    if (!spec["lang"].is_string()) errors.push_back({"indicators", "lang", spec["lang"], "type", "a language code, e.g. en"});
    else in.lang = spec["lang"].get<std::string>();
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (in.lang.empty()) in.lang = cx.profile.languages.front();
  in.compute_spec = spec;
  in.compute_spec.erase("format");
  in.compute_spec.erase("lang");
  if (spec.contains("indicators") && spec["indicators"].is_array())
    for (const auto& v : spec["indicators"])
      if (v.is_string()) in.ids.push_back(v.get<std::string>());
  if (spec.contains("by") && spec["by"].is_array())
    for (const auto& v : spec["by"])
      if (v.is_string()) in.by.push_back(v.get<std::string>());
  return in;
}

/// The definitions requested (all when none is named), in the package's order; ValidationError
/// for an id the package does not have.
std::vector<const pack::IndicatorDef*> requested(Context& cx, const std::vector<std::string>& ids) {
  const auto& pkg = package(cx);
  std::vector<const pack::IndicatorDef*> out;
  std::vector<FieldError> errors;
  for (size_t i = 0; i < ids.size(); ++i)
    if (!pkg.find(ids[i]))
      errors.push_back({"indicators", "indicators[" + std::to_string(i) + "]", ids[i], "code_list", "no indicator \"" + ids[i] + "\" in the package"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  for (const auto& d : pkg.indicators)
    if (ids.empty() || std::find(ids.begin(), ids.end(), d.id) != ids.end()) out.push_back(&d);
  return out;
}

std::string metadata_text(const pack::IndicatorDef& d, const std::string& key, const std::string& lang) {
  auto it = d.metadata.find(key);
  return it == d.metadata.end() ? std::string() : label(it->second, lang);
}

// --- SDMX-CSV 2.0 --------------------------------------------------------------------------------

std::string sdmx_csv(Context& cx, const Json& observations) {
  const auto& pkg = package(cx);
  std::ostringstream out;
  std::vector<std::string> header = {"STRUCTURE", "STRUCTURE_ID", "ACTION"};
  for (const auto& k : key_dimensions()) header.push_back(k);
  for (const char* h : {"OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "SOURCE", "COMMENT"}) header.push_back(h);
  csv_line(out, header);
  for (const auto& o : observations) {
    const auto* d = pkg.find(o["indicator"].get<std::string>());
    std::vector<std::string> row = {"datastructure", kStructureId, "I", cx.profile.iso3, o["freq"].get<std::string>(), d->id};
    for (const auto& [sdmx, dim] : kBreakdowns) row.push_back(cell_code(*d, o, dim));
    row.push_back(o["period"].get<std::string>());
    row.push_back(text_or_empty(o["value"]));
    row.push_back(o["status"].get<std::string>());
    row.push_back(d->unit);
    row.push_back("0");
    row.push_back(std::to_string(d->decimals));
    row.push_back(d->agency);
    row.push_back(text_or_empty(o["note"]));
    csv_line(out, row);
  }
  return out.str();
}

// --- SDMX-JSON 2.0 -------------------------------------------------------------------------------

/// A number written into a JSON text exactly as its decimal numeral: nlohmann writes numbers as
/// doubles, so the numeral goes in as a marked string and the marks are taken off the text.
const std::string kNumberMark = "@@clmis-decimal@@";

/// Takes the marks off: "@@clmis-decimal@@12.50" (quotes included) → 12.50. Only a mark followed
/// by a numeral (digits, one point, a leading minus) and the closing quote is a number; any other
/// text is left as it is.
std::string unmark_numbers(const std::string& text) {
  const std::string open = "\"" + kNumberMark;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (;;) {
    const size_t at = text.find(open, pos);
    if (at == std::string::npos) break;
    const size_t begin = at + open.size();
    const size_t end = text.find('"', begin);
    const std::string numeral = end == std::string::npos ? std::string() : text.substr(begin, end - begin);
    if (!xlsx::significant_digits(numeral)) {  // not a numeral: not a mark of ours
      out.append(text, pos, begin - pos);
      pos = begin;
      continue;
    }
    out.append(text, pos, at - pos);
    out += numeral;
    pos = end + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

Json names(const std::string& name, const std::string& lang) { return Json{{lang, name}}; }

Json meta(Context& cx, const std::string& schema, const std::string& id, const std::string& lang) {
  return Json{{"schema", schema},
              {"id", id},
              {"prepared", cx.clock.now_text()},
              {"test", false},
              {"contentLanguages", Json::array({lang})},
              {"sender", Json{{"id", kAgency}}}};
}

std::string dsd_urn() {
  return std::string("urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=") + kAgency + ":" + kDsdId + "(" + kDsdVersion + ")";
}

std::string concept_name(const std::string& id) {
  static const std::map<std::string, std::string> n = {
      {"REF_AREA", "Reference area"}, {"FREQ", "Frequency"},          {"INDICATOR", "Indicator"},
      {"SEX", "Sex"},                 {"AGE", "Age"},                  {"ECO", "Economic activity (ISIC Rev.4 section)"},
      {"OCU", "Occupation (ISCO-08 major group)"},                     {"EDU", "Education (ISCED 2011 level)"},
      {"GEO", "Subdivision (ISO 3166-2)"},                             {"TIME_PERIOD", "Time period"},
      {"OBS_VALUE", "Observation value"},                              {"OBS_STATUS", "Observation status"},
      {"UNIT_MEASURE", "Unit of measure"},                             {"UNIT_MULT", "Unit multiplier"},
      {"DECIMALS", "Decimals"},       {"SOURCE", "Source agency"},     {"COMMENT", "Comment"}};
  return n.at(id);
}

std::string sdmx_json(Context& cx, const Json& observations, const std::string& lang, const std::string& period) {
  const auto& pkg = package(cx);
  const auto dims = key_dimensions();
  // The values of each component in the order they first appear.
  std::vector<std::vector<std::string>> values(dims.size());
  auto index_of = [](std::vector<std::string>& list, const std::string& v) {
    auto it = std::find(list.begin(), list.end(), v);
    if (it != list.end()) return static_cast<int>(it - list.begin());
    list.push_back(v);
    return static_cast<int>(list.size() - 1);
  };
  std::vector<std::string> units, mults, decimals, sources, statuses, comments;
  Json series = Json::object();
  std::vector<std::string> series_order;
  for (const auto& o : observations) {
    const auto* d = pkg.find(o["indicator"].get<std::string>());
    std::vector<std::string> key = {cx.profile.iso3, o["freq"].get<std::string>(), d->id};
    for (const auto& [sdmx, dim] : kBreakdowns) key.push_back(cell_code(*d, o, dim));
    std::string skey;
    for (size_t i = 0; i < key.size(); ++i) skey += (i ? ":" : "") + std::to_string(index_of(values[i], key[i]));
    const int t = index_of(values[dims.size() - 1], o["period"].get<std::string>());
    if (!series.contains(skey)) {
      series[skey] = Json{{"attributes", Json::array({index_of(units, d->unit), index_of(mults, "0"),
                                                      index_of(decimals, std::to_string(d->decimals)),
                                                      index_of(sources, d->agency)})},
                          {"observations", Json::object()}};
    }
    const Json value = o["value"].is_string() ? Json(kNumberMark + o["value"].get<std::string>()) : Json(nullptr);
    const Json comment = o["note"].is_string() ? Json(index_of(comments, o["note"].get<std::string>())) : Json(nullptr);
    series[skey]["observations"][std::to_string(t)] = Json::array({value, index_of(statuses, o["status"].get<std::string>()), comment});
  }
  // Names of the codes, from the codelists the structure message gives.
  std::map<std::string, std::map<std::string, std::string>> code_names;
  for (const auto& [sdmx, dim] : kBreakdowns)
    for (const auto& c : dimension_codes(cx, dim, lang)) code_names[sdmx][c.id] = c.name;
  for (const auto& c : freq_codes()) code_names["FREQ"][c.id] = c.name;
  for (const auto& d : pkg.indicators) code_names["INDICATOR"][d.id] = label(d.name, lang);
  code_names["REF_AREA"][cx.profile.iso3] = label(cx.profile.name, lang);
  std::map<std::string, std::string> status_names;
  for (const auto& c : status_codes()) status_names[c.id] = c.name;

  Json series_dims = Json::array(), obs_dims = Json::array();
  for (size_t i = 0; i < dims.size(); ++i) {
    Json vals = Json::array();
    for (const auto& v : values[i]) {
      Json jv = {{"id", v}};
      auto cn = code_names.find(dims[i]);
      if (cn != code_names.end()) {
        auto n = cn->second.find(v);
        if (n != cn->second.end()) jv["name"] = n->second;
      } else {
        jv["name"] = v;
      }
      vals.push_back(jv);
    }
    Json comp = {{"id", dims[i]}, {"name", concept_name(dims[i])}, {"keyPosition", static_cast<int>(i)}, {"values", vals}};
    if (dims[i] == "TIME_PERIOD") comp["roles"] = Json::array({"TIME_PERIOD"});
    if (dims[i] == "REF_AREA" || dims[i] == "FREQ") comp["roles"] = Json::array({dims[i]});
    (dims[i] == "TIME_PERIOD" ? obs_dims : series_dims).push_back(comp);
  }
  auto attr = [&](const std::string& id, const std::vector<std::string>& vals, const Json& relationship,
                  const std::map<std::string, std::string>* vnames) {
    Json v = Json::array();
    for (const auto& x : vals) {
      Json jv = {{"id", x}};
      if (vnames && vnames->count(x)) jv["name"] = vnames->at(x);
      else jv["name"] = x;
      v.push_back(jv);
    }
    return Json{{"id", id}, {"name", concept_name(id)}, {"relationship", relationship}, {"values", v}};
  };
  const Json by_indicator = {{"dimensions", Json::array({"INDICATOR"})}};
  const Json by_observation = {{"primaryMeasure", "OBS_VALUE"}};
  Json structure = {
      {"links", Json::array({Json{{"urn", dsd_urn()}, {"rel", "DataStructure"}}})},
      {"name", "National labour-market indicators"},
      {"names", names("National labour-market indicators", lang)},
      {"dimensions", {{"dataSet", Json::array()}, {"series", series_dims}, {"observation", obs_dims}}},
      {"measures", {{"observation", Json::array({Json{{"id", "OBS_VALUE"}, {"name", concept_name("OBS_VALUE")}}})}}},
      {"attributes",
       {{"dataSet", Json::array()},
        {"series", Json::array({attr("UNIT_MEASURE", units, by_indicator, nullptr), attr("UNIT_MULT", mults, by_indicator, nullptr),
                                attr("DECIMALS", decimals, by_indicator, nullptr), attr("SOURCE", sources, by_indicator, nullptr)})},
        {"observation", Json::array({attr("OBS_STATUS", statuses, by_observation, &status_names),
                                     attr("COMMENT", comments, by_observation, nullptr)})}}}};
  Json message = {
      {"meta", meta(cx, "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json",
                    std::string("CLMIS-LMI-") + cx.profile.iso3 + "-" + period, lang)},
      {"data",
       {{"structures", Json::array({structure})},
        {"dataSets", Json::array({Json{{"structure", 0}, {"action", "Information"}, {"series", series}}})}}}};
  return unmark_numbers(dump_json(message, 1)) + "\n";
}

// --- SDMX-JSON 2.0 structure message ----------------------------------------------------------------

std::string urn_concept(const std::string& id) {
  return std::string("urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=") + kAgency + ":CS_LMI(" + kDsdVersion + ")." + id;
}
std::string urn_codelist(const std::string& id) {
  return std::string("urn:sdmx:org.sdmx.infomodel.codelist.Codelist=") + kAgency + ":" + id + "(" + kDsdVersion + ")";
}

Json codelist(const std::string& id, const std::string& name, const std::vector<Code>& codes, const std::string& lang) {
  Json cs = Json::array();
  for (const auto& c : codes) {
    Json j = {{"id", c.id}, {"name", c.name}, {"names", names(c.name, lang)}};
    if (!c.description.empty()) {
      j["description"] = c.description;
      j["descriptions"] = names(c.description, lang);
    }
    cs.push_back(j);
  }
  return Json{{"id", id},          {"agencyID", kAgency}, {"version", kDsdVersion}, {"isFinal", false},
              {"name", name},      {"names", names(name, lang)}, {"codes", cs}};
}

std::string sdmx_structure(Context& cx, const std::vector<const pack::IndicatorDef*>& defs, const std::string& lang) {
  const std::map<std::string, std::string> lists = {{"REF_AREA", "CL_AREA"}, {"FREQ", "CL_FREQ"}, {"INDICATOR", "CL_INDICATOR"},
                                                    {"SEX", "CL_SEX"},       {"AGE", "CL_AGE"},   {"ECO", "CL_ECO"},
                                                    {"OCU", "CL_OCU"},       {"EDU", "CL_EDU"},   {"GEO", "CL_GEO"},
                                                    {"OBS_STATUS", "CL_OBS_STATUS"}};
  Json codelists = Json::array();
  codelists.push_back(codelist("CL_AREA", "Reference area", {{cx.profile.iso3, label(cx.profile.name, lang), ""}}, lang));
  codelists.push_back(codelist("CL_FREQ", "Frequency", freq_codes(), lang));
  std::vector<Code> ind;
  for (const auto* d : defs) ind.push_back({d->id, label(d->name, lang), metadata_text(*d, "definition", lang)});
  codelists.push_back(codelist("CL_INDICATOR", "Indicator", ind, lang));
  const std::map<std::string, std::string> list_names = {{"SEX", "Sex"},
                                                         {"AGE", "Age: partitions and summary bands"},
                                                         {"ECO", "Economic activity: ISIC Rev.4 sections"},
                                                         {"OCU", "Occupation: ISCO-08 major groups"},
                                                         {"EDU", "Education: ISCED 2011 levels"},
                                                         {"GEO", "Subdivisions of the country (ISO 3166-2)"}};
  for (const auto& [sdmx, dim] : kBreakdowns) codelists.push_back(codelist(lists.at(sdmx), list_names.at(sdmx), dimension_codes(cx, dim, lang), lang));
  codelists.push_back(codelist("CL_OBS_STATUS", "Observation status", status_codes(), lang));

  Json concepts = Json::array();
  std::vector<std::string> all = key_dimensions();
  for (const char* a : {"OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "SOURCE", "COMMENT"}) all.push_back(a);
  for (const auto& c : all) concepts.push_back(Json{{"id", c}, {"name", concept_name(c)}, {"names", names(concept_name(c), lang)}});

  Json dimensions = Json::array();
  const auto dims = key_dimensions();
  for (size_t i = 0; i + 1 < dims.size(); ++i)
    dimensions.push_back(Json{{"id", dims[i]},
                              {"position", static_cast<int>(i)},
                              {"type", "Dimension"},
                              {"conceptIdentity", urn_concept(dims[i])},
                              {"localRepresentation", {{"enumeration", urn_codelist(lists.at(dims[i]))}}}});
  const Json time = {{"id", "TIME_PERIOD"},
                     {"position", static_cast<int>(dims.size() - 1)},
                     {"type", "TimeDimension"},
                     {"conceptIdentity", urn_concept("TIME_PERIOD")},
                     {"localRepresentation", {{"format", {{"dataType", "ObservationalTimePeriod"}}}}}};
  auto attribute = [&](const std::string& id, const std::string& usage, const Json& relationship, const Json& representation) {
    Json a = {{"id", id}, {"usage", usage}, {"attributeRelationship", relationship}, {"conceptIdentity", urn_concept(id)}};
    if (!representation.is_null()) a["localRepresentation"] = representation;
    return a;
  };
  const Json on_indicator = {{"dimensions", Json::array({"INDICATOR"})}};
  const Json on_observation = {{"observation", Json::object()}};
  const Json dsd = {
      {"id", kDsdId},
      {"agencyID", kAgency},
      {"version", kDsdVersion},
      {"isFinal", false},
      {"name", "National labour-market indicators"},
      {"names", names("National labour-market indicators", lang)},
      {"dataStructureComponents",
       {{"dimensionList", {{"id", "DimensionDescriptor"}, {"dimensions", dimensions}, {"timeDimensions", Json::array({time})}}},
        {"measureList",
         {{"id", "MeasureDescriptor"},
          {"measures", Json::array({Json{{"id", "OBS_VALUE"}, {"conceptIdentity", urn_concept("OBS_VALUE")},
                                         {"usage", "optional"},
                                         {"localRepresentation", {{"format", {{"dataType", "Decimal"}}}}}}})}}},
        {"attributeList",
         {{"id", "AttributeDescriptor"},
          {"attributes",
           Json::array({attribute("OBS_STATUS", "mandatory", on_observation, Json{{"enumeration", urn_codelist("CL_OBS_STATUS")}}),
                        attribute("UNIT_MEASURE", "mandatory", on_indicator, Json{{"format", {{"dataType", "String"}}}}),
                        attribute("UNIT_MULT", "mandatory", on_indicator, Json{{"format", {{"dataType", "Integer"}}}}),
                        attribute("DECIMALS", "mandatory", on_indicator, Json{{"format", {{"dataType", "Integer"}}}}),
                        attribute("SOURCE", "optional", on_indicator, Json{{"format", {{"dataType", "String"}}}}),
                        attribute("COMMENT", "optional", on_observation, Json{{"format", {{"dataType", "String"}}}})})}}}}}};
  const Json scheme = {{"id", "CS_LMI"},
                       {"agencyID", kAgency},
                       {"version", kDsdVersion},
                       {"isFinal", false},
                       {"name", "Concepts of the labour-market indicators"},
                       {"names", names("Concepts of the labour-market indicators", lang)},
                       {"concepts", concepts}};
  const Json message = {
      {"meta", meta(cx, "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json",
                    std::string("CLMIS-LMI-STRUCTURE-") + cx.profile.iso3, lang)},
      {"data", {{"dataStructures", Json::array({dsd})}, {"conceptSchemes", Json::array({scheme})}, {"codelists", codelists}}}};
  return dump_json(message, 1) + "\n";
}

// --- ILOSTAT bulk CSV ----------------------------------------------------------------------------

/// ILOSTAT's classif1 code of a cell's code of dimension dim; empty when ILOSTAT has none.
std::string ilostat_classif(const std::string& dim, const std::string& code) {
  if (dim == "age") {
    static const std::map<std::string, std::string> a = {
        {"_T", "AGE_10YRBANDS_TOTAL"},        {"Y_LT15", "AGE_10YRBANDS_YLT15"},   {"Y15T24", "AGE_10YRBANDS_Y15-24"},
        {"Y25T34", "AGE_10YRBANDS_Y25-34"},   {"Y35T44", "AGE_10YRBANDS_Y35-44"},  {"Y45T54", "AGE_10YRBANDS_Y45-54"},
        {"Y55T64", "AGE_10YRBANDS_Y55-64"},   {"Y_GE65", "AGE_10YRBANDS_YGE65"},   {"Y_GE15", "AGE_YTHADULT_YGE15"},
        {"Y15T64", "AGE_YTHADULT_Y15-64"},    {"Y_GE25", "AGE_YTHADULT_YGE25"},    {"Y25T54", "AGE_AGGREGATE_Y25-54"}};
    auto it = a.find(code);
    return it == a.end() ? std::string() : it->second;
  }
  if (dim == "eco") return code == "_T" ? "ECO_ISIC4_TOTAL" : code == "_N" ? "ECO_ISIC4_X" : "ECO_ISIC4_" + code;
  if (dim == "ocu") return code == "_T" ? "OCU_ISCO08_TOTAL" : code == "_N" ? "OCU_ISCO08_X" : "OCU_ISCO08_" + code;
  if (dim == "edu") {
    if (code == "_T") return "EDU_ISCED11_TOTAL";
    // ILOSTAT's ISCED 2011 classification: X is "no schooling", 9 "not elsewhere classified"
    // (the ILO's microdata processing do-files; shared/data/classifications/SOURCES.md §3).
    if (code == "_N") return "EDU_ISCED11_9";
    return "EDU_" + code;  // ISCED11_3 → EDU_ISCED11_3
  }
  return {};
}

/// The classification an ILOSTAT code is broken down by (its "_SEX_AGE_", "_ECO_"... part).
std::string ilostat_dimension(const std::string& code) {
  for (const char* d : {"AGE", "ECO", "OCU", "EDU"})
    if (code.find(std::string("_") + d + "_") != std::string::npos) {
      std::string s = d;
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return s;
    }
  return {};
}

std::string ilostat_csv(Context& cx, const Json& observations) {
  const auto& pkg = package(cx);
  std::ostringstream out;
  csv_line(out, {"ref_area", "source", "indicator", "sex", "classif1", "classif2", "time", "obs_value", "obs_status",
                 "note_classif", "note_indicator", "note_source"});
  for (const auto& o : observations) {
    const auto* d = pkg.find(o["indicator"].get<std::string>());
    if (d->ilostat.empty() || !o["value"].is_string()) continue;  // no code, or nothing to send
    const auto& cell = o["cell"];
    if (cell.contains("geo")) continue;                                        // ILOSTAT has no subdivisions
    std::string sex = "SEX_T";
    if (cell.contains("sex")) {
      if (d->ilostat.find("_SEX_") == std::string::npos) continue;  // the ILOSTAT indicator is not by sex
      const std::string s = cell["sex"].get<std::string>();
      if (s == "_N") continue;  // not stated: in SEX_T only
      sex = "SEX_" + s;
    }
    const std::string dim = ilostat_dimension(d->ilostat);
    std::string classif1;
    bool other = false;
    for (auto it = cell.begin(); it != cell.end(); ++it)
      if (it.key() != "sex" && it.key() != dim) other = true;
    if (other) continue;  // a breakdown the ILOSTAT indicator does not have
    if (!dim.empty()) {
      const std::string code = cell.contains(dim) ? cell[dim].get<std::string>() : "_T";
      classif1 = ilostat_classif(dim, code);
      if (classif1.empty()) continue;  // age not stated: in the total only
    }
    std::string value = o["value"].get<std::string>();
    if (indicator_export::ilostat_in_thousands(d->ilostat)) value = indicator_export::thousandths(value);
    const std::string status = o["status"].get<std::string>();
    csv_line(out, {cx.profile.iso3, d->agency, d->ilostat, sex, classif1, "", indicator_export::ilostat_time(o["period"].get<std::string>()),
                   value, status == "A" ? "" : status, "", "", ""});
  }
  return out.str();
}

// --- CSV and JSON --------------------------------------------------------------------------------

std::string plain_csv(const Json& observations, const std::vector<std::string>& by) {
  std::ostringstream out;
  std::vector<std::string> header = {"indicator", "period", "freq"};
  for (const auto& d : by) header.push_back(d);
  for (const char* h : {"value", "status", "numerator", "denominator", "records"}) header.push_back(h);
  csv_line(out, header);
  for (const auto& o : observations) {
    std::vector<std::string> row = {o["indicator"], o["period"], o["freq"]};
    for (const auto& d : by) row.push_back(o["cell"].contains(d) ? o["cell"][d].get<std::string>() : std::string("_T"));
    row.push_back(text_or_empty(o["value"]));
    row.push_back(o["status"]);
    row.push_back(text_or_empty(o["numerator"]));
    row.push_back(text_or_empty(o["denominator"]));
    row.push_back(std::to_string(o["records"].get<std::int64_t>()));
    csv_line(out, row);
  }
  return out.str();
}

Json definitions_of(Context& cx, const std::vector<const pack::IndicatorDef*>& defs, const std::string& lang) {
  const Json all = indicators_list(cx, lang)["indicators"];
  Json out = Json::array();
  for (const auto& j : all)
    for (const auto* d : defs)
      if (j["id"] == d->id) out.push_back(j);
  return out;
}

// --- Excel ---------------------------------------------------------------------------------------

/// A temporary file (mode 0600) removed when it goes out of scope.
struct TempFile {
  std::string path;
  TempFile() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "clmis-indicators-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const int fd = ::mkstemp(buf.data());
    if (fd < 0) throw StorageError("cannot create a temporary file for the workbook in " + std::filesystem::temp_directory_path().string());
    ::close(fd);
    path = buf.data();
  }
  ~TempFile() { std::remove(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

void number_or_text(xlsx::Sheet& sheet, const Json& v) {
  if (!v.is_string()) {
    sheet.skip();
    return;
  }
  const std::string s = v.get<std::string>();
  if (xlsx::significant_digits(s)) sheet.number(s);
  else sheet.text(s);
}

std::string workbook(const Json& observations, const std::vector<const pack::IndicatorDef*>& defs,
                     const std::vector<std::string>& by, const std::string& lang) {
  TempFile file;
  {
    xlsx::Workbook book(file.path);
    for (const auto* d : defs) {
      std::vector<std::string> dims;
      for (const auto& b : by)
        if (std::find(d->dimensions.begin(), d->dimensions.end(), b) != d->dimensions.end()) dims.push_back(b);
      std::vector<std::string> header = {"period", "freq"};
      for (const auto& b : dims) header.push_back(b);
      for (const char* h : {"value", "status", "numerator", "denominator", "records", "note"}) header.push_back(h);
      auto& sheet = book.add_sheet(d->id, header);
      for (const auto& o : observations) {
        if (o["indicator"] != d->id) continue;
        sheet.next_row();
        sheet.text(o["period"].get<std::string>());
        sheet.text(o["freq"].get<std::string>());
        for (const auto& b : dims) sheet.text(o["cell"].contains(b) ? o["cell"][b].get<std::string>() : std::string("_T"));
        number_or_text(sheet, o["value"]);
        sheet.text(o["status"].get<std::string>());
        number_or_text(sheet, o["numerator"]);
        number_or_text(sheet, o["denominator"]);
        sheet.integer(o["records"].get<std::int64_t>());
        if (o["note"].is_string()) sheet.text(o["note"].get<std::string>());
      }
    }
    auto& meta_sheet = book.add_sheet("metadata", {"id", "name", "definition", "source", "method", "limitations", "unit", "agency", "version"});
    for (const auto* d : defs) {
      meta_sheet.next_row();
      meta_sheet.text(d->id);
      meta_sheet.text(label(d->name, lang));
      for (const char* k : {"definition", "source", "method", "limitations"}) meta_sheet.text(metadata_text(*d, k, lang));
      meta_sheet.text(d->unit);
      meta_sheet.text(d->agency);
      meta_sheet.text(d->version);
    }
    book.close();
  }
  std::ifstream in(file.path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw StorageError("cannot read back the workbook written to " + file.path);
  return bytes;
}

}  // namespace

bool is_indicator_export_format(const std::string& format) {
  return std::find(kFormats.begin(), kFormats.end(), format) != kFormats.end();
}

std::string indicators_export(Context& cx, const Json& spec, const indicators::Progress& progress) {
  package(cx);
  cx.access.require_active(cx);
  const Input in = parse(cx, spec);
  const auto defs = requested(cx, in.ids);
  if (in.format == "sdmx-structure") return sdmx_structure(cx, defs, in.lang);
  const Json computed = indicators_compute(cx, in.compute_spec, progress);
  const Json& observations = computed["observations"];
  if (in.format == "sdmx-csv") return sdmx_csv(cx, observations);
  if (in.format == "sdmx-json") return sdmx_json(cx, observations, in.lang, in.compute_spec.value("period", std::string()));
  if (in.format == "ilostat") return ilostat_csv(cx, observations);
  if (in.format == "csv") return plain_csv(observations, in.by);
  if (in.format == "json") {
    Json out = {{"observations", observations}, {"indicators", definitions_of(cx, defs, in.lang)}};
    if (computed.contains("disclosure")) out["disclosure"] = computed["disclosure"];
    return dump_json(out, 1) + "\n";
  }
  return workbook(observations, defs, in.by, in.lang);
}

namespace indicator_export {

std::string ilostat_classification(const std::string& dim, const std::string& code) { return ilostat_classif(dim, code); }


std::string thousandths(const std::string& numeral) {
  std::string s = numeral;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.erase(0, 1);
  }
  std::string digits, fraction;
  const auto dot = s.find('.');
  digits = dot == std::string::npos ? s : s.substr(0, dot);
  fraction = dot == std::string::npos ? std::string() : s.substr(dot + 1);
  while (digits.size() < 4) digits.insert(0, "0");
  fraction = digits.substr(digits.size() - 3) + fraction;
  digits.erase(digits.size() - 3);
  while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  std::string out = digits + (fraction.empty() ? "" : "." + fraction);
  if (negative && out != "0") out.insert(0, "-");
  return out;
}

std::string ilostat_time(const std::string& period) {
  if (period.size() == 7 && period[4] == '-' && period[5] == 'Q') return period.substr(0, 4) + period.substr(5);
  if (period.size() == 7 && period[4] == '-') return period.substr(0, 4) + "M" + period.substr(5);
  return period;
}

bool ilostat_in_thousands(const std::string& code) {
  // ILOSTAT publishes levels of persons (the labour force survey's employment, unemployment,
  // labour force, population, employees) and the workers involved in and the days not worked
  // through strikes in thousands; counts of cases (strikes), earnings, days per case and output
  // per worker in units.
  static const char* const prefixes[] = {"EMP_", "UNE_", "EAP_", "POP_", "EIP_", "EES_", "TRU_", "STR_WORK_", "STR_DAYS_"};
  if (code.size() < 3 || code.compare(code.size() - 3, 3, "_NB") != 0) return false;
  for (const char* p : prefixes)
    if (code.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace indicator_export

}  // namespace clmis::detail
