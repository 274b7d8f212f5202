// export --format xlsx (issue 14, "Excel"): every field type of the fixture pack as a typed cell,
// read back with the tests' own zip and XML reader (tests/io/xlsx_read.hpp), expected values
// worked by hand; code labels in the language asked; a sheet per section; --fields; masking as
// in CSV; numbers Excel cannot hold as text with a warning; the audit entry. And for every
// format: a refused export leaves no file behind and the database unchanged.
#include <catch2/catch.hpp>

#include "clmis/io.hpp"
#include "io/xlsx_read.hpp"
#include "support.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using clmis::Json;

namespace {

clmis::ExportOptions xlsx_options(std::vector<clmis::ExportWarning>* warnings = nullptr) {
  clmis::ExportOptions o;
  o.format = "xlsx";
  if (warnings) o.on_warning = [warnings](const clmis::ExportWarning& w) { warnings->push_back(w); };
  return o;
}

/// Excel's day number of "YYYY-MM-DDThh:mm:ssZ", computed here from the civil date (days since
/// 1899-12-30, valid from 1900-03-01) and the seconds of the day.
double serial_of(const std::string& ts) {
  const int y = std::stoi(ts.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(ts.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(ts.substr(8, 2)));
  const std::int64_t days = (date::sys_days{date::year{y} / m / d} - date::sys_days{date::year{1899} / 12 / 30}).count();
  const int secs = std::stoi(ts.substr(11, 2)) * 3600 + std::stoi(ts.substr(14, 2)) * 60 + std::stoi(ts.substr(17, 2));
  return static_cast<double>(days * 86400 + secs) / 86400.0;
}

}  // namespace

TEST_CASE("Export xlsx: every field type as a typed cell, labels in the language asked, a sheet per section", "[xlsx][io][export]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto admin = db.login("admin", test::kPassword);
  const auto owner = admin.create("owner", Json{{"name", "Owner A"}});
  REQUIRE(owner == 1);
  const auto first = admin.create(
      "sample", Json{{"title", "First"},
                     {"note", "a note"},
                     {"count", 7},
                     {"ratio", "12.345"},
                     {"pay", {{"amount", "1250.05"}, {"currency", "XCD"}}},
                     {"day", "2000-01-15"},
                     {"at", "2025-03-03T12:25:30Z"},
                     {"flag", true},
                     {"kind", "a"},
                     {"top_kind", "b"},
                     {"parish", "P1"},
                     {"owner", owner},
                     {"ref_no", "=1+1"},
                     {"items", Json::array({Json{{"label", "one"}, {"qty", 2}, {"kind", "a1"}, {"from", "2025-01-01"}, {"to", "2025-02-01"}},
                                            Json{{"label", "two"}, {"qty", 1}}})}});
  const auto second = admin.create("sample", Json{{"title", "Second"}});
  // 1,234,567,890,123,456.78 has 18 significant digits: more than Excel keeps.
  const auto third = admin.create("sample", Json{{"title", "Third"}, {"pay", {{"amount", "1234567890123456.78"}, {"currency", "XCD"}}},
                                                 {"ratio", "-0.5"}});
  REQUIRE((first == 1 && second == 2 && third == 3));
  const Json rec1 = admin.get("sample", first);

  std::vector<clmis::ExportWarning> warnings;
  auto o = xlsx_options(&warnings);
  o.language = "nl";
  const std::string path = dir.file("samples.xlsx");
  CHECK(clmis::export_to_file(admin, "sample", path, o) == 3);
  CHECK(test::file_mode(path) == 0600);
  const auto b = test::xlsx::read(path);
  REQUIRE(b.sheet_names() == std::vector<std::string>{"sample", "items"});
  const auto& s = b.sheet("sample");
  CHECK(s.headers() == std::vector<std::string>{
                           "id", "version", "external_id", "created_at", "created_by", "updated_at", "updated_by",
                           "archived", "archive_reason", "title", "note", "count", "ratio", "pay", "pay_currency",
                           "pay_usd", "pay_usd_currency", "day", "at", "flag", "kind", "kind_label", "top_kind",
                           "top_kind_label", "parish", "parish_label", "owner", "status", "status_label", "ref_no"});
  CHECK(s.last_row() == 4);
  CHECK(s.xml.find("state=\"frozen\"") != std::string::npos);

  // Integers and references: numbers.
  for (const char* h : {"id", "version", "count", "owner"}) {
    INFO(h);
    CHECK(s.at(h, 2).type == "");
    CHECK(s.at(h, 2).format == "0");
  }
  CHECK(s.at("id", 2).value == "1");
  CHECK(s.at("id", 4).value == "3");
  CHECK(s.at("count", 2).value == "7");
  CHECK(s.at("owner", 2).value == "1");
  // Decimals with the field's 3 places; money with the currency's 2, grouped, and the currency.
  CHECK(s.at("ratio", 2).value == "12.345");
  CHECK(s.at("ratio", 2).format == "0.000");
  CHECK(s.at("ratio", 4).value == "-0.5");
  CHECK(s.at("ratio", 4).format == "0.000");
  CHECK(s.at("pay", 2).type == "");
  CHECK(s.at("pay", 2).value == "1250.05");
  CHECK(s.at("pay", 2).format == "#,##0.00");
  CHECK(s.at("pay_currency", 2).type == "inlineStr");
  CHECK(s.at("pay_currency", 2).value == "XCD");
  // Dates: 2000-01-15 is 36,540 — 1970-01-01 is 25,569; 1970 → 2000 is 30 years of 365 days
  // plus the 7 leap days 1972..1996 = 10,957; then 14 days: 25,569 + 10,957 + 14 = 36,540.
  CHECK(s.at("day", 2).value == "36540");
  CHECK(s.at("day", 2).format == "yyyy-mm-dd");
  // 2025-03-03T12:25:30Z: 45,719 (xlsx_test.cpp works it out) + 44,730 s / 86,400.
  CHECK(std::stod(s.at("at", 2).value) == Approx(45719.0 + 44730.0 / 86400.0).epsilon(1e-15));
  CHECK(s.at("at", 2).format == "yyyy-mm-dd hh:mm:ss");
  CHECK(std::stod(s.at("created_at", 2).value) == Approx(serial_of(rec1["created_at"])).epsilon(1e-15));
  CHECK(s.at("created_at", 2).format == "yyyy-mm-dd hh:mm:ss");
  // Booleans.
  CHECK(s.at("flag", 2).type == "b");
  CHECK(s.at("flag", 2).value == "1");
  CHECK(s.at("archived", 2).type == "b");
  CHECK(s.at("archived", 2).value == "0");
  // Text and codes as text, with the label in Dutch where the code has one, else English.
  CHECK(s.at("title", 2).value == "First");
  CHECK(s.at("created_by", 2).value == "admin");
  CHECK(s.at("kind", 2).value == "a");
  CHECK(s.at("kind_label", 2).value == "Alfa");
  CHECK(s.at("top_kind", 2).value == "b");
  CHECK(s.at("top_kind_label", 2).value == "Beta");
  CHECK(s.at("parish_label", 2).value == "Parish one");
  CHECK(s.at("status", 2).value == "open");
  CHECK(s.at("status_label", 2).value == "Open");
  // Formula text stays text, without CSV's apostrophe.
  CHECK(s.at("ref_no", 2).type == "inlineStr");
  CHECK(s.at("ref_no", 2).value == "=1+1");
  CHECK(s.xml.find("<f>") == std::string::npos);
  // No value: no cell.
  for (const char* h : {"note", "count", "ratio", "pay", "pay_currency", "day", "at", "flag", "kind", "kind_label", "external_id"}) {
    INFO(h);
    CHECK(s.at(h, 3).value == "");
  }
  // 18 significant digits: text, as stored, and a warning naming the cell.
  CHECK(s.at("pay", 4).type == "inlineStr");
  CHECK(s.at("pay", 4).value == "1234567890123456.78");
  CHECK(s.at("pay_currency", 4).value == "XCD");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].sheet == "sample");
  CHECK(warnings[0].row == 4);
  CHECK(warnings[0].column == "pay");
  CHECK(warnings[0].id == 3);
  CHECK(warnings[0].value == "1234567890123456.78");
  CHECK(warnings[0].rule == "precision");

  // The section: one row per entry, with its record's id and its position.
  const auto& items = b.sheet("items");
  CHECK(items.headers() == std::vector<std::string>{"sample_id", "item_no", "label", "qty", "kind", "kind_label", "from", "to"});
  CHECK(items.last_row() == 3);
  CHECK(items.at("sample_id", 2).value == "1");
  CHECK(items.at("item_no", 2).value == "1");
  CHECK(items.at("label", 2).value == "one");
  CHECK(items.at("qty", 2).value == "2");
  CHECK(items.at("kind", 2).value == "a1");
  CHECK(items.at("kind_label", 2).value == "Alpha one");
  // 2025-01-01: 45,719 (2025-03-03) - 31 - 28 - 2 = 45,658; 2025-02-01: 45,658 + 31 = 45,689.
  CHECK(items.at("from", 2).value == "45658");
  CHECK(items.at("to", 2).value == "45689");
  CHECK(items.at("from", 2).format == "yyyy-mm-dd");
  CHECK(items.at("sample_id", 3).value == "1");
  CHECK(items.at("item_no", 3).value == "2");
  CHECK(items.at("label", 3).value == "two");
  CHECK(items.at("from", 3).value == "");
  CHECK(items.xml.find("state=\"frozen\"") != std::string::npos);

  // The audit entry, as for CSV, with the language.
  const Json audit = admin.audit_entries(0, 1000);
  const Json& last = audit.back();
  CHECK(last["action"] == "export");
  CHECK(last["detail"]["record_type"] == "sample");
  CHECK(last["detail"]["format"] == "xlsx");
  CHECK(last["detail"]["language"] == "nl");

  // English by default (the country's first language).
  const std::string en = dir.file("en.xlsx");
  CHECK(clmis::export_to_file(admin, "sample", en, xlsx_options()) == 3);
  CHECK(test::xlsx::read(en).sheet("sample").at("kind_label", 2).value == "Alpha");
  CHECK(admin.audit_entries(0, 1000).back()["detail"]["language"] == "en");
}

