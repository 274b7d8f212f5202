// Session::read_columns (clmis/columns.hpp) and the query document's "fields": typed columns
// whose values are those of Session::query (the JSON path), record by record; the same records,
// order and masking; bad "fields" refused with their path, changing nothing.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <date/date.h>

#include <string>
#include <vector>

using clmis::Column;
using clmis::ColumnSet;
using clmis::ColumnType;
using clmis::Json;

namespace {

/// Value i of a column in the JSON encoding of clmis/value.hpp, written here from the table of
/// clmis/columns.hpp (not with the library's encoder): what Session::query gives for it.
Json json_at(const Column& c, size_t i) {
  if (!c.valid[i]) return c.type == ColumnType::section ? Json::array() : Json(nullptr);
  const auto v = c.type == ColumnType::code || c.type == ColumnType::text || c.type == ColumnType::section
                     ? 0 : c.ints[i];
  auto units = [](std::int64_t n, int scale) {  // 1250 at scale 2 → "12.50"
    std::string digits = std::to_string(n < 0 ? -n : n);
    if (scale == 0) return (n < 0 ? "-" : "") + digits;
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    return (n < 0 ? "-" : "") + digits.substr(0, digits.size() - static_cast<size_t>(scale)) + "." +
           digits.substr(digits.size() - static_cast<size_t>(scale));
  };
  switch (c.type) {
    case ColumnType::integer: case ColumnType::reference: return v;
    case ColumnType::boolean: return v != 0;
    case ColumnType::decimal: return units(v, c.scale);
    case ColumnType::money: {
      const std::string& cur = c.categories.at(static_cast<size_t>(c.codes[i]));
      return Json{{"amount", units(v, cur == "JPY" ? 0 : 2)}, {"currency", cur}};
    }
    case ColumnType::date:
      return date::format("%F", date::sys_days{date::days{v}});
    case ColumnType::datetime:
      return date::format("%FT%TZ", date::sys_seconds{std::chrono::seconds{v}});
    case ColumnType::text: return std::string(c.text_at(i));
    case ColumnType::code: return c.categories.at(static_cast<size_t>(c.codes[i]));
    case ColumnType::section: return c.items[i];
  }
  return nullptr;
}

/// Every record of a query through Session::query, page by page (the JSON path).
std::vector<Json> query_all(clmis::Session& s, const std::string& type, Json q) {
  std::vector<Json> out;
  q["limit"] = 7;
  for (;;) {
    Json page = s.query(type, q);
    for (auto& r : page["records"]) out.push_back(r);
    if (page["next"].is_null()) return out;
    q["after"] = page["next"];
  }
}

/// The columns equal the JSON path's records, value by value, and have the record's keys in order.
void same_as_query(clmis::Session& s, const std::string& type, const Json& q) {
  const ColumnSet cs = s.read_columns(type, q);
  const auto records = query_all(s, type, q);
  REQUIRE(cs.rows == records.size());
  std::vector<std::string> names;
  for (const auto& c : cs.columns) {
    names.push_back(c.name);
    REQUIRE(c.size() == cs.rows);
  }
  for (size_t i = 0; i < records.size(); ++i) {
    Json want = records[i];
    want.erase("masked");
    if (q.contains("fields")) REQUIRE(want.size() == q["fields"].size());
    std::vector<std::string> keys;
    for (auto it = want.begin(); it != want.end(); ++it) keys.push_back(it.key());
    CHECK(keys == names);
    for (const auto& c : cs.columns) {
      INFO("record " << i << ", column " << c.name);
      CHECK(json_at(c, i) == want[c.name]);
    }
  }
}

std::vector<std::int64_t> ids_of(const ColumnSet& cs) {
  const Column* id = cs.find("id");
  REQUIRE(id);
  return id->ints;
}

std::string fields_error(clmis::Session& s, const Json& fields, std::string* path) {
  try {
    (void)s.read_columns("sample", Json{{"fields", fields}});
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    *path = e.errors().front().path;
    CHECK(e.errors().front().rule == "query");
    // The query path refuses the same document the same way.
    try {
      (void)s.query("sample", Json{{"fields", fields}});
      FAIL("query accepted what read_columns refused");
    } catch (const clmis::ValidationError& q) {
      CHECK(q.errors().front().path == *path);
    }
    return e.errors().front().message;
  }
  return "accepted";
}

}  // namespace

