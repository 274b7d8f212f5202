// The import's everyday faces (issue 14): a file in windows-1252 or latin-1 read with
// ImportOptions::encoding, header names and codes matched ignoring ASCII case, and JSON errors
// that say where without the parser's internals. Expected values are written out by hand: the
// UTF-8 bytes of each accented letter, the codes of the lists. Every refusal leaves the database
// unchanged (test::db_hash: every table, the history, the change sequence, the audit trail).
#include <catch2/catch.hpp>

#include "core/hash.hpp"
#include "io/import.hpp"
#include "clmis/io.hpp"
#include "clmis/json.hpp"
#include "support.hpp"

#include <sstream>

using clmis::Json;

namespace {

const std::string kHeader = "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n";

clmis::ImportReport import_text(clmis::Session& s, const std::string& text, const clmis::ImportOptions& o = {},
                                bool per_record = false) {
  std::istringstream in(text);
  return per_record ? clmis::import_records_per_record(s, "job_seeker", in, o)
                    : clmis::import_records(s, "job_seeker", in, o);
}

/// The first name and family name of every job seeker, in id order, as "first|family".
std::vector<std::string> names(const std::string& path) {
  std::vector<std::string> out;
  const auto n = std::stoi(test::raw_scalar(path, "SELECT count(*) FROM job_seeker"));
  for (int i = 0; i < n; ++i)
    out.push_back(test::raw_scalar(path, "SELECT first_name || '|' || family_name FROM job_seeker ORDER BY id LIMIT 1 OFFSET " +
                                             std::to_string(i)));
  return out;
}

std::string sha256_hex(const std::string& bytes) {
  clmis::Sha256 h;
  h.update(bytes);
  return h.hex();
}

std::string all_messages(const clmis::ImportReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += "row " + std::to_string(p.row) + ", " + p.column + ": " + p.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("import encoding: windows-1252 is read as UTF-8, the digest is of the file's bytes", "[io][import][encoding]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  // In windows-1252: é E9, ë EB, Ñ D1, ú FA, € 80, ’ 92 (U+2019), Ÿ 9F (U+0178).
  const std::string file = kHeader +
                           "2025-03-03,M\xE9rida,Zo\xEB,7700001,F,1990-01-01,KN-03\n"
                           "2025-03-03,\xD1" "and\xFA,\x80uro O\x92Neil \x9F,7700002,M,1991-01-01,KN-01\n";
  clmis::ImportOptions o;
  o.encoding = "windows-1252";
  const auto r = import_text(s, file, o);
  INFO(all_messages(r));
  REQUIRE(r.committed);
  CHECK(r.created == 2);
  // The same names in UTF-8, byte by byte: é C3 A9, ë C3 AB, Ñ C3 91, ú C3 BA, € E2 82 AC,
  // ’ E2 80 99, Ÿ C5 B8.
  CHECK(names(dir.file("nlad.db")) ==
        std::vector<std::string>{"M\xC3\xA9rida|Zo\xC3\xAB", "\xC3\x91" "and\xC3\xBA|\xE2\x82\xAC" "uro O\xE2\x80\x99Neil \xC5\xB8"});
  CHECK(r.sha256 == sha256_hex(file));
  CHECK(test::raw_scalar(dir.file("nlad.db"), "SELECT json_extract(detail, '$.sha256') FROM clmis_audit WHERE action = 'import'") ==
        sha256_hex(file));
  // Without the encoding the same file is refused, with the advice to name it.
  const auto before = test::db_hash(dir.file("nlad.db"));
  const auto refused = import_text(s, file);
  CHECK_FALSE(refused.committed);
  REQUIRE_FALSE(refused.problems.empty());
  CHECK(refused.problems[0].row == 2);
  CHECK(refused.problems[0].column == "first_name");
  CHECK_THAT(refused.problems[0].message, Catch::Contains("not valid UTF-8") && Catch::Contains("--encoding windows-1252"));
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
}

TEST_CASE("import encoding: latin-1 and the names' aliases, ASCII case ignored, CSV and JSON Lines", "[io][import][encoding]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  clmis::ImportOptions o;
  o.encoding = "ISO-8859-1";
  // latin-1 has every byte: 0x80 is U+0080 (C2 80), not the euro sign.
  auto r = import_text(s, kHeader + "2025-03-03,Jos\xE9,B\x80,7700011,M,1990-01-01,KN-03\n", o);
  INFO(all_messages(r));
  REQUIRE(r.committed);
  o.encoding = "Latin1";
  r = import_text(s, kHeader + "2025-03-03,Zo\xEB,\xC5sa,7700012,F,1990-01-01,KN-03\n", o);
  REQUIRE(r.committed);
  o.encoding = "CP1252";
  o.format = "jsonl";
  r = import_text(s,
                  "{\"registration_date\": \"2025-03-03\", \"first_name\": \"\xD1" "and\xFA\", \"family_name\": \"\x80\", "
                  "\"nis_number\": \"7700013\", \"sex\": \"M\", \"date_of_birth\": \"1990-01-01\", \"parish\": \"KN-03\"}\n",
                  o);
  INFO(all_messages(r));
  REQUIRE(r.committed);
  o.encoding = "UTF-8";
  r = import_text(s,
                  "{\"registration_date\": \"2025-03-03\", \"first_name\": \"M\xC3\xA9rida\", \"family_name\": \"X\", "
                  "\"nis_number\": \"7700014\", \"sex\": \"F\", \"date_of_birth\": \"1990-01-01\", \"parish\": \"KN-03\"}\n",
                  o);
  REQUIRE(r.committed);
  CHECK(names(dir.file("nlad.db")) == std::vector<std::string>{"Jos\xC3\xA9|B\xC2\x80", "Zo\xC3\xAB|\xC3\x85sa",
                                                                "\xC3\x91" "and\xC3\xBA|\xE2\x82\xAC", "M\xC3\xA9rida|X"});
}

TEST_CASE("import encoding: an unknown name is refused before anything is read", "[io][import][encoding]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto before = test::db_hash(dir.file("nlad.db"));
  clmis::ImportOptions o;
  o.encoding = "windows-1251";
  try {
    (void)import_text(s, kHeader + "2025-03-03,Ann,Lee,7700021,F,1990-01-01,KN-03\n", o);
    FAIL("an unknown encoding was accepted");
  } catch (const clmis::ValidationError& e) {
    CHECK(std::string(e.what()) == "unknown encoding \"windows-1251\" (did you mean windows-1252?)");
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].path == "encoding");
    CHECK(e.errors()[0].message == "the encodings are utf-8, windows-1252 (cp1252) and latin-1 (iso-8859-1)");
  }
  o.encoding = "";
  CHECK_THROWS_AS(import_text(s, kHeader, o), clmis::ValidationError);
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
  CHECK(test::raw_scalar(dir.file("nlad.db"), "SELECT count(*) FROM clmis_audit WHERE action = 'import'") == "0");
}

