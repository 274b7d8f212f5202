// examples/cpp/registry.cpp — the C++ API (static library) from start to finish.
//
// Creates a database for Saint Lucia, imports three job seekers from CSV text (one of them bad,
// skipped and reported), moves one through its lifecycle, and prints the job seekers in each
// state at two dates, computed from the history.
//
//   usage: registry DATABASE   (the file must not exist; CLMIS_PASSWORD holds the admin password)
//
// Built and run by the test suite (tests/CMakeLists.txt).
#include <clmis/database.hpp>
#include <clmis/io.hpp>

#include <cstdlib>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  const char* password = std::getenv("CLMIS_PASSWORD");
  if (argc != 2 || !password) {
    std::cerr << "usage: registry DATABASE  (with CLMIS_PASSWORD set)\n";
    return 2;
  }
  try {
    clmis::InitOptions init;
    init.country = "LCA";
    init.admin_password = password;
    auto db = clmis::Database::init(argv[1], init);
    auto s = db.login("admin", password);
    std::cout << "1. created " << argv[1] << " for Saint Lucia\n";

    // 2. A CSV export from an old register, dates as the seed's screens wrote them (D/M/YYYY).
    std::istringstream csv(
        "registration_date,first_name,family_name,sex,date_of_birth,parish\n"
        "3/2/2025,Marcia,Joseph,F,14/7/1999,LC-02\n"
        "10/2/2025,Kervin,Alexander,M,1/1/1995,LC-99\n"  // not a Saint Lucia district
        "17/2/2025,Shanelle,Auguste,F,30/11/2001,LC-06\n");
    clmis::ImportOptions o;
    o.on_error = clmis::OnError::skip;
    o.date_format = "D/M/YYYY";
    o.source = "old-register.csv";
    const auto report = clmis::import_records(s, "job_seeker", csv, o);
    std::cout << "2. imported " << report.created << " of " << report.rows << " job seekers; refused:";
    for (const auto& p : report.problems)
      if (!p.warning) std::cout << " row " << p.row << " " << p.column << " (" << p.rule << ")";
    std::cout << "\n";

    // 3. The first job seeker is activated, then placed in a job.
    const auto page = s.query("job_seeker", clmis::Json{{"sort", clmis::Json::array({clmis::Json{{"field", "registration_no"}}})}});
    const std::int64_t id = page["records"][0]["id"];
    auto v = s.transition("job_seeker", id, 1, "activate", clmis::Json{{"effective_date", "2025-02-05"}});
    s.transition("job_seeker", id, v, "close",
                 clmis::Json{{"effective_date", "2025-04-22"}, {"fields", {{"outcome", "placed"}}}});
    std::cout << "3. " << page["records"][0]["registration_no"].get<std::string>() << " activated and placed\n";

    // 4. Stocks from the history.
    for (const char* date : {"2025-02-28", "2025-04-30"})
      std::cout << "4. on " << date << ": " << s.status_counts("job_seeker", date)["counts"].dump() << "\n";
    std::cout << "done.\n";
    return 0;
  } catch (const clmis::Error& e) {
    std::cerr << "clmis: " << e.what() << "\n";
    return 1;
  }
}
