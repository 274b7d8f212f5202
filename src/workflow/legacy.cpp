#include "workflow/legacy.hpp"

#include "core/text.hpp"
#include "store/feed.hpp"
#include "workflow/cases.hpp"
#include "workflow/workflow.hpp"

#include <algorithm>
#include <deque>
#include <map>

namespace clmis::detail {

namespace {

/// One transition of a planned lifecycle: taken on date, dated by column, with the fields of
/// the row it sets.
struct Step {
  const pack::Transition* tr = nullptr;
  std::string date;
  std::string column;
  Json fields = Json::object();
};

std::string step_text(const std::string& name, const std::string& date) { return name + " on " + date; }

/// What the workflow allows from state, for messages: "activate → active, close → closed".
std::string allowed_from(const pack::Workflow& wf, const std::string& state) {
  std::vector<std::string> out;
  for (const auto& tr : wf.transitions)
    if (std::find(tr.from.begin(), tr.from.end(), state) != tr.from.end()) out.push_back(tr.name + " → " + tr.to);
  return out.empty() ? "no transition" : join(out);
}

const pack::Transition* direct(const pack::Workflow& wf, const std::string& from, const std::string& to) {
  for (const auto& tr : wf.transitions)
    if (tr.to == to && std::find(tr.from.begin(), tr.from.end(), from) != tr.from.end()) return &tr;
  return nullptr;
}

/// The shortest path of declared transitions from → to (breadth first, transitions in their
/// declared order, so the first shortest path in that order); nullopt when none leads there.
std::optional<std::vector<const pack::Transition*>> shortest(const pack::Workflow& wf, const std::string& from,
                                                              const std::string& to) {
  std::map<std::string, std::vector<const pack::Transition*>> path{{from, {}}};
  std::deque<std::string> frontier{from};
  while (!frontier.empty()) {
    const std::string s = frontier.front();
    frontier.pop_front();
    if (s == to) return path[s];
    for (const auto& tr : wf.transitions) {
      if (std::find(tr.from.begin(), tr.from.end(), s) == tr.from.end() || path.count(tr.to)) continue;
      auto p = path[s];
      p.push_back(&tr);
      path[tr.to] = std::move(p);
      frontier.push_back(tr.to);
    }
  }
  return std::nullopt;
}

/// The state named by s, compared without ASCII case when exactly one state matches that way.
std::optional<std::string> state_named(const pack::Workflow& wf, const std::string& s) {
  if (std::find(wf.states.begin(), wf.states.end(), s) != wf.states.end()) return s;
  std::optional<std::string> found;
  for (const auto& st : wf.states)
    if (ascii_lower(st) == ascii_lower(s)) {
      if (found) return std::nullopt;
      found = st;
    }
  return found;
}

/// The steps of a lifecycle, checked as far as they can be without the record (its
/// registration date): errors are added, and the steps are only good if none was.
std::vector<Step> plan(const pack::RecordType& t, const LegacyLifecycle& l, const std::string& today,
                       std::vector<FieldError>& errors) {
  const auto& wf = *t.workflow;
  std::vector<Step> steps;
  auto error = [&](const std::string& path, const Json& value, const char* rule, const std::string& message) {
    errors.push_back({t.name, path, value, rule, message});
  };
  auto date_of = [&](const std::string& text, const std::string& column) -> std::optional<std::string> {
    auto d = parse_date(text);
    if (!d) {
      error(column, text, "type", "expected a date YYYY-MM-DD");
      return std::nullopt;
    }
    std::string iso = format_date(*d);
    if (iso > today) {
      error(column, text, "date_order", column + " (" + iso + ") is after today (" + today + ")");
      return std::nullopt;
    }
    return iso;
  };
  if (!l.reached.empty() && (l.status || l.status_date)) {
    error(l.status ? l.status_column : l.status_date_column, nullptr, "workflow",
          "a row gives either " + l.status_column + " with " + l.status_date_column + ", or the dates each state was "
          "reached (" + l.reached.front().column + "...), not both");
    return steps;
  }
  if (l.status || l.status_date) {  // form (b)
    if (!l.status) {
      error(l.status_column, nullptr, "required", l.status_date_column + " is given without " + l.status_column);
      return steps;
    }
    const auto state = state_named(wf, *l.status);
    if (!state) {
      error(l.status_column, *l.status, "code_list",
            "\"" + *l.status + "\" is not a state of " + t.name + " (" + join(wf.states) + ")");
      return steps;
    }
    if (*state == wf.initial) return steps;  // its date is checked against the registration date
    if (!l.status_date) {
      error(l.status_date_column, nullptr, "required",
            l.status_date_column + " is required with " + l.status_column + " " + *state + " (the date it was reached)");
      return steps;
    }
    const auto date = date_of(*l.status_date, l.status_date_column);
    const auto path = shortest(wf, wf.initial, *state);
    if (!path) {
      error(l.status_column, *l.status, "workflow",
            "no declared path of transitions leads from " + wf.initial + " to " + *state);
      return steps;
    }
    if (!date) return steps;
    for (const auto* tr : *path) steps.push_back({tr, *date, l.status_date_column, Json::object()});
    return steps;
  }
  // Form (a): the states in date order, ties in the workflow's order of states.
  struct Dated {
    std::string state, date, column;
    size_t order = 0;
  };
  std::vector<Dated> dated;
  for (const auto& r : l.reached) {
    auto date = date_of(r.date, r.column);
    if (!date) continue;
    const auto it = std::find(wf.states.begin(), wf.states.end(), r.state);
    dated.push_back({r.state, *date, r.column, static_cast<size_t>(it - wf.states.begin())});
  }
  if (dated.size() != l.reached.size()) return steps;
  std::stable_sort(dated.begin(), dated.end(),
                   [](const Dated& a, const Dated& b) { return a.date != b.date ? a.date < b.date : a.order < b.order; });
  std::string state = wf.initial;
  for (size_t i = 0; i < dated.size(); ++i) {
    const auto& d = dated[i];
    const auto* tr = direct(wf, state, d.state);
    if (!tr) {
      // Dated before a state it can only follow: the dates are out of order.
      for (size_t j = i + 1; j < dated.size(); ++j)
        if (direct(wf, state, dated[j].state)) {
          error(d.column, d.date, "date_order",
                d.column + " (" + d.date + ") is before " + dated[j].column + " (" + dated[j].date + "), but " +
                    t.name + " reaches " + d.state + " only after " + dated[j].state);
          return steps;
        }
      error(d.column, d.date, "workflow",
            "no transition leads from " + state + " to " + d.state + "; from " + state + " the workflow allows " +
                allowed_from(wf, state));
      return steps;
    }
    steps.push_back({tr, d.date, d.column, Json::object()});
    state = d.state;
  }
  return steps;
}

// Moving a field the path sets from the record to its transition: for a JSON record and for a
// CSV row's cells.
bool take(Json& record, const std::string& field, Json& into) {
  auto it = record.find(field);
  if (it == record.end()) return false;
  into[field] = std::move(*it);
  record.erase(it);
  return true;
}
bool take(GivenRecord& record, const std::string& field, Json& into) {
  auto it = std::find_if(record.begin(), record.end(), [&](const auto& kv) { return kv.first == field; });
  if (it == record.end()) return false;
  into[field] = to_json(it->second);
  record.erase(it);
  return true;
}
bool has(const Json& record, const std::string& field) { return record.contains(field); }
bool has(const GivenRecord& record, const std::string& field) {
  return std::any_of(record.begin(), record.end(), [&](const auto& kv) { return kv.first == field; });
}

template <class Record>
Upserted import_impl(Context& cx, std::string_view type, std::optional<std::string_view> external_id, Record record,
                     const LegacyLifecycle& l, Warnings* warnings) {
  const auto& t = cx.type(type);
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" has no workflow");
  const auto& wf = *t.workflow;
  std::vector<FieldError> errors;
  auto steps = plan(t, l, cx.clock.today_text(), errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // The fields the path's transitions set go to the first that sets each.
  for (auto& s : steps)
    for (const auto& f : s.tr->fields) take(record, f, s.fields);
  // A field only transitions set, given for a row whose path sets it nowhere.
  for (const auto& f : t.fields) {
    const bool by_transition_only = f.name == wf.outcome_field;
    if (!by_transition_only || !has(record, f.name)) continue;
    std::vector<std::string> setters;
    for (const auto& tr : wf.transitions)
      if (std::find(tr.fields.begin(), tr.fields.end(), f.name) != tr.fields.end()) setters.push_back(tr.name);
    errors.push_back({t.name, f.name, nullptr, "workflow",
                      f.name + " is set by " + (setters.empty() ? std::string("no transition") : join(setters)) +
                          ", which this row's lifecycle does not take"});
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));

