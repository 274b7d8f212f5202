// The import's bulk path (src/records/bulk.cpp: no savepoint per new record) against the
// per-record path (Session::create / upsert, a savepoint each): the same file imported both ways
// into two copies of one database gives the same report and, table by table, the same rows
// (timestamps aside) — with bad rows of every kind, warnings, upserts, skip and abort.
#include <catch2/catch.hpp>

#include "io/import.hpp"
#include "support.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using clmis::Json;

namespace {

/// Every table of the database as text lines (schema first), leaving out the columns that hold
/// the time of the write: at, created_at, updated_at, and the audit entries' MACs (which cover
/// their time). clmis_change is expanded record by record (the bulk path writes ranges, the
/// per-record path a row each), and its AUTOINCREMENT counter left out (clmis numbers changes
/// itself, from the last row's range).
std::vector<std::string> dump(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  auto rows = [&](const std::string& sql, const std::function<void(sqlite3_stmt*)>& each) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) each(s);
    sqlite3_finalize(s);
  };
  auto text = [](sqlite3_stmt* s, int i) {
    if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::string("NULL");
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
  };
  std::vector<std::string> tables;
  rows("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name", [&](sqlite3_stmt* s) {
    out.push_back("schema " + text(s, 0) + " " + text(s, 1) + " " + text(s, 2));
    if (text(s, 0) == "table") tables.push_back(text(s, 1));
  });
  for (const auto& t : tables) {
    std::string cols;
    int n = 0;
    rows("SELECT name FROM pragma_table_info('" + t + "') ORDER BY cid", [&](sqlite3_stmt* s) {
      const std::string c = text(s, 0);
      if (c == "at" || c == "created_at" || c == "updated_at" || c == "mac") return;
      cols += (cols.empty() ? "\"" : ", \"") + c + "\"";
      ++n;
    });
    std::string order;
    for (int i = 1; i <= n; ++i) order += (i > 1 ? ", " : "") + std::to_string(i);
    std::string from = "\"" + t + "\"";
    if (t == "clmis_change") {
      // A row may cover a range of records (span): compared record by record, with span 1.
      from = "(WITH RECURSIVE x(seq, actor, record_type, record_id, op, version, span, k) AS ("
             "SELECT seq, actor, record_type, record_id, op, version, span, 1 FROM clmis_change UNION ALL "
             "SELECT seq + 1, actor, record_type, record_id + 1, op, version, span, k + 1 FROM x WHERE k < span) "
             "SELECT seq, actor, record_type, record_id, op, version, 1 AS span FROM x)";
    }
    const std::string where = t == "sqlite_sequence" ? " WHERE name <> 'clmis_change'" : "";
    rows("SELECT " + cols + " FROM " + from + where + " ORDER BY " + order, [&](sqlite3_stmt* s) {
      std::string line = t + ":";
      for (int i = 0; i < n; ++i) line += " | " + text(s, i);
      out.push_back(std::move(line));
    });
  }
  sqlite3_close(db);
  return out;
}

Json report_json(const clmis::ImportReport& r) {
  Json problems = Json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"rule", p.rule},
                        {"message", p.message}, {"warning", p.warning}, {"raw", p.raw}});
  return {{"rows", r.rows},         {"created", r.created},     {"updated", r.updated},
          {"unchanged", r.unchanged}, {"refused", r.refused},   {"warnings", r.warnings},
          {"committed", r.committed}, {"stopped", r.stopped},   {"sha256", r.sha256},
          {"problems", problems}, {"created_ids", r.created_ids}, {"updated_ids", r.updated_ids}};
}

/// Checks that two databases hold the same schema and rows (dump()).
void same_tables(const std::string& x, const std::string& y) {
  const auto a = dump(x), b = dump(y);
  CHECK(a.size() == b.size());
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    INFO("line " << i);
    CHECK(a[i] == b[i]);
    if (a[i] != b[i]) break;  // one difference is enough to read
  }
}

/// Imports text into two copies of one database, the bulk path into bulk and the per-record
/// path into per_record; checks that the reports and the databases are equal; returns the report.
Json both_paths(const std::string& bulk, const std::string& per_record, const std::string& type,
                const std::string& text, const clmis::ImportOptions& o) {
  Json reports[2];
  for (int i = 0; i < 2; ++i) {
    auto db = clmis::Database::open(i == 0 ? bulk : per_record);
    auto s = db.login("admin", test::kPassword);
    std::istringstream in(text);
    reports[i] = report_json(i == 0 ? clmis::import_records(s, type, in, o)
                                    : clmis::import_records_per_record(s, type, in, o));
    db.close();
  }
  CHECK(reports[0] == reports[1]);
  same_tables(bulk, per_record);
  return reports[0];
}

Json person(const std::string& first, const std::string& family, const std::string& nis,
            const std::string& dob) {
  return {{"registration_date", "2024-01-10"}, {"first_name", first}, {"family_name", family},
          {"nis_number", nis}, {"sex", "F"}, {"date_of_birth", dob}, {"parish", "KN-01"}};
}

