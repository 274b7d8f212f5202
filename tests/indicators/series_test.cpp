// Survey and partner data (issue 17; src/indicators/series*.hpp, src/store/series.hpp): the
// three file formats, the unit multiplier ILOSTAT implies, revisions, refusals that change
// nothing, and the partner agencies' reach. The fixture tests/fixtures/series/kna_ilostat.csv
// is written by hand; every expected value below is read off it (or worked out) by hand.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"

#include "indicators/series_formats.hpp"
#include "store/series.hpp"
#include "store/sqlite.hpp"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

using clmis::Json;
using namespace clmis::indicators;

namespace {

/// A fixture's bytes (read when the program starts: no Catch2 assertion here; a missing file
/// gives "", which every test using it then fails on).
std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CLMIS_TEST_FIXTURES) + "/series/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kIlostat = fixture("kna_ilostat.csv");
const std::string kIlostatHeader =
    "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source\n";

/// Every row of a listing (all pages).
Json all_rows(clmis::Session& s, Json q = Json::object()) {
  Json rows = Json::array();
  for (;;) {
    auto page = s.series(q);
    for (auto& r : page["rows"]) rows.push_back(r);
    if (page["next"].is_null()) return rows;
    q["after"] = page["next"];
  }
}

/// The row of an indicator, sex, age and period.
Json row_of(const Json& rows, const std::string& indicator, const std::string& sex, const std::string& age,
            const std::string& period) {
  for (const auto& r : rows)
    if (r["indicator"] == indicator && r["sex"] == sex && r["age"] == age && r["period"] == period) return r;
  FAIL("no row " << indicator << " " << sex << " " << age << " " << period);
  return {};
}

std::string sha256_hex(const std::string& bytes) {
  REQUIRE(sodium_init() >= 0);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string hex;
  static const char* const d = "0123456789abcdef";
  for (unsigned char c : out) {
    hex += d[c >> 4];
    hex += d[c & 15];
  }
  return hex;
}

/// The file with one line's text replaced.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// The validation error of an import: (path, rule) pairs; and the database unchanged.
test::Errs refused(clmis::Session& s, const std::string& db, const std::string& bytes, const Json& options) {
  const auto before = test::db_hash(db);
  auto errs = test::errors_of([&] { (void)s.series_import(bytes, options); });
  CHECK(test::db_hash(db) == before);
  return errs;
}

bool has(const test::Errs& errs, const std::string& path, const std::string& rule) {
  return std::any_of(errs.begin(), errs.end(), [&](const auto& e) { return e.first == path && e.second == rule; });
}

clmis::Session partner(clmis::Database& db, clmis::Session& admin, const std::string& name, const std::string& agency) {
  admin.user_create(Json{{"name", name},
                         {"password", "pw-" + name + "-agency"},
                         {"roles", {"partner_agency"}},
                         {"agency", agency},
                         {"must_change_password", false}});
  return db.login(name, "pw-" + name + "-agency");
}

}  // namespace

TEST_CASE("Series: periods are read in SDMX and ILOSTAT forms and impossible ones refused", "[series]") {
  // 2024-01-01 is day 54 × 365 + 13 leap days (1972 … 2020) = 19723 since 1970-01-01.
  const auto y = parse_period("2024");
  REQUIRE(y);
  CHECK(y->text == "2024");
  CHECK(y->freq == 'A');
  CHECK(y->first_day == 19723);
  CHECK(y->last_day == 19723 + 365);  // 2024 has 366 days
  const auto q = parse_period("2024Q1");
  REQUIRE(q);
  CHECK(q->text == "2024-Q1");
  CHECK(q->freq == 'Q');
  CHECK(q->first_day == 19723);
  CHECK(q->last_day == 19723 + 31 + 29 + 31 - 1);  // 2024-03-31
  CHECK(parse_period("2024-Q1")->text == "2024-Q1");
  const auto m = parse_period("2024M02");
  REQUIRE(m);
  CHECK(m->text == "2024-02");
  CHECK(m->freq == 'M');
  CHECK(m->first_day == 19723 + 31);
  CHECK(m->last_day == 19723 + 31 + 28);  // 2024-02-29
  CHECK(parse_period("2024-02")->text == "2024-02");
  CHECK(parse_period("2024-02-29")->freq == 'D');
  for (const char* bad : {"2024M13", "2024M00", "2024Q5", "2024Q0", "2024-Q5", "2024-13", "2024-00", "2024-02-30",
                          "2023-02-29", "2024M1", "24", "2024-1", "2024-M01", "2024Q1 ", "", "0999", "2024-02-30T00"})
    CHECK_FALSE(parse_period(bad));
}

