// The demo national database: see demo.hpp. Uses only the public C++ API (clmis/*.hpp).
//
// How it works. Everything is first drawn in memory from data/demo/parameters.json, then written
// in two Session::batch calls: the registers (employers with workplaces, organisations), then a
// timeline of every job-seeker and vacancy event (registration, activation, inactivity, closing)
// in date order, so registration numbers and the change feed follow the calendar.
//
// Shares that the parameters give for a whole population (employers by ISIC section, job seekers
// by ISCO major group, sex, age group, education, parish) are allocated exactly by largest
// remainder and then shuffled, so every count is within one record of share × n; the rest
// (classes inside a section, lifecycles, names...) is drawn at random. The random numbers are
// std::mt19937_64 (whose output the standard fixes) with our own integer and choice helpers —
// the standard distributions differ between libraries — and no transcendental functions, so the
// same seed gives the same database everywhere.
#include "demo/demo.hpp"

#include "clmis/database.hpp"
#include "clmis/error.hpp"
#include "core/dates.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#if defined(__has_include)
#if __has_include("demo_parameters.inc")
#define CLMIS_DEMO_HAS_EMBEDDED_PARAMETERS 1
#endif
#endif

namespace clmis::demo {

namespace {

namespace fs = std::filesystem;

#ifdef CLMIS_DEMO_HAS_EMBEDDED_PARAMETERS
// data/demo/parameters.json as a raw string literal, written by CMake at configure time.
const char* const kEmbeddedParameters =
#include "demo_parameters.inc"
    ;
#else
const char* const kEmbeddedParameters = nullptr;
#endif

// --- deterministic random numbers ---------------------------------------------------------

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

/// One stream of random numbers per part of the generation, so that changing one part (say, the
/// organisations) leaves the others as they were.
class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream) : g_(mix(seed ^ fnv1a(stream))) {}

  std::uint64_t next() { return g_(); }

  /// Uniform integer in [lo, hi] (rejection sampling: no modulo bias, same on every platform).
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    const std::uint64_t rem = (UINT64_MAX % range + 1) % range;  // 2^64 mod range
    std::uint64_t x = next();
    while (rem != 0 && x > UINT64_MAX - rem) x = next();
    return lo + static_cast<std::int64_t>(x % range);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return unit() < p; }

  template <class T>
  const T& pick(const std::vector<T>& v) {
    if (v.empty()) throw PackError("demo parameters: an empty list where values are needed");
    return v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(i) - 1))]);
  }

 private:
  std::mt19937_64 g_;
};

/// A categorical distribution: keys with weights.
struct Choice {
  std::vector<std::string> keys;
  std::vector<double> weights;
  std::vector<double> cum;

  void add(std::string key, double w) {
    keys.push_back(std::move(key));
    weights.push_back(w);
    cum.push_back((cum.empty() ? 0.0 : cum.back()) + w);
  }
  [[nodiscard]] double total() const { return cum.empty() ? 0.0 : cum.back(); }
  const std::string& draw(Rng& rng) const {
    const double u = rng.unit() * total();
    const auto it = std::upper_bound(cum.begin(), cum.end(), u);
    std::size_t i = static_cast<std::size_t>(it - cum.begin());
    if (i >= keys.size()) i = keys.size() - 1;
    while (weights[i] <= 0 && i > 0) --i;  // never a key of weight 0
    return keys[i];
  }
};

/// Counts that add up to n, each within one of weight/total × n (largest remainder; ties go to
/// the earlier key).
std::vector<std::size_t> allocate(const std::vector<double>& weights, std::size_t n) {
  double total = 0;
  for (double w : weights) total += w;
  std::vector<std::size_t> counts(weights.size(), 0);
  if (total <= 0 || n == 0) return counts;
  std::vector<std::pair<double, std::size_t>> rest;
  std::size_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = weights[i] / total * static_cast<double>(n);
    counts[i] = static_cast<std::size_t>(std::floor(exact));
    given += counts[i];
    rest.emplace_back(exact - static_cast<double>(counts[i]), i);
  }
  std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < n && k < rest.size(); ++k, ++given) ++counts[rest[k].second];
  return counts;
}