/// A database with some job seekers already in it, closed, and two copies of it.
struct Pair {
  test::TempDir dir;
  std::string bulk, per_record;
  Pair() {
    const std::string base = dir.file("base.db");
    {
      auto db = test::standard_db(dir, "base.db");
      auto s = db.login("admin", test::kPassword);
      s.upsert("job_seeker", "EXT-1", person("Ann", "Smith", "5001", "1990-01-01"));
      s.upsert("job_seeker", "EXT-2", person("Bob", "Jones", "5002", "1991-02-02"));
      s.archive("job_seeker", s.upsert("job_seeker", "EXT-2", person("Bob", "Jones", "5002", "1991-02-02")).id, 1,
                "left the island");
      s.create("job_seeker", person("Carl", "Brown", "5003", "1985-05-05"));
      s.upsert("job_seeker", "EXT-4", person("Dan", "Gold", "5004", "1970-07-07"));
      db.close();
    }
    bulk = dir.file("bulk.db");
    per_record = dir.file("per_record.db");
    std::filesystem::copy_file(base, bulk);
    std::filesystem::copy_file(base, per_record);
    // Each copy with the audit key (owner-only, as clmis requires).
    std::filesystem::copy_file(base + ".key", bulk + ".key");
    std::filesystem::copy_file(base + ".key", per_record + ".key");
  }
  /// Imports text into both copies, one path each; checks the reports and databases are equal.
  Json both(const std::string& text, const clmis::ImportOptions& o) {
    return both_paths(bulk, per_record, "job_seeker", text, o);
  }
};

// Rows 2..23: good rows, every kind of refusal, warnings, and upserts (created, updated,
// unchanged, archived).
const std::string kCsv =
    "external_id,registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish,city,hours_wanted,wage_expectation\n"
    ",2024-02-01,Dee,Green,6001,F,1992-03-04,KN-02,Basseterre,40,1200.00\n"   // 2 created
    ",2024-02-02,carl,BROWN,6002,M,1985-05-05,KN-03,,,\n"                     // 3 possible duplicate of Carl
    ",2024-13-01,Eve,White,6003,F,1990-01-01,KN-01,,,\n"                      // 4 not a date
    ",2024-02-03,Fay,Black,6004,F,1990-01-01,KN-99,,,\n"                      // 5 not a parish
    ",2024-02-03,Gus,Gray,ABC,M,1990-01-01,KN-01,,,\n"                        // 6 NIS pattern
    ",2024-02-03,Hal,Young,6005,M,2015-01-01,KN-01,,,\n"                      // 7 under age
    ",2024-02-04,Ian,Dup,6001,M,1990-01-01,KN-01,,,\n"                        // 8 NIS twice in the file
    ",2024-02-04,Jan,Same,5003,F,1990-01-01,KN-01,,,\n"                       // 9 NIS of Carl (unique_active)
    "EXT-1,2024-01-10,Ann,Smith,5001,F,1990-01-01,KN-05,,,\n"                 // 10 updated
    "EXT-4,2024-01-10,Dan,Gold,5004,F,1970-07-07,KN-01,,,\n"                  // 11 unchanged
    "EXT-2,2024-01-10,Bob,Jones,5002,F,1991-02-02,KN-01,,,\n"                 // 12 archived: conflict
    "EXT-9,2024-03-01,Kim,New,6009,F,1980-01-01,KN-04,Sandy Point,20,\n"      // 13 created by upsert
    ",2024-02-05,Kim\n"                                                       // 14 field count
    ",2024-02-05,Lee,Nosex,6006,,1990-01-01,KN-01,,,\n"                       // 15 sex missing
    ",2024-02-06,DEE,green,6007,F,1992-03-04,KN-01,,,\n"                      // 16 possible duplicate of row 2
    ",2024-02-06,Max,Hours,6008,M,1990-01-01,KN-01,,100,\n"                   // 17 hours out of range
    ",2024-02-06,Ned,Money,6010,M,1990-01-01,KN-01,,,12.345\n"                // 18 money with 3 decimals
    ",2099-01-01,Oda,Future,6011,F,1990-01-01,KN-01,,,\n"                     // 19 registered in the future
    ",2024-01-01,Pat,Born,6012,F,2024-06-01,KN-01,,,\n"                       // 20 born after registering
    ",2024-02-07,Quin,Again,6004,F,1990-01-01,KN-01,,,\n"                     // 21 NIS of refused row 5
    "EXT-9,2024-03-01,Kim,New,6013,F,1980-01-01,KN-04,,,\n"                   // 22 external_id twice
    ",2024-02-08,Rae,Last,6014,F,1999-09-09,KN-13,Cayon,35,99.5 USD\n";       // 23 created

}  // namespace

