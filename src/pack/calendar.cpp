// A country's calendar file (profile "calendar"): public holiday rules with their legal
// sources, the proclaimed dates known, one-off days (docs/calendars.md). Checked strictly, like
// the rest of a profile.
#include "pack/calendar.hpp"

#include "pack/reader.hpp"

#include <date/date.h>

#include <set>

namespace clmis::pack {

namespace calendar {

const char* weekday_name(Weekday w) noexcept {
  static const char* const names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return names[static_cast<unsigned>(w)];
}

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::fixed: return "fixed";
    case Kind::easter: return "easter";
    case Kind::nth_weekday: return "nth_weekday";
    case Kind::weekday_on_or_after: return "weekday_on_or_after";
    case Kind::relative: return "relative";
    case Kind::proclaimed: return "proclaimed";
    case Kind::conditional: return "conditional";
    case Kind::inactive: return "inactive";
  }
  return "?";
}

const char* status_name(Status s) noexcept {
  switch (s) {
    case Status::statutory: return "statutory";
    case Status::proclaimed_annually: return "proclaimed_annually";
    case Status::statutory_date_proclaimed: return "statutory_date_proclaimed";
    case Status::statutory_conditional: return "statutory_conditional";
    case Status::customary: return "customary";
    case Status::inactive: return "inactive";
  }
  return "?";
}

bool Rule::valid_in(int year) const {
  if (periods.empty()) return true;
  for (const auto& [from, to] : periods)
    if (year >= from && year <= to) return true;
  return false;
}

const std::string& Rule::name_in(int year, const std::string& lang) const {
  for (const auto& n : names_over_time)
    if (year >= n.from_year && year <= n.to_year) return n.name.get(lang);
  return name.get(lang);
}