/// n keys following the choice's shares exactly (allocate), in random order.
std::vector<std::string> quota(const Choice& c, std::size_t n, Rng& rng) {
  const auto counts = allocate(c.weights, n);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < counts.size(); ++i) out.insert(out.end(), counts[i], c.keys[i]);
  rng.shuffle(out);
  return out;
}

/// Draws without replacement from a list, reshuffling it when it runs out: names made from
/// patterns repeat only after every pattern has been used.
class Deck {
 public:
  const std::string& draw(const std::string& key, const std::vector<std::string>& items, Rng& rng) {
    auto& d = decks_[key];
    if (d.empty()) {
      d = items;
      rng.shuffle(d);
    }
    last_ = d.back();
    d.pop_back();
    return last_;
  }

 private:
  std::map<std::string, std::vector<std::string>> decks_;
  std::string last_;
};

// --- dates (core/dates.hpp) -----------------------------------------------------------------

using detail::days_between;
using detail::last_month_end;
using detail::month_of;
using detail::plus_days;
using detail::year_of;
using detail::years_before;

/// Days of [from, to] weighted by calendar month (weights[0] = January).
struct DayChoice {
  std::vector<Date> days;
  std::vector<double> cum;
  DayChoice(Date from, Date to, const std::vector<double>& month_weights) {
    double c = 0;
    for (Date d = from; d <= to; d = plus_days(d, 1)) {
      days.push_back(d);
      c += month_weights.at(month_of(d) - 1);
      cum.push_back(c);
    }
  }
  Date draw(Rng& rng) const {
    const double u = rng.unit() * cum.back();
    auto i = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
    return days[std::min(i, days.size() - 1)];
  }
};

// --- text helpers -------------------------------------------------------------------------

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

/// Lower-case ASCII letters and digits only (for e-mail addresses).
std::string slug(const std::string& s, std::size_t max = 24) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max) break;
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += static_cast<char>(c);
  }
  return out.empty() ? "x" : out;
}

std::string money_text(std::int64_t cents) {
  std::ostringstream o;
  o << cents / 100 << '.' << std::setw(2) << std::setfill('0') << cents % 100;
  return o.str();
}

// --- the parameters -----------------------------------------------------------------------

struct Band {
  std::int64_t from = 0, to = 0;
};

class Params {
 public:
  Params(Json j, std::string origin) : j_(std::move(j)), origin_(std::move(origin)) {}

  [[nodiscard]] const std::string& origin() const { return origin_; }