TEST_CASE("Export xlsx: fields choose the columns and the section sheets", "[xlsx][io][export]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto admin = db.login("admin", test::kPassword);
  admin.create("sample", Json{{"title", "First"}, {"pay", {{"amount", "10.00"}, {"currency", "XCD"}}},
                              {"items", Json::array({Json{{"label", "one"}}})}});
  auto o = xlsx_options();
  o.fields = {"items", "pay", "title"};
  const std::string path = dir.file("f.xlsx");
  CHECK(clmis::export_to_file(admin, "sample", path, o) == 1);
  auto b = test::xlsx::read(path);
  CHECK(b.sheet_names() == std::vector<std::string>{"sample", "items"});
  CHECK(b.sheet("sample").headers() == std::vector<std::string>{"pay", "pay_currency", "title"});
  CHECK(b.sheet("sample").at("pay", 2).value == "10");
  CHECK(b.sheet("sample").at("pay", 2).format == "#,##0.00");
  CHECK(b.sheet("items").at("sample_id", 2).value == "1");  // the id, though not among the fields
  CHECK(b.sheet("items").at("label", 2).value == "one");
  // Only a section: the first sheet lists the ids.
  o.fields = {"items"};
  CHECK(clmis::export_to_file(admin, "sample", path, o, true) == 1);
  b = test::xlsx::read(path);
  CHECK(b.sheet("sample").headers() == std::vector<std::string>{"id"});
  CHECK(b.sheet("items").last_row() == 2);
  // No sections: no section sheet.
  o.fields = {"title"};
  CHECK(clmis::export_to_file(admin, "sample", path, o, true) == 1);
  CHECK(test::xlsx::read(path).sheet_names() == std::vector<std::string>{"sample"});
}

