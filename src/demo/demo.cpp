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
//
// The files. demo.cpp (this one): run_demo and the summary. random.hpp: the random draws (Rng,
// Choice, allocate, quota, Deck, DayChoice). params.hpp: the parameters and their checks.
// generator.hpp: what is generated, and the Generator, whose parts are in generator.cpp (country,
// checks, names, places, contacts, the timeline, run), employers.cpp, organisations.cpp,
// job_seekers.cpp, vacancies.cpp, complaints.cpp and industrial_relations.cpp (disputes,
// industrial actions, redundancies). text.hpp: small text helpers.
#include "demo/demo.hpp"

#include "clmis/database.hpp"
#include "clmis/error.hpp"
#include "clmis/value.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "demo/generator.hpp"
#include "demo/params.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <ios>
#include <ostream>
#include <string>
#include <system_error>

namespace clmis::demo {

namespace {

namespace fs = std::filesystem;

using detail::Generator;
using detail::load_parameters;
using detail::Params;

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
    out << "  " << std::left << std::setw(18) << type << std::right << std::setw(8) << n;
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
  if (s.complaints_ageing.is_object()) {
    out << "\nComplaints open on " << s.as_of << ", by days since received (clmis ageing)\n";
    out << "  " << std::left << std::setw(15) << "state" << std::right;
    for (const auto& b : s.complaints_ageing["bands"]) out << std::setw(9) << b.get<std::string>();
    out << std::setw(9) << "total" << "\n";
    for (const auto& r : s.complaints_ageing["rows"]) {
      out << "  " << std::left << std::setw(15) << r["state"].get<std::string>() << std::right;
      for (const auto& b : s.complaints_ageing["bands"]) out << std::setw(9) << r[b.get<std::string>()].get<std::int64_t>();
      out << std::setw(9) << r["total"].get<std::int64_t>() << "\n";
    }
    out << "\nThe most overdue complaint deadlines on " << s.as_of << " (clmis queue --overdue)\n";
    for (const auto& q : s.complaints_overdue["rows"])
      out << "  " << q["due"].get<std::string>() << "  " << std::setw(4) << q["days_overdue"].get<std::int64_t>()
          << " days late  " << (q["number"].is_string() ? q["number"].get<std::string>() : std::string()) << "  "
          << q["deadline"].get<std::string>() << "  (" << q["status"].get<std::string>() << ")\n";
  }
  auto made = [&](const char* type) {
    for (const auto& [t, n] : s.records)
      if (t == type) return n;
    return std::int64_t{0};
  };
  if (made("dispute") + made("industrial_action") + made("redundancy") > 0) {
    out << "\nIndustrial relations, the year up to " << s.as_of << "\n"
        << "  disputes:           " << made("dispute") << " (" << s.disputes_closed << " closed)\n"
        << "  industrial actions: " << made("industrial_action") << " (" << s.actions_ended << " ended, "
        << s.actions_called_off << " called off)\n"
        << "  redundancies:       " << made("redundancy") << " (" << s.redundancy_workers << " workers)\n";
    out << "\nWorking days not worked in industrial actions, by ISIC section (clmis computes them on the "
           "country's calendar)\n";
    std::size_t w = 7;
    for (const auto& r : s.days_not_worked_by_section) w = std::max(w, r.code.size() + 1 + r.label.size());
    out << "  " << std::left << std::setw(static_cast<int>(w)) << "section" << std::right << std::setw(9)
        << "actions" << std::setw(9) << "days" << "\n";
    std::int64_t actions = 0, days = 0;
    for (const auto& r : s.days_not_worked_by_section) {
      out << "  " << std::left << std::setw(static_cast<int>(w)) << (r.code + " " + r.label) << std::right
          << std::setw(9) << r.actions << std::setw(9) << r.days << "\n";
      actions += r.actions, days += r.days;
    }
    out << "  " << std::left << std::setw(static_cast<int>(w)) << "total" << std::right << std::setw(9) << actions
        << std::setw(9) << days << "\n";
    out << "\nTotal severance of the redundancies (clmis computes it by the country's rule): ";
    if (s.redundancies_with_severance > 0)
      out << s.severance_currency << " " << s.severance_total << "\n";
    else
      out << "none (the country's profile has no severance rule)\n";
  }
  if (!s.letter_path.empty())
    out << "\nA letter (clmis letter): " << s.letter_what << "\n  " << s.letter_path << "\n";
  if (!s.indicators_csv.empty()) {
    out << "\nThe indicator package for " << s.indicators_year
        << " (clmis indicators; survey series synthetic, disclosure control applied)\n";
    size_t w = 0;
    for (const auto& [id, name, value] : s.indicator_values) w = std::max(w, id.size() + 2 + name.size());
    for (const auto& [id, name, value] : s.indicator_values)
      out << "  " << std::left << std::setw(static_cast<int>(w)) << (id + "  " + name) << std::right << std::setw(10) << value << "\n";
    out << "  SDMX-CSV: " << s.indicators_csv << "\n  Excel:    " << s.indicators_xlsx << "\n";
  }
  if (!s.users.empty()) {
    out << "\nUsers, one per role (besides admin), all with the demo users' password\n";
    for (const auto& [name, role, section] : s.users)
      out << "  " << std::left << std::setw(16) << name << std::right
          << (section.empty() ? std::string() : "section " + section) << "\n";
  }
  out << "\nMade in " << std::fixed << std::setprecision(1) << s.seconds << " s.\n";
  out.unsetf(std::ios::fixed);
}


/// The indicator package of the year before the reference date: a small synthetic survey
/// series for the country (levels in thousands, shaped like a small island's labour force and
/// scaled with the demo; not statistics) imported as the statistics office's, then every
/// indicator computed for the year by quarter with disclosure control and written beside the
/// database as SDMX-CSV and Excel.
static void package(Session& s, Database& db, const DemoOptions& o, const std::string& iso3, DemoSummary& sum) {
  const std::string year = std::to_string(std::stoi(sum.as_of.substr(0, 4)) - 1);
  // Working-age population, labour force, employed, unemployed, employees, time-related
  // underemployed and the potential labour force (thousands at scale 1), men's share 52 %;
  // youth (15-24) a fifth of each, two fifths of the unemployed (twice the overall rate), and
  // the rest 25 and over. The last two have no age breakdown (as in many small surveys).
  struct Level { const char* code; double total; bool ages; };
  const Level levels[] = {{"POP_XWAP_SEX_AGE_NB", 38.0, true}, {"EAP_TEAP_SEX_AGE_NB", 26.0, true},
                          {"EMP_TEMP_SEX_AGE_NB", 23.4, true}, {"UNE_TUNE_SEX_AGE_NB", 2.6, true},
                          {"EES_TEES_SEX_AGE_NB", 18.2, true}, {"TRU_TTRU_SEX_AGE_NB", 1.1, false},
                          {"EIP_WPLF_SEX_AGE_NB", 1.3, false}};
  std::string csv = "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n";
  auto thousands = [](long long units) {  // exact: units are people; three decimals of thousands
    return std::to_string(units / 1000) + "." + (std::to_string(1000 + units % 1000)).substr(1);
  };
  for (const auto& l : levels) {
    const long long total = static_cast<long long>(l.total * 1000) * o.scale;
    const long long men = total * 52 / 100;
    const long long youth = std::string(l.code) == "UNE_TUNE_SEX_AGE_NB" ? total * 2 / 5 : total / 5;
    for (const auto& [sex, v] : {std::pair{"SEX_T", total}, {"SEX_M", men}, {"SEX_F", total - men}})
      csv += iso3 + ",DEMO," + std::string(l.code) + "," + sex + ",AGE_YTHADULT_YGE15,," + year + "," + thousands(v) + ",,,,\n";
    if (!l.ages) continue;
    csv += iso3 + ",DEMO," + std::string(l.code) + ",SEX_T,AGE_YTHADULT_Y15-24,," + year + "," + thousands(youth) + ",,,,\n";
    csv += iso3 + ",DEMO," + std::string(l.code) + ",SEX_T,AGE_YTHADULT_YGE25,," + year + "," + thousands(total - youth) + ",,,,\n";
  }
  (void)s.series_import(csv, Json{{"format", "ilostat"}, {"agency", "NSO"}, {"name", "synthetic labour force survey"}});
  const Json spec = {{"period", year}, {"freq", "quarter"}, {"protect", true}};
  const std::string stem = (fs::path(o.out_dir) / ("clmis-demo-" + clmis::detail::ascii_lower(iso3) + "-indicators-" + year)).string();
  for (const char* format : {"sdmx-csv", "xlsx"}) {
    Json e = spec;
    e["format"] = format;
    const std::string bytes = s.indicators_export(e);
    const std::string file = stem + (std::string(format) == "xlsx" ? ".xlsx" : ".csv");
    clmis::detail::OutputFile f(file, db.files(), true);
    f.stream() << bytes;
    f.commit();
    (std::string(format) == "xlsx" ? sum.indicators_xlsx : sum.indicators_csv) = file;
  }
  sum.indicators_year = year;
  const Json names = s.indicators_list();
  const Json y = s.indicators(Json{{"period", year}, {"protect", true}});
  for (const auto& ob : y["observations"]) {  // no "by": every one is a total (A10's at ages 15-24)
    std::string name;
    for (const auto& d : names["indicators"])
      if (d["id"] == ob["indicator"]) name = d["name"];
    sum.indicator_values.emplace_back(ob["indicator"], name,
                                      ob["value"].is_null() ? "(" + ob["status"].get<std::string>() + ")" : ob["value"].get<std::string>());
  }
}
DemoSummary run_demo(const DemoOptions& o, std::ostream& log) {
  if (o.scale < 1 || o.scale > 1000) throw Misuse("demo: scale must be between 1 and 1000");
  if (o.out_dir.empty()) throw Misuse("demo: an output directory is required");
  if (!o.as_of.empty() && !parse_date(o.as_of))
    throw ValidationError("demo: as_of is not a date YYYY-MM-DD: " + o.as_of);
  const std::string iso3 = clmis::detail::ascii_upper(o.country);
  const std::string path =
      (fs::path(o.out_dir) / ("clmis-demo-" + clmis::detail::ascii_lower(iso3) + ".db")).string();
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
        if (role.value("agency", false)) spec["agency"] = "NSO";  // a partner agency's user: the statistics office
        s.user_create(spec);
        sum.users.emplace_back(name, name, sectioned ? "employment_services" : "");
      }
    if (sum.records.size() > 5 && sum.records[5].second > 0) {
      // One letter, rendered and stored with its complaint, written beside the database.
      const Json letter = s.letter("complaint", 1, "complaint.status_statement", "", "html");
      sum.letter_path = (fs::path(o.out_dir) / ("clmis-demo-" + clmis::detail::ascii_lower(iso3) +
                                                "-letter-complaint-1.html")).string();
      clmis::detail::OutputFile f(sum.letter_path, db.files(), true);
      f.stream() << letter["content"].get<std::string>();
      f.commit();
      sum.letter_what = "complaint.status_statement of complaint 1 (" + letter["lang"].get<std::string>() +
                        ", stored as document " + std::to_string(letter["document_id"].get<std::int64_t>()) + ")";
    }
    package(s, db, o, iso3, sum);
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
