// The exchange formats of the indicator engine (issue 17; docs/indicators.md, "Exports"):
// SDMX-CSV 2.0, an SDMX-JSON 2.0 data message, the SDMX-JSON structure message, ILOSTAT's bulk
// CSV, plain CSV, JSON and an Excel workbook, over a small database whose values are worked out
// by hand in the comments (the same actions as tests/indicators/indicators_test.cpp, on the KNA
// calendar). The expected lines are written out in full from the SDMX/ILOSTAT code mapping
// (../shared/INDICATORS.md) and the definitions in data/packs/standard/indicators.json (C3:
// days, 0 decimals, DOL; C5: days, 1 decimal; C7.clearance: percent, 1 decimal; C1, C2, C3 with
// ILOSTAT codes STR_TSTR_ECO_NB, STR_WORK_ECO_NB, STR_DAYS_ECO_NB), never from the output.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "indicators/export.hpp"
#include "io/xlsx_read.hpp"
#include "support.hpp"
#include "workflow/office.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <tuple>
#include <sstream>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

/// The Department with two strikes of 2025 and two complaints of 2025.
struct Exchange : test::Office {
  Exchange() {
    // a1, section I, 50 men and 10 women, Mon 2025-07-28 to Fri 2025-08-08: 8 working days on
    // the KNA calendar (the weekend of Aug 2-3, Emancipation Day Aug 4, Culturama Day Aug 5 not
    // worked) → 60 × 8 = 480 days not worked. No parish: geo not stated (_N).
    strike("2025-07-25", "2025-07-28", "2025-08-08", "I", 50, 10);
    // a2, section C, 10 men, Tue 2025-03-04 to Thu 2025-03-06: 3 working days → 30 days.
    strike("2025-03-03", "2025-03-04", "2025-03-06", "C", 10, 0);
    // K1 (F) received 2025-01-06, closed settled 2025-02-10; K2 (M) received 2025-01-15, open.
    // Neither has a parish. C7.clearance 2025: 1 closed / 2 received × 100 = 50.0; Q1 the same;
    // Q2 to Q4: 0 / 0, cannot exist (M, "the denominator is zero").
    const auto k1 = complaint("2025-01-06");
    Json k2 = complaint_json("2025-01-15");
    k2["sex"] = "M";
    admin.create("complaint", k2);
    admin.transition("complaint", k1, admin.get("complaint", k1)["version"].get<std::int64_t>(), "close",
                     Json{{"effective_date", "2025-02-10"}, {"fields", {{"outcome", "settled"}}}});
  }
  std::string exp(Json spec) { return admin.indicators_export(spec); }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos);  // every line ends with CRLF
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

bool has(const std::vector<std::string>& ls, const std::string& line) { return std::find(ls.begin(), ls.end(), line) != ls.end(); }

}  // namespace