TEST_CASE("read_columns holds the values query gives, in typed buffers", "[columns]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto owner = s.create("owner", Json{{"name", "Co-op"}});
  const auto full = s.create("sample", Json{{"title", "full"}, {"count", 7}, {"ratio", "7.125"},
                                            {"pay", {{"amount", "99.95"}, {"currency", "XCD"}}},
                                            {"day", "2000-03-01"}, {"at", "2025-02-28T23:30:00Z"}, {"flag", false},
                                            {"kind", "a1"}, {"owner", owner},
                                            {"items", Json::array({Json{{"label", "one"}, {"qty", 2}}})}});
  const auto old = s.create("sample", Json{{"title", "old"}, {"ratio", "-0.5"},
                                           {"pay", {{"amount", "-0.05"}, {"currency", "USD"}}},
                                           {"day", "1950-06-01"}, {"at", "1969-12-31T23:59:59Z"},
                                           {"flag", true}, {"kind", "b"}});
  const auto empty = s.create("sample", Json{{"title", "empty"}});
  const auto gone = s.create("sample", Json{{"title", "archived"}, {"count", 3}});
  s.archive("sample", gone, 1, "a test");

  const ColumnSet cs = s.read_columns("sample", Json{{"sort", Json::array({Json{{"field", "id"}}})}});
  CHECK(cs.record_type == "sample");
  REQUIRE(cs.rows == 3);  // the archived record is left out, as query leaves it out
  CHECK(ids_of(cs) == std::vector<std::int64_t>{full, old, empty});
  const Column& day = *cs.find("day");
  CHECK(day.type == ColumnType::date);
  // Days since 1970-01-01: 2000-03-01 is 30 years (10,950 days + 7 leap days) and 60 days
  // (January, and February 2000 of 29) on; 1950-06-01 is 7,154 days before (20 years of 7,305
  // days less January to May 1950's 151).
  CHECK(day.ints == std::vector<std::int64_t>{11017, -7154, 0});
  CHECK(day.valid == std::vector<std::uint8_t>{1, 1, 0});
  const Column& at = *cs.find("at");
  CHECK(at.type == ColumnType::datetime);
  // 2025-02-28 is day 20,147 (55 years: 20,075 days + 14 leap days, then 58 days).
  CHECK(at.ints[0] == 20147LL * 86400 + 23 * 3600 + 30 * 60);  // 1,740,785,400
  CHECK(at.ints[1] == -1);  // one second before the epoch
  const Column& ratio = *cs.find("ratio");
  CHECK(ratio.type == ColumnType::decimal);
  CHECK(ratio.scale == 3);
  CHECK(ratio.ints[0] == 7125);
  CHECK(ratio.ints[1] == -500);
  const Column& pay = *cs.find("pay");
  CHECK(pay.type == ColumnType::money);
  CHECK(pay.ints[0] == 9995);
  CHECK(pay.ints[1] == -5);
  CHECK(pay.categories.at(static_cast<size_t>(pay.codes[0])) == "XCD");
  CHECK(pay.categories.at(static_cast<size_t>(pay.codes[1])) == "USD");
  CHECK(pay.codes[2] == -1);
  const Column& kind = *cs.find("kind");
  CHECK(kind.type == ColumnType::code);
  CHECK(kind.code_list == "kind");
  // The list's codes in their declared order, read from the file.
  std::vector<std::string> declared;
  for (int k = 0;; ++k) {
    const auto code = test::raw_scalar(db.path(), "SELECT code FROM clmis_code WHERE list = 'kind' ORDER BY position LIMIT 1 OFFSET " + std::to_string(k));
    if (code.empty()) break;
    declared.push_back(code);
  }
  CHECK(kind.categories == declared);
  CHECK(kind.categories.at(static_cast<size_t>(kind.codes[0])) == "a1");
  CHECK(kind.codes[2] == -1);
  CHECK(cs.find("flag")->ints == std::vector<std::int64_t>{0, 1, 0});
  CHECK(cs.find("flag")->valid == std::vector<std::uint8_t>{1, 1, 0});
  CHECK(cs.find("created_by")->type == ColumnType::text);
  CHECK(cs.find("created_by")->text_at(1) == "admin");
  CHECK(cs.find("items")->items[0].size() == 1);
  CHECK(cs.find("items")->items[1] == Json::array());

  // Every value of every column equals the JSON path's, over several queries.
  same_as_query(s, "sample", Json::object());
  same_as_query(s, "sample", Json{{"include_archived", true}});
  same_as_query(s, "sample", Json{{"sort", Json::array({Json{{"field", "day"}, {"desc", true}}})}});
  same_as_query(s, "sample", Json{{"filter", Json::array({Json{{"field", "count"}, {"op", "ge"}, {"value", 1}}})},
                                  {"include_archived", true}});
  same_as_query(s, "sample", Json{{"fields", {"pay", "id", "items", "created_by", "day"}}});
}