const Rule* Calendar::rule(std::string_view id) const {
  for (const auto& r : rules)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace calendar

using CalRule = calendar::Rule;

namespace {

using detail::Reader;
using calendar::Calendar;
using calendar::Kind;
using calendar::NameOverTime;
using calendar::OneOff;
using calendar::Proclamation;
using calendar::Setting;
using calendar::Status;
using calendar::Weekday;


constexpr int kFirstYear = 1900, kLastYear = 2200;

std::optional<Weekday> weekday_of(const std::string& s) {
  for (unsigned i = 0; i < 7; ++i)
    if (s == calendar::weekday_name(static_cast<Weekday>(i))) return static_cast<Weekday>(i);
  return std::nullopt;
}

Weekday weekday(const Reader& r, const Json& o, const char* key, const std::string& path) {
  auto w = weekday_of(r.str(o, key, path));
  if (!w) r.fail(path + "/" + key, "expected a weekday: Mon, Tue, Wed, Thu, Fri, Sat or Sun");
  return *w;
}

Date date_of(const Reader& r, const Json& v, const std::string& path) {
  if (!v.is_string()) r.fail(path, "expected a date YYYY-MM-DD");
  auto d = parse_date(v.get<std::string>());
  if (!d) r.fail(path, "\"" + v.get<std::string>() + "\" is not a date YYYY-MM-DD that exists");
  const int y = static_cast<int>(date::year_month_day{*d}.year());
  if (y < kFirstYear || y > kLastYear) r.fail(path, "a year from 1900 to 2200");
  return *d;
}

int year_of(const Reader& r, const std::string& text, const std::string& path) {
  if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
    r.fail(path, "\"" + text + "\" is not a year");
  const int y = std::stoi(text);
  if (y < kFirstYear || y > kLastYear) r.fail(path, "a year from 1900 to 2200");
  return y;
}

/// {"YYYY": "YYYY-MM-DD"}: a date of that year for each year named.
std::map<int, Date> dates_by_year(const Reader& r, const Json& o, const std::string& path) {
  std::map<int, Date> out;
  for (auto it = r.object(o, path).begin(); it != o.end(); ++it) {
    const int y = year_of(r, it.key(), path + "/" + it.key());
    const Date d = date_of(r, *it, path + "/" + it.key());
    if (static_cast<int>(date::year_month_day{d}.year()) != y)
      r.fail(path + "/" + it.key(), "the date is not in " + it.key());
    out[y] = d;
  }
  return out;
}

Setting setting(const Reader& r, const Json& o, const std::string& path) {
  r.keys(o, path, {"value", "source", "verified"}, {});
  Setting s;
  s.value = r.boolean(o, "value", path, false);
  s.source = r.str(o, "source", path);
  if (s.source.empty()) r.fail(path + "/source", "a setting needs its source");
  s.verified = r.boolean(o, "verified", path, false);
  return s;
}

CalRule parse_rule(const Reader& r, const Json& j, const std::string& path) {
  r.keys(j, path, {"id", "name", "kind", "status", "source", "verified"},
         {"names_over_time", "month", "day", "offset", "weekday", "n", "offset_days", "to", "calendar",
          "from_year", "to_year", "periods", "year_overrides", "estimates", "observed_shift",
          "observed_from_year", "note"});
  CalRule rule;
  rule.id = r.name(j, "id", path);
  rule.name = r.label(j, "name", path, true);
  const std::string kind = r.str(j, "kind", path);
  static const std::map<std::string, Kind> kinds = {
      {"fixed", Kind::fixed},           {"easter", Kind::easter},
      {"nth_weekday", Kind::nth_weekday}, {"weekday_on_or_after", Kind::weekday_on_or_after},
      {"relative", Kind::relative},     {"proclaimed", Kind::proclaimed},
      {"conditional", Kind::conditional}, {"inactive", Kind::inactive}};
  auto k = kinds.find(kind);
  if (k == kinds.end())
    r.fail(path + "/kind", "unknown rule kind \"" + kind +
                               "\" (fixed, easter, nth_weekday, weekday_on_or_after, relative, proclaimed, "
                               "conditional, inactive)");
  rule.kind = k->second;
  const std::string status = r.str(j, "status", path);
  static const std::map<std::string, Status> statuses = {
      {"statutory", Status::statutory},
      {"proclaimed_annually", Status::proclaimed_annually},
      {"statutory_date_proclaimed", Status::statutory_date_proclaimed},
      {"statutory_conditional", Status::statutory_conditional},
      {"customary", Status::customary},
      {"inactive", Status::inactive}};
  auto st = statuses.find(status);
  if (st == statuses.end())
    r.fail(path + "/status", "unknown status \"" + status +
                                 "\" (statutory, proclaimed_annually, statutory_date_proclaimed, "
                                 "statutory_conditional, customary, inactive)");
  rule.status = st->second;
  // The keys each kind takes, and only those.
  auto need = [&](std::initializer_list<const char*> required, std::initializer_list<const char*> allowed) {
    for (const char* key : required)
      if (!j.contains(key)) r.fail(path, std::string("a ") + kind + " rule needs \"" + key + "\"");
    for (const char* key : {"month", "day", "offset", "weekday", "n", "offset_days", "to", "calendar"}) {
      const bool ok = std::any_of(required.begin(), required.end(), [&](const char* x) { return std::string(x) == key; }) ||
                      std::any_of(allowed.begin(), allowed.end(), [&](const char* x) { return std::string(x) == key; });
      if (j.contains(key) && !ok) r.fail(path + "/" + key, std::string("a ") + kind + " rule has no \"" + key + "\"");
    }
  };
  auto month_day = [&] {
    rule.month = static_cast<unsigned>(r.integer(j, "month", path, 1, 12, 1));
    rule.day = static_cast<unsigned>(r.integer(j, "day", path, 1, 31, 1));
    // A day every year has (29 February would not exist in three years of four).
    const date::month_day md{date::month{rule.month}, date::day{rule.day}};
    if (!md.ok() || (rule.month == 2 && rule.day == 29))
      r.fail(path + "/day", "day " + std::to_string(rule.day) + " of month " + std::to_string(rule.month) +
                                " does not exist every year");
  };
  switch (rule.kind) {
    case Kind::fixed:
      need({"month", "day"}, {});
      month_day();
      break;
    case Kind::easter:
      need({"offset"}, {});
      rule.offset = static_cast<int>(r.integer(j, "offset", path, -100, 100, 0));
      break;
    case Kind::nth_weekday:
      need({"month", "weekday", "n"}, {"offset_days"});
      rule.month = static_cast<unsigned>(r.integer(j, "month", path, 1, 12, 1));
      rule.weekday = weekday(r, j, "weekday", path);
      rule.n = static_cast<int>(r.integer(j, "n", path, -1, 5, 1));
      if (rule.n == 0) r.fail(path + "/n", "1 to 5, or -1 for the last");
      rule.offset_days = static_cast<int>(r.integer(j, "offset_days", path, -10, 10, 0));
      break;
    case Kind::weekday_on_or_after:
      need({"month", "day", "weekday"}, {});
      month_day();
      rule.weekday = weekday(r, j, "weekday", path);
      break;
    case Kind::relative:
      need({"to", "offset"}, {});
      rule.to = r.name(j, "to", path);
      rule.offset = static_cast<int>(r.integer(j, "offset", path, -100, 100, 0));
      break;
    case Kind::proclaimed:
      need({}, {"calendar"});
      rule.calendar = r.str(j, "calendar", path);
      break;
    case Kind::conditional:
    case Kind::inactive:
      need({}, {});
      break;
  }
  if (j.contains("names_over_time")) {
    const auto& arr = r.array(j["names_over_time"], path + "/names_over_time");
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = path + "/names_over_time/" + std::to_string(i);
      r.keys(arr[i], p, {"name"}, {"from_year", "to_year"});
      NameOverTime n;
      n.from_year = static_cast<int>(r.integer(arr[i], "from_year", p, kFirstYear, kLastYear, -32768));
      n.to_year = static_cast<int>(r.integer(arr[i], "to_year", p, kFirstYear, kLastYear, 32767));
      if (n.from_year > n.to_year) r.fail(p, "from_year is after to_year");
      n.name = r.label(arr[i], "name", p, true);
      rule.names_over_time.push_back(std::move(n));
    }
  }
  const int from = static_cast<int>(r.integer(j, "from_year", path, kFirstYear, kLastYear, -32768));
  const int to = static_cast<int>(r.integer(j, "to_year", path, kFirstYear, kLastYear, 32767));
  if (from > to) r.fail(path + "/from_year", "from_year is after to_year");
  if (j.contains("periods")) {
    if (j.contains("from_year") || j.contains("to_year")) r.fail(path + "/periods", "periods, or from_year and to_year, not both");
    const auto& arr = r.array(j["periods"], path + "/periods");
    if (arr.empty()) r.fail(path + "/periods", "at least one period");
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = path + "/periods/" + std::to_string(i);
      if (!arr[i].is_array() || arr[i].size() != 2 || !arr[i][0].is_number_integer() || !arr[i][1].is_number_integer())
        r.fail(p, "a period is [from_year, to_year]");
      const int a = arr[i][0].get<int>(), b = arr[i][1].get<int>();
      if (a < kFirstYear || b > kLastYear || a > b) r.fail(p, "years from 1900 to 2200, the first not after the second");
      rule.periods.emplace_back(a, b);
    }
  } else if (j.contains("from_year") || j.contains("to_year")) {
    rule.periods.emplace_back(from, to);
  }
  if (j.contains("year_overrides")) rule.year_overrides = dates_by_year(r, j["year_overrides"], path + "/year_overrides");
  if (j.contains("estimates")) {
    if (!rule.needs_proclamation()) r.fail(path + "/estimates", "only a rule whose date is proclaimed has estimates");
    rule.estimates = dates_by_year(r, j["estimates"], path + "/estimates");
  }
  if (j.contains("observed_shift")) {
    for (auto it = r.object(j["observed_shift"], path + "/observed_shift").begin(); it != j["observed_shift"].end(); ++it) {
      const std::string p = path + "/observed_shift/" + it.key();
      auto w = weekday_of(it.key());
      if (!w) r.fail(p, "expected a weekday: Mon ... Sun");
      if (!it->is_number_integer() || it->get<int>() < 1 || it->get<int>() > 7) r.fail(p, "1 to 7 days");
      rule.observed_shift[*w] = it->get<int>();
    }
  }
  rule.observed_from_year = static_cast<int>(r.integer(j, "observed_from_year", path, kFirstYear, kLastYear, -32768));
  rule.source = r.str(j, "source", path);
  if (rule.source.empty()) r.fail(path + "/source", "a holiday rule needs its legal source");
  if (!j["verified"].is_boolean()) r.fail(path + "/verified", "expected true or false");
  rule.verified = j["verified"].get<bool>();
  rule.note = r.str(j, "note", path);
  return rule;
}

}  // namespace

