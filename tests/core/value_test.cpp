// Value types: exact parsing, canonical text, and the fixed JSON encoding (DESIGN.md §5).
#include <catch2/catch.hpp>

#include "clmis/value.hpp"

using clmis::Json;
using namespace clmis;

namespace {
Value ok(const Json& j, ValueSpec spec) {
  auto r = decode_value(j, spec);
  if (auto* rej = std::get_if<Rejection>(&r)) FAIL("unexpected rejection: " << rej->message);
  return std::get<Value>(r);
}
std::string rejected(const Json& j, ValueSpec spec) {
  auto r = decode_value(j, spec);
  if (std::holds_alternative<Value>(r)) FAIL("accepted: " << j.dump());
  return std::get<Rejection>(r).rule;
}
ValueSpec spec(FieldType t, int scale = 2) { return ValueSpec{t, scale, {}}; }
}  // namespace

TEST_CASE("Decimal parses exactly into its scale", "[core][decimal]") {
  // 12.5 at scale 2 is 1250 hundredths; -0.05 is -5 hundredths.
  CHECK(Decimal::parse("12.5", 2) == Decimal{1250, 2});
  CHECK(Decimal::parse("-0.05", 2) == Decimal{-5, 2});
  CHECK(Decimal::parse("7", 0) == Decimal{7, 0});
  CHECK(Decimal::parse("+3.1", 1) == Decimal{31, 1});
  // Trailing zeros beyond the scale carry no information: 1.500 is 150 hundredths.
  CHECK(Decimal::parse("1.500", 2) == Decimal{150, 2});
  // The largest value at scale 2: INT64_MAX hundredths = 92233720368547758.07.
  CHECK(Decimal::parse("92233720368547758.07", 2) == Decimal{INT64_MAX, 2});
}

TEST_CASE("Decimal refuses what is not an exact numeral in range", "[core][decimal]") {
  for (const char* bad : {"", "-", ".5", "1.", "1e3", " 1", "1 ", "1,5", "0x10", "1.505", "abc",
                          "92233720368547758.08", "--1", "1.2.3"})
    CHECK_FALSE(Decimal::parse(bad, 2).has_value());
  CHECK_FALSE(Decimal::parse("1", 19).has_value());
}

TEST_CASE("Decimal prints canonical text", "[core][decimal]") {
  CHECK(Decimal{1250, 2}.str() == "12.50");
  CHECK(Decimal{-5, 2}.str() == "-0.05");
  CHECK(Decimal{0, 3}.str() == "0.000");
  CHECK(Decimal{42, 0}.str() == "42");
  CHECK(Decimal{INT64_MIN, 2}.str() == "-92233720368547758.08");
}

TEST_CASE("Each type round-trips through its JSON encoding", "[core][json]") {
  struct Case {
    FieldType type;
    Json in;
    Json out;
  };
  const Case cases[] = {
      {FieldType::text, "Cavel Mills", "Cavel Mills"},
      {FieldType::integer, 1846398, 1846398},
      {FieldType::integer, -3, -3},
      {FieldType::decimal, "40.5", "40.50"},
      {FieldType::decimal, 12, "12.00"},
      {FieldType::money, Json{{"amount", "1250"}, {"currency", "XCD"}},
       Json{{"amount", "1250.00"}, {"currency", "XCD"}}},
      {FieldType::money, Json{{"currency", "CAD"}, {"amount", "0.5"}},
       Json{{"amount", "0.50"}, {"currency", "CAD"}}},
      {FieldType::money, Json{{"amount", "1500"}, {"currency", "JPY"}},
       Json{{"amount", "1500"}, {"currency", "JPY"}}},
      {FieldType::date, "2013-06-12", "2013-06-12"},
      {FieldType::date, "2024-02-29", "2024-02-29"},
      {FieldType::datetime, "2026-11-23T14:05:09Z", "2026-11-23T14:05:09Z"},
      {FieldType::boolean, true, true},
      {FieldType::boolean, false, false},
      {FieldType::code, "KN-04", "KN-04"},
      {FieldType::reference, 19, 19},
  };
  for (const auto& c : cases) {
    INFO(to_string(c.type) << " " << c.in.dump());
    CHECK(encode_value(ok(c.in, spec(c.type))) == c.out);
  }
  // null is "no value" for every type.
  for (auto t : {FieldType::text, FieldType::integer, FieldType::decimal, FieldType::money,
                 FieldType::date, FieldType::datetime, FieldType::boolean, FieldType::code,
                 FieldType::reference}) {
    CHECK(std::holds_alternative<std::monostate>(ok(nullptr, spec(t))));
    CHECK(encode_value(Value{}).is_null());
  }
}