TEST_CASE("A code outside its list stays a value of read_columns", "[columns]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto a = s.create("sample", Json{{"title", "a"}, {"kind", "a"}});
  const auto b = s.create("sample", Json{{"title", "b"}, {"kind", "b"}});
  test::raw_exec(db.path(), "UPDATE sample SET kind = 'zz' WHERE id = " + std::to_string(b));
  const ColumnSet cs = s.read_columns("sample", Json{{"fields", {"id", "kind"}}});
  const Column& kind = *cs.find("kind");
  REQUIRE(kind.categories.size() == 4);  // the list's three codes, then the stored one
  CHECK(kind.categories.back() == "zz");
  CHECK(kind.codes == std::vector<std::int32_t>{static_cast<std::int32_t>(std::find(kind.categories.begin(), kind.categories.end(), "a") - kind.categories.begin()), 3});
  CHECK(ids_of(cs) == std::vector<std::int64_t>{a, b});
  same_as_query(s, "sample", Json{{"fields", {"id", "kind"}}});
}

TEST_CASE("read_columns selects and orders the records as query does", "[columns]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  // Record i: count (i * 7) % 5, null for every 4th; kind cycles a, b, a1.
  const char* const kinds[] = {"a", "b", "a1"};
  for (int i = 1; i <= 40; ++i) {
    Json r = {{"title", "r" + std::to_string(i)}, {"kind", kinds[i % 3]}};
    if (i % 4 != 0) r["count"] = (i * 7) % 5;
    s.create("sample", r);
  }
  s.archive("sample", 3, 1, "gone");
  const Json sort_count_desc = Json::array({Json{{"field", "count"}, {"desc", true}}, Json{{"field", "kind"}}});
  const Json queries[] = {
      Json::object(),
      Json{{"sort", sort_count_desc}},
      Json{{"sort", sort_count_desc}, {"include_archived", true}},
      Json{{"filter", Json::array({Json{{"field", "kind"}, {"op", "in"}, {"value", {"a", "a1"}}}})}},
      Json{{"filter", Json::array({Json{{"field", "count"}, {"op", "is_null"}, {"value", true}}})}},
  };
  for (const auto& q : queries) {
    INFO(q.dump());
    std::vector<std::int64_t> want;
    for (const auto& r : query_all(s, "sample", q)) want.push_back(r["id"]);
    CHECK(ids_of(s.read_columns("sample", q)) == want);
    // A limit takes the first records; 0 takes none (the query is still checked).
    Json limited = q;
    limited["limit"] = 5;
    CHECK(ids_of(s.read_columns("sample", limited)) == std::vector<std::int64_t>(want.begin(), want.begin() + 5));
    limited["limit"] = 0;
    CHECK(s.read_columns("sample", limited).rows == 0);
    // After a cursor of query: the records after that page.
    Json paged = q;
    paged["limit"] = 6;
    const Json page = s.query("sample", paged);
    Json rest = q;
    rest["after"] = page["next"];
    CHECK(ids_of(s.read_columns("sample", rest)) == std::vector<std::int64_t>(want.begin() + 6, want.end()));
  }
  std::string path;
  CHECK(fields_error(s, Json::array({"id"}), &path) == "accepted");
  try {
    (void)s.read_columns("sample", Json{{"limit", -1}});
    FAIL("a negative limit was accepted");
  } catch (const clmis::ValidationError& e) {
    CHECK(e.errors().front().path == "limit");
  }
}

