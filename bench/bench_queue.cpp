// Benchmark (issue 15): the work queues on a million complaints, Session::queue against the same
// hand-written SQL on the same database, in the same run.
//
//   build/bench/bench_queue [N] [DIR] [REPS] [ONLY]   (default N = 1000000, DIR = ., REPS = 200)
//
// ONLY = officer or overdue: no comparison, only REPS calls of that queue through the library,
// for a profiler (perf record -g build/bench/bench_queue N DIR 20000 overdue).
//
// The database: N complaints received over the three years up to 2026-11-27 (AS_OF), assigned
// to 40 officers of the complaint's section (industrial_relations) with uneven workloads, moved
// through their workflow (assign, investigate, conciliate with hearings, close) with realistic
// delays; most are closed, the recent ones and a stuck tail are open, some of them overdue. It
// is written through the library — Session::create, Session::assign and Session::transition
// inside Session::batch, 10,000 complaints a transaction and one audit entry each — so every
// clmis_deadline and clmis_case row is one the library wrote itself. It is kept as
// DIR/bench-queue-N.db (with its .key and a .done file holding the generation time) and used
// again by the next run; delete it to make it anew.
//
// The queries, each the first page of 50:
//   officer  an officer's open cases by due date: queue {"officer": O, "as_of": AS_OF}, O the
//            officer with the most running deadlines;
//   overdue  the section's overdue list: queue {"section": "industrial_relations", "overdue":
//            true, "as_of": AS_OF}.
// The peer for each is one hand-written SELECT on a second connection to the same file with
// the library's connection settings (foreign_keys, trusted_schema, synchronous, temp_store,
// a 16 MiB page cache), returning the same columns the queue returns (the case number,
// status, deadline, state, due date, officer's name) into plain structs. Before timing, both
// sides' pages are compared row by row (case id, deadline, due date, state, case number,
// status, officer); any difference stops the benchmark with exit status 1.
//
// Timing: WARMUP calls of each, then REPS rounds, each timing one call of each side, in turn
// A B then B A; prints the median and p99 (nearest rank) of each, and the ratios clmis / SQL.
// Targets (issue 15): ratio <= 1.3 and clmis p99 <= 5 ms.
#include "clmis/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using clmis::Json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kAsOf = "2026-11-27";
constexpr const char* kSection = "industrial_relations";
constexpr const char* kPassword = "benchmark-password";
constexpr int kOfficers = 40;
constexpr int kWarmup = 20;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Days since 1970-01-01 and back (proleptic Gregorian; H. Hinnant's algorithms).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

const std::int64_t kAsOfDay = days_from_civil(2026, 11, 27);

std::string officer_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "officer%02d", i + 1);
  return buf;
}

// --- the database -------------------------------------------------------------------------

struct Gen {
  std::mt19937_64 rng{15};
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  template <class T, size_t K>
  const T& pick(const T (&a)[K]) {
    return a[static_cast<size_t>(between(0, K - 1))];
  }
};

