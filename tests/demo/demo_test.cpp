// The demo national database (src/cli/demo.cpp, `clmis demo`): made at scale 1 with a fixed seed
// and reference date, then checked by plain SQL on a separate SQLite connection (an independent
// path: none of the checks goes through the library) against data/demo/parameters.json.
#include <catch2/catch.hpp>

#include "demo/demo.hpp"
#include "support.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <date/date.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using clmis::Json;

namespace {

const std::string kParameters = CLMIS_SOURCE_DIR "/data/demo/parameters.json";
const std::string kAsOf = "2025-06-30";  // a month end: the summary's month end is the same day

using Rows = std::vector<std::vector<std::string>>;

/// Every row of a query, as text (NULL as ""), on a separate read-only connection.
Rows rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot open " + path);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    const std::string m = sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    throw std::runtime_error("SQL: " + m + "\n" + sql);
  }
  Rows out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i)
      row.emplace_back(sqlite3_column_type(s, i) == SQLITE_NULL
                           ? ""
                           : reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
    out.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return out;
}

std::int64_t count(const std::string& path, const std::string& sql) {
  return std::stoll(test::raw_scalar(path, sql));
}

std::map<std::string, std::int64_t> counts_by_key(const std::string& path, const std::string& sql) {
  std::map<std::string, std::int64_t> m;
  for (const auto& r : rows(path, sql)) m[r[0]] = std::stoll(r[1]);
  return m;
}

Json parameters() {
  std::ifstream in(kParameters);
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

/// The shares of a population of n against the parameters.
///
/// Tolerance: the generator allocates these populations exactly (largest remainder, then shuffles
/// who gets what), so each count is within one record of share × n — 0.2 percentage points of the
/// 500 employers, 0.02 of the 5,000 job seekers. The test holds it to that. Independent random
/// draws would need a binomial 4-sigma bound of about 7 points for the 22 % of employers in
/// trade (section G) at n = 500, too loose to notice a class filed under the wrong section.
void check_shares(const std::string& what, const Json& shares, const std::map<std::string, std::int64_t>& got,
                  std::int64_t n) {
  double total = 0;
  for (auto it = shares.begin(); it != shares.end(); ++it) total += it->get<double>();
  std::int64_t sum = 0;
  for (const auto& [k, c] : got) sum += c;
  INFO(what);
  CHECK(sum == n);
  std::map<std::string, double> expected;
  for (auto it = shares.begin(); it != shares.end(); ++it)
    expected[it.key()] = it->get<double>() / total * static_cast<double>(n);
  for (const auto& [k, c] : got)
    if (!expected.count(k)) expected[k] = 0;  // a group the parameters do not have: must be empty
  for (const auto& [k, e] : expected) {
    const auto it = got.find(k);
    const std::int64_t c = it == got.end() ? 0 : it->second;
    INFO(k << ": " << c << " records, expected " << e);
    CHECK(std::abs(static_cast<double>(c) - e) < 1.0 + 1e-9);
  }
}

/// Employers by ISIC section: class → group → division → section through the code table.
const char* const kEmployersBySection = R"(
  SELECT c1.code, count(*) FROM employer e
  JOIN clmis_code c4 ON c4.list = 'isic4' AND c4.code = e.isic_class AND c4.level = 4
  JOIN clmis_code c3 ON c3.list = 'isic4' AND c3.code = c4.parent
  JOIN clmis_code c2 ON c2.list = 'isic4' AND c2.code = c3.parent
  JOIN clmis_code c1 ON c1.list = 'isic4' AND c1.code = c2.parent AND c1.level = 1
  WHERE e.archived = 0 GROUP BY c1.code)";

/// People (a re-registration has the NIS number of an earlier record) and their first desired
/// occupation.
const char* const kPersons = R"(
  WITH person AS (
    SELECT j.* FROM job_seeker j WHERE j.archived = 0 AND (j.nis_number IS NULL OR NOT EXISTS (
      SELECT 1 FROM job_seeker e WHERE e.nis_number = j.nis_number AND e.id < j.id))),
  sought AS (
    SELECT d.parent_id, d.occupation FROM job_seeker__desired_occupations d
    WHERE d.item_no = (SELECT min(x.item_no) FROM job_seeker__desired_occupations x WHERE x.parent_id = d.parent_id)))";