TEST_CASE("Bad fields are refused with their path and change nothing", "[columns][errors]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  s.create("sample", Json{{"title", "t"}, {"count", 1}});
  const std::string before = test::db_hash(db.path());
  std::string path;
  CHECK_THAT(fields_error(s, Json::array({"id", "colour"}), &path), Catch::Contains("\"colour\""));
  CHECK(path == "fields[1]");
  CHECK_THAT(fields_error(s, Json::array({"count", "title", "count"}), &path), Catch::Contains("twice"));
  CHECK(path == "fields[2]");
  CHECK_THAT(fields_error(s, Json::array({"id", 3}), &path), Catch::Contains("string"));
  CHECK(path == "fields[1]");
  CHECK_THAT(fields_error(s, "id", &path), Catch::Contains("array"));
  CHECK(path == "fields");
  CHECK_THAT(fields_error(s, Json::array(), &path), Catch::Contains("non-empty"));
  CHECK(path == "fields");
  CHECK_THROWS_AS(s.read_columns("nothing"), clmis::NotFound);
  CHECK(test::db_hash(db.path()) == before);
  // query with fields: only those keys, in that order.
  const Json page = s.query("sample", Json{{"fields", {"count", "id"}}});
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0] == Json{{"count", 1}, {"id", 1}});
}

TEST_CASE("read_columns masks record by record as query does", "[columns][security]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto admin = db.login("admin", test::kPassword);
  // A clerk who reads every job seeker but the personal data of the ones they entered only.
  admin.user_create(Json{{"name", "clerk"}, {"password", "clerk-password-1"}, {"roles", {"data_entry", "statistician"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                         {"must_change_password", false}});
  admin.user_create(Json{{"name", "entry"}, {"password", "entry-password-1"}, {"roles", {"data_entry"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  auto clerk = db.login("clerk", "clerk-password-1");
  auto stat = db.login("stat", "statistics-pw-1");
  auto entry = db.login("entry", "entry-password-1");
  std::vector<std::int64_t> by_clerk;
  for (int n = 0; n < 6; ++n) {
    Json r = {{"registration_date", "2025-03-03"}, {"first_name", "P" + std::to_string(n)}, {"family_name", "Liburd"},
              {"nis_number", std::to_string(700000 + n)}, {"sex", n % 2 ? "F" : "M"},
              {"date_of_birth", "198" + std::to_string(n) + "-05-1" + std::to_string(n)}, {"parish", "KN-03"}};
    if (n % 2) by_clerk.push_back(clerk.create("job_seeker", r));
    else admin.create("job_seeker", r);
  }
  entry.create("job_seeker", Json{{"registration_date", "2025-03-04"}, {"first_name", "E"}, {"family_name", "Liburd"},
                                  {"nis_number", "700099"}, {"sex", "F"}, {"date_of_birth", "1990-01-01"}, {"parish", "KN-01"}});
  for (auto* who : {&admin, &clerk, &stat}) {
    same_as_query(*who, "job_seeker", Json::object());
    same_as_query(*who, "job_seeker", Json{{"fields", {"id", "date_of_birth", "first_name", "sex"}}});
  }
  const ColumnSet mixed = clerk.read_columns("job_seeker", Json{{"fields", {"id", "date_of_birth", "first_name"}}});
  const Column& born = *mixed.find("date_of_birth");
  // Masked rows have no value and the column stays a date column.
  CHECK(born.type == ColumnType::date);
  CHECK(born.valid == std::vector<std::uint8_t>{0, 1, 0, 1, 0, 1, 0});
  // The clerk's own record: 1981-05-11 = 11 × 365 + 3 leap days (1972, 1976, 1980)
  // + 130 days (Jan 31 + Feb 28 + Mar 31 + Apr 30 + 10) = 4148 days after 1970-01-01.
  CHECK(born.ints[1] == 4148);
  CHECK(born.ints[0] == 0);  // a masked row keeps no trace of the date
  CHECK(mixed.find("first_name")->valid == std::vector<std::uint8_t>{0, 1, 0, 1, 0, 1, 0});
  // The administrator reads dates.
  CHECK(admin.read_columns("job_seeker", Json{{"fields", {"date_of_birth"}}}).columns[0].type == ColumnType::date);
  // Own read scope: only the records the user entered.
  const ColumnSet own = entry.read_columns("job_seeker", Json{{"fields", {"id", "first_name"}}});
  REQUIRE(own.rows == 1);
  CHECK(own.columns[1].text_at(0) == "E");
  // Filtering or sorting on a personal field needs read_personal: refused, nothing changed
  // but the security log.
  const std::string before = test::db_hash(db.path());
  CHECK_THROWS_AS(stat.read_columns("job_seeker", Json{{"sort", Json::array({Json{{"field", "date_of_birth"}}})}}),
                  clmis::PermissionDenied);
  CHECK(test::db_hash(db.path()) == before);
}
