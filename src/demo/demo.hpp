// The demo national database (`clmis demo`): a realistic synthetic register for one country —
// employers with their workplaces, trade unions and employers' organisations, job seekers with
// their education, experience and lifecycle, and vacancies — made through the public C++ API
// only, deterministically from a seed, following the shares of data/demo/parameters.json.
//
// Everything it writes is synthetic: the parameters are plausible values for a small island
// economy, not statistics of any country.
#pragma once

#include "clmis/value.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace clmis::demo {

struct DemoOptions {
  std::string country = "KNA";  ///< ISO 3166-1 alpha-3 of the country profile
  int scale = 1;                ///< every count of data/demo/parameters.json is multiplied by it
  std::uint64_t seed = 1;       ///< same seed (and options) → the same records
  std::string out_dir;          ///< created if missing; the database is <out_dir>/clmis-demo-<iso3>.db
  std::string data_dir;         ///< "" = the pack and profiles embedded in the library
  std::string admin_password;   ///< the administrator's ("admin") password, at least 8 characters
  /// The reference date "YYYY-MM-DD": registrations spread over the three years up to it, and
  /// no status change is dated after it. "" = today in the country's time zone.
  std::string as_of;
  /// The parameters file. "" = <data_dir>/demo/parameters.json when data_dir is given, otherwise
  /// the copy compiled into the program (data/demo/parameters.json at build time).
  std::string parameters_file;
  /// When not empty: one account per role of the pack besides the administrator, named after
  /// the role ("officer", "statistician"...), all with this password and no need to change it
  /// (a demo convenience; real accounts must change their first password). The section roles
  /// (supervisor, officer, data_entry) work in employment_services, the demo's section.
  std::string users_password;
};

/// Job seeker registrations in one parish, by sex.
struct DemoParishRow {
  std::string code;
  std::string label;
  std::int64_t female = 0;
  std::int64_t male = 0;
};

/// Working days not worked in the industrial actions of one ISIC Rev.4 section.
struct DemoSectionDays {
  std::string code;   ///< the section letter ("" for actions without one)
  std::string label;  ///< in English
  std::int64_t actions = 0;  ///< actions with days_not_worked computed (ended)
  std::int64_t days = 0;     ///< the sum of their stored days_not_worked
};

struct DemoSummary {
  std::string path;          ///< the database made
  std::string country;       ///< ISO3
  std::string country_name;  ///< in English
  int scale = 1;
  std::uint64_t seed = 1;
  std::string as_of;         ///< the reference date used
  std::string window_start;  ///< the first possible registration date
  std::string month_end;     ///< the last month end on or before as_of
  /// Records made, per record type, in the order employer, establishment, organisation,
  /// job_seeker, vacancy, complaint, dispute, industrial_action, redundancy.
  std::vector<std::pair<std::string, std::int64_t>> records;
  std::int64_t persons = 0;                          ///< distinct job seekers (people)
  std::int64_t reregistrations = 0;                  ///< job_seeker records of people registering again
  std::vector<DemoParishRow> job_seekers_by_parish;  ///< every job_seeker record, by parish and sex
  Json job_seekers_on_month_end;  ///< Session::status_counts("job_seeker", month_end)["counts"]
  /// The accounts made for users_password: (user name, role, section or "").
  std::vector<std::tuple<std::string, std::string, std::string>> users;
  Json vacancies_on_month_end;    ///< Session::status_counts("vacancy", month_end)["counts"]
  /// Complaints on as_of: the first page of the overdue list (Session::queue, overdue, 5 rows)
  /// and the ageing table (Session::ageing).
  Json complaints_overdue;
  Json complaints_ageing;
  /// One rendered letter written beside the database (Session::letter: the status statement of
  /// the first complaint, HTML), and what it is; "" when there are no complaints.
  std::string letter_path, letter_what;
  /// The indicator package of the year before as_of (issue 17), over a small synthetic survey
  /// series imported beside the records, with disclosure control: the files written (SDMX-CSV
  /// and Excel) and a few yearly values (id, name, value or status).
  std::string indicators_year, indicators_csv, indicators_xlsx;
  std::vector<std::tuple<std::string, std::string, std::string>> indicator_values;
  /// Industrial relations on as_of (issue 16), read back from the stored records: disputes
  /// closed, industrial actions ended and called off, workers affected by the redundancies.
  std::int64_t disputes_closed = 0, actions_ended = 0, actions_called_off = 0, redundancy_workers = 0;
  /// The stored days_not_worked of the industrial actions summed by isic_section, in code order
  /// (actions not ended have none computed yet and are left out).
  std::vector<DemoSectionDays> days_not_worked_by_section;
  /// The sum of the redundancies' stored severance_total, added exactly in minor units
  /// ("123456.78"), its currency, and how many redundancies had one (none where the country's
  /// profile has no severance rule).
  std::string severance_total, severance_currency;
  std::int64_t redundancies_with_severance = 0;
  double seconds = 0;             ///< time taken
};

/// Creates <out_dir>/clmis-demo-<iso3>.db (AlreadyExists if it exists; nothing is touched),
/// fills it through Session::batch, prints progress and the summary to log, and returns the
/// summary. On any failure the half-made database is removed and the error goes on (PackError
/// for a parameters file that does not fit the pack: an unknown code, a class in the wrong
/// section, shares that do not add up).
DemoSummary run_demo(const DemoOptions& options, std::ostream& log);

/// Prints the summary as run_demo does.
void print_demo_summary(const DemoSummary& summary, std::ostream& out);

}  // namespace clmis::demo