  /// The member at a dotted path ("job_seekers.sex.shares"); PackError if missing.
  const Json& at(const std::string& path) const {
    const Json* cur = &j_;
    std::size_t start = 0;
    for (;;) {
      const auto dot = path.find('.', start);
      const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!cur->is_object() || !cur->contains(key)) fail(path, "is missing");
      cur = &(*cur)[key];
      if (dot == std::string::npos) return *cur;
      start = dot + 1;
    }
  }
  [[nodiscard]] bool has(const std::string& path) const {
    const Json* cur = &j_;
    std::size_t start = 0;
    for (;;) {
      const auto dot = path.find('.', start);
      const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!cur->is_object() || !cur->contains(key)) return false;
      cur = &(*cur)[key];
      if (dot == std::string::npos) return true;
      start = dot + 1;
    }
  }
  double number(const std::string& path) const {
    const Json& v = at(path);
    if (!v.is_number()) fail(path, "is not a number");
    return v.get<double>();
  }
  std::int64_t integer(const std::string& path) const {
    const Json& v = at(path);
    if (!v.is_number_integer()) fail(path, "is not an integer");
    return v.get<std::int64_t>();
  }
  /// A probability in [0, 1].
  double probability(const std::string& path) const {
    const double p = number(path);
    if (!(p >= 0 && p <= 1)) fail(path, "is not between 0 and 1");
    return p;
  }
  std::vector<std::string> strings(const std::string& path) const { return strings_of(at(path), path); }
  std::vector<std::string> strings_of(const Json& v, const std::string& path) const {
    if (!v.is_array() || v.empty()) fail(path, "is not a non-empty list of strings");
    std::vector<std::string> out;
    for (const auto& s : v) {
      if (!s.is_string()) fail(path, "is not a non-empty list of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  /// {"key": weight, ...} (a "reason" or "source" member is documentation and skipped); the
  /// weights must be ≥ 0 with a positive total; "shares" must add up to 1 (± 0.001).
  Choice choice_of(const Json& obj, const std::string& path, bool shares = true) const {
    if (!obj.is_object()) fail(path, "is not an object of weights");
    Choice c;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (it.key() == "reason" || it.key() == "source") continue;
      if (!it->is_number() || it->get<double>() < 0) fail(path + "." + it.key(), "is not a weight ≥ 0");
      c.add(it.key(), it->get<double>());
    }
    if (c.keys.empty() || c.total() <= 0) fail(path, "has no positive weight");
    if (shares && std::abs(c.total() - 1.0) > 0.001)
      fail(path, "adds up to " + std::to_string(c.total()) + ", not 1");
    return c;
  }
  Choice choice(const std::string& path, bool shares = true) const {
    return choice_of(at(path), path, shares);
  }
  /// [{"from", "to", "share"}] → a choice over band indices.
  std::vector<Band> bands(const std::string& path, Choice& c) const {
    const Json& v = at(path);
    if (!v.is_array() || v.empty()) fail(path, "is not a list of bands");
    std::vector<Band> out;
    for (const auto& b : v) {
      if (!b.is_object() || !b.contains("from") || !b.contains("to") || !b.contains("share") ||
          !b["from"].is_number_integer() || !b["to"].is_number_integer() || !b["share"].is_number())
        fail(path, "has a band without integer from, to and a share");
      Band x{b["from"].get<std::int64_t>(), b["to"].get<std::int64_t>()};
      if (x.to < x.from) fail(path, "has a band whose to is below its from");
      c.add(std::to_string(out.size()), b["share"].get<double>());
      out.push_back(x);
    }
    if (std::abs(c.total() - 1.0) > 0.001)
      fail(path, "shares add up to " + std::to_string(c.total()) + ", not 1");
    return out;
  }
  /// [lo, hi] of integers.
  Band range(const std::string& path) const {
    const Json& v = at(path);
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
        v[1].get<double>() < v[0].get<double>())
      fail(path, "is not a range [low, high]");
    return Band{static_cast<std::int64_t>(v[0].get<double>()), static_cast<std::int64_t>(v[1].get<double>())};
  }
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw PackError("demo parameters (" + origin_ + "): " + path + " " + what);
  }

 private:
  Json j_;
  std::string origin_;
};

Params load_parameters(const DemoOptions& o) {
  std::string file = o.parameters_file;
  if (file.empty() && !o.data_dir.empty())
    file = (fs::path(o.data_dir) / "demo" / "parameters.json").string();
  std::string text, origin;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw NotFound("cannot read the demo parameters " + file);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    origin = file;
  } else if (kEmbeddedParameters) {
    text = kEmbeddedParameters;
    origin = "data/demo/parameters.json (built in)";
  } else {
    throw NotFound(
        "no demo parameters: this program was built without data/demo/parameters.json; "
        "give the parameters file or a data directory");
  }
  try {
    return Params(Json::parse(text), origin);
  } catch (const Json::parse_error& e) {
    throw PackError("demo parameters (" + origin + ") are not valid JSON: " + e.what());
  }
}

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
};