/// One complaint through the library: created with its claims (and the hearings held by
/// AS_OF, as the demo enters them), assigned to an officer, moved through its workflow up to
/// AS_OF.
void one_complaint(clmis::Session& s, Gen& g, const std::vector<double>& officer_cdf) {
  static const char* channels[] = {"in_person", "in_person", "in_person", "telephone", "letter", "email", "online", "referral"};
  static const char* firsts_f[] = {"Alicia", "Keisha", "Marcia", "Shanice", "Denise", "Latoya", "Joan", "Patricia"};
  static const char* firsts_m[] = {"Kevin", "Delroy", "Shane", "Marlon", "Andre", "Winston", "Carl", "Jason"};
  static const char* families[] = {"Williams", "Liburd", "Browne", "Richards", "Hanley", "Phipps", "Douglas",
                                   "Morton", "Isaac", "Nisbett", "Huggins", "Caines", "Pemberton", "Warner"};
  static const char* parishes[] = {"KN-01", "KN-02", "KN-03", "KN-04", "KN-05"};
  static const char* categories[] = {"unpaid_wages", "unpaid_wages", "unpaid_wages", "overtime", "holiday_pay",
                                     "sick_leave", "maternity", "notice_pay", "severance", "unfair_dismissal",
                                     "discrimination", "osh", "other"};
  static const char* outcomes[] = {"settled", "settled", "settled", "settled", "withdrawn", "withdrawn",
                                   "referred_tribunal", "referred_court", "referred_agency", "no_jurisdiction",
                                   "unresolved"};
  static const char* attendances[] = {"both", "both", "both", "complainant_only", "employer_only", "neither"};
  static const char* summaries[] = {"Wages for the last two months not paid.",
                                    "Dismissed without notice after eight years.",
                                    "Overtime worked on public holidays not paid.",
                                    "Vacation leave refused and not paid on leaving.",
                                    "Maternity leave pay withheld."};

  const std::int64_t received = kAsOfDay - g.between(0, 3 * 365);
  const bool female = g.chance(0.55);
  Json r = {{"date_received", civil(received)},
            {"channel", g.pick(channels)},
            {"first_name", female ? g.pick(firsts_f) : g.pick(firsts_m)},
            {"family_name", g.pick(families)},
            {"sex", female ? "F" : "M"},
            {"date_of_birth", civil(received - g.between(18 * 365, 62 * 365))},
            {"parish", g.pick(parishes)},
            {"summary", g.pick(summaries)}};
  // Acknowledged within 1-9 days (the default limit is 5 working days), a few never.
  if (const std::int64_t ack = received + g.between(1, 9); ack <= kAsOfDay && g.chance(0.97))
    r["acknowledged_on"] = civil(ack);
  Json claims = Json::array();
  for (std::int64_t c = g.between(1, 3); c > 0; --c)
    claims.push_back({{"category", g.pick(categories)},
                      {"amount_claimed", {{"amount", std::to_string(g.between(200, 20000)) + ".00"}, {"currency", "XCD"}}}});
  r["claims"] = claims;

  struct Step {
    std::int64_t day;
    const char* name;
  };
  std::vector<Step> steps;
  std::int64_t d = received + g.between(0, 6);
  steps.push_back({d, "assign"});
  if (g.chance(0.4)) steps.push_back({d += g.between(3, 20), "investigate"});
  Json hearings = Json::array();
  if (g.chance(0.85)) {
    steps.push_back({d += g.between(2, 10), "conciliate"});
    const std::int64_t n = g.between(1, 3);
    for (std::int64_t h = 0; h < n; ++h) {
      d += h == 0 ? g.between(5, 25) : g.between(14, 35);
      if (d > kAsOfDay) break;
      hearings.push_back({{"date", civil(d)}, {"attendance", g.pick(attendances)}, {"result", h + 1 == n ? "settled" : "adjourned"}});
    }
  }
  if (!hearings.empty()) r["hearings"] = hearings;
  // Closed soon after the last step for most; a long tail takes months; a few are stuck.
  const double u = std::uniform_real_distribution<double>(0, 1)(g.rng);
  const bool stuck = u < 0.02;
  if (!stuck) steps.push_back({d += u < 0.75 ? g.between(5, 60) : g.between(60, 400), "close"});

  const std::int64_t id = s.create("complaint", r);
  std::int64_t version = 1;
  const double w = std::uniform_real_distribution<double>(0, 1)(g.rng);
  const int officer = static_cast<int>(std::lower_bound(officer_cdf.begin(), officer_cdf.end(), w) - officer_cdf.begin());
  for (const auto& st : steps) {
    if (st.day > kAsOfDay) break;
    Json args = {{"effective_date", civil(st.day)}};
    if (std::string(st.name) == "assign") s.assign("complaint", id, officer_name(std::min(officer, kOfficers - 1)));
    if (std::string(st.name) == "close") args["fields"] = {{"outcome", g.pick(outcomes)}};
    version = s.transition("complaint", id, version, st.name, args);
  }
}

