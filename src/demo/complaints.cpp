// The demo generator: a year of workers' complaints (Form 12) moved through their workflow with
// realistic timing (see generator.hpp; the shares and delays are demo parameters, synthetic).
#include "demo/generator.hpp"

#include "clmis/error.hpp"
#include "demo/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clmis::demo::detail {

void Generator::make_complaints() {
  Rng rng(o_.seed, "complaints");
  static const std::string kC = "complaints.";
  const std::size_t n = static_cast<std::size_t>(p_.integer("counts_at_scale_1.complaints")) *
                        static_cast<std::size_t>(o_.scale);
  std::vector<const Employer*> employers;
  for (const auto& e : employers_) employers.push_back(&e);
  if (employers.empty()) throw PackError("demo parameters: no employer for complaints to name");
  std::vector<double> month_w;
  for (const auto& w : p_.at(kC + "received_by_month.weights")) month_w.push_back(w.get<double>());
  if (month_w.size() != 12) p_.fail(kC + "received_by_month.weights", "does not have 12 weights");
  // A year of complaints, up to the reference date.
  const Date first = std::max(window_start_, plus_days(years_before(as_of_, 1), 1));
  const DayChoice days(first, as_of_, month_w);
  const double registered = p_.probability(kC + "employer_registered");
  const Choice channel = p_.choice(kC + "channel.shares");
  const Choice sexes = p_.choice(kC + "sex.shares");
  const Band age = p_.range(kC + "age");
  const Band n_claims = p_.range(kC + "claims_per_complaint");
  const Choice category = p_.choice(kC + "claims.category.shares");
  const Json& amounts = p_.at(kC + "claims.amount_xcd_by_category");
  const Band ack_after = p_.range(kC + "timing.acknowledged_after_days");
  const Band assign = p_.range(kC + "timing.assigned_after_days");
  const double p_investigate = p_.probability(kC + "timing.investigated");
  const Band investigate = p_.range(kC + "timing.investigation_after_days");
  const Band first_hearing = p_.range(kC + "timing.first_hearing_after_days");
  const Band hearing_gap = p_.range(kC + "timing.hearing_every_days");
  const Band hearings = p_.range(kC + "hearings_per_complaint");
  const Choice attendance = p_.choice(kC + "hearings.attendance.shares");
  const Band close_after = p_.range(kC + "timing.closed_after_last_hearing_days");
  const Choice outcome = p_.choice(kC + "outcomes.shares");
  const double recovered_share = p_.probability(kC + "claims.recovered_when_settled");
  const auto summaries = p_.strings(kC + "summaries");

  for (std::size_t i = 0; i < n; ++i) {
    const Employer& e = *rng.pick(employers);
    const Date received = days.draw(rng);
    const std::string sex = sexes.draw(rng);
    Json r = Json::object();
    r["date_received"] = format_date(received);
    r["channel"] = channel.draw(rng);
    r["first_name"] = first_name(rng, sex);
    r["family_name"] = family_name(rng);
    r["sex"] = sex;
    r["date_of_birth"] = format_date(plus_days(years_before(received, static_cast<int>(rng.between(age.from, age.to))),
                                               -rng.between(0, 364)));
    const auto section_occ = p_.strings("employers.sections." + e.section + ".occupations");
    r["occupation"] = rng.pick(section_occ);
    if (rng.chance(0.9)) r["telephone"] = phone(rng, true);
    if (rng.chance(registered)) {
      r["employer"] = e.id;
    } else {
      r["employer_name"] = e.name;
      r["employer_address"] = address(rng, e.place);
    }
    r["parish"] = e.parish;
    r["employment_start"] = format_date(years_before(received, static_cast<int>(rng.between(1, 12))));
    r["summary"] = rng.pick(summaries);
    // Acknowledged within a few days, some of them late (the default limit is 5 working days).
    if (const Date ack = plus_days(received, rng.between(ack_after.from, ack_after.to)); ack <= as_of_)
      r["acknowledged_on"] = format_date(ack);
    // Claims: amounts in the country's currency, whole dollars.
    Json claims = Json::array();
    std::vector<std::int64_t> claimed;
    const auto k = rng.between(n_claims.from, n_claims.to);
    for (std::int64_t c = 0; c < k; ++c) {
      const std::string cat = category.draw(rng);
      Json item = {{"category", cat}};
      if (amounts.contains(cat)) {
        const Json& band = amounts[cat];
        const auto lo = static_cast<std::int64_t>(band[0].get<double>() * currency_per_xcd_);
        const auto hi = static_cast<std::int64_t>(band[1].get<double>() * currency_per_xcd_);
        const std::int64_t cents = rng.between(lo, hi) * 100 + (rng.chance(0.3) ? rng.between(1, 99) : 0);
        item["amount_claimed"] = {{"amount", money_text(cents)}, {"currency", currency_}};
        claimed.push_back(cents);
      } else {
        claimed.push_back(-1);
      }
      claims.push_back(item);
    }
    r["claims"] = claims;

    Entry c;
    c.type = "complaint";
    c.start = received;
    // The lifecycle: assigned, maybe investigated, hearings in conciliation, closed.
    Date d = plus_days(received, rng.between(assign.from, assign.to));
    std::vector<Step> steps;
    steps.push_back({d, "assign", nullptr});
    if (rng.chance(p_investigate)) {
      d = plus_days(d, rng.between(investigate.from, investigate.to));
      steps.push_back({d, "investigate", nullptr});
    }
    Json held = Json::array();
    const auto nh = rng.between(hearings.from, hearings.to);
    if (nh > 0) {
      d = plus_days(d, rng.between(1, 5));
      steps.push_back({d, "conciliate", nullptr});
      for (std::int64_t h = 0; h < nh; ++h) {
        d = h == 0 ? plus_days(d, rng.between(first_hearing.from, first_hearing.to))
                   : plus_days(d, rng.between(hearing_gap.from, hearing_gap.to));
        if (d > as_of_) break;
        const std::string att = attendance.draw(rng);
        held.push_back({{"date", format_date(d)}, {"attendance", att},
                        {"result", att == "neither" ? "not_held" : (h + 1 == nh ? "settled" : "adjourned")}});
      }
    }
    const std::string out = outcome.draw(rng);
    d = plus_days(d, rng.between(close_after.from, close_after.to));
    if (d <= as_of_) {
      Json f = {{"outcome", out}};
      steps.push_back({d, "close", f});
      if (out == "settled") {
        // Recovered: the amounts claimed, some in part (exact cents: a share of whole cents).
        for (size_t j = 0; j < claims.size(); ++j)
          if (claimed[j] > 0 && rng.chance(recovered_share)) {
            const std::int64_t got = rng.chance(0.6) ? claimed[j] : claimed[j] * rng.between(40, 95) / 100;
            claims[j]["amount_recovered"] = {{"amount", money_text(got)}, {"currency", currency_}};
          }
        r["claims"] = claims;
      }
    }
    // Hearings are entered as they are held: the demo writes them with the record (the
    // workflow issue's timeline shows them by their dates).
    if (!held.empty()) r["hearings"] = held;
    // Steps beyond the reference date are not taken: the complaint is still open.
    while (!steps.empty() && steps.back().date > as_of_) steps.pop_back();
    c.record = r;
    c.steps = std::move(steps);
    entries_.push_back(std::move(c));
    ++complaints_;
  }
}

}  // namespace clmis::demo::detail