TEST_CASE("Export xlsx: a statistician's workbook is masked exactly as their CSV", "[xlsx][io][export][security]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  for (int n = 0; n < 3; ++n)
    admin.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "Keisha" + std::to_string(n)},
                                    {"family_name", "Liburdxq"}, {"nis_number", std::to_string(1846390 + n)},
                                    {"sex", "F"}, {"date_of_birth", "1990-02-1" + std::to_string(n)},
                                    {"parish", "KN-03"}, {"city", "Basseterre"},
                                    {"wage_expectation", {{"amount", "1500.00"}, {"currency", "XCD"}}}});
  admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                         {"must_change_password", false}});
  auto stat = db.login("stat", "statistics-pw-1");
  std::ostringstream csv_text;
  clmis::export_records(stat, "job_seeker", csv_text, clmis::ExportOptions{});
  const std::string path = dir.file("js.xlsx");
  CHECK(clmis::export_to_file(stat, "job_seeker", path, xlsx_options()) == 3);
  const auto b = test::xlsx::read(path);
  const auto& s = b.sheet("job_seeker");
  // The CSV's header and its rows (the values here have no commas or quotes).
  std::istringstream lines(csv_text.str());
  std::string line;
  std::vector<std::vector<std::string>> csv;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    csv.push_back(cells);
  }
  REQUIRE(csv.size() == 4);
  const Json schema = db.schema();
  int personal = 0;
  for (const auto& t : schema["record_types"])
    if (t["name"] == "job_seeker")
      for (const auto& f : t["fields"]) {
        if (!f.value("personal", false)) continue;
        ++personal;
        const std::string name = f["name"];
        const auto col = std::find(csv[0].begin(), csv[0].end(), name) - csv[0].begin();
        REQUIRE(static_cast<std::size_t>(col) < csv[0].size());
        for (int row = 1; row <= 3; ++row) {
          INFO(name << " row " << row);
          const auto c = s.at(name, row + 1);
          CHECK(c.value == csv[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)]);
          CHECK(c.value.empty());  // masked: no value in either, a birth date too (not an age group)
        }
      }
  CHECK(personal >= 5);
  // The age group is not personal: after the birth date, the same text in both.
  const auto age_col = static_cast<std::size_t>(std::find(csv[0].begin(), csv[0].end(), "age_group") - csv[0].begin());
  REQUIRE(age_col < csv[0].size());
  CHECK(csv[0][age_col - 1] == "date_of_birth");
  for (int row = 1; row <= 3; ++row) {
    const auto c = s.at("age_group", row + 1);
    CHECK(!c.value.empty());
    CHECK(c.value == csv[static_cast<std::size_t>(row)][age_col]);
    CHECK(c.type == "inlineStr");
  }
  // No personal value in clear anywhere in the workbook.
  for (const auto& [name, text] : b.files) {
    INFO(name);
    CHECK(text.find("Keisha") == std::string::npos);
    CHECK(text.find("Liburdxq") == std::string::npos);
    CHECK(text.find("184639") == std::string::npos);
  }
  // What is not personal is there: the wage as a number.
  CHECK(s.at("wage_expectation", 2).value == "1500");
  CHECK(s.at("sex_label", 2).value == "Female");
}