TEST_CASE("Money is held in minor units of its currency", "[core][money]") {
  auto v = ok(Json{{"amount", "1250.00"}, {"currency", "XCD"}}, spec(FieldType::money));
  CHECK(std::get<Money>(v) == Money{125000, "XCD"});  // 1250.00 XCD = 125000 cents
  auto y = ok(Json{{"amount", "99"}, {"currency", "JPY"}}, spec(FieldType::money));
  CHECK(std::get<Money>(y) == Money{99, "JPY"});  // the yen has no minor unit
  CHECK(currency_minor_digits("XCD") == 2);
  CHECK(currency_minor_digits("CLP") == 0);
  CHECK_FALSE(currency_minor_digits("XXX").has_value());
}

TEST_CASE("Each type rejects the wrong JSON type and malformed values", "[core][json]") {
  CHECK(rejected(5, spec(FieldType::text)) == "type");
  CHECK(rejected(1.5, spec(FieldType::integer)) == "type");
  CHECK(rejected("12", spec(FieldType::integer)) == "type");
  CHECK(rejected(true, spec(FieldType::integer)) == "type");
  CHECK(rejected(12.5, spec(FieldType::decimal)) == "type");  // binary floating point is refused
  CHECK(rejected("12.505", spec(FieldType::decimal)) == "type");
  CHECK(rejected("twelve", spec(FieldType::decimal)) == "type");
  CHECK(rejected("1250.00", spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", "1"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"currency", "XCD"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", 12.5}, {"currency", "XCD"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", "1.005"}, {"currency", "XCD"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", "1.5"}, {"currency", "JPY"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", "1"}, {"currency", "XXX"}}, spec(FieldType::money)) == "code_list");
  CHECK(rejected(Json{{"amount", "1"}, {"currency", "XCD"}, {"note", "x"}}, spec(FieldType::money)) == "type");
  CHECK(rejected(Json{{"amount", "1"}, {"currency", "XCD"}}, ValueSpec{FieldType::money, 2, {"USD"}}) ==
        "code_list");
  for (const char* d : {"2023-02-29", "2024-2-9", "12/06/2013", "2024-13-01", "2024-00-10", "20240101"})
    CHECK(rejected(d, spec(FieldType::date)) == "type");
  CHECK(rejected(20240101, spec(FieldType::date)) == "type");
  for (const char* t : {"2026-11-23T14:05:09", "2026-11-23 14:05:09Z", "2026-11-23T24:00:00Z",
                        "2026-11-23T14:05:09+01:00", "2026-11-31T00:00:00Z"})
    CHECK(rejected(t, spec(FieldType::datetime)) == "type");
  CHECK(rejected("true", spec(FieldType::boolean)) == "type");
  CHECK(rejected(1, spec(FieldType::boolean)) == "type");
  CHECK(rejected(4, spec(FieldType::code)) == "type");
  CHECK(rejected("5", spec(FieldType::reference)) == "type");
  CHECK(rejected(0, spec(FieldType::reference)) == "reference");
  CHECK(rejected(-2, spec(FieldType::reference)) == "reference");
  CHECK(rejected(Json::array(), spec(FieldType::text)) == "type");
}

TEST_CASE("UTF-8 is checked and measured in characters", "[core][utf8]") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("Saint George Gingerland"));
  CHECK(valid_utf8("Coöperatie \xE2\x82\xAC \xF0\x9F\x98\x80"));  // ö, €, an emoji
  CHECK_FALSE(valid_utf8("\xC3\x28"));          // bad continuation
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));     // a UTF-16 surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
  CHECK_FALSE(valid_utf8("abc\xE2\x82"));       // truncated
  CHECK(utf8_length("Co\xC3\xB6peratie") == 10);  // 11 bytes, 10 characters
  CHECK(utf8_length("\xF0\x9F\x98\x80") == 1);
}

TEST_CASE("Dates and times parse only in their one format", "[core][date]") {
  auto d = parse_date("2013-06-12");
  REQUIRE(d);
  CHECK(format_date(*d) == "2013-06-12");
  // 2013-06-12 is day 15868 since 1970-01-01 (43 years incl. 11 leap days = 15706, + 162 days).
  CHECK(d->time_since_epoch().count() == 15868);
  auto t = parse_datetime("1970-01-02T00:00:01Z");
  REQUIRE(t);
  CHECK(t->time_since_epoch().count() == 86401);
}
