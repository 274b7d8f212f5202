// The demo generator: a year of industrial relations (issue 16) — trade disputes (Form 11) with
// their conciliation meetings, industrial actions (Form 8), most of them arising from one of the
// disputes, and notices of redundancy with the workers affected — moved through their workflows
// with realistic timing, as complaints.cpp does for complaints (see generator.hpp; the shares,
// ranges and delays are demo parameters, synthetic). clmis computes the industrial actions'
// working days not worked and the redundancies' severance; the summary reads them back.
#include "demo/generator.hpp"

#include "clmis/error.hpp"
#include "demo/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

namespace {

std::size_t count_at_scale(const Params& p, const std::string& name, int scale) {
  const auto n = p.integer("counts_at_scale_1." + name);
  if (n < 0) p.fail("counts_at_scale_1." + name, "is below 0");
  return static_cast<std::size_t>(n) * static_cast<std::size_t>(scale);
}

/// n workers split by sex at a share of women: (men, women).
std::pair<std::int64_t, std::int64_t> by_sex(std::int64_t n, double female_share) {
  const auto women = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * female_share + 0.5));
  return {n - women, women};
}

}  // namespace

// --- disputes -----------------------------------------------------------------------------

void Generator::make_disputes() {
  Rng rng(o_.seed, "disputes");
  static const std::string kD = "disputes.";
  const std::size_t n = count_at_scale(p_, "disputes", o_.scale);
  if (n == 0) return;
  // Employers large enough for a bargaining unit, and the unions of the demo.
  std::vector<const Employer*> bargaining;
  std::map<std::int64_t, const Employer*> by_id;
  for (const auto& e : employers_) {
    by_id[e.id] = &e;
    if (e.workers >= 10 && e.status != "closed") bargaining.push_back(&e);
  }
  if (bargaining.empty()) throw PackError("demo parameters: no employer of 10 workers or more for disputes to name");
  if (unions_.empty()) throw PackError("demo parameters: no trade union for disputes to name");
  const Date first = std::max(window_start_, plus_days(years_before(as_of_, 1), 1));
  const DayChoice days(first, as_of_, std::vector<double>(12, 1.0));
  const Choice type = p_.choice(kD + "type.shares");
  const double second_employer = p_.probability(kD + "second_employer.probability");
  const Band covered = p_.range(kD + "workers_covered_percent.range");
  const Band meetings = p_.range(kD + "meetings_per_dispute.range");
  const Choice attendance = p_.choice(kD + "attendance.shares");
  const Band conciliate_after = p_.range(kD + "timing.conciliation_after_days");
  const Band first_meeting = p_.range(kD + "timing.first_meeting_after_days");
  const Band meeting_gap = p_.range(kD + "timing.meeting_every_days");
  const Band close_after = p_.range(kD + "timing.closed_after_last_meeting_days");
  const double p_withdrawn = p_.probability(kD + "timing.withdrawn_before_conciliation");
  const Band withdrawn_after = p_.range(kD + "timing.withdrawn_after_days");
  const Choice outcome = p_.choice(kD + "outcomes.shares");
  std::map<std::string, std::vector<std::string>> issues;
  for (const auto& t : type.keys) issues[t] = p_.strings(kD + "issues." + t);

  for (std::size_t i = 0; i < n; ++i) {
    const Union& u = rng.pick(unions_);
    // The employer: one that recognises the union when there is one, else any large enough.
    std::vector<const Employer*> mine;
    for (const auto id : u.employers)
      if (auto it = by_id.find(id); it != by_id.end() && it->second->status != "closed") mine.push_back(it->second);
    const Employer* e = mine.empty() ? rng.pick(bargaining) : rng.pick(mine);
    std::vector<const Employer*> parties = {e};
    if (rng.chance(second_employer)) {
      const Employer* e2 = rng.pick(bargaining);
      if (e2 != e) parties.push_back(e2);
    }
    const Date reported = days.draw(rng);
    const std::string t = type.draw(rng);
    Json r = Json::object();
    r["date_reported"] = format_date(reported);
    r["dispute_type"] = t;
    r["issues"] = rng.pick(issues[t]);
    std::int64_t men = 0, women = 0;
    Json employers = Json::array();
    for (const Employer* p : parties) {
      const auto [m, w] =
          by_sex(std::max<std::int64_t>(1, p->workers * rng.between(covered.from, covered.to) / 100),
                 p_.probability("employers.sections." + p->section + ".female_share"));
      men += m, women += w;
      employers.push_back(Json{{"employer", p->id}});
    }
    r["workers_covered_male"] = men;
    r["workers_covered_female"] = women;
    r["parish"] = e->parish;
    r["unions"] = Json::array({Json{{"organisation", u.id}, {"role", "claimant"}}});
    r["employers"] = employers;

    Entry c;
    c.type = "dispute";
    c.start = reported;
    std::vector<Step> steps;
    Date d = reported;
    Json held = Json::array();
    if (rng.chance(p_withdrawn)) {
      // Withdrawn before any conciliation.
      d = plus_days(d, rng.between(withdrawn_after.from, withdrawn_after.to));
      steps.push_back({d, "close", Json{{"outcome", "withdrawn"}}});
    } else {
      d = plus_days(d, rng.between(conciliate_after.from, conciliate_after.to));
      steps.push_back({d, "conciliate", nullptr});
      const std::string out = outcome.draw(rng);
      const auto nm = rng.between(meetings.from, meetings.to);
      bool all_held = true;
      for (std::int64_t m = 0; m < nm; ++m) {
        d = m == 0 ? plus_days(d, rng.between(first_meeting.from, first_meeting.to))
                   : plus_days(d, rng.between(meeting_gap.from, meeting_gap.to));
        if (d > as_of_) {
          // Not held yet: the meeting the parties are invited to.
          r["next_meeting_date"] = format_date(d);
          r["next_meeting_time"] = rng.chance(0.5) ? "10:00" : "14:00";
          r["next_meeting_place"] = "Department of Labour, " + e->place;
          all_held = false;
          break;
        }
        const std::string att = attendance.draw(rng);
        const bool last = m + 1 == nm;
        const std::string result = att == "neither" ? "not_held"
                                   : !last          ? "adjourned"
                                   : out == "agreement" ? "agreement"
                                                        : "no_agreement";
        held.push_back({{"date", format_date(d)}, {"attendance", att}, {"result", result}});
      }
      if (all_held) {
        d = plus_days(d, rng.between(close_after.from, close_after.to));
        steps.push_back({d, "close", Json{{"outcome", out}}});
      }
    }
    if (!held.empty()) r["meetings"] = held;
    while (!steps.empty() && steps.back().date > as_of_) steps.pop_back();
    DisputeMade made;
    made.entry = entries_.size();
    made.union_id = u.id;
    made.employer = e;
    made.reported = reported;
    made.closed = !steps.empty() && steps.back().transition == "close" ? steps.back().date : plus_days(as_of_, 1);
    disputes_.push_back(made);
    c.record = r;
    c.steps = std::move(steps);
    entries_.push_back(std::move(c));
  }
}

