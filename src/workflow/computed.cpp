#include "workflow/computed.hpp"

#include "records/records.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/accounts.hpp"
#include "store/feed.hpp"
#include "store/overrides.hpp"
#include "workflow/calendar.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <limits>
#include <optional>

namespace clmis::detail {

namespace {

using Int128 = boost::multiprecision::int128_t;

const Value kNone;

const Value& get(const Values& v, const std::string& name) {
  auto it = v.find(name);
  return it == v.end() ? kNone : it->second;
}

std::optional<std::int64_t> int_of(const Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return std::nullopt;
}

/// Thousandths of a week from the severance rule's decimal text ("2.5" → 2500).
std::int64_t milli_weeks(const Json& j) { return Decimal::parse(j.get<std::string>(), 3)->units; }

/// n / d rounded to an integer (n >= 0, d > 0), half up or half to even; none past int64.
std::optional<std::int64_t> divide_rounded(const Int128& n, const Int128& d, bool half_even) {
  Int128 q = n / d, r = n % d;
  if (2 * r > d || (2 * r == d && (!half_even || q % 2 == 1))) ++q;
  if (q > Int128(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return q.convert_to<std::int64_t>();
}

/// a + b into out, false past int64 (a sum clmis cannot hold is refused, never wrapped).
bool add(std::int64_t& out, std::int64_t b) { return !__builtin_add_overflow(out, b, &out); }

FieldError too_large(const pack::RecordType& t, const std::string& path, const std::string& what) {
  return {t.name, path, nullptr, "range", what + " is larger than clmis can hold (2^63 - 1 units)"};
}

/// The severance of one worker (docs/workflows.md, "Severance"): service in months, the weekly
/// pay (capped), the weeks of the bands the service covers. Exact: the amount is pay × Σ(weeks ×
/// months in band) / (12 × 1000) in integers, rounded once to the currency's minor unit.
Value severance(Context& cx, const pack::Field& f, const Values& entry, const std::string& path,
                std::vector<FieldError>& errors, const pack::RecordType& t) {
  const auto& c = *f.computed;
  auto rule_it = cx.profile.legal.find(c.parameter);
  if (rule_it == cx.profile.legal.end()) return Value{};  // the country has no rule: not computed
  const Json& rule = rule_it->second.value;
  const auto years = int_of(get(entry, c.args.at("years")));
  const auto* pay = std::get_if<Money>(&get(entry, c.args.at("weekly_pay")));
  if (!years || !pay) return Value{};
  std::int64_t months = 0;
  if (auto m = c.args.find("months"); m != c.args.end()) months = int_of(get(entry, m->second)).value_or(0);
  if (*years < 0 || months < 0 || pay->minor < 0) return Value{};  // the fields' ranges refuse these
  const std::int64_t service = *years * 12 + months;
  if (service < rule["minimum_service_months"].get<std::int64_t>()) return Value{Money{0, pay->currency}};
  std::int64_t weekly = pay->minor;
  if (rule.contains("cap_weekly_pay") && !rule["cap_weekly_pay"].is_null()) {
    auto cap = decode_value(rule["cap_weekly_pay"], ValueSpec{FieldType::money, 2, {}});
    const auto& m = std::get<Money>(std::get<Value>(cap));
    if (m.currency != pay->currency) {
      errors.push_back({t.name, path + "." + c.args.at("weekly_pay"), encode_value(Value{*pay}), "currency",
                        "the country's severance rule caps the weekly pay in " + m.currency + "; enter the pay in " +
                            m.currency});
      return Value{};
    }
    weekly = std::min(weekly, m.minor);
  }
  const std::int64_t counted = rule["years"] == "completed" ? service / 12 * 12 : service;
  // Σ thousandths of a week × months.
  Int128 weight = 0;
  const auto& bands = rule["bands"];
  if (rule["bands_apply"] == "own_years") {
    for (const auto& b : bands) {
      const std::int64_t lo = (b["from_year"].get<std::int64_t>() - 1) * 12;
      const std::int64_t hi = b.contains("to_year") ? b["to_year"].get<std::int64_t>() * 12 : counted;
      const std::int64_t in = std::max<std::int64_t>(0, std::min(counted, hi) - lo);
      weight += Int128(milli_weeks(b["weeks_per_year"])) * in;
    }
  } else {
    // The band the service has reached sets the rate of every year.
    const std::int64_t reached = std::max<std::int64_t>(1, service / 12);
    for (const auto& b : bands)
      if (reached >= b["from_year"].get<std::int64_t>() &&
          (!b.contains("to_year") || reached <= b["to_year"].get<std::int64_t>()))
        weight = Int128(milli_weeks(b["weeks_per_year"])) * counted;
  }
  if (rule.contains("cap_weeks") && !rule["cap_weeks"].is_null())
    weight = std::min(weight, Int128(milli_weeks(rule["cap_weeks"])) * 12);
  const bool half_even = rule["rounding"] == "half_even";
  const auto amount = divide_rounded(weight * weekly, 12 * 1000, half_even);
  if (!amount) {
    errors.push_back(too_large(t, path + "." + c.args.at("weekly_pay"), "the severance of this pay and service"));
    return Value{};
  }
  return Value{Money{*amount, pay->currency}};
}

class WorkflowComputer final : public Computer {
 public:
  Value record_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Values& fields,
                     const Sections& sections, std::vector<FieldError>& errors) const override {
    const auto& c = *f.computed;
    if (c.function == "working_days_times_workers") {
      const auto* from = std::get_if<Date>(&get(fields, c.args.at("from")));
      const auto* to = std::get_if<Date>(&get(fields, c.args.at("to")));
      if (!from || !to || *to < *from) return Value{};
      std::int64_t workers = 0;
      for (const auto& w : c.lists.at("workers"))
        if (!add(workers, int_of(get(fields, w)).value_or(0))) {
          errors.push_back(too_large(t, w, "the workers' sum"));
          return Value{};
        }
      auto cal = deadline_calendar(cx);
      // Working days d with from - 1 < d <= to: from to to, both included.
      const std::int64_t days = cal.working_between(*from - date::days{1}, *to);
      std::int64_t product = 0;
      if (__builtin_mul_overflow(workers, days, &product)) {
        errors.push_back(too_large(t, f.name, "the workers times the working days"));
        return Value{};
      }
      return Value{product};
    }
    if (c.function == "sum_fields") {
      std::int64_t n = 0;
      for (const auto& w : c.lists.at("fields"))
        if (!add(n, int_of(get(fields, w)).value_or(0))) {
          errors.push_back(too_large(t, w, "the sum of " + f.name));
          return Value{};
        }
      return Value{n};
    }
    const auto sec = sections.find(c.args.at("section"));
    static const std::vector<Values> none;
    const auto& items = sec == sections.end() ? none : sec->second;
    if (c.function == "count") return Value{static_cast<std::int64_t>(items.size())};
    if (c.function == "sum") {
      const std::string& name = c.args.at("field");
      if (f.type == FieldType::integer) {
        std::int64_t n = 0;
        for (size_t i = 0; i < items.size(); ++i)
          if (!add(n, int_of(get(items[i], name)).value_or(0))) {
            errors.push_back(too_large(t, c.args.at("section") + "[" + std::to_string(i) + "]." + name, "the sum of " + f.name));
            return Value{};
          }
        return Value{n};
      }
      std::optional<Money> total;
      for (size_t i = 0; i < items.size(); ++i) {
        const auto* m = std::get_if<Money>(&get(items[i], name));
        if (!m) continue;
        if (!total) {
          total = *m;
        } else if (total->currency != m->currency) {
          errors.push_back({t.name, c.args.at("section") + "[" + std::to_string(i) + "]." + name, encode_value(Value{*m}),
                            "currency", "amounts in " + total->currency + " and " + m->currency +
                                            " cannot be added into " + f.name + "; enter them in one currency"});
          return Value{};
        } else if (!add(total->minor, m->minor)) {
          errors.push_back(too_large(t, c.args.at("section") + "[" + std::to_string(i) + "]." + name, "the sum of " + f.name));
          return Value{};
        }
      }
      return total ? Value{*total} : Value{};
    }
    throw Misuse("computed function \"" + c.function + "\" is not a record's");
  }

  Value entry_value(Context& cx, const pack::RecordType& t, const pack::Section&, const pack::Field& f,
                    const Values& entry, const std::string& path, std::vector<FieldError>& errors) const override {
    if (f.computed->function == "severance") return severance(cx, f, entry, path, errors, t);
    throw Misuse("computed function \"" + f.computed->function + "\" is not an entry's");
  }
};

const pack::Field& computed_field(const pack::RecordType& t, std::string_view field, const Json& value) {
  const auto* f = t.field(field);
  if (!f || !f->computed)
    throw ValidationError(std::vector<FieldError>{
        {t.name, std::string(field), value, f ? "read_only" : "unknown_field",
         f ? "\"" + std::string(field) + "\" is entered, not computed: update it" : "record type \"" + t.name +
                                                                                      "\" has no field \"" + std::string(field) + "\""}});
  return *f;
}

std::string checked_reason(const pack::RecordType& t, std::string_view reason) {
  const auto first = reason.find_first_not_of(" \t\r\n");
  const std::string r = first == std::string_view::npos
                            ? std::string()
                            : std::string(reason.substr(first, reason.find_last_not_of(" \t\r\n") - first + 1));
  if (r.empty())
    throw ValidationError(std::vector<FieldError>{{t.name, "reason", std::string(reason), "required",
                                                   "an override of a computed value needs its reason"}});
  if (!valid_utf8(r) || utf8_length(r) > 1000)
    throw ValidationError(std::vector<FieldError>{{t.name, "reason", nullptr, "length", "a reason of at most 1000 characters"}});
  return r;
}

}  // namespace

const Computer& workflow_computer() {
  static const WorkflowComputer c;
  return c;
}

std::int64_t override_value(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                            std::string_view field, const Json& value, std::string_view reason) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  const auto& f = computed_field(t, field, value);
  const std::string why = checked_reason(t, reason);
  Write w(cx);
  const auto cur = read_for_write(cx, t, id, version);
  if (store::overridden_fields(cx.conn, t.name, id).count(f.name))
    throw Conflict(t.name + " " + std::to_string(id) + ": " + f.name + " is already overridden; clear the override first");
  std::vector<FieldError> errors;
  Value v;
  check_value(cx, t, f, value, f.name, v, errors, &get(cur.fields, f.name));
  if (errors.empty() && get(cur.fields, f.name) == v)
    errors.push_back({t.name, f.name, value, "unchanged", f.name + " is already " + value.dump() + "; an override sets another value"});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Input in;
  in.fields[f.name] = v;
  const auto written = write_update(cx, t, id, cur, in, "update", {}, Json{{"field", f.name}, {"reason", why}}, "override");
  const Value& old = get(cur.fields, f.name);
  add_history(cx, written.seq, t, id, "override", f.name, is_null(old) ? std::nullopt : std::optional(history_text(old)),
              is_null(v) ? std::nullopt : std::optional(history_text(v)), {}, Json{{"reason", why}});
  store::OverrideRow r;
  r.record_type = t.name;
  r.record_id = id;
  r.field = f.name;
  r.reason = why;
  r.by = cx.who.uid;
  r.at = store::utc_seconds(cx.clock.now_text());
  r.seq = written.seq;
  store::insert_override(cx.conn, r);
  w.commit();
  return written.version;
}

std::int64_t clear_override(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                            std::string_view field, std::string_view reason) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  const auto& f = computed_field(t, field, nullptr);
  const std::string why = checked_reason(t, reason);
  Write w(cx);
  const auto cur = read_for_write(cx, t, id, version);
  const std::string at = cx.clock.now_text();
  // Cleared first, so that the field is computed again below.
  if (!store::clear_override(cx.conn, t.name, id, f.name, cx.who.uid, store::utc_seconds(at),
                             store::last_change(cx.conn).value_or(0), why))
    throw Conflict(t.name + " " + std::to_string(id) + ": " + f.name + " is not overridden");
  std::vector<FieldError> errors;
  Input in;
  apply_computed(cx, t, id, &cur, in, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const Json detail = {{"field", f.name}, {"reason", why}};
  const auto written = write_update(cx, t, id, cur, in, "update", {}, detail, "override_cleared");
  if (written.changed) {
    const Value& old = get(cur.fields, f.name);
    const Value& now = get(in.fields, f.name);
    add_history(cx, written.seq, t, id, "override_cleared", f.name,
                is_null(old) ? std::nullopt : std::optional(history_text(old)),
                is_null(now) ? std::nullopt : std::optional(history_text(now)), {}, Json{{"reason", why}});
  } else {
    // The computed value is the one overridden: nothing to write but the clearing itself.
    add_history(cx, store::last_change(cx.conn).value_or(0), t, id, "override_cleared", f.name, std::nullopt, std::nullopt, {},
                Json{{"reason", why}});
    cx.audit.append(cx.conn, at, cx.who.uid, "override_cleared", {t.name, id, cur.version, 0}, detail);
  }
  w.commit();
  return written.version;
}

Json record_overrides(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  if (!store::read_record(cx.conn, t, id)) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  Json out = Json::array();
  for (const auto& o : store::overrides_of(cx.conn, t.name, id)) {
    Json e = {{"field", o.field}, {"reason", o.reason}, {"by", store::user_name(cx.conn, o.by)}, {"at", store::utc_text(o.at)}};
    if (o.cleared_at)
      e["cleared"] = {{"by", store::user_name(cx.conn, *o.cleared_by)},
                      {"at", store::utc_text(*o.cleared_at)},
                      {"reason", o.cleared_reason ? Json(*o.cleared_reason) : Json(nullptr)}};
    out.push_back(std::move(e));
  }
  return out;
}

Json recompute_for_day(Context& cx, Date day) {
  Json out = Json::array();
  for (const auto& t : cx.pack.record_types) {
    for (const auto& f : t.fields) {
      if (!f.computed || !f.computed->calendar) continue;
      const std::string& from = f.computed->args.at("from");
      const std::string& to = f.computed->args.at("to");
      for (const auto id : store::ids_with_day_between(cx.conn, t, from, to, day.time_since_epoch().count())) {
        const auto cur = store::read_record(cx.conn, t, id);
        if (!cur || store::overridden_fields(cx.conn, t.name, id).count(f.name)) continue;
        std::vector<FieldError> errors;
        Input in;
        apply_computed(cx, t, id, &*cur, in, errors);
        if (!errors.empty()) continue;  // left as it was; the record's next write reports it
        const auto written = write_update(cx, t, id, *cur, in, "update", {}, Json{{"calendar_day", format_date(day)}}, "recompute");
        if (written.changed)
          out.push_back({{"record_type", t.name}, {"id", id}, {"field", f.name},
                         {"from", encode_value(get(cur->fields, f.name))}, {"to", encode_value(get(in.fields, f.name))}});
      }
    }
  }
  return out;
}

}  // namespace clmis::detail
