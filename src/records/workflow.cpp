// Lifecycles: the declared state machine of a record type (pack.hpp, Workflow). A record's status
// changes only through a transition; every transition is a dated history row, and stocks at a
// date are computed from those rows (DESIGN.md §5).
//
// The workflow issue adds roles, deadlines, calendars and letters to transitions; they attach to
// the same Transition declaration and the same transaction below.
#include "records/engine.hpp"

#include <algorithm>

namespace clmis::detail {

namespace {

const Value& field_value(const Values& vals, const std::string& name) {
  static const Value none;
  auto it = vals.find(name);
  return it == vals.end() ? none : it->second;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

void Engine::move_initial_date(const pack::RecordType& t, std::int64_t id, const Current& cur,
                               const Input& in, std::vector<clmis::FieldError>& errors,
                               bool apply) {
  // Correcting the registration date corrects when the record entered its first state; it must
  // stay on or before the record's next status change.
  if (!t.workflow || t.workflow->date_field.empty()) return;
  const auto& name = t.workflow->date_field;
  auto given = in.fields.find(name);
  if (given == in.fields.end() || given->second == field_value(cur.fields, name)) return;
  const auto* d = std::get_if<Date>(&given->second);
  if (!d) return;  // cleared (or invalid, already reported): the initial row keeps its date
  const std::string date = format_date(*d);
  auto& c = conn();
  if (!apply) {
    auto& s = c.prepare(
        "SELECT min(effective_date) FROM clmis_history WHERE record_type = ? AND record_id = ? "
        "AND field = ? AND event <> 'initial'");
    s.bind(1, t.name).bind(2, id).bind(3, t.workflow->status_field);
    if (s.step() && !s.is_null(0) && s.text(0) < date)
      errors.push_back({t.name, name, given->second == Value{} ? Json(nullptr) : encode_value(given->second),
                        "date_order",
                        name + " must be on or before the first status change (" + s.text(0) + ")"});
    s.reset();
    return;
  }
  c.prepare("UPDATE clmis_history SET effective_date = ? WHERE record_type = ? AND record_id = ? "
            "AND field = ? AND event = 'initial'")
      .bind(1, date).bind(2, t.name).bind(3, id).bind(4, t.workflow->status_field).run();
}

std::int64_t Engine::transition(const Actor& who, std::string_view type, std::int64_t id,
                                std::int64_t version, std::string_view name, const Json& args) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const std::int64_t uid = who.uid;
  const auto& t = type_of(type);
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" has no workflow");
  const auto& wf = *t.workflow;
  const auto* tr = wf.transition(name);
  if (!tr)
    throw NotFound("the workflow of " + t.name + " has no transition \"" + std::string(name) + "\"");
  {
    const std::string action = "transition:" + tr->name;
    require_record(who, t, action, require_scope(who, t, action), id);
  }
  if (!args.is_object() && !args.is_null())
    throw ValidationError(std::vector<clmis::FieldError>{
        {t.name, "", args, "type", "the arguments of a transition are a JSON object"}});
  store::WriteTransaction tx(conn());
  refresh_state();
  Current cur = read_for_write(t, id, version);
  const auto* state_code = std::get_if<Code>(&field_value(cur.fields, wf.status_field));
  const std::string state = state_code ? state_code->value : std::string();
  if (std::find(tr->from.begin(), tr->from.end(), state) == tr->from.end())
    throw Conflict(t.name + " " + std::to_string(id) + " is " + (state.empty() ? "without status" : state) +
                   "; \"" + tr->name + "\" applies only to " + join(tr->from));

  std::vector<clmis::FieldError> errors;
  Input in;
  std::string effective = today();
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
        if (effective > today())
          errors.push_back({t.name, "effective_date", *it, "date_order",
                            "effective_date is after today (" + today() + ")"});
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
          const Value* current = &field_value(cur.fields, f.key());
          const size_t before = errors.size();
          check_value(t, *field, *f, f.key(), v, errors, current);
          if (errors.size() == before && field->required && std::holds_alternative<std::monostate>(v))
            errors.push_back({t.name, f.key(), *f, "required", "a value is required"});
          if (errors.size() == before) {
            in.fields[f.key()] = std::move(v);
            given_fields[f.key()] = *f;
          }
        }
      } else {
        errors.push_back({t.name, it.key(), *it, "unknown_field",
                          "a transition takes \"effective_date\" and \"fields\""});
      }
    }
  }
  // Not before the record's last status change: history stays in date order.
  {
    auto& s = conn().prepare(
        "SELECT max(effective_date) FROM clmis_history WHERE record_type = ? AND record_id = ? AND field = ?");
    s.bind(1, t.name).bind(2, id).bind(3, wf.status_field);
    if (s.step() && !s.is_null(0) && effective < s.text(0))
      errors.push_back({t.name, "effective_date", effective, "date_order",
                        "effective_date is before the last status change (" + s.text(0) + ")"});
    s.reset();
  }
  for (const auto& f : tr->clears)
    if (!in.fields.count(f)) in.fields[f] = Value{};
  in.fields[wf.status_field] = Value{Code{tr->to}};
  Values merged = cur.fields;
  for (const auto& [k, v] : in.fields) merged[k] = v;
  for (const auto& f : tr->requires_)
    if (std::holds_alternative<std::monostate>(field_value(merged, f)) &&
        std::none_of(errors.begin(), errors.end(), [&](const clmis::FieldError& e) { return e.path == f; }))
      errors.push_back({t.name, f, nullptr, "required",
                        f + " is required to " + tr->name + " a " + t.name});
  check_rules_merged(t, cur, in, id, errors, nullptr);
  if (!errors.empty()) throw ValidationError(std::move(errors));

  bool changed = false;
  std::int64_t seq = 0;
  const auto v = do_update(uid, t, id, cur, in, &changed, "transition", &seq, effective);
  Json detail = {{"transition", tr->name}};
  if (!given_fields.empty()) detail["fields"] = given_fields;
  history(seq, uid, t.name, id, tr->name.c_str(), wf.status_field, &state, &tr->to, effective, detail);
  tx.commit();
  return v;
}

