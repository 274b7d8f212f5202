// Test support: temporary directories, fresh databases, and an independent database hash.
#pragma once

#include "clmis/database.hpp"

#include <filesystem>
#include <functional>
#include <cstdint>
#include <string>
#include <vector>

namespace test {

inline const std::string kPassword = "correct-horse-7";

/// A temporary directory (in /dev/shm when available, so fsync costs nothing), removed at exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A fresh database made from the real data/ (embedded pack, KNA profile).
clmis::Database standard_db(const TempDir& dir, const std::string& name = "nlad.db");
/// A fresh database made from tests/fixtures/data (one field of every type).
clmis::Database fixture_db(const TempDir& dir, const std::string& name = "fixture.db");

/// SHA-256 over the schema and every row of every table except clmis_security_log, read through
/// a separate raw SQLite connection: the "database is unchanged" of DESIGN.md §5. With
/// audit_upto >= 0, audit entries after that id are left out: for operations that change nothing
/// but are audited themselves (a login), whose entries audit_actions_after() then names.
std::string db_hash(const std::string& path, std::int64_t audit_upto = -1);
/// The actions of the audit entries with id > after_id, oldest first.
std::vector<std::string> audit_actions_after(const std::string& path, std::int64_t after_id);

/// Runs one SQL statement on a separate raw connection (for fixtures and independent checks).
void raw_exec(const std::string& path, const std::string& sql);
/// The first column of the first row of a query on a separate raw connection, as text.
std::string raw_scalar(const std::string& path, const std::string& sql);

/// Copies a data tree (default: the fixture tree) into dir/name and returns its path.
std::string copy_data(const TempDir& dir, const std::string& name,
                      const std::string& from = CLMIS_TEST_FIXTURES "/data");
/// The permission bits of a file (0600...); fails the test if it does not exist.
int file_mode(const std::string& path);
/// The names in a directory, sorted (to see that nothing, a temporary file included, was left).
std::vector<std::string> dir_entries(const std::filesystem::path& dir);
/// Rewrites a JSON file in place through edit().
void edit_json(const std::string& path, const std::function<void(clmis::Json&)>& edit);

}  // namespace test