std::shared_ptr<const calendar::Calendar> load_calendar(const DataSource& src, const std::string& rel,
                                                        const std::string& iso3) {
  Json j = detail::parse_json(src, rel);
  Reader r(src.describe(rel));
  r.keys(j, "", {"format", "country", "weekend", "substitution", "rules"},
         {"description", "customary_days_off", "deadlines_roll_forward", "sources", "proclaimed", "one_off"});
  if (r.integer(j, "format", "", 1, 1, 1) != 1) r.fail("/format", "unsupported format");
  if (r.str(j, "country", "") != iso3) r.fail("/country", "the calendar of " + iso3 + " must say \"country\": \"" + iso3 + "\"");
  auto cal = std::make_shared<Calendar>();
  cal->file = rel;
  const auto& weekend = r.array(j["weekend"], "/weekend");
  if (weekend.empty() || weekend.size() > 6) r.fail("/weekend", "1 to 6 weekdays");
  for (size_t i = 0; i < weekend.size(); ++i) {
    auto w = weekend[i].is_string() ? weekday_of(weekend[i].get<std::string>()) : std::nullopt;
    if (!w) r.fail("/weekend/" + std::to_string(i), "expected a weekday: Mon ... Sun");
    if (std::find(cal->weekend.begin(), cal->weekend.end(), *w) != cal->weekend.end())
      r.fail("/weekend/" + std::to_string(i), "named twice");
    cal->weekend.push_back(*w);
  }
  {
    const auto& s = j["substitution"];
    r.keys(s, "/substitution", {"kind", "source", "verified"}, {"summary"});
    const std::string kind = r.str(s, "kind", "/substitution");
    if (kind == "shift") cal->substitution = Calendar::Substitution::shift;
    else if (kind == "next_free_day") cal->substitution = Calendar::Substitution::next_free_day;
    else r.fail("/substitution/kind", "\"shift\" or \"next_free_day\"");
    cal->substitution_summary = r.str(s, "summary", "/substitution");
    cal->substitution_source = r.str(s, "source", "/substitution");
    if (cal->substitution_source.empty()) r.fail("/substitution/source", "the substitution rule needs its legal source");
    cal->substitution_verified = r.boolean(s, "verified", "/substitution", false);
  }
  if (j.contains("customary_days_off")) cal->customary_days_off = setting(r, j["customary_days_off"], "/customary_days_off");
  if (j.contains("deadlines_roll_forward"))
    cal->deadlines_roll_forward = setting(r, j["deadlines_roll_forward"], "/deadlines_roll_forward");
  if (j.contains("sources")) {
    const auto& arr = r.array(j["sources"], "/sources");
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = "/sources/" + std::to_string(i);
      r.keys(arr[i], p, {"title"}, {"url"});
      cal->sources.emplace_back(r.str(arr[i], "title", p), r.str(arr[i], "url", p));
    }
  }
  const auto& rules = r.array(j["rules"], "/rules");
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string p = "/rules/" + std::to_string(i);
    CalRule rule = parse_rule(r, rules[i], p);
    if (cal->rule(rule.id)) r.fail(p + "/id", "duplicate rule \"" + rule.id + "\"");
    cal->rules.push_back(std::move(rule));
  }
  // A relative rule follows a declared rule, and no chain of them comes back to itself.
  for (size_t i = 0; i < cal->rules.size(); ++i) {
    const CalRule* at = &cal->rules[i];
    std::set<std::string> seen{at->id};
    while (at->kind == Kind::relative) {
      const CalRule* next = cal->rule(at->to);
      if (!next) r.fail("/rules/" + std::to_string(i) + "/to", "no rule \"" + at->to + "\"");
      if (!seen.insert(next->id).second) r.fail("/rules/" + std::to_string(i) + "/to", "relative rules form a cycle");
      at = next;
    }
  }
  if (j.contains("proclaimed")) {
    const auto& arr = r.array(j["proclaimed"], "/proclaimed");
    std::set<std::pair<std::string, int>> seen;
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = "/proclaimed/" + std::to_string(i);
      r.keys(arr[i], p, {"rule", "date", "source"}, {});
      Proclamation pr;
      pr.rule = r.str(arr[i], "rule", p);
      const CalRule* rule = cal->rule(pr.rule);
      if (!rule) r.fail(p + "/rule", "no rule \"" + pr.rule + "\"");
      if (rule->kind == Kind::inactive) r.fail(p + "/rule", "rule \"" + pr.rule + "\" is inactive");
      pr.date = date_of(r, arr[i]["date"], p + "/date");
      const int y = static_cast<int>(date::year_month_day{pr.date}.year());
      if (!rule->valid_in(y)) r.fail(p + "/date", "rule \"" + pr.rule + "\" does not apply in " + std::to_string(y));
      if (!seen.insert({pr.rule, y}).second) r.fail(p, "rule \"" + pr.rule + "\" is proclaimed twice for " + std::to_string(y));
      pr.source = r.str(arr[i], "source", p);
      if (pr.source.empty()) r.fail(p + "/source", "a proclamation needs its source");
      cal->proclaimed.push_back(std::move(pr));
    }
  }
  if (j.contains("one_off")) {
    const auto& arr = r.array(j["one_off"], "/one_off");
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = "/one_off/" + std::to_string(i);
      r.keys(arr[i], p, {"date", "name", "source"}, {});
      OneOff o;
      o.date = date_of(r, arr[i]["date"], p + "/date");
      o.name = r.label(arr[i], "name", p, true);
      o.source = r.str(arr[i], "source", p);
      if (o.source.empty()) r.fail(p + "/source", "a one-off day needs its source");
      cal->one_off.push_back(std::move(o));
    }
  }
  return cal;
}

}  // namespace clmis::pack
