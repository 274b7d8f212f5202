// The JSON entry point (clmis/json.hpp): limits refused while parsing, duplicate keys, a BOM,
// numbers out of range, errors that never carry the input whole, and safe output.
#include <catch2/catch.hpp>

#include "clmis/error.hpp"
#include "clmis/json.hpp"
#include "core/text.hpp"

#include <limits>
#include <string>

using clmis::Json;
using clmis::JsonLimits;

namespace {

/// The one FieldError of a refused parse (rule "json"); fails the test if the text is accepted.
clmis::FieldError refusal(std::string_view text, const JsonLimits& limits = JsonLimits{}) {
  try {
    (void)clmis::parse_json(text, "employer", limits);
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].rule == "json");
    CHECK(e.errors()[0].record == "employer");
    CHECK(e.code() == clmis::Errc::invalid);
    return e.errors()[0];
  }
  FAIL("accepted: " << std::string(text.substr(0, 80)));
  return {};
}

std::string nested(std::size_t depth, std::string_view open = "[", std::string_view close = "]") {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += open;
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

}  // namespace

TEST_CASE("JSON entry point: ordinary documents parse to the same values, keys in their order", "[core][json]") {
  const Json j = clmis::parse_json(R"({"z": 1, "a": [true, null, "x\u00e9"], "m": {"k": -2, "f": 18446744073709551615}})");
  REQUIRE(j.is_object());
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"z", "a", "m"});
  CHECK(j["z"] == 1);
  CHECK(j["a"] == Json::array({true, nullptr, "x\xC3\xA9"}));
  CHECK(j["m"]["k"] == -2);
  CHECK(j["m"]["f"].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(clmis::parse_json("  \"just text\" ") == "just text");
  CHECK(clmis::parse_json("{}") == Json::object());
  // Exactly at each limit is accepted.
  JsonLimits l;
  l.max_depth = 3;
  l.max_members = 2;
  l.max_string = 3;
  l.max_values = 5;  // the object, the two arrays, 1 and "xyz" (keys are not values)
  l.max_bytes = 24;
  const std::string at_limits = R"({"a":[[1]],"b":"xyz"})";  // 21 bytes, depth 3, 2 keys
  CHECK(clmis::parse_json(at_limits, "", l)["b"] == "xyz");
}

TEST_CASE("JSON entry point: nesting deeper than the limit is refused while parsing, 100,000 levels included", "[core][json]") {
  CHECK(clmis::parse_json(nested(64)).is_array());  // the default limit, 64, is allowed
  auto e = refusal(nested(65));
  CHECK_THAT(e.message, Catch::Contains("nested deeper than 64 levels"));
  // The path says where: 64 levels of [0] (the 65th opens at index 0 of the 64th); it is cut to
  // about 200 bytes, never the input's size.
  CHECK(e.path.rfind("[0][0][0]", 0) == 0);
  CHECK(e.path.size() <= 200);
  // The repro of the hostile test: a record whose name is an array 100,000 deep (a stack
  // overflow before), and the same with objects.
  e = refusal("{\"name\":" + nested(100000) + "}");
  CHECK_THAT(e.message, Catch::Contains("nested deeper than 64 levels"));
  CHECK(e.path.rfind("name[0][0]", 0) == 0);
  e = refusal(nested(100000, "{\"a\":", "}"));
  CHECK_THAT(e.message, Catch::Contains("nested deeper"));
  CHECK(e.path.rfind("a.a.a", 0) == 0);
}