TEST_CASE("Export: a refused export leaves no file behind, audits nothing and changes nothing, in every format", "[xlsx][io][export][errors]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  admin.create("employer", Json{{"name", "Files Ltd"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  admin.user_create(Json{{"name", "officer"}, {"password", "officer-pw-12"}, {"roles", {"officer"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  auto officer = db.login("officer", "officer-pw-12");
  const std::string f = dir.file("nlad.db");
  fs::create_directory(dir.file("sub"));
  const std::string before = test::db_hash(f);
  // A directory this process cannot write: /proc for root (to whom permissions do not apply),
  // else a directory without write permission.
  std::string unwritable = "/proc/clmis-export-test.out";
  if (::geteuid() != 0) {
    fs::create_directory(dir.file("ro"));
    fs::permissions(dir.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
    unwritable = dir.file("ro/out.x");
  }
  const auto listing_ro = test::dir_entries(dir.path());
  for (const std::string format : {"csv", "jsonl", "json", "xlsx"}) {
    INFO(format);
    clmis::ExportOptions o;
    o.format = format;
    const std::string target = dir.file("out." + format);
    auto refused = [&](const std::string& what, auto&& export_fn, auto error_tag) {
      INFO(what);
      using E = typename decltype(error_tag)::type;
      CHECK_THROWS_AS(export_fn(), E);
      CHECK_FALSE(fs::exists(target));
      CHECK(test::dir_entries(dir.path()) == listing_ro);  // no temporary file either
      CHECK(test::db_hash(f) == before);                    // nothing audited
    };
    struct MisuseTag { using type = clmis::Misuse; };
    struct DeniedTag { using type = clmis::PermissionDenied; };
    struct StorageTag { using type = clmis::StorageError; };
    struct InvalidTag { using type = clmis::ValidationError; };
    struct NotFoundTag { using type = clmis::NotFound; };
    refused("the database file", [&] { clmis::export_to_file(admin, "employer", f, o, true); }, MisuseTag{});
    refused("a directory", [&] { clmis::export_to_file(admin, "employer", dir.file("sub"), o, true); }, MisuseTag{});
    refused("an unwritable directory", [&] { clmis::export_to_file(admin, "employer", unwritable, o); }, StorageTag{});
    refused("no export permission", [&] { clmis::export_to_file(officer, "employer", target, o); }, DeniedTag{});
    refused("an unknown type", [&] { clmis::export_to_file(admin, "no_such_type", target, o); }, NotFoundTag{});
    {
      auto bad = o;
      bad.fields = {"name", "colour"};
      refused("an unknown field", [&] { clmis::export_to_file(admin, "employer", target, bad); }, InvalidTag{});
    }
    {
      auto bad = o;
      bad.language = format == "xlsx" ? "fr" : "en";  // not the country's; not for this format
      refused("a language", [&] { clmis::export_to_file(admin, "employer", target, bad); }, MisuseTag{});
    }
    {
      auto bad = o;
      bad.format = "xls";
      refused("an unknown format", [&] { clmis::export_to_file(admin, "employer", target, bad); }, MisuseTag{});
    }
  }
  // xlsx is not written to a stream.
  std::ostringstream out;
  CHECK_THROWS_AS(clmis::export_records(admin, "employer", out, xlsx_options()), clmis::Misuse);
  CHECK(out.str().empty());
  CHECK(test::db_hash(f) == before);
  CHECK(test::dir_entries(dir.path()) == listing_ro);
  // The same exports, allowed, write their files.
  for (const std::string format : {"csv", "jsonl", "json", "xlsx"}) {
    clmis::ExportOptions o;
    o.format = format;
    CHECK(clmis::export_to_file(admin, "employer", dir.file("out." + format), o) == 1);
  }
  CHECK(test::xlsx::read(dir.file("out.xlsx")).sheet("employer").at("name", 2).value == "Files Ltd");
}
