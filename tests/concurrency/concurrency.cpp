// The concurrency test (issue 12): PROCESSES processes and THREADS threads write to one database
// for SECONDS — creates, updates, lifecycle transitions, contested updates of shared records and
// one import — and then the database is checked, through SQLite directly, against what every
// worker says it did:
//   - no write returned Busy (the busy handler waits long enough under this load);
//   - every create a worker saw succeed is there exactly once, with its updates and transition
//     (its version is 1 + the writes the worker made), and nothing else is there;
//   - each shared record's version is 1 + the contested updates that succeeded across all
//     workers: an update at a stale version is refused, never applied twice or lost;
//   - the change sequence has one entry per write, the audit chain verifies, the file is sound.
// Usage: clmis_concurrency DIR [SECONDS=10] [PROCESSES=8] [THREADS=8]. Exit 0 when all holds.
// Children are forked before any thread starts (ThreadSanitizer supports fork only then).
#include "clmis/database.hpp"
#include "clmis/io.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using clmis::Json;

namespace {

const std::string kPassword = "concurrency-test-1";
constexpr int kShared = 8;         // employers every worker contests
constexpr int kImportRows = 500;   // the one import, by worker 0

struct Tally {
  std::int64_t creates = 0, updates = 0, transitions = 0, contested_ok = 0, contested_conflict = 0;
  std::int64_t busy = 0, other_errors = 0, imported = 0;
  std::int64_t max_call_ms = 0;                   // the longest single call (a create, update...)
  std::map<std::int64_t, std::int64_t> versions;  // job seeker id -> version the worker left it at
  std::map<int, std::int64_t> shared_ok;          // shared employer index -> successful updates
  std::string first_error;
};

Json job_seeker(int worker, int i) {
  const int nis = 1000000 + worker * 50000 + i;
  return Json{{"registration_date", "2025-03-03"}, {"first_name", "W" + std::to_string(worker)},
              {"family_name", "Seq" + std::to_string(i)}, {"nis_number", std::to_string(nis)},
              {"sex", i % 2 ? "F" : "M"}, {"date_of_birth", "1990-02-10"}, {"parish", "KN-03"}};
}

void note_error(Tally& t, const char* during, const std::exception& e) {
  if (dynamic_cast<const clmis::Busy*>(&e)) ++t.busy;
  else ++t.other_errors;
  if (t.first_error.empty()) t.first_error = std::string(during) + ": " + e.what();
}

Tally work(const std::string& db_path, const std::string& csv, int worker, double seconds) {
  Tally t;
  try {
    auto db = clmis::Database::open(db_path);
    auto s = db.login("admin", kPassword);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::vector<std::int64_t> shared_ids;
    for (int k = 1; k <= kShared; ++k) shared_ids.push_back(k);
    bool imported = worker != 0;
    // Each call timed: the longest wait for the lock shows in the longest call.
    auto timed = [&](auto&& f) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = f();
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      if (ms > t.max_call_ms) t.max_call_ms = ms;
      return r;
    };
    for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
      try {
        const auto id = timed([&] { return s.create("job_seeker", job_seeker(worker, i)); });
        ++t.creates;
        t.versions[id] = 1;
        t.versions[id] = timed([&] { return s.update("job_seeker", id, 1, Json{{"telephone", "+1 869 " + std::to_string(i)}}); });
        ++t.updates;
        t.versions[id] = timed([&] { return s.transition("job_seeker", id, t.versions[id], "activate", Json::object()); });
        ++t.transitions;
      } catch (const clmis::Error& e) {
        note_error(t, "create, update or transition", e);
      }
      // A contested update: read a shared employer, write at the version read.
      const int k = (worker * 7 + i) % kShared;
      try {
        const Json e = s.get("employer", shared_ids[static_cast<size_t>(k)]);
        s.update("employer", shared_ids[static_cast<size_t>(k)], e["version"].get<std::int64_t>(),
                 Json{{"telephone", "w" + std::to_string(worker) + "-" + std::to_string(i)}});
        ++t.contested_ok;
        ++t.shared_ok[k];
      } catch (const clmis::Conflict&) {
        ++t.contested_conflict;
      } catch (const clmis::Error& e) {
        note_error(t, "contested update", e);
      }
      if (!imported && i == 20) {
        imported = true;
        std::ifstream in(csv);
        const auto r = clmis::import_records(s, "job_seeker", in);
        if (r.committed) t.imported = static_cast<std::int64_t>(r.created);
        else t.first_error = "the import was refused";
      }
    }
  } catch (const std::exception& e) {
    note_error(t, "open, login or import", e);
  }
  return t;
}