TEST_CASE("Series: values are exact decimal text and compared as numbers", "[series]") {
  CHECK(canonical_decimal("37.512") == "37.512");
  CHECK(canonical_decimal("007.50") == "7.50");
  CHECK(canonical_decimal("-0.0") == "0.0");
  CHECK(canonical_decimal("-12") == "-12");
  CHECK(canonical_decimal("123456789012345678") == "123456789012345678");  // 18 digits
  for (const char* bad : {"1234567890123456789", "1e3", ".5", "5.", "1,874", " 1", "+1", "", "-", "1.2.3", "0x10"})
    CHECK_FALSE(canonical_decimal(bad));
  CHECK(same_number("5.0", "5.00"));
  CHECK(same_number("18.390", "18.39"));
  CHECK(same_number("7", "7.000"));
  CHECK_FALSE(same_number("1.802", "1.815"));
  CHECK_FALSE(same_number("10", "1"));
}

TEST_CASE("Series: ILOSTAT's unit multiplier follows the indicator code", "[series]") {
  // Levels of persons from the labour force survey are published in thousands; rates are not scaled.
  CHECK(ilostat_unit("POP_XWAP_SEX_AGE_NB")->unit_mult == 3);
  CHECK(ilostat_unit("UNE_TUNE_SEX_AGE_NB")->unit == "PS");
  CHECK(ilostat_unit("UNE_DEAP_SEX_AGE_RT")->unit_mult == 0);
  CHECK(ilostat_unit("UNE_DEAP_SEX_AGE_RT")->unit == "PT");
  CHECK(ilostat_unit("LAI_INDE_NOC_RT")->unit_mult == 0);
  CHECK(ilostat_unit("LAI_INDE_NOC_RT")->unit.empty());  // inspectors per 10,000: a rate, not a percentage
  CHECK_FALSE(ilostat_unit("EAR_4MTH_SEX_ECO_CUR_NB"));   // currency: no implied multiplier
  CHECK_FALSE(ilostat_unit("STR_TSTR_ECO_NB"));
  CHECK_FALSE(ilostat_unit("NB"));
}

