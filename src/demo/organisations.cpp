// The demo generator: trade unions, federations and employers' organisations (see generator.hpp).
#include "demo/generator.hpp"

#include "demo/text.hpp"

#include <date/date.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace clmis::demo::detail {

// --- organisations ------------------------------------------------------------------------

void Generator::make_organisations() {
  Rng rng(o_.seed, "organisations");
  const std::size_t n = static_cast<std::size_t>(p_.integer("counts_at_scale_1.organisations")) *
                        static_cast<std::size_t>(o_.scale);
  const auto kinds = quota(p_.choice("organisations.kinds.shares"), n, rng);
  const Choice status = p_.choice("organisations.status.shares");
  const auto officer_positions = p_.strings("organisations.officer_positions");
  const Band members = p_.range("organisations.union_members");
  const Json& fshare = p_.at("organisations.union_female_share");
  const Band recognitions = p_.range("organisations.recognitions_per_recognised_union");
  const auto units = p_.strings("organisations.bargaining_units");
  std::vector<const Employer*> bargaining;  // employers large enough for a bargaining unit
  for (const auto& e : employers_)
    if (e.workers >= 10 && e.status != "closed") bargaining.push_back(&e);
  const Date members_as_of =
      date::sys_days{date::year_month_day{date::year{year_of(as_of_) - 1}, date::month{12}, date::day{31}}};
  std::set<std::string> names;
  std::map<std::string, int> numbers;
  Deck deck;

  for (std::size_t i = 0; i < n; ++i) {
    const std::string& kind = kinds[i];
    const std::string parish = parish_draw(rng);
    const std::string place = place_in(rng, parish);
    const std::string name = unique(
        names, fill(deck.draw(kind, p_.strings("organisations.names." + kind), rng), rng, place), rng, place);
    const std::string st = status.draw(rng);
    const int year = static_cast<int>(rng.between(1950, year_of(as_of_) - 1));
    const Date registered =
        plus_days(date::sys_days{date::year_month_day{date::year{year}, date::month{1}, date::day{1}}},
                  rng.between(0, 364));
    const char* prefix = kind == "trade_union" ? "TU" : kind == "federation" ? "FD" : "EO";
    Json r = Json::object();
    r["name"] = name;
    r["kind"] = kind;
    r["registration_no"] =
        std::string(prefix) + "/" + std::to_string(year) + "/" + std::to_string(++numbers[prefix]);
    r["registration_date"] = format_date(std::min(registered, as_of_));
    r["status"] = st;
    if (kind == "trade_union") {
      // Membership spread over two orders of magnitude: bands of the range.
      const std::int64_t span = members.to - members.from;
      const std::int64_t total = members.from + span * rng.between(0, 100) * rng.between(0, 100) / 10000;
      const double f =
          fshare[0].get<double>() + rng.unit() * (fshare[1].get<double>() - fshare[0].get<double>());
      const auto women = static_cast<std::int64_t>(std::floor(static_cast<double>(total) * f + 0.5));
      r["members_male"] = total - women;
      r["members_female"] = women;
      r["members_as_of"] = format_date(members_as_of);
    }
    r["parish"] = parish;
    r["address"] = address(rng, place);
    r["telephone"] = phone(rng, false);
    if (rng.chance(0.7)) r["email"] = "secretariat@" + slug(name, 30) + ".example";
    // Officers in office, and sometimes the president before them.
    Json officers = Json::array();
    const std::size_t n_off = static_cast<std::size_t>(
        rng.between(3, std::min<std::int64_t>(5, static_cast<std::int64_t>(officer_positions.size()))));
    const Date elected = std::max(registered, plus_days(as_of_, -rng.between(30, 5 * 365)));
    if (rng.chance(0.4) && days_between(registered, elected) > 400) {
      const std::string sex = rng.chance(0.4) ? "F" : "M";
      officers.push_back(
          {{"name", first_name(rng, sex) + " " + family_name(rng)},
           {"position", officer_positions[0]},
           {"from", format_date(std::max(registered, plus_days(elected, -rng.between(365, 6 * 365))))},
           {"to", format_date(plus_days(elected, -1))}});
    }
    for (std::size_t k = 0; k < n_off; ++k) {
      const std::string sex = rng.chance(0.45) ? "F" : "M";
      const std::string first = first_name(rng, sex), fam = family_name(rng);
      Json off = {{"name", first + " " + fam},
                  {"position", officer_positions[k]},
                  {"telephone", phone(rng, true)},
                  {"from", format_date(elected)}};
      if (k < 2 && st == "deregistered")
        off["to"] = format_date(std::min(as_of_, plus_days(elected, rng.between(30, 700))));
      officers.push_back(off);
    }
    r["officers"] = officers;
    Union u;
    if (kind == "trade_union" && st == "recognised" && !bargaining.empty()) {
      Json recs = Json::array();
      std::set<std::int64_t> seen;
      const auto k = rng.between(recognitions.from, recognitions.to);
      for (std::int64_t j = 0; j < k; ++j) {
        const Employer* e = rng.pick(bargaining);
        if (!seen.insert(e->id).second) continue;
        u.employers.push_back(e->id);
        recs.push_back(
            {{"employer", e->id},
             {"recognised_on",
              format_date(plus_days(
                  registered, rng.between(0, std::max<std::int64_t>(0, days_between(registered, as_of_)))))},
             {"bargaining_unit", rng.pick(units)},
             {"workers_covered", rng.between(e->workers / 3, e->workers)}});
      }
      r["recognitions"] = recs;
    }
    u.id = s_.create("organisation", r);
    if (kind == "trade_union" && st != "deregistered") unions_.push_back(std::move(u));
    ++organisations_;
  }
}

}  // namespace clmis::demo::detail