std::string to_text(const Tally& t) {
  Json j{{"creates", t.creates}, {"updates", t.updates}, {"transitions", t.transitions},
         {"contested_ok", t.contested_ok}, {"contested_conflict", t.contested_conflict}, {"busy", t.busy},
         {"other_errors", t.other_errors}, {"imported", t.imported}, {"first_error", t.first_error},
         {"max_call_ms", t.max_call_ms}};
  Json v = Json::object(), sh = Json::object();
  for (const auto& [id, ver] : t.versions) v[std::to_string(id)] = ver;
  for (const auto& [k, n] : t.shared_ok) sh[std::to_string(k)] = n;
  j["versions"] = v;
  j["shared_ok"] = sh;
  return j.dump();
}

Tally from_text(const std::string& s) {
  Tally t;
  const Json j = Json::parse(s);
  t.creates = j["creates"];
  t.updates = j["updates"];
  t.transitions = j["transitions"];
  t.contested_ok = j["contested_ok"];
  t.contested_conflict = j["contested_conflict"];
  t.busy = j["busy"];
  t.other_errors = j["other_errors"];
  t.imported = j["imported"];
  t.first_error = j["first_error"];
  t.max_call_ms = j["max_call_ms"];
  for (auto it = j["versions"].begin(); it != j["versions"].end(); ++it) t.versions[std::stoll(it.key())] = it.value();
  for (auto it = j["shared_ok"].begin(); it != j["shared_ok"].end(); ++it) t.shared_ok[std::stoi(it.key())] = it.value();
  return t;
}

/// One integer from SQL through SQLite directly (not through clmis).
std::int64_t sql_int(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "SQL: %s: %s\n", sql.c_str(), sqlite3_errmsg(db));
    std::exit(2);
  }
  std::int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