struct Person {
  std::string occupation, sex, parish, place, age_group;
  int education = 3, age = 20;
};

class Generator {
 public:
  Generator(const DemoOptions& o, const Params& p, Database& db, Session& s, std::ostream& log)
      : o_(o), p_(p), db_(db), s_(s), log_(log) {}

  DemoSummary run();

 private:
  void read_country();
  void read_and_check_parameters();
  void make_registers();
  void make_employers();
  void make_organisations();
  void make_job_seekers();
  void make_vacancies();
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
  std::size_t persons_ = 0, reregistrations_ = 0, vacancies_ = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_parish_;  // parish → F, M
};

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
  for (int n = 2;; ++n) {
    std::string numbered = name + " " + std::to_string(n);
    if (used.insert(numbered).second) return numbered;
  }
}

const Occupation& Generator::occupation_draw(Rng& rng, const std::string& major) {
  return occupations_.at(unit_groups_by_major_.at(major).draw(rng));
}

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
      std::string no;
      do no = "C" + std::to_string(rng.between(10000, 99999));
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
    if (kind == "trade_union" && st == "recognised" && !bargaining.empty()) {
      Json recs = Json::array();
      std::set<std::int64_t> seen;
      const auto k = rng.between(recognitions.from, recognitions.to);
      for (std::int64_t j = 0; j < k; ++j) {
        const Employer* e = rng.pick(bargaining);
        if (!seen.insert(e->id).second) continue;
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
    s_.create("organisation", r);
    ++organisations_;
  }
}

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
  Json a2 = audit;
  a2["part"] = "job seekers and vacancies with their lifecycles";
  s_.batch([&] { write_timeline(); }, a2);
  log_ << "  " << persons_ << " job seekers (" << reregistrations_ << " registered again), " << vacancies_
       << " vacancies, with their lifecycles\n";

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
                 {"vacancy", static_cast<std::int64_t>(vacancies_)}};
  sum.persons = static_cast<std::int64_t>(persons_);
  sum.reregistrations = static_cast<std::int64_t>(reregistrations_);
  for (const auto& [code, label] : parish_labels_) {
    const auto it = by_parish_.find(code);
    sum.job_seekers_by_parish.push_back({code, label, it == by_parish_.end() ? 0 : it->second.first,
                                         it == by_parish_.end() ? 0 : it->second.second});
  }
  sum.job_seekers_on_month_end = s_.status_counts("job_seeker", sum.month_end)["counts"];
  sum.vacancies_on_month_end = s_.status_counts("vacancy", sum.month_end)["counts"];
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

void remove_database_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".key"}) fs::remove(path + suffix, ec);
}

}  // namespace