// --- industrial actions -------------------------------------------------------------------

void Generator::make_industrial_actions() {
  Rng rng(o_.seed, "industrial_actions");
  static const std::string kA = "industrial_actions.";
  const std::size_t n = count_at_scale(p_, "industrial_actions", o_.scale);
  if (n == 0) return;
  std::vector<const Employer*> bargaining;
  for (const auto& e : employers_)
    if (e.workers >= 10 && e.status != "closed") bargaining.push_back(&e);
  if (bargaining.empty() || unions_.empty())
    throw PackError("demo parameters: no employer of 10 workers or more, or no trade union, for industrial actions");
  const auto until = p_.integer(kA + "timing.reported_until_days_before_as_of");
  const Date first = std::max(window_start_, plus_days(years_before(as_of_, 1), 1));
  const Date last = std::max(first, plus_days(as_of_, -until));
  const DayChoice days(first, last, std::vector<double>(12, 1.0));
  const Choice from_dispute = p_.choice(kA + "from_dispute.shares");
  for (const auto& k : from_dispute.keys)
    if (k != "dispute" && k != "none") p_.fail(kA + "from_dispute.shares." + k, "is not dispute or none");
  const Band after_dispute = p_.range(kA + "reported_after_dispute_days.range");
  const Choice type = p_.choice(kA + "type.shares");
  const Choice cause = p_.choice(kA + "cause.shares");
  const Band direct = p_.range(kA + "workers_direct_percent.range");
  const double p_indirect = p_.probability(kA + "indirect.probability");
  const Band indirect = p_.range(kA + "indirect.percent");
  const Band started_after = p_.range(kA + "timing.started_after_days");
  const Band duration = p_.range(kA + "timing.duration_days");
  const Band called_off_after = p_.range(kA + "timing.called_off_after_days");
  const auto descriptions = p_.strings(kA + "descriptions");
  // Exact counts: which actions arise from a dispute, and how each ends.
  const auto linked = quota(from_dispute, n, rng);
  const auto outcomes = quota(p_.choice(kA + "outcomes.shares"), n, rng);
  // The disputes an action can arise from: reported early enough, open long enough for an
  // action to be reported before they close; each gives at most one action while any is left.
  std::vector<std::size_t> open_disputes;
  for (std::size_t k = 0; k < disputes_.size(); ++k)
    if (plus_days(disputes_[k].reported, after_dispute.from) < std::min(disputes_[k].closed, plus_days(last, 1)))
      open_disputes.push_back(k);
  rng.shuffle(open_disputes);
  std::size_t next_dispute = 0;

  for (std::size_t i = 0; i < n; ++i) {
    Entry c;
    c.type = "industrial_action";
    Json r = Json::object();
    const Employer* e = nullptr;
    std::int64_t union_id = 0;
    Date reported{};
    if (linked[i] == "dispute" && next_dispute < open_disputes.size()) {
      const DisputeMade& dm = disputes_[open_disputes[next_dispute++]];
      e = dm.employer;
      union_id = dm.union_id;
      const Date latest = std::min(plus_days(dm.closed, -1), last);
      reported = std::min(latest, plus_days(dm.reported, rng.between(after_dispute.from, after_dispute.to)));
      c.refs.emplace_back("dispute", dm.entry);
    } else {
      e = rng.pick(bargaining);
      union_id = rng.pick(unions_).id;
      reported = days.draw(rng);
    }
    const std::string t = type.draw(rng);
    r["date_reported"] = format_date(reported);
    r["action_type"] = t;
    r["union"] = union_id;
    r["employers"] = Json::array({Json{{"employer", e->id}}});
    const double fshare = p_.probability("employers.sections." + e->section + ".female_share");
    const std::int64_t n_direct = std::max<std::int64_t>(1, e->workers * rng.between(direct.from, direct.to) / 100);
    const auto [dm, df] = by_sex(n_direct, fshare);
    r["workers_direct_male"] = dm;
    r["workers_direct_female"] = df;
    if (rng.chance(p_indirect)) {
      const auto [im, iff] = by_sex(std::max<std::int64_t>(1, n_direct * rng.between(indirect.from, indirect.to) / 100), fshare);
      r["workers_indirect_male"] = im;
      r["workers_indirect_female"] = iff;
    }
    r["cause"] = cause.draw(rng);
    // The industry: the ISIC section of the employer's class (read_and_check_parameters checks
    // every class of employers.sections.<section> against the isic4 hierarchy).
    r["isic_section"] = e->section;
    r["parish"] = e->parish;
    r["description"] = t == "lockout" ? std::string("The employer closed the workplace to the workers of the bargaining unit.")
                                      : rng.pick(descriptions);
    c.start = reported;
    std::vector<Step> steps;
    if (outcomes[i] == "called_off") {
      const Date d = plus_days(reported, rng.between(called_off_after.from, called_off_after.to));
      steps.push_back({d, "call_off", Json{{"outcome", "called_off"}}});
    } else {
      const Date start = plus_days(reported, rng.between(started_after.from, started_after.to));
      const Date end = plus_days(start, rng.between(duration.from, duration.to) - 1);
      steps.push_back({start, "start", Json{{"start_date", format_date(start)}}});
      steps.push_back({end, "end", Json{{"end_date", format_date(end)}, {"outcome", outcomes[i]}}});
    }
    while (!steps.empty() && steps.back().date > as_of_) steps.pop_back();
    c.record = r;
    c.steps = std::move(steps);
    entries_.push_back(std::move(c));
    ++industrial_actions_;
  }
}