void generate(const std::string& path, int n) {
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = kPassword;
  auto db = clmis::Database::init(path, o);
  auto admin = db.login("admin", kPassword);
  admin.user_create(Json{{"name", "sup"}, {"password", kPassword}, {"roles", {"supervisor"}}, {"section", kSection},
                         {"must_change_password", false}});
  // Uneven workloads: weights 0.5 to 1.5.
  std::vector<double> cdf;
  double total = 0;
  for (int i = 0; i < kOfficers; ++i) {
    admin.user_create(Json{{"name", officer_name(i)}, {"password", kPassword}, {"roles", {"officer"}},
                           {"section", kSection}, {"must_change_password", false}});
    total += 0.5 + static_cast<double>(i) / (kOfficers - 1);
    cdf.push_back(total);
  }
  for (auto& c : cdf) c /= total;
  auto sup = db.login("sup", kPassword);
  Gen g;
  const int chunk = 10000;
  const auto t0 = Clock::now();
  for (int done = 0; done < n; done += chunk) {
    const int k = std::min(chunk, n - done);
    sup.batch([&] { for (int i = 0; i < k; ++i) one_complaint(sup, g, cdf); },
              Json{{"action", "bench_queue"}, {"complaints", k}});
    const double s = seconds_since(t0);
    std::fprintf(stderr, "\r  %d of %d complaints, %.0f s (%.0f a second)   ", done + k, n, s, (done + k) / s);
  }
  std::fprintf(stderr, "\n");
}

// --- the two sides ------------------------------------------------------------------------

struct Row {
  std::int64_t id = 0;
  std::string deadline, state, due, number, status, officer;
  bool operator==(const Row& o) const {
    return id == o.id && deadline == o.deadline && state == o.state && due == o.due && number == o.number &&
           status == o.status && officer == o.officer;
  }
};

std::vector<Row> from_page(const clmis::QueuePage& page) {
  std::vector<Row> out;
  for (const auto& r : page.rows)
    out.push_back({r.id, r.deadline, r.state, r.due ? clmis::format_date(*r.due) : "", r.number.value_or(""), r.status,
                   r.officer.value_or("")});
  return out;
}

std::vector<Row> from_queue(const Json& page) {
  std::vector<Row> out;
  for (const auto& r : page["rows"])
    out.push_back({r["id"].get<std::int64_t>(), r["deadline"], r["state"], r["due"].is_null() ? "" : r["due"].get<std::string>(),
                   r["number"].is_null() ? "" : r["number"].get<std::string>(), r["status"],
                   r["officer"].is_null() ? "" : r["officer"].get<std::string>()});
  return out;
}

struct Raw {
  sqlite3* db = nullptr;
  explicit Raw(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "cannot open %s\n", path.c_str());
      std::exit(2);
    }
    // The library's connection settings (store/sqlite.cpp Connection::configure), its 16 MiB
    // page cache included.
    sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF; PRAGMA synchronous = FULL; "
                     "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384",
                 nullptr, nullptr, nullptr);
  }
  ~Raw() { sqlite3_close(db); }
  sqlite3_stmt* prepare(const char* sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
      std::exit(2);
    }
    return s;
  }
};

std::string text(sqlite3_stmt* s, int i) {
  const auto* p = sqlite3_column_text(s, i);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

/// Steps a prepared page query (columns: record id, deadline, state, due day, case number,
/// status, officer) into rows; the deadline's id without the type's prefix as the queue
/// returns it.
std::vector<Row> run(sqlite3_stmt* s) {
  std::vector<Row> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    Row r;
    r.id = sqlite3_column_int64(s, 0);
    r.deadline = text(s, 1);
    r.state = text(s, 2);
    if (sqlite3_column_type(s, 3) != SQLITE_NULL) r.due = civil(sqlite3_column_int64(s, 3));
    r.number = text(s, 4);
    r.status = text(s, 5);
    r.officer = text(s, 6);
    out.push_back(std::move(r));
  }
  sqlite3_reset(s);
  return out;
}

