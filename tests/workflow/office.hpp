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
  /// A strike against the employer of section eco (ISIC), with m men and f women directly
  /// involved, from start to end (ended by agreement); returns its id.
  std::int64_t strike(const std::string& reported, const std::string& start, const std::string& end, const std::string& eco,
                      int m, int f) {
    const auto id = admin.create("industrial_action", clmis::Json{{"date_reported", reported},
                                                                  {"action_type", "strike"},
                                                                  {"employers", clmis::Json::array({clmis::Json{{"employer", employer}}})},
                                                                  {"workers_direct_male", m},
                                                                  {"workers_direct_female", f},
                                                                  {"workers_indirect_male", 0},
                                                                  {"workers_indirect_female", 0},
                                                                  {"cause", "pay"},
                                                                  {"isic_section", eco}});
    auto v = admin.transition("industrial_action", id, 1, "start",
                              clmis::Json{{"effective_date", start}, {"fields", {{"start_date", start}}}});
    admin.transition("industrial_action", id, v, "end",
                     clmis::Json{{"effective_date", end}, {"fields", {{"end_date", end}, {"outcome", "ended_agreement"}}}});
    return id;
  }
  /// A new user with one role (and a section), logged in.
  clmis::Session user(const std::string& name, const std::string& role, const std::string& section) {
    clmis::Json spec = {{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}}, {"must_change_password", false}};
    if (!section.empty()) spec["section"] = section;
    admin.user_create(spec);
    return db.login(name, "pw-long-" + name);
  }
};

}  // namespace test