TEST_CASE("Series: an ILOSTAT bulk CSV of KNA is imported with its unit multiplier", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const auto r = admin.series_import(kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}, {"name", "kna_ilostat.csv"}});
  CHECK(r["batch"] == 1);
  CHECK(r["agency"] == "NSO");
  CHECK(r["format"] == "ilostat");
  CHECK(r["sha256"] == sha256_hex(kIlostat));
  CHECK(r["observations"] == 24);  // 2 indicators × 2 years × 3 sexes × 2 ages
  CHECK(r["series"] == 2);
  CHECK(r["series_created"] == 2);
  CHECK(r["added"] == 24);
  CHECK(r["revised"] == 0);
  CHECK(r["unchanged"] == 0);

  const auto rows = all_rows(admin);
  REQUIRE(rows.size() == 24);
  // Line 4 of the fixture: POP_XWAP_SEX_AGE_NB, SEX_F, AGE_YTHADULT_YGE15, 2023, 19.211 (thousands).
  const auto f = row_of(rows, "POP_XWAP_SEX_AGE_NB", "F", "Y_GE15", "2023");
  CHECK(f["value"] == "19.211");  // 19 211 persons: 19.211 × 10^3
  CHECK(f["unit_mult"] == 3);
  CHECK(f["unit"] == "PS");
  CHECK(f["freq"] == "A");
  CHECK(f["source"] == "BA:3121");
  CHECK(f["agency"] == "NSO");
  CHECK(f["status"] == "A");  // obs_status empty: normal
  CHECK(f["note"] == "source=R1:3513");
  CHECK(f["revision"] == 1);
  CHECK(f["batch"] == 1);
  for (const char* d : {"eco", "ocu", "edu", "geo"}) CHECK(f[d] == "_Z");
  // AGE_YTHADULT_Y15-24 is Y15T24; SEX_T is _T; the decimals are kept as published (18.390).
  CHECK(row_of(rows, "POP_XWAP_SEX_AGE_NB", "_T", "Y15T24", "2024")["value"] == "6.751");
  CHECK(row_of(rows, "POP_XWAP_SEX_AGE_NB", "M", "Y_GE15", "2024")["value"] == "18.390");
  CHECK(row_of(rows, "POP_XWAP_SEX_AGE_NB", "M", "Y_GE15", "2024")["status"] == "P");
  CHECK(row_of(rows, "UNE_TUNE_SEX_AGE_NB", "M", "Y15T24", "2024")["status"] == "U");
  CHECK(row_of(rows, "UNE_TUNE_SEX_AGE_NB", "_T", "Y_GE15", "2023")["value"] == "1.874");
  // Plain SQL agrees: two series, 24 observations, one batch with the file's hash, one audit entry.
  const std::string path = dir.file("nlad.db");
  CHECK(test::raw_scalar(path, "SELECT count(*) FROM clmis_series WHERE unit_mult = 3 AND agency = 'NSO'") == "2");
  CHECK(test::raw_scalar(path, "SELECT count(*) FROM clmis_observation") == "24");
  CHECK(test::raw_scalar(path, "SELECT sha256 || ' ' || name || ' ' || format FROM clmis_series_batch") ==
        sha256_hex(kIlostat) + " kna_ilostat.csv ilostat");
  CHECK(test::raw_scalar(path, "SELECT count(*) FROM clmis_audit WHERE action = 'series_import'") == "1");
  CHECK(test::raw_scalar(path, "SELECT json_extract(detail, '$.added') FROM clmis_audit WHERE action = 'series_import'") ==
        "24");

  // Filters: one indicator, a period range, a frequency; pages of 5 rows give the same 24 rows.
  CHECK(all_rows(admin, Json{{"indicator", "UNE_TUNE_SEX_AGE_NB"}}).size() == 12);
  CHECK(all_rows(admin, Json{{"from", "2024"}, {"to", "2024"}}).size() == 12);
  CHECK(all_rows(admin, Json{{"freq", "Q"}}).empty());
  CHECK(all_rows(admin, Json{{"limit", 5}}) == rows);
  CHECK(admin.series(Json{{"limit", 5}})["rows"].size() == 5);
}

