#include "indicators/series.hpp"

#include "core/hash.hpp"
#include "indicators/series_formats.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/codes.hpp"
#include "store/feed.hpp"
#include "store/series.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace clmis::detail {

namespace {

using indicators::ParsedObservation;

/// Whose series a session reaches: every agency's, or one.
struct Reach {
  bool every = false;
  std::string agency;
};

Reach series_reach(Context& cx) {
  cx.access.require_active(cx);
  const auto& p = cx.access.principal(cx);
  if (p.system.count("series")) return {true, {}};
  for (const auto* role : p.roles)
    if (role->agency) {
      const auto agency = store::user_agency(cx.conn, cx.who.uid);
      if (!agency) cx.access.deny(cx, "series", "the user belongs to no agency (an administrator sets it)");
      return {false, *agency};
    }
  cx.access.deny(cx, "series", "no role of this user grants it (the administrator's, or a partner agency's)");
}

ValidationError invalid(const std::string& path, Json value, const std::string& rule, const std::string& message) {
  return ValidationError(message, std::vector<FieldError>{{"series", path, std::move(value), rule, message}});
}

/// An option that must be a string when given ("" when absent or null).
std::string text_option(const Json& options, const char* name, std::size_t max) {
  if (!options.contains(name) || options[name].is_null()) return {};
  if (!options[name].is_string())
    throw invalid(name, options[name], "type", std::string(name) + " is a string");
  auto v = options[name].get<std::string>();
  if (!valid_utf8(v) || utf8_length(v) > max)
    throw invalid(name, v, "length", std::string(name) + " of at most " + std::to_string(max) + " characters of UTF-8");
  return v;
}

/// The agency a code of the list "agency" names (active), or a ValidationError.
void require_agency_code(Context& cx, const std::string& agency) {
  const auto code = store::read_code(cx.conn, kAgencyList, agency);
  if (code && code->active) return;
  std::string known;
  for (const auto& c : store::list_codes(cx.conn, kAgencyList))
    if (c.active) known += (known.empty() ? "" : ", ") + c.code;
  throw invalid("agency", agency, "code_list",
                "\"" + agency + "\" is not an agency of the code list agency" +
                    (known.empty() ? " (the database's pack has none: open it with --upgrade)" : " (" + known + ")"));
}

bool same_text(const std::optional<std::string>& a, const std::string& b) { return a.value_or("") == b; }

bool same_decimal(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return !a && !b;
  return indicators::same_number(*a, *b);
}

/// Nothing of the observation differs from its latest revision.
bool unchanged(const store::ObservationRow& latest, const ParsedObservation& ob) {
  return same_decimal(latest.value, ob.value) && latest.status == ob.status && same_text(latest.note, ob.note) &&
         latest.sample_size == ob.sample_size && same_decimal(latest.cv, ob.cv);
}

store::ObservationKey key_of(const ParsedObservation& ob) {
  return {ob.key.sex, ob.key.age, ob.key.eco, ob.key.ocu, ob.key.edu, ob.key.geo, ob.period.text};
}

std::string to_hex(const std::string& s) {
  static const char* const digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = v(s[i]), lo = v(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Json row_json(const store::Observation& o) {
  const auto& s = o.series;
  const auto& r = o.row;
  return Json{{"series", s.id},
              {"agency", s.agency},
              {"indicator", s.indicator},
              {"source", s.source},
              {"freq", s.freq},
              {"unit_mult", s.unit_mult},
              {"unit", s.unit},
              {"sex", r.key.sex},
              {"age", r.key.age},
              {"eco", r.key.eco},
              {"ocu", r.key.ocu},
              {"edu", r.key.edu},
              {"geo", r.key.geo},
              {"period", r.key.period},
              {"value", r.value ? Json(*r.value) : Json(nullptr)},
              {"status", r.status},
              {"note", r.note ? Json(*r.note) : Json(nullptr)},
              {"sample_size", r.sample_size ? Json(*r.sample_size) : Json(nullptr)},
              {"cv", r.cv ? Json(*r.cv) : Json(nullptr)},
              {"revision", r.revision},
              {"batch", r.batch}};
}

}  // namespace

Json series_import(Context& cx, std::string_view bytes, const Json& options) {
  const Reach reach = series_reach(cx);
  if (!options.is_object()) throw invalid("", options, "type", "the options are a JSON object");
  for (auto it = options.begin(); it != options.end(); ++it)
    if (it.key() != "format" && it.key() != "agency" && it.key() != "source" && it.key() != "name")
      throw invalid(it.key(), nullptr, "unknown_field", "unknown option \"" + it.key() + "\" (format, agency, source, name)");
  const std::string format_name = text_option(options, "format", 20);
  const auto format = indicators::series_format(format_name);
  if (!format)
    throw invalid("format", format_name.empty() ? Json(nullptr) : Json(format_name), format_name.empty() ? "required" : "code_list",
                  "the format is ilostat, sdmx-csv or csv");
  std::string agency = text_option(options, "agency", 40);
  if (reach.every) {
    if (agency.empty()) throw invalid("agency", nullptr, "required", "name the agency whose series these are (--agency)");
  } else if (!agency.empty() && agency != reach.agency) {
    cx.access.deny(cx, "series", "a partner agency imports its own agency's series only (" + reach.agency + ")");
  } else {
    agency = reach.agency;
  }
  const std::string source = text_option(options, "source", 200);
  const std::string name = text_option(options, "name", 255);
  require_agency_code(cx, agency);

  // The file, checked whole before anything is read from the database.
  const auto parsed = indicators::parse_series(bytes, *format, {cx.profile.iso3, source});
  Sha256 sha;
  sha.update(bytes);
  const std::string digest = sha.hex();

  Write w(cx);
  std::vector<FieldError> errors;
  auto problem = [&](const ParsedObservation& ob, const std::string& what, const std::string& value,
                     const std::string& rule, const std::string& message) {
    const std::string path = "line " + std::to_string(ob.line) + " (" + what + ")";
    if (errors.size() < indicators::kMaxProblems) errors.push_back({"series", path, value, rule, message});
  };
  // The series (found once each) and what happens to each observation.
  std::map<std::string, std::optional<store::SeriesRow>> series;
  enum class Fate { add, revise, same };
  struct Planned {
    const ParsedObservation* ob;
    std::string series_key;
    Fate fate;
    std::int64_t revision;
  };
  std::vector<Planned> plan;
  plan.reserve(parsed.size());
  std::set<std::string> parishes_ok;
  std::int64_t added = 0, revised = 0, same = 0;
  for (const auto& ob : parsed) {
    const std::string freq(1, ob.period.freq);
    const std::string skey = ob.indicator + '\x1f' + ob.source + '\x1f' + freq;
    auto it = series.find(skey);
    if (it == series.end()) it = series.emplace(skey, store::find_series(cx.conn, agency, ob.indicator, ob.source, freq)).first;
    const auto& stored = it->second;
    if (ob.key.geo != "_T" && ob.key.geo != "_N" && ob.key.geo != "_Z" && !parishes_ok.count(ob.key.geo)) {
      if (store::read_code(cx.conn, "parish", ob.key.geo)) parishes_ok.insert(ob.key.geo);
      else problem(ob, "geo", ob.key.geo, "code_list", "\"" + ob.key.geo + "\" is not a parish or district of " + cx.profile.iso3);
    }
    if (stored && (stored->unit_mult != ob.unit_mult || stored->unit != ob.unit)) {
      problem(ob, "unit_mult", std::to_string(ob.unit_mult), "unit_mult",
              "the series " + ob.indicator + " (" + ob.source + ") is kept with unit_mult " +
                  std::to_string(stored->unit_mult) + (stored->unit.empty() ? "" : " " + stored->unit) +
                  "; this file gives unit_mult " + std::to_string(ob.unit_mult) + (ob.unit.empty() ? "" : " " + ob.unit));
      continue;
    }
    std::optional<store::ObservationRow> latest;
    if (stored) latest = store::latest_observation(cx.conn, stored->id, key_of(ob));
    if (!latest) {
      plan.push_back({&ob, skey, Fate::add, 1});
      ++added;
    } else if (unchanged(*latest, ob)) {
      plan.push_back({&ob, skey, Fate::same, latest->revision});
      ++same;
    } else {
      plan.push_back({&ob, skey, Fate::revise, latest->revision + 1});
      ++revised;
    }
  }
  if (!errors.empty()) {
    std::string message = errors.front().path + ": " + errors.front().message;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
    throw ValidationError(message, std::move(errors));
  }
  Json summary = {{"batch", nullptr},
                  {"agency", agency},
                  {"format", format_name},
                  {"sha256", digest},
                  {"observations", static_cast<std::int64_t>(parsed.size())},
                  {"series", static_cast<std::int64_t>(series.size())},
                  {"series_created", 0},
                  {"added", added},
                  {"revised", revised},
                  {"unchanged", same}};
  if (added + revised == 0) return summary;  // nothing to write: the transaction ends unused

  const auto at = cx.clock.now_text();
  store::SeriesBatchRow batch;
  batch.agency = agency;
  batch.format = format_name;
  batch.sha256 = digest;
  if (!name.empty()) batch.name = name;
  batch.by = cx.who.uid;
  batch.at = store::utc_seconds(at);
  batch.observations = static_cast<std::int64_t>(parsed.size());
  batch.added = added;
  batch.revised = revised;
  batch.unchanged = same;
  store::insert_series_batch(cx.conn, batch);
  std::int64_t created = 0;
  Json series_ids = Json::array();
  for (auto& [skey, stored] : series) {
    if (stored) continue;
    // A series of the file none of whose observations is new cannot be missing: every
    // observation of a missing series is added.
    const ParsedObservation* first = nullptr;
    for (const auto& p : plan)
      if (p.series_key == skey) {
        first = p.ob;
        break;
      }
    if (!first) continue;
    store::SeriesRow row;
    row.agency = agency;
    row.indicator = first->indicator;
    row.source = first->source;
    row.freq = std::string(1, first->period.freq);
    row.unit_mult = first->unit_mult;
    row.unit = first->unit;
    row.batch = batch.id;
    store::insert_series(cx.conn, row);
    stored = row;
    ++created;
  }
  std::set<std::int64_t> touched;
  for (const auto& p : plan) {
    if (p.fate == Fate::same) continue;
    const auto& ob = *p.ob;
    store::ObservationRow row;
    row.series = series.at(p.series_key)->id;
    row.key = key_of(ob);
    row.first_day = ob.period.first_day;
    row.last_day = ob.period.last_day;
    row.revision = p.revision;
    row.value = ob.value;
    row.status = ob.status;
    if (!ob.note.empty()) row.note = ob.note;
    row.sample_size = ob.sample_size;
    row.cv = ob.cv;
    row.batch = batch.id;
    store::insert_observation(cx.conn, row);
    touched.insert(row.series);
  }
  for (auto id : touched) series_ids.push_back(id);
  summary["batch"] = batch.id;
  summary["series_created"] = created;
  Json detail = {{"batch", batch.id},   {"agency", agency},   {"format", format_name}, {"sha256", digest},
                 {"name", name.empty() ? Json(nullptr) : Json(name)},   {"observations", batch.observations},
                 {"added", added},      {"revised", revised}, {"unchanged", same},     {"series", series_ids}};
  cx.audit.append(cx.conn, at, cx.who.uid, "series_import", {}, detail);
  w.commit();
  return summary;
}

Json series_rows(Context& cx, const Json& query) {
  const Reach reach = series_reach(cx);
  if (!query.is_object()) throw invalid("", query, "type", "the query is a JSON object");
  static const std::set<std::string> keys = {"indicator", "agency", "source", "freq", "from", "to", "revisions", "limit", "after"};
  for (auto it = query.begin(); it != query.end(); ++it)
    if (!keys.count(it.key()))
      throw invalid(it.key(), nullptr, "unknown_field",
                    "unknown key \"" + it.key() + "\" (indicator, agency, source, freq, from, to, revisions, limit, after)");
  store::ObservationQuery q;
  q.indicator = text_option(query, "indicator", 64);
  const std::string agency = text_option(query, "agency", 40);
  if (!reach.every) {
    if (!agency.empty() && agency != reach.agency)
      cx.access.deny(cx, "series", "a partner agency reads its own agency's series only (" + reach.agency + ")");
    q.agency = reach.agency;
  } else if (!agency.empty()) {
    q.agency = agency;
  }
  if (auto s = text_option(query, "source", 200); !s.empty()) q.source = s;
  if (auto f = text_option(query, "freq", 1); !f.empty()) {
    if (f != "A" && f != "Q" && f != "M" && f != "D") throw invalid("freq", f, "code_list", "the frequency is A, Q, M or D");
    q.freq = f;
  }
  for (const char* bound : {"from", "to"}) {
    const auto text = text_option(query, bound, 20);
    if (text.empty()) continue;
    const auto p = indicators::parse_period(text);
    if (!p) throw invalid(bound, text, "period", "\"" + text + "\" is not a period (2024, 2024-Q1, 2024-01, 2024-01-15)");
    if (std::string(bound) == "from") q.from_day = p->first_day;
    else q.to_day = p->last_day;
  }
  if (query.contains("revisions") && !query["revisions"].is_null()) {
    if (!query["revisions"].is_boolean()) throw invalid("revisions", query["revisions"], "type", "revisions is true or false");
    q.all_revisions = query["revisions"].get<bool>();
  }
  std::int64_t limit = 10000;
  if (query.contains("limit") && !query["limit"].is_null()) {
    if (!query["limit"].is_number_integer() || query["limit"].get<std::int64_t>() < 1 ||
        query["limit"].get<std::int64_t>() > 100000)
      throw invalid("limit", query["limit"], "range", "limit is a whole number of 1 to 100000");
    limit = query["limit"].get<std::int64_t>();
  }
  q.limit = limit + 1;  // one more: is there a next page?
  if (auto after = text_option(query, "after", 4000); !after.empty()) {
    const auto text = from_hex(after);
    Json k;
    if (text) k = Json::parse(*text, nullptr, false);
    if (!text || !k.is_array() || k.size() != 9 || !k[0].is_number_integer() || !k[8].is_number_integer() ||
        !std::all_of(k.begin() + 1, k.begin() + 8, [](const Json& v) { return v.is_string(); }))
      throw invalid("after", after, "query", "not a cursor of this listing (the \"next\" of a page)");
    store::ObservationQuery::After a;
    a.series = k[0].get<std::int64_t>();
    a.key = {k[1].get<std::string>(), k[2].get<std::string>(), k[3].get<std::string>(), k[4].get<std::string>(),
             k[5].get<std::string>(), k[6].get<std::string>(), k[7].get<std::string>()};
    a.revision = k[8].get<std::int64_t>();
    q.after = a;
  }
  store::ReadTransaction read(cx.conn);
  auto rows = store::observations(cx.conn, q);
  Json out = {{"rows", Json::array()}, {"next", nullptr}};
  const bool more = static_cast<std::int64_t>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  for (const auto& r : rows) out["rows"].push_back(row_json(r));
  if (more) {
    const auto& l = rows.back().row;
    const Json k = Json::array({l.series, l.key.sex, l.key.age, l.key.eco, l.key.ocu, l.key.edu, l.key.geo, l.key.period,
                                l.revision});
    out["next"] = to_hex(k.dump());
  }
  return out;
}

}  // namespace clmis::detail