const char* const kPersonsByMajorGroup = R"(
  SELECT c1.code, count(*) FROM person p JOIN sought s ON s.parent_id = p.id
  JOIN clmis_code c4 ON c4.list = 'isco08' AND c4.code = s.occupation AND c4.level = 4
  JOIN clmis_code c3 ON c3.list = 'isco08' AND c3.code = c4.parent
  JOIN clmis_code c2 ON c2.list = 'isco08' AND c2.code = c3.parent
  JOIN clmis_code c1 ON c1.list = 'isco08' AND c1.code = c2.parent AND c1.level = 1
  GROUP BY c1.code)";

/// Status of every record of type on date from the status history alone (the view
/// clmis_status_history an analyst reads: the last row on or before the date in the order
/// written, the history being in date order as checked below).
std::map<std::string, std::int64_t> status_from_history(const std::string& path, const std::string& type,
                                                        const std::string& date) {
  return counts_by_key(path,
                       "SELECT st, count(*) FROM (SELECT (SELECT h.status FROM clmis_status_history h "
                       "WHERE h.record_type = '" +
                           type +
                           "' AND h.record_id = r.id "
                           "AND h.effective_date <= '" +
                           date +
                           "' ORDER BY h.n DESC LIMIT 1) AS st "
                           "FROM " +
                           type + " r WHERE r.archived = 0) WHERE st IS NOT NULL GROUP BY st");
}

/// Status history rows of a type that are out of date order, are not numbered 0, 1, 2... in the
/// order written, or have an initial row anywhere but first.
std::int64_t broken_history(const std::string& path, const std::string& type) {
  return count(path,
               "SELECT count(*) FROM (SELECT event, effective_date, n, "
               "lag(effective_date) OVER w AS prev_date, row_number() OVER w AS k "
               "FROM clmis_status_history WHERE record_type = '" +
                   type +
                   "' WINDOW w AS (PARTITION BY record_id ORDER BY seq)) "
                   "WHERE prev_date > effective_date OR (k = 1) <> (event = 'initial') OR n <> k - 1");
}

/// SHA-256 of every record table and child-section table (all columns but the created_at and
/// updated_at timestamps, by id) and of the status history rows (without their timestamps).
[[maybe_unused]] std::string record_tables_hash(const std::string& path) {  // unused under the sanitizers
  REQUIRE(sodium_init() >= 0);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  auto feed = [&](const std::string& s) {
    const std::string framed = std::to_string(s.size()) + ":" + s;
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(framed.data()), framed.size());
  };
  const auto tables =
      rows(path,
           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'clmis\\_%' ESCAPE '\\' "
           "AND name <> 'sqlite_sequence' ORDER BY name");
  REQUIRE(tables.size() >= 5);
  for (const auto& t : tables) {
    std::string cols;
    for (const auto& c : rows(path, "SELECT name FROM pragma_table_info('" + t[0] + "') ORDER BY cid"))
      if (c[0] != "created_at" && c[0] != "updated_at")
        cols += (cols.empty() ? "" : ", ") + ("quote(\"" + c[0] + "\")");
    feed("table " + t[0]);
    for (const auto& r : rows(path, "SELECT " + cols + " FROM \"" + t[0] + "\" ORDER BY id"))
      for (const auto& v : r) feed(v);
  }
  feed("history");
  for (const auto& r :
       rows(path,
            "SELECT record_type, record_id, n, event, status, effective_date, detail "
            "FROM clmis_status_history ORDER BY seq, record_type, record_id, n"))
    for (const auto& v : r) feed(v);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

clmis::demo::DemoOptions options(const test::TempDir& dir, const std::string& sub, std::uint64_t seed) {
  clmis::demo::DemoOptions o;
  o.country = "KNA";
  o.scale = 1;
  o.seed = seed;
  o.out_dir = dir.file(sub);
  o.admin_password = test::kPassword;
  o.as_of = kAsOf;
  o.parameters_file = kParameters;
  return o;
}

}  // namespace

