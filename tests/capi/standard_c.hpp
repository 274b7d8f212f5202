// A standard-pack database for C API tests: made with clmis_init (KNA), the administrator
// logged in; both closed when the test ends.
#pragma once

#include "clmis/clmis.h"
#include "clmis/json.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace test {

/// The JSON of a string the C API returned (checked not NULL), freed with clmis_free.
inline clmis::Json take(char* p) {
  REQUIRE(p != nullptr);
  clmis::Json j = clmis::Json::parse(p);
  clmis_free(p);
  return j;
}

struct StandardC {
  TempDir dir;
  std::string path = dir.file("c.db");
  clmis_db* db = nullptr;
  clmis_session* admin = nullptr;
  StandardC() {
    clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
    o.country = "KNA";
    o.admin_password = kPassword.c_str();
    REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
    REQUIRE(clmis_login(&admin, db, "admin", kPassword.c_str()) == CLMIS_OK);
  }
  ~StandardC() {
    clmis_session_close(&admin);
    clmis_close(&db);
  }
  StandardC(const StandardC&) = delete;
  StandardC& operator=(const StandardC&) = delete;
};

}  // namespace test
