// The demo generator: the country, the checks of the parameters, names, places and contacts, and
// the writing of the timeline (see generator.hpp).
#include "demo/generator.hpp"

#include "clmis/error.hpp"
#include "demo/text.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

Generator::Generator(const DemoOptions& o, const Params& p, Database& db, Session& s, std::ostream& log)
    : o_(o), p_(p), db_(db), s_(s), log_(log) {}

// --- country and checks -------------------------------------------------------------------

void Generator::read_country() {
  const Json schema = db_.schema();
  const Json& c = schema["country"];
  iso3_ = c["iso3"].get<std::string>();
  country_name_ = c["name"].contains("en") ? c["name"]["en"].get<std::string>() : iso3_;
  currency_ = c["currency"].get<std::string>();
  if (c.contains("legal") && c["legal"].contains("minimum_working_age") &&
      c["legal"]["minimum_working_age"]["value"].is_number_integer())
    min_age_ = c["legal"]["minimum_working_age"]["value"].get<std::int64_t>();
  if (c.contains("legal") && c["legal"].contains("nis_number_pattern") &&
      c["legal"]["nis_number_pattern"]["value"].is_string())
    nis_pattern_ = c["legal"]["nis_number_pattern"]["value"].get<std::string>();
  for (const auto& code : db_.codes("parish", "en"))
    if (code["active"].get<bool>())
      parish_labels_.emplace_back(code["code"].get<std::string>(), code["label"].get<std::string>());
  if (parish_labels_.empty()) throw PackError("the profile of " + iso3_ + " has no parishes");
}

