#include "workflow/calendar.hpp"

#include "workflow/computed.hpp"

#include "core/dates.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/calendar.hpp"
#include "workflow/cases.hpp"

#include <algorithm>
#include <set>

namespace clmis::detail {

namespace {

using pack::calendar::Kind;
using pack::calendar::Rule;
using pack::calendar::Weekday;

constexpr int kFirstYear = 1900, kLastYear = 2200;
constexpr int kMaxDays = 3660;  // ten years: further than any statutory time limit

Weekday weekday_of(Date d) { return static_cast<Weekday>(date::weekday{d}.iso_encoding() - 1); }

const char* weekday_long(Weekday w) {
  static const char* const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return names[static_cast<unsigned>(w)];
}

int year_of_date(Date d) { return detail::year_of(d); }

Date ymd(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

/// The n-th weekday w of a month (n = -1: the last).
Date nth_weekday(int y, unsigned m, Weekday w, int n) {
  if (n > 0) {
    const Date first = ymd(y, m, 1);
    const int shift = (static_cast<int>(w) - static_cast<int>(weekday_of(first)) + 7) % 7;
    return plus_days(first, shift + 7 * (n - 1));
  }
  const Date last = date::sys_days{date::year{y} / date::month{m} / date::last};
  const int back = (static_cast<int>(weekday_of(last)) - static_cast<int>(w) + 7) % 7;
  return plus_days(last, -back);
}

/// "X (substitute)" and "Substitute holiday (A and B coincide)" in the languages clmis speaks.
std::string substitute_name(const std::string& lang, const std::string& of) {
  if (lang == "nl") return of + " (vervangende dag)";
  if (lang == "es") return of + " (día sustituto)";
  if (lang == "pt") return of + " (dia substituto)";
  return of + " (substitute)";
}
std::string coincide_name(const std::string& lang, const std::string& a, const std::string& b) {
  if (lang == "nl") return "Vervangende vrije dag (" + a + " en " + b + " vallen samen)";
  if (lang == "es") return "Día festivo sustituto (" + a + " y " + b + " coinciden)";
  if (lang == "pt") return "Feriado substituto (" + a + " e " + b + " coincidem)";
  return "Substitute holiday (" + a + " and " + b + " coincide)";
}

}  // namespace

Date easter_sunday(int year) {
  // The anonymous Gregorian algorithm (Meeus, "Astronomical Algorithms", ch. 8).
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

HolidayCalendar::HolidayCalendar(const pack::calendar::Calendar& cal, std::vector<EnteredDay> entered, std::string lang)
    : cal_(cal), entered_(std::move(entered)), lang_(std::move(lang)) {}

void HolidayCalendar::check_year(int y) const {
  if (y < kFirstYear || y > kLastYear)
    throw ValidationError("the calendar covers the years 1900 to 2200",
                          {{"calendar", "year", y, "range", "a year from 1900 to 2200"}});
}

HolidayCalendar::Resolved HolidayCalendar::resolve(const Rule& rule, int y, int depth) {
  Resolved r;
  if (depth > static_cast<int>(cal_.rules.size())) return r;  // a cycle; refused when the calendar loads
  for (const auto& e : entered_)
    if (e.rule == rule.id && year_of_date(e.date) == y) {
      r.date = e.date;
      r.status = HolidayDay::Status::proclaimed;
      r.source = e.note.empty() ? "entered by " + e.by + " on " + e.at.substr(0, 10) : e.note;
      r.entered = &e;
      return r;
    }
  for (const auto& p : cal_.proclaimed)
    if (p.rule == rule.id && year_of_date(p.date) == y) {
      r.date = p.date;
      r.status = HolidayDay::Status::proclaimed;
      r.source = p.source;
      return r;
    }
  if (auto it = rule.year_overrides.find(y); it != rule.year_overrides.end()) {
    r.date = it->second;
    r.status = HolidayDay::Status::proclaimed;
    r.source = rule.source + " (moved by proclamation in " + std::to_string(y) + ")";
    return r;
  }
  r.source = rule.source;
  switch (rule.kind) {
    case Kind::fixed: r.date = ymd(y, rule.month, rule.day); break;
    case Kind::easter: r.date = plus_days(easter_sunday(y), rule.offset); break;
    case Kind::nth_weekday: r.date = plus_days(nth_weekday(y, rule.month, rule.weekday, rule.n), rule.offset_days); break;
    case Kind::weekday_on_or_after: {
      const Date start = ymd(y, rule.month, rule.day);
      r.date = plus_days(start, (static_cast<int>(rule.weekday) - static_cast<int>(weekday_of(start)) + 7) % 7);
      break;
    }
    case Kind::relative: {
      const Rule* to = cal_.rule(rule.to);
      if (!to) break;
      const Resolved base = resolve(*to, y, depth + 1);
      if (base.date) {
        r.date = plus_days(*base.date, rule.offset);
        if (base.status == HolidayDay::Status::estimate) r.status = HolidayDay::Status::estimate;
      }
      break;
    }
    case Kind::proclaimed:
      if (auto it = rule.estimates.find(y); it != rule.estimates.end()) r.date = it->second;
      break;
    case Kind::conditional:
    case Kind::inactive: break;
  }
  if (r.date && rule.needs_proclamation()) r.status = HolidayDay::Status::estimate;
  return r;
}

const std::vector<HolidayDay>& HolidayCalendar::base(int y) {
  if (auto it = base_.find(y); it != base_.end()) return it->second;
  std::vector<HolidayDay> days;
  for (size_t i = 0; i < cal_.rules.size(); ++i) {
    const Rule& rule = cal_.rules[i];
    if (rule.kind == Kind::inactive || !rule.valid_in(y)) continue;
    const Resolved r = resolve(rule, y);
    if (!r.date || year_of_date(*r.date) != y) continue;
    HolidayDay d;
    d.date = *r.date;
    d.name = rule.name_in(y, lang_);
    d.kind = HolidayDay::Kind::holiday;
    d.rule = rule.id;
    d.status = r.status;
    d.statutory = rule.statutory();
    d.day_off = d.statutory || cal_.customary_days_off.value;
    d.source = r.source;
    if (r.entered) {
      d.entered = true;
      d.entered_by = r.entered->by;
      d.entered_at = r.entered->at;
    }
    d.order = static_cast<int>(i);
    days.push_back(std::move(d));
  }
  auto special = [&](Date date, const std::string& name, const std::string& source, const EnteredDay* e) {
    HolidayDay d;
    d.date = date;
    d.name = name;
    d.kind = HolidayDay::Kind::special;
    d.status = HolidayDay::Status::proclaimed;
    d.source = source;
    d.order = static_cast<int>(cal_.rules.size());
    if (e) {
      d.entered = true;
      d.entered_by = e->by;
      d.entered_at = e->at;
    }
    days.push_back(std::move(d));
  };
  for (const auto& o : cal_.one_off)
    if (year_of_date(o.date) == y) special(o.date, o.name.get(lang_), o.source, nullptr);
  for (const auto& e : entered_)
    if (e.rule.empty() && year_of_date(e.date) == y)
      special(e.date, e.name.get(lang_), e.note.empty() ? "entered by " + e.by + " on " + e.at.substr(0, 10) : e.note, &e);
  return base_[y] = std::move(days);
}

const std::vector<HolidayDay>& HolidayCalendar::year(int y) {
  check_year(y);
  if (auto it = years_.find(y); it != years_.end()) return it->second;
  // Substitutes may cross a year's end: work on the year and its neighbours, keep the year's days.
  std::vector<HolidayDay> window;
  for (int k = std::max(kFirstYear, y - 1); k <= std::min(kLastYear, y + 1); ++k) {
    const auto& b = base(k);
    window.insert(window.end(), b.begin(), b.end());
  }
  std::vector<HolidayDay> subs;
  if (cal_.substitution == pack::calendar::Calendar::Substitution::shift) {
    for (const auto& h : window) {
      if (h.kind != HolidayDay::Kind::holiday) continue;
      const Rule* rule = cal_.rule(h.rule);
      if (year_of_date(h.date) < rule->observed_from_year) continue;
      auto it = rule->observed_shift.find(weekday_of(h.date));
      if (it == rule->observed_shift.end()) continue;
      HolidayDay s = h;
      s.kind = HolidayDay::Kind::substitute;
      s.date = plus_days(h.date, it->second);
      s.name = substitute_name(lang_, h.name);
      s.substitute_for = h.date;
      s.substitute_for_name = h.name;
      s.reason = std::string("falls on a ") + weekday_long(weekday_of(h.date));
      s.entered = false;
      subs.push_back(std::move(s));
    }
  } else {
    // The next following day that is not a public holiday (nor a Sunday), for a statutory
    // holiday on a Sunday and for each one coinciding with another; the holiday whose date a
    // notice fixes is the additional one, and the additional ones move first (Trinidad and
    // Tobago, 2025: Eid-ul-Fitr on Sunday 30 March with Spiritual Baptist Day → Monday for Eid,
    // Tuesday for Spiritual Baptist Day).
    std::set<Date> taken;
    std::map<Date, std::vector<const HolidayDay*>> by_date;
    for (const auto& h : window) {
      if (!h.statutory) continue;
      taken.insert(h.date);
      if (h.kind == HolidayDay::Kind::holiday) by_date[h.date].push_back(&h);
    }
    for (auto& [date, hs] : by_date) {
      std::stable_sort(hs.begin(), hs.end(), [&](const HolidayDay* a, const HolidayDay* b) {
        const bool pa = cal_.rule(a->rule)->needs_proclamation(), pb = cal_.rule(b->rule)->needs_proclamation();
        return pa != pb ? !pa : a->order < b->order;
      });
      const bool sunday = weekday_of(date) == Weekday::sun;
      std::vector<std::pair<const HolidayDay*, bool>> need;  // (holiday, coincides)
      for (size_t i = 1; i < hs.size(); ++i) need.emplace_back(hs[i], true);
      if (sunday) need.emplace_back(hs[0], false);
      for (const auto& [h, coincides] : need) {
        Date s = plus_days(date, 1);
        while (taken.count(s) || weekday_of(s) == Weekday::sun) s = plus_days(s, 1);
        taken.insert(s);
        HolidayDay sub = *h;
        sub.kind = HolidayDay::Kind::substitute;
        sub.date = s;
        sub.name = coincides && !sunday ? coincide_name(lang_, hs[0]->name, h->name) : substitute_name(lang_, h->name);
        sub.substitute_for = date;
        sub.substitute_for_name = h->name;
        sub.reason = coincides ? (sunday ? "falls on a Sunday and coincides with " : "coincides with ") + hs[0]->name
                               : "falls on a Sunday";
        sub.entered = false;
        subs.push_back(std::move(sub));
      }
    }
  }
  std::vector<HolidayDay> out;
  for (auto& d : window)
    if (year_of_date(d.date) == y) out.push_back(d);
  for (auto& d : subs)
    if (year_of_date(d.date) == y) out.push_back(std::move(d));
  std::stable_sort(out.begin(), out.end(), [](const HolidayDay& a, const HolidayDay& b) {
    return a.date != b.date ? a.date < b.date : a.order < b.order;
  });
  return years_[y] = std::move(out);
}

std::vector<const HolidayDay*> HolidayCalendar::on(Date d) {
  std::vector<const HolidayDay*> out;
  for (const auto& h : year(year_of_date(d)))
    if (h.date == d) out.push_back(&h);
  return out;
}

bool HolidayCalendar::weekend(Date d) const {
  return std::find(cal_.weekend.begin(), cal_.weekend.end(), weekday_of(d)) != cal_.weekend.end();
}

bool HolidayCalendar::working(Date d) {
  if (weekend(d)) return false;
  for (const auto* h : on(d))
    if (h->day_off) return false;
  return true;
}

std::vector<std::string> HolidayCalendar::why_not_working(Date d) {
  std::vector<std::string> out;
  if (weekend(d)) out.push_back(std::string(weekday_long(weekday_of(d))) + " (weekend)");
  for (const auto* h : on(d)) {
    if (!h->day_off) continue;
    std::string why = h->name;
    if (h->status == HolidayDay::Status::estimate) why += ", an estimate until its date is proclaimed";
    why += " (" + (h->kind == HolidayDay::Kind::substitute ? "substitute for " + format_date(*h->substitute_for) + ": " : "") +
           h->source + ")";
    out.push_back(std::move(why));
  }
  return out;
}

Date HolidayCalendar::add_working(Date from, int n, std::vector<SkippedDay>* skipped) {
  Date d = from;
  for (int counted = 0; counted < n;) {
    d = plus_days(d, 1);
    if (working(d)) ++counted;
    else if (skipped) skipped->push_back({d, why_not_working(d)});
  }
  return d;
}

Date HolidayCalendar::add_calendar(Date from, int n, std::vector<SkippedDay>* skipped) {
  Date d = plus_days(from, n);
  if (!cal_.deadlines_roll_forward.value) return d;
  while (!working(d)) {
    if (skipped) skipped->push_back({d, why_not_working(d)});
    d = plus_days(d, 1);
  }
  return d;
}

int HolidayCalendar::working_between(Date a, Date b) {
  if (b < a) return -working_between(b, a);
  int n = 0;
  for (Date d = plus_days(a, 1); d <= b; d = plus_days(d, 1))
    if (working(d)) ++n;
  return n;
}

std::vector<std::pair<const Rule*, std::optional<Date>>> HolidayCalendar::pending(int y) {
  check_year(y);
  std::vector<std::pair<const Rule*, std::optional<Date>>> out;
  for (const auto& rule : cal_.rules) {
    if (rule.kind == Kind::inactive || !rule.needs_proclamation() || !rule.valid_in(y)) continue;
    const Resolved r = resolve(rule, y);
    if (r.status == HolidayDay::Status::proclaimed) continue;
    out.emplace_back(&rule, r.date);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The operations

namespace {

const pack::calendar::Calendar& calendar_of(Context& cx) {
  if (!cx.profile.calendar && cx.profile.calendar_missing)
    throw NotFound("the country profile " + cx.profile.iso3 +
                   " declares its holiday calendar missing: no public holidays are known (clmis profile check; "
                   "docs/calendars.md)");
  if (!cx.profile.calendar)
    throw NotFound("the country profile " + cx.profile.iso3 + " has no calendar (docs/calendars.md)");
  return *cx.profile.calendar;
}

std::vector<EnteredDay> entered_days(Context& cx, int from, int to) {
  std::vector<EnteredDay> out;
  for (const auto& row : store::calendar_days(cx.conn, std::max(kFirstYear, from), std::min(kLastYear, to))) {
    EnteredDay e;
    e.id = row.id;
    e.rule = row.rule.value_or("");
    e.date = *parse_date(row.date);
    if (row.name) {
      const Json labels = Json::parse(*row.name);
      for (auto it = labels.begin(); it != labels.end(); ++it) e.name.text[it.key()] = it->get<std::string>();
    }
    e.note = row.note.value_or("");
    e.by = row.entered_by;
    e.at = row.entered_at;
    out.push_back(std::move(e));
  }
  return out;
}

/// The calendar with the entered days of the years from..to (and their neighbours).
HolidayCalendar calendar_for(Context& cx, int from, int to, std::string_view lang = {}) {
  const auto& cal = calendar_of(cx);
  return HolidayCalendar(cal, entered_days(cx, from - 1, to + 1),
                         lang.empty() ? cx.profile.languages.front() : std::string(lang));
}

}  // namespace

HolidayCalendar deadline_calendar(Context& cx) {
  if (!cx.profile.calendar) {
    static const pack::calendar::Calendar weekend_only = [] {
      pack::calendar::Calendar c;
      c.weekend = {pack::calendar::Weekday::sat, pack::calendar::Weekday::sun};
      return c;
    }();
    return HolidayCalendar(weekend_only, {}, cx.profile.languages.front());
  }
  return calendar_for(cx, kFirstYear, kLastYear);
}

namespace {

const char* kind_text(HolidayDay::Kind k) {
  switch (k) {
    case HolidayDay::Kind::holiday: return "holiday";
    case HolidayDay::Kind::substitute: return "substitute";
    case HolidayDay::Kind::special: return "special";
  }
  return "?";
}

const char* status_text(HolidayDay::Status s) {
  switch (s) {
    case HolidayDay::Status::computed: return "computed";
    case HolidayDay::Status::proclaimed: return "proclaimed";
    case HolidayDay::Status::estimate: return "estimate";
  }
  return "?";
}

Json day_json(const HolidayDay& d) {
  Json o;
  o["date"] = format_date(d.date);
  o["weekday"] = pack::calendar::weekday_name(weekday_of(d.date));
  o["name"] = d.name;
  o["kind"] = kind_text(d.kind);
  o["rule"] = d.rule.empty() ? Json(nullptr) : Json(d.rule);
  o["status"] = status_text(d.status);
  o["statutory"] = d.statutory;
  o["day_off"] = d.day_off;
  o["source"] = d.source;
  o["entered"] = d.entered;
  if (d.entered) o["entered_by"] = d.entered_by;
  if (d.substitute_for)
    o["substitute_for"] = {{"date", format_date(*d.substitute_for)}, {"name", d.substitute_for_name}, {"reason", d.reason}};
  return o;
}

Date date_arg(const std::string& path, std::string_view text) {
  auto d = parse_date(text);
  if (!d)
    throw ValidationError(std::vector<FieldError>{{"calendar", path, std::string(text), "type",
                                                   "\"" + std::string(text) + "\" is not a date YYYY-MM-DD that exists"}});
  const int y = year_of_date(*d);
  if (y < kFirstYear || y > kLastYear)
    throw ValidationError(std::vector<FieldError>{{"calendar", path, std::string(text), "range", "a year from 1900 to 2200"}});
  return *d;
}

/// The days off of years y-1..y+1, to compare before and after an entry.
std::set<std::pair<Date, std::string>> days_off(HolidayCalendar& cal, int y) {
  std::set<std::pair<Date, std::string>> out;
  for (int k = std::max(kFirstYear, y - 1); k <= std::min(kLastYear, y + 1); ++k)
    for (const auto& d : cal.year(k))
      if (d.day_off) out.emplace(d.date, d.name);
  return out;
}

/// What an entry changed: the days off added and removed, and the first date whose working
/// status changed (deadlines that run past it may move).
Json changes(HolidayCalendar& before_cal, const std::set<std::pair<Date, std::string>>& before,
             HolidayCalendar& after_cal, const std::set<std::pair<Date, std::string>>& after) {
  Json added = Json::array(), removed = Json::array();
  std::set<Date> touched;
  for (const auto& [d, name] : after)
    if (!before.count({d, name})) {
      added.push_back({{"date", format_date(d)}, {"name", name}});
      touched.insert(d);
    }
  for (const auto& [d, name] : before)
    if (!after.count({d, name})) {
      removed.push_back({{"date", format_date(d)}, {"name", name}});
      touched.insert(d);
    }
  std::optional<Date> first;
  for (const Date d : touched)
    if (before_cal.working(d) != after_cal.working(d)) {
      first = d;
      break;
    }
  return Json{{"added", added}, {"removed", removed},
              {"working_days_change_from", first ? Json(format_date(*first)) : Json(nullptr)}};
}

}  // namespace

Json calendar_year(Context& cx, int year, std::string_view lang) {
  auto cal = calendar_for(cx, year, year, lang);
  Json out = Json::array();
  for (const auto& d : cal.year(year)) out.push_back(day_json(d));
  return out;
}

Json calendar_add_days(Context& cx, std::string_view from_text, int n, bool working, bool explain) {
  const Date from = date_arg("from", from_text);
  if (n < 0 || n > kMaxDays)
    throw ValidationError(std::vector<FieldError>{
        {"calendar", "days", n, "range", "a count of days from 0 to " + std::to_string(kMaxDays) + " (counting forward)"}});
  const int y = year_of_date(from);
  // Enough years for n working days (each year has at least 150 of them).
  auto cal = calendar_for(cx, y, std::min(kLastYear, y + n / 150 + 1));
  std::vector<SkippedDay> skipped;
  const Date to = working ? cal.add_working(from, n, explain ? &skipped : nullptr)
                          : cal.add_calendar(from, n, explain ? &skipped : nullptr);
  if (year_of_date(to) > kLastYear)
    throw ValidationError(std::vector<FieldError>{{"calendar", "days", n, "range", "the result is after 2200"}});
  Json out = {{"from", format_date(from)}, {"days", n}, {"working", working}, {"date", format_date(to)}};
  if (!working) out["rolled_forward"] = cal.declaration().deadlines_roll_forward.value;
  if (explain) {
    Json s = Json::array();
    for (const auto& k : skipped) s.push_back({{"date", format_date(k.date)}, {"reasons", k.reasons}});
    out["skipped"] = s;
  }
  return out;
}

Json calendar_working_days(Context& cx, std::string_view from_text, std::string_view to_text) {
  const Date from = date_arg("from", from_text), to = date_arg("to", to_text);
  auto cal = calendar_for(cx, year_of_date(std::min(from, to)), year_of_date(std::max(from, to)));
  return Json{{"from", format_date(from)}, {"to", format_date(to)}, {"working_days", cal.working_between(from, to)}};
}

Json calendar_pending(Context& cx, int year) {
  auto cal = calendar_for(cx, year, year);
  Json out = Json::array();
  for (const auto& [rule, estimate] : cal.pending(year))
    out.push_back({{"rule", rule->id},
                   {"name", rule->name_in(year, cx.profile.languages.front())},
                   {"estimate", estimate ? Json(format_date(*estimate)) : Json(nullptr)},
                   {"status", pack::calendar::status_name(rule->status)},
                   {"source", rule->source}});
  return out;
}

namespace {
/// The computed fields counted on the calendar (days not worked) of the records whose period
/// holds a day the change added or removed, computed again: [{"record_type", "id", "field",
/// "from", "to"}].
Json recompute_computed(Context& cx, const Json& change) {
  Json out = Json::array();
  for (const char* k : {"added", "removed"})
    for (const auto& d : change[k])
      for (auto& r : recompute_for_day(cx, *parse_date(d["date"].get<std::string>()))) out.push_back(std::move(r));
  return out;
}
}  // namespace

Json calendar_proclaim(Context& cx, const Json& spec) {
  cx.access.require_system(cx, "code_lists");
  const auto& cal = calendar_of(cx);
  std::vector<FieldError> errors;
  if (!spec.is_object())
    throw ValidationError(std::vector<FieldError>{
        {"calendar", "", spec, "type", R"(a proclamation is {"date", "rule"} or {"date", "name"}, with an optional "note")"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "date" && it.key() != "rule" && it.key() != "name" && it.key() != "note")
      errors.push_back({"calendar", it.key(), *it, "unknown_field", "a proclamation has date, rule or name, and note"});
  std::optional<Date> date;
  if (!spec.contains("date")) errors.push_back({"calendar", "date", nullptr, "required", "the date is required"});
  else if (!spec["date"].is_string() || !parse_date(spec["date"].get<std::string>()))
    errors.push_back({"calendar", "date", spec["date"], "type", "a date YYYY-MM-DD that exists"});
  else if (int y = year_of_date(*parse_date(spec["date"].get<std::string>())); y < kFirstYear || y > kLastYear)
    errors.push_back({"calendar", "date", spec["date"], "range", "a year from 1900 to 2200"});
  else date = parse_date(spec["date"].get<std::string>());
  const bool has_rule = spec.contains("rule"), has_name = spec.contains("name");
  if (has_rule == has_name)
    errors.push_back({"calendar", has_rule ? "name" : "rule", nullptr, "required",
                      "a rule (a holiday whose date is proclaimed) or a name (a one-off day), not both"});
  std::string rule_id;
  const pack::calendar::Rule* rule = nullptr;
  if (has_rule) {
    if (!spec["rule"].is_string()) {
      errors.push_back({"calendar", "rule", spec["rule"], "type", "a rule id of the country's calendar"});
    } else {
      rule_id = spec["rule"].get<std::string>();
      rule = cal.rule(rule_id);
      if (!rule) {
        std::string ids;
        for (const auto& r : cal.rules)
          if (r.kind != Kind::inactive) ids += (ids.empty() ? "" : ", ") + r.id;
        errors.push_back({"calendar", "rule", spec["rule"], "code_list",
                          "no holiday rule \"" + rule_id + "\" in the calendar of " + cx.profile.iso3 + " (" + ids + ")"});
      } else if (rule->kind == Kind::inactive) {
        errors.push_back({"calendar", "rule", spec["rule"], "code_list", "\"" + rule_id + "\" is not observed (inactive)"});
      } else if (date && !rule->valid_in(year_of_date(*date))) {
        std::string years;
        for (const auto& [a, b] : rule->periods)
          years += (years.empty() ? "" : ", ") + (a < kFirstYear ? std::string("until ") + std::to_string(b)
                                                  : b > kLastYear ? "from " + std::to_string(a)
                                                                  : std::to_string(a) + "-" + std::to_string(b));
        errors.push_back({"calendar", "date", spec["date"], "range",
                          rule->name.get("en") + " is a holiday only in " + years + ", not in " +
                              std::to_string(year_of_date(*date))});
      }
    }
  }
  pack::Label name;
  if (has_name) {
    const Json& n = spec["name"];
    auto check = [&](const std::string& path, const Json& v) {
      if (!v.is_string() || v.get<std::string>().empty() || !valid_utf8(v.get<std::string>()) ||
          utf8_length(v.get<std::string>()) > 200 || v.get<std::string>().find('\0') != std::string::npos)
        errors.push_back({"calendar", path, v.is_string() && !valid_utf8(v.get<std::string>()) ? Json(nullptr) : v, "type",
                          "a name of 1 to 200 characters"});
    };
    if (n.is_string()) {
      check("name", n);
      if (n.is_string()) name.text["en"] = n.get<std::string>();
    } else if (n.is_object() && n.contains("en")) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (it.key().size() != 2 || !std::islower(static_cast<unsigned char>(it.key()[0])) ||
            !std::islower(static_cast<unsigned char>(it.key()[1])))
          errors.push_back({"calendar", "name." + it.key(), *it, "type", "a two-letter language code"});
        check("name." + it.key(), *it);
        if (it->is_string()) name.text[it.key()] = it->get<std::string>();
      }
    } else {
      errors.push_back({"calendar", "name", n, "type", R"(a name, or names by language {"en": ..., "nl": ...})"});
    }
  }
  std::optional<std::string> note;
  if (spec.contains("note") && !spec["note"].is_null()) {
    const Json& v = spec["note"];
    if (!v.is_string() || !valid_utf8(v.get<std::string>()) || utf8_length(v.get<std::string>()) > 1000 ||
        v.get<std::string>().find('\0') != std::string::npos)
      errors.push_back({"calendar", "note", v.is_string() && !valid_utf8(v.get<std::string>()) ? Json(nullptr) : v, "type",
                        "the notice cited: text of at most 1000 characters"});
    else if (!v.get<std::string>().empty()) note = v.get<std::string>();
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const int y = year_of_date(*date);
  Write w(cx);
  if (rule) {
    if (auto old = store::calendar_rule_day(cx.conn, rule_id, y))
      throw Conflict(rule_id + " is already proclaimed for " + std::to_string(y) + " (" + old->date + ", entered by " +
                     old->entered_by + " on " + old->entered_at.substr(0, 10) + "); withdraw it first");
  } else if (auto old = store::calendar_one_off(cx.conn, format_date(*date))) {
    throw Conflict("a one-off day is already entered on " + old->date + "; withdraw it first");
  }
  auto before_cal = calendar_for(cx, y, y);
  const auto before = days_off(before_cal, y);
  Json labels = Json::object();
  if (!rule) {
    labels["en"] = name.text["en"];
    for (const auto& [lang, text] : name.text)
      if (lang != "en") labels[lang] = text;
  }
  const auto at = cx.clock.now_text();
  store::insert_calendar_day(cx.conn, y, format_date(*date), rule ? std::optional(rule_id) : std::nullopt,
                             rule ? std::nullopt : std::optional(labels.dump()), note, at, cx.who.uid);
  auto after_cal = calendar_for(cx, y, y);
  Json out = {{"year", y}, {"date", format_date(*date)}};
  if (rule) out["rule"] = rule_id;
  else out["name"] = labels;
  out["note"] = note ? Json(*note) : Json(nullptr);
  out.update(changes(before_cal, before, after_cal, days_off(after_cal, y)));
  out["deadlines_moved"] = recompute_deadlines(cx);
  out["computed_changed"] = recompute_computed(cx, out);
  cx.audit.append(cx.conn, at, cx.who.uid, "calendar_proclaim", {}, out);
  w.commit();
  return out;
}

Json calendar_withdraw(Context& cx, const Json& spec) {
  cx.access.require_system(cx, "code_lists");
  calendar_of(cx);
  std::vector<FieldError> errors;
  if (!spec.is_object())
    throw ValidationError(std::vector<FieldError>{
        {"calendar", "", spec, "type", R"(what to withdraw is {"rule", "year"} or {"date"} of a one-off day)"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "rule" && it.key() != "year" && it.key() != "date")
      errors.push_back({"calendar", it.key(), *it, "unknown_field", "rule and year, or date"});
  const bool by_rule = spec.contains("rule");
  if (by_rule == spec.contains("date"))
    errors.push_back({"calendar", "rule", nullptr, "required", "a rule and a year, or the date of a one-off day"});
  if (by_rule && (!spec["rule"].is_string()))
    errors.push_back({"calendar", "rule", spec["rule"], "type", "a rule id"});
  if (by_rule && (!spec.contains("year") || !spec["year"].is_number_integer() || spec["year"].get<std::int64_t>() < kFirstYear ||
                  spec["year"].get<std::int64_t>() > kLastYear))
    errors.push_back({"calendar", "year", spec.value("year", Json(nullptr)), "range", "a year from 1900 to 2200"});
  if (!by_rule && spec.contains("date") && (!spec["date"].is_string() || !parse_date(spec["date"].get<std::string>())))
    errors.push_back({"calendar", "date", spec["date"], "type", "a date YYYY-MM-DD that exists"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  std::optional<store::CalendarDayRow> row;
  if (by_rule) {
    const int y = static_cast<int>(spec["year"].get<std::int64_t>());
    row = store::calendar_rule_day(cx.conn, spec["rule"].get<std::string>(), y);
    if (!row)
      throw NotFound("no proclamation of \"" + spec["rule"].get<std::string>() + "\" is entered for " + std::to_string(y));
  } else {
    row = store::calendar_one_off(cx.conn, format_date(*parse_date(spec["date"].get<std::string>())));
    if (!row) throw NotFound("no one-off day is entered on " + spec["date"].get<std::string>());
  }
  auto before_cal = calendar_for(cx, row->year, row->year);
  const auto before = days_off(before_cal, row->year);
  const auto at = cx.clock.now_text();
  store::withdraw_calendar_day(cx.conn, row->id, at, cx.who.uid);
  auto after_cal = calendar_for(cx, row->year, row->year);
  Json out = {{"year", row->year}, {"date", row->date}};
  if (row->rule) out["rule"] = *row->rule;
  else out["name"] = Json::parse(*row->name);
  out.update(changes(before_cal, before, after_cal, days_off(after_cal, row->year)));
  out["deadlines_moved"] = recompute_deadlines(cx);
  out["computed_changed"] = recompute_computed(cx, out);
  cx.audit.append(cx.conn, at, cx.who.uid, "calendar_withdraw", {}, out);
  w.commit();
  return out;
}

}  // namespace clmis::detail
