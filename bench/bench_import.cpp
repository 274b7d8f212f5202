// The import through either path, for comparing them on the same file and machine:
//   bench_import DB CSV bulk|per-record      (CLMIS_USER, CLMIS_PASSWORD; default admin)
// "bulk" is clmis::import_records (what `clmis import` runs); "per-record" writes every row
// through Session::create / upsert with a savepoint each (the importer before the bulk path).
#include "io/import.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[3], "bulk") != 0 && std::strcmp(argv[3], "per-record") != 0)) {
    std::cerr << "usage: bench_import DB CSV bulk|per-record\n";
    return 2;
  }
  const char* user = std::getenv("CLMIS_USER");
  const char* password = std::getenv("CLMIS_PASSWORD");
  if (!password) {
    std::cerr << "set CLMIS_PASSWORD\n";
    return 2;
  }
  auto db = clmis::Database::open(argv[1]);
  auto s = db.login(user ? user : "admin", password);
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const bool bulk = std::strcmp(argv[3], "bulk") == 0;
  const auto r = bulk ? clmis::import_records(s, "job_seeker", in)
                      : clmis::import_records_per_record(s, "job_seeker", in);
  db.close();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << argv[3] << ": " << r.created << " created of " << r.rows << " rows, " << r.refused
            << " refused, committed " << r.committed << ", " << secs << " s, " << r.rows / secs
            << " rows/s\n";
  return r.committed ? 0 : 1;
}
