// Indicators through the C API (issue 17): the package listed, a value computed by sex with its
// exact parts, one explained; bad input gives its code and changes nothing.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <string>

using clmis::Json;
using test::take;

namespace {
/// A complaint received on the day by a person of the sex; closed (settled) on closed if given.
void complaint(test::StandardC& c, const char* received, const char* sex, const char* closed) {
  int64_t id = 0;
  const std::string rec = std::string(R"({"date_received": ")") + received + R"(", "first_name": "Ann", "family_name": ")" +
                          received + sex + R"(", "sex": ")" + sex + "\"}";
  REQUIRE(clmis_record_create(&id, c.admin, "complaint", rec.c_str()) == CLMIS_OK);
  if (!closed) return;
  int64_t v = 0;
  const std::string t = std::string(R"({"effective_date": ")") + closed + R"(", "fields": {"outcome": "settled"}})";
  REQUIRE(clmis_record_transition(&v, c.admin, "complaint", id, 1, "close", t.c_str()) == CLMIS_OK);
}
}  // namespace

TEST_CASE("C indicators: listed and computed with exact parts and explained", "[capi][indicators]") {
  test::StandardC c;
  // 2025: 3 received (2 F, 1 M), 2 closed (1 F, 1 M): clearance 2 / 3 × 100 = 66.666... → 66.7;
  // women 1 / 2 → 50.0, men 1 / 1 → 100.0.
  complaint(c, "2025-01-06", "F", "2025-02-10");
  complaint(c, "2025-01-15", "M", "2025-03-01");
  complaint(c, "2025-02-03", "F", nullptr);
  char* out = nullptr;
  REQUIRE(clmis_indicators_json(&out, c.admin, R"({"indicators": ["C7.clearance"], "period": "2025", "by": ["sex"]})") == CLMIS_OK);
  const Json r = take(out);
  REQUIRE(r["observations"].size() == 3);
  std::map<std::string, Json> by_cell;
  for (const auto& o : r["observations"]) by_cell[o["cell"].dump()] = o;
  CHECK(by_cell["{}"]["value"] == "66.7");
  CHECK(by_cell["{}"]["numerator"] == "2");
  CHECK(by_cell["{}"]["denominator"] == "3");
  CHECK(by_cell[R"({"sex":"F"})"]["value"] == "50.0");
  CHECK(by_cell[R"({"sex":"M"})"]["value"] == "100.0");
  REQUIRE(clmis_indicators_list_json(&out, c.admin, nullptr) == CLMIS_OK);
  const Json l = take(out);
  CHECK(l["indicators"].size() >= 20);
  REQUIRE(clmis_indicator_explain_json(&out, c.admin, R"({"indicator": "C7.clearance", "period": "2025"})") == CLMIS_OK);
  const Json e = take(out);
  CHECK(e["observation"]["value"] == "66.7");
  CHECK(e["definition"]["id"] == "C7.clearance");
}

TEST_CASE("C indicators: bad input gives its code and nothing changes", "[capi][indicators][errors]") {
  test::StandardC c;
  complaint(c, "2025-01-06", "F", nullptr);
  const std::string h = test::db_hash(c.path);
  char* out = nullptr;
  CHECK(clmis_indicators_json(nullptr, c.admin, R"({"period": "2025"})") == CLMIS_EMISUSE);
  CHECK(clmis_indicators_json(&out, nullptr, R"({"period": "2025"})") == CLMIS_EMISUSE);
  CHECK(clmis_indicators_json(&out, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_indicators_json(&out, c.admin, "{not json") == CLMIS_EINVALID);
  CHECK(clmis_indicators_json(&out, c.admin, R"({"period": "2025-13"})") == CLMIS_EINVALID);
  CHECK(clmis_indicators_json(&out, c.admin, R"({"period": "2025", "indicators": ["Z1"]})") == CLMIS_EINVALID);
  CHECK(clmis_indicators_json(&out, c.admin, R"({"period": "2025", "indicators": ["C1"], "by": ["sex"]})") == CLMIS_EINVALID);
  CHECK(out == nullptr);
  CHECK(clmis_indicator_explain_json(&out, c.admin, R"({"indicator": "Z1", "period": "2025"})") == CLMIS_EINVALID);
  CHECK(clmis_indicator_explain_json(&out, c.admin, R"({"indicator": "C1", "period": "2020..2025"})") == CLMIS_EINVALID);
  CHECK(clmis_indicator_explain_json(&out, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_indicators_list_json(nullptr, c.admin, nullptr) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(test::db_hash(c.path) == h);
}