TEST_CASE("The bulk import path writes what the per-record path writes", "[import]") {
  SECTION("skip: good rows in, bad rows reported") {
    Pair p;
    clmis::ImportOptions o;
    o.on_error = clmis::OnError::skip;
    o.source = "people.csv";
    o.ids = true;
    const Json r = p.both(kCsv, o);
    CHECK(r["committed"] == true);
    CHECK(r["created"] == 5);
    // The base holds job seekers 1 to 4: the five created are 5 to 9, in row order.
    CHECK(r["created_ids"] == Json::array({5, 6, 7, 8, 9}));
    CHECK(r["updated_ids"].size() == 1);
    CHECK(r["updated"] == 1);
    CHECK(r["unchanged"] == 1);
    CHECK(r["refused"] == 15);
    CHECK(r["warnings"] == 2);
  }
  SECTION("indexes built after loading, or while loading: the same tables and indexes") {
    // The bases hold 4 job seekers: automatic builds after loading too (the other sections).
    for (const auto mode : {clmis::IndexBuild::after_load, clmis::IndexBuild::during_load}) {
      Pair p;
      clmis::ImportOptions o;
      o.on_error = clmis::OnError::skip;
      o.index_build = mode;
      const Json r = p.both(kCsv, o);
      CHECK(r["created"] == 5);
      CHECK(r["refused"] == 15);
    }
  }
  SECTION("abort: everything reported, nothing written") {
    Pair p;
    const Json r = p.both(kCsv, {});
    CHECK(r["committed"] == false);
    CHECK(r["refused"] == 15);
  }
  SECTION("a clean file, twice: created, then unchanged or refused as taken") {
    Pair p;
    std::string clean = "external_id,registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n";
    for (int i = 0; i < 300; ++i)
      clean += (i % 3 == 0 ? "X-" + std::to_string(i) : std::string()) + ",2024-0" + std::to_string(1 + i % 9) +
               "-1" + std::to_string(i % 10) + ",Name" + std::to_string(i % 3) + ",Family" + std::to_string(i % 2) +
               "," + std::to_string(70000 + i) + "," + (i % 2 ? "M" : "F") + ",1960-01-0" + std::to_string(1 + i % 4) +
               ",KN-0" + std::to_string(1 + i % 9) + "\n";
    const Json first = p.both(clean, {});
    CHECK(first["committed"] == true);
    CHECK(first["created"] == 300);
    CHECK(first["created_ids"] == Json::array());  // not asked for (ImportOptions::ids)
    CHECK(first["warnings"].get<int>() > 0);  // same names and birth dates recur
    clmis::ImportOptions skip;
    skip.on_error = clmis::OnError::skip;
    const Json second = p.both(clean, skip);
    CHECK(second["unchanged"] == 100);
    CHECK(second["refused"] == 200);  // the NIS numbers are taken by the first import
  }
  SECTION("JSON Lines with sections") {
    Pair p;
    const std::string jsonl =
        R"({"registration_date": "2024-02-01", "first_name": "Sam", "family_name": "Stone", "nis_number": "8001", "sex": "M", "date_of_birth": "1980-01-01", "experience": [{"occupation": "0110", "from": "2010-01-01", "to": "2012-01-01"}]})" "\n"
        R"({"registration_date": "2024-02-01", "first_name": "Tia", "family_name": "Stone", "nis_number": "8002", "sex": "F", "date_of_birth": "1980-01-01", "experience": [{"occupation": "0110", "from": "2012-01-01", "to": "2010-01-01"}]})" "\n"
        R"({"external_id": "J-1", "registration_date": "2024-02-01", "first_name": "Uma", "family_name": "Reed", "nis_number": "8003", "sex": "F", "date_of_birth": "1981-01-01"})" "\n"
        R"({"external_id": "EXT-1", "first_name": "Annie"})" "\n"
        R"({"registration_no": "JS-1"})" "\n"
        "not json\n";
    clmis::ImportOptions o;
    o.format = "jsonl";
    o.on_error = clmis::OnError::skip;
    const Json r = p.both(jsonl, o);
    CHECK(r["created"] == 2);
    CHECK(r["updated"] == 1);
    CHECK(r["refused"] == 3);
  }
  SECTION("initial states held back by the bulk path: written before a transition reads them") {
    // 100 plain rows (their initial states go 64 to a statement: 36 still held back), then a
    // row with a lifecycle, whose transition must number its row after its own initial state
    // (n = 1), and the held-back rows of the others written too.
    Pair p;
    std::string csv = "registration_date,first_name,family_name,nis_number,sex,date_of_birth,active_on\n";
    for (int i = 0; i < 100; ++i) csv += "2024-02-01,Held" + std::to_string(i) + ",Back," + std::to_string(7100 + i) + ",F,1990-01-01,\n";
    csv += "2024-02-01,Last,Back,7200,F,1990-01-01,2024-02-05\n";
    // Ten more, and a second lifecycle (its statements now prepared: held-back rows are written
    // before a prepared statement that reads them runs too).
    for (int i = 0; i < 10; ++i) csv += "2024-02-01,More" + std::to_string(i) + ",Back," + std::to_string(7300 + i) + ",F,1990-01-01,\n";
    csv += "2024-02-01,Again,Back,7400,F,1990-01-01,2024-02-05\n";
    clmis::ImportOptions o;
    o.ids = true;
    const Json r = p.both(csv, o);
    CHECK(r["created"] == 112);
    // Ids 5..116 (the base holds 4): one initial row each (n 0, on 2024-02-01 = day 19754), and
    // records 105's and 116's activations (n 1, on 2024-02-05 = day 19758).
    CHECK(test::raw_scalar(p.bulk, "SELECT count(*) || ' ' || min(record_id) || ' ' || max(record_id) FROM "
                                   "clmis_status__job_seeker WHERE n = 0 AND effective_day = 19754 AND record_id > 4") ==
          "112 5 116");
    CHECK(test::raw_scalar(p.bulk, "SELECT group_concat(record_id || ' ' || status || ' ' || effective_day, ', ') FROM "
                                   "(SELECT * FROM clmis_status__job_seeker WHERE n = 1 ORDER BY record_id)") ==
          "105 active 19758, 116 active 19758");
    // Each initial row carries its record's own change number.
    CHECK(test::raw_scalar(p.bulk, "SELECT count(*) FROM clmis_status__job_seeker s JOIN clmis_change c ON "
                                   "c.record_type = 'job_seeker' AND c.op = 'create' AND s.record_id BETWEEN "
                                   "c.record_id AND c.record_id + c.span - 1 AND s.seq = c.seq + s.record_id - c.record_id "
                                   "WHERE s.n = 0 AND s.record_id > 4") == "112");
  }
  SECTION("legacy lifecycles: created with their transitions, an existing record continued") {
    Pair p;
    // EXT-4 exists (registered 2024-01-10, no transition): row 4 takes it to active. Row 3
    // fails after its record would be written (no such outcome): nothing of it stays.
    const std::string csv =
        "external_id,registration_date,first_name,family_name,nis_number,sex,date_of_birth,active_on,closed_on,outcome\n"
        ",2024-02-01,Vi,Lane,9001,F,1990-01-01,2024-02-02,2024-03-01,placed\n"   // 2 created, two steps
        ",2024-02-01,Wu,Lane,9002,M,1990-01-01,,2024-03-01,hired\n"              // 3 bad outcome
        "EXT-4,2024-01-10,Dan,Gold,5004,F,1970-07-07,2024-01-11,,\n"             // 4 existing: activated
        ",2024-02-01,Xo,Lane,9003,F,1990-01-01,2024-01-31,,\n";                  // 5 before registering
    clmis::ImportOptions o;
    o.on_error = clmis::OnError::skip;
    o.ids = true;
    const Json r = p.both(csv, o);
    CHECK(r["created"] == 1);
    CHECK(r["created_ids"] == Json::array({5}));
    CHECK(r["updated"] == 1);
    CHECK(r["refused"] == 2);
    REQUIRE(r["problems"].size() == 2);
    CHECK(r["problems"][0]["column"] == "outcome");
    CHECK(r["problems"][0]["rule"] == "code_list");
    CHECK(r["problems"][1]["column"] == "active_on");
    CHECK(r["problems"][1]["rule"] == "date_order");
  }
}