TEST_CASE("Demo: a scale-1 national database follows the parameters file, in order, reproducibly", "[demo]") {
  const Json p = parameters();
  test::TempDir dir;
  std::ostringstream log;
  const auto summary = clmis::demo::run_demo(options(dir, "a", 20250630), log);
  const std::string db = summary.path;
  INFO(log.str());
  CHECK(db == dir.file("a") + "/clmis-demo-kna.db");
  CHECK(summary.as_of == kAsOf);
  CHECK(summary.month_end == kAsOf);
  CHECK(summary.window_start == "2022-07-01");

  // Counts at scale 1.
  const auto& n = p["counts_at_scale_1"];
  CHECK(count(db, "SELECT count(*) FROM employer") >= 500);
  CHECK(count(db, "SELECT count(*) FROM employer") == n["employers"].get<std::int64_t>());
  CHECK(count(db,
              "SELECT count(*) FROM employer e WHERE NOT EXISTS (SELECT 1 FROM establishment s WHERE "
              "s.employer = e.id)") == 0);
  CHECK(count(db, "SELECT count(*) FROM establishment") >= 500);
  CHECK(count(db, "SELECT count(*) FROM organisation") >= 50);
  CHECK(count(db, "SELECT count(*) FROM job_seeker") >= 5000);
  CHECK(count(db, std::string(kPersons) + " SELECT count(*) FROM person") ==
        n["job_seekers"].get<std::int64_t>());
  CHECK(count(db, "SELECT count(*) FROM vacancy") >= 1000);
  for (const auto& [type, made] : summary.records) CHECK(count(db, "SELECT count(*) FROM " + type) == made);
  // Some people registered again after closing; never two open registrations for one NIS number.
  CHECK(count(db, "SELECT count(*) FROM job_seeker") - n["job_seekers"].get<std::int64_t>() ==
        summary.reregistrations);
  CHECK(summary.reregistrations > 0);
  CHECK(count(db,
              "SELECT count(*) FROM (SELECT nis_number FROM job_seeker WHERE status <> 'closed' "
              "AND nis_number IS NOT NULL GROUP BY nis_number HAVING count(*) > 1)") == 0);
  CHECK(count(db,
              "SELECT count(*) FROM job_seeker WHERE nis_number IS NOT NULL AND "
              "(length(nis_number) > 12 OR nis_number GLOB '*[^0-9]*')") == 0);  // KNA: ^[0-9]{1,12}$
  // Nobody under the minimum working age (14 in the KNA profile) on the registration date.
  CHECK(count(db,
              "SELECT count(*) FROM clmis_view_job_seeker WHERE date(date_of_birth, '+14 years') > registration_date") ==
        0);
  // Every parish of the country is used, and only those.
  CHECK(count(db, "SELECT count(DISTINCT parish) FROM job_seeker") == 14);
  CHECK(count(db,
              "SELECT count(*) FROM job_seeker WHERE parish NOT IN "
              "(SELECT code FROM clmis_code WHERE list = 'parish')") == 0);

  // Shares against the parameters file.
  {
    Json shares = Json::object();
    for (auto it = p["employers"]["sections"].begin(); it != p["employers"]["sections"].end(); ++it)
      shares[it.key()] = (*it)["share"];
    check_shares("employers by ISIC section", shares, counts_by_key(db, kEmployersBySection),
                 n["employers"].get<std::int64_t>());
  }
  check_shares("job seekers (people) by ISCO-08 major group of the occupation sought",
               p["job_seekers"]["by_isco_major_group"]["shares"],
               counts_by_key(db, std::string(kPersons) + kPersonsByMajorGroup),
               n["job_seekers"].get<std::int64_t>());
  check_shares("job seekers (people) by sex", p["job_seekers"]["sex"]["shares"],
               counts_by_key(db, std::string(kPersons) + " SELECT sex, count(*) FROM person GROUP BY sex"),
               n["job_seekers"].get<std::int64_t>());
  check_shares(
      "job seekers (people) by highest ISCED level", p["job_seekers"]["education"]["shares"],
      counts_by_key(
          db, std::string(kPersons) +
                  " SELECT (SELECT max(CAST(e.isced_level AS INTEGER)) FROM "
                  "job_seeker__education e WHERE e.parent_id = p.id), count(*) FROM person p GROUP BY 1"),
      n["job_seekers"].get<std::int64_t>());
  check_shares("organisations by kind", p["organisations"]["kinds"]["shares"],
               counts_by_key(db, "SELECT kind, count(*) FROM organisation GROUP BY kind"),
               n["organisations"].get<std::int64_t>());

  // Lifecycles: history in date order and chained, starting on the registration date, ending in
  // the status the record holds, never after the reference date.
  for (const std::string type : {"job_seeker", "vacancy"}) {
    INFO(type);
    CHECK(broken_history(db, type) == 0);
    CHECK(count(db, "SELECT count(*) FROM clmis_status_history WHERE record_type = '" + type +
                        "' AND effective_date > '" + kAsOf + "'") == 0);
    CHECK(count(db, "SELECT count(*) FROM " + type +
                        " r WHERE r.status IS NOT (SELECT h.status FROM clmis_status_history h "
                        "WHERE h.record_type = '" +
                        type +
                        "' AND h.record_id = r.id ORDER BY h.n DESC LIMIT 1)") == 0);
  }
  CHECK(count(db,
              "SELECT count(*) FROM clmis_view_job_seeker j WHERE (SELECT count(*) FROM clmis_status_history h WHERE "
              "h.record_type = "
              "'job_seeker' AND h.record_id = j.id AND h.event = 'initial' "
              "AND h.effective_date = j.registration_date) <> 1") == 0);
  CHECK(
      count(
          db,
          "SELECT count(*) FROM clmis_view_vacancy v WHERE (SELECT count(*) FROM clmis_status_history h WHERE h.record_type = "
          "'vacancy' AND h.record_id = v.id AND h.event = 'initial' "
          "AND h.effective_date = v.date_registered) <> 1") == 0);
  // Registrations spread over the three years; every kind of step happens.
  CHECK(test::raw_scalar(db, "SELECT min(registration_date) FROM clmis_view_job_seeker") >= "2022-07-01");
  CHECK(test::raw_scalar(db, "SELECT max(registration_date) FROM clmis_view_job_seeker") <= kAsOf);
  for (const char* year : {"2022", "2023", "2024", "2025"})
    CHECK(count(db, std::string("SELECT count(*) FROM clmis_view_job_seeker WHERE registration_date LIKE '") + year +
                        "-%'") > 300);
  for (const char* event : {"activate", "deactivate", "reactivate", "close"})
    CHECK(count(db, std::string(
                        "SELECT count(*) FROM clmis_status_history WHERE record_type = 'job_seeker' AND event = '") +
                        event + "'") > 100);
  for (const char* outcome : {"placed", "found_work_self", "withdrawn", "no_contact"})
    CHECK(count(db, std::string("SELECT count(*) FROM job_seeker WHERE outcome = '") + outcome + "'") > 50);
  for (const char* outcome : {"filled", "cancelled", "expired"})
    CHECK(count(db, std::string("SELECT count(*) FROM vacancy WHERE outcome = '") + outcome + "'") > 50);

  // The stocks of Session::status_counts equal the plain count over the status history view.
  {
    auto database = clmis::Database::open(db);
    auto s = database.login("admin", test::kPassword);
    for (const std::string type : {"job_seeker", "vacancy"})
      for (const auto& date : {kAsOf, std::string("2024-01-31"), std::string("2022-07-31")}) {
        INFO(type << " on " << date);
        const Json counts = s.status_counts(type, date)["counts"];
        const auto plain = status_from_history(db, type, date);
        std::int64_t total = 0;
        for (auto it = counts.begin(); it != counts.end(); ++it) {
          const auto p_it = plain.find(it.key());
          CHECK(it->get<std::int64_t>() == (p_it == plain.end() ? 0 : p_it->second));
          total += it->get<std::int64_t>();
        }
        for (const auto& [state, c] : plain) CHECK(counts.contains(state));
        if (date == kAsOf) CHECK(total == count(db, "SELECT count(*) FROM " + type));
      }
    CHECK(summary.job_seekers_on_month_end == s.status_counts("job_seeker", kAsOf)["counts"]);
    CHECK(summary.job_seekers_on_month_end["active"].get<std::int64_t>() > 500);
    // At the reference date the stock is the status column.
    CHECK(status_from_history(db, "job_seeker", kAsOf) ==
          counts_by_key(db, "SELECT status, count(*) FROM job_seeker GROUP BY status"));
  }
  // The summary's table by parish and sex adds up to the job seekers.
  {
    std::int64_t total = 0;
    for (const auto& r : summary.job_seekers_by_parish) {
      CHECK(r.female + r.male ==
            count(db, "SELECT count(*) FROM job_seeker WHERE parish = '" + r.code + "'"));
      total += r.female + r.male;
    }
    CHECK(total == count(db, "SELECT count(*) FROM job_seeker"));
    CHECK(log.str().find("Job seeker registrations by parish and sex") != std::string::npos);
  }

  // The complaints' ageing table adds up to the complaints not closed on the reference date
  // (every demo step is on or before it, so the status column is the state then), and the
  // overdue list is the running deadlines due before it, most overdue first.
  {
    std::int64_t open = 0;
    for (const auto& r : summary.complaints_ageing["rows"]) open += r["total"].get<std::int64_t>();
    CHECK(open == count(db, "SELECT count(*) FROM complaint WHERE status <> 'closed'"));
    CHECK(open > 0);
    const auto& rows = summary.complaints_overdue["rows"];
    REQUIRE(rows.size() == 5);
    CHECK(rows[0]["due"].get<std::string>() ==
          test::raw_scalar(db, "SELECT date(min(due_day) * 86400, 'unixepoch') FROM clmis_deadline "
                               "WHERE state IN ('open', 'paused') AND due_day < unixepoch('" + std::string(kAsOf) + "') / 86400"));
    CHECK(log.str().find("The most overdue complaint deadlines") != std::string::npos);
  }

  // Industrial relations (issue 16): a year of disputes, industrial actions and redundancies,
  // as many as the parameters say, through their workflows up to the reference date.
  {
    const std::string year_before = "2024-07-01";  // the first day of the year up to kAsOf
    CHECK(count(db, "SELECT count(*) FROM dispute") == n["disputes"].get<std::int64_t>());
    CHECK(count(db, "SELECT count(*) FROM industrial_action") == n["industrial_actions"].get<std::int64_t>());
    CHECK(count(db, "SELECT count(*) FROM redundancy") == n["redundancies"].get<std::int64_t>());
    const std::vector<std::pair<std::string, std::string>> dated = {
        {"dispute", "date_reported"}, {"industrial_action", "date_reported"}, {"redundancy", "notice_date"}};
    for (const auto& [type, field] : dated) {
      INFO(type);
      CHECK(broken_history(db, type) == 0);
      CHECK(count(db, "SELECT count(*) FROM clmis_status_history WHERE record_type = '" + type +
                          "' AND effective_date > '" + kAsOf + "'") == 0);
      CHECK(count(db, "SELECT count(*) FROM clmis_view_" + type + " WHERE " + field + " < '" + year_before +
                          "' OR " + field + " > '" + kAsOf + "'") == 0);
    }
    // Disputes: a union of the demo (a trade union) against employers of the demo; meetings held
    // on or after the report; most closed with an outcome.
    CHECK(count(db,
                "SELECT count(*) FROM dispute d WHERE NOT EXISTS (SELECT 1 FROM dispute__unions u JOIN organisation o "
                "ON o.id = u.organisation AND o.kind = 'trade_union' WHERE u.parent_id = d.id) "
                "OR NOT EXISTS (SELECT 1 FROM dispute__employers e JOIN employer r ON r.id = e.employer "
                "WHERE e.parent_id = d.id)") == 0);
    CHECK(count(db, "SELECT count(*) FROM dispute__meetings") > 0);
    CHECK(count(db,
                "SELECT count(*) FROM clmis_view_dispute__meetings m JOIN clmis_view_dispute d ON d.id = m.parent_id "
                "WHERE m.date < d.date_reported OR m.date > '" + std::string(kAsOf) + "'") == 0);
    CHECK(count(db, "SELECT count(*) FROM dispute WHERE status = 'closed'") * 2 > n["disputes"].get<std::int64_t>());
    CHECK(count(db, "SELECT count(*) FROM dispute WHERE (status = 'closed') <> (outcome IS NOT NULL)") == 0);

    // Industrial actions: some arise from a dispute (its union, one of its employers, reported
    // after it); the outcomes are allocated exactly (one or two called off); the ISIC section
    // is the section of the employer's class, found here through the isic4 hierarchy.
    const Json& ia = p["industrial_actions"];
    const auto n_actions = n["industrial_actions"].get<std::int64_t>();
    CHECK(count(db, "SELECT count(*) FROM industrial_action WHERE dispute IS NOT NULL") > 0);
    CHECK(count(db,
                "SELECT count(*) FROM clmis_view_industrial_action a JOIN clmis_view_dispute d ON d.id = a.dispute "
                "WHERE a.date_reported <= d.date_reported "
                "OR NOT EXISTS (SELECT 1 FROM dispute__unions u WHERE u.parent_id = d.id AND u.organisation = a.\"union\") "
                "OR NOT EXISTS (SELECT 1 FROM dispute__employers e JOIN industrial_action__employers x "
                "ON x.employer = e.employer WHERE e.parent_id = d.id AND x.parent_id = a.id)") == 0);
    check_shares("industrial actions by outcome", ia["outcomes"]["shares"],
                 counts_by_key(db, "SELECT coalesce(outcome, 'not yet'), count(*) FROM industrial_action GROUP BY 1"),
                 n_actions);
    const auto called_off = count(db, "SELECT count(*) FROM industrial_action WHERE outcome = 'called_off'");
    CHECK(called_off >= 1);
    CHECK(called_off <= 2);
    CHECK(count(db,
                "SELECT count(*) FROM industrial_action a JOIN industrial_action__employers x ON x.parent_id = a.id "
                "JOIN employer e ON e.id = x.employer "
                "JOIN clmis_code c4 ON c4.list = 'isic4' AND c4.code = e.isic_class "
                "JOIN clmis_code c3 ON c3.list = 'isic4' AND c3.code = c4.parent "
                "JOIN clmis_code c2 ON c2.list = 'isic4' AND c2.code = c3.parent "
                "WHERE a.isic_section IS NOT c2.parent") == 0);
    CHECK(count(db, "SELECT count(*) FROM industrial_action__employers") == n_actions);
    // Timing: started 1 to 7 days after the report, 1 to 10 days long.
    CHECK(count(db,
                "SELECT count(*) FROM clmis_view_industrial_action WHERE start_date IS NOT NULL AND "
                "(julianday(start_date) - julianday(date_reported) NOT BETWEEN 1 AND 7 OR "
                "(end_date IS NOT NULL AND julianday(end_date) - julianday(start_date) NOT BETWEEN 0 AND 9))") == 0);

    // Working days not worked: each stored value against an independent count — every day from
    // the start to the end, both included, that is neither a Saturday nor a Sunday nor a day off
    // in the country's calendar (Database::calendar), times the workers involved read by SQL —
    // and against Database::working_days, which counts the days after its first date.
    auto database = clmis::Database::open(db);
    std::map<int, std::set<std::string>> days_off;  // year → the days off
    auto day_off = [&](const std::string& d) {
      const int y = std::stoi(d.substr(0, 4));
      if (!days_off.count(y)) {
        auto& set = days_off[y];
        for (const auto& h : database.calendar(y))
          if (h.value("day_off", false)) set.insert(h["date"].get<std::string>());
      }
      return days_off[y].count(d) > 0;
    };
    const Rows actions = rows(db,
                              "SELECT id, start_date, end_date, days_not_worked, coalesce(workers_direct_male, 0) + "
                              "coalesce(workers_direct_female, 0) + coalesce(workers_indirect_male, 0) + "
                              "coalesce(workers_indirect_female, 0) FROM clmis_view_industrial_action ORDER BY id");
    REQUIRE(actions.size() == static_cast<std::size_t>(n_actions));
    int recounted = 0;
    std::map<std::string, std::int64_t> by_section_sql;
    for (const auto& a : actions) {
      INFO("industrial action " << a[0] << " from " << a[1] << " to " << a[2]);
      if (a[2].empty()) {
        CHECK(a[3].empty());  // not ended: nothing computed
        continue;
      }
      const auto from = clmis::parse_date(a[1]), to = clmis::parse_date(a[2]);
      REQUIRE(from);
      REQUIRE(to);
      std::int64_t working = 0;
      for (auto d = *from; d <= *to; d += date::days{1}) {
        const auto wd = (d.time_since_epoch().count() % 7 + 11) % 7;  // 1970-01-01 was a Thursday: 0 = Sunday
        if (wd != 0 && wd != 6 && !day_off(clmis::format_date(d))) ++working;
      }
      const std::int64_t workers = std::stoll(a[4]);
      REQUIRE_FALSE(a[3].empty());
      CHECK(std::stoll(a[3]) == working * workers);
      const Json wd = database.working_days(clmis::format_date(*from - date::days{1}), a[2]);
      CHECK(wd["working_days"].get<std::int64_t>() * workers == std::stoll(a[3]));
      ++recounted;
    }
    CHECK(recounted >= 3);
    // The summary's table by ISIC section is the stored values summed.
    {
      std::map<std::string, std::pair<std::int64_t, std::int64_t>> sql, printed;
      for (const auto& r : rows(db,
                                "SELECT isic_section, count(*), sum(days_not_worked) FROM industrial_action "
                                "WHERE days_not_worked IS NOT NULL GROUP BY isic_section"))
        sql[r[0]] = {std::stoll(r[1]), std::stoll(r[2])};
      for (const auto& r : summary.days_not_worked_by_section) printed[r.code] = {r.actions, r.days};
      CHECK(printed == sql);
      CHECK(!printed.empty());
      CHECK(summary.actions_called_off == called_off);
      CHECK(log.str().find("Working days not worked in industrial actions, by ISIC section") != std::string::npos);
    }

    // Redundancies: 3 to 40 workers each, never more than the employer has; weekly pay in the
    // country's currency; service in the range; effective on or after the notice.
    const Json& rd = p["redundancies"];
    CHECK(count(db,
                "SELECT count(*) FROM redundancy r JOIN employer e ON e.id = r.employer WHERE "
                "(SELECT count(*) FROM redundancy__workers w WHERE w.parent_id = r.id) NOT BETWEEN " +
                    std::to_string(rd["workers"]["range"][0].get<int>()) + " AND " +
                    std::to_string(rd["workers"]["range"][1].get<int>()) +
                    " OR (SELECT count(*) FROM redundancy__workers w WHERE w.parent_id = r.id) > "
                    "coalesce(e.workers_male, 0) + coalesce(e.workers_female, 0) "
                    "OR r.workers_affected IS NOT (SELECT count(*) FROM redundancy__workers w WHERE w.parent_id = r.id)") == 0);
    CHECK(count(db,
                "SELECT count(*) FROM redundancy__workers WHERE years_of_service NOT BETWEEN " +
                    std::to_string(rd["years_of_service"]["range"][0].get<int>()) + " AND " +
                    std::to_string(rd["years_of_service"]["range"][1].get<int>()) +
                    " OR months_of_service NOT BETWEEN 0 AND 11") == 0);
    CHECK(count(db, "SELECT count(*) FROM clmis_view_redundancy WHERE effective_date < notice_date") == 0);
    // The total severance printed is the stored severance_total of every redundancy (read back
    // through the session) added here in cents, as integers.
    auto s = database.login("admin", test::kPassword);
    std::int64_t cents = 0;
    for (const auto& r : rows(db, "SELECT id FROM redundancy ORDER BY id")) {
      const Json rec = s.get("redundancy", std::stoll(r[0]));
      REQUIRE(rec["severance_total"].is_object());
      CHECK(rec["severance_total"]["currency"] == "XCD");
      const std::string amount = rec["severance_total"]["amount"];
      const auto dot = amount.find('.');
      REQUIRE(dot != std::string::npos);
      REQUIRE(amount.size() - dot == 3);  // XCD: two decimals
      cents += std::stoll(amount.substr(0, dot)) * 100 + std::stoll(amount.substr(dot + 1));
      for (const auto& w : rec["workers"])
        CHECK(w["weekly_pay"]["currency"] == "XCD");
    }
    CHECK(cents > 0);
    const std::string total = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
    CHECK(summary.severance_total == total);
    CHECK(log.str().find("Total severance of the redundancies (clmis computes it by the country's rule): XCD " + total + "\n") !=
          std::string::npos);
  }

  // The indicator package of the year before the reference date (2024), with the synthetic
  // survey: written as SDMX-CSV and Excel beside the database. The registered job seekers on
  // 2024-12-31, counted here by plain SQL from the status history (the last status row on or
  // before the day is registered or active, not archived), are the SDMX-CSV's D1.stock total.
  CHECK(summary.indicators_year == "2024");
  REQUIRE(std::filesystem::exists(summary.indicators_xlsx));
  std::ifstream sdmx(summary.indicators_csv);
  REQUIRE(sdmx);
  std::string header, line, stock_line;
  std::getline(sdmx, header);
  CHECK(header.rfind("STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE", 0) == 0);
  const std::int64_t dec31 = 20088;  // 2024-12-31: days since 1970-01-01
  const auto registered = count(db,
      "SELECT count(*) FROM job_seeker j WHERE j.archived = 0 AND (SELECT s.status FROM clmis_status__job_seeker s "
      "WHERE s.record_id = j.id AND s.effective_day <= " + std::to_string(dec31) +
      " ORDER BY s.effective_day DESC, s.n DESC LIMIT 1) IN ('registered', 'active')");
  bool found = false;
  while (std::getline(sdmx, line))
    if (line.find(",D1.stock,_T,_T,_Z,_T,_T,_T,2024-Q4,") != std::string::npos) {
      found = true;
      CHECK(line.find(",2024-Q4," + std::to_string(registered) + ",") != std::string::npos);
    }
  CHECK(found);

#ifndef CLMIS_TEST_SANITIZED
  // The same seed gives the same records. (In the release pass: under the sanitizers a second
  // run only repeats the same code, a minute of CI.)
  std::ostringstream log2;
  const auto again = clmis::demo::run_demo(options(dir, "b", 20250630), log2);
  CHECK(record_tables_hash(db) == record_tables_hash(again.path));
#endif
}