Json Engine::status_counts(const Actor& who, std::string_view type, std::string_view on_date) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const auto& t = type_of(type);
  // Counts reveal no record: any read scope will do.
  require_scope(who, t, "read");
  if (!t.workflow) throw NotFound("record type \"" + t.name + "\" has no workflow");
  auto d = parse_date(on_date);
  if (!d) throw ValidationError(std::vector<clmis::FieldError>{
      {t.name, "date", std::string(on_date), "type", "expected a date YYYY-MM-DD"}});
  store::ReadTransaction rt(conn());
  // Each record's last status row effective on or before the date; archived records (entered in
  // error, the seed's "Delete") are not counted.
  auto& s = conn().prepare(
      "SELECT x.to_value, count(*) FROM ("
      "  SELECT h.record_id, h.to_value, row_number() OVER ("
      "    PARTITION BY h.record_id ORDER BY h.effective_date DESC, h.id DESC) AS rn"
      "  FROM clmis_history h WHERE h.record_type = ? AND h.field = ? AND h.effective_date <= ?"
      ") x JOIN " + store::quote(t.name) + " r ON r.id = x.record_id AND r.archived = 0 "
      "WHERE x.rn = 1 GROUP BY x.to_value");
  s.bind(1, t.name).bind(2, t.workflow->status_field).bind(3, format_date(*d));
  Json counts = Json::object();
  for (const auto& st : t.workflow->states) counts[st] = 0;
  while (s.step()) counts[s.text(0)] = s.int64(1);
  s.reset();
  return Json{{"record_type", t.name}, {"date", format_date(*d)}, {"counts", counts}};
}

Json Engine::history_of(const Actor& who, std::string_view type, std::int64_t id) {
  std::lock_guard lock(mu_);
  conn();
  FlushSecurity flush{*this};
  const auto& t = type_of(type);
  require_record(who, t, "read", require_scope(who, t, "read"), id);
  store::ReadTransaction rt(conn());
  std::int64_t created_by = 0;
  {
    auto& e = conn().prepare("SELECT created_by FROM " + store::quote(t.name) + " WHERE id = ?");
    e.bind(1, id);
    const bool exists = e.step();
    if (exists) created_by = e.int64(0);
    e.reset();
    if (!exists) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  }
  const bool personal_ok = may_read_personal(who, t, created_by);
  auto is_personal = [&](const std::string& field) {
    const auto* f = t.field(field);
    return f && f->personal;
  };
  auto& s = conn().prepare(
      "SELECT seq, event, field, from_value, to_value, effective_date, actor, at, detail "
      "FROM clmis_history WHERE record_type = ? AND record_id = ? ORDER BY id");
  s.bind(1, t.name).bind(2, id);
  Json rows = Json::array();
  std::vector<std::pair<size_t, std::int64_t>> actors;
  while (s.step()) {
    Json o;
    o["seq"] = s.int64(0);
    o["event"] = s.text(1);
    o["field"] = s.is_null(2) ? Json(nullptr) : Json(s.text(2));
    o["from"] = s.is_null(3) ? Json(nullptr) : Json(s.text(3));
    o["to"] = s.is_null(4) ? Json(nullptr) : Json(s.text(4));
    o["effective_date"] = s.text(5);
    o["at"] = s.text(7);
    o["detail"] = s.is_null(8) ? Json(nullptr) : Json::parse(s.text(8));
    if (!personal_ok) {
      // The values of personal fields are masked as in get().
      if (!o["field"].is_null() && is_personal(o["field"].get<std::string>())) {
        if (!o["from"].is_null()) o["from"] = nullptr;
        if (!o["to"].is_null()) o["to"] = nullptr;
        o["masked"] = true;
      }
      if (o["detail"].is_object())
        for (auto& [k, v] : o["detail"].items())
          if (is_personal(k) && !v.is_null()) v = nullptr;
    }
    actors.emplace_back(rows.size(), s.int64(6));
    rows.push_back(std::move(o));
  }
  s.reset();
  for (const auto& [i, uid] : actors) rows[i]["by"] = user_name(uid);
  return rows;
}

}  // namespace clmis::detail