TEST_CASE("import encoding: a byte windows-1252 does not define refuses its row, naming the byte", "[io][import][encoding]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto before = test::db_hash(dir.file("nlad.db"));
  clmis::ImportOptions o;
  o.encoding = "windows-1252";
  for (const unsigned char b : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
    static const char* hex = "0123456789ABCDEF";
    const std::string name = std::string("A") + static_cast<char>(b) + "n";
    const auto r = import_text(s, kHeader + "2025-03-03,Ann,Lee,7700031,F,1990-01-01,KN-03\n"
                                             "2025-03-03," + name + ",Lee,7700032,F,1990-01-01,KN-03\n", o);
    INFO(all_messages(r));
    CHECK_FALSE(r.committed);
    CHECK(r.refused == 1);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].row == 3);
    CHECK(r.problems[0].column == "first_name");
    CHECK(r.problems[0].message == std::string("byte 0x") + hex[b >> 4] + hex[b & 0xF] + " is not a character in windows-1252");
  }
  // In the header: the whole file is refused.
  try {
    (void)import_text(s, "registration_date,first\x81name\n", o);
    FAIL("accepted");
  } catch (const clmis::ValidationError& e) {
    REQUIRE_FALSE(e.errors().empty());
    CHECK(e.errors()[0].message == "row 1: byte 0x81 is not a character in windows-1252");
  }
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
}

TEST_CASE("import header: names match the fields ignoring ASCII case", "[io][import][header]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const std::string file =
      "Registration_Date,FIRST_NAME,family_name,NIS_Number,Sex,Date_Of_Birth,Parish,External_ID,Wage_Expectation,"
      "Wage_Expectation_Currency\n"
      "2025-03-03,Ann,Lee,7700041,F,1990-01-01,KN-03,HR-1,1500.00,USD\n";
  for (const bool per_record : {false, true}) {
    const auto r = import_text(s, file, {}, per_record);
    INFO(all_messages(r));
    REQUIRE(r.committed);
    CHECK(r.created + r.unchanged == 1);
  }
  const Json rec = s.query("job_seeker")["records"][0];
  CHECK(rec["external_id"] == "HR-1");
  CHECK(rec["parish"] == "KN-03");
  CHECK(rec["wage_expectation"] == Json{{"amount", "1500.00"}, {"currency", "USD"}});
  CHECK(rec["first_name"] == "Ann");
}

TEST_CASE("import header: names that fold to one appear twice, an unknown one gets the closest", "[io][import][header]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto before = test::db_hash(dir.file("nlad.db"));
  auto refusal = [&](const std::string& header) {
    try {
      (void)import_text(s, header + "\n");
    } catch (const clmis::ValidationError& e) {
      std::string out;
      for (const auto& fe : e.errors()) out += fe.message + "\n";
      return out;
    }
    FAIL("accepted: " << header);
    return std::string();
  };
  CHECK_THAT(refusal("registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish,Parish"),
             Catch::Contains("row 1: column \"Parish\" appears twice"));
  CHECK_THAT(refusal("registration_date,first_name,family_name,nis_number,sex,date_of_birth,Parsh"),
             Catch::Contains("row 1: record type \"job_seeker\" has no field \"Parsh\" (did you mean parish?)"));
  CHECK_THAT(refusal("registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish,externl_id"),
             Catch::Contains("has no field \"externl_id\" (did you mean external_id?)"));
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
}

