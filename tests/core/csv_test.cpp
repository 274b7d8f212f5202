#include <catch2/catch.hpp>

#include "core/csv.hpp"

#include <sstream>

using clmis::csv::parse;

TEST_CASE("CSV: BOM, CRLF and LF, quoted commas, quotes and newlines", "[core][csv]") {
  auto rows = parse("\xEF\xBB\xBF" "code,title\r\n01,\"Crop, animal\"\r\n02,\"He said \"\"hi\"\"\"\n03,\"two\nlines\"\n");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == clmis::csv::Row{"code", "title"});
  CHECK(rows[1] == clmis::csv::Row{"01", "Crop, animal"});
  CHECK(rows[2] == clmis::csv::Row{"02", "He said \"hi\""});
  CHECK(rows[3] == clmis::csv::Row{"03", "two\nlines"});
  CHECK(parse("a,,c").front() == clmis::csv::Row{"a", "", "c"});
  CHECK(parse("").empty());
}

TEST_CASE("CSV: malformed quoting is refused with its line", "[core][csv]") {
  CHECK_THROWS_WITH(parse("a,b\n\"open,c\n"), Catch::Contains("line 2") && Catch::Contains("unterminated"));
  CHECK_THROWS_WITH(parse("\"a\"b,c\n"), Catch::Contains("line 1") && Catch::Contains("after closing quote"));
}

TEST_CASE("CSV reader: streams records with their line numbers, refuses NUL bytes and UTF-16", "[core][csv]") {
  std::istringstream in("id,name\r\n1,\"two\nlines\"\n2,\"x\",\n3,\"\"\n\n4,last");
  clmis::csv::Reader r(in);
  clmis::csv::Row row;
  std::vector<std::pair<std::uint64_t, clmis::csv::Row>> got;
  while (r.next(row)) got.emplace_back(r.line(), row);
  // Lines: header 1; record "1" spans lines 2-3; "2" on 4; "3" on 5; a blank line 6; "4" on 7.
  REQUIRE(got.size() == 6);
  CHECK(got[0] == std::pair<std::uint64_t, clmis::csv::Row>{1, {"id", "name"}});
  CHECK(got[1] == std::pair<std::uint64_t, clmis::csv::Row>{2, {"1", "two\nlines"}});
  CHECK(got[2] == std::pair<std::uint64_t, clmis::csv::Row>{4, {"2", "x", ""}});
  CHECK(got[3] == std::pair<std::uint64_t, clmis::csv::Row>{5, {"3", ""}});
  CHECK(got[4] == std::pair<std::uint64_t, clmis::csv::Row>{6, {""}});
  CHECK(got[5] == std::pair<std::uint64_t, clmis::csv::Row>{7, {"4", "last"}});
  CHECK(r.bytes() == in.str().size());

  std::istringstream nul(std::string("a,b\nc,d\0e\n", 11));
  clmis::csv::Reader rn(nul);
  CHECK(rn.next(row));
  CHECK_THROWS_WITH(rn.next(row), Catch::Contains("line 2") && Catch::Contains("NUL"));
  std::istringstream utf16("\xFF\xFE" "a\0,\0");
  clmis::csv::Reader ru(utf16);
  CHECK_THROWS_WITH(ru.next(row), Catch::Contains("UTF-16"));
  std::istringstream semi("a;\"b;c\"\n");
  clmis::csv::Reader rs(semi, ';');
  CHECK(rs.next(row));
  CHECK(row == clmis::csv::Row{"a", "b;c"});
}

TEST_CASE("CSV reader: a record over 16 MiB or 10,000 fields stops the file before it fills the memory", "[core][csv][errors]") {
  // An unterminated quote in a 20 MiB file: refused at the 16 MiB mark, naming the record's line.
  std::string big = "a,b\n1,\"" + std::string(20 * 1024 * 1024, 'x');
  std::istringstream in(big);
  clmis::csv::Reader r(in);
  clmis::csv::Row row;
  REQUIRE(r.next(row));
  CHECK_THROWS_WITH(r.next(row), Catch::Contains("line 2: a record of more than 16777216 bytes (an unterminated quote?)"));
  CHECK(r.bytes() < 17 * 1024 * 1024);
  // 10,001 fields.
  std::string wide(10000, ',');
  std::istringstream in2(wide + "\n");
  clmis::csv::Reader r2(in2);
  CHECK_THROWS_WITH(r2.next(row), Catch::Contains("line 1: a record of more than 10000 fields"));
  // 10,000 fields are read.
  std::istringstream in3(std::string(9999, ',') + "\n");
  clmis::csv::Reader r3(in3);
  REQUIRE(r3.next(row));
  CHECK(row.size() == 10000);
}

TEST_CASE("CSV reader: one row read into again and again, fields across the read buffer, limits exact", "[core][csv]") {
  // Rows of changing widths into the same Row: each holds its own fields only.
  const std::string long_field(70000, 'y');  // longer than the reader's 64 KiB buffer
  std::istringstream in("a,b,c,d\nshort\n\"q,1\",x\n" + long_field + ",z\n,\n1,2,3\n");
  clmis::csv::Reader r(in);
  clmis::csv::Row row;
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{"a", "b", "c", "d"});
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{"short"});
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{"q,1", "x"});
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{long_field, "z"});
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{"", ""});
  REQUIRE(r.next(row));
  CHECK(row == clmis::csv::Row{"1", "2", "3"});
  CHECK_FALSE(r.next(row));
  CHECK(row.empty());
  CHECK(r.bytes() == in.str().size());

  // A NUL byte inside an unquoted field, and a lone CR kept as text.
  std::istringstream nul(std::string("ab\rc,d\nxy\0z\n", 13));
  clmis::csv::Reader rn(nul);
  REQUIRE(rn.next(row));
  CHECK(row == clmis::csv::Row{"ab\rc", "d"});
  CHECK_THROWS_WITH(rn.next(row), Catch::Contains("line 2") && Catch::Contains("NUL"));

  // An unquoted record over 16 MiB: refused once one byte past the limit is read, not later.
  const std::string header = "a\n";
  std::istringstream big(header + std::string(17 * 1024 * 1024, 'x'));
  clmis::csv::Reader rb(big);
  REQUIRE(rb.next(row));
  CHECK_THROWS_WITH(rb.next(row), Catch::Contains("line 2: a record of more than 16777216 bytes"));
  CHECK(rb.bytes() == header.size() + clmis::csv::Reader::kMaxRecordBytes + 1);
}