void Generator::read_and_check_parameters() {
  // Dates.
  const Date today = *parse_date(db_.today());  // the country's today, by the database's clock
  if (o_.as_of.empty()) {
    as_of_ = today;
  } else {
    const auto d = parse_date(o_.as_of);
    if (!d) throw ValidationError("as_of is not a date YYYY-MM-DD: " + o_.as_of);
    if (*d > today)
      throw ValidationError("as_of " + o_.as_of + " is after today (" + format_date(today) + ")");
    as_of_ = *d;
  }
  const auto years = p_.integer("window_years");
  if (years < 1 || years > 20) p_.fail("window_years", "is not between 1 and 20");
  window_start_ = plus_days(years_before(as_of_, static_cast<int>(years)), 1);
  month_end_ = last_month_end(as_of_);

  // Code lists of the database, to check every code the parameters use.
  auto codes = [&](const char* list) {
    std::map<std::string, std::pair<std::string, std::int64_t>> m;  // code → parent, level
    for (const auto& c : db_.codes(list, "en"))
      m[c["code"].get<std::string>()] = {c["parent"].is_null() ? "" : c["parent"].get<std::string>(),
                                         c["level"].get<std::int64_t>()};
    return m;
  };
  const auto isic = codes("isic4");
  const auto isco = codes("isco08");
  auto top = [](const auto& m, std::string c) {
    for (int i = 0; i < 10; ++i) {
      auto it = m.find(c);
      if (it == m.end() || it->second.first.empty()) return c;
      c = it->second.first;
    }
    return c;
  };
  auto in_list = [&](const char* list, const Choice& c, const std::string& path) {
    std::set<std::string> known;
    for (const auto& x : db_.codes(list, "en")) known.insert(x["code"].get<std::string>());
    for (const auto& k : c.keys)
      if (!known.count(k)) p_.fail(path + "." + k, std::string("is not a code of the list ") + list);
  };

  // Occupations.
  const Json& ug = p_.at("occupations.unit_groups");
  if (!ug.is_object() || ug.empty()) p_.fail("occupations.unit_groups", "is not an object of unit groups");
  for (auto it = ug.begin(); it != ug.end(); ++it) {
    const std::string path = "occupations.unit_groups." + it.key();
    auto f = isco.find(it.key());
    if (f == isco.end() || f->second.second != 4) p_.fail(path, "is not an ISCO-08 unit group (level 4)");
    Occupation occ;
    occ.code = it.key();
    occ.title = p_.at(path + ".title").get<std::string>();
    occ.weight = p_.number(path + ".weight");
    occ.female_share = p_.probability(path + ".female_share");
    const std::string major = top(isco, it.key());
    unit_groups_by_major_[major].add(occ.code, occ.weight);
    occupations_[occ.code] = occ;
  }
  const Choice majors = p_.choice("job_seekers.by_isco_major_group.shares");
  for (const auto& m : majors.keys) {
    auto f = isco.find(m);
    if (f == isco.end() || f->second.second != 1)
      p_.fail("job_seekers.by_isco_major_group.shares." + m, "is not an ISCO-08 major group");
    if (!unit_groups_by_major_.count(m))
      p_.fail("occupations.unit_groups", "has no unit group of major group " + m);
  }

  // Employers by section.
  const Json& secs = p_.at("employers.sections");
  double total = 0;
  for (auto it = secs.begin(); it != secs.end(); ++it) {
    const std::string path = "employers.sections." + it.key();
    auto f = isic.find(it.key());
    if (f == isic.end() || f->second.second != 1) p_.fail(path, "is not an ISIC Rev.4 section");
    total += p_.number(path + ".share");
    p_.probability(path + ".female_share");
    if (p_.has(path + ".max_workers") && p_.integer(path + ".max_workers") < 1)
      p_.fail(path + ".max_workers", "is below 1");
    in_list("ownership", p_.choice(path + ".ownership"), path + ".ownership");
    for (const auto& occ : p_.strings(path + ".occupations"))
      if (!occupations_.count(occ))
        p_.fail(path + ".occupations", occ + " is not in occupations.unit_groups");
    const Json& classes = p_.at(path + ".classes");
    if (!classes.is_array() || classes.empty()) p_.fail(path + ".classes", "is not a list of classes");
    for (const auto& c : classes) {
      const std::string code = c.value("code", std::string());
      auto k = isic.find(code);
      if (k == isic.end() || k->second.second != 4 || top(isic, code) != it.key())
        p_.fail(path + ".classes",
                "\"" + code + "\" is not an ISIC Rev.4 class (level 4) of section " + it.key());
      if (!c.contains("weight") || !c["weight"].is_number() || c["weight"].get<double>() <= 0)
        p_.fail(path + ".classes." + code, "has no positive weight");
      if (c.contains("max_workers") &&
          (!c["max_workers"].is_number_integer() || c["max_workers"].get<std::int64_t>() < 1))
        p_.fail(path + ".classes." + code + ".max_workers", "is not an integer ≥ 1");
      p_.strings_of(c.contains("names") ? c["names"] : Json(), path + ".classes." + code + ".names");
    }
  }
  if (std::abs(total - 1.0) > 0.001)
    p_.fail("employers.sections", "shares add up to " + std::to_string(total) + ", not 1");
  {
    Choice owners;
    const Json& o = p_.at("employers.ownership_from_name");
    for (auto it = o.begin(); it != o.end(); ++it)
      if (it.key() != "reason") {
        if (!it->is_string())
          p_.fail("employers.ownership_from_name." + it.key(), "is not an ownership code");
        owners.add(it->get<std::string>(), 1);
      }
    if (!owners.keys.empty()) in_list("ownership", owners, "employers.ownership_from_name");
  }

  // Code-valued shares.
  in_list("sex", p_.choice("job_seekers.sex.shares"), "job_seekers.sex.shares");
  in_list("isced2011", p_.choice("job_seekers.education.shares"), "job_seekers.education.shares");
  in_list("employment_status", p_.choice("job_seekers.employment_status.shares"),
          "job_seekers.employment_status.shares");
  in_list("disability", p_.choice("job_seekers.disability.shares"), "job_seekers.disability.shares");
  in_list("availability", p_.choice("job_seekers.availability.shares"), "job_seekers.availability.shares");
  in_list("job_seeker_outcome", p_.choice("job_seekers.outcomes.shares"), "job_seekers.outcomes.shares");
  in_list("job_seeker_outcome", p_.choice("job_seekers.outcomes.close_from_inactive"),
          "job_seekers.outcomes.close_from_inactive");
  in_list("inactive_reason", p_.choice("job_seekers.inactive_reasons.shares"),
          "job_seekers.inactive_reasons.shares");
  in_list("vacancy_outcome", p_.choice("vacancies.outcomes.shares"), "vacancies.outcomes.shares");
  in_list("complaint_outcome", p_.choice("complaints.outcomes.shares"), "complaints.outcomes.shares");
  in_list("complaint_channel", p_.choice("complaints.channel.shares"), "complaints.channel.shares");
  in_list("claim_category", p_.choice("complaints.claims.category.shares"), "complaints.claims.category.shares");
  in_list("hearing_attendance", p_.choice("complaints.hearings.attendance.shares"), "complaints.hearings.attendance.shares");
  in_list("contract_type", p_.choice("vacancies.contract_type.shares"), "vacancies.contract_type.shares");
  in_list("wage_period", p_.choice("vacancies.wage_period.shares"), "vacancies.wage_period.shares");
  in_list("organisation_kind", p_.choice("organisations.kinds.shares"), "organisations.kinds.shares");
  for (const auto& kind : p_.choice("organisations.kinds.shares").keys)
    p_.strings("organisations.names." + kind);
  in_list("organisation_status", p_.choice("organisations.status.shares"), "organisations.status.shares");
  in_list("employer_status", p_.choice("employers.status.shares"), "employers.status.shares");
  for (const auto& k : p_.choice("job_seekers.education.shares").keys) {
    p_.integer("job_seekers.education.min_age." + k);
    p_.at("job_seekers.education.qualifications." + k);
  }
  p_.integer("job_seekers.education.min_age.3");
  p_.at("job_seekers.education.qualifications.3");
  for (const auto& [major, c] : unit_groups_by_major_) {
    const Band w = p_.range("vacancies.monthly_wage_xcd_by_major_group." + major);
    if (w.from <= 0) p_.fail("vacancies.monthly_wage_xcd_by_major_group." + major, "is not a positive range");
  }
  if (!p_.at("vacancies.duties.default").is_string()) p_.fail("vacancies.duties.default", "is not a text");

  // The age groups start at or above the minimum working age.
  Choice ages;
  for (const auto& b : p_.bands("job_seekers.age_at_registration.groups", ages))
    if (b.from < min_age_)
      p_.fail("job_seekers.age_at_registration.groups", "starts at " + std::to_string(b.from) +
                                                            ", below the minimum working age of " + iso3_ +
                                                            " (" + std::to_string(min_age_) + ")");

  // Country: parish weights (parishes without one get the smallest weight given), places, phones.
  const std::string cpath = "countries." + iso3_;
  const bool known = p_.has(cpath);
  std::set<std::string> codes_here;
  for (const auto& [code, label] : parish_labels_) codes_here.insert(code);
  double smallest = 1;
  if (known && p_.has(cpath + ".parishes")) {
    const Json& ps = p_.at(cpath + ".parishes");
    bool first = true;
    for (auto it = ps.begin(); it != ps.end(); ++it) {
      if (!codes_here.count(it.key()))
        p_.fail(cpath + ".parishes." + it.key(), "is not a parish of " + iso3_);
      const double w = p_.number(cpath + ".parishes." + it.key() + ".weight");
      if (w > 0 && (first || w < smallest)) smallest = w, first = false;
      if (it->contains("places")) {
        const Json& pl = (*it)["places"];
        if (!pl.is_array()) p_.fail(cpath + ".parishes." + it.key() + ".places", "is not a list");
        for (const auto& x : pl) places_[it.key()].push_back(x.get<std::string>());
      }
    }
  }
  for (const auto& [code, label] : parish_labels_) {
    double w = smallest;
    if (known && p_.has(cpath + ".parishes." + code)) w = p_.number(cpath + ".parishes." + code + ".weight");
    parishes_.add(code, w);
    if (places_[code].empty()) places_[code].push_back(label);
  }
  if (parishes_.total() <= 0) p_.fail(cpath + ".parishes", "gives every parish a weight of 0");
  short_name_ = known && p_.has(cpath + ".name") ? p_.at(cpath + ".name").get<std::string>() : country_name_;
  if (known && p_.has(cpath + ".phone")) phone_ = p_.at(cpath + ".phone");
  const std::string rate = "vacancies.currency_per_xcd." + currency_;
  currency_per_xcd_ = p_.has(rate) ? p_.number(rate) : 1.0;

  // Names.
  female_ = p_.strings("names.female");
  male_ = p_.strings("names.male");
  family_ = p_.strings("names.family");
  if (p_.has("names.countries." + iso3_)) {
    const std::string n = "names.countries." + iso3_;
    country_names_share_ = p_.probability(n + ".share");
    c_female_ = p_.strings(n + ".female");
    c_male_ = p_.strings(n + ".male");
    c_family_ = p_.strings(n + ".family");
  }
  streets_ = p_.has("streets." + iso3_) ? p_.strings("streets." + iso3_) : p_.strings("streets.names");
}

