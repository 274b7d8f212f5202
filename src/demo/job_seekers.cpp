// The demo generator: job seekers, their education, experience and lifecycle (see generator.hpp).
#include "demo/generator.hpp"

#include "demo/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

// --- job seekers --------------------------------------------------------------------------

std::vector<Step> Generator::job_seeker_lifecycle(Rng& rng, Date reg, std::string* outcome, Date* closed_on) {
  static const std::string kLife = "job_seekers.lifecycle.";
  std::vector<Step> steps;
  auto close = [&](Date d, const std::string& why) {
    Json f = {{"outcome", why}};
    if (why == "placed" && !employers_.empty()) {
      const Employer& e = rng.pick(employers_);
      f["closed_note"] = "Placed with " + e.name;
    }
    steps.push_back({d, "close", f});
    *outcome = why;
    *closed_on = d;
  };
  if (rng.chance(p_.probability(kLife + "never_activated"))) {
    const Date d = plus_days(reg, rng.between(30, 120));
    if (d <= as_of_) close(d, rng.chance(0.5) ? "withdrawn" : "no_contact");
    return steps;
  }
  Choice act_c, close_c;
  const auto act_bands = p_.bands(kLife + "activate_days", act_c);
  const auto close_bands = p_.bands(kLife + "close_after_days", close_c);
  const Band ab = act_bands[std::stoul(act_c.draw(rng))];
  const Date act = plus_days(reg, rng.between(ab.from, ab.to));
  if (act > as_of_) return steps;
  steps.push_back({act, "activate", Json()});
  const Band cb = close_bands[std::stoul(close_c.draw(rng))];
  Date close_at = plus_days(act, rng.between(cb.from, cb.to));
  if (rng.chance(p_.probability(kLife + "inactive_spell"))) {
    const Band after = p_.range(kLife + "inactive_after_days");
    const Band spell = p_.range(kLife + "inactive_for_days");
    const Date off = plus_days(act, rng.between(after.from, after.to));
    if (off < close_at && off <= as_of_) {
      steps.push_back(
          {off, "deactivate",
           Json{{"inactive_reason", p_.choice("job_seekers.inactive_reasons.shares").draw(rng)}}});
      const Date back = plus_days(off, rng.between(spell.from, spell.to));
      if (rng.chance(p_.probability(kLife + "reactivate"))) {
        if (back > as_of_) return steps;
        steps.push_back({back, "reactivate", Json()});
        if (close_at <= back) close_at = plus_days(back, rng.between(14, 120));
      } else {
        const Date d = plus_days(back, rng.between(0, 60));
        if (d <= as_of_) close(d, p_.choice("job_seekers.outcomes.close_from_inactive").draw(rng));
        return steps;
      }
    }
  }
  if (close_at <= as_of_) close(close_at, p_.choice("job_seekers.outcomes.shares").draw(rng));
  return steps;
}