TEST_CASE("Series: a re-import of the same file changes nothing", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  (void)admin.series_import(kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  const auto before = test::db_hash(dir.file("nlad.db"));
  const auto r = admin.series_import(kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  CHECK(r["batch"].is_null());
  CHECK(r["unchanged"] == 24);
  CHECK(r["added"] == 0);
  CHECK(r["revised"] == 0);
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
  // The same numbers written with other decimals are the same observations.
  const auto r2 = admin.series_import(replaced(kIlostat, ",2023,37.512,", ",2023,37.5120,"),
                                      Json{{"format", "ilostat"}, {"agency", "NSO"}});
  CHECK(r2["batch"].is_null());
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
}

TEST_CASE("Series: a changed value is a revision and the earlier one is kept", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  (void)admin.series_import(kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  // The final 2024 figure: the total unemployed 15+ revised from 1.802 to 1.815 thousand, and the
  // working-age population 15+ (37.698, unchanged) no longer provisional.
  std::string revised = replaced(kIlostat, "SEX_T,AGE_YTHADULT_YGE15,,2024,1.802,P", "SEX_T,AGE_YTHADULT_YGE15,,2024,1.815,P");
  revised = replaced(revised, "SEX_T,AGE_YTHADULT_YGE15,,2024,37.698,P", "SEX_T,AGE_YTHADULT_YGE15,,2024,37.698,A");
  const auto r = admin.series_import(revised, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  CHECK(r["batch"] == 2);
  CHECK(r["revised"] == 2);
  CHECK(r["unchanged"] == 22);
  CHECK(r["added"] == 0);
  CHECK(r["series_created"] == 0);

  const auto latest = all_rows(admin);
  REQUIRE(latest.size() == 24);
  const auto u = row_of(latest, "UNE_TUNE_SEX_AGE_NB", "_T", "Y_GE15", "2024");
  CHECK(u["value"] == "1.815");
  CHECK(u["revision"] == 2);
  CHECK(u["batch"] == 2);
  const auto p = row_of(latest, "POP_XWAP_SEX_AGE_NB", "_T", "Y_GE15", "2024");
  CHECK(p["value"] == "37.698");
  CHECK(p["status"] == "A");
  CHECK(p["revision"] == 2);
  // Every revision: 24 + 2 rows, the first revision as it was.
  const auto all = all_rows(admin, Json{{"revisions", true}, {"indicator", "UNE_TUNE_SEX_AGE_NB"}});
  CHECK(all.size() == 13);
  std::vector<std::string> values;
  for (const auto& x : all)
    if (x["sex"] == "_T" && x["age"] == "Y_GE15" && x["period"] == "2024") values.push_back(x["value"].get<std::string>());
  CHECK(values == std::vector<std::string>{"1.802", "1.815"});
  CHECK(test::raw_scalar(dir.file("nlad.db"), "SELECT count(*) FROM clmis_observation") == "26");
  // Observations are append-only in the file itself: SQLite refuses an UPDATE or DELETE.
  CHECK_THROWS(test::raw_exec(dir.file("nlad.db"), "UPDATE clmis_observation SET value = '0'"));
  CHECK_THROWS(test::raw_exec(dir.file("nlad.db"), "DELETE FROM clmis_observation"));

  // The engine's read: the latest revision per key, or every revision, in the series' unit.
  clmis::store::Connection c(dir.file("nlad.db"), false);
  c.configure(5000);
  clmis::store::ObservationQuery q;
  q.indicator = "UNE_TUNE_SEX_AGE_NB";
  q.from_day = 19723;  // 2024-01-01
  const auto obs = clmis::store::observations(c, q);
  CHECK(obs.size() == 6);
  for (const auto& o : obs) {
    CHECK(o.series.unit_mult == 3);
    CHECK(o.row.key.period == "2024");
    if (o.row.key.sex == "_T" && o.row.key.age == "Y_GE15") CHECK(*o.row.value == "1.815");
  }
  q.all_revisions = true;
  CHECK(clmis::store::observations(c, q).size() == 7);
}

TEST_CASE("Series: bad files are refused with their line and column and nothing changes", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string path = dir.file("nlad.db");
  (void)admin.series_import(kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}});
  const Json ilo = {{"format", "ilostat"}, {"agency", "NSO"}};

  // Malformed CSV: a quote never closed, on line 3 in the 8th column.
  auto e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,POP_XWAP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,38.001,,,,\n"
                                                 "KNA,BA:3121,POP_XWAP_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2025,\"19.0,,,,\n", ilo);
  CHECK(has(e, "line 3, column 8", "csv"));
  // A row with fewer fields than the header.
  e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,POP_XWAP_SEX_AGE_NB,SEX_T\n", ilo);
  CHECK(has(e, "line 2", "csv"));
  // Another country's series (Saint Lucia's) in a KNA database.
  e = refused(admin, path, replaced(kIlostat, "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_F,AGE_YTHADULT_Y15-24,,2023",
                                     "LCA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_F,AGE_YTHADULT_Y15-24,,2023"), ilo);
  REQUIRE(e.size() == 1);
  CHECK(e[0] == std::make_pair(std::string("line 19, column 1 (ref_area)"), std::string("country")));
  // Periods that cannot exist: a 13th month, a fifth quarter (all problems are listed together).
  e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024M13,0.5,,,,\n"
                                            "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024Q5,0.5,,,,\n", ilo);
  CHECK(e == test::Errs{{"line 2, column 7 (time)", "period"}, {"line 3, column 7 (time)", "period"}});
  // Values that are not exact decimals.
  e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,\"1,874\",,,,\n"
                                            "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_M,AGE_YTHADULT_YGE15,,2025,1.2e3,,,,\n"
                                            "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_F,AGE_YTHADULT_YGE15,,2025,,,,,\n", ilo);
  CHECK(e == test::Errs{{"line 2, column 8 (obs_value)", "decimal"},
                        {"line 3, column 8 (obs_value)", "decimal"},
                        {"line 4, column 8 (obs_value)", "required"}});
  // An ILOSTAT indicator whose multiplier clmis cannot be sure of; a classification with no
  // dimension in CLMIS:LMI(1.0); a sex clmis has no code for; an unknown status.
  e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,EAR_4MTH_SEX_ECO_CUR_NB,SEX_T,ECO_ISIC4_TOTAL,,2024,2950.5,,,,\n"
                                            "KNA,BA:3121,EMP_TEMP_SEX_STE_NB,SEX_T,STE_ICSE93_1,,2024,20.1,,,,\n"
                                            "KNA,BA:3121,EMP_TEMP_SEX_AGE_NB,SEX_O,AGE_YTHADULT_YGE15,,2024,0.1,,,,\n"
                                            "KNA,BA:3121,EMP_TEMP_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,24.1,X,,,\n", ilo);
  CHECK(e == test::Errs{{"line 2, column 3 (indicator)", "unit_mult"},
                        {"line 3, column 5 (classif1)", "code_list"},
                        {"line 4, column 4 (sex)", "code_list"},
                        {"line 5, column 9 (obs_status)", "code_list"}});
  // The same observation twice.
  e = refused(admin, path, kIlostatHeader + "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,1,,,,\n"
                                            "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2025,2,,,,\n", ilo);
  CHECK(e == test::Errs{{"line 3", "duplicate"}});
  // A header of another format; an empty file; a header alone.
  e = refused(admin, path, "indicator,period,value\nA9,2024,5\n", ilo);
  CHECK(has(e, "line 1, column 2", "header"));  // "period" is not ILOSTAT's ("indicator" is)
  CHECK(has(e, "line 1", "header"));            // no ref_area, time, obs_value
  CHECK(refused(admin, path, "", ilo) == test::Errs{{"line 1", "required"}});
  CHECK(refused(admin, path, kIlostatHeader, ilo) == test::Errs{{"line 1", "required"}});
  // A series kept in thousands cannot take values in units (plain CSV, unit_mult 0).
  e = refused(admin, path, "indicator,period,sex,age,value,source\nPOP_XWAP_SEX_AGE_NB,2025,_T,Y_GE15,38000,BA:3121\n",
              Json{{"format", "csv"}, {"agency", "NSO"}});
  CHECK(e == test::Errs{{"line 2 (unit_mult)", "unit_mult"}});
  // Plain CSV: 30 February; a parish KNA does not have; a negative sample size.
  e = refused(admin, path,
              "indicator,period,geo,value,sample_size\nD1,2024-02-30,KN-03,5,\nD1,2024-02-29,KN-99,5,\nD1,2024-02-28,KN-03,5,-4\n",
              Json{{"format", "csv"}, {"agency", "DOL"}, {"source", "registry"}});
  CHECK(e == test::Errs{{"line 2, column 2 (period)", "period"}, {"line 4, column 5 (sample_size)", "type"}});
  e = refused(admin, path, "indicator,period,geo,value\nD1,2024-02-29,KN-99,5\n",
              Json{{"format", "csv"}, {"agency", "DOL"}, {"source", "registry"}});
  CHECK(e == test::Errs{{"line 2 (geo)", "code_list"}});
  // No source anywhere.
  CHECK(refused(admin, path, "indicator,period,value\nD1,2024,5\n", Json{{"format", "csv"}, {"agency", "DOL"}}) ==
        test::Errs{{"line 2 (source)", "required"}});
  // Options: no or an unknown format, no agency, an agency that is not one, an unknown option.
  CHECK(refused(admin, path, kIlostat, Json{{"agency", "NSO"}}) == test::Errs{{"format", "required"}});
  CHECK(refused(admin, path, kIlostat, Json{{"format", "xlsx"}, {"agency", "NSO"}}) == test::Errs{{"format", "code_list"}});
  CHECK(refused(admin, path, kIlostat, Json{{"format", "ilostat"}}) == test::Errs{{"agency", "required"}});
  CHECK(refused(admin, path, kIlostat, Json{{"format", "ilostat"}, {"agency", "XYZ"}}) == test::Errs{{"agency", "code_list"}});
  CHECK(refused(admin, path, kIlostat, Json{{"format", "ilostat"}, {"agency", "NSO"}, {"sheet", 1}}) ==
        test::Errs{{"sheet", "unknown_field"}});
  // A listing with a bad query.
  CHECK(test::errors_of([&] { (void)admin.series(Json{{"from", "2024Q5"}}); }) == test::Errs{{"from", "period"}});
  CHECK(test::errors_of([&] { (void)admin.series(Json{{"after", "zz"}}); }) == test::Errs{{"after", "query"}});
  CHECK(test::errors_of([&] { (void)admin.series(Json{{"limit", 0}}); }) == test::Errs{{"limit", "range"}});
}

