// Survey and partner data through the C API (issue 17): a partner agency's file imported and
// listed, a revision, and refusals with their codes and the database unchanged.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <string>

using clmis::Json;
using test::take;

namespace {
// Two observations of the unemployed 15+ (thousands, as ILOSTAT publishes levels of persons).
const std::string kFile =
    "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n"
    "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024Q1,1.802,P,,,\n"
    "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2024Q1,0.877,P,,,\n";
}  // namespace

TEST_CASE("C series: a file imported listed and revised", "[capi][series]") {
  test::StandardC c;
  char* out = nullptr;
  REQUIRE(clmis_series_import(&out, c.admin, kFile.data(), kFile.size(), R"({"format": "ilostat", "agency": "NSO"})") ==
          CLMIS_OK);
  const Json r = take(out);
  CHECK(r["added"] == 2);
  CHECK(r["batch"] == 1);
  REQUIRE(clmis_series_json(&out, c.admin, R"({"indicator": "UNE_TUNE_SEX_AGE_NB"})") == CLMIS_OK);
  const Json page = take(out);
  REQUIRE(page["rows"].size() == 2);
  CHECK(page["next"].is_null());
  // Ordered by dimensions: F before _T ('F' < '_').
  CHECK(page["rows"][0]["sex"] == "F");
  CHECK(page["rows"][0]["value"] == "0.877");  // a string: an exact decimal, never a float
  CHECK(page["rows"][0]["unit_mult"] == 3);
  CHECK(page["rows"][1]["period"] == "2024-Q1");
  // The final figure: a revision; out may be NULL.
  std::string revised = kFile;
  revised.replace(revised.find("1.802,P"), 7, "1.815,A");
  REQUIRE(clmis_series_import(nullptr, c.admin, revised.data(), revised.size(), R"({"format": "ilostat", "agency": "NSO"})") ==
          CLMIS_OK);
  REQUIRE(clmis_series_json(&out, c.admin, R"({"revisions": true, "sex": null})") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  REQUIRE(clmis_series_json(&out, c.admin, R"({"revisions": true})") == CLMIS_OK);
  CHECK(take(out)["rows"].size() == 3);
  REQUIRE(clmis_series_json(&out, c.admin, nullptr) == CLMIS_OK);  // NULL: every series, latest revisions
  const Json latest = take(out);
  REQUIRE(latest["rows"].size() == 2);
  CHECK(latest["rows"][1]["value"] == "1.815");
  CHECK(latest["rows"][1]["revision"] == 2);
}

TEST_CASE("C series: bad input gives its code and nothing changes", "[capi][series][errors]") {
  test::StandardC c;
  const std::string h = test::db_hash(c.path);
  char* out = nullptr;
  const char* opts = R"({"format": "ilostat", "agency": "NSO"})";
  CHECK(clmis_series_import(&out, nullptr, kFile.data(), kFile.size(), opts) == CLMIS_EMISUSE);
  CHECK(clmis_series_import(&out, c.admin, nullptr, 5, opts) == CLMIS_EMISUSE);
  CHECK(clmis_series_import(&out, c.admin, kFile.data(), kFile.size(), nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_series_import(&out, c.admin, kFile.data(), kFile.size(), "{not json") == CLMIS_EINVALID);
  // A period that cannot exist: the error names its line and column.
  std::string bad = kFile;
  bad.replace(bad.find("2024Q1,0.877"), 6, "2024Q5");
  CHECK(clmis_series_import(&out, c.admin, bad.data(), bad.size(), opts) == CLMIS_EINVALID);
  CHECK(out == nullptr);
  const Json errs = Json::parse(clmis_error_last_json());
  REQUIRE(errs.size() == 1);
  CHECK(errs[0]["path"] == "line 3, column 7 (time)");
  CHECK(errs[0]["rule"] == "period");
  CHECK(errs[0]["value"] == "2024Q5");
  // Another country's series.
  std::string lca = kFile;
  lca.replace(lca.find("KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T"), 3, "LCA");
  CHECK(clmis_series_import(&out, c.admin, lca.data(), lca.size(), opts) == CLMIS_EINVALID);
  CHECK(clmis_series_json(nullptr, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_series_json(&out, c.admin, "[]") == CLMIS_EINVALID);
  CHECK(test::db_hash(c.path) == h);
  // A user without the series permission or an agency.
  REQUIRE(clmis_user_create(nullptr, c.admin,
                            R"({"name": "stat", "password": "statistics-pw-1", "roles": ["statistician"], "must_change_password": false})") ==
          CLMIS_OK);
  clmis_session* stat = nullptr;
  REQUIRE(clmis_login(&stat, c.db, "stat", "statistics-pw-1") == CLMIS_OK);
  const std::string h2 = test::db_hash(c.path);  // after the login, which is audited
  CHECK(clmis_series_import(&out, stat, kFile.data(), kFile.size(), opts) == CLMIS_EDENIED);
  CHECK(clmis_series_json(&out, stat, nullptr) == CLMIS_EDENIED);
  clmis_session_close(&stat);
  CHECK(test::db_hash(c.path) == h2);
}