// --- names, places, contacts --------------------------------------------------------------

std::string Generator::first_name(Rng& rng, const std::string& sex) {
  const bool local = !c_female_.empty() && rng.chance(country_names_share_);
  if (sex == "F") return rng.pick(local ? c_female_ : female_);
  return rng.pick(local ? c_male_ : male_);
}

std::string Generator::family_name(Rng& rng) {
  const bool local = !c_family_.empty() && rng.chance(country_names_share_);
  return rng.pick(local ? c_family_ : family_);
}

std::string Generator::place_in(Rng& rng, const std::string& parish) {
  return rng.pick(places_[parish]);
}

std::string Generator::phone(Rng& rng, bool mobile) {
  std::string prefix = "+1 000";
  std::vector<std::string> exchanges = {"555"};
  std::int64_t length = 7;
  if (phone_.is_object()) {
    prefix = phone_.value("prefix", prefix);
    const char* kind = mobile ? "mobile" : "landline";
    if (phone_.contains(kind) && phone_[kind].is_array() && !phone_[kind].empty()) {
      exchanges.clear();
      for (const auto& e : phone_[kind]) exchanges.push_back(e.get<std::string>());
    }
    length = phone_.value("local_length", length);
  }
  std::string digits = rng.pick(exchanges);
  while (static_cast<std::int64_t>(digits.size()) < length)
    digits += static_cast<char>('0' + rng.between(0, 9));
  return prefix + " " + digits.substr(0, digits.size() - 4) + "-" + digits.substr(digits.size() - 4);
}

