// The demo generator: vacancies and their outcomes (see generator.hpp).
#include "demo/generator.hpp"

#include "clmis/error.hpp"
#include "demo/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clmis::demo::detail {

// --- vacancies ----------------------------------------------------------------------------

void Generator::make_vacancies() {
  Rng rng(o_.seed, "vacancies");
  static const std::string kV = "vacancies.";
  const std::size_t n = static_cast<std::size_t>(p_.integer("counts_at_scale_1.vacancies")) *
                        static_cast<std::size_t>(o_.scale);
  Choice employer_c;  // active employers, by size
  std::vector<const Employer*> active;
  for (const auto& e : employers_)
    if (e.status == "active") {
      employer_c.add(std::to_string(active.size()), static_cast<double>(e.workers + 5));
      active.push_back(&e);
    }
  if (active.empty()) throw PackError("demo parameters: no active employer to notify vacancies");
  std::vector<double> month_w;
  for (const auto& w : p_.at(kV + "registrations_by_month.weights")) month_w.push_back(w.get<double>());
  if (month_w.size() != 12) p_.fail(kV + "registrations_by_month.weights", "does not have 12 weights");
  const DayChoice days(window_start_, as_of_, month_w);
  const double from_section = p_.probability(kV + "from_section_occupations");
  const Choice majors = p_.choice("job_seekers.by_isco_major_group.shares");
  Choice pos_c, hours_c;
  const auto positions = p_.bands(kV + "positions", pos_c);
  const auto hours = p_.bands(kV + "hours_per_week", hours_c);
  const Band closing = p_.range(kV + "closing_after_days");
  const Choice contract = p_.choice(kV + "contract_type.shares");
  const Choice period = p_.choice(kV + "wage_period.shares");
  const double p_wage = p_.probability(kV + "wage_stated");
  const Choice outcomes = p_.choice(kV + "outcomes.shares");
  const Band filled = p_.range(kV + "outcomes.filled_after_days");
  const Band cancelled = p_.range(kV + "outcomes.cancelled_after_days");
  const Band expired = p_.range(kV + "outcomes.expired_after_closing_days");
  const auto how = p_.strings(kV + "how_to_apply");
  const Json& wages = p_.at(kV + "monthly_wage_xcd_by_major_group");
  const Json& duties = p_.at(kV + "duties");
  const auto certificates = p_.strings("job_seekers.skills.certificates");
  const auto skills = p_.strings("job_seekers.skills.skills");

  for (std::size_t i = 0; i < n; ++i) {
    const Employer& e = *active[std::stoul(employer_c.draw(rng))];
    std::vector<const Workplace*> open;
    for (const auto& w : e.workplaces) open.push_back(&w);
    const Workplace& wp = *rng.pick(open);
    const auto section_occ = p_.strings("employers.sections." + e.section + ".occupations");
    const Occupation& occ = rng.chance(from_section) ? occupations_.at(rng.pick(section_occ))
                                                     : occupation_draw(rng, majors.draw(rng));
    const std::string major(1, occ.code[0]);
    const Date reg = days.draw(rng);
    const Date closing_date = plus_days(reg, rng.between(closing.from, closing.to));

    Json r = Json::object();
    r["employer"] = e.id;
    r["establishment"] = wp.id;
    r["job_title"] = occ.title;
    r["occupation"] = occ.code;
    const Band pb = positions[std::stoul(pos_c.draw(rng))];
    r["positions"] = rng.between(pb.from, pb.to);
    r["parish"] = wp.parish;
    if (rng.chance(p_wage)) {
      const Json& band = wages[major];
      const auto lo = static_cast<std::int64_t>(band[0].get<double>() * currency_per_xcd_ * 100);
      const auto hi = static_cast<std::int64_t>(band[1].get<double>() * currency_per_xcd_ * 100);
      const std::int64_t month_min = rng.between(lo, (lo + hi) / 2);
      const std::int64_t month_max = month_min * rng.between(110, 140) / 100;
      const std::string per = period.draw(rng);
      // Monthly amounts to the period's, rounded to a round figure.
      auto convert = [&](std::int64_t m) {
        if (per == "week") return round_to(m * 12 / 52, 500);
        if (per == "fortnight") return round_to(m * 24 / 52, 1000);
        if (per == "hour") return round_to(m * 12 / 52 / 40, 25);
        if (per == "day") return round_to(m * 12 / 52 / 5, 100);
        if (per == "year") return round_to(m * 12, 100000);
        return round_to(m, 5000);
      };
      const std::int64_t wmin = convert(month_min);
      const std::int64_t wmax = std::max(wmin, convert(month_max));
      r["wage_min"] = {{"amount", money_text(wmin)}, {"currency", currency_}};
      if (rng.chance(0.7)) r["wage_max"] = {{"amount", money_text(wmax)}, {"currency", currency_}};
      r["wage_period"] = per;
    }
    const Band hb = hours[std::stoul(hours_c.draw(rng))];
    r["hours_per_week"] = rng.between(hb.from, hb.to);
    r["contract_type"] = contract.draw(rng);
    if (p_.has(kV + "education_required_by_major_group." + major))
      r["education_required"] = p_.at(kV + "education_required_by_major_group." + major);
    r["experience_years"] = major == "9"   ? rng.between(0, 1)
                            : major <= "3" ? rng.between(2, 8)
                                           : rng.between(0, 4);
    if (rng.chance(0.6)) r["skills_required"] = rng.chance(0.5) ? rng.pick(certificates) : rng.pick(skills);
    r["duties"] = duties.contains(major) ? duties[major] : duties["default"];
    r["date_registered"] = format_date(reg);
    r["closing_date"] = format_date(closing_date);
    r["how_to_apply"] = rng.pick(how);
    if (!e.contact.empty()) {
      r["contact_person"] = e.contact;
      r["contact_telephone"] = e.contact_phone;
    }
    Entry v;
    v.type = "vacancy";
    v.record = r;
    v.start = reg;
    const std::string out = outcomes.draw(rng);
    const Date d = out == "filled"      ? plus_days(reg, rng.between(filled.from, filled.to))
                   : out == "cancelled" ? plus_days(reg, rng.between(cancelled.from, cancelled.to))
                                        : plus_days(closing_date, rng.between(expired.from, expired.to));
    if (d <= as_of_) {
      Json f = {{"outcome", out}};
      if (out == "filled" && rng.chance(0.5))
        f["closed_note"] = "Filled with a job seeker referred by the Department";
      if (out == "cancelled" && rng.chance(0.5))
        f["closed_note"] = "The employer no longer needs the position";
      v.steps.push_back({d, "close", f});
    }
    entries_.push_back(std::move(v));
    ++vacancies_;
  }
}

}  // namespace clmis::demo::detail