TEST_CASE("A CSV quoting error stops the import: its row counted and refused, nothing written even with skip", "[import]") {
  // The fuzzer's finding (tests/fuzz/corpus/import/quoting-error-stops): rows = 0 and refused = 1
  // before, and with skip the good row after the error was dropped without a word.
  const std::string text =
      "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n"
      "2025-03-03,Good,Before,7001,F,1999-07-14,KN-03\n"                // row 2: good
      "2025-03-03,\"Keisha \"\"Kay\"s_numbe\"\",Liburd,7002,F,1999-07-14,KN-03\n"  // row 3: text after a closing quote
      "2025-03-04,Good,After,7003,M,2000-01-01,KN-01\n";                 // row 4: never read
  for (const auto mode : {clmis::OnError::skip, clmis::OnError::abort}) {
    Pair p;
    std::int64_t upto = 0;  // the last audit entry before the import
    {
      sqlite3* db = nullptr;
      REQUIRE(sqlite3_open_v2(p.bulk.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
      sqlite3_stmt* st = nullptr;
      REQUIRE(sqlite3_prepare_v2(db, "SELECT max(id) FROM clmis_audit", -1, &st, nullptr) == SQLITE_OK);
      REQUIRE(sqlite3_step(st) == SQLITE_ROW);
      upto = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
      sqlite3_close(db);
    }
    const auto before = test::db_hash(p.bulk, upto);
    clmis::ImportOptions o;
    o.on_error = mode;
    const Json r = p.both(text, o);
    CHECK(r["committed"] == false);
    CHECK(r["stopped"] == true);
    CHECK(r["rows"] == 2);     // rows 2 and 3 read; row 4 not
    CHECK(r["refused"] == 1);
    CHECK(r["created"] == 1);  // row 2 passed (as in any import not committed, nothing is written)
    REQUIRE(r["problems"].size() == 1);
    CHECK(r["problems"][0]["row"] == 3);
    CHECK(r["problems"][0]["rule"] == "csv");
    CHECK(r["problems"][0]["message"] ==
          "line 3: text after closing quote; the file cannot be read past this point, so nothing is imported");
    // Nothing written: the login's audit entry aside (no "import" entry), the database is as it was.
    CHECK(test::db_hash(p.bulk, upto) == before);
    CHECK(test::audit_actions_after(p.bulk, upto) == std::vector<std::string>{"login"});
  }
}

TEST_CASE("A NUL byte in JSON Lines stops the import: not a text file, nothing written, the rest never read", "[import]") {
  // The hostile tester's repro: `clmis import DB job_seeker /dev/zero --format jsonl` never ended
  // and held the write lock meanwhile; NUL bytes are refused like CSV's.
  const std::string good =
      R"({"registration_date": "2024-02-01", "first_name": "Sam", "family_name": "Stone", "nis_number": "8101", "sex": "M", "date_of_birth": "1980-01-01"})";
  static const char nul_line[] = "{\"first_name\": \"A\0B\"}\n";  // a NUL inside: sizeof, not strlen
  const std::string text = good + "\n" + std::string(nul_line, sizeof nul_line - 1) + good + "\n";
  for (const auto mode : {clmis::OnError::skip, clmis::OnError::abort}) {
    Pair p;
    clmis::ImportOptions o;
    o.format = "jsonl";
    o.on_error = mode;
    const Json r = p.both(text, o);
    CHECK(r["committed"] == false);
    CHECK(r["stopped"] == true);
    CHECK(r["rows"] == 2);
    CHECK(r["refused"] == 1);
    REQUIRE(r["problems"].size() == 1);
    CHECK(r["problems"][0]["row"] == 2);
    CHECK(r["problems"][0]["message"] ==
          "line 2 holds a NUL byte: this is not a JSON Lines text file; the file is not read further, so nothing is imported");
  }
}

namespace {

/// The fixture pack's record type with a field of every type ("sample"), in two copies of one
/// database: a few owners (one archived) and samples (S-1, S-3, S-5; S-2 archived) to refer to
/// and upsert.
struct SamplePair {
  test::TempDir dir;
  std::string bulk, per_record;
  SamplePair() {
    const std::string base = dir.file("base.db");
    {
      auto db = test::fixture_db(dir, "base.db");
      auto s = db.login("admin", test::kPassword);
      s.create("owner", Json{{"name", "Owner one"}});
      s.archive("owner", s.create("owner", Json{{"name", "Owner two"}}), 1, "gone");
      s.upsert("sample", "S-1", Json{{"title", "Sam"}, {"ref_no", "R-1"}});
      s.archive("sample", s.upsert("sample", "S-2", Json{{"title", "Gone"}}).id, 1, "gone");
      s.upsert("sample", "S-3", Json{{"title", "Same"}, {"count", 4}, {"flag", true}});
      s.upsert("sample", "S-5", Json{{"title", "Five"}});
      db.close();
    }
    bulk = dir.file("bulk.db");
    per_record = dir.file("per_record.db");
    for (const auto& to : {bulk, per_record}) {
      std::filesystem::copy_file(base, to);
      std::filesystem::copy_file(base + ".key", to + ".key");
    }
  }
  Json both(const std::string& text, const clmis::ImportOptions& o) {
    return both_paths(bulk, per_record, "sample", text, o);
  }
};

const std::vector<std::string> kSampleColumns = {"external_id", "title", "note", "count", "ratio", "pay",
                                                 "pay_currency", "pay_usd", "day", "at", "flag", "kind",
                                                 "top_kind", "parish", "owner", "status", "ref_no"};

/// A CSV row of the sample columns: the cells named, the others empty.
std::string sample_row(const std::map<std::string, std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < kSampleColumns.size(); ++i) {
    if (i) line += ',';
    auto it = cells.find(kSampleColumns[i]);
    if (it != cells.end()) line += it->second;
  }
  return line + "\n";
}

std::string sample_csv() {
  std::string header;
  for (const auto& c : kSampleColumns) header += (header.empty() ? "" : ",") + c;
  std::string csv = header + "\n";
  const std::vector<std::map<std::string, std::string>> rows = {
      // 2: every type, good (the date in the declared layout; "yes" is true)
      {{"title", "Alpha"}, {"note", "fine note"}, {"count", "5"}, {"ratio", "10.5"}, {"pay", "12.50"},
       {"day", "1/2/2000"}, {"at", "2030-01-01T00:00:00Z"}, {"flag", "yes"}, {"kind", "a1"}, {"top_kind", "a"},
       {"parish", "P1"}, {"owner", "1"}, {"status", "open"}, {"ref_no", "R-10"}},
      // 3: a whole number with a leading zero, an amount naming its currency, "0" is false
      {{"title", "Beta"}, {"count", "07"}, {"pay", "1.5 USD"}, {"flag", "0"}, {"kind", "b"}, {"ref_no", "R-11"}},
      // 4: not a whole number (the importer's check: the row goes no further)
      {{"title", "Gamma"}, {"count", "x"}, {"kind", "zz"}},
      // 5: not a truth value, beside values the record's rules would refuse
      {{"title", "Delta"}, {"count", "101"}, {"flag", "maybe"}, {"kind", "zz"}},
      // 6: the field rules, all at once
      {{"title", "Delta"}, {"note", "BAD"}, {"count", "101"}, {"ratio", "1.2345"}, {"pay", "12.345"},
       {"pay_usd", "5 EUR"}, {"day", "31/2/2000"}, {"at", "2030-13-01T00:00:00Z"}, {"flag", "no"}, {"kind", "zz"},
       {"top_kind", "a1"}, {"parish", "P9"}, {"owner", "3"}, {"status", "closed"}},
      // 7: the currency column; an archived owner
      {{"title", "Eps"}, {"pay", "2.00"}, {"pay_currency", "USD"}, {"owner", "2"}},
      // 8: the amount names another currency than its column
      {{"title", "Zeta"}, {"pay", "2.00 XCD"}, {"pay_currency", "USD"}},
      // 9: a currency without an amount
      {{"title", "Eta"}, {"pay_currency", "USD"}},
      // 10: an ISO date where D/M/YYYY is declared
      {{"title", "Theta"}, {"day", "2000-01-01"}},
      // 11: a record id that is not positive; an unknown currency
      {{"title", "Iota"}, {"flag", "TRUE"}, {"owner", "-1"}, {"pay", "3 ZZZ"}},
      // 12: the ref_no of row 2
      {{"title", "Kappa"}, {"ref_no", "R-10"}},
      // 13: S-1 changed (upsert: updated)
      {{"external_id", "S-1"}, {"title", "Samuel"}},
      // 14: S-3 as stored (unchanged)
      {{"external_id", "S-3"}, {"title", "Same"}, {"count", "4"}, {"flag", "true"}},
      // 15: S-2 is archived (conflict)
      {{"external_id", "S-2"}, {"title", "Back"}},
      // 16: S-1 again in this file
      {{"external_id", "S-1"}, {"title", "Twice"}},
      // 17: required_if (a note when shut)
      {{"title", "Lambda"}, {"status", "shut"}},
      // 18: range_order (count above ratio); date_order and min_age_at (born after "at")
      {{"title", "Nu"}, {"count", "3"}, {"ratio", "0.5"}, {"day", "1/1/2020"}, {"at", "2019-01-01T00:00:00Z"}},
      // 19: too long; 20: quoted, with a comma
      {{"title", "ThisTitleIsTooLong"}},
      {{"title", "\"q, t\""}},
      // 21: not UTF-8
      {{"title", "\xFF"}, {"note", "x\xFE"}},
      // 22: the ref_no S-1 holds in the database (unique_active)
      {{"title", "Omicron"}, {"ref_no", "R-1"}},
      // 23: created by upsert
      {{"external_id", "S-4"}, {"title", "New"}, {"ref_no", "R-20"}},
      // 24: nothing but empty cells (title is required)
      {},
      // 25: S-5 updated with a value out of range
      {{"external_id", "S-5"}, {"count", "500"}},
      // 26: an external_id of 201 characters
      {{"external_id", std::string(201, 'e')}, {"title", "Long"}},
  };
  for (const auto& r : rows) csv += sample_row(r);
  return csv;
}

}  // namespace

TEST_CASE("CSV cells of every field type: the bulk path decodes them as the per-record path's JSON", "[import]") {
  const std::string csv = sample_csv();
  SECTION("a declared date layout, skip") {
    SamplePair p;
    clmis::ImportOptions o;
    o.on_error = clmis::OnError::skip;
    o.date_format = "D/M/YYYY";
    const Json r = p.both(csv, o);
    CHECK(r["rows"] == 25);
    CHECK(r["created"] == 4);  // rows 2, 3, 20 and 23
    CHECK(r["updated"] == 1);
    CHECK(r["unchanged"] == 1);
    CHECK(r["refused"] == 19);
    // Each kind of problem, named by row, column and rule as the per-record path names it.
    std::set<std::string> seen;
    for (const auto& pr : r["problems"])
      seen.insert(std::to_string(pr["row"].get<int>()) + " " + pr["column"].get<std::string>() + " " +
                  pr["rule"].get<std::string>());
    for (const char* want : {"4 count type", "5 flag type", "6 note pattern", "6 count range", "6 ratio type",
                             "6 pay type", "6 pay_usd code_list", "6 day type", "6 at type", "6 kind code_list",
                             "6 top_kind code_list", "6 parish code_list", "6 owner reference",
                             "6 status code_list", "7 owner reference", "8 pay type", "9 pay_currency type",
                             "10 day type", "11 owner reference", "11 pay code_list", "12 ref_no duplicate_in_file",
                             "15  conflict", "16 external_id duplicate_in_file", "19 title length",
                             "21 title type", "21 note type", "22 ref_no unique_active", "24 title required",
                             "25 count range", "26 external_id length"})
      CHECK(seen.count(want) == 1);
  }
  SECTION("ISO dates, abort") {
    SamplePair p;
    const Json r = p.both(csv, {});
    CHECK(r["committed"] == false);
  }
}

namespace {

/// n job seekers as CSV, first names from prefix, NIS numbers from first_nis; every 97th repeats
/// the names and birth date of the row before it (a possible duplicate); bad_at (a data row's
/// number from 1, 0: none) gets a parish no list holds.
std::string people_csv(const std::string& prefix, int n, int first_nis, int bad_at = 0) {
  std::string csv = "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n";
  for (int i = 1; i <= n; ++i) {
    const int k = i % 97 == 0 ? i - 1 : i;
    csv += "2024-02-" + std::to_string(10 + i % 18) + "," + prefix + std::to_string(k) + ",Family" + std::to_string(k % 13) +
           "," + std::to_string(first_nis + i) + "," + (i % 2 ? "M" : "F") + ",19" + std::to_string(60 + k % 40) +
           "-0" + std::to_string(1 + k % 9) + "-1" + std::to_string(k % 10) + "," +
           (i == bad_at ? std::string("KN-99") : "KN-0" + std::to_string(1 + i % 9)) + "\n";
  }
  return csv;
}

/// text with each line (numbered from 0, the header) replaced by edit(number, line).
std::string edit_lines(const std::string& text, const std::function<std::string(int, const std::string&)>& edit) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  for (int n = 0; std::getline(lines, line); ++n) out += edit(n, line) + "\n";
  return out;
}

/// A stream that cannot tell its size (as a pipe): no seeking.
class UnseekableBuf : public std::streambuf {
 public:
  explicit UnseekableBuf(std::string text) : text_(std::move(text)) {
    setg(text_.data(), text_.data(), text_.data() + text_.size());
  }

 private:
  std::string text_;
};

}  // namespace

