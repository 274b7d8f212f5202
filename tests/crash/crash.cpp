// The crash-safety harness (issue 12): kill -9 at a random moment during an import, a run of
// lifecycle transitions and a pack migration, on a prepared database of fixed size, N times,
// and after each kill check that:
//   - PRAGMA integrity_check is ok;
//   - the work is all or nothing (the import's rows are all there or none; each transition is
//     whole — status, version, history and change feed agree; the migration is done or not);
//   - the audit chain verifies, and the database opens normally and takes a write.
// Just before each kill the harness looks at the database's WAL write lock (a byte of the -shm
// file SQLite locks while a write transaction is open) to count the kills that landed inside an
// open write transaction.
// Usage: clmis_crash DIR KILLS [SEED]. Exit 0 when every check holds.
#include "clmis/database.hpp"
#include "clmis/io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

using clmis::Json;
namespace fs = std::filesystem;

namespace {

const std::string kPassword = "crash-test-pass-1";
constexpr int kPrepared = 10000;  // job seekers in the prepared database
constexpr int kImportRows = 3000;
constexpr int kTransitions = 2000;  // job seekers activated one transaction each

std::int64_t sql_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);  // read-write: recovers a hot WAL
  sqlite3_stmt* st = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  else
    std::fprintf(stderr, "SQL failed: %s: %s\n", sql.c_str(), sqlite3_errmsg(db));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string sql_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string v;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/// True if another process holds the WAL write lock: SQLite's unix VFS locks byte 120 of the