TEST_CASE("Series: SDMX-CSV 2.0 of the pinned structure is imported", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string head =
      "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
      "UNIT_MEASURE,UNIT_MULT,DECIMALS,SOURCE,COMMENT\n";
  const std::string file = head +
                           "dataflow,CLMIS:LMI(1.0),I,KNA,Q,A9,_T,Y_GE15,_Z,_Z,_Z,_Z,2024-Q1,4.8,P,PT,0,1,LFS,first quarter\n"
                           "dataflow,CLMIS:LMI(1.0),I,KNA,Q,A9,F,Y_GE15,_Z,_Z,_Z,_Z,2024-Q1,5.1,P,PT,0,1,LFS,\n"
                           "dataflow,CLMIS:LMI(1.0),,KNA,Q,A9,M,Y_GE15,_Z,_Z,_Z,_Z,2024-Q1,,Q,PT,0,1,LFS,\n";
  const auto r = admin.series_import(file, Json{{"format", "sdmx-csv"}, {"agency", "NSO"}});
  CHECK(r["added"] == 3);
  CHECK(r["series"] == 1);
  const auto rows = all_rows(admin);
  REQUIRE(rows.size() == 3);
  const auto t = row_of(rows, "A9", "_T", "Y_GE15", "2024-Q1");
  CHECK(t["value"] == "4.8");
  CHECK(t["freq"] == "Q");
  CHECK(t["unit"] == "PT");
  CHECK(t["unit_mult"] == 0);
  CHECK(t["note"] == "first quarter");
  CHECK(row_of(rows, "A9", "M", "Y_GE15", "2024-Q1")["value"].is_null());  // suppressed by the office: Q
  CHECK(row_of(rows, "A9", "M", "Y_GE15", "2024-Q1")["status"] == "Q");

  const std::string path = dir.file("nlad.db");
  const Json o = {{"format", "sdmx-csv"}, {"agency", "NSO"}};
  // Another structure; a delete action; a frequency that is not the period's; an unknown code.
  auto e = refused(admin, path,
                   head + "dataflow,ILO:DF_UNE(1.0),I,KNA,Q,A9,_T,Y_GE15,_Z,_Z,_Z,_Z,2024-Q2,4.8,,PT,0,1,LFS,\n"
                          "dataflow,CLMIS:LMI(1.0),D,KNA,Q,A9,_T,Y_GE15,_Z,_Z,_Z,_Z,2024-Q2,4.8,,PT,0,1,LFS,\n"
                          "dataflow,CLMIS:LMI(1.0),I,KNA,A,A9,_T,Y_GE15,_Z,_Z,_Z,_Z,2024-Q2,4.8,,PT,0,1,LFS,\n"
                          "dataflow,CLMIS:LMI(1.0),I,KNA,Q,A9,X,Y15-24,_Z,_Z,_Z,_Z,2024-Q2,4.8,,PT,0,1,LFS,\n",
                   o);
  CHECK(e == test::Errs{{"line 2, column 2 (STRUCTURE_ID)", "structure"},
                        {"line 3, column 3 (ACTION)", "structure"},
                        {"line 4, column 5 (FREQ)", "structure"},
                        {"line 5, column 7 (SEX)", "code_list"},
                        {"line 5, column 8 (AGE)", "code_list"}});
  // A header that does not start with STRUCTURE, STRUCTURE_ID, ACTION.
  e = refused(admin, path, "REF_AREA,STRUCTURE,STRUCTURE_ID,ACTION,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE\n"
                           "KNA,dataflow,CLMIS:LMI(1.0),I,Q,A9,_T,Y_GE15,_Z,_Z,_Z,_Z,2024-Q2,4.8\n",
              o);
  CHECK(e == test::Errs{{"line 1, column 1", "header"}});
}