int failures = 0;
void expect(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [SECONDS] [PROCESSES] [THREADS]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  const int processes = argc > 3 ? std::atoi(argv[3]) : 8;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 8;
  const std::string path = dir + "/concurrency.db", csv = dir + "/import.csv";

  {
    clmis::InitOptions o;
    o.country = "KNA";
    o.admin_password = kPassword;
    auto db = clmis::Database::init(path, o);
    auto s = db.login("admin", kPassword);
    for (int k = 1; k <= kShared; ++k)
      s.create("employer", Json{{"name", "Shared " + std::to_string(k)}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    std::ofstream out(csv);
    out << "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n";
    for (int i = 0; i < kImportRows; ++i)
      out << "2025-03-04,Imported,Row" << i << "," << 3000000 + i << ",F,1991-05-05,KN-01\n";
  }

  // Processes first, then threads.
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = fork();
    if (pid == 0) {
      const Tally t = work(path, csv, p, seconds);
      std::ofstream(dir + "/worker-" + std::to_string(p) + ".json") << to_text(t);
      std::_Exit(0);
    }
    children.push_back(pid);
  }
  std::vector<Tally> tallies(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] { tallies[static_cast<size_t>(k)] = work(path, csv, processes + k, seconds); });
  // Halfway through, a backup is taken while every worker writes.
  Json backup;
  std::string backup_error;
  try {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));
    auto db = clmis::Database::open(path);
    backup = db.login("admin", kPassword).backup(dir + "/mid-run.bak");
  } catch (const std::exception& e) {
    backup_error = e.what();
  }
  for (auto& th : pool) th.join();
  for (const pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker process " + std::to_string(pid) + " ended normally");
  }
  for (int p = 0; p < processes; ++p) {
    std::ifstream in(dir + "/worker-" + std::to_string(p) + ".json");
    std::stringstream ss;
    ss << in.rdbuf();
    tallies.push_back(from_text(ss.str()));
  }

  Tally sum;
  std::map<std::int64_t, std::int64_t> versions;
  std::map<int, std::int64_t> shared_ok;
  for (const auto& t : tallies) {
    sum.creates += t.creates;
    sum.updates += t.updates;
    sum.transitions += t.transitions;
    sum.contested_ok += t.contested_ok;
    sum.contested_conflict += t.contested_conflict;
    sum.busy += t.busy;
    sum.other_errors += t.other_errors;
    sum.imported += t.imported;
    if (t.max_call_ms > sum.max_call_ms) sum.max_call_ms = t.max_call_ms;
    for (const auto& [id, v] : t.versions) {
      if (versions.count(id)) expect(false, "job seeker " + std::to_string(id) + " reported by two workers");
      versions[id] = v;
    }
    for (const auto& [k, n] : t.shared_ok) shared_ok[k] += n;
    if (!t.first_error.empty()) std::printf("note: a worker's first error: %s\n", t.first_error.c_str());
  }
  std::printf("writes: %lld creates, %lld updates, %lld transitions, %lld contested updates (%lld refused as stale), "
              "%lld imported; in %.0f s by %d processes and %d threads; the longest call %lld ms\n",
              static_cast<long long>(sum.creates), static_cast<long long>(sum.updates),
              static_cast<long long>(sum.transitions), static_cast<long long>(sum.contested_ok),
              static_cast<long long>(sum.contested_conflict), static_cast<long long>(sum.imported), seconds, processes,
              threads, static_cast<long long>(sum.max_call_ms));

  expect(sum.busy == 0, "no call returned Busy (" + std::to_string(sum.busy) + ")");
  expect(sum.other_errors == 0, "no other error (" + std::to_string(sum.other_errors) + ")");
  expect(sum.imported == kImportRows, "the import created its " + std::to_string(kImportRows) + " rows");

  sqlite3* raw = nullptr;
  sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::int64_t rows = sql_int(raw, "SELECT count(*) FROM job_seeker");
  expect(rows == sum.creates + sum.imported, "job seekers stored " + std::to_string(rows) + " = created " +
                                                 std::to_string(sum.creates) + " + imported " + std::to_string(sum.imported));
  std::int64_t wrong_version = 0;
  for (const auto& [id, v] : versions)
    if (sql_int(raw, "SELECT version FROM job_seeker WHERE id = " + std::to_string(id)) != v) ++wrong_version;
  expect(wrong_version == 0, "every job seeker is at the version its worker left it (" +
                                 std::to_string(wrong_version) + " differ)");
  std::int64_t lost = 0;
  for (int k = 0; k < kShared; ++k) {
    const std::int64_t v = sql_int(raw, "SELECT version FROM employer WHERE id = " + std::to_string(k + 1));
    if (v != 1 + shared_ok[k]) ++lost;
  }
  expect(lost == 0, "each shared employer's version is 1 + its successful contested updates (" +
                        std::to_string(lost) + " differ)");
  // One change per write: the shared employers' creates, the job seekers' creates, updates and
  // transitions (an import's rows each count as a create), and the contested updates.
  const std::int64_t changes = sql_int(raw, "SELECT sum(span) FROM clmis_change");  // a row may cover a range
  const std::int64_t expected_changes = kShared + sum.creates + sum.imported + sum.updates + sum.transitions + sum.contested_ok;
  expect(changes == expected_changes, "change sequence " + std::to_string(changes) + " = writes " +
                                          std::to_string(expected_changes));
  // The change numbers of all writers are 1, 2, 3... without a gap or a number given twice: each
  // row's range starts where the previous one's ends.
  expect(sql_int(raw, "SELECT count(*) FROM (SELECT seq, lag(seq + span) OVER (ORDER BY seq) AS next FROM clmis_change) "
                      "WHERE seq <> coalesce(next, 1)") == 0,
         "change numbers without gaps or overlaps");
  expect(sql_int(raw, "SELECT count(*) = 1 FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1,
         "integrity check");
  sqlite3_close(raw);
  {
    auto db = clmis::Database::open(path);
    expect(db.login("admin", kPassword).audit_verify(nullptr)["ok"] == true, "the audit chain verifies");
  }
  // The backup taken under writers restores to a database that passes check().
  expect(backup_error.empty(), "a backup taken while every worker wrote" + (backup_error.empty() ? "" : ": " + backup_error));
  if (backup_error.empty()) {
    try {
      clmis::Database::restore(dir + "/mid-run.bak", dir + "/restored.db");
      auto db = clmis::Database::open(dir + "/restored.db");
      const Json report = db.login("admin", kPassword).check();
      sqlite3* b = nullptr;
      sqlite3_open_v2((dir + "/restored.db").c_str(), &b, SQLITE_OPEN_READONLY, nullptr);
      const std::int64_t in_backup = sql_int(b, "SELECT count(*) FROM job_seeker");
      sqlite3_close(b);
      expect(report["ok"] == true, "the restored backup passes check (" + std::to_string(in_backup) +
                                       " job seekers, " + report["audit"]["entries"].dump() + " audit entries)");
      expect(in_backup > 0 && in_backup < rows, "the backup holds a state between the start and the end");
    } catch (const std::exception& e) {
      expect(false, std::string("restoring the backup: ") + e.what());
    }
  }
  std::printf("%s\n", failures ? "CONCURRENCY TEST FAILED" : "concurrency test passed");
  return failures ? 1 : 0;
}
