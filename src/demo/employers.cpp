// The demo generator: employers and their workplaces (see generator.hpp).
#include "demo/generator.hpp"

#include "demo/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

// --- employers and workplaces -------------------------------------------------------------

void Generator::make_employers() {
  Rng rng(o_.seed, "employers");
  const std::size_t n = static_cast<std::size_t>(p_.integer("counts_at_scale_1.employers")) *
                        static_cast<std::size_t>(o_.scale);
  const Json& secs = p_.at("employers.sections");
  Choice sections;
  for (auto it = secs.begin(); it != secs.end(); ++it) sections.add(it.key(), (*it)["share"].get<double>());
  const auto section_of = quota(sections, n, rng);
  const auto parish_of = quota(parishes_, n, rng);

  Choice size_choice;
  const auto sizes = p_.bands("employers.size_classes.classes", size_choice);
  Choice big_sizes;  // government, statutory and international employers: 20 workers and more
  for (std::size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i].from >= 20) big_sizes.add(std::to_string(i), size_choice.weights[i]);
  if (big_sizes.keys.empty()) big_sizes = size_choice;
  const Choice status = p_.choice("employers.status.shares");
  const double second_small = p_.probability("employers.second_workplace.under_10");
  const double second_mid = p_.probability("employers.second_workplace.10_to_49");
  const double second_big = p_.probability("employers.second_workplace.50_and_more");
  const auto suffixes = p_.has("employers.legal_suffixes." + iso3_)
                            ? p_.strings("employers.legal_suffixes." + iso3_)
                            : p_.strings("employers.legal_suffixes.default");
  const auto positions = p_.strings("employers.contact_positions");
  std::vector<std::pair<std::string, std::string>> ownership_from_name;
  {
    const Json& o = p_.at("employers.ownership_from_name");
    for (auto it = o.begin(); it != o.end(); ++it)
      if (it.key() != "reason") ownership_from_name.emplace_back(it.key(), it->get<std::string>());
  }

  std::set<std::string> names, numbers;
  std::size_t registrations = 0;
  Deck deck;
  employers_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Employer e;
    e.section = section_of[i];
    e.parish = parish_of[i];
    e.place = place_in(rng, e.parish);
    const std::string spath = "employers.sections." + e.section;
    const Json& sec = secs[e.section];
    Choice classes;
    for (const auto& c : sec["classes"]) classes.add(c["code"].get<std::string>(), c["weight"].get<double>());
    const std::string isic = classes.draw(rng);
    std::vector<std::string> patterns;
    std::int64_t cap = sec.contains("max_workers") ? sec["max_workers"].get<std::int64_t>() : 0;
    for (const auto& c : sec["classes"])
      if (c["code"] == isic) {
        for (const auto& nm : c["names"]) patterns.push_back(nm.get<std::string>());
        if (c.contains("max_workers")) cap = c["max_workers"].get<std::int64_t>();
      }
    std::string base = fill(deck.draw(isic, patterns, rng), rng, e.place);
    // Ownership: what the name says (a cooperative, a church...), else the section's shares.
    std::string ownership;
    for (const auto& [word, owner] : ownership_from_name)
      if (base.find(word) != std::string::npos) {
        ownership = owner;
        break;
      }
    const bool named = !ownership.empty();
    if (!named) ownership = p_.choice(spath + ".ownership").draw(rng);
    const bool government = ownership == "public" || ownership == "statutory" || ownership == "international";
    const Band size = sizes[std::stoul((government ? big_sizes : size_choice).draw(rng))];
    e.workers = rng.between(size.from, size.to);
    if (cap > 0 && e.workers > cap) e.workers = rng.between(std::max<std::int64_t>(1, cap / 4), cap);
    const double fshare = sec["female_share"].get<double>() + (rng.unit() - 0.5) * 0.3;
    const auto women = static_cast<std::int64_t>(
        std::floor(static_cast<double>(e.workers) * std::clamp(fshare, 0.0, 1.0) + 0.5));
    e.status = government ? "active" : status.draw(rng);

    std::string trade_name;
    const std::string domain = slug(base) + ".example";
    std::string legal = base;
    if (!named && (ownership == "private" || ownership == "foreign") && e.section != "T" &&
        rng.chance(0.55)) {
      if (rng.chance(0.5)) trade_name = base;
      legal += rng.pick(suffixes);
    }
    e.name = unique(names, legal, rng, e.place);

    Json r = Json::object();
    r["name"] = e.name;
    if (!trade_name.empty() && trade_name != e.name) r["trade_name"] = trade_name;
    if (!government && e.section != "T") {
      // Five digits while half of them are free (scales up to about 90), seven beyond: a draw
      // into a nearly full space takes ever longer, and past 90,000 numbers never ends.
      const bool wide = registrations++ >= 45000;
      std::string no;
      do no = "C" + std::to_string(wide ? rng.between(1000000, 9999999) : rng.between(10000, 99999));
      while (!numbers.insert(no).second);
      r["registration_no"] = no;
    }
    {
      std::string no;
      do no = std::to_string(rng.between(100000, 999999));
      while (!numbers.insert(no).second);
      r["nis_employer_no"] = no;
    }
    r["isic_class"] = isic;
    r["ownership"] = ownership;
    r["parish"] = e.parish;
    r["address"] = address(rng, e.place);
    r["telephone"] = phone(rng, e.section == "T");
    if (e.section != "T" && rng.chance(0.7)) r["email"] = (rng.chance(0.5) ? "info@" : "office@") + domain;
    r["workers_male"] = e.workers - women;
    r["workers_female"] = women;
    r["status"] = e.status;
    Json contacts = Json::array();
    const int n_contacts = e.workers >= 10 && rng.chance(0.5) ? 2 : 1;
    for (int c = 0; c < n_contacts; ++c) {
      const std::string sex = rng.chance(0.55) ? "F" : "M";
      const std::string first = first_name(rng, sex), fam = family_name(rng);
      Json ct = {{"name", first + " " + fam},
                 {"position", c == 0 && e.workers < 10 ? "Owner" : rng.pick(positions)},
                 {"telephone", phone(rng, true)}};
      if (e.section != "T" && rng.chance(0.6))
        ct["email"] = slug(first, 12) + "." + slug(fam, 16) + "@" + domain;
      if (c == 0)
        e.contact = ct["name"].get<std::string>(), e.contact_phone = ct["telephone"].get<std::string>();
      contacts.push_back(ct);
    }
    r["contacts"] = contacts;
    e.id = s_.create("employer", r);

    // Workplaces: the first where the employer is; larger employers have a branch or more.
    const double p2 = e.workers < 10 ? second_small : e.workers < 50 ? second_mid : second_big;
    std::size_t n_work =
        rng.chance(p2) ? (e.workers >= 50 ? static_cast<std::size_t>(rng.between(2, 4)) : 2) : 1;
    std::int64_t left_m = e.workers - women, left_f = women;
    for (std::size_t w = 0; w < n_work; ++w) {
      Workplace wp;
      wp.parish = e.parish;
      wp.place = e.place;
      for (int tries = 0; w > 0 && tries < 20; ++tries) {  // a branch is somewhere else
        wp.parish = parish_draw(rng);
        wp.place = place_in(rng, wp.parish);
        if (std::none_of(e.workplaces.begin(), e.workplaces.end(),
                         [&](const Workplace& o) { return o.place == wp.place; }))
          break;
      }
      const bool last = w + 1 == n_work;
      const std::int64_t m = last ? left_m : left_m * rng.between(50, 80) / 100;
      const std::int64_t f = last ? left_f : left_f * rng.between(50, 80) / 100;
      left_m -= m, left_f -= f;
      Json x = Json::object();
      x["employer"] = e.id;
      x["name"] = base + (n_work == 1 ? "" : ", " + wp.place + (w == 0 ? " (main)" : ""));
      x["isic_class"] = isic;
      x["parish"] = wp.parish;
      x["address"] = w == 0 ? r["address"] : Json(address(rng, wp.place));
      x["telephone"] = w == 0 ? r["telephone"] : Json(phone(rng, false));
      x["contact_person"] =
          w == 0 ? e.contact : first_name(rng, rng.chance(0.5) ? "F" : "M") + " " + family_name(rng);
      x["workers_male"] = m;
      x["workers_female"] = f;
      x["status"] = e.status == "closed" ? "closed" : "active";
      wp.id = s_.create("establishment", x);
      e.workplaces.push_back(wp);
      ++establishments_;
    }
    employers_.push_back(std::move(e));
  }
}

}  // namespace clmis::demo::detail