TEST_CASE("Series: a plain CSV keeps sample sizes and coefficients of variation", "[series]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  // With a BOM and CRLF line ends, as spreadsheets save it.
  const std::string file =
      "\xEF\xBB\xBFindicator,period,sex,age,eco,ocu,edu,geo,value,status,note,unit_mult,unit,sample_size,cv\r\n"
      "EMP_KNA,2024-03,F,Y15T24,I,5,ISCED11_3,KN-03,1.25,E,\"hotels, restaurants\",3,PS,312,12.5\r\n"
      "EMP_KNA,2024-03,M,Y15T24,I,5,ISCED11_3,KN-03,0.98,U,,3,PS,41,33.0\r\n";
  const auto r = admin.series_import(file, Json{{"format", "csv"}, {"agency", "NIS"}, {"source", "NIS register"}});
  CHECK(r["added"] == 2);
  const auto rows = all_rows(admin, Json{{"agency", "NIS"}});
  REQUIRE(rows.size() == 2);
  const auto& f = rows[0]["sex"] == "F" ? rows[0] : rows[1];
  CHECK(f["value"] == "1.25");
  CHECK(f["period"] == "2024-03");
  CHECK(f["freq"] == "M");
  CHECK(f["eco"] == "I");
  CHECK(f["ocu"] == "5");
  CHECK(f["edu"] == "ISCED11_3");
  CHECK(f["geo"] == "KN-03");
  CHECK(f["note"] == "hotels, restaurants");
  CHECK(f["sample_size"] == 312);
  CHECK(f["cv"] == "12.5");
  CHECK(f["source"] == "NIS register");
  CHECK(f["status"] == "E");
}

