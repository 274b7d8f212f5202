// The C API's profile check (issue 17): the report on a database's country profile and on a
// profile alone, NULL arguments and unknown countries.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "support.hpp"

#include <cstring>

using clmis::Json;

TEST_CASE("C: clmis_profile_check_json and clmis_profile_check_country_json", "[capi][profiles]") {
  test::TempDir dir;
  const std::string path = dir.file("dma.db");
  clmis_init_options o = CLMIS_INIT_OPTIONS_INIT;
  o.country = "DMA";
  o.admin_password = test::kPassword.c_str();
  clmis_db* db = nullptr;
  REQUIRE(clmis_init(&db, path.c_str(), &o) == CLMIS_OK);
  const std::string before = test::db_hash(path);

  char* out = nullptr;
  REQUIRE(clmis_profile_check_json(&out, db) == CLMIS_OK);
  const Json report = Json::parse(out);
  clmis_free(out);
  CHECK(report["country"] == "DMA");
  CHECK(report["legal"].size() == 3);
  CHECK(report["holidays"][0]["parameter"] == "calendar");
  CHECK(report["holidays"][0]["status"] == "missing");
  CHECK(test::db_hash(path) == before);

  REQUIRE(clmis_profile_check_country_json(&out, "DMA", nullptr) == CLMIS_OK);
  CHECK(Json::parse(out) == report);
  clmis_free(out);

  // Bad arguments: misuse, *out NULL; an unknown country: not found.
  out = reinterpret_cast<char*>(&o);  // set to NULL by the call
  CHECK(clmis_profile_check_json(&out, nullptr) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_profile_check_json(nullptr, db) == CLMIS_EMISUSE);
  CHECK(clmis_profile_check_country_json(&out, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_profile_check_country_json(nullptr, "DMA", nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_profile_check_country_json(&out, "XYZ", nullptr) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  REQUIRE(clmis_error_last());
  CHECK_THAT(clmis_error_last()->message, Catch::Contains("no country profile"));
  CHECK(clmis_profile_check_country_json(&out, "DMA", dir.file("no-such-dir").c_str()) == CLMIS_ENOTFOUND);
  CHECK(test::db_hash(path) == before);
  clmis_close(&db);
}