// The hand-written SQL, one statement each, as one would write it knowing the schema: the
// running deadlines read from their index (clmis_deadline_running, in (due_day, id) order) up
// to the page's end. "+d.record_type" keeps SQLite from taking the unique (record_type,
// record_id, ...) index instead, which holds every deadline ever started.
//
// An officer's open cases by due date: the running deadlines that carry the officer (format 8
// keeps the case's officer on them, with the index clmis_deadline_officer on (assigned_to,
// due_day)), by due date, then the paused ones (no due date) by id.
const char* const kOfficerSql =
    "SELECT * FROM (SELECT d.record_id, d.deadline, d.state, d.due_day, c.case_no, c.status, u.name "
    "FROM clmis_deadline d CROSS JOIN complaint c ON c.id = d.record_id CROSS JOIN clmis_user u ON u.id = d.assigned_to "
    "WHERE d.state IN ('open', 'paused') AND d.due_day IS NOT NULL AND +d.record_type = 'complaint' "
    "AND d.assigned_to = ?1 ORDER BY d.due_day, d.id LIMIT 50) "
    "UNION ALL "
    "SELECT * FROM (SELECT d.record_id, d.deadline, d.state, d.due_day, c.case_no, c.status, u.name "
    "FROM clmis_deadline d CROSS JOIN complaint c ON c.id = d.record_id CROSS JOIN clmis_user u ON u.id = d.assigned_to "
    "WHERE d.state IN ('open', 'paused') AND d.due_day IS NULL AND +d.record_type = 'complaint' "
    "AND d.assigned_to = ?1 ORDER BY d.id LIMIT 50) "
    "LIMIT 50";

// The section's overdue list: the running deadlines of the section's case types (the
// complaint) due before the day, by due date, with the officer kept on each.
const char* const kOverdueSql =
    "SELECT d.record_id, d.deadline, d.state, d.due_day, c.case_no, c.status, u.name "
    "FROM clmis_deadline d "
    "LEFT JOIN clmis_user u ON u.id = d.assigned_to "
    "JOIN complaint c ON c.id = d.record_id "
    "WHERE d.state IN ('open', 'paused') AND +d.record_type = 'complaint' AND d.due_day < ?1 "
    "ORDER BY d.due_day, d.id LIMIT 50";

/// SQLite's plan for a statement, one line.
std::string plan(const Raw& raw, const char* sql) {
  sqlite3_stmt* s = raw.prepare(("EXPLAIN QUERY PLAN " + std::string(sql)).c_str());
  std::string out;
  while (sqlite3_step(s) == SQLITE_ROW) out += (out.empty() ? "" : "; ") + text(s, 3);
  sqlite3_finalize(s);
  return out;
}

struct Stats {
  double median = 0, p99 = 0;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto rank = [&](double q) { return v[static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1]; };
  return {v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2, rank(0.99)};
}

void compare(const char* name, const std::vector<Row>& a, const std::vector<Row>& b) {
  bool same = a.size() == b.size();
  for (size_t i = 0; same && i < a.size(); ++i) same = a[i] == b[i];
  if (same) {
    if (a.size() < 50) std::printf("  (%s: the same page of %zu rows on both sides)\n", name, a.size());
    return;
  }
  std::fprintf(stderr, "%s: the queue and the SQL differ: %zu and %zu rows\n", name, a.size(), b.size());
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    auto show = [](const std::vector<Row>& v, size_t k) {
      if (k >= v.size()) return std::string("-");
      const Row& r = v[k];
      return std::to_string(r.id) + " " + r.deadline + " " + r.state + " " + r.due + " " + r.number + " " + r.status + " " +
             r.officer;
    };
    std::fprintf(stderr, "  %zu: %s | %s\n", i, show(a, i).c_str(), show(b, i).c_str());
  }
  std::exit(1);
}

