#include "records/schema.hpp"

#include "clmis/columns.hpp"
#include "security/access.hpp"

#include "store/codes.hpp"
#include "store/schema.hpp"

namespace clmis::detail {

namespace {

Json field_json(Context& cx, const pack::Field& f) {
  Json o;
  o["name"] = f.name;
  o["type"] = std::string(to_string(f.type));
  o["label"] = f.label.to_json();
  if (!f.description.empty()) o["description"] = f.description;
  o["required"] = f.required;
  if (f.type == FieldType::text) o["max_length"] = f.max_length;
  if (!f.pattern.empty()) o["pattern"] = f.pattern;
  if (f.type == FieldType::code) o["code_list"] = f.code_list;
  if (f.code_level) o["level"] = *f.code_level;
  if (f.type == FieldType::reference) o["target"] = f.target;
  if (f.type == FieldType::decimal) o["scale"] = f.scale;
  if (!f.currencies.empty()) o["currencies"] = f.currencies;
  if (f.min) o["min"] = f.type == FieldType::money ? pack::money_bound_text(*f.min) : f.min->str();
  if (f.max) o["max"] = f.type == FieldType::money ? pack::money_bound_text(*f.max) : f.max->str();
  if (f.min_date) o["min"] = format_date(*f.min_date);
  if (f.max_date) o["max"] = format_date(*f.max_date);
  if (!f.default_value.is_null()) o["default"] = f.default_value;
  if (!f.pattern_parameter.empty()) {
    o["pattern_parameter"] = f.pattern_parameter;
    auto lp = cx.profile.legal.find(f.pattern_parameter);
    if (lp != cx.profile.legal.end()) o["pattern"] = lp->second.value;
  }
  if (f.assigned()) o["assigned"] = {{"prefix", f.assigned_prefix}, {"digits", f.assigned_digits}};
  if (f.personal) o["personal"] = true;
  if (f.history) o["history"] = true;
  if (f.extension) o["extension"] = true;
  if (f.computed) {
    // A frontend shows it read-only; what it is computed from says what to fill in first.
    Json args = Json::object();
    for (const auto& [k, v] : f.computed->args) args[k] = v;
    for (const auto& [k, v] : f.computed->lists) args[k] = v;
    o["computed"] = {{"function", f.computed->function}, {"args", args}, {"inputs", f.computed->inputs}};
    if (f.computed->calendar) o["computed"]["calendar"] = true;
    if (!f.computed->parameter.empty()) o["computed"]["parameter"] = f.computed->parameter;
  }
  o["columns"] = f.columns();
  return o;
}

/// A rule as packs declare it.
Json rule_json(const pack::Rule& r) {
  Json ro = {{"kind", std::string(r.kind())}};
  if (!r.section.empty()) ro["section"] = r.section;
  struct Add {
    Json& ro;
    void operator()(const pack::rules::UniqueActive& k) const { ro["fields"] = k.fields; }
    void operator()(const pack::rules::PossibleDuplicate& k) const { ro["fields"] = k.fields; }
    void operator()(const pack::rules::DateOrder& k) const {
      ro.update({{"earlier", k.earlier}, {"later", k.later}, {"strict", k.strict}});
      if (k.earlier_on_record) ro["earlier_on_record"] = true;
    }
    void operator()(const pack::rules::RangeOrder& k) const {
      ro.update({{"low", k.low}, {"high", k.high}, {"strict", k.strict}});
    }
    void operator()(const pack::rules::MinAgeAt& k) const {
      ro["birth"] = k.birth;
      if (!k.at.empty()) ro["at"] = k.at;
      if (k.age) ro["age"] = *k.age;
      if (!k.age_parameter.empty()) ro["age_parameter"] = k.age_parameter;
    }
    void operator()(const pack::rules::RequiredIf& k) const {
      ro.update({{"field", k.field}, {"when", k.when}, {"in", k.in}});
    }
  };
  std::visit(Add{ro}, r.check);
  if (!r.message.empty()) ro["message"] = r.message;
  return ro;
}

/// "pack", "country" and "system_fields".
Json schema_head_json(Context& cx) {
  const auto& pack_ = cx.pack;
  const auto& profile_ = cx.profile;
  Json out;
  out["pack"] = {{"name", pack_.name}, {"version", pack_.version}, {"hash", pack_.hash}};
  Json legal = Json::object();
  for (const auto& [k, v] : profile_.legal) {
    Json p = {{"value", v.value}, {"source", v.source}, {"verified", v.verified}};
    if (!v.unit.empty()) p["unit"] = v.unit;
    if (!v.note.empty()) p["note"] = v.note;
    legal[k] = p;
  }
  out["country"] = {{"iso3", profile_.iso3}, {"name", profile_.name.to_json()},
                    {"currency", profile_.currency}, {"languages", profile_.languages},
                    {"time_zone", profile_.time_zone}, {"legal", legal},
                    {"hash", profile_.hash}};
  if (profile_.department) {
    const auto& d = *profile_.department;
    out["country"]["department"] = {{"name", d.name.to_json()}, {"address", d.address},
                                    {"telephone", d.telephone}, {"email", d.email},
                                    {"source", d.source}, {"verified", d.verified}};
  }
  // The country's calendar: its rules and settings, each with its source (the days themselves
  // come from Database::calendar).
  if (const auto& cal = profile_.calendar) {
    using namespace pack::calendar;
    auto setting = [](const Setting& st) {
      return Json{{"value", st.value}, {"source", st.source}, {"verified", st.verified}};
    };
    Json weekend = Json::array();
    for (auto w : cal->weekend) weekend.push_back(weekday_name(w));
    Json rules = Json::array();
    for (const auto& r : cal->rules)
      rules.push_back({{"id", r.id}, {"name", r.name.to_json()}, {"kind", kind_name(r.kind)},
                       {"status", status_name(r.status)}, {"source", r.source}, {"verified", r.verified}});
    Json sources = Json::array();
    for (const auto& [title, url] : cal->sources)
      sources.push_back(url.empty() ? Json{{"title", title}} : Json{{"title", title}, {"url", url}});
    out["country"]["calendar"] = {
        {"file", cal->file},
        {"weekend", weekend},
        {"substitution", {{"kind", cal->substitution == Calendar::Substitution::shift ? "shift" : "next_free_day"},
                          {"summary", cal->substitution_summary},
                          {"source", cal->substitution_source},
                          {"verified", cal->substitution_verified}}},
        {"customary_days_off", setting(cal->customary_days_off)},
        {"deadlines_roll_forward", setting(cal->deadlines_roll_forward)},
        {"rules", rules},
        {"sources", sources}};
  } else {
    out["country"]["calendar"] = nullptr;
  }
  // The fields every record has, set by clmis (the same for every record type).
  Json system = Json::array();
  for (const auto& f : pack::kSystemFields)
    system.push_back({{"name", f.name}, {"type", std::string(to_string(f.type))}, {"nullable", f.nullable},
                      {"queryable", f.queryable}, {"description", f.description}});
  out["system_fields"] = system;
  // What a form's file input accepts (docs/workflows.md, "Attachments").
  const auto& a = pack_.attachments;
  out["attachments"] = {{"max_size", a.max_size}, {"media_types", a.media_types}, {"source", a.source},
                        {"from_profile", a.from_profile}};
  return out;
}

Json record_type_json(Context& cx, const pack::RecordType& t) {
  Json o;
  o["name"] = t.name;
  o["label"] = t.label.to_json();
  if (!t.description.empty()) o["description"] = t.description;
  if (!t.source.empty()) o["source"] = t.source;
  o["section"] = t.org_section.empty() ? Json(nullptr) : Json(t.org_section);
  o["table"] = t.name;
  Json fields = Json::array();
  for (const auto& f : t.fields) fields.push_back(field_json(cx, f));
  o["fields"] = fields;
  // What Session::get derives from the birth date: the records' "age_group", its groups in order.
  if (const auto* birth = birth_field(t))
    o["age_group"] = {{"from", birth->name}, {"groups", age_groups()}};
  Json secs = Json::array();
  for (const auto& s : t.sections) {
    Json so;
    so["name"] = s.name;
    so["label"] = s.label.to_json();
    if (!s.description.empty()) so["description"] = s.description;
    so["max_items"] = s.max_items;
    so["min_items"] = s.min_items;
    so["table"] = store::section_table(t, s);
    Json sf = Json::array();
    for (const auto& f : s.fields) sf.push_back(field_json(cx, f));
    so["fields"] = sf;
    secs.push_back(so);
  }
  o["sections"] = secs;
  Json rules = Json::array();
  for (const auto& r : t.rules) rules.push_back(rule_json(r));
  o["rules"] = rules;
  if (t.workflow) {
    const auto& w = *t.workflow;
    Json tr = Json::array();
    for (const auto& x : w.transitions)
      tr.push_back({{"name", x.name}, {"label", x.label.to_json()}, {"from", x.from},
                    {"to", x.to}, {"fields", x.fields}, {"requires", x.requires_},
                    {"clears", x.clears}});
    Json deadlines = Json::array();
    for (const auto& d : w.deadlines) {
      Json dj = {{"id", d.id},
                 {"label", d.label.to_json()},
                 {"starts", d.starts},
                 {"met_by", d.met_by},
                 {"unit", d.active() ? Json(d.unit_name()) : Json(nullptr)},
                 {"length", d.active() ? Json(d.length) : Json(nullptr)},
                 {"source", d.source},
                 {"verified", d.verified},
                 {"from_profile", d.from_profile},
                 // A deadline the pack leaves to the country, which this country's profile does not give.
                 {"active", d.active()},
                 {"before", d.before.empty() ? Json(nullptr) : Json(d.before)}};
      if (d.applies_when) dj["applies_when"] = {{"field", d.applies_when->field}, {"at_least", d.applies_when->at_least}};
      deadlines.push_back(std::move(dj));
    }
    o["workflow"] = {{"status_field", w.status_field},
                     {"outcome_field", w.outcome_field.empty() ? Json(nullptr) : Json(w.outcome_field)},
                     {"initial", w.initial},
                     {"date_field", w.date_field.empty() ? Json(nullptr) : Json(w.date_field)},
                     {"states", w.states},
                     {"transitions", tr},
                     {"deadlines", deadlines}};
  }
  if (!t.letters.empty()) {
    // The letters a frontend can offer for a record (Session::letter; docs/workflows.md).
    Json letters = Json::array();
    for (const auto& l : t.letters) {
      Json langs = Json::array();
      for (const auto& [lang, text] : l.templates) langs.push_back(lang);
      letters.push_back({{"id", l.id}, {"label", l.label.to_json()}, {"to", l.to.empty() ? Json(nullptr) : Json(l.to)},
                         {"languages", langs}});
    }
    o["letters"] = letters;
  }
  return o;
}

}  // namespace

Json schema_json(Context& cx) {
  const auto& pack_ = cx.pack;
  Json out = schema_head_json(cx);
  Json types = Json::array();
  for (const auto& t : pack_.record_types) types.push_back(record_type_json(cx, t));
  out["record_types"] = types;
  // Sections of the department and roles: what accounts can be given (docs/security.md).
  Json sections = Json::array();
  for (const auto& sec : pack_.sections) sections.push_back({{"name", sec.name}, {"label", sec.label.to_json()}});
  out["sections"] = sections;
  Json roles = Json::array();
  for (const auto& r : pack_.roles) {
    Json grants = Json::array();
    for (const auto& g : r.grants) {
      const char* scope = g.scope == pack::Scope::all ? "all" : g.scope == pack::Scope::section ? "section" : "own";
      grants.push_back({{"record_types", g.record_types.empty() ? Json("*") : Json(g.record_types)},
                        {"actions", g.actions.empty() ? Json("*") : Json(g.actions)},
                        {"scope", scope}});
    }
    Json ro = {{"name", r.name}, {"label", r.label.to_json()}, {"system", r.system}, {"grants", grants}};
    if (!r.description.empty()) ro["description"] = r.description;
    if (r.agency) ro["agency"] = true;
    roles.push_back(std::move(ro));
  }
  out["roles"] = roles;
  Json lists = Json::array();
  for (const auto& l : store::code_lists(cx.conn))
    lists.push_back({{"name", l.name}, {"label", l.labels}, {"source", l.source}, {"attribution", l.attribution},
                     {"provider", l.provider}, {"active_codes", l.active_codes}});
  out["code_lists"] = lists;
  Json workflows = Json::array();
  for (const auto& t : pack_.record_types)
    if (t.workflow) workflows.push_back(t.name);
  out["workflows"] = workflows;  // the record types that have one; see each type's "workflow"
  return out;
}

Json record_type_schema_json(Context& cx, std::string_view type) {
  Json out = schema_head_json(cx);
  out["record_types"] = Json::array();
  if (const auto* t = cx.pack.record_type(type)) out["record_types"].push_back(record_type_json(cx, *t));
  return out;
}

}  // namespace clmis::detail
