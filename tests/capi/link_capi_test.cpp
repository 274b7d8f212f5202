// Links between records through the C API: made, listed from both ends, removed, and refused
// with their codes, the database unchanged.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <string>

using clmis::Json;
using test::take;

TEST_CASE("C links: made, listed from both ends and removed", "[capi][link]") {
  test::StandardC c;
  int64_t a = 0, b = 0;
  const char* complaint = R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})";
  REQUIRE(clmis_record_create(&a, c.admin, "complaint", complaint) == CLMIS_OK);
  REQUIRE(clmis_record_create(&b, c.admin, "complaint", complaint) == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_link(&out, c.admin, "complaint", a, "complaint", b, "led_to", nullptr) == CLMIS_OK);
  const Json l = take(out);
  CHECK(l["relation"] == "led_to");
  CHECK(l["note"].is_null());
  REQUIRE(clmis_links_json(&out, c.admin, "complaint", b) == CLMIS_OK);
  const Json from_b = take(out);
  REQUIRE(from_b.size() == 1);
  CHECK(from_b[0]["direction"] == "to");
  CHECK(from_b[0]["from_id"] == a);
  REQUIRE(clmis_unlink(nullptr, c.admin, l["id"].get<int64_t>(), "wrong case") == CLMIS_OK);
  REQUIRE(clmis_links_json(&out, c.admin, "complaint", a) == CLMIS_OK);
  CHECK(take(out)[0]["removed"]["reason"] == "wrong case");
  // NULL relation: "related".
  REQUIRE(clmis_link(&out, c.admin, "complaint", a, "complaint", b, nullptr, "same employer") == CLMIS_OK);
  CHECK(take(out)["relation"] == "related");
}

TEST_CASE("C links: bad input gives its code, and nothing changes", "[capi][link][errors]") {
  test::StandardC c;
  int64_t a = 0;
  REQUIRE(clmis_record_create(&a, c.admin, "complaint",
                              R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  const std::string h = test::db_hash(c.path);
  char* out = nullptr;
  CHECK(clmis_link(&out, nullptr, "complaint", a, "complaint", a, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_link(&out, c.admin, nullptr, a, "complaint", a, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_link(&out, c.admin, "complaint", a, nullptr, a, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_link(&out, c.admin, "complaint", a, "complaint", a, nullptr, nullptr) == CLMIS_EINVALID);
  CHECK(std::string(clmis_error_last()->message).find("itself") != std::string::npos);
  CHECK(clmis_link(&out, c.admin, "complaint", a, "complaint", 99, nullptr, nullptr) == CLMIS_EINVALID);
  CHECK(clmis_link(&out, c.admin, "complaint", a, "employer", 99, "caused", nullptr) == CLMIS_EINVALID);
  CHECK(clmis_link(&out, c.admin, "complaint", 99, "complaint", a, nullptr, nullptr) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  CHECK(clmis_unlink(&out, c.admin, 1, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_unlink(&out, c.admin, 1, "gone") == CLMIS_ENOTFOUND);
  CHECK(clmis_links_json(nullptr, c.admin, "complaint", a) == CLMIS_EMISUSE);
  CHECK(clmis_links_json(&out, c.admin, "complaint", 99) == CLMIS_ENOTFOUND);
  CHECK(test::db_hash(c.path) == h);
}
