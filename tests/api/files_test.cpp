// The files clmis makes (issue 12, defects 2 and 5): the database, its WAL and shared memory and
// its key are 0600 whatever the umask; an export never overwrites the database's own files,
// however they are named, nor an existing file unless asked, and a failed export leaves nothing.
#include <catch2/catch.hpp>

#include "clmis/io.hpp"
#include "support.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Sets the umask for the scope of one test (a Catch2 case runs in a process of its own).
struct Umask {
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("Files: the database, its WAL, shared memory and key are created 0600 whatever the umask", "[files][security]") {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    INFO("umask " << mask);
    Umask u(mask);
    test::TempDir dir;
    auto db = test::standard_db(dir);
    auto admin = db.login("admin", test::kPassword);
    admin.create("employer", clmis::Json{{"name", "Files Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    const std::string f = dir.file("nlad.db");
    for (const std::string& p : {f, f + "-wal", f + "-shm", f + ".key"}) {
      INFO(p);
      CHECK(test::file_mode(p) == 0600);
    }
    CHECK(db.files() == std::vector<std::string>{f, f + "-wal", f + "-shm", f + "-journal", f + ".key"});
  }
}

TEST_CASE("Files: an export never writes over the database's own files, however they are named", "[files][io][errors]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  admin.create("employer", clmis::Json{{"name", "Files Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  const std::string f = dir.file("nlad.db");
  fs::create_symlink(f, dir.file("link.db"));
  REQUIRE(::link(f.c_str(), dir.file("hard.db").c_str()) == 0);
  const std::string key_before = read_all(f + ".key");
  const std::string before = test::db_hash(f);
  const auto listing = test::dir_entries(dir.path());
  for (const std::string& target : {f, f + "-wal", f + "-shm", f + ".key", dir.file("link.db"), dir.file("hard.db"),
                                    dir.file(".") + "/nlad.db", dir.file("sub/../nlad.db")}) {
    INFO(target);
    for (bool replace : {false, true}) {
      try {
        clmis::ExportOptions o;
        o.format = "csv";
        (void)clmis::export_to_file(admin, "employer", target, o, replace);
        FAIL("written");
      } catch (const clmis::Misuse& e) {
        CHECK_THAT(e.what(), Catch::Contains("is the database's own file"));
      }
    }
  }
  CHECK(test::db_hash(f) == before);
  CHECK(read_all(f + ".key") == key_before);
  CHECK(test::dir_entries(dir.path()) == listing);  // no temporary file left
  // The database still opens with its key and verifies.
  CHECK(admin.audit_verify(nullptr)["ok"] == true);
}

TEST_CASE("Files: a database opened through a symbolic or hard link keeps its journals and key under every name", "[files][io][errors]") {
  // The hostile tester's repros: opened as link.db (-> nlad.db), an export to nlad.db-wal
  // replaced the live WAL (SQLite names it after the real file) and committed records were lost;
  // opened as hard.db (a hard link), an export to nlad.db.key destroyed the key.
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  {
    auto db = test::standard_db(dir);
    db.close();
  }
  fs::create_symlink(f, dir.file("link.db"));
  fs::create_symlink(f + ".key", dir.file("link.db.key"));
  REQUIRE(::link(f.c_str(), dir.file("hard.db").c_str()) == 0);
  fs::copy_file(f + ".key", dir.file("hard.db.key"));
  fs::permissions(dir.file("hard.db.key"), fs::perms::owner_read | fs::perms::owner_write);
  for (const std::string name : {"link.db", "hard.db"}) {
    INFO("opened as " << name);
    auto db = clmis::Database::open(dir.file(name));
    auto admin = db.login("admin", test::kPassword);
    admin.create("employer", clmis::Json{{"name", "Files Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    const std::string key_before = read_all(f + ".key");
    const auto listing = test::dir_entries(dir.path());
    const std::string other = name == "link.db" ? "hard.db" : "link.db";
    for (const std::string& target : {f + "-wal", f + "-shm", f + "-journal", f + ".key", dir.file(other) + "-wal",
                                      dir.file("hard.db") + ".key"}) {
      INFO(target);
      for (bool replace : {false, true}) {
        clmis::ExportOptions o;
        o.format = "csv";
        CHECK_THROWS_AS(clmis::export_to_file(admin, "employer", target, o, replace), clmis::Misuse);
      }
    }
    CHECK(read_all(f + ".key") == key_before);
    CHECK(test::dir_entries(dir.path()) == listing);
    CHECK(admin.audit_verify(nullptr)["ok"] == true);
    CHECK(admin.query("employer", clmis::Json::object())["records"].size() == (name == "link.db" ? 1U : 2U));
    db.close();
  }
  // A file that only looks like a journal of another database is written as asked.
  test::TempDir other;
  auto db = test::standard_db(other);
  auto admin = db.login("admin", test::kPassword);
  clmis::ExportOptions o;
  o.format = "csv";
  CHECK(clmis::export_to_file(admin, "employer", dir.file("unrelated.db-wal"), o) == 0);
}

TEST_CASE("Files: an existing file is replaced only when asked, atomically, and a failed export leaves it as it was", "[files][io][errors]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  admin.create("employer", clmis::Json{{"name", "Files Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  const std::string out = dir.file("employers.csv");
  {
    std::ofstream o(out);
    o << "precious\n";
  }
  clmis::ExportOptions o;
  CHECK_THROWS_AS(clmis::export_to_file(admin, "employer", out, o), clmis::AlreadyExists);
  CHECK(read_all(out) == "precious\n");
  // A failed export (an unknown type, a bad filter) leaves the file and no temporary file.
  const auto listing = test::dir_entries(dir.path());
  CHECK_THROWS_AS(clmis::export_to_file(admin, "no_such_type", out, o, true), clmis::NotFound);
  o.filter = clmis::Json::array({{{"field", "colour"}, {"op", "eq"}, {"value", "red"}}});
  CHECK_THROWS_AS(clmis::export_to_file(admin, "employer", out, o, true), clmis::ValidationError);
  CHECK(read_all(out) == "precious\n");
  CHECK(test::dir_entries(dir.path()) == listing);
  // Replaced when asked: the same bytes export_records writes to a stream, in a 0600 file.
  o.filter = clmis::Json::array();
  CHECK(clmis::export_to_file(admin, "employer", out, o, true) == 1);
  std::ostringstream expected;
  clmis::export_records(admin, "employer", expected, o);
  CHECK(read_all(out) == expected.str());
  CHECK(test::file_mode(out) == 0600);
  // A new file; a directory is refused.
  CHECK(clmis::export_to_file(admin, "employer", dir.file("new.jsonl"), clmis::ExportOptions{"jsonl"}) == 1);
  CHECK_THROWS_AS(clmis::export_to_file(admin, "employer", dir.path().string(), o, true), clmis::Misuse);
}
