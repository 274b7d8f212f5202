// The xlsx writer (src/core/xlsx.hpp): Excel's day numbers, significant digits, sheet names, and
// workbooks read back with the tests' own zip and XML reader (tests/io/xlsx_read.hpp): typed
// cells, number formats, the frozen header, continuation sheets past the row limit, text that
// would be a formula or an escape, the 32,767-character cell, locales with a decimal comma, and a
// workbook abandoned without close().
#include <catch2/catch.hpp>

#include "core/xlsx.hpp"
#include "io/xlsx_read.hpp"
#include "support.hpp"

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
namespace xlsx = clmis::detail::xlsx;
using date::day;
using date::month;
using date::year;

namespace {

clmis::Date ymd(int y, unsigned m, unsigned d) { return date::sys_days{year{y} / month{m} / day{d}}; }

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("xlsx: Excel day numbers of dates and date-times, worked by hand", "[xlsx][io]") {
  // Excel's 1900 system counts 1900-01-01 as day 1 and has a 29 February 1900 (day 60), so from
  // 1900-03-01 (day 61) on, a day's number is the days since 1899-12-30.
  // 1970-01-01: 1900-03-01 is day 61; 1900-03-01 → 1970-03-01 is 70 years of 365 days plus the
  // 17 leap days 1904..1968 = 25,567 days; 1970-01-01 is 59 days before 1970-03-01:
  // 61 + 25,567 - 59 = 25,569.
  CHECK(xlsx::date_serial(ymd(1970, 1, 1)) == 25569.0);
  // 2025-03-03: 1970-01-01 → 2025-01-01 is 55 years of 365 days plus the 14 leap days
  // 1972..2024 = 20,089 days; then January (31), February (28) and 2 more days = 61:
  // 25,569 + 20,089 + 61 = 45,719.
  CHECK(xlsx::date_serial(ymd(2025, 3, 3)) == 45719.0);
  CHECK(xlsx::date_serial(ymd(1900, 3, 1)) == 61.0);
  CHECK(xlsx::date_serial(ymd(9999, 12, 31)) == 2958465.0);  // Excel's last day
  // Before 1900-03-01 Excel's numbers are off by the phantom day: no number.
  CHECK_FALSE(xlsx::date_serial(ymd(1900, 2, 28)).has_value());
  CHECK_FALSE(xlsx::date_serial(ymd(1899, 12, 31)).has_value());
  // 2025-03-03T18:00:00Z: 45,719 + 18/24 = 45,719.75 (exact in binary).
  const clmis::DateTime six_pm = date::sys_days{ymd(2025, 3, 3)} + std::chrono::hours{18};
  CHECK(xlsx::datetime_serial(six_pm) == 45719.75);
  // 12:25:30 is 44,730 s: 45,719 + 44,730/86,400; the double nearest to that fraction.
  const clmis::DateTime t = date::sys_days{ymd(2025, 3, 3)} + std::chrono::seconds{44730};
  CHECK(xlsx::datetime_serial(t) == 45719.0 + 44730.0 / 86400.0);
  CHECK_FALSE(xlsx::datetime_serial(date::sys_days{ymd(1900, 2, 28)} + std::chrono::hours{23}).has_value());
}

TEST_CASE("xlsx: significant digits of decimal numerals", "[xlsx][io]") {
  CHECK(xlsx::significant_digits("0") == 0);
  CHECK(xlsx::significant_digits("0.00") == 0);
  CHECK(xlsx::significant_digits("-0012.3400") == 4);
  CHECK(xlsx::significant_digits("1250.00") == 3);
  CHECK(xlsx::significant_digits("100000000000000000000") == 1);
  CHECK(xlsx::significant_digits("0.000000000000001") == 1);
  CHECK(xlsx::significant_digits("999999999999.999") == 15);
  CHECK(xlsx::significant_digits("1234567890123456.78") == 18);
  CHECK(xlsx::significant_digits("9223372036854775807") == 19);
  for (const char* bad : {"", "-", "1e3", "12.", ".5", " 1", "1,5", "+1", "0x10", "1.2.3"}) {
    INFO(bad);
    CHECK_FALSE(xlsx::significant_digits(bad).has_value());
  }
}

TEST_CASE("xlsx: sheet names are made valid and unique", "[xlsx][io]") {
  CHECK(xlsx::sheet_name("job_seeker", {}) == "job_seeker");
  CHECK(xlsx::sheet_name("a/b:c?d*e[f]g\\h", {}) == "a_b_c_d_e_f_g_h");
  CHECK(xlsx::sheet_name("'quoted'", {}) == "_quoted_");
  CHECK(xlsx::sheet_name("", {}) == "Sheet");
  CHECK(xlsx::sheet_name("history", {}) == "history (2)");  // Excel reserves "History"
  CHECK(xlsx::sheet_name("Items", {"items"}) == "Items (2)");
  CHECK(xlsx::sheet_name("items", {"items", "items (2)"}) == "items (3)");
  const std::string longer(40, 'x');
  CHECK(xlsx::sheet_name(longer, {}) == std::string(31, 'x'));
  CHECK(xlsx::sheet_name(longer, {std::string(31, 'x')}) == std::string(27, 'x') + " (2)");
}

TEST_CASE("xlsx: a workbook read back has typed cells, formats, a frozen header and exact values", "[xlsx][io]") {
  test::TempDir dir;
  const std::string path = dir.file("t.xlsx");
  {
    xlsx::Workbook book(path, {dir.path().string(), xlsx::kMaxRows});
    auto& s = book.add_sheet("Typed", {"text", "int", "money", "decimal", "date", "when", "flag", "big", "old"});
    s.next_row();
    CHECK(s.text("=HYPERLINK(\"http://x\")") == xlsx::Written::typed);
    CHECK(s.integer(-42) == xlsx::Written::typed);
    CHECK(s.number("1250.05", true) == xlsx::Written::typed);
    CHECK(s.number("-0.125") == xlsx::Written::typed);
    CHECK(s.date(ymd(2025, 3, 3)) == xlsx::Written::typed);
    CHECK(s.datetime(date::sys_days{ymd(2025, 3, 3)} + std::chrono::hours{18}) == xlsx::Written::typed);
    s.boolean(true);
    CHECK(s.number("1234567890123456.78", true) == xlsx::Written::as_text);
    CHECK(s.date(ymd(1899, 12, 31)) == xlsx::Written::as_text);
    s.next_row();
    CHECK(s.text("A_x0041_B & <c> \x01") == xlsx::Written::typed);
    s.skip();
    CHECK(s.number("999999999999.999") == xlsx::Written::typed);  // 15 significant digits
    CHECK(s.number("0") == xlsx::Written::typed);
    s.skip();
    s.skip();
    s.boolean(false);
    CHECK(s.integer(1000000000000000) == xlsx::Written::typed);     // 1 significant digit
    CHECK(s.integer(1234567890123456) == xlsx::Written::as_text);   // 16
    CHECK(s.row() == 3);
    CHECK(s.name() == "Typed");
    CHECK_THROWS_AS(s.text("one too many"), clmis::Misuse);
    book.close();
  }
  const auto b = test::xlsx::read(path);
  REQUIRE(b.sheet_names() == std::vector<std::string>{"Typed"});
  const auto& s = b.sheet("Typed");
  CHECK(s.headers() == std::vector<std::string>{"text", "int", "money", "decimal", "date", "when", "flag", "big", "old"});
  // The header row is frozen.
  CHECK(s.xml.find("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>") !=
        std::string::npos);
  CHECK(s.xml.find("<autoFilter ref=\"A1:I3\"/>") != std::string::npos);
  // A formula's text is a string, not a formula.
  CHECK(s.xml.find("<f>") == std::string::npos);
  CHECK(s.at("A2").type == "inlineStr");
  CHECK(s.at("A2").value == "=HYPERLINK(\"http://x\")");
  CHECK(s.at("B2").type == "");  // a number
  CHECK(s.at("B2").value == "-42");
  CHECK(s.at("B2").format == "0");
  CHECK(s.at("C2").value == "1250.05");
  CHECK(s.at("C2").format == "#,##0.00");
  CHECK(std::stod(s.at("D2").value) == -0.125);
  CHECK(s.at("D2").format == "0.000");
  CHECK(s.at("E2").value == "45719");
  CHECK(s.at("E2").format == "yyyy-mm-dd");
  CHECK(s.at("F2").value == "45719.75");
  CHECK(s.at("F2").format == "yyyy-mm-dd hh:mm:ss");
  CHECK(s.at("G2").type == "b");
  CHECK(s.at("G2").value == "1");
  CHECK(s.at("H2").type == "inlineStr");
  CHECK(s.at("H2").value == "1234567890123456.78");
  CHECK(s.at("I2").type == "inlineStr");
  CHECK(s.at("I2").value == "1899-12-31");
  // Excel's _xHHHH_ escapes: a control character is written as one, and text that holds such a
  // sequence itself reads back as written.
  CHECK(s.at("A3").value == "A_x0041_B & <c> \x01");
  CHECK(s.at("B3").type == "");
  CHECK(s.at("B3").value == "");  // not written
  // 15 significant digits are kept: the text in the file reads back, at 15 digits, as given.
  char fifteen[64];
  std::snprintf(fifteen, sizeof fifteen, "%.15g", std::stod(s.at("C3").value));
  CHECK(std::string(fifteen) == "999999999999.999");
  CHECK(s.at("D3").value == "0");
  CHECK(s.at("G3").value == "0");
  CHECK(s.at("H3").value == "1000000000000000");
  CHECK(s.at("I3").type == "inlineStr");
  CHECK(s.at("I3").value == "1234567890123456");
}

TEST_CASE("xlsx: rows past the limit go on to continuation sheets with the same header", "[xlsx][io]") {
  test::TempDir dir;
  const std::string path = dir.file("rows.xlsx");
  {
    xlsx::Workbook book(path, {dir.path().string(), 3});  // the header and 2 rows per sheet
    auto& a = book.add_sheet("items", {"n"});
    auto& other = book.add_sheet("items", {"k"});  // the same name: made unique
    CHECK(other.name() == "items (2)");
    for (int i = 1; i <= 5; ++i) {
      a.next_row();
      (void)a.integer(i);
    }
    CHECK(a.name() == "items (4)");  // "items (2)" was taken
    CHECK(a.row() == 2);
    other.next_row();
    (void)other.integer(7);
    book.close();
  }
  const auto b = test::xlsx::read(path);
  CHECK(b.sheet_names() == std::vector<std::string>{"items", "items (2)", "items (3)", "items (4)"});
  CHECK(b.sheet("items").at("A1").value == "n");
  CHECK(b.sheet("items").at("A2").value == "1");
  CHECK(b.sheet("items").at("A3").value == "2");
  CHECK(b.sheet("items").last_row() == 3);
  CHECK(b.sheet("items (3)").headers() == std::vector<std::string>{"n"});
  CHECK(b.sheet("items (3)").at("A2").value == "3");
  CHECK(b.sheet("items (3)").at("A3").value == "4");
  CHECK(b.sheet("items (4)").at("A2").value == "5");
  CHECK(b.sheet("items (4)").last_row() == 2);
  CHECK(b.sheet("items (2)").at("A2").value == "7");
  for (const auto& s : b.sheets) CHECK(s.xml.find("state=\"frozen\"") != std::string::npos);
}

TEST_CASE("xlsx: text is cut at Excel's 32,767 characters per cell, counted in characters", "[xlsx][io]") {
  test::TempDir dir;
  const std::string path = dir.file("long.xlsx");
  std::string fits;
  for (int i = 0; i < 32767; ++i) fits += "\xC3\xA9";  // é: 2 bytes, 1 character
  {
    xlsx::Workbook book(path, {dir.path().string(), xlsx::kMaxRows});
    auto& s = book.add_sheet("t", {"a", "b"});
    s.next_row();
    CHECK(s.text(fits) == xlsx::Written::typed);
    CHECK(s.text(fits + "xyz") == xlsx::Written::truncated);
    book.close();
  }
  const auto b = test::xlsx::read(path);
  CHECK(b.sheet("t").at("A2").value == fits);
  CHECK(b.sheet("t").at("B2").value == fits);
}

TEST_CASE("xlsx: numbers are written with a decimal point in a locale with a decimal comma", "[xlsx][io]") {
  // A German locale, compiled into the test's directory (Debian's `locales` has its source).
  test::TempDir dir;
  const std::string cmd = "localedef -i de_DE -f UTF-8 " + dir.file("de_DE.UTF-8") + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const char* old_locpath = std::getenv("LOCPATH");
  ::setenv("LOCPATH", dir.path().c_str(), 1);
  const std::string old = std::setlocale(LC_NUMERIC, nullptr);
  REQUIRE(std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr);
  char probe[16];
  std::snprintf(probe, sizeof probe, "%.1f", 0.5);
  CHECK(std::string(probe) == "0,5");  // the locale is in force
  const std::string path = dir.file("de.xlsx");
  {
    xlsx::Workbook book(path, {dir.path().string(), xlsx::kMaxRows});
    auto& s = book.add_sheet("t", {"n", "d"});
    s.next_row();
    (void)s.number("1234.5", true);
    (void)s.datetime(date::sys_days{ymd(2025, 3, 3)} + std::chrono::hours{6});
    book.close();
  }
  std::snprintf(probe, sizeof probe, "%.1f", 0.5);
  CHECK(std::string(probe) == "0,5");  // and still is: the writer restored it
  std::setlocale(LC_NUMERIC, old.c_str());
  if (old_locpath) ::setenv("LOCPATH", old_locpath, 1);
  else ::unsetenv("LOCPATH");
  const auto b = test::xlsx::read(path);
  CHECK(b.sheet("t").at("A2").value == "1234.5");
  CHECK(b.sheet("t").at("B2").value == "45719.25");
}

TEST_CASE("xlsx: a workbook abandoned without close() writes nothing and keeps no file open", "[xlsx][io][errors]") {
  test::TempDir dir;
  const std::string path = dir.file("abandoned.xlsx");
  const std::size_t before = open_descriptors();
  {
    xlsx::Workbook book(path, {dir.path().string(), xlsx::kMaxRows});
    auto& s = book.add_sheet("a", {"n"});
    auto& t = book.add_sheet("b", {"n"});
    for (int i = 0; i < 1000; ++i) {
      s.next_row();
      (void)s.integer(i);
      t.next_row();
      (void)t.integer(i);
    }
    CHECK(open_descriptors() > before);  // the rows' temporary files
  }
  CHECK(open_descriptors() == before);
  CHECK_FALSE(fs::exists(path));
  CHECK(test::dir_entries(dir.path()).empty());
  // A workbook that cannot be written (its directory is not there) is a StorageError from
  // close(), and frees its rows' files all the same.
  {
    xlsx::Workbook book(dir.file("gone/x.xlsx"), {dir.path().string(), xlsx::kMaxRows});
    auto& s = book.add_sheet("a", {"n"});
    s.next_row();
    (void)s.integer(1);
    CHECK_THROWS_AS(book.close(), clmis::StorageError);
  }
  CHECK(open_descriptors() == before);
  CHECK(test::dir_entries(dir.path()).empty());
}