std::string Generator::address(Rng& rng, const std::string& place) {
  std::string house =
      rng.chance(0.15) ? "Lot " + std::to_string(rng.between(1, 250)) : std::to_string(rng.between(1, 120));
  return house + " " + rng.pick(streets_) + ", " + place;
}

std::string Generator::fill(std::string pattern, Rng& rng, const std::string& place) {
  const std::string fam = family_name(rng);
  std::string fam2 = family_name(rng);
  for (int i = 0; i < 5 && fam2 == fam; ++i) fam2 = family_name(rng);
  pattern = replace_all(pattern, "{family2}", fam2);
  pattern = replace_all(pattern, "{family}", fam);
  pattern = replace_all(pattern, "{first}", first_name(rng, rng.chance(0.5) ? "F" : "M"));
  pattern = replace_all(pattern, "{place}", place);
  pattern = replace_all(pattern, "{country}", short_name_);
  return pattern;
}

/// name, or if it is taken "name (place)", "name (place) 2", ...
std::string Generator::unique(std::set<std::string>& used, std::string name, Rng&, const std::string& place) {
  if (used.insert(name).second) return name;
  std::string with_place = name + " (" + place + ")";
  if (name.find(place) == std::string::npos && used.insert(with_place).second) return with_place;
  // The lowest free number from 2: the search starts where the last one for this name ended
  // (every number below it is taken, and none is ever freed), so a name drawn thousands of
  // times at a large scale is not scanned from 2 each time.
  int& n = next_number_[{&used, name}];
  if (n < 2) n = 2;
  for (;; ++n) {
    std::string numbered = name + " " + std::to_string(n);
    if (used.insert(numbered).second) return numbered;
  }
}

const Occupation& Generator::occupation_draw(Rng& rng, const std::string& major) {
  return occupations_.at(unit_groups_by_major_.at(major).draw(rng));
}

// --- writing ------------------------------------------------------------------------------

