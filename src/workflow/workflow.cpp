#include "workflow/workflow.hpp"

#include "core/text.hpp"
#include "records/computed.hpp"
#include "records/records.hpp"
#include "records/rules.hpp"
#include "security/access.hpp"
#include "store/feed.hpp"
#include "workflow/cases.hpp"

#include <algorithm>

namespace clmis::detail {

std::int64_t transition(Context& cx, std::string_view type, std::int64_t id, std::int64_t version,
                        std::string_view name, const Json& args) {
  const auto& t = cx.type(type);
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" has no workflow");
  const auto& wf = *t.workflow;
  const auto* tr = wf.transition(name);
  if (!tr) throw NotFound("the workflow of " + t.name + " has no transition \"" + std::string(name) + "\"");
  {
    const std::string action = "transition:" + tr->name;
    cx.access.require_record(cx, t, action, cx.access.require_scope(cx, t, action), id);
  }
  if (!args.is_object() && !args.is_null())
    throw ValidationError(std::vector<FieldError>{{t.name, "", args, "type", "the arguments of a transition are a JSON object"}});
  Write w(cx);
  const auto cur = read_for_write(cx, t, id, version);
  const auto* state_code = std::get_if<Code>(&value_of(cur.fields, wf.status_field));
  const std::string state = state_code ? state_code->value : std::string();
  if (std::find(tr->from.begin(), tr->from.end(), state) == tr->from.end())
    throw Conflict(t.name + " " + std::to_string(id) + " is " + (state.empty() ? "without status" : state) + "; \"" +
                   tr->name + "\" applies only to " + join(tr->from));

  std::vector<FieldError> errors;
  Input in;
  const std::string today = cx.clock.today_text();
  std::string effective = today;
  Json given_fields = Json::object();
  if (args.is_object()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      if (it.key() == "effective_date") {
        auto d = it->is_string() ? parse_date(it->get<std::string>()) : std::nullopt;
        if (!d) {
          errors.push_back({t.name, "effective_date", *it, "type", "expected a date YYYY-MM-DD"});
          continue;
        }
        effective = format_date(*d);
        if (effective > today)
          errors.push_back({t.name, "effective_date", *it, "date_order", "effective_date is after today (" + today + ")"});
      } else if (it.key() == "fields") {
        if (!it->is_object()) {
          errors.push_back({t.name, "fields", *it, "type", "fields is a JSON object"});
          continue;
        }
        for (auto f = it->begin(); f != it->end(); ++f) {
          const auto* field = t.field(f.key());
          if (!field || std::find(tr->fields.begin(), tr->fields.end(), f.key()) == tr->fields.end()) {
            errors.push_back({t.name, f.key(), *f, field ? "read_only" : "unknown_field",
                              "transition \"" + tr->name + "\" does not set \"" + f.key() + "\"" +
                                  (tr->fields.empty() ? "" : " (it sets " + join(tr->fields) + ")")});
            continue;
          }
          Value v;
          const Value* current = &value_of(cur.fields, f.key());
          const size_t before = errors.size();
          check_value(cx, t, *field, *f, f.key(), v, errors, current);
          if (errors.size() == before && field->required && is_null(v))
            errors.push_back({t.name, f.key(), *f, "required", "a value is required"});
          if (errors.size() == before) {
            in.fields[f.key()] = std::move(v);
            given_fields[f.key()] = *f;
          }
        }
      } else {
        errors.push_back({t.name, it.key(), *it, "unknown_field", "a transition takes \"effective_date\" and \"fields\""});
      }
    }
  }
  // Not before the record's last status change: history stays in date order.
  if (auto last = store::last_status_date(cx.conn, t, id); last && effective < *last)
    errors.push_back({t.name, "effective_date", effective, "date_order",
                      "effective_date is before the last status change (" + *last + ")"});
  for (const auto& f : tr->clears)
    if (!in.fields.count(f)) in.fields[f] = Value{};
  in.fields[wf.status_field] = Value{Code{tr->to}};
  Values merged = cur.fields;
  for (const auto& [k, v] : in.fields) merged[k] = v;
  for (const auto& f : tr->requires_)
    if (is_null(value_of(merged, f)) &&
        std::none_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.path == f; }))
      errors.push_back({t.name, f, nullptr, "required", f + " is required to " + tr->name + " a " + t.name});
  apply_computed(cx, t, id, &cur, in, errors);
  check_rules_merged(cx, t, cur, in, id, errors, nullptr);
  if (!errors.empty()) throw ValidationError(std::move(errors));

  const auto written = write_update(cx, t, id, cur, in, "transition", effective);
  Json detail = {{"transition", tr->name}};
  if (!given_fields.empty()) detail["fields"] = given_fields;
  add_history(cx, written.seq, t, id, tr->name, wf.status_field, state, tr->to, effective, detail);
  deadlines_after_write(cx, t, id, false, tr, effective);
  effects_after_transition(cx, t, id, *tr, effective);
  w.commit();
  return written.version;
}

Json status_counts(Context& cx, std::string_view type, std::string_view on_date) {
  const auto& t = cx.type(type);
  // Counts reveal no record: any read scope will do.
  cx.access.require_scope(cx, t, "read");
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" has no workflow");
  auto d = parse_date(on_date);
  if (!d)
    throw ValidationError(std::vector<FieldError>{{t.name, "date", std::string(on_date), "type", "expected a date YYYY-MM-DD"}});
  // Each record's last status row effective on or before the date; archived records (entered in
  // error, the seed's "Delete") are not counted.
  Json counts = Json::object();
  for (const auto& st : t.workflow->states) counts[st] = 0;
  for (const auto& [state, n] : store::status_counts(cx.conn, t, format_date(*d))) counts[state] = n;
  return Json{{"record_type", t.name}, {"date", format_date(*d)}, {"counts", counts}};
}

}  // namespace clmis::detail