TEST_CASE("Series: a partner agency imports and reads its own agency's series only", "[series][security]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string path = dir.file("nlad.db");
  auto nso = partner(db, admin, "nso", "NSO");
  auto nis = partner(db, admin, "nis", "NIS");

  // Its own agency, without naming it: the user's agency.
  const auto r = nso.series_import(kIlostat, Json{{"format", "ilostat"}});
  CHECK(r["agency"] == "NSO");
  CHECK(r["added"] == 24);
  CHECK(all_rows(nso).size() == 24);
  CHECK(all_rows(nso, Json{{"agency", "NSO"}}).size() == 24);
  // A revision of its own series.
  const auto rev = nso.series_import(replaced(kIlostat, ",2024,0.277,U,", ",2024,0.279,U,"), Json{{"format", "ilostat"}});
  CHECK(rev["revised"] == 1);

  // Another agency's: refused, logged, nothing else changed.
  auto before = test::db_hash(path);
  const Json to_nis = {{"format", "ilostat"}, {"agency", "NIS"}}, of_nso = {{"agency", "NSO"}};
  CHECK_THROWS_AS(nso.series_import(kIlostat, to_nis), clmis::PermissionDenied);
  CHECK_THROWS_AS((void)nis.series(of_nso), clmis::PermissionDenied);
  CHECK(test::db_hash(path) == before);
  CHECK(test::raw_scalar(path, "SELECT count(*) FROM clmis_security_log WHERE event = 'permission_denied' AND "
                               "json_extract(detail, '$.permission') = 'series'") == "2");
  // National Insurance sees none of the statistics office's rows; the administrator sees all.
  CHECK(all_rows(nis).empty());
  CHECK(all_rows(admin).size() == 24);
  // The same indicator from the same source by another agency is another series.
  (void)nis.series_import(kIlostat, Json{{"format", "ilostat"}});
  CHECK(all_rows(nis).size() == 24);
  CHECK(all_rows(nso).size() == 24);
  CHECK(all_rows(admin).size() == 48);

  // Nothing else: no records, no users.
  before = test::db_hash(path);
  CHECK_THROWS_AS((void)nso.query("employer"), clmis::PermissionDenied);
  const Json employer = {{"name", "X"}, {"isic_class", "1071"}, {"parish", "KN-03"}};
  CHECK_THROWS_AS(nso.create("employer", employer), clmis::PermissionDenied);
  CHECK_THROWS_AS((void)nso.users(), clmis::PermissionDenied);
  CHECK(test::db_hash(path) == before);
  // A role without series: refused, nothing changed.
  admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                         {"must_change_password", false}});
  auto stat = db.login("stat", "statistics-pw-1");
  before = test::db_hash(path);
  const Json for_nso = {{"format", "ilostat"}, {"agency", "NSO"}};
  CHECK_THROWS_AS(stat.series_import(kIlostat, for_nso), clmis::PermissionDenied);
  CHECK_THROWS_AS((void)stat.series(), clmis::PermissionDenied);
  CHECK(test::db_hash(path) == before);
}