TEST_CASE("An import into a large table builds its indexes after loading when the file's rows to come are many", "[import]") {
  // A table of 10,001 job seekers: one more than an import defers its indexes for at its start
  // (records.hpp kDeferIndexesUpTo). After its first 10,000 rows an import from a file whose
  // size is known weighs the rows still to come against the 20,001 then in the table.
  test::TempDir dir;
  const std::string base = dir.file("base.db");
  {
    auto db = test::standard_db(dir, "base.db");
    auto s = db.login("admin", test::kPassword);
    std::istringstream in(people_csv("Base", 10001, 100000));
    REQUIRE(clmis::import_records(s, "job_seeker", in).created == 10001);
    db.close();
  }
  auto copy = [&](const std::string& name) {
    const std::string path = dir.file(name);
    std::filesystem::copy_file(base, path);
    std::filesystem::copy_file(base + ".key", path + ".key");
    return path;
  };
  // The indexes of job_seeker that no check reads, counted from the schema by hand: all of its
  // indexes but the NIS number's (unique_active), the possible-duplicate key's and external_id's.
  const int deferrable = std::stoi(test::raw_scalar(
      base, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'job_seeker' AND sql IS NOT NULL "
            "AND name NOT IN ('job_seeker_ix_nis_number', 'job_seeker_ux_external_id') AND name NOT GLOB 'job_seeker_dup_*'"));
  REQUIRE(deferrable == 5);  // family name, outcome, parish, status, registration number
  auto import = [&](const std::string& path, std::istream& in, const clmis::ImportOptions& o, bool per_record = false) {
    auto db = clmis::Database::open(path);
    auto s = db.login("admin", test::kPassword);
    const auto r = per_record ? clmis::import_records_per_record(s, "job_seeker", in, o)
                              : clmis::import_records(s, "job_seeker", in, o);
    db.close();
    return r;
  };
  clmis::ImportOptions skip;
  skip.on_error = clmis::OnError::skip;

  SECTION("22,000 rows: 12,000 to come after the first 10,000, at least half of 20,001: built after, the same tables") {
    // One refused row before the weighing and one after, and possible duplicates throughout.
    const std::string csv = people_csv("Name", 22000, 200000, 20);
    const std::string bulk = copy("bulk.db"), per_record = copy("per_record.db");
    std::istringstream a(csv), b(csv);
    const auto r = import(bulk, a, skip);
    CHECK(r.committed);
    CHECK(r.created == 21999);
    CHECK(r.refused == 1);
    CHECK(r.warnings == 22000 / 97);  // rows 97, 194, ...: the names and birth date of the row before
    CHECK(r.indexes_built_after_load == 5);
    const auto q = import(per_record, b, skip, true);
    CHECK(q.created == 21999);
    CHECK(q.indexes_built_after_load == 0);
    same_tables(bulk, per_record);
  }
  SECTION("14,000 rows: about 4,000 to come, under half of 20,001: built while loading") {
    const std::string path = copy("small.db");
    std::istringstream in(people_csv("Name", 14000, 200000));
    const auto r = import(path, in, {});
    CHECK(r.created == 14000);
    CHECK(r.indexes_built_after_load == 0);
  }
  SECTION("from a stream that cannot tell its size: built while loading") {
    const std::string path = copy("pipe.db");
    UnseekableBuf buf(people_csv("Name", 22000, 200000));
    std::istream in(&buf);
    const auto r = import(path, in, {});
    CHECK(r.created == 22000);
    CHECK(r.indexes_built_after_load == 0);
  }
  SECTION("during_load is never weighed") {
    const std::string path = copy("during.db");
    std::istringstream in(people_csv("Name", 22000, 200000));
    clmis::ImportOptions o;
    o.index_build = clmis::IndexBuild::during_load;
    CHECK(import(path, in, o).indexes_built_after_load == 0);
  }
  SECTION("a bad row after the indexes were dropped aborts: the tables and indexes as they were") {
    const std::string path = copy("abort.db"), untouched = copy("untouched.db");
    std::istringstream in(people_csv("Name", 22000, 200000, 21000));
    const auto r = import(path, in, {});
    CHECK_FALSE(r.committed);
    CHECK(r.refused == 1);
    CHECK(r.indexes_built_after_load == 0);
    {
      auto db = clmis::Database::open(untouched);  // its login's audit entry, as the import's had
      db.login("admin", test::kPassword);
      db.close();
    }
    same_tables(path, untouched);
  }
}

