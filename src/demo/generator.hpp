// The demo generator (see demo.cpp, "How it works"): what it makes in memory, and the Generator
// that draws it and writes it through the session. Generator's members are defined in
// generator.cpp (country, checks, names, places, contacts, the timeline, run), employers.cpp,
// organisations.cpp, job_seekers.cpp, vacancies.cpp, complaints.cpp and
// industrial_relations.cpp.
#pragma once

#include "clmis/database.hpp"
#include "clmis/value.hpp"
#include "demo/demo.hpp"
#include "demo/params.hpp"
#include "demo/random.hpp"

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

// --- what is generated --------------------------------------------------------------------

struct Occupation {
  std::string code, title;
  double weight = 1, female_share = 0.5;
};

struct Workplace {
  std::int64_t id = 0;
  std::string parish, place;
};

struct Employer {
  std::int64_t id = 0;
  std::string name, section, parish, place, status, contact, contact_phone;
  std::int64_t workers = 0;
  std::vector<Workplace> workplaces;
};

/// A trade union the demo made (not deregistered), with the employers that recognise it.
struct Union {
  std::int64_t id = 0;
  std::vector<std::int64_t> employers;
};

struct Step {
  Date date;
  std::string transition;
  Json fields;  // null = none
};

/// A job_seeker or vacancy record and its lifecycle, written on the timeline.
struct Entry {
  const char* type = "";
  Json record;
  Date start{};
  std::vector<Step> steps;
  std::int64_t id = 0, version = 0;
  /// Reference fields filled in when the record is created: field → the index in entries_ of
  /// an entry created before it (an industrial action's dispute).
  std::vector<std::pair<std::string, std::size_t>> refs;
};

struct Person {
  std::string occupation, sex, parish, place, age_group;
  int education = 3, age = 20;
};

class Generator {
 public:
  Generator(const DemoOptions& o, const Params& p, Database& db, Session& s, std::ostream& log);

  DemoSummary run();

 private:
  void read_country();
  void read_and_check_parameters();
  void make_employers();      // employers.cpp
  void make_organisations();  // organisations.cpp
  void make_job_seekers();    // job_seekers.cpp, with job_seeker_lifecycle
  void make_vacancies();      // vacancies.cpp
  void make_complaints();     // complaints.cpp
  void make_disputes();       // industrial_relations.cpp: disputes, then the actions from them,
  void make_industrial_actions();
  void make_redundancies();   // and redundancies
  void summarise_industrial_relations(DemoSummary& sum);
  void write_timeline();
  std::vector<Step> job_seeker_lifecycle(Rng& rng, Date reg, std::string* outcome, Date* closed_on);

  // names, places and contacts
  std::string first_name(Rng& rng, const std::string& sex);
  std::string family_name(Rng& rng);
  std::string parish_draw(Rng& rng) const { return parishes_.draw(rng); }
  std::string place_in(Rng& rng, const std::string& parish);
  std::string phone(Rng& rng, bool mobile);
  std::string address(Rng& rng, const std::string& place);
  std::string fill(std::string pattern, Rng& rng, const std::string& place);
  std::string unique(std::set<std::string>& used, std::string name, Rng& rng, const std::string& place);
  std::map<std::pair<const void*, std::string>, int> next_number_;  ///< unique(): where to search from
  const Occupation& occupation_draw(Rng& rng, const std::string& major);
  std::int64_t round_to(std::int64_t cents, std::int64_t step) const {
    return (cents + step / 2) / step * step;
  }

  const DemoOptions& o_;
  const Params& p_;
  Database& db_;
  Session& s_;
  std::ostream& log_;

  // country
  std::string iso3_, country_name_, short_name_, currency_;
  std::int64_t min_age_ = 14;
  std::string nis_pattern_;
  std::vector<std::pair<std::string, std::string>> parish_labels_;  // code, label in order
  Choice parishes_;                                                 // weights by parish
  std::map<std::string, std::vector<std::string>> places_;
  Json phone_;
  double currency_per_xcd_ = 1;

  // dates
  Date as_of_{}, window_start_{}, month_end_{};

  // names
  std::vector<std::string> female_, male_, family_, c_female_, c_male_, c_family_;
  double country_names_share_ = 0;
  std::vector<std::string> streets_;

  // classifications
  std::map<std::string, Occupation> occupations_;
  std::map<std::string, Choice> unit_groups_by_major_;  // major → unit groups by weight

  // made records
  std::vector<Employer> employers_;
  std::size_t establishments_ = 0, organisations_ = 0;
  std::vector<Entry> entries_;
  std::size_t persons_ = 0, reregistrations_ = 0, vacancies_ = 0, complaints_ = 0;
  std::vector<Union> unions_;
  /// The disputes made: index in entries_, first union, first employer, the day it is closed
  /// (or the day after as_of when it is still open).
  struct DisputeMade {
    std::size_t entry = 0;
    std::int64_t union_id = 0;
    const Employer* employer = nullptr;
    Date reported{}, closed{};
  };
  std::vector<DisputeMade> disputes_;
  std::size_t industrial_actions_ = 0, redundancies_ = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_parish_;  // parish → F, M
};

}  // namespace clmis::demo::detail