TEST_CASE("SDMX-CSV 2.0 rows with _Z _T _N codes and exact values", "[indicators][export]") {
  Exchange o;
  const auto ls = lines(o.exp(Json{{"format", "sdmx-csv"}, {"indicators", {"C3", "C5", "C7.clearance"}}, {"period", "2025"}, {"by", {"geo"}}}));
  CHECK(ls.at(0) ==
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
        "UNIT_MEASURE,UNIT_MULT,DECIMALS,SOURCE,COMMENT");
  // C3 has eco and geo: SEX, AGE, OCU, EDU are _Z; not broken down by eco: _T. 480 + 30 = 510.
  CHECK(has(ls, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C3,_Z,_Z,_T,_Z,_Z,_T,2025,510,A,days,0,0,DOL,"));
  // Both actions have no parish: the not-stated cell holds all of it.
  CHECK(has(ls, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C3,_Z,_Z,_T,_Z,_Z,_N,2025,510,A,days,0,0,DOL,"));
  // C5 = C3 / C2 = 510 / 70 = 7.2857... → 7.3 (1 decimal).
  CHECK(has(ls, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C5,_Z,_Z,_T,_Z,_Z,_T,2025,7.3,A,days,0,1,DOL,"));
  // C7.clearance has sex and geo: SEX _T, ECO _Z. 1 / 2 × 100 = 50.0, the trailing zero kept.
  CHECK(has(ls, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025,50.0,A,percent,0,1,DOL,"));
  CHECK(has(ls, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_N,2025,50.0,A,percent,0,1,DOL,"));
  CHECK(ls.size() == 1 + 6);  // three indicators × (total, geo=_N)

  // By eco: section I 480 / 60 = 8.0, its trailing zero kept; C 30 / 10 = 3.0.
  const auto eco = lines(o.exp(Json{{"format", "sdmx-csv"}, {"indicators", {"C5"}}, {"period", "2025"}, {"by", {"eco"}}}));
  CHECK(has(eco, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C5,_Z,_Z,I,_Z,_Z,_T,2025,8.0,A,days,0,1,DOL,"));
  CHECK(has(eco, "datastructure,CLMIS:LMI(1.0),I,KNA,A,C5,_Z,_Z,C,_Z,_Z,_T,2025,3.0,A,days,0,1,DOL,"));

  // Quarters: Q2 has no complaint received: M, no value, the note in COMMENT.
  const auto q = lines(o.exp(Json{{"format", "sdmx-csv"}, {"indicators", {"C7.clearance"}}, {"period", "2025"}, {"freq", "quarter"}}));
  CHECK(has(q, "datastructure,CLMIS:LMI(1.0),I,KNA,Q,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025-Q1,50.0,A,percent,0,1,DOL,"));
  CHECK(has(q, "datastructure,CLMIS:LMI(1.0),I,KNA,Q,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025-Q2,,M,percent,0,1,DOL,the denominator is zero"));
  CHECK(q.size() == 1 + 4);

  // Months: TIME_PERIOD 2025-03, FREQ M (a2 began in March: 30 days).
  const auto m = lines(o.exp(Json{{"format", "sdmx-csv"}, {"indicators", {"C3"}}, {"period", "2025-03"}}));
  CHECK(has(m, "datastructure,CLMIS:LMI(1.0),I,KNA,M,C3,_Z,_Z,_T,_Z,_Z,_T,2025-03,30,A,days,0,0,DOL,"));
}

TEST_CASE("SDMX-JSON 2.0 data message parsed back by key positions", "[indicators][export]") {
  Exchange o;
  const std::string text = o.exp(Json{{"format", "sdmx-json"}, {"indicators", {"C5", "C7.clearance"}}, {"period", "2025"}, {"freq", "quarter"}});
  const Json j = Json::parse(text);
  CHECK(j["meta"]["schema"].get<std::string>().find("2.0.0/sdmx-json-data-schema.json") != std::string::npos);
  const Json& st = j["data"]["structures"][0];
  CHECK(st["links"][0]["urn"] == "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=CLMIS:LMI(1.0)");
  const std::vector<std::string> series_ids = {"REF_AREA", "FREQ", "INDICATOR", "SEX", "AGE", "ECO", "OCU", "EDU", "GEO"};
  REQUIRE(st["dimensions"]["series"].size() == series_ids.size());
  for (size_t i = 0; i < series_ids.size(); ++i) {
    CHECK(st["dimensions"]["series"][i]["id"] == series_ids[i]);
    CHECK(st["dimensions"]["series"][i]["keyPosition"] == static_cast<int>(i));
  }
  REQUIRE(st["dimensions"]["observation"].size() == 1);
  CHECK(st["dimensions"]["observation"][0]["id"] == "TIME_PERIOD");
  CHECK(st["dimensions"]["observation"][0]["keyPosition"] == 9);
  CHECK(st["measures"]["observation"][0]["id"] == "OBS_VALUE");
  CHECK(st["attributes"]["observation"][0]["id"] == "OBS_STATUS");
  CHECK(st["attributes"]["observation"][1]["id"] == "COMMENT");
  CHECK(st["attributes"]["series"][2]["id"] == "DECIMALS");

  // Decode every observation through the positions: (indicator, sex, eco, period) → [value, status, comment].
  std::map<std::string, Json> got;
  auto value_of = [&](size_t dim, const std::string& pos) {
    return st["dimensions"]["series"][dim]["values"][std::stoul(pos)]["id"].get<std::string>();
  };
  const Json& ds = j["data"]["dataSets"][0];
  CHECK(ds["structure"] == 0);
  for (auto s = ds["series"].begin(); s != ds["series"].end(); ++s) {
    std::vector<std::string> pos;
    std::stringstream key(s.key());
    for (std::string p; std::getline(key, p, ':');) pos.push_back(p);
    REQUIRE(pos.size() == 9);
    CHECK(value_of(0, pos[0]) == "KNA");
    CHECK(value_of(1, pos[1]) == "Q");
    const std::string id = value_of(2, pos[2]) + "|" + value_of(3, pos[3]) + "|" + value_of(5, pos[5]) + "|" + value_of(8, pos[8]);
    const auto decimals = (*s)["attributes"][2].get<int>();
    for (auto ob = (*s)["observations"].begin(); ob != (*s)["observations"].end(); ++ob) {
      const std::string period = st["dimensions"]["observation"][0]["values"][std::stoul(ob.key())]["id"];
      const Json& a = *ob;
      Json decoded = {{"value", a[0]},
                      {"status", st["attributes"]["observation"][0]["values"][a[1].get<size_t>()]["id"]},
                      {"comment", a[2].is_null() ? Json(nullptr) : st["attributes"]["observation"][1]["values"][a[2].get<size_t>()]["id"]},
                      {"decimals", st["attributes"]["series"][2]["values"][static_cast<size_t>(decimals)]["id"]}};
      got[id + "|" + period] = decoded;
    }
  }
  // C5 (eco, geo; no sex): SEX _Z, ECO _T, GEO _T. Q1: a2 alone, 30 / 10 = 3.0; Q3: a1, 480 / 60 = 8.0.
  REQUIRE(got.count("C5|_Z|_T|_T|2025-Q3"));
  CHECK(got["C5|_Z|_T|_T|2025-Q3"]["value"].is_number());
  CHECK(got["C5|_Z|_T|_T|2025-Q3"]["value"].dump() == "8.0");
  CHECK(got["C5|_Z|_T|_T|2025-Q1"]["value"].dump() == "3.0");
  CHECK(got["C5|_Z|_T|_T|2025-Q3"]["status"] == "A");
  CHECK(got["C5|_Z|_T|_T|2025-Q3"]["decimals"] == "1");
  // C7.clearance (sex, geo): Q1 50.0; Q2 M with no value and its note.
  CHECK(got["C7.clearance|_T|_Z|_T|2025-Q1"]["value"].dump() == "50.0");
  CHECK(got["C7.clearance|_T|_Z|_T|2025-Q2"]["value"].is_null());
  CHECK(got["C7.clearance|_T|_Z|_T|2025-Q2"]["status"] == "M");
  CHECK(got["C7.clearance|_T|_Z|_T|2025-Q2"]["comment"] == "the denominator is zero");
  // Q2 of C5: no action, 0 / 0: M.
  CHECK(got["C5|_Z|_T|_T|2025-Q2"]["status"] == "M");
  CHECK(got.size() == 8);  // two indicators × four quarters, totals only
  // The value is written as its numeral, never through a double: "50.0" in the text.
  CHECK(text.find("50.0") != std::string::npos);
  CHECK(text.find("\"50.0\"") == std::string::npos);
  CHECK(text.find("@@") == std::string::npos);
}

TEST_CASE("SDMX-JSON structure message with the DSD and its codelists", "[indicators][export]") {
  Exchange o;
  // No period: a structure holds no values.
  const Json j = Json::parse(o.exp(Json{{"format", "sdmx-structure"}}));
  const Json& dsd = j["data"]["dataStructures"][0];
  CHECK(dsd["id"] == "LMI");
  CHECK(dsd["agencyID"] == "CLMIS");
  CHECK(dsd["version"] == "1.0");
  const Json& dims = dsd["dataStructureComponents"]["dimensionList"]["dimensions"];
  REQUIRE(dims.size() == 9);
  CHECK(dims[3]["id"] == "SEX");
  CHECK(dims[3]["position"] == 3);
  CHECK(dims[3]["localRepresentation"]["enumeration"] == "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=CLMIS:CL_SEX(1.0)");
  CHECK(dsd["dataStructureComponents"]["dimensionList"]["timeDimensions"][0]["id"] == "TIME_PERIOD");
  CHECK(dsd["dataStructureComponents"]["dimensionList"]["timeDimensions"][0]["position"] == 9);
  std::vector<std::string> attrs;
  for (const auto& a : dsd["dataStructureComponents"]["attributeList"]["attributes"]) attrs.push_back(a["id"]);
  CHECK(attrs == std::vector<std::string>{"OBS_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "SOURCE", "COMMENT"});
  std::map<std::string, std::vector<std::string>> lists;
  for (const auto& cl : j["data"]["codelists"])
    for (const auto& c : cl["codes"]) lists[cl["id"]].push_back(c["id"]);
  CHECK(lists["CL_SEX"] == std::vector<std::string>{"_T", "M", "F", "_N", "_Z"});
  CHECK(lists["CL_AGE"] == std::vector<std::string>{"_T", "Y_LT15", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65", "_N",
                                                    "Y_GE15", "Y15T64", "Y_GE25", "Y25T54", "_Z"});
  // ISIC Rev.4 has 21 sections A to U; ISCO-08 10 major groups 0 to 9.
  const auto& eco = lists["CL_ECO"];
  CHECK(std::count_if(eco.begin(), eco.end(), [](const std::string& c) { return c.size() == 1; }) == 21);
  CHECK(std::find(eco.begin(), eco.end(), "I") != eco.end());
  const auto& ocu = lists["CL_OCU"];
  CHECK(std::find(ocu.begin(), ocu.end(), "2") != ocu.end());
  CHECK(std::find(lists["CL_EDU"].begin(), lists["CL_EDU"].end(), "ISCED11_3") != lists["CL_EDU"].end());
  // The parishes of Saint Kitts and Nevis, from the country profile.
  CHECK(std::find(lists["CL_GEO"].begin(), lists["CL_GEO"].end(), "KN-03") != lists["CL_GEO"].end());
  CHECK(std::find(lists["CL_INDICATOR"].begin(), lists["CL_INDICATOR"].end(), "C7.clearance") != lists["CL_INDICATOR"].end());
  CHECK(lists["CL_OBS_STATUS"] == std::vector<std::string>{"A", "E", "P", "B", "Q", "U", "O", "M"});
  CHECK(lists["CL_FREQ"] == std::vector<std::string>{"A", "Q", "M"});
  CHECK(lists["CL_AREA"] == std::vector<std::string>{"KNA"});
  CHECK(j["data"]["conceptSchemes"][0]["concepts"].size() == 17);  // 10 dimensions, the measure, 6 attributes
}

TEST_CASE("ILOSTAT bulk CSV in thousands for workers and days", "[indicators][export]") {
  Exchange o;
  const auto ls = lines(o.exp(Json{{"format", "ilostat"}, {"indicators", {"C1", "C2", "C3", "C5"}}, {"period", "2025"},
                                   {"by", {"eco", "geo"}}}));
  CHECK(ls.at(0) == "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source");
  // C1: strikes are counted in units. 2 began in 2025, one in I and one in C.
  CHECK(has(ls, "KNA,DOL,STR_TSTR_ECO_NB,SEX_T,ECO_ISIC4_TOTAL,,2025,2,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_TSTR_ECO_NB,SEX_T,ECO_ISIC4_I,,2025,1,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_TSTR_ECO_NB,SEX_T,ECO_ISIC4_C,,2025,1,,,,"));
  // C2: 60 + 10 = 70 workers = 0.07 thousand; C3: 510 days = 0.51 thousand, I 0.48, C 0.03.
  CHECK(has(ls, "KNA,DOL,STR_WORK_ECO_NB,SEX_T,ECO_ISIC4_TOTAL,,2025,0.07,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_WORK_ECO_NB,SEX_T,ECO_ISIC4_I,,2025,0.06,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_DAYS_ECO_NB,SEX_T,ECO_ISIC4_TOTAL,,2025,0.51,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_DAYS_ECO_NB,SEX_T,ECO_ISIC4_I,,2025,0.48,,,,"));
  CHECK(has(ls, "KNA,DOL,STR_DAYS_ECO_NB,SEX_T,ECO_ISIC4_C,,2025,0.03,,,,"));
  // C5 has no ILOSTAT code; the geo cells are not sent: 3 indicators × (total, I, C).
  CHECK(ls.size() == 1 + 9);
  // C4 (STR_DAYS_ECO_RT) is O, no survey employees imported: no value, nothing to send.
  CHECK(lines(o.exp(Json{{"format", "ilostat"}, {"indicators", {"C4"}}, {"period", "2025"}})).size() == 1);
  // Quarters and months: 2025Q1, 2025M03.
  const auto q = lines(o.exp(Json{{"format", "ilostat"}, {"indicators", {"C1"}}, {"period", "2025-Q1"}}));
  CHECK(has(q, "KNA,DOL,STR_TSTR_ECO_NB,SEX_T,ECO_ISIC4_TOTAL,,2025Q1,1,,,,"));
  const auto m = lines(o.exp(Json{{"format", "ilostat"}, {"indicators", {"C3"}}, {"period", "2025-03"}}));
  CHECK(has(m, "KNA,DOL,STR_DAYS_ECO_NB,SEX_T,ECO_ISIC4_TOTAL,,2025M03,0.03,,,,"));
  // Indicators without an ILOSTAT code give the header alone.
  CHECK(lines(o.exp(Json{{"format", "ilostat"}, {"indicators", {"C7.clearance"}}, {"period", "2025"}})).size() == 1);
}

TEST_CASE("ILOSTAT rows by sex and age bands with levels in thousands", "[indicators][export]") {
  // The standard pack with an ILOSTAT code given to D1.inflow (registrations, by sex, age, geo...)
  // as if ILOSTAT published it: UNE_TREG_SEX_AGE_NB, a level of persons, in thousands.
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  test::edit_json(root + "/packs/standard/indicators.json", [](Json& j) {
    for (auto& d : j["indicators"])
      if (d["id"] == "D1.inflow") d["ilostat"] = "UNE_TREG_SEX_AGE_NB";
  });
  clmis::InitOptions io;
  io.country = "KNA";
  io.admin_password = test::kPassword;
  io.data_dir = root;
  auto db = clmis::Database::init(dir.file("nlad.db"), io);
  auto s = db.login("admin", test::kPassword);
  // Registered in 2024, ages on the day of entry: F 23 (15-24, KN-03), M 24 (15-24, KN-03),
  // M 64 (55-64, no parish).
  for (const auto& [sex, born, on, parish] : std::vector<std::tuple<const char*, const char*, const char*, const char*>>{
           {"F", "2000-03-15", "2024-01-10", "KN-03"}, {"M", "1999-04-10", "2024-02-01", "KN-03"}, {"M", "1959-05-20", "2024-03-01", nullptr}}) {
    Json j = {{"registration_date", on}, {"first_name", "A"}, {"family_name", std::string("B") + born}, {"sex", sex}, {"date_of_birth", born}};
    if (parish) j["parish"] = parish;
    s.create("job_seeker", j);
  }
  const auto ls = lines(s.indicators_export(Json{{"format", "ilostat"}, {"indicators", {"D1.inflow"}}, {"period", "2024"},
                                                 {"by", {"sex", "age", "geo"}}}));
  // 3 persons = 0.003 thousand; the total's age is AGE_10YRBANDS_TOTAL.
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_T,AGE_10YRBANDS_TOTAL,,2024,0.003,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_F,AGE_10YRBANDS_TOTAL,,2024,0.001,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_M,AGE_10YRBANDS_TOTAL,,2024,0.002,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_T,AGE_10YRBANDS_Y15-24,,2024,0.002,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_T,AGE_10YRBANDS_Y55-64,,2024,0.001,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_M,AGE_10YRBANDS_Y55-64,,2024,0.001,,,,"));
  // Summary bands: 15+ all 3, 15-64 all 3 (23, 24, 64), 25+ the man of 64.
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,0.003,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_T,AGE_YTHADULT_Y15-64,,2024,0.003,,,,"));
  CHECK(has(ls, "KNA,DOL,UNE_TREG_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE25,,2024,0.001,,,,"));
  // No subdivision is sent, and no row twice.
  for (const auto& l : ls) CHECK(l.find("KN-") == std::string::npos);
  std::set<std::string> unique(ls.begin(), ls.end());
  CHECK(unique.size() == ls.size());
}

TEST_CASE("ILOSTAT codes of time and classifications and exact thousandths", "[indicators][export]") {
  namespace x = clmis::detail::indicator_export;
  CHECK(x::thousandths("70") == "0.07");
  CHECK(x::thousandths("1500") == "1.5");
  CHECK(x::thousandths("12.5") == "0.0125");
  CHECK(x::thousandths("123456.7") == "123.4567");
  CHECK(x::thousandths("-3") == "-0.003");
  CHECK(x::thousandths("0") == "0");
  CHECK(x::thousandths("1000") == "1");
  CHECK(x::ilostat_time("2024") == "2024");
  CHECK(x::ilostat_time("2024-Q1") == "2024Q1");
  CHECK(x::ilostat_time("2024-01") == "2024M01");
  CHECK(x::ilostat_in_thousands("STR_WORK_ECO_NB"));
  CHECK(x::ilostat_in_thousands("EMP_TEMP_SEX_AGE_NB"));
  CHECK_FALSE(x::ilostat_in_thousands("STR_TSTR_ECO_NB"));
  CHECK_FALSE(x::ilostat_in_thousands("STR_DAYS_ECO_RT"));
  // Classifications, with ILOSTAT's "not elsewhere classified" for not stated: X for ISIC and
  // ISCO, but 9 for ISCED 2011, whose X is "no schooling" (the ILO's microdata processing
  // do-files, which list EDU_ISCED11_X to EDU_ISCED11_9 with their labels).
  CHECK(x::ilostat_classification("edu", "_N") == "EDU_ISCED11_9");
  CHECK(x::ilostat_classification("edu", "ISCED11_3") == "EDU_ISCED11_3");
  CHECK(x::ilostat_classification("edu", "_T") == "EDU_ISCED11_TOTAL");
  CHECK(x::ilostat_classification("ocu", "_N") == "OCU_ISCO08_X");
  CHECK(x::ilostat_classification("eco", "_N") == "ECO_ISIC4_X");
  CHECK(x::ilostat_classification("eco", "I") == "ECO_ISIC4_I");
  CHECK(x::ilostat_classification("age", "Y15T24") == "AGE_10YRBANDS_Y15-24");
  CHECK(x::ilostat_classification("age", "_N").empty());
}

TEST_CASE("Plain CSV and JSON exports with the definitions' metadata", "[indicators][export]") {
  Exchange o;
  const auto ls = lines(o.exp(Json{{"format", "csv"}, {"indicators", {"C7.clearance"}}, {"period", "2025"}, {"by", {"sex"}}}));
  CHECK(ls.at(0) == "indicator,period,freq,sex,value,status,numerator,denominator,records");
  // F: K1 closed of K1 received: 100.0; M: K2 open: 0 / 1 = 0.0.
  CHECK(has(ls, "C7.clearance,2025,A,_T,50.0,A,1,2,3"));
  CHECK(has(ls, "C7.clearance,2025,A,F,100.0,A,1,1,2"));
  CHECK(has(ls, "C7.clearance,2025,A,M,0.0,A,0,1,1"));
  const Json j = Json::parse(o.exp(Json{{"format", "json"}, {"indicators", {"C7.clearance"}}, {"period", "2025"}, {"lang", "en"}}));
  REQUIRE(j["observations"].size() == 1);
  CHECK(j["observations"][0]["value"] == "50.0");
  REQUIRE(j["indicators"].size() == 1);
  CHECK(j["indicators"][0]["id"] == "C7.clearance");
  CHECK(j["indicators"][0]["metadata"].contains("definition"));
  CHECK(j["indicators"][0]["unit"] == "percent");
}

TEST_CASE("Excel export has a sheet per indicator with numbers and a metadata sheet", "[indicators][export]") {
  Exchange o;
  const std::string bytes = o.exp(Json{{"format", "xlsx"}, {"indicators", {"C3", "C7.clearance"}}, {"period", "2025"}, {"freq", "quarter"}});
  const std::string file = o.dir.file("ind.xlsx");
  {
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const auto book = test::xlsx::read(file);
  CHECK(book.sheet_names() == std::vector<std::string>{"C3", "C7.clearance", "metadata"});
  const auto& c7 = book.sheet("C7.clearance");
  CHECK(c7.headers() == std::vector<std::string>{"period", "freq", "value", "status", "numerator", "denominator", "records", "note"});
  // Row 2: 2025-Q1, 50.0 as a number shown with one decimal.
  CHECK(c7.at("period", 2).value == "2025-Q1");
  CHECK(c7.at("value", 2).type.empty());
  CHECK(c7.at("value", 2).value == "50");
  CHECK(c7.at("value", 2).format == "0.0");
  CHECK(c7.at("records", 2).type.empty());
  // Row 3: 2025-Q2, M: no value, the note.
  CHECK(c7.at("value", 3).value.empty());
  CHECK(c7.at("status", 3).value == "M");
  CHECK(c7.at("note", 3).value == "the denominator is zero");
  CHECK(c7.last_row() == 5);  // header + 4 quarters
  const auto& c3 = book.sheet("C3");
  CHECK(c3.at("value", 4).value == "480");  // Q3: a1
  CHECK(c3.at("value", 4).type.empty());
  const auto& md = book.sheet("metadata");
  CHECK(md.headers() == std::vector<std::string>{"id", "name", "definition", "source", "method", "limitations", "unit", "agency", "version"});
  CHECK(md.at("id", 3).value == "C7.clearance");
  CHECK(md.at("unit", 3).value == "percent");
  CHECK(md.at("name", 3).value == "Clearance rate of complaints");
}

TEST_CASE("Indicator export refuses bad input and changes nothing", "[indicators][export]") {
  Exchange o;
  const std::string before = test::db_hash(o.path);
  CHECK(errors_of([&] { (void)o.exp(Json{{"format", "xml"}, {"period", "2025"}}); }) == Errs{{"format", "code_list"}});
  CHECK(errors_of([&] { (void)o.exp(Json{{"period", "2025"}}); }) == Errs{{"format", "required"}});
  CHECK(errors_of([&] { (void)o.exp(Json{{"format", "csv"}, {"period", "2025"}, {"lang", 3}}); }) == Errs{{"lang", "type"}});
  CHECK(errors_of([&] { (void)o.exp(Json{{"format", "sdmx-csv"}, {"period", "2025-13"}}); }).size() == 1);
  CHECK(errors_of([&] { (void)o.exp(Json{{"format", "sdmx-structure"}, {"indicators", {"Z9"}}}); }) ==
        Errs{{"indicators[0]", "code_list"}});
  CHECK(errors_of([&] { (void)o.exp(Json{{"format", "csv"}, {"indicators", {"C3"}}, {"period", "2025"}, {"by", {"sex"}}}); }).size() == 1);
  CHECK(test::db_hash(o.path) == before);
}
