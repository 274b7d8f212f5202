#include <catch2/catch.hpp>

#include "core/csv.hpp"

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
