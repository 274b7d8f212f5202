// Indicator exports through the C API (issue 17): the bytes of a file with their size (an xlsx
// workbook holds NUL bytes), exact lines of SDMX-CSV; bad input gives its code, *out NULL and
// *out_size 0, and changes nothing.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <cstring>
#include <string>

namespace {
/// A complaint received on the day by a person of the sex; closed (settled) on closed if given.
void complaint(test::StandardC& c, const char* received, const char* sex, const char* closed) {
  int64_t id = 0;
  const std::string rec = std::string(R"({"date_received": ")") + received + R"(", "first_name": "Ann", "family_name": ")" +
                          received + sex + R"(", "sex": ")" + sex + "\"}";
  REQUIRE(clmis_record_create(&id, c.admin, "complaint", rec.c_str()) == CLMIS_OK);
  if (!closed) return;
  int64_t v = 0;
  const std::string t = std::string(R"({"effective_date": ")") + closed + R"(", "fields": {"outcome": "settled"}})";
  REQUIRE(clmis_record_transition(&v, c.admin, "complaint", id, 1, "close", t.c_str()) == CLMIS_OK);
}

std::string take_bytes(void* p, size_t n) {
  std::string s(static_cast<const char*>(p), n);
  clmis_free(p);
  return s;
}
}  // namespace

TEST_CASE("C indicator export: SDMX-CSV lines and an xlsx workbook as bytes", "[capi][indicators][export]") {
  test::StandardC c;
  // 2025: 3 received (2 F, 1 M), 2 closed (1 F, 1 M): 66.7; women 1 / 2 → 50.0.
  complaint(c, "2025-01-06", "F", "2025-02-10");
  complaint(c, "2025-01-15", "M", "2025-03-01");
  complaint(c, "2025-02-03", "F", nullptr);
  void* out = nullptr;
  size_t n = 0;
  REQUIRE(clmis_indicators_export(&out, &n, c.admin,
                                  R"({"format": "sdmx-csv", "indicators": ["C7.clearance"], "period": "2025", "by": ["sex"]})") == CLMIS_OK);
  const std::string csv = take_bytes(out, n);
  CHECK(csv.rfind("STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE,", 0) == 0);
  CHECK(csv.find("\r\ndatastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,F,_Z,_Z,_Z,_Z,_T,2025,50.0,A,percent,0,1,DOL,\r\n") !=
        std::string::npos);
  CHECK(csv.find("\r\ndatastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025,66.7,A,percent,0,1,DOL,\r\n") !=
        std::string::npos);
  REQUIRE(clmis_indicators_export(&out, &n, c.admin, R"({"format": "xlsx", "indicators": ["C7.clearance"], "period": "2025"})") == CLMIS_OK);
  const std::string xlsx = take_bytes(out, n);
  CHECK(xlsx.rfind("PK", 0) == 0);                     // a zip container
  CHECK(xlsx.find('\0') != std::string::npos);         // with NUL bytes: the size is what counts
  CHECK(xlsx.find("xl/workbook.xml") != std::string::npos);
}

TEST_CASE("C indicator export: bad input gives its code and nothing changes", "[capi][indicators][export][errors]") {
  test::StandardC c;
  complaint(c, "2025-01-06", "F", nullptr);
  const std::string h = test::db_hash(c.path);
  void* out = reinterpret_cast<void*>(1);
  size_t n = 7;
  CHECK(clmis_indicators_export(nullptr, &n, c.admin, R"({"format": "csv", "period": "2025"})") == CLMIS_EMISUSE);
  CHECK(clmis_indicators_export(&out, nullptr, c.admin, R"({"format": "csv", "period": "2025"})") == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(clmis_indicators_export(&out, &n, nullptr, R"({"format": "csv", "period": "2025"})") == CLMIS_EMISUSE);
  CHECK(clmis_indicators_export(&out, &n, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_indicators_export(&out, &n, c.admin, "{not json") == CLMIS_EINVALID);
  CHECK(clmis_indicators_export(&out, &n, c.admin, R"({"format": "xml", "period": "2025"})") == CLMIS_EINVALID);
  CHECK(clmis_indicators_export(&out, &n, c.admin, R"({"period": "2025"})") == CLMIS_EINVALID);
  CHECK(clmis_indicators_export(&out, &n, c.admin, R"({"format": "csv", "period": "2025-13"})") == CLMIS_EINVALID);
  CHECK(clmis_indicators_export(&out, &n, c.admin, R"({"format": "csv", "period": "2025", "indicators": ["Z1"]})") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(n == 0);
  CHECK(test::db_hash(c.path) == h);
}