// --- redundancies -------------------------------------------------------------------------

void Generator::make_redundancies() {
  Rng rng(o_.seed, "redundancies");
  static const std::string kR = "redundancies.";
  const std::size_t n = count_at_scale(p_, "redundancies", o_.scale);
  if (n == 0) return;
  const Band workers = p_.range(kR + "workers.range");
  if (workers.from < 1) p_.fail(kR + "workers.range", "starts below 1");
  std::vector<const Employer*> eligible;
  for (const auto& e : employers_)
    if (e.workers >= workers.from && e.status != "closed") eligible.push_back(&e);
  if (eligible.empty()) throw PackError("demo parameters: no employer large enough for a redundancy");
  const Date first = std::max(window_start_, plus_days(years_before(as_of_, 1), 1));
  const DayChoice days(first, as_of_, std::vector<double>(12, 1.0));
  const Choice reason = p_.choice(kR + "reason_code.shares");
  const Band effective_after = p_.range(kR + "effective_after_notice_days.range");
  const double p_consulted = p_.probability(kR + "union_consulted.probability");
  const Band consulted_after = p_.range(kR + "union_consulted.after_days");
  const Band age = p_.range(kR + "age.range");
  const Band service = p_.range(kR + "years_of_service.range");
  const Band pay = p_.range(kR + "weekly_pay_xcd.range");
  const Band close_after = p_.range(kR + "closed_after_effective_days.range");
  const Choice outcome = p_.choice(kR + "outcomes.shares");
  std::map<std::int64_t, std::vector<std::int64_t>> unions_of;  // employer → recognised unions
  for (const auto& u : unions_)
    for (const auto id : u.employers) unions_of[id].push_back(u.id);

  for (std::size_t i = 0; i < n; ++i) {
    const Employer& e = *rng.pick(eligible);
    const Date notice = days.draw(rng);
    const Date effective = plus_days(notice, rng.between(effective_after.from, effective_after.to));
    Json r = Json::object();
    r["employer"] = e.id;
    r["notice_date"] = format_date(notice);
    r["effective_date"] = format_date(effective);
    r["reason"] = reason.draw(rng);
    const bool consulted = rng.chance(p_consulted);
    r["union_consulted"] = consulted;
    if (consulted) {
      const auto it = unions_of.find(e.id);
      r["union"] = it != unions_of.end() ? rng.pick(it->second) : rng.pick(unions_).id;
    }
    const double fshare = p_.probability("employers.sections." + e.section + ".female_share");
    const auto occupations = p_.strings("employers.sections." + e.section + ".occupations");
    Json ws = Json::array();
    const auto k = rng.between(workers.from, std::min(workers.to, e.workers));
    for (std::int64_t w = 0; w < k; ++w) {
      const auto a = rng.between(age.from, age.to);
      const auto years = rng.between(service.from, std::max(service.from, std::min(service.to, a - 16)));
      const auto dollars = static_cast<std::int64_t>(static_cast<double>(rng.between(pay.from, pay.to)) * currency_per_xcd_);
      ws.push_back({{"sex", rng.chance(fshare) ? "F" : "M"},
                    {"age", a},
                    {"occupation", rng.pick(occupations)},
                    {"years_of_service", years},
                    {"months_of_service", rng.between(0, 11)},
                    {"weekly_pay", {{"amount", money_text(dollars * 100)}, {"currency", currency_}}}});
    }
    r["workers"] = ws;

    Entry c;
    c.type = "redundancy";
    c.start = notice;
    std::vector<Step> steps;
    if (consulted) {
      const Date d = plus_days(notice, rng.between(consulted_after.from, consulted_after.to));
      steps.push_back({d, "consult", Json{{"consultation_date", format_date(d)}}});
    }
    const Date closed = plus_days(effective, rng.between(close_after.from, close_after.to));
    steps.push_back({closed, "close", Json{{"outcome", outcome.draw(rng)}}});
    while (!steps.empty() && steps.back().date > as_of_) steps.pop_back();
    c.record = r;
    c.steps = std::move(steps);
    entries_.push_back(std::move(c));
    ++redundancies_;
  }
}