/// Times both sides: warm-up, then reps rounds alternating which goes first.
template <class A, class B>
std::pair<Stats, Stats> measure(A&& a, B&& b, int reps) {
  for (int i = 0; i < kWarmup; ++i) {
    a();
    b();
  }
  std::vector<double> ta, tb;
  auto time = [](auto& f) {
    const auto t0 = Clock::now();
    f();
    return seconds_since(t0) * 1000.0;
  };
  for (int i = 0; i < reps; ++i) {
    if (i % 2 == 0) {
      ta.push_back(time(a));
      tb.push_back(time(b));
    } else {
      tb.push_back(time(b));
      ta.push_back(time(a));
    }
  }
  return {stats(ta), stats(tb)};
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const std::string dir = argc > 2 ? argv[2] : ".";
  const int reps = argc > 3 ? std::atoi(argv[3]) : 200;
  const std::string only = argc > 4 ? argv[4] : "";
  if (n < 1000 || reps < 1) {
    std::fprintf(stderr, "usage: bench_queue [N >= 1000] [DIR] [REPS] [officer|overdue|idle: time that queue alone]\n");
    return 2;
  }
  const std::string path = dir + "/bench-queue-" + std::to_string(n) + ".db";
  const std::string done = path + ".done";
  double gen_seconds = -1;
  if (!std::filesystem::exists(done)) {
    for (const char* s : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(path + s);
    std::fprintf(stderr, "making %s (%d complaints through the library; kept for the next run)\n", path.c_str(), n);
    const auto t0 = Clock::now();
    generate(path, n);
    gen_seconds = seconds_since(t0);
    std::ofstream(done) << gen_seconds << "\n";
  } else {
    std::ifstream(done) >> gen_seconds;
  }

  auto db = clmis::Database::open(path);
  auto sup = db.login("sup", kPassword);
  Raw raw(path);

  // The officer with the most running deadlines, and how the database looks.
  std::string busiest;
  std::int64_t busiest_running = 0;
  {
    sqlite3_stmt* s = raw.prepare(
        "SELECT u.name, count(*) FROM clmis_deadline d JOIN clmis_case k ON k.record_type = d.record_type "
        "AND k.record_id = d.record_id JOIN clmis_user u ON u.id = k.assigned_to "
        "WHERE d.state IN ('open', 'paused') GROUP BY u.name ORDER BY 2 DESC, 1 LIMIT 1");
    if (sqlite3_step(s) == SQLITE_ROW) {
      busiest = text(s, 0);
      busiest_running = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
  }
  auto count = [&](const std::string& sql) {
    sqlite3_stmt* s = raw.prepare(sql.c_str());
    sqlite3_bind_int64(s, 1, kAsOfDay);
    const std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return static_cast<long long>(v);
  };
  std::printf("queue benchmark: %lld complaints (%lld open on %s), %lld deadlines (%lld running, %lld overdue), "
              "%lld assigned to %d officers\n",
              count("SELECT count(*) FROM complaint"), count("SELECT count(*) FROM complaint WHERE status <> 'closed'"),
              kAsOf, count("SELECT count(*) FROM clmis_deadline"),
              count("SELECT count(*) FROM clmis_deadline WHERE state IN ('open', 'paused')"),
              count("SELECT count(*) FROM clmis_deadline WHERE state IN ('open', 'paused') AND due_day < ?1"),
              count("SELECT count(*) FROM clmis_case WHERE assigned_to IS NOT NULL"), kOfficers);
  std::printf("  database %s, %.0f MiB; made in %.0f s (%.0f complaints a second, through the library)\n", path.c_str(),
              static_cast<double>(std::filesystem::file_size(path)) / 1048576.0, gen_seconds, n / gen_seconds);
  std::printf("  busiest officer: %s with %lld running deadlines\n", busiest.c_str(), static_cast<long long>(busiest_running));

  auto user_id = [&](const std::string& name) {
    sqlite3_stmt* s = raw.prepare("SELECT id FROM clmis_user WHERE name = ?1");
    sqlite3_bind_text(s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    const sqlite3_int64 id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return id;
  };
  sqlite3_stmt* officer_sql = raw.prepare(kOfficerSql);
  sqlite3_bind_int64(officer_sql, 1, user_id(busiest));
  sqlite3_stmt* overdue_sql = raw.prepare(kOverdueSql);
  sqlite3_bind_int64(overdue_sql, 1, kAsOfDay);
  // Not a target of the issue, shown for what it says of the plan: a user with no open case
  // (the section's supervisor, assigned none), whose queue is empty only after every running
  // deadline has been read.
  sqlite3_stmt* idle_sql = raw.prepare(kOfficerSql);
  sqlite3_bind_int64(idle_sql, 1, user_id("sup"));

  std::printf("  SQL plans: officer: %s\n             overdue: %s\n", plan(raw, kOfficerSql).c_str(),
              plan(raw, kOverdueSql).c_str());

  const Json officer_spec = {{"officer", busiest}, {"as_of", kAsOf}};
  const Json overdue_spec = {{"section", kSection}, {"overdue", true}, {"as_of", kAsOf}};
  const Json idle_spec = {{"officer", "sup"}, {"as_of", kAsOf}};

  if (!only.empty()) {
    const Json& spec = only == "officer" ? officer_spec : only == "idle" ? idle_spec : overdue_spec;
    std::size_t rows = 0;
    const auto t0 = Clock::now();
    for (int i = 0; i < reps; ++i) rows += sup.queue_page(spec).rows.size();
    std::printf("  %s only: %d calls, %.3f ms each (%zu rows)\n", only.c_str(), reps, seconds_since(t0) * 1000 / reps, rows);
    return 0;
  }

  // Same rows, same order, before any timing.
  compare("officer", from_page(sup.queue_page(officer_spec)), run(officer_sql));
  compare("overdue", from_page(sup.queue_page(overdue_spec)), run(overdue_sql));
  compare("no open case", from_page(sup.queue_page(idle_spec)), run(idle_sql));
  compare("officer (JSON)", from_queue(sup.queue(officer_spec)), run(officer_sql));
  compare("overdue (JSON)", from_queue(sup.queue(overdue_spec)), run(overdue_sql));

  std::size_t sink = 0;
  // The typed page (Session::queue_page) against the SQL, the targets; then the same pages as
  // JSON (Session::queue), shown without a target: the JSON document of fifty rows of ten
  // members costs about 20 µs to build and free (bench/README.md), which the SQL side does
  // not spend.
  struct Case {
    const char* name;
    const Json& spec;
    sqlite3_stmt* sql;
    int reps;
    bool target;
    bool json;
  };
  for (const Case& c : {Case{"officer's open cases by due date", officer_spec, officer_sql, reps, true, false},
                        Case{"section's overdue list", overdue_spec, overdue_sql, reps, true, false},
                        Case{"(an officer with no open case)", idle_spec, idle_sql, std::max(10, reps / 10), false, false},
                        Case{"(officer's, as JSON)", officer_spec, officer_sql, reps, false, true},
                        Case{"(overdue list, as JSON)", overdue_spec, overdue_sql, reps, false, true}}) {
    const auto [a, b] = measure(
        [&] { sink += c.json ? sup.queue(c.spec)["rows"].size() : sup.queue_page(c.spec).rows.size(); },
        [&] { sink += run(c.sql).size(); }, c.reps);
    const double ratio = a.median / b.median;
    std::printf("  %-34s clmis median %7.3f ms p99 %7.3f ms | SQL median %7.3f ms p99 %7.3f ms | ratio %.2f (p99 %.2f)",
                c.name, a.median, a.p99, b.median, b.p99, ratio, a.p99 / b.p99);
    if (c.target) std::printf("  [target ratio <= 1.3, p99 <= 5 ms: %s]", ratio <= 1.3 && a.p99 <= 5.0 ? "met" : "missed");
    else std::printf("  [%d rounds; no target]", c.reps);
    std::printf("\n");
  }
  std::printf("  first pages of 50, %d rounds after %d warm-up calls each (%zu rows read)\n", reps, kWarmup, sink);
  sqlite3_finalize(officer_sql);
  sqlite3_finalize(overdue_sql);
  sqlite3_finalize(idle_sql);
  return 0;
}