TEST_CASE("CSV rows are read ahead on a thread of their own: errors, progress and a stop in the middle as when read in turn", "[import]") {
  // The reader hands rows over 512 at a time, at most four chunks ahead (io/import.cpp RowPipe):
  // 6,000 rows cross a dozen handovers.
  test::TempDir dir;
  auto db = test::standard_db(dir, "people.db");
  auto s = db.login("admin", test::kPassword);
  const std::string path = dir.file("people.db");
  auto count = [&] { return std::stoi(test::raw_scalar(path, "SELECT count(*) FROM job_seeker")); };  // by plain SQL
  const std::string good = people_csv("Ahead", 6000, 300000);
  SECTION("a quoting error on the 4,001st data row: the 4,000 before it read, nothing written") {
    // Data row k is line k + 1; the error's line is 4,002.
    const std::string text = edit_lines(good, [](int n, const std::string& line) {
      return n == 4001 ? line + ",\"x\"y" : line;  // text after a closing quote
    });
    for (const auto mode : {clmis::OnError::skip, clmis::OnError::abort}) {
      std::istringstream in(text);
      clmis::ImportOptions o;
      o.on_error = mode;
      const auto r = clmis::import_records(s, "job_seeker", in, o);
      CHECK_FALSE(r.committed);
      CHECK(r.stopped);
      CHECK(r.rows == 4001);
      CHECK(r.refused == 1);
      CHECK(r.created == 4000);
      CHECK(r.warnings == 4000 / 97);  // data rows 97, 194, ...: possible duplicates (people_csv)
      REQUIRE(r.problems.size() == 4000 / 97 + 1);
      CHECK(r.problems.back().row == 4002);
      CHECK(r.problems.back().message ==
            "line 4002: text after closing quote; the file cannot be read past this point, so nothing is imported");
      CHECK(count() == 0);
    }
  }
  SECTION("progress: every 1,000 rows and at the end, the bytes read never going back, the last the file's size") {
    std::istringstream in(good);
    clmis::ImportOptions o;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
    o.progress = [&](std::uint64_t bytes, std::uint64_t rows) { calls.emplace_back(bytes, rows); };
    const auto r = clmis::import_records(s, "job_seeker", in, o);
    CHECK(r.created == 6000);
    REQUIRE(calls.size() == 7);  // rows 1,000 to 6,000, and the end
    for (size_t i = 0; i < 6; ++i) CHECK(calls[i].second == 1000 * (i + 1));
    for (size_t i = 1; i < calls.size(); ++i) CHECK(calls[i].first >= calls[i - 1].first);
    CHECK(calls.back() == std::make_pair(std::uint64_t{good.size()}, std::uint64_t{6000}));
    // Row 1,000's bytes: the header and the first 1,000 data lines, counted from the text.
    std::size_t upto = 0;
    for (int lines = 0; lines < 1001; ++lines) upto = good.find('\n', upto) + 1;
    CHECK(calls[0].first == upto);
    CHECK(count() == 6000);
  }
  SECTION("cells larger than a chunk's bytes: each row handed over on its own, in order") {
    // Rows 2, 4, ..., 40 of the 6,000 get a city of 300,000 letters (over a chunk's 256 KiB of
    // cells, and over the field's length): those are refused; the others are written.
    // people_csv's columns end with the parish: a city column is added to every line.
    const std::string text = edit_lines(good, [](int n, const std::string& line) {
      if (n >= 2 && n <= 40 && n % 2 == 0) return line + "," + std::string(300000, 'x');
      return line + (n == 0 ? ",city" : ",Basseterre");
    });
    std::istringstream in(text);
    clmis::ImportOptions o;
    o.on_error = clmis::OnError::skip;
    const auto r = clmis::import_records(s, "job_seeker", in, o);
    CHECK(r.refused == 20);
    CHECK(r.created == 5980);
    std::vector<std::uint64_t> refused;
    for (const auto& p : r.problems)
      if (!p.warning) refused.push_back(p.row);
    std::vector<std::uint64_t> want;
    for (int k = 2; k <= 40; k += 2) want.push_back(k + 1);  // line k is file row k + 1
    CHECK(refused == want);
    CHECK(count() == 5980);
  }
  SECTION("an exception from the caller's progress at row 2,000, the reader ahead: it reaches the caller, nothing written") {
    std::istringstream in(good);
    clmis::ImportOptions o;
    o.progress = [](std::uint64_t, std::uint64_t rows) {
      if (rows == 2000) throw std::runtime_error("stopped by the caller");
    };
    CHECK_THROWS_WITH(clmis::import_records(s, "job_seeker", in, o), "stopped by the caller");
    CHECK(count() == 0);
    // The session is usable, and the same stream can be read again from its start.
    in.clear();
    in.seekg(0);
    CHECK(clmis::import_records(s, "job_seeker", in).created == 6000);
  }
}