TEST_CASE("Series: a partner agency's user belongs to an agency of the list", "[series][security]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const std::string path = dir.file("nlad.db");
  const auto before = test::db_hash(path);
  CHECK(test::errors_of([&] {
          admin.user_create(Json{{"name", "p"}, {"password", "partner-pw-12"}, {"roles", {"partner_agency"}}});
        }) == test::Errs{{"agency", "required"}});
  CHECK(test::errors_of([&] {
          admin.user_create(
              Json{{"name", "p"}, {"password", "partner-pw-12"}, {"roles", {"partner_agency"}}, {"agency", "XYZ"}});
        }) == test::Errs{{"agency", "code_list"}});
  CHECK(test::db_hash(path) == before);
  admin.user_create(Json{{"name", "p"}, {"password", "partner-pw-12"}, {"roles", {"partner_agency"}}, {"agency", "NIS"},
                         {"must_change_password", false}});
  Json listed;
  for (const auto& u : admin.users())
    if (u["name"] == "p") listed = u;
  CHECK(listed["agency"] == "NIS");
  // Moving the user to the statistics office is audited; removing the agency of a partner is refused.
  admin.user_update("p", Json{{"agency", "NSO"}});
  CHECK(test::raw_scalar(path, "SELECT json_extract(detail, '$.changes.agency.to') FROM clmis_audit WHERE action = "
                               "'user_update'") == "NSO");
  const auto after_move = test::db_hash(path);
  CHECK(test::errors_of([&] { admin.user_update("p", Json{{"agency", nullptr}}); }) == test::Errs{{"agency", "required"}});
  CHECK(test::db_hash(path) == after_move);
  auto p = db.login("p", "partner-pw-12");
  CHECK(p.series_import(kIlostat, Json{{"format", "ilostat"}})["agency"] == "NSO");
}