TEST_CASE("codes: matched ignoring ASCII case when one code of the list is meant, the list's code stored", "[records][codes][import]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  // The record API.
  const auto id = s.create("job_seeker", {{"registration_date", "2025-03-03"}, {"first_name", "Ann"}, {"family_name", "Lee"},
                                          {"nis_number", "7700051"}, {"sex", "f"}, {"date_of_birth", "1990-01-01"},
                                          {"parish", "kn-03"}});
  Json rec = s.get("job_seeker", id);
  CHECK(rec["sex"] == "F");
  CHECK(rec["parish"] == "KN-03");
  s.update("job_seeker", id, rec["version"].get<std::int64_t>(), {{"parish", "Kn-01"}});
  CHECK(s.get("job_seeker", id)["parish"] == "KN-01");
  // CSV on both paths, and JSON Lines.
  auto r = import_text(s, kHeader + "2025-03-03,Bo,Lee,7700052,m,1990-01-01,kn-04\n");
  INFO(all_messages(r));
  REQUIRE(r.committed);
  r = import_text(s, kHeader + "2025-03-03,Cy,Lee,7700053,m,1990-01-01,kN-05\n", {}, true);
  REQUIRE(r.committed);
  clmis::ImportOptions jsonl;
  jsonl.format = "jsonl";
  r = import_text(s, "{\"registration_date\": \"2025-03-03\", \"first_name\": \"Di\", \"family_name\": \"Lee\", "
                     "\"nis_number\": \"7700054\", \"sex\": \"f\", \"date_of_birth\": \"1990-01-01\", \"parish\": \"kn-06\"}\n",
                  jsonl);
  REQUIRE(r.committed);
  const std::string path = dir.file("nlad.db");
  CHECK(test::raw_scalar(path, "SELECT group_concat(sex || ' ' || parish, ',') FROM (SELECT sex, parish FROM clmis_view_job_seeker ORDER BY id)") ==
        "F KN-01,M KN-04,M KN-05,F KN-06");
}

TEST_CASE("codes: a value two codes match ignoring case is refused, and a refused code names the closest", "[records][codes][import]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  s.code_add("parish", {{"code", "kn-99"}, {"label", {{"en", "Lower"}}}});
  s.code_add("parish", {{"code", "KN-99"}, {"label", {{"en", "Upper"}}}});
  const std::string path = dir.file("nlad.db");
  const auto before = test::db_hash(path);
  const Json person = {{"registration_date", "2025-03-03"}, {"first_name", "Ann"}, {"family_name", "Lee"},
                       {"nis_number", "7700061"}, {"sex", "F"}, {"date_of_birth", "1990-01-01"}, {"parish", "Kn-99"}};
  const std::string ambiguous =
      "\"Kn-99\" is not a code of the list \"parish\"; ignoring case it could be KN-99 or kn-99: give the code exactly";
  try {
    s.create("job_seeker", person);
    FAIL("an ambiguous code was accepted");
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].path == "parish");
    CHECK(e.errors()[0].rule == "code_list");
    CHECK(e.errors()[0].message == ambiguous);
  }
  for (const bool per_record : {false, true}) {
    const auto r = import_text(s, kHeader + "2025-03-03,Ann,Lee,7700061,F,1990-01-01,Kn-99\n", {}, per_record);
    CHECK_FALSE(r.committed);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message == ambiguous);
  }
  // A code that is no code of the list: named with its list and the closest codes.
  const auto r = import_text(s, kHeader + "2025-03-03,Ann,Lee,7700062,F,1990-01-01,KN-3\n");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message == "\"KN-3\" is not a code of the list \"parish\" (did you mean KN-03 or KN-13?)");
  CHECK(test::db_hash(path) == before);
  // The exact spelling of either is still each one.
  const auto lower = s.create("job_seeker", {{"registration_date", "2025-03-03"}, {"first_name", "Ann"}, {"family_name", "Lee"},
                                             {"nis_number", "7700063"}, {"sex", "F"}, {"date_of_birth", "1990-01-01"},
                                             {"parish", "kn-99"}});
  CHECK(s.get("job_seeker", lower)["parish"] == "kn-99");
}

TEST_CASE("JSON errors: the place and what, never the parser's internals (C++ API and JSON Lines)", "[core][json][import]") {
  try {
    (void)clmis::parse_json("{\"a\": x}", "record");
    FAIL("accepted");
  } catch (const clmis::ValidationError& e) {
    CHECK(std::string(e.what()) == "malformed JSON at line 1, column 7: invalid literal (byte 7)");
  }
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto before = test::db_hash(dir.file("nlad.db"));
  clmis::ImportOptions o;
  o.format = "jsonl";
  const auto r = import_text(s, "{\"first_name\": x}\n", o);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message.find("json.exception") == std::string::npos);
  CHECK(r.problems[0].message.find("syntax error") == std::string::npos);
  CHECK(r.problems[0].message == "the line is not one JSON object: at column 16: invalid literal (byte 16)");
  CHECK(test::db_hash(dir.file("nlad.db")) == before);
}