TEST_CASE("JSON entry point: document size, string length, keys and values are bounded", "[core][json]") {
  JsonLimits l;
  l.max_bytes = 100;
  auto e = refusal(std::string(101, ' '), l);
  CHECK(e.message == "malformed JSON: a document of 101 bytes (at most 100)");
  CHECK(e.path.empty());
  // The default document limit is 16 MiB (16,777,216 bytes).
  e = refusal(std::string(16777217, ' '));
  CHECK(e.message == "malformed JSON: a document of 16,777,217 bytes (at most 16,777,216)");

  l = JsonLimits{};
  l.max_string = 10;
  e = refusal(R"({"list": ["ok", "eleven char"]})", l);
  CHECK(e.message == "malformed JSON: a string of 11 bytes (at most 10)");
  CHECK(e.path == "list[1]");
  e = refusal(R"({"a key too long": 1})", l);
  CHECK_THAT(e.message, Catch::Contains("a key of 14 bytes (at most 10)"));

  // 10,000 keys are allowed; the 10,001st is refused when it is read.
  std::string keys = "{";
  for (int i = 0; i < 10001; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  keys += "}";
  e = refusal(keys);
  CHECK(e.message == "malformed JSON: an object with more than 10,000 keys");
  CHECK(e.path == "k10000");
  const std::string ten_thousand = keys.substr(0, keys.rfind(",\"k10000\"")) + "}";
  CHECK(clmis::parse_json(ten_thousand).size() == 10000);

  l = JsonLimits{};
  l.max_values = 5;
  e = refusal("[1,2,3,4,5]", l);  // the array and five numbers: six values
  CHECK(e.message == "malformed JSON: more than 5 values");
  CHECK(e.path == "[4]");
}

TEST_CASE("JSON entry point: duplicate keys, a byte-order mark and numbers out of range are refused", "[core][json]") {
  auto e = refusal(R"({"name": "A", "name": "B"})");
  CHECK(e.message == "malformed JSON: the key \"name\" appears twice");
  CHECK(e.path == "name");
  e = refusal(R"({"contacts": [{"x": 1}, {"y": 1, "y": 2}]})");
  CHECK(e.path == "contacts[1].y");
  // The same key in two objects is not a duplicate.
  CHECK(clmis::parse_json(R"([{"a": 1}, {"a": 2}])").size() == 2);

  e = refusal("\xEF\xBB\xBF{\"a\": 1}");
  CHECK_THAT(e.message, Catch::Contains("byte-order mark"));

  for (const char* big : {"1e999", "-1e999", "[1.5e400]", "{\"n\": 1E+309}"}) {
    INFO(big);
    e = refusal(big);
    CHECK_THAT(e.message, Catch::StartsWith("malformed JSON: a number too large for a double"));
  }
  // Integers beyond 64 bits are doubles (and refused by every field type later); 1e308 is finite.
  CHECK(clmis::parse_json("1e308").is_number_float());
}

TEST_CASE("JSON entry point: syntax errors say where, and never copy the input into the error", "[core][json]") {
  auto e = refusal("{\"a\": tru}");
  CHECK(e.message == "malformed JSON at line 1, column 10: invalid literal (byte 10)");
  CHECK_THAT(e.message, Catch::EndsWith("(byte 10)"));
  CHECK(e.path == "a");
  // An unterminated string of 100,000 'x': the message names the place, not the text.
  e = refusal("{\"a\": [1, \"" + std::string(100000, 'x'));
  CHECK(e.message.size() < 200);
  CHECK(e.message.find("xxxxxxxxxx") == std::string::npos);
  CHECK(e.path == "a[1]");
  // Bytes that are not UTF-8 inside a string.
  e = refusal("{\"a\": \"\xC3\x28\"}");
  CHECK_THAT(e.message, Catch::Contains("UTF-8"));
  CHECK(clmis::valid_utf8(e.message));
  // Trailing text after the document, comments, NaN.
  // Each names the place in the parser's terms for what went wrong, never its internals.
  CHECK(refusal("{} {}").message == "malformed JSON at line 1, column 4: unexpected '{'; expected end of input (byte 4)");
  CHECK(refusal("[1] // note").message == "malformed JSON at line 1, column 5: invalid literal (byte 5)");
  CHECK(refusal("NaN").message == "malformed JSON at line 1, column 1: invalid literal (byte 1)");
  CHECK(refusal("").message ==
        "malformed JSON at line 1, column 1: unexpected end of input; expected '[', '{', or a literal (byte 1)");
  for (const char* bad : {"x", "{\"a\": tru}", "{} {}", "[1,", "{\"a\" 1}", "\"\x01\"", "[1] // note"}) {
    INFO(bad);
    const auto m = refusal(bad).message;
    CHECK(m.find("json.exception") == std::string::npos);
    CHECK(m.find("syntax error") == std::string::npos);
    CHECK(m.find("parse error") == std::string::npos);
    CHECK_THAT(m, Catch::StartsWith("malformed JSON at line 1, column "));
  }
  // A key 1 MiB long in a duplicate: quoted and cut in the message, cut in the path.
  const std::string longkey(1000, 'k');
  e = refusal("{\"" + longkey + "\":1,\"" + longkey + "\":2}");
  CHECK(e.message.size() < 120);
  CHECK(e.path.size() == 40);
}

TEST_CASE("check_json: values built by the caller meet the same limits, without recursion", "[core][json]") {
  // 100,000 levels built without recursion; checking and destroying them must not overflow.
  Json deep = Json::array();
  Json* at = &deep;
  for (int i = 0; i < 100000; ++i) {
    at->push_back(Json::array());
    at = &at->back();
  }
  Json record = Json::object();  // moved in: a copy of `deep` would itself recurse 100,000 deep
  record["name"] = "x";
  record["list"] = std::move(deep);
  try {
    clmis::check_json(record, "employer");
    FAIL("accepted");
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].rule == "json");
    CHECK(e.errors()[0].message == "malformed JSON: nested deeper than 64 levels");
    CHECK(e.errors()[0].path.rfind("list[0][0]", 0) == 0);
  }
  JsonLimits l;
  l.max_string = 4;
  CHECK_THROWS_WITH(clmis::check_json(Json{{"a", Json::array({"abcd", "abcde"})}}, "", l),
                    Catch::Contains("a string of 5 bytes (at most 4)"));
  l = JsonLimits{};
  l.max_members = 2;
  CHECK_THROWS_WITH(clmis::check_json(Json{{"a", 1}, {"b", 2}, {"c", 3}}, "", l),
                    Catch::Contains("more than 2 keys"));
  // A float is not a limit: every field type refuses it, NaN and infinity included, with rule
  // "type" naming the field (value_test, test_types.py).
  CHECK_NOTHROW(clmis::check_json(Json(std::numeric_limits<double>::infinity())));
  CHECK_NOTHROW(clmis::check_json(clmis::parse_json(R"({"a": [1, {"b": "c"}], "d": null})")));
}

