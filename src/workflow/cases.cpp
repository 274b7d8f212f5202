#include "workflow/cases.hpp"

#include "core/dates.hpp"
#include "core/text.hpp"
#include "records/history.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/accounts.hpp"
#include "store/deadlines.hpp"
#include "store/documents.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"
#include "workflow/calendar.hpp"
#include "workflow/deadline.hpp"
#include "workflow/letters.hpp"
#include "workflow/links.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

namespace clmis::detail {

namespace {

/// The reason of a deadline cleared because its case was closed.
constexpr const char* kClosedReason = "the case was closed";

DeadlineUnit unit_of(const std::string& name) {
  return name == "calendar_days" ? DeadlineUnit::calendar_days
         : name == "months"      ? DeadlineUnit::months
                                 : DeadlineUnit::working_days;
}

Date day_date(std::int64_t day) { return Date{date::days{day}}; }
std::int64_t date_day(Date d) { return d.time_since_epoch().count(); }

bool running(const store::DeadlineRow& r) { return r.state == "open" || r.state == "paused"; }

/// The pauses of a deadline, from its events.
std::vector<DeadlinePause> pauses_of(const std::vector<store::DeadlineEventRow>& events) {
  std::vector<DeadlinePause> out;
  for (const auto& e : events) {
    if (e.event == "pause") out.push_back({day_date(e.day), std::nullopt, e.reason.value_or("")});
    if (e.event == "resume" && !out.empty() && !out.back().to) out.back().to = day_date(e.day);
  }
  return out;
}

/// The declaration of a stored deadline (none when the pack no longer has it).
const pack::Deadline* declared(Context& cx, const store::DeadlineRow& r) {
  const auto* t = cx.pack.record_type(r.record_type);
  return t && t->workflow ? t->workflow->deadline(r.deadline) : nullptr;
}

bool counted_back(const pack::Deadline* d) { return d && !d->before.empty(); }

/// The due date of a stored deadline, counted on cal with its pauses and extension; or, for one
/// counted back from a date (back), from r.before_day (no date while the record has none).
DeadlineDue due_of(HolidayCalendar& cal, store::Connection& c, const store::DeadlineRow& r, bool back) {
  if (back) {
    if (!r.before_day) return DeadlineDue{};
    return deadline_due_before(cal, unit_of(r.unit), static_cast<int>(r.length), day_date(*r.before_day));
  }
  const auto events = r.id ? store::deadline_events(c, r.id) : std::vector<store::DeadlineEventRow>{};
  return deadline_due(cal, unit_of(r.unit), static_cast<int>(r.length), static_cast<int>(r.extension),
                      day_date(r.started_day), pauses_of(events));
}

/// The day in a record's date field, if it holds one.
std::optional<std::int64_t> day_in(const store::StoredRecord& rec, const std::string& field) {
  if (const auto* d = std::get_if<Date>(&value_of(rec.fields, field))) return date_day(*d);
  return std::nullopt;
}

/// Whether a deadline binds the record as it now is (its condition, if it has one, holds).
bool applies(const pack::Deadline& d, const store::StoredRecord& rec) {
  if (!d.applies_when) return true;
  const auto* n = std::get_if<std::int64_t>(&value_of(rec.fields, d.applies_when->field));
  return n && *n >= d.applies_when->at_least;
}

std::int64_t change_now(Context& cx) { return store::last_change(cx.conn).value_or(0); }

std::int64_t now_seconds(Context& cx) { return store::utc_seconds(cx.clock.now_text()); }

/// The latest cycle of each deadline of a record, by id.
std::map<std::string, store::DeadlineRow> latest(const std::vector<store::DeadlineRow>& rows) {
  std::map<std::string, store::DeadlineRow> out;
  for (const auto& r : rows) {
    auto it = out.find(r.deadline);
    if (it == out.end() || it->second.cycle < r.cycle) out[r.deadline] = r;
  }
  return out;
}

void add_event(Context& cx, const store::DeadlineRow& r, const std::string& event, std::int64_t day,
               std::optional<std::int64_t> days, std::optional<std::string> reason) {
  store::DeadlineEventRow e;
  e.deadline_id = r.id;
  e.event = event;
  e.day = day;
  e.days = days;
  e.reason = std::move(reason);
  e.actor = cx.who.uid;
  e.at = now_seconds(cx);
  e.seq = r.seq;
  store::append_deadline_event(cx.conn, e);
}

/// The date an event that meets a deadline happened on the record as it now is, if it did:
/// field:<f> — the date in f; section:<s>.<f> — the earliest entry on or after the start.
std::optional<std::int64_t> met_on(const pack::RecordType& t, const store::StoredRecord& rec, const std::string& event,
                                   std::int64_t started_day) {
  if (event.rfind("field:", 0) == 0) {
    const auto* d = std::get_if<Date>(&value_of(rec.fields, event.substr(6)));
    if (d) return date_day(*d);
    return std::nullopt;
  }
  if (event.rfind("section:", 0) == 0) {
    const auto dot = event.find('.');
    const std::string sec = event.substr(8, dot - 8), field = event.substr(dot + 1);
    auto it = rec.sections.find(sec);
    if (it == rec.sections.end()) return std::nullopt;
    std::optional<std::int64_t> best;
    for (const auto& item : it->second)
      if (const auto* d = std::get_if<Date>(&value_of(item, field)))
        if (date_day(*d) >= started_day && (!best || date_day(*d) < *best)) best = date_day(*d);
    (void)t;
    return best;
  }
  return std::nullopt;
}

const pack::RecordType& case_type(Context& cx, std::string_view type) {
  const auto& t = cx.type(type);
  if (!t.workflow || t.workflow->deadlines.empty())
    throw NotFound("record type \"" + t.name + "\" has no deadlines");
  return t;
}

Json row_json(Context& cx, const pack::RecordType& t, const store::DeadlineRow& r, Date as_of) {
  const auto* d = t.workflow->deadline(r.deadline);
  Json o = {{"deadline", r.deadline},
            {"label", d ? d->label.to_json() : Json(nullptr)},
            {"cycle", r.cycle},
            {"state", r.state},
            {"started", store::day_text(r.started_day)},
            {"unit", r.unit},
            {"length", r.length},
            {"extension", r.extension},
            {"due", r.due_day ? Json(store::day_text(*r.due_day)) : Json(nullptr)},
            {"met_on", r.state == "met" && r.ended_day ? Json(store::day_text(*r.ended_day)) : Json(nullptr)},
            {"cleared_on", r.state == "cleared" && r.ended_day ? Json(store::day_text(*r.ended_day)) : Json(nullptr)},
            {"source", d ? d->source : std::string()},
            {"verified", d ? d->verified : false},
            // Counted back from a date of the record: the field, and the date it holds.
            {"before_field", counted_back(d) ? Json(d->before) : Json(nullptr)},
            {"before", r.before_day ? Json(store::day_text(*r.before_day)) : Json(nullptr)}};
  // Overdue: running and its due date passed; met late: met after it.
  o["overdue"] = running(r) && r.due_day && *r.due_day < date_day(as_of);
  o["met_late"] = r.state == "met" && r.due_day && r.ended_day && *r.ended_day > *r.due_day;
  (void)cx;
  return o;
}

/// Pauses, resumes, extends (days) or clears running deadline r of record id on day, with a
/// reason; audited ("deadline_<what>", with extra in the detail); in the caller's transaction.
void change_deadline(Context& cx, const pack::RecordType& t, std::int64_t id, store::DeadlineRow& r,
                     const std::string& what, std::int64_t day, const std::string& reason, std::int64_t days,
                     const Json& extra) {
  const auto at = cx.clock.now_text();
  Json detail = {{"deadline", r.deadline}, {"cycle", r.cycle}, {"date", store::day_text(day)}, {"reason", reason},
                 {"days", days}};
  detail.update(extra);
  cx.audit.append(cx.conn, at, cx.who.uid, "deadline_" + what, {t.name, id, 0, 0}, detail);
  r.seq = change_now(cx);
  if (what == "clear") {
    r.state = "cleared";
    r.ended_day = day;
  } else {
    if (what == "pause") r.state = "paused";
    if (what == "resume") r.state = "open";
    if (what == "extend") r.extension += days;
  }
  add_event(cx, r, what, day, what == "extend" ? std::optional(days) : std::nullopt,
            reason.empty() ? std::nullopt : std::optional(reason));
  if (what != "clear") {
    auto cal = deadline_calendar(cx);
    const auto due = due_of(cal, cx.conn, r, counted_back(declared(cx, r)));
    r.due_day = due.date ? std::optional(date_day(*due.date)) : std::nullopt;
  }
  store::update_deadline(cx.conn, r);
}

}  // namespace

bool has_deadlines(const pack::RecordType& t) { return t.workflow && !t.workflow->deadlines.empty(); }

void deadlines_after_write(Context& cx, const pack::RecordType& t, std::int64_t id, bool created,
                           const pack::Transition* tr, const std::string& effective) {
  if (!has_deadlines(t)) return;
  const auto& wf = *t.workflow;
  auto rec = store::read_record(cx.conn, t, id);
  if (!rec) return;
  auto current = latest(store::deadlines_of(cx.conn, t.name, id));
  std::optional<HolidayCalendar> cal;
  auto calendar = [&]() -> HolidayCalendar& {
    if (!cal) cal.emplace(deadline_calendar(cx));
    return *cal;
  };
  const std::int64_t seq = change_now(cx);
  auto start = [&](const pack::Deadline& d, std::int64_t day) {
    store::DeadlineRow r;
    r.record_type = t.name;
    r.record_id = id;
    r.deadline = d.id;
    auto it = current.find(d.id);
    r.cycle = it == current.end() ? 1 : it->second.cycle + 1;
    r.started_day = day;
    r.unit = d.unit_name();
    r.length = d.length;
    r.state = "open";
    r.seq = seq;
    if (counted_back(&d)) r.before_day = day_in(*rec, d.before);
    const auto due = due_of(calendar(), cx.conn, r, counted_back(&d));
    if (due.date) r.due_day = date_day(*due.date);
    store::insert_deadline(cx.conn, r);
    add_event(cx, r, "start", day, std::nullopt, std::nullopt);
    current[d.id] = r;
  };
  auto end = [&](store::DeadlineRow& r, const char* state, std::int64_t day, std::optional<std::string> reason) {
    r.state = state;
    r.ended_day = day;
    r.seq = seq;
    store::update_deadline(cx.conn, r);
    add_event(cx, r, state == std::string("met") ? "meet" : "clear", day, std::nullopt, std::move(reason));
  };
  const std::int64_t event_day = effective.empty() ? date_day(cx.clock.today()) : store::day_number(effective);
  const auto created_day = [&] {
    const auto day = day_in(*rec, wf.date_field);
    return day ? *day : date_day(cx.clock.today());
  };
  // 1. The events of this write that start deadlines: creation, a transition. A deadline that
  //    binds only above a threshold starts when it holds; one started by creation whose
  //    threshold is first reached by a later write starts then, from the creation date.
  for (const auto& d : wf.deadlines) {
    if (!d.active() || !applies(d, *rec)) continue;
    auto it = current.find(d.id);
    const bool is_running = it != current.end() && running(it->second);
    if (is_running) continue;
    const bool by_creation = std::count(d.starts.begin(), d.starts.end(), "created") > 0;
    if (created && by_creation) start(d, created_day());
    else if (tr && std::count(d.starts.begin(), d.starts.end(), tr->name)) start(d, event_day);
    else if (!created && by_creation && d.applies_when && it == current.end()) start(d, created_day());
  }
  // 1b. A deadline whose threshold no longer holds is cleared (once cleared so, it stays so for
  //     the case); one counted back from a date is
  //     counted again when that date (or, once met, the date that met it) changed.
  for (auto& [name, r] : current) {
    const auto* d = wf.deadline(name);
    if (!d || r.state == "cleared") continue;
    if (!applies(*d, *rec)) {  // running or met: a met one no longer binds either
      end(r, "cleared", event_day,
          "no longer applies: " + d->applies_when->field + " is below " + std::to_string(d->applies_when->at_least));
      continue;
    }
    if (!counted_back(d)) continue;
    const auto before = day_in(*rec, d->before);
    std::optional<std::int64_t> ended = r.ended_day;
    if (r.state == "met")
      for (const auto& e : d->met_by)
        if (auto on = met_on(t, *rec, e, r.started_day)) {
          ended = std::max(*on, r.started_day);
          break;
        }
    if (before == r.before_day && ended == r.ended_day) continue;
    const auto previous = r.due_day;
    r.before_day = before;
    r.ended_day = ended;
    const auto due = due_of(calendar(), cx.conn, r, true);
    r.due_day = due.date ? std::optional(date_day(*due.date)) : std::nullopt;
    r.seq = seq;
    store::update_deadline(cx.conn, r);
    add_event(cx, r, "recompute", event_day, previous, std::nullopt);
  }
  // 2. What meets a running deadline: the transition taken, or the record now holding the date.
  for (auto& [name, r] : current) {
    if (!running(r)) continue;
    const auto* d = wf.deadline(name);
    if (!d) continue;
    std::optional<std::int64_t> met;
    for (const auto& e : d->met_by) {
      if (tr && e == tr->name) met = event_day;
      else if (auto on = met_on(t, *rec, e, r.started_day)) met = met ? std::min(*met, *on) : *on;
      if (met) break;
    }
    if (met) end(r, "met", std::max(*met, r.started_day), std::nullopt);
  }
  // 3. A closed case has no deadline left running.
  if (tr && tr->to == "closed")
    for (auto& [name, r] : current)
      if (running(r)) end(r, "cleared", event_day, std::string(kClosedReason));
}

namespace {

template <class R>
std::int64_t create_impl(Context& cx, std::string_view type, const R& r, Warnings* warnings) {
  const auto& t = cx.type(type);
  if (!has_deadlines(t)) return create_record(cx, type, r, warnings);
  Write w(cx);
  const auto id = create_record(cx, type, r, warnings);
  deadlines_after_write(cx, t, id, true, nullptr, {});
  w.commit();
  return id;
}

template <class R>
Upserted upsert_impl(Context& cx, std::string_view type, std::string_view external_id, const R& r, Warnings* warnings) {
  const auto& t = cx.type(type);
  if (!has_deadlines(t)) return upsert_record(cx, type, external_id, r, warnings);
  Write w(cx);
  const auto u = upsert_record(cx, type, external_id, r, warnings);
  if (u.outcome != Upserted::Outcome::unchanged)
    deadlines_after_write(cx, t, u.id, u.outcome == Upserted::Outcome::created, nullptr, {});
  w.commit();
  return u;
}

}  // namespace

std::int64_t create_case(Context& cx, std::string_view type, const Json& j, Warnings* warnings) {
  return create_impl(cx, type, j, warnings);
}
std::int64_t create_case(Context& cx, std::string_view type, const GivenRecord& r, Warnings* warnings) {
  return create_impl(cx, type, r, warnings);
}
Upserted upsert_case(Context& cx, std::string_view type, std::string_view external_id, const Json& j, Warnings* warnings) {
  return upsert_impl(cx, type, external_id, j, warnings);
}
Upserted upsert_case(Context& cx, std::string_view type, std::string_view external_id, const GivenRecord& r,
                     Warnings* warnings) {
  return upsert_impl(cx, type, external_id, r, warnings);
}

std::int64_t update_case(Context& cx, std::string_view type, std::int64_t id, std::int64_t version, const Json& j,
                         Warnings* warnings) {
  const auto& t = cx.type(type);
  if (!has_deadlines(t)) return update_record(cx, type, id, version, j, warnings);
  Write w(cx);
  const auto v = update_record(cx, type, id, version, j, warnings);
  deadlines_after_write(cx, t, id, false, nullptr, {});
  w.commit();
  return v;
}

Json record_deadlines(Context& cx, std::string_view type, std::int64_t id, std::string_view as_of) {
  const auto& t = case_type(cx, type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  if (!store::read_record(cx.conn, t, id)) throw NotFound(t.name + " " + std::to_string(id) + " does not exist");
  Date at = cx.clock.today();
  if (!as_of.empty()) {
    auto d = parse_date(as_of);
    if (!d)
      throw ValidationError(std::vector<FieldError>{{t.name, "as_of", std::string(as_of), "type", "expected a date YYYY-MM-DD"}});
    at = *d;
  }
  Json out = Json::array();
  for (const auto& r : store::deadlines_of(cx.conn, t.name, id)) out.push_back(row_json(cx, t, r, at));
  return out;
}

Json deadline_explain(Context& cx, std::string_view type, std::int64_t id, std::string_view deadline) {
  const auto& t = case_type(cx, type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  const auto rows = store::deadlines_of(cx.conn, t.name, id);
  const auto cur = latest(rows);
  auto it = cur.find(std::string(deadline));
  if (it == cur.end()) {
    std::vector<std::string> names;
    for (const auto& [n, r] : cur) names.push_back(n);
    throw NotFound(t.name + " " + std::to_string(id) + " has no deadline \"" + std::string(deadline) + "\"" +
                   (names.empty() ? std::string(" (none started)") : " (it has " + join(names) + ")"));
  }
  const auto& r = it->second;
  auto cal = deadline_calendar(cx);
  const auto events = store::deadline_events(cx.conn, r.id);
  const auto due = due_of(cal, cx.conn, r, counted_back(declared(cx, r)));
  Json skipped = Json::array();
  for (const auto& s : due.skipped) skipped.push_back({{"date", format_date(s.date)}, {"reasons", s.reasons}});
  Json ev = Json::array();
  for (const auto& e : events) {
    Json o = {{"event", e.event}, {"date", store::day_text(e.day)}};
    if (e.days) o[e.event == "recompute" ? "due_before" : "days"] = e.event == "recompute" ? Json(store::day_text(*e.days)) : Json(*e.days);
    if (e.reason) o["reason"] = *e.reason;
    ev.push_back(o);
  }
  Json out = row_json(cx, t, r, cx.clock.today());
  out["days"] = due.days;
  out["due_counted"] = due.date ? Json(format_date(*due.date)) : Json(nullptr);
  out["paused_since"] = due.paused_on ? Json(format_date(*due.paused_on)) : Json(nullptr);
  out["skipped"] = skipped;
  out["events"] = ev;
  return out;
}

Json deadline_change(Context& cx, std::string_view type, std::int64_t id, std::string_view deadline, const Json& action) {
  const auto& t = case_type(cx, type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  std::vector<FieldError> errors;
  auto error = [&](const std::string& path, const Json& v, const char* rule, const std::string& m) {
    errors.push_back({t.name, path, v, rule, m});
  };
  if (!action.is_object()) {
    error("", action, "type", R"(a deadline change is {"action", "reason", "days", "date"})");
    throw ValidationError(std::move(errors));
  }
  std::string what, reason;
  std::int64_t days = 0;
  Date on = cx.clock.today();
  for (auto it = action.begin(); it != action.end(); ++it) {
    const std::string& k = it.key();
    if (k == "action") {
      if (!it->is_string() || (*it != "pause" && *it != "resume" && *it != "extend" && *it != "clear"))
        error("action", *it, "code_list", "pause, resume, extend or clear");
      else what = it->get<std::string>();
    } else if (k == "reason") {
      if (!it->is_string() || it->get<std::string>().empty() || !valid_utf8(it->get<std::string>()) ||
          utf8_length(it->get<std::string>()) > 1000)
        error("reason", it->is_string() && valid_utf8(it->get<std::string>()) ? *it : Json(nullptr), "type",
              "a reason of 1 to 1000 characters");
      else reason = it->get<std::string>();
    } else if (k == "days") {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 3660)
        error("days", *it, "range", "whole days from 1 to 3660");
      else days = it->get<std::int64_t>();
    } else if (k == "date") {
      auto d = it->is_string() ? parse_date(it->get<std::string>()) : std::nullopt;
      if (!d) error("date", *it, "type", "expected a date YYYY-MM-DD");
      else if (*d > cx.clock.today()) error("date", *it, "date_order", "a deadline changes today or on a past day, not later");
      else on = *d;
    } else {
      error(k, *it, "unknown_field", "a deadline change has action, reason, days and date");
    }
  }
  if (what.empty() && !action.contains("action")) error("action", nullptr, "required", "pause, resume, extend or clear");
  if (what != "resume" && !what.empty() && reason.empty() && !action.contains("reason"))
    error("reason", nullptr, "required", "a " + what + " needs its reason (it is kept with the case)");
  if (what == "extend" && !action.contains("days")) error("days", nullptr, "required", "the days to add");
  if (what != "extend" && action.contains("days") && !what.empty())
    error("days", action["days"], "unknown_field", "only an extension takes days");
  if (!errors.empty()) throw ValidationError(std::move(errors));

  Write w(cx);
  auto cur = latest(store::deadlines_of(cx.conn, t.name, id));
  auto it = cur.find(std::string(deadline));
  if (it == cur.end()) throw NotFound(t.name + " " + std::to_string(id) + " has no deadline \"" + std::string(deadline) + "\"");
  auto& r = it->second;
  const std::int64_t day = date_day(on);
  if (!running(r))
    throw Conflict("deadline " + r.deadline + " of " + t.name + " " + std::to_string(id) + " is " + r.state +
                   "; only a running deadline is paused, resumed, extended or cleared");
  if (what != "clear" && counted_back(declared(cx, r)))
    throw Conflict("deadline " + r.deadline + " is counted back from " + declared(cx, r)->before +
                   ": it is never paused, resumed or extended (change that date, or clear it)");
  if (what == "pause" && r.state == "paused") throw Conflict("deadline " + r.deadline + " is already paused");
  if (what == "resume" && r.state != "paused") throw Conflict("deadline " + r.deadline + " is not paused");
  const auto events = store::deadline_events(cx.conn, r.id);
  if (!events.empty() && day < events.back().day)
    throw ValidationError(std::vector<FieldError>{{t.name, "date", format_date(on), "date_order",
                                                   "the date is before the deadline's last event (" +
                                                       store::day_text(events.back().day) + ")"}});
  change_deadline(cx, t, id, r, what, day, reason, days, Json::object());
  Json out = row_json(cx, t, r, cx.clock.today());
  w.commit();
  return out;
}

void effects_after_transition(Context& cx, const pack::RecordType& t, std::int64_t id, const pack::Transition& tr,
                              const std::string& effective) {
  if (tr.effects.empty()) return;
  const std::string reason = "transition " + tr.name;
  const Json extra = {{"effect", tr.name}};
  for (const auto& e : tr.effects) {
    if (e.kind == pack::Effect::Kind::assign) {
      if (store::case_assignee(cx.conn, t.name, id)) continue;
      const auto at = cx.clock.now_text();
      store::assign_case(cx.conn, t.name, id, cx.who.uid, cx.who.uid, store::utc_seconds(at), reason, change_now(cx));
      const auto rec = store::read_record(cx.conn, t, id);
      cx.audit.append(cx.conn, at, cx.who.uid, "assign", {t.name, id, rec ? rec->version : 0, 0},
                      Json{{"record_type", t.name},
                           {"id", id},
                           {"assigned_to", store::user_name(cx.conn, cx.who.uid)},
                           {"previous", nullptr},
                           {"reason", reason},
                           {"effect", tr.name}});
      continue;
    }
    if (e.kind == pack::Effect::Kind::letter) {
      // Needs the "letter" grant as on demand; in the transition's transaction.
      produce_letter(cx, t.name, id, e.target, "", "html");
      continue;
    }
    auto cur = latest(store::deadlines_of(cx.conn, t.name, id));
    auto it = cur.find(e.target);
    if (it == cur.end() || !running(it->second)) continue;
    auto& r = it->second;
    const char* what = e.kind == pack::Effect::Kind::pause ? "pause" : e.kind == pack::Effect::Kind::resume ? "resume" : "clear";
    if ((e.kind == pack::Effect::Kind::pause) == (r.state == "paused") && e.kind != pack::Effect::Kind::clear) continue;
    const std::int64_t day = date_day(*parse_date(effective));
    const auto events = store::deadline_events(cx.conn, r.id);
    if (!events.empty() && day < events.back().day)
      throw ValidationError(std::vector<FieldError>{
          {t.name, "effective_date", effective, "date_order",
           "transition " + tr.name + " would " + what + " deadline " + r.deadline + " before its last event (" +
               store::day_text(events.back().day) + ")"}});
    change_deadline(cx, t, id, r, what, day, e.kind == pack::Effect::Kind::resume ? std::string() : reason, 0, extra);
  }
}

Json assign_case(Context& cx, std::string_view type, std::int64_t id, std::string_view user, std::string_view reason) {
  const auto& t = cx.type(type);
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" is not a case type (it has no workflow)");
  cx.access.require_record(cx, t, "assign", cx.access.require_scope(cx, t, "assign"), id);
  std::optional<std::int64_t> to;
  if (!user.empty()) {
    const auto u = store::user_by_name(cx.conn, user);
    if (!u || !u->active)
      throw ValidationError(std::vector<FieldError>{{t.name, "user", std::string(user), "reference",
                                                     "no active user \"" + std::string(user) + "\" to assign the case to"}});
    to = u->id;
  }
  if (!reason.empty() && (!valid_utf8(reason) || utf8_length(reason) > 1000))
    throw ValidationError(std::vector<FieldError>{{t.name, "reason", nullptr, "type", "a reason of at most 1000 characters"}});
  Write w(cx);
  const auto rec = store::read_record(cx.conn, t, id);
  if (!rec) throw NotFound(t.name + " " + std::to_string(id) + " does not exist");
  if (rec->archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived");
  const auto before = store::case_assignee(cx.conn, t.name, id);
  if (before == to)
    throw Conflict(t.name + " " + std::to_string(id) + (to ? " is already assigned to " + std::string(user) : " is not assigned"));
  const auto at = cx.clock.now_text();
  store::assign_case(cx.conn, t.name, id, to, cx.who.uid, store::utc_seconds(at),
                     reason.empty() ? std::nullopt : std::optional<std::string>(reason), change_now(cx));
  Json out = {{"record_type", t.name},
              {"id", id},
              {"assigned_to", to ? Json(std::string(user)) : Json(nullptr)},
              {"previous", before ? Json(store::user_name(cx.conn, *before)) : Json(nullptr)}};
  Json detail = out;
  if (!reason.empty()) detail["reason"] = std::string(reason);
  cx.audit.append(cx.conn, at, cx.who.uid, "assign", {t.name, id, rec->version, 0}, detail);
  w.commit();
  return out;
}

Json case_assignments(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  Json out = Json::array();
  for (const auto& a : store::assignments_of(cx.conn, t.name, id))
    out.push_back({{"assigned_to", a.user ? Json(store::user_name(cx.conn, *a.user)) : Json(nullptr)},
                   {"by", store::user_name(cx.conn, a.by)},
                   {"at", store::utc_text(a.at)},
                   {"reason", a.reason ? Json(*a.reason) : Json(nullptr)}});
  return out;
}

namespace {

/// The case types a spec's "types" names (checked: PermissionDenied for one the user may not
/// read at all), or every type with deadlines the user may read; with "section", only those of
/// that organisational section. own_only (if given) is set when the user reads one of them
/// only in the "own" scope: their rows are then the cases assigned to the user.
std::vector<const pack::RecordType*> case_types(Context& cx, const Json& spec, std::vector<FieldError>& errors,
                                                const char* what, bool* own_only = nullptr) {
  std::vector<const pack::RecordType*> out;
  std::optional<std::string> section;
  if (spec.contains("section")) {
    if (!spec["section"].is_string() || !cx.pack.has_section(spec["section"].get<std::string>()))
      errors.push_back({what, "section", spec["section"], "code_list", "not an organisational section of the pack"});
    else section = spec["section"].get<std::string>();
  }
  if (spec.contains("types")) {
    if (!spec["types"].is_array()) {
      errors.push_back({what, "types", spec["types"], "type", "an array of case types"});
      return out;
    }
    for (size_t i = 0; i < spec["types"].size(); ++i) {
      const Json& n = spec["types"][i];
      const auto* t = n.is_string() ? cx.pack.record_type(n.get<std::string>()) : nullptr;
      if (!t || !has_deadlines(*t)) {
        errors.push_back({what, "types[" + std::to_string(i) + "]", n, "code_list", "not a case type with deadlines"});
        continue;
      }
      if (cx.access.require_scope(cx, *t, "read") == pack::Scope::own && own_only) *own_only = true;
      out.push_back(t);
    }
  } else {
    for (const auto& t : cx.pack.record_types) {
      if (!has_deadlines(t)) continue;
      const auto sc = cx.access.scope_of(cx, t, "read");
      if (sc == pack::Scope::none || (sc == pack::Scope::own && !own_only)) continue;
      if (sc == pack::Scope::own) *own_only = true;
      out.push_back(&t);
    }
  }
  if (section)
    out.erase(std::remove_if(out.begin(), out.end(), [&](const pack::RecordType* t) { return t->org_section != *section; }),
              out.end());
  return out;
}

std::optional<Date> date_key(const Json& spec, const char* key, const char* what, std::vector<FieldError>& errors) {
  if (!spec.contains(key) || spec[key].is_null()) return std::nullopt;
  auto d = spec[key].is_string() ? parse_date(spec[key].get<std::string>()) : std::nullopt;
  if (!d) errors.push_back({what, key, spec[key], "type", "expected a date YYYY-MM-DD"});
  return d;
}

std::uint64_t fingerprint(const Json& spec) {
  // The spec's text without its cursor and limit, as {"key":value,...} (without copying it).
  std::string text = "{";
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "cursor" || it.key() == "limit") continue;
    if (text.size() > 1) text += ',';
    text += Json(it.key()).dump();
    text += ':';
    text += it->dump();
  }
  text += '}';
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

QueuePage case_queue(Context& cx, const Json& spec) {
  static const char* kWhat = "queue";
  std::vector<FieldError> errors;
  if (!spec.is_object())
    throw ValidationError(std::vector<FieldError>{{kWhat, "", spec, "type", "a queue is asked for with a JSON object"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "types" && it.key() != "section" && it.key() != "officer" && it.key() != "overdue" &&
        it.key() != "due_within" && it.key() != "as_of" && it.key() != "limit" && it.key() != "cursor")
      errors.push_back({kWhat, it.key(), *it, "unknown_field",
                        "a queue takes types, section, officer, overdue, due_within, as_of, limit and cursor"});
  // The whole call in one read transaction: each statement run outside one (the user's check,
  // the officer's id, the page) would take and drop the file's read lock, a few system calls
  // each (issue 15's benchmark: a tenth of an empty queue's time).
  store::ReadTransaction rt(cx.conn);
  bool own_only = false;
  auto types = case_types(cx, spec, errors, kWhat, &own_only);
  const Date as_of = date_key(spec, "as_of", kWhat, errors).value_or(cx.clock.today());
  std::optional<std::int64_t> officer;
  if (spec.contains("officer") && !spec["officer"].is_null()) {
    const auto u = spec["officer"].is_string() ? store::user_by_name(cx.conn, spec["officer"].get<std::string>())
                                               : std::nullopt;
    if (!u) errors.push_back({kWhat, "officer", spec["officer"], "reference", "no such user"});
    else officer = u->id;
  }
  const bool overdue = spec.contains("overdue") && spec["overdue"].is_boolean() && spec["overdue"].get<bool>();
  if (spec.contains("overdue") && !spec["overdue"].is_boolean())
    errors.push_back({kWhat, "overdue", spec["overdue"], "type", "true or false"});
  std::optional<std::int64_t> due_until;
  if (spec.contains("due_within")) {
    if (!spec["due_within"].is_number_integer() || spec["due_within"].get<std::int64_t>() < 0 ||
        spec["due_within"].get<std::int64_t>() > 3660)
      errors.push_back({kWhat, "due_within", spec["due_within"], "range", "whole days from 0 to 3660"});
    else due_until = date_day(as_of) + spec["due_within"].get<std::int64_t>();
  }
  int limit = 50;
  if (spec.contains("limit")) {
    if (!spec["limit"].is_number_integer() || spec["limit"].get<std::int64_t>() < 1 || spec["limit"].get<std::int64_t>() > 1000)
      errors.push_back({kWhat, "limit", spec["limit"], "range", "from 1 to 1000"});
    else limit = static_cast<int>(spec["limit"].get<std::int64_t>());
  }
  const std::uint64_t fp = fingerprint(spec);
  std::optional<std::pair<std::int64_t, std::int64_t>> after;
  if (spec.contains("cursor") && !spec["cursor"].is_null()) {
    std::uint64_t f = 0;
    long long due = 0, id = 0;
    const std::string c = spec["cursor"].is_string() ? spec["cursor"].get<std::string>() : std::string();
    if (std::sscanf(c.c_str(), "q1.%llx.%lld.%lld", reinterpret_cast<unsigned long long*>(&f), &due, &id) != 3 || f != fp)
      errors.push_back({kWhat, "cursor", spec["cursor"], "query", "not a cursor of this queue (ask again without it)"});
    else after = std::pair<std::int64_t, std::int64_t>(due, id);
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // A user who reads a type only in the own scope sees the queue of the cases assigned to them.
  if (own_only) {
    if (officer && *officer != cx.who.uid)
      cx.access.deny(cx, "queue", "own cases only: the queue of another officer needs the section or all scope");
    officer = cx.who.uid;
  }
  QueuePage out;
  out.as_of = as_of;
  if (!types.empty()) {
    auto& list = out.rows;
    list.reserve(static_cast<size_t>(limit));
    const std::int64_t today = date_day(as_of);
    std::pair<std::int64_t, std::int64_t> last{0, 0};
    bool more = false;
    store::queue_rows(cx.conn, types, officer, overdue ? std::optional(today) : std::nullopt, due_until, after, limit + 1,
                      [&](const store::QueueRow& q) {
                        if (static_cast<int>(list.size()) == limit) {
                          more = true;
                          return;
                        }
                        QueueEntry& e = list.emplace_back();
                        e.record_type = q.record_type;
                        e.id = q.record_id;
                        if (q.number) e.number = std::string(*q.number);
                        e.status = q.status;
                        e.deadline = q.deadline;
                        e.state = q.state;
                        if (q.due_day) e.due = Date{date::days{*q.due_day}};
                        e.overdue = q.due_day && *q.due_day < today;
                        e.days_overdue = e.overdue ? today - *q.due_day : 0;
                        if (q.officer) e.officer = std::string(*q.officer);
                        last = {q.due_day.value_or(INT64_MAX), q.id};
                      });
    if (more) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "q1.%llx.%lld.%lld", static_cast<unsigned long long>(fp),
                    static_cast<long long>(last.first), static_cast<long long>(last.second));
      out.next_cursor = buf;
    }
  }
  return out;
}

Json case_ageing(Context& cx, const Json& spec) {
  static const char* kWhat = "ageing";
  std::vector<FieldError> errors;
  if (!spec.is_object())
    throw ValidationError(std::vector<FieldError>{{kWhat, "", spec, "type", "ageing is asked for with a JSON object"}});
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "types" && it.key() != "section" && it.key() != "as_of")
      errors.push_back({kWhat, it.key(), *it, "unknown_field", "ageing takes types, section and as_of"});
  auto types = case_types(cx, spec, errors, kWhat);
  const Date as_of = date_key(spec, "as_of", kWhat, errors).value_or(cx.clock.today());
  if (!errors.empty()) throw ValidationError(std::move(errors));
  static const char* const kBands[] = {"0-30", "31-60", "61-90", "over 90"};
  Json rows = Json::array();
  for (const auto* t : types) {
    cx.access.require_scope(cx, *t, "read");
    std::map<std::string, std::array<std::int64_t, 4>> by_state;
    for (const auto& r : store::ageing(cx.conn, *t, date_day(as_of))) by_state[r.state][static_cast<size_t>(r.band)] += r.cases;
    for (const auto& st : t->workflow->states) {
      if (st == "closed") continue;
      const auto it = by_state.find(st);
      Json row = {{"record_type", t->name}, {"state", st}};
      std::int64_t total = 0;
      for (size_t b = 0; b < 4; ++b) {
        const std::int64_t n = it == by_state.end() ? 0 : it->second[b];
        row[kBands[b]] = n;
        total += n;
      }
      row["total"] = total;
      rows.push_back(row);
    }
  }
  return {{"as_of", format_date(as_of)}, {"bands", Json::array({"0-30", "31-60", "61-90", "over 90"})}, {"rows", rows}};
}

Json case_timeline(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  // The history checks the permission (read, and the record's scope) and masks personal values.
  const Json history = record_history(cx, type, id);
  // In the order of the changes: a write's history rows, then the deadline events the write
  // caused (start, meet, clear on closing), then what was done after it before the next write
  // (an assignment, a pause, an extension...: their change number is the write's), by time.
  struct Item {
    std::int64_t seq;
    int stage;  // 0 the write's history, 1 its deadline events, 2 later actions
    std::string at;
    std::size_t n;
    Json event;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Json& h = history[i];
    Json e = {{"at", h["at"]}, {"date", h["effective_date"]}, {"event", h["event"]}, {"by", h["by"]}};
    if (!h["field"].is_null()) {
      e["field"] = h["field"];
      e["from"] = h["from"];
      e["to"] = h["to"];
    }
    if (!h["detail"].is_null()) e["detail"] = h["detail"];
    items.push_back({h["seq"].get<std::int64_t>(), 0, h["at"].get<std::string>(), i, std::move(e)});
  }
  std::size_t n = 0;
  for (const auto& a : store::assignments_of(cx.conn, t.name, id)) {
    Json e = {{"at", store::utc_text(a.at)},
              {"date", local_day_of(cx, a.at)},
              {"event", "assigned"},
              {"by", store::user_name(cx.conn, a.by)},
              {"to", a.user ? Json(store::user_name(cx.conn, *a.user)) : Json(nullptr)}};
    if (a.reason) e["reason"] = *a.reason;
    items.push_back({a.seq, 2, store::utc_text(a.at), n++, std::move(e)});
  }
  for (const auto& d : store::deadlines_of(cx.conn, t.name, id))
    for (const auto& ev : store::deadline_events(cx.conn, d.id)) {
      Json e = {{"at", store::utc_text(ev.at)},
                {"date", store::day_text(ev.day)},
                {"event", "deadline " + ev.event},
                {"deadline", d.deadline},
                {"cycle", d.cycle},
                {"by", store::user_name(cx.conn, ev.actor)}};
      if (ev.days) e[ev.event == "recompute" ? "due_before" : "days"] =
          ev.event == "recompute" ? Json(store::day_text(*ev.days)) : Json(*ev.days);
      if (ev.reason) e["reason"] = *ev.reason;
      if (ev.event == "start" && d.due_day) e["due"] = store::day_text(*d.due_day);  // as it stands now
      const bool by_write = ev.event == "start" || ev.event == "meet" ||
                            (ev.event == "clear" && ev.reason && *ev.reason == kClosedReason);
      items.push_back({ev.seq, by_write ? 1 : 2, store::utc_text(ev.at), n++, std::move(e)});
    }
  // Links made, then links removed (in a tie, a link comes before its removal).
  auto links = link_events(cx, t.name, id);
  for (bool removed : {false, true})
    for (auto& l : links)
      if (!l.event.is_null() && (l.event.at("event") == "unlinked") == removed)
        items.push_back({l.seq, 2, l.at, n++, std::move(l.event)});
  // Documents: attachments ("attached"), letters ("letter") and their withdrawals, as later
  // actions of the write before them (their change number is that write's). Withdrawals go in
  // after every document, so that in a tie (the same change number and second) a document
  // filed comes before a withdrawal.
  std::vector<Item> withdrawals;
  for (const auto& d : store::documents_of(cx.conn, t.name, id)) {
    Json e = {{"at", store::utc_text(d.at)},
              {"date", local_day_of(cx, d.at)},
              {"event", d.kind == "letter" ? "letter" : "attached"},
              {"by", store::user_name(cx.conn, d.by)},
              {"document", d.id},
              {"name", d.name}};
    if (d.kind == "letter") {
      e["lang"] = d.lang ? Json(*d.lang) : Json(nullptr);
    } else {
      e["media_type"] = d.media_type;
      e["size"] = d.size;
      e["sha256"] = d.sha256;
    }
    if (d.note) e["note"] = *d.note;
    items.push_back({d.seq, 2, store::utc_text(d.at), n++, std::move(e)});
    if (d.withdrawn_at) {
      Json w = {{"at", store::utc_text(*d.withdrawn_at)},
                {"date", local_day_of(cx, *d.withdrawn_at)},
                {"event", "document withdrawn"},
                {"by", d.withdrawn_by ? Json(store::user_name(cx.conn, *d.withdrawn_by)) : Json(nullptr)},
                {"document", d.id},
                {"name", d.name},
                {"reason", d.withdrawn_reason ? Json(*d.withdrawn_reason) : Json(nullptr)}};
      withdrawals.push_back({d.withdrawn_seq.value_or(d.seq), 2, store::utc_text(*d.withdrawn_at), 0, std::move(w)});
    }
  }
  for (auto& w : withdrawals) {
    w.n = n++;
    items.push_back(std::move(w));
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.seq, a.stage, a.at, a.n) < std::tie(b.seq, b.stage, b.at, b.n);
  });
  Json out = Json::array();
  for (auto& i : items) out.push_back(std::move(i.event));
  return out;
}

Json recompute_deadlines(Context& cx) {
  Json moved = Json::array();
  auto rows = store::running_deadlines(cx.conn);
  if (rows.empty()) return moved;
  auto cal = deadline_calendar(cx);
  for (auto& r : rows) {
    const auto due = due_of(cal, cx.conn, r, counted_back(declared(cx, r)));
    const std::optional<std::int64_t> now = due.date ? std::optional(date_day(*due.date)) : std::nullopt;
    if (now == r.due_day) continue;
    moved.push_back({{"record_type", r.record_type},
                     {"record_id", r.record_id},
                     {"deadline", r.deadline},
                     {"from", r.due_day ? Json(store::day_text(*r.due_day)) : Json(nullptr)},
                     {"to", now ? Json(store::day_text(*now)) : Json(nullptr)}});
    const auto before = r.due_day;
    r.due_day = now;
    r.seq = change_now(cx);
    store::update_deadline(cx.conn, r);
    add_event(cx, r, "recompute", date_day(cx.clock.today()), before, std::nullopt);
  }
  return moved;
}

}  // namespace clmis::detail