void print_demo_summary(const DemoSummary& s, std::ostream& out) {
  out << "\nDemo national database for " << s.country_name << " (" << s.country
      << ")  —  synthetic data, not statistics\n"
      << "  " << s.path << "\n"
      << "  scale " << s.scale << ", seed " << s.seed << ", registrations " << s.window_start << " to "
      << s.as_of << "\n\n"
      << "Records\n";
  for (const auto& [type, n] : s.records) {
    out << "  " << std::left << std::setw(15) << type << std::right << std::setw(8) << n;
    if (type == "job_seeker")
      out << "  (" << s.persons << " people; " << s.reregistrations << " registered again after closing)";
    out << "\n";
  }
  out << "\nJob seeker registrations by parish and sex\n";
  std::size_t width = 6;
  for (const auto& r : s.job_seekers_by_parish) width = std::max(width, r.code.size() + 1 + r.label.size());
  out << "  " << std::left << std::setw(static_cast<int>(width)) << "parish" << std::right << std::setw(8)
      << "women" << std::setw(8) << "men" << std::setw(8) << "total"
      << "\n";
  std::int64_t f = 0, m = 0;
  for (const auto& r : s.job_seekers_by_parish) {
    // setw counts bytes: pad by hand for labels with accents (Soufrière).
    std::string name = r.code + " " + r.label;
    std::size_t chars = 0;
    for (unsigned char c : name) chars += (c & 0xC0) != 0x80;
    out << "  " << name << std::string(width > chars ? width - chars : 0, ' ') << std::setw(8) << r.female
        << std::setw(8) << r.male << std::setw(8) << r.female + r.male << "\n";
    f += r.female, m += r.male;
  }
  out << "  " << std::left << std::setw(static_cast<int>(width)) << "total" << std::right << std::setw(8) << f
      << std::setw(8) << m << std::setw(8) << f + m << "\n";
  auto counts = [&](const Json& c) {
    std::string line;
    for (auto it = c.begin(); it != c.end(); ++it)
      line += (line.empty() ? "" : ", ") + it.key() + " " + std::to_string(it->get<std::int64_t>());
    return line;
  };
  out << "\nOn " << s.month_end << " (the last month end)\n"
      << "  job seekers: " << counts(s.job_seekers_on_month_end) << "\n"
      << "  vacancies:   " << counts(s.vacancies_on_month_end) << "\n";
  if (!s.users.empty()) {
    out << "\nUsers, one per role (besides admin), all with the demo users' password\n";
    for (const auto& [name, role, section] : s.users)
      out << "  " << std::left << std::setw(16) << name << std::right
          << (section.empty() ? std::string() : "section " + section) << "\n";
  }
  out << "\nMade in " << std::fixed << std::setprecision(1) << s.seconds << " s.\n";
  out.unsetf(std::ios::fixed);
}

DemoSummary run_demo(const DemoOptions& o, std::ostream& log) {
  if (o.scale < 1 || o.scale > 1000) throw Misuse("demo: scale must be between 1 and 1000");
  if (o.out_dir.empty()) throw Misuse("demo: an output directory is required");
  if (!o.as_of.empty() && !parse_date(o.as_of))
    throw ValidationError("demo: as_of is not a date YYYY-MM-DD: " + o.as_of);
  std::string iso3;
  for (char c : o.country) iso3 += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  std::string lower;
  for (char c : iso3) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const std::string path = (fs::path(o.out_dir) / ("clmis-demo-" + lower + ".db")).string();
  if (fs::exists(path))
    throw AlreadyExists("the demo database " + path + " exists; remove it or choose another --out");
  const Params params = load_parameters(o);  // before anything is created
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) throw StorageError("cannot create the directory " + o.out_dir + ": " + ec.message());

  InitOptions init;
  init.country = iso3;
  init.admin_password = o.admin_password;
  init.data_dir = o.data_dir;
  Database db = Database::init(path, init);
  try {
    Session s = db.login("admin", o.admin_password);
    Generator g(o, params, db, s, log);
    DemoSummary sum = g.run();
    const Json schema = s.schema();  // kept: a range-for over a temporary's member dangles
    if (!o.users_password.empty())
      for (const auto& role : schema["roles"]) {
        const std::string name = role["name"];
        if (name == "administrator") continue;
        const bool sectioned = name == "supervisor" || name == "officer" || name == "data_entry";
        Json spec = {{"name", name}, {"password", o.users_password}, {"roles", {name}},
                     {"must_change_password", false}};
        if (sectioned) spec["section"] = "employment_services";
        s.user_create(spec);
        sum.users.emplace_back(name, name, sectioned ? "employment_services" : "");
      }
    print_demo_summary(sum, log);
    return sum;
  } catch (...) {
    // Leave nothing half made; every failure leaves as a clmis::Error.
    db.close();
    remove_database_files(path);
    try {
      throw;
    } catch (const Error&) {
      throw;
    } catch (const Json::exception& e) {
      throw PackError("demo parameters (" + params.origin() + "): a value of the wrong type: " + e.what());
    } catch (const std::exception& e) {
      throw Error(Errc::generic, std::string("demo: ") + e.what());
    }
  }
}

}  // namespace clmis::demo