  Write w(cx);
  Upserted result;
  if (external_id) {
    result = upsert_case(cx, type, *external_id, std::move(record), warnings);
  } else {
    result.id = create_case(cx, type, std::move(record), warnings);
    result.outcome = Upserted::Outcome::created;
  }
  const auto history = store::status_history_of(cx.conn, t, result.id);
  const std::string registered = history.empty() ? std::string() : history.front().effective_date;
  // Dates before the registration date (the initial state's).
  if (l.status && l.status_date && steps.empty()) {  // the initial state: on its registration date
    const auto d = parse_date(*l.status_date);
    if (!d)
      errors.push_back({t.name, l.status_date_column, *l.status_date, "type", "expected a date YYYY-MM-DD"});
    else if (format_date(*d) != registered)
      errors.push_back({t.name, l.status_date_column, *l.status_date, "date_order",
                        l.status_column + " is " + wf.initial + ", the state of a new record, so " + l.status_date_column +
                            " is its registration date (" + registered + "), not " + format_date(*d)});
  }
  if (!steps.empty() && steps.front().date < registered)
    errors.push_back({t.name, steps.front().column, steps.front().date, "date_order",
                      steps.front().column + " (" + steps.front().date + ") is before the registration date (" +
                          registered + ", " + wf.date_field + ")"});
  // A record that exists keeps its transitions: the file's path must begin with them.
  size_t taken = 0;
  if (result.outcome != Upserted::Outcome::created) {
    std::vector<std::string> have, want;
    for (size_t i = 1; i < history.size(); ++i) have.push_back(step_text(history[i].event, history[i].effective_date));
    for (const auto& s : steps) want.push_back(step_text(s.tr->name, s.date));
    bool prefix = have.size() <= want.size() && std::equal(have.begin(), have.end(), want.begin());
    // Form (b) from a later extract of the register: the record has moved since its registration
    // (active since the last extract, say) and the row gives the status it has reached now. The
    // steps are then the shortest path from the record's current state, on status_date.
    if (!prefix && l.status && !have.empty() && !steps.empty() && history.back().to) {
      const std::string current = *history.back().to;
      const std::string last = history.back().effective_date;
      const std::string date = steps.front().date;  // status_date, as an ISO date
      const std::string target = steps.back().tr->to;
      if (current == target && date == last) {
        // The same extract again: the record reached that status on that date already.
        steps.clear();
        have.clear();
        prefix = true;
      } else if (current != target) {
        if (date < last) {
          errors.push_back({t.name, l.status_date_column, date, "date_order",
                            l.status_date_column + " (" + date + ") is before " + t.name + " " +
                                std::to_string(result.id) + "'s last status change (" + history.back().event + " on " +
                                last + ")"});
          prefix = true;  // reported above
        } else if (const auto path = shortest(wf, current, target)) {
          // The fields the row gives for transitions go to the first step of the new path that sets each.
          Json given = Json::object();
          for (auto& st : steps)
            for (auto it = st.fields.begin(); it != st.fields.end(); ++it)
              if (!given.contains(it.key())) given[it.key()] = std::move(it.value());
          std::vector<Step> from_current;
          for (const auto* tr : *path) {
            Step st{tr, date, l.status_date_column, Json::object()};
            for (const auto& f : tr->fields)
              if (auto it = given.find(f); it != given.end()) {
                st.fields[f] = std::move(*it);
                given.erase(it);
              }
            from_current.push_back(std::move(st));
          }
          for (auto it = given.begin(); it != given.end(); ++it)
            errors.push_back({t.name, it.key(), nullptr, "workflow",
                              it.key() + " is set by a transition that " + t.name + " " + std::to_string(result.id) +
                                  " does not take from " + current + " to " + target});
          steps = std::move(from_current);
          have.clear();  // all the new steps are taken
          prefix = true;
        } else {
          errors.push_back({t.name, l.status_column, *l.status, "workflow",
                            t.name + " " + std::to_string(result.id) + " is " + current + " (since " + last +
                                "); no declared path of transitions leads from " + current + " to " + target +
                                "; from " + current + " the workflow allows " + allowed_from(wf, current)});
          prefix = true;  // reported above
        }
      }
    }
    if (!prefix)
      errors.push_back({t.name, l.reached.empty() ? l.status_column : l.reached.front().column, nullptr, "workflow",
                        t.name + " " + std::to_string(result.id) + " has the status history " +
                            (have.empty() ? std::string("(none)") : join(have)) + "; the file gives " +
                            (want.empty() ? std::string("none") : join(want)) +
                            ", which does not continue it"});
    taken = have.size();
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (taken < steps.size()) {
    auto current = store::read_record(cx.conn, t, result.id);
    std::int64_t version = current ? current->version : 0;
    for (size_t i = taken; i < steps.size(); ++i) {
      Json args = {{"effective_date", steps[i].date}};
      if (!steps[i].fields.empty()) args["fields"] = steps[i].fields;
      version = transition(cx, type, result.id, version, steps[i].tr->name, args);
    }
    if (result.outcome == Upserted::Outcome::unchanged) result.outcome = Upserted::Outcome::updated;
  }
  w.commit();
  return result;
}

}  // namespace

Upserted import_with_lifecycle(Context& cx, std::string_view type, std::optional<std::string_view> external_id,
                               Json record, const LegacyLifecycle& lifecycle, Warnings* warnings) {
  return import_impl(cx, type, external_id, std::move(record), lifecycle, warnings);
}

Upserted import_with_lifecycle(Context& cx, std::string_view type, std::optional<std::string_view> external_id,
                               GivenRecord record, const LegacyLifecycle& lifecycle, Warnings* warnings) {
  return import_impl(cx, type, external_id, std::move(record), lifecycle, warnings);
}

}  // namespace clmis::detail
