// A value as an import gives it (core/given.hpp): decoding it without JSON gives what decoding its
// JSON gives — the same value, or the same rule and message — for every field type; its key for
// duplicates within a file is equal exactly when its JSON is.
#include <catch2/catch.hpp>

#include "core/given.hpp"

#include <cstdint>
#include <limits>
#include <vector>

using clmis::Json;
using namespace clmis;
using detail::Given;

namespace {

std::string shown(const std::variant<Value, Rejection>& r) {
  if (const auto* rej = std::get_if<Rejection>(&r)) return "rejected " + rej->rule + ": " + rej->message;
  return "value " + encode_value(std::get<Value>(r)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<Given> givens() {
  return {Given::string(""),
          Given::string("abc"),
          Given::string("\xC3\xA9t\xC3\xA9"),
          Given::string("\xFF\xFE"),  // not UTF-8
          Given::string("7"),
          Given::string("12.50"),
          Given::string("12.345"),
          Given::string("1e3"),
          Given::string("2024-02-29"),
          Given::string("2023-02-29"),
          Given::string("2024-01-01T10:00:00Z"),
          Given::string("2024-01-01T25:00:00Z"),
          Given::whole(0),
          Given::whole(-5),
          Given::whole(7),
          Given::whole(std::numeric_limits<std::int64_t>::max()),
          Given::whole(std::numeric_limits<std::int64_t>::min()),
          Given::truth(true),
          Given::truth(false),
          Given::money("12.50", "XCD"),
          Given::money("12.345", "XCD"),
          Given::money("-3", "USD"),
          Given::money("100", "JPY"),
          Given::money("1.5", "JPY"),
          Given::money("1", "ZZZ"),
          Given::money("x", "USD"),
          Given::money("", "")};
}

std::vector<ValueSpec> specs() {
  std::vector<ValueSpec> out;
  for (auto t : {FieldType::text, FieldType::integer, FieldType::decimal, FieldType::money, FieldType::date,
                 FieldType::datetime, FieldType::boolean, FieldType::code, FieldType::reference})
    out.push_back(ValueSpec{t, 2, {}});
  out.push_back(ValueSpec{FieldType::decimal, 0, {}});
  out.push_back(ValueSpec{FieldType::decimal, 3, {}});
  out.push_back(ValueSpec{FieldType::money, 2, {"USD"}});
  return out;
}

}  // namespace

TEST_CASE("A value given as a CSV cell decodes as its JSON does", "[core][given]") {
  for (const auto& g : givens())
    for (const auto& spec : specs()) {
      const Json j = detail::to_json(g);
      INFO(j.dump(-1, ' ', false, Json::error_handler_t::replace) << " as " << to_string(spec.type) << " (scale "
                                                                  << spec.scale << ")");
      CHECK(shown(detail::decode_given(g, spec)) == shown(decode_value(j, spec)));
    }
}

TEST_CASE("The JSON of a given value and of a row as given", "[core][given]") {
  CHECK(detail::to_json(Given::string("a b")) == Json("a b"));
  CHECK(detail::to_json(Given::whole(-4)) == Json(-4));
  CHECK(detail::to_json(Given::truth(false)) == Json(false));
  CHECK(detail::to_json(Given::money("9.50", "USD")).dump() == R"({"amount":"9.50","currency":"USD"})");
  // Keys in the row's order, not sorted.
  const detail::GivenRecord row{{"zeta", Given::string("z")}, {"alpha", Given::whole(1)}};
  CHECK(detail::to_json(row).dump() == R"({"zeta":"z","alpha":1})");
}

TEST_CASE("Keys of given values are equal exactly when their JSON is", "[core][given]") {
  const auto all = givens();
  for (const auto& a : all)
    for (const auto& b : all) {
      std::string ka, kb;
      detail::append_key(ka, a);
      detail::append_key(kb, b);
      INFO(detail::to_json(a).dump(-1, ' ', false, Json::error_handler_t::replace)
           << " / " << detail::to_json(b).dump(-1, ' ', false, Json::error_handler_t::replace));
      CHECK((ka == kb) == (detail::to_json(a) == detail::to_json(b)));
    }
  // Values of several fields do not run together: ("a", "bc") is not ("ab", "c").
  std::string k1, k2;
  detail::append_key(k1, Given::string("a"));
  detail::append_key(k1, Given::string("bc"));
  detail::append_key(k2, Given::string("ab"));
  detail::append_key(k2, Given::string("c"));
  CHECK(k1 != k2);
}