TEST_CASE("json_object, dump_json, json_excerpt and quoted", "[core][json]") {
  std::vector<std::pair<std::string, Json>> members{{"b", 1}, {"a", 2}};
  const Json o = clmis::json_object(members);
  CHECK(clmis::dump_json(o) == R"({"b":1,"a":2})");
  members.emplace_back("b", 3);
  CHECK_THROWS_WITH(clmis::json_object(members, "user"), Catch::Contains("the key \"b\" appears twice"));

  // Bytes stored before they were checked come out as U+FFFD, never an exception.
  const Json bad = Json{{"user", std::string("ab\xFF\xFE" "c")}};
  CHECK_THROWS(bad.dump());
  CHECK(clmis::dump_json(bad) == "{\"user\":\"ab\xEF\xBF\xBD\xEF\xBF\xBD" "c\"}");

  // Excerpts: 64 characters of a long string, then "…"; a small container kept, a large one
  // described.
  const std::string s100(100, 'e');
  CHECK(clmis::json_excerpt(Json(s100)) == std::string(64, 'e') + "\xE2\x80\xA6");
  CHECK(clmis::json_excerpt(Json("short")) == "short");
  CHECK(clmis::json_excerpt(Json{{"a", 1}}) == Json{{"a", 1}});
  Json many = Json::array();
  for (int i = 0; i < 1000; ++i) many.push_back(i);
  CHECK(clmis::json_excerpt(many) == "<an array of 1,000 values>");
  CHECK(clmis::json_excerpt(Json{{"k", std::string(500, 'v')}}) == "<an object of 1 key>");
  // A ValidationError bounds the values it is given.
  const clmis::ValidationError ve(std::vector<clmis::FieldError>{{"employer", "name", Json(s100), "length", "too long"}});
  CHECK(ve.errors()[0].value == std::string(64, 'e') + "\xE2\x80\xA6");

  using clmis::detail::quoted;
  CHECK(quoted("employer") == "\"employer\"");
  CHECK(quoted("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");
  CHECK(quoted("x\xFFy") == "\"x\xEF\xBF\xBDy\"");
  CHECK(quoted(std::string(100, 'q'), 10) == "\"qqqqqqqqqq\"… (100 bytes)");
  CHECK(clmis::detail::utf8_repaired("ok\xC3") == "ok\xEF\xBF\xBD");
  CHECK(clmis::detail::utf8_prefix("a\xC3\xA9", 2) == "a");  // never half of "é"
}