TEST_CASE("Demo: refuses an existing database and parameters that do not fit the pack", "[demo]") {
  test::TempDir dir;
  std::ostringstream log;
  auto o = options(dir, "out", 1);

  // An ISIC class filed under the wrong section: refused before any record, and no file is left.
  const std::string bad = dir.file("bad.json");
  {
    std::ifstream in(kParameters);
    std::ofstream out(bad);
    out << in.rdbuf();
  }
  test::edit_json(bad, [](Json& j) { j["employers"]["sections"]["A"]["classes"][0]["code"] = "4711"; });
  o.parameters_file = bad;
  try {
    clmis::demo::run_demo(o, log);
    FAIL("a class of section G under section A was accepted");
  } catch (const clmis::PackError& e) {
    CHECK(std::string(e.what()).find("4711") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("out") + "/clmis-demo-kna.db"));

  // Shares that do not add up.
  test::edit_json(bad, [](Json& j) {
    j["employers"]["sections"]["A"]["classes"][0]["code"] = "0113";
    j["job_seekers"]["sex"]["shares"]["F"] = 0.9;
  });
  CHECK_THROWS_AS(clmis::demo::run_demo(o, log), clmis::PackError);
  CHECK_FALSE(std::filesystem::exists(dir.file("out") + "/clmis-demo-kna.db"));

  // An existing file is never touched.
  std::filesystem::create_directories(dir.file("out"));
  { std::ofstream(dir.file("out") + "/clmis-demo-kna.db") << "mine"; }
  o.parameters_file = kParameters;
  CHECK_THROWS_AS(clmis::demo::run_demo(o, log), clmis::AlreadyExists);
  std::ifstream keep(dir.file("out") + "/clmis-demo-kna.db");
  std::string content;
  keep >> content;
  CHECK(content == "mine");
}