// --- the summary --------------------------------------------------------------------------

namespace {

/// "-1234.5" → (-12345, 1): the amount in units of 10^-scale, exactly.
std::pair<std::int64_t, int> minor_units(const std::string& amount) {
  std::int64_t v = 0;
  int scale = -1;
  bool negative = false;
  for (std::size_t i = 0; i < amount.size(); ++i) {
    const char ch = amount[i];
    if (i == 0 && (ch == '-' || ch == '+')) {
      negative = ch == '-';
    } else if (ch == '.' && scale < 0) {
      scale = 0;
    } else if (ch >= '0' && ch <= '9') {
      v = v * 10 + (ch - '0');
      if (scale >= 0) ++scale;
    } else {
      throw Error(Errc::generic, "demo: a money amount that is not a decimal number: " + amount);
    }
  }
  return {negative ? -v : v, std::max(scale, 0)};
}

std::int64_t ten_to(int n) {
  std::int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

void Generator::summarise_industrial_relations(DemoSummary& sum) {
  // Every record of a type, some fields, page by page (the demo's own records: a few dozen).
  auto each = [&](const char* type, const Json& fields, const auto& fn) {
    Json q = {{"fields", fields}, {"limit", 1000}};
    for (;;) {
      const Json page = s_.query(type, q);
      for (const auto& rec : page["records"]) fn(rec);
      if (page["next"].is_null()) break;
      q["after"] = page["next"];
    }
  };
  each("dispute", Json::array({"status"}), [&](const Json& r) { sum.disputes_closed += r["status"] == "closed"; });
  std::map<std::string, DemoSectionDays> sections;
  each("industrial_action", Json::array({"status", "outcome", "isic_section", "days_not_worked"}), [&](const Json& r) {
    if (r["outcome"] == "called_off") ++sum.actions_called_off;
    else if (r["status"] == "closed") ++sum.actions_ended;
    if (r["days_not_worked"].is_null()) return;  // not ended: nothing computed yet
    const std::string sec = r["isic_section"].is_string() ? r["isic_section"].get<std::string>() : "";
    auto& row = sections[sec];
    row.code = sec;
    ++row.actions;
    row.days += r["days_not_worked"].get<std::int64_t>();
  });
  std::map<std::string, std::string> labels;
  for (const auto& c : db_.codes("isic4", "en"))
    if (c["level"].get<std::int64_t>() == 1) labels[c["code"].get<std::string>()] = c["label"].get<std::string>();
  for (auto& [code, row] : sections) {
    row.label = labels.count(code) ? labels[code] : std::string("(no section)");
    sum.days_not_worked_by_section.push_back(row);
  }
  // The total severance: the stored severance_total of every redundancy, added in minor units
  // as integers (never in floating point).
  std::int64_t total = 0;
  int scale = 2;
  std::string currency = currency_;
  each("redundancy", Json::array({"workers_affected", "severance_total"}), [&](const Json& r) {
    sum.redundancy_workers += r["workers_affected"].is_null() ? 0 : r["workers_affected"].get<std::int64_t>();
    if (r["severance_total"].is_null()) return;  // the profile has no severance rule
    ++sum.redundancies_with_severance;
    auto [v, sc] = minor_units(r["severance_total"]["amount"].get<std::string>());
    currency = r["severance_total"]["currency"].get<std::string>();
    if (sc > scale) total *= ten_to(sc - scale), scale = sc;
    total += v * ten_to(scale - sc);
  });
  const bool negative = total < 0;
  const std::int64_t a = negative ? -total : total;
  std::string text = std::to_string(a / ten_to(scale));
  if (scale > 0) {
    std::string frac = std::to_string(a % ten_to(scale));
    text += "." + std::string(static_cast<std::size_t>(scale) - frac.size(), '0') + frac;
  }
  sum.severance_total = (negative ? "-" : "") + text;
  sum.severance_currency = currency;
}

}  // namespace clmis::demo::detail
