// The report of `clmis profile check`: every legal parameter, holiday rule, deadline and
// letterhead detail of a country profile that is missing or not verified, with what clmis does
// meanwhile (docs/countries.md, "Generic profiles"; docs/architecture.md §10).
#include "pack/profile_check.hpp"

#include <set>

namespace clmis::pack {

namespace {

/// What the pack does with each legal parameter it reads, as the effects of its absence.
std::map<std::string, std::vector<std::string>> parameter_uses(const Pack& pack) {
  std::map<std::string, std::vector<std::string>> uses;
  for (const auto& t : pack.record_types) {
    for (const auto& rule : t.rules)
      if (const auto* k = std::get_if<rules::MinAgeAt>(&rule.check); k && !k->age_parameter.empty())
        uses[k->age_parameter].push_back(t.name + ": the age at " + (k->at.empty() ? "today" : k->at) +
                                         " is not checked against a minimum; each write of " + t.name +
                                         " with " + k->birth + " has a warning saying so");
    auto fields = [&](const std::vector<Field>& fs, const std::string& where) {
      for (const auto& f : fs) {
        if (!f.pattern_parameter.empty())
          uses[f.pattern_parameter].push_back(where + f.name + ": its form is not checked (any text up to " +
                                              std::to_string(f.max_length) + " characters)");
        if (f.computed && !f.computed->parameter.empty())
          uses[f.computed->parameter].push_back(where + f.name + ": not computed (it stays empty)");
      }
    };
    fields(t.fields, t.name + ".");
    for (const auto& s : t.sections) fields(s.fields, t.name + "." + s.name + "[].");
  }
  return uses;
}

Json item(const std::string& parameter, const char* status) {
  return Json{{"parameter", parameter}, {"status", status}};
}

Json missing(const std::string& parameter, const std::string& note, const std::vector<std::string>& effects) {
  Json o = item(parameter, "missing");
  o["note"] = note;
  o["effects"] = effects;
  return o;
}

Json unverified(const std::string& parameter, Json value, const std::string& source, const std::string& note = {},
                const std::string& unit = {}) {
  Json o = item(parameter, "unverified");
  o["value"] = std::move(value);
  if (!unit.empty()) o["unit"] = unit;
  o["source"] = source;
  if (!note.empty()) o["note"] = note;
  return o;
}

}  // namespace

Json profile_check(const Pack& pack, const Profile& profile) {
  const auto uses = parameter_uses(pack);

  Json legal = Json::array();
  std::set<std::string> names;
  for (const auto& [k, v] : profile.legal) names.insert(k);
  for (const auto& [k, v] : profile.missing_legal) names.insert(k);
  for (const auto& [k, v] : uses) names.insert(k);
  for (const auto& name : names) {
    const auto used = uses.find(name);
    const std::vector<std::string> effects = used == uses.end() ? std::vector<std::string>{} : used->second;
    if (auto lp = profile.legal.find(name); lp != profile.legal.end()) {
      if (!lp->second.verified)
        legal.push_back(unverified(name, lp->second.value, lp->second.source, lp->second.note, lp->second.unit));
    } else if (auto m = profile.missing_legal.find(name); m != profile.missing_legal.end()) {
      legal.push_back(missing(name, m->second, effects));
    } else {
      legal.push_back(missing(name, "the country profile does not declare it", effects));
    }
  }

  // The deadlines counted in working days, and the computed fields counted on the calendar:
  // what a calendar without holidays changes.
  std::vector<std::string> working_day_deadlines, calendar_fields;
  Json deadlines = Json::array();
  for (const auto& t : pack.record_types) {
    for (const auto& f : t.fields)
      if (f.computed && f.computed->calendar) calendar_fields.push_back(t.name + "." + f.name);
    if (!t.workflow) continue;
    for (const auto& d : t.workflow->deadlines) {
      if (!d.active()) {
        deadlines.push_back(missing(d.id, d.note.empty() ? "the pack gives no period; the country profile gives none" : d.note,
                                    {d.id + ": does not run in this country until its profile gives the period "
                                            "(\"deadlines\" in the profile, with the legal source)"}));
        continue;
      }
      if (d.unit == Deadline::Unit::working_days) working_day_deadlines.push_back(d.id);
      if (!d.verified) {
        Json o = unverified(d.id, Json{{"length", d.length}, {"unit", d.unit_name()}}, d.source, d.note);
        o["from_profile"] = d.from_profile;
        deadlines.push_back(std::move(o));
      }
    }
  }

  Json holidays = Json::array();
  if (!profile.calendar) {
    std::vector<std::string> effects;
    if (!working_day_deadlines.empty()) {
      std::string ids;
      for (const auto& id : working_day_deadlines) ids += (ids.empty() ? "" : ", ") + id;
      effects.push_back("deadlines in working days (" + ids +
                        ") count only Saturday and Sunday as days off: public holidays are not skipped");
    }
    for (const auto& f : calendar_fields)
      effects.push_back(f + ": counted with only Saturday and Sunday as days off");
    effects.push_back("the calendar, add_days, working_days and proclaim operations are refused (not found)");
    holidays.push_back(missing("calendar", profile.calendar_missing.value_or("the country profile declares no calendar"),
                               effects));
  } else {
    const auto& cal = *profile.calendar;
    if (!cal.substitution_verified)
      holidays.push_back(unverified("calendar.substitution",
                                    cal.substitution == calendar::Calendar::Substitution::shift ? "shift" : "next_free_day",
                                    cal.substitution_source));
    const std::pair<const char*, const calendar::Setting*> settings[] = {
        {"customary_days_off", &cal.customary_days_off}, {"deadlines_roll_forward", &cal.deadlines_roll_forward}};
    for (const auto& [k, st] : settings)
      if (st->value && !st->verified)
        holidays.push_back(unverified(std::string("calendar.") + k, true, st->source));
    for (const auto& r : cal.rules)
      if (!r.verified) holidays.push_back(unverified("calendar.rules." + r.id, r.name.get("en"), r.source, r.note));
  }

  Json department = Json::array();
  if (!profile.department)
    department.push_back(missing("department", "the country profile gives no department",
                                 {"letters are headed with the country's name, without an address"}));
  else if (!profile.department->verified)
    department.push_back(unverified("department", profile.department->name.to_json(), profile.department->source));

  std::size_t n_missing = 0, n_unverified = 0;
  for (const Json* g : {&legal, &holidays, &deadlines, &department})
    for (const auto& i : *g) ++(i["status"] == "missing" ? n_missing : n_unverified);
  return Json{{"country", profile.iso3},    {"name", profile.name.get("en")}, {"missing", n_missing},
              {"unverified", n_unverified}, {"legal", legal},                 {"holidays", holidays},
              {"deadlines", deadlines},     {"department", department}};
}

}  // namespace clmis::pack
