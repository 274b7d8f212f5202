// A Department of Labour for the case tests: a standard-pack database (KNA), its administrator,
// one registered employer, and complaints and officers made on demand.
#pragma once

#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace test {

struct Office {
  TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db = standard_db(dir);
  clmis::Session admin = db.login("admin", kPassword);
  std::int64_t employer = 0;
  int n = 0;

  Office() {
    employer = admin.create("employer", clmis::Json{{"name", "Sugar Bay Hotel"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  }
  /// A complaint against the employer, received on the day, with one claim (a new complainant
  /// each time).
  clmis::Json complaint_json(const std::string& received = "2025-03-03") {
    ++n;
    return clmis::Json{{"date_received", received},
                       {"first_name", "Keisha"},
                       {"family_name", "Liburd " + std::to_string(n)},
                       {"sex", "F"},
                       {"employer", employer},
                       {"claims", clmis::Json::array({clmis::Json{{"category", "unpaid_wages"},
                                                                  {"amount_claimed", {{"amount", "1234.56"}, {"currency", "XCD"}}}}})}};
  }
  /// Such a complaint, created by the administrator; returns its id.
  std::int64_t complaint(const std::string& received) { return admin.create("complaint", complaint_json(received)); }
  /// A new user with one role (and a section), logged in.
  clmis::Session user(const std::string& name, const std::string& role, const std::string& section) {
    clmis::Json spec = {{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}}, {"must_change_password", false}};
    if (!section.empty()) spec["section"] = section;
    admin.user_create(spec);
    return db.login(name, "pw-long-" + name);
  }
};

}  // namespace test