void Generator::write_timeline() {
  // Every event in date order; on the same date in the order generated (a record's own events
  // were generated in order, so its creation comes before its first transition).
  struct Event {
    Date date;
    std::size_t seq, entry;
    int step;  // -1 = create
  };
  std::vector<Event> events;
  std::size_t seq = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    events.push_back({entries_[i].start, seq++, i, -1});
    for (std::size_t k = 0; k < entries_[i].steps.size(); ++k)
      events.push_back({entries_[i].steps[k].date, seq++, i, static_cast<int>(k)});
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return std::tie(a.date, a.seq) < std::tie(b.date, b.seq); });
  for (const auto& ev : events) {
    Entry& e = entries_[ev.entry];
    if (ev.step < 0) {
      for (const auto& [field, other] : e.refs) e.record[field] = entries_[other].id;  // created before
      e.id = s_.create(e.type, e.record);
      e.version = 1;
      continue;
    }
    const Step& st = e.steps[static_cast<std::size_t>(ev.step)];
    Json args = {{"effective_date", format_date(st.date)}};
    if (!st.fields.is_null()) args["fields"] = st.fields;
    e.version = s_.transition(e.type, e.id, e.version, st.transition, args);
  }
}

DemoSummary Generator::run() {
  const auto t0 = std::chrono::steady_clock::now();
  read_country();
  read_and_check_parameters();
  log_ << "clmis demo: " << country_name_ << " (" << iso3_ << "), scale " << o_.scale << ", seed " << o_.seed
       << ", registrations from " << format_date(window_start_) << " to " << format_date(as_of_) << "\n"
       << "  parameters: " << p_.origin() << "\n";

  const Json audit = {{"action", "demo"},
                      {"country", iso3_},
                      {"scale", o_.scale},
                      {"seed", std::to_string(o_.seed)},
                      {"as_of", format_date(as_of_)},
                      {"parameters", p_.origin()}};
  Json a1 = audit;
  a1["part"] = "employers, workplaces and organisations";
  s_.batch(
      [&] {
        make_employers();
        make_organisations();
      },
      a1);
  log_ << "  " << employers_.size() << " employers with " << establishments_ << " workplaces, "
       << organisations_ << " organisations\n";

  make_job_seekers();
  make_vacancies();
  make_complaints();
  make_disputes();
  make_industrial_actions();
  make_redundancies();
  Json a2 = audit;
  a2["part"] =
      "job seekers, vacancies, complaints, disputes, industrial actions and redundancies with their lifecycles";
  s_.batch([&] { write_timeline(); }, a2);
  log_ << "  " << persons_ << " job seekers (" << reregistrations_ << " registered again), " << vacancies_
       << " vacancies, " << complaints_ << " complaints, " << disputes_.size() << " disputes, "
       << industrial_actions_ << " industrial actions, " << redundancies_
       << " redundancies, with their lifecycles\n";

  DemoSummary sum;
  sum.path = db_.path();
  sum.country = iso3_;
  sum.country_name = country_name_;
  sum.scale = o_.scale;
  sum.seed = o_.seed;
  sum.as_of = format_date(as_of_);
  sum.window_start = format_date(window_start_);
  sum.month_end = format_date(month_end_);
  sum.records = {{"employer", static_cast<std::int64_t>(employers_.size())},
                 {"establishment", static_cast<std::int64_t>(establishments_)},
                 {"organisation", static_cast<std::int64_t>(organisations_)},
                 {"job_seeker", static_cast<std::int64_t>(persons_ + reregistrations_)},
                 {"vacancy", static_cast<std::int64_t>(vacancies_)},
                 {"complaint", static_cast<std::int64_t>(complaints_)},
                 {"dispute", static_cast<std::int64_t>(disputes_.size())},
                 {"industrial_action", static_cast<std::int64_t>(industrial_actions_)},
                 {"redundancy", static_cast<std::int64_t>(redundancies_)}};
  sum.persons = static_cast<std::int64_t>(persons_);
  sum.reregistrations = static_cast<std::int64_t>(reregistrations_);
  for (const auto& [code, label] : parish_labels_) {
    const auto it = by_parish_.find(code);
    sum.job_seekers_by_parish.push_back({code, label, it == by_parish_.end() ? 0 : it->second.first,
                                         it == by_parish_.end() ? 0 : it->second.second});
  }
  sum.job_seekers_on_month_end = s_.status_counts("job_seeker", sum.month_end)["counts"];
  sum.vacancies_on_month_end = s_.status_counts("vacancy", sum.month_end)["counts"];
  sum.complaints_overdue = s_.queue(Json{{"types", {"complaint"}}, {"overdue", true}, {"as_of", sum.as_of}, {"limit", 5}});
  sum.complaints_ageing = s_.ageing(Json{{"types", {"complaint"}}, {"as_of", sum.as_of}});
  summarise_industrial_relations(sum);
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace clmis::demo::detail