void Generator::make_job_seekers() {
  Rng rng(o_.seed, "job_seekers");
  static const std::string kJs = "job_seekers.";
  const std::size_t n = static_cast<std::size_t>(p_.integer("counts_at_scale_1.job_seekers")) *
                        static_cast<std::size_t>(o_.scale);
  persons_ = n;
  std::vector<Person> people(n);

  // Occupation sought: exact shares by major group, unit group by weight.
  const auto majors = quota(p_.choice(kJs + "by_isco_major_group.shares"), n, rng);
  for (std::size_t i = 0; i < n; ++i) people[i].occupation = occupation_draw(rng, majors[i]).code;

  // Education: exact shares, dealt out by the skill level of the occupation sought plus noise.
  auto skill = [](char major) {
    switch (major) {
      case '1':
        return 3.5;
      case '2':
        return 4.0;
      case '3':
        return 3.0;
      case '9':
        return 1.0;
      default:
        return 2.0;
    }
  };
  {
    const double noise = p_.number(kJs + "coupling.education_noise");
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < n; ++i)
      order.emplace_back(skill(people[i].occupation[0]) + rng.unit() * noise, i);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto levels = quota(p_.choice(kJs + "education.shares"), n, rng);
    std::sort(levels.begin(), levels.end(),
              [](const std::string& a, const std::string& b) { return std::stoi(a) < std::stoi(b); });
    for (std::size_t k = 0; k < n; ++k) people[order[k].second].education = std::stoi(levels[k]);
  }
  // Sex: exact shares, women dealt out to those whose occupation draws more women.
  {
    const double noise = p_.number(kJs + "coupling.sex_noise");
    const Choice sexes = p_.choice(kJs + "sex.shares");
    const auto counts = allocate(sexes.weights, n);
    std::size_t women = 0;
    for (std::size_t k = 0; k < sexes.keys.size(); ++k)
      if (sexes.keys[k] == "F") women = counts[k];
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < n; ++i)
      order.emplace_back(occupations_.at(people[i].occupation).female_share + (rng.unit() - 0.5) * 2 * noise,
                         i);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < n; ++k) people[order[k].second].sex = k < women ? "F" : "M";
  }
  // Age group: exact shares; then nobody holds a level of education too young for it (swap).
  Choice age_c;
  const auto groups = p_.bands(kJs + "age_at_registration.groups", age_c);
  {
    const auto g = quota(age_c, n, rng);
    for (std::size_t i = 0; i < n; ++i) people[i].age_group = g[i];
  }
  std::map<int, std::int64_t> min_ages;  // by ISCED level
  for (const auto& k : p_.choice(kJs + "education.shares").keys)
    min_ages[std::stoi(k)] = p_.integer(kJs + "education.min_age." + k);
  min_ages[3] = p_.integer(kJs + "education.min_age.3");
  auto min_age = [&](int level) { return min_ages.at(level); };
  auto top_age = [&](const Person& x) { return groups[std::stoul(x.age_group)].to; };
  for (std::size_t i = 0; i < n; ++i) {
    if (top_age(people[i]) >= min_age(people[i].education)) continue;
    const std::size_t start = static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(n) - 1));
    bool swapped = false;
    for (std::size_t k = 0; k < n && !swapped; ++k) {
      Person& other = people[(start + k) % n];
      if (top_age(other) >= min_age(people[i].education) && top_age(people[i]) >= min_age(other.education)) {
        std::swap(other.age_group, people[i].age_group);
        swapped = true;
      }
    }
    if (!swapped)
      p_.fail(kJs + "age_at_registration", "leaves too few older people for the tertiary education shares");
  }
  for (auto& x : people) {
    const Band b = groups[std::stoul(x.age_group)];
    x.age = static_cast<int>(rng.between(std::max({b.from, min_age(x.education), min_age_}), b.to));
  }
  // Parish: exact shares of the parish weights.
  {
    const auto pa = quota(parishes_, n, rng);
    for (std::size_t i = 0; i < n; ++i) people[i].parish = pa[i], people[i].place = place_in(rng, pa[i]);
  }

  // Everything else, person by person.
  std::vector<double> month_w;
  for (const auto& w : p_.at(kJs + "registrations_by_month.weights")) month_w.push_back(w.get<double>());
  if (month_w.size() != 12) p_.fail(kJs + "registrations_by_month.weights", "does not have 12 weights");
  const DayChoice reg_days(window_start_, as_of_, month_w);
  const Choice employment = p_.choice(kJs + "employment_status.shares");
  const Choice disability = p_.choice(kJs + "disability.shares");
  const Choice availability = p_.choice(kJs + "availability.shares");
  const double p_nis = p_.probability(kJs + "with_nis_number");
  const double p_email = p_.probability(kJs + "with_email");
  const double p_wage = p_.probability(kJs + "with_wage_expectation");
  const double p_exp = p_.probability(kJs + "with_experience");
  const double p_assess = p_.probability(kJs + "with_assessment");
  const double p_rereg = p_.probability(kJs + "lifecycle.reregister");
  const Band rereg_after = p_.range(kJs + "lifecycle.reregister_after_days");
  const auto assessments = p_.strings(kJs + "assessments");
  const auto fields = p_.strings(kJs + "education.fields_of_study");
  const auto secondary = p_.strings(kJs + "education.institutions.secondary");
  const auto primary = p_.strings(kJs + "education.institutions.primary");
  const auto tertiary = p_.has(kJs + "education.institutions.tertiary." + iso3_)
                            ? p_.strings(kJs + "education.institutions.tertiary." + iso3_)
                            : p_.strings(kJs + "education.institutions.tertiary.default");
  const auto college = p_.has(kJs + "education.institutions.college." + iso3_)
                           ? p_.strings(kJs + "education.institutions.college." + iso3_)
                           : p_.strings(kJs + "education.institutions.college.default");
  const auto languages = p_.has(kJs + "skills.languages." + iso3_)
                             ? p_.strings(kJs + "skills.languages." + iso3_)
                             : p_.strings(kJs + "skills.languages.default");
  const auto licences = p_.strings(kJs + "skills.licences");
  const auto certificates = p_.strings(kJs + "skills.certificates");
  const auto skills = p_.strings(kJs + "skills.skills");
  const Json& wages = p_.at("vacancies.monthly_wage_xcd_by_major_group");
  std::regex nis_re;
  const bool check_nis = !nis_pattern_.empty();
  if (check_nis) nis_re = std::regex(nis_pattern_, std::regex::ECMAScript);
  std::set<std::string> nis_used;
  std::vector<std::string> major_keys;
  for (const auto& [m, c] : unit_groups_by_major_) major_keys.push_back(m);

  for (std::size_t i = 0; i < n; ++i) {
    const Person& x = people[i];
    const Date reg = reg_days.draw(rng);
    // Born so that the age on the registration date is x.age.
    const Date latest = years_before(reg, x.age), earliest = plus_days(years_before(reg, x.age + 1), 1);
    const Date dob = plus_days(earliest, rng.between(0, days_between(earliest, latest)));
    const int born = year_of(dob);
    const std::string first = first_name(rng, x.sex), fam = family_name(rng);
    const Occupation& occ = occupations_.at(x.occupation);

    Json r = Json::object();
    r["registration_date"] = format_date(reg);
    r["first_name"] = first;
    r["family_name"] = fam;
    if (rng.chance(p_nis)) {
      std::string nis;
      do nis = std::to_string(rng.between(1000000, 9999999));
      while (!nis_used.insert(nis).second);
      if (!check_nis || std::regex_match(nis, nis_re)) r["nis_number"] = nis;
    }
    r["sex"] = x.sex;
    r["date_of_birth"] = format_date(dob);
    r["parish"] = x.parish;
    r["city"] = x.place;
    r["street"] = rng.pick(streets_);
    r["house_number"] =
        rng.chance(0.15) ? "Lot " + std::to_string(rng.between(1, 250)) : std::to_string(rng.between(1, 120));
    if (rng.chance(0.95)) r["telephone"] = phone(rng, true);
    if (rng.chance(p_email))
      r["email"] =
          slug(first, 12) + "." + slug(fam, 16) + std::to_string(rng.between(1, 99)) + "@mail.example";
    std::string status = employment.draw(rng);
    for (int k = 0; k < 10 && status == "student" && x.age > 24; ++k) status = employment.draw(rng);
    if (status == "student" && x.age > 24) status = "unemployed";
    r["employment_status"] = status;
    r["disability"] = disability.draw(rng);
    r["availability"] = availability.draw(rng);
    const Json& band = wages[std::string(1, occ.code[0])];
    const auto lo = static_cast<std::int64_t>(band[0].get<double>() * currency_per_xcd_ * 100);
    const auto hi = static_cast<std::int64_t>(band[1].get<double>() * currency_per_xcd_ * 100);
    if (rng.chance(p_wage)) {
      r["wage_expectation"] = {{"amount", money_text(round_to(rng.between(lo, (lo + hi) / 2), 5000))},
                               {"currency", currency_}};
      r["wage_period"] = "month";
    }
    r["hours_wanted"] = rng.chance(0.8) ? 40 : rng.between(20, 48);
    if (rng.chance(p_assess)) r["counsellor_assessment"] = rng.pick(assessments);

    // Education: the highest level, and the secondary school before a post-secondary one.
    Json edu = Json::array();
    auto completed = [&](int level) {
      return std::min<std::int64_t>(year_of(reg), born + min_age(level) + rng.between(0, 3));
    };
    if (x.education >= 4) {
      edu.push_back(
          {{"isced_level", "3"},
           {"institution", fill(rng.pick(secondary), rng, x.place)},
           {"year_completed", std::min<std::int64_t>(year_of(reg), born + min_age(3) + rng.between(0, 1))},
           {"qualification", p_.at(kJs + "education.qualifications.3")}});
      edu.push_back(
          {{"isced_level", std::to_string(x.education)},
           {"field_of_study", rng.pick(fields)},
           {"institution", x.education <= 5 ? rng.pick(college) : rng.pick(tertiary)},
           {"year_completed", completed(x.education)},
           {"qualification", p_.at(kJs + "education.qualifications." + std::to_string(x.education))}});
    } else {
      edu.push_back(
          {{"isced_level", std::to_string(x.education)},
           {"institution", fill(rng.pick(x.education <= 1 ? primary : secondary), rng, x.place)},
           {"year_completed", completed(x.education)},
           {"qualification", p_.at(kJs + "education.qualifications." + std::to_string(x.education))}});
    }
    r["education"] = edu;

    // Work experience, going back from the registration date; never before the age of 16.
    if (x.age >= 17 && rng.chance(p_exp)) {
      Json exp = Json::array();
      const Date earliest_work = years_before(dob, -16);
      Date end = plus_days(reg, -rng.between(14, 400));
      const bool current = status == "employed";
      const auto k_jobs = rng.between(1, 3);
      for (std::int64_t k = 0; k < k_jobs && end > earliest_work; ++k) {
        const Date from = std::max(earliest_work, plus_days(end, -rng.between(90, 1500)));
        const Occupation& o =
            rng.chance(0.6)
                ? occ
                : occupation_draw(rng, rng.chance(0.7) ? std::string(1, occ.code[0]) : rng.pick(major_keys));
        Json job = {{"occupation", o.code},
                    {"job_title", o.title},
                    {"employer_name", rng.chance(0.8) && !employers_.empty() ? rng.pick(employers_).name
                                                                             : std::string("Self-employed")},
                    {"from", format_date(from)}};
        if (!(k == 0 && current)) job["to"] = format_date(end);
        exp.insert(exp.begin(), job);  // oldest first
        end = plus_days(from, -rng.between(30, 300));
      }
      if (!exp.empty()) r["experience"] = exp;
    }
    // Skills, certificates, licences, languages.
    Json sk = Json::array();
    sk.push_back({{"kind", "language"}, {"name", languages[0]}});
    if (rng.chance(0.15))
      sk.push_back({{"kind", "language"},
                    {"name", languages[static_cast<std::size_t>(
                                 rng.between(1, static_cast<std::int64_t>(languages.size()) - 1))]}});
    if (x.age >= 18 && rng.chance(0.3)) sk.push_back({{"kind", "licence"}, {"name", rng.pick(licences)}});
    if (rng.chance(0.25))
      sk.push_back({{"kind", "certificate"},
                    {"name", rng.pick(certificates)},
                    {"year", rng.between(std::min<std::int64_t>(year_of(reg), born + 16), year_of(reg))}});
    if (rng.chance(0.4)) sk.push_back({{"kind", "skill"}, {"name", rng.pick(skills)}});
    r["skills"] = sk;
    // Occupations sought: the first one is the person's occupation (the shares are of it).
    Json want = Json::array({Json{{"occupation", occ.code}}});
    if (rng.chance(0.3)) {
      const Occupation& o2 = occupation_draw(rng, std::string(1, occ.code[0]));
      if (o2.code != occ.code) want.push_back({{"occupation", o2.code}});
    }
    r["desired_occupations"] = want;

    std::string outcome;
    Date closed_on{};
    Entry e;
    e.type = "job_seeker";
    e.record = r;
    e.start = reg;
    e.steps = job_seeker_lifecycle(rng, reg, &outcome, &closed_on);
    auto count = [&](const Json& rec) {
      auto& c = by_parish_[rec["parish"].get<std::string>()];
      (rec["sex"] == "F" ? c.first : c.second) += 1;
    };
    count(r);
    entries_.push_back(std::move(e));

    // Some people whose registration was closed register again later (same person, same NIS).
    if (r.contains("nis_number") &&
        (outcome == "withdrawn" || outcome == "no_contact" || outcome == "found_work_self") &&
        rng.chance(p_rereg)) {
      const Date again = plus_days(closed_on, rng.between(rereg_after.from, rereg_after.to));
      if (again <= as_of_) {
        Json r2 = r;
        r2["registration_date"] = format_date(again);
        r2["employment_status"] = "unemployed";
        r2["counsellor_assessment"] =
            "Registered again; previous registration closed on " + format_date(closed_on) + ".";
        std::string outcome2;
        Date closed2{};
        Entry e2;
        e2.type = "job_seeker";
        e2.record = r2;
        e2.start = again;
        e2.steps = job_seeker_lifecycle(rng, again, &outcome2, &closed2);
        count(r2);
        entries_.push_back(std::move(e2));
        ++reregistrations_;
      }
    }
  }
}

}  // namespace clmis::demo::detail