/// -shm file (UNIX_SHM_BASE, WAL_WRITE_LOCK) for the whole of a write transaction.
bool write_transaction_open(const std::string& db) {
  const int fd = ::open((db + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 120;
  fl.l_len = 1;
  const bool held = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

void write_csv(const std::string& path, int rows, int first_nis) {
  std::ofstream out(path);
  out << "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n";
  for (int i = 0; i < rows; ++i)
    out << "2025-03-04,Person,Row" << i << "," << first_nis + i << "," << (i % 2 ? "F" : "M") << ",1991-05-05,KN-0"
        << 1 + i % 9 << "\n";
}

enum class Work { import, transitions, migration };
const char* name(Work w) {
  switch (w) {
    case Work::import: return "import";
    case Work::transitions: return "transitions";
    case Work::migration: return "migration";
  }
  return "?";
}

/// What a child does until it is killed (or finishes).
void run(Work w, const std::string& db, const std::string& dir) {
  if (w == Work::migration) {
    clmis::OpenOptions o;
    o.data_dir = dir + "/data-next";
    o.upgrade = true;
    (void)clmis::Database::open(db, o);
    return;
  }
  auto d = clmis::Database::open(db);
  auto s = d.login("admin", kPassword);
  if (w == Work::import) {
    std::ifstream in(dir + "/import.csv");
    (void)clmis::import_records(s, "job_seeker", in);
  } else {
    for (std::int64_t id = 1; id <= kTransitions; ++id) s.transition("job_seeker", id, 1, "activate", Json::object());
  }
}

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAIL %s\n", what.c_str());
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR KILLS [SEED]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const int kills = std::atoi(argv[2]);
  const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : std::random_device{}();
  std::mt19937 rng(seed);
  const std::string prepared = dir + "/prepared.db", work = dir + "/work.db";

  // The prepared database: 10,000 job seekers, all registered.
  {
    clmis::InitOptions o;
    o.country = "KNA";
    o.admin_password = kPassword;
    auto db = clmis::Database::init(prepared, o);
    auto s = db.login("admin", kPassword);
    write_csv(dir + "/prepared.csv", kPrepared, 1000000);
    std::ifstream in(dir + "/prepared.csv");
    const auto r = clmis::import_records(s, "job_seeker", in);
    if (!r.committed) {
      std::fprintf(stderr, "cannot prepare the database\n");
      return 2;
    }
  }
  write_csv(dir + "/import.csv", kImportRows, 2000000);
  // The next pack: the standard pack with one more field, for the migration.
  fs::copy(CLMIS_SOURCE_DIR "/data", dir + "/data-next", fs::copy_options::recursive);
  {
    const std::string p = dir + "/data-next/packs/standard/pack.json";
    std::ifstream in(p);
    Json pack = Json::parse(in);
    pack["version"] = "9.0.0";
    for (auto& t : pack["record_types"])
      if (t["name"] == "job_seeker")
        t["fields"].push_back(Json{{"name", "crash_note"}, {"type", "text"}, {"max_length", 50},
                                   {"label", {{"en", "Note"}}}});
    std::ofstream(p) << pack.dump(1);
  }
  const std::int64_t audit0 = sql_int(prepared, "SELECT count(*) FROM clmis_audit");

  // How long each piece of work takes when left alone: the kills fall within that time.
  std::map<Work, double> seconds;
  for (Work w : {Work::import, Work::transitions, Work::migration}) {
    fs::copy_file(prepared, work, fs::copy_options::overwrite_existing);
    fs::copy_file(prepared + ".key", work + ".key", fs::copy_options::overwrite_existing);
    const auto t0 = std::chrono::steady_clock::now();
    run(w, work, dir);
    seconds[w] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s alone: %.3f s\n", name(w), seconds[w]);
  }

  int inside = 0;
  std::map<Work, int> done_count, inside_count;
  for (int k = 0; k < kills; ++k) {
    const Work w = static_cast<Work>(k % 3);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(work + suffix);
    fs::copy_file(prepared, work);
    fs::copy_file(prepared + ".key", work + ".key", fs::copy_options::overwrite_existing);
    fs::permissions(work + ".key", fs::perms::owner_read | fs::perms::owner_write);
    std::uniform_real_distribution<double> when(0.0, seconds[w] * 1.1);
    const double delay = when(rng);
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        run(w, work, dir);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child: %s\n", e.what());
        std::_Exit(3);
      }
      std::_Exit(0);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    const bool in_txn = write_transaction_open(work);
    ::kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    expect(!(WIFEXITED(status) && WEXITSTATUS(status) == 3), std::string(name(w)) + ": the child failed before the kill");
    if (in_txn && !finished) {
      ++inside;
      ++inside_count[w];
    }
    if (finished) ++done_count[w];
    const std::string what = std::string(name(w)) + " killed after " + std::to_string(delay) + " s";

    expect(sql_text(work, "PRAGMA integrity_check") == "ok", what + ": integrity check");
    const std::int64_t seekers = sql_int(work, "SELECT count(*) FROM job_seeker");
    if (w == Work::import) {
      expect(seekers == kPrepared || seekers == kPrepared + kImportRows,
             what + ": all or nothing (" + std::to_string(seekers) + " job seekers)");
    } else if (w == Work::transitions) {
      const std::int64_t active = sql_int(work, "SELECT count(*) FROM job_seeker WHERE status = 'active'");
      const std::int64_t moved = sql_int(work, "SELECT count(*) FROM clmis_status__job_seeker WHERE event = 'activate'");
      const std::int64_t at_v2 = sql_int(work, "SELECT count(*) FROM job_seeker WHERE version = 2");
      const std::int64_t changes = sql_int(work, "SELECT count(*) FROM clmis_change WHERE op = 'transition'");
      expect(active == moved && moved == at_v2 && at_v2 == changes,
             what + ": each transition whole (active " + std::to_string(active) + ", history " + std::to_string(moved) +
                 ", version 2 " + std::to_string(at_v2) + ", changes " + std::to_string(changes) + ")");
      expect(seekers == kPrepared, what + ": no job seeker lost");
    } else {
      const std::string version = sql_text(work, "SELECT value FROM clmis_meta WHERE key = 'pack_version'");
      const std::int64_t column = sql_int(work, "SELECT count(*) FROM pragma_table_info('job_seeker') WHERE name = 'crash_note'");
      expect((version == "1.9.0" && column == 0) || (version == "9.0.0" && column == 1),
             what + ": migration done or not (pack " + version + ", column " + std::to_string(column) + ")");
    }
    // Opens normally (the stored pack is in force), the trail verifies, and it takes a write.
    try {
      auto db = clmis::Database::open(work);
      auto s = db.login("admin", kPassword);
      const Json v = s.audit_verify(nullptr);
      expect(v["ok"] == true, what + ": the audit chain verifies");
      expect(v["entries"].get<std::int64_t>() >= audit0, what + ": no audit entry lost");
      s.create("employer", Json{{"name", "After the crash"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    } catch (const std::exception& e) {
      expect(false, what + ": opens and takes a write: " + e.what());
    }
  }
  std::printf("%d kills (seed %u): %d inside an open write transaction (import %d, transitions %d, migration %d); "
              "%d of the runs finished before their kill\n",
              kills, seed, inside, inside_count[Work::import], inside_count[Work::transitions],
              inside_count[Work::migration], done_count[Work::import] + done_count[Work::transitions] + done_count[Work::migration]);
  std::printf("%s\n", failures ? "CRASH TEST FAILED" : "crash test passed");
  return failures ? 1 : 0;
}
