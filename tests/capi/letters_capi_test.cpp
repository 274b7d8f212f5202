// Letters through the C API: produced and stored, and refused with their codes, the database
// unchanged.
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <algorithm>
#include <string>

using clmis::Json;
using test::take;

TEST_CASE("C letters: produced in html and text and stored with the case", "[capi][letters]") {
  test::StandardC c;
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-05", "first_name": "Ann", "family_name": "Hodge", "sex": "F",
                                  "employer_name": "Sugar Bay Hotel <Ltd> & Co",
                                  "claims": [{"category": "overtime", "amount_claimed": {"amount": "1234.50", "currency": "XCD"}}]})") ==
          CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_letter_json(&out, c.admin, "complaint", id, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_OK);
  const Json html = take(out);
  CHECK(html["name"] == "complaint.acknowledgement");
  CHECK(html["lang"] == "en");
  CHECK(html["format"] == "html");
  CHECK(html["media_type"] == "text/html; charset=utf-8");
  CHECK(html["document_id"].get<std::int64_t>() > 0);
  CHECK(html["sha256"].get<std::string>().size() == 64);
  const auto content = html["content"].get<std::string>();
  CHECK(html["size"] == content.size());
  CHECK(content.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(content.find("Sugar Bay Hotel &lt;Ltd&gt; &amp; Co") != std::string::npos);
  REQUIRE(clmis_letter_json(&out, c.admin, "complaint", id, "complaint.status_statement", "nl", "text") == CLMIS_OK);
  const Json text = take(out);
  CHECK(text["lang"] == "nl");
  CHECK(text["media_type"] == "text/plain; charset=utf-8");
  auto t = text["content"].get<std::string>();
  std::replace(t.begin(), t.end(), '\n', ' ');  // paragraphs are wrapped
  CHECK(t.find("Overwerk") != std::string::npos);
  CHECK(t.find("XCD 1.234,50") != std::string::npos);
  CHECK(t.find("Sugar Bay Hotel <Ltd> & Co") != std::string::npos);
  CHECK(test::raw_scalar(c.path, "SELECT count(*) FROM clmis_document WHERE kind = 'letter'") == "2");
}

TEST_CASE("C letters: bad input gives its code, and nothing changes", "[capi][letters][errors]") {
  test::StandardC c;
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-05", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  const std::string h = test::db_hash(c.path);
  char* out = nullptr;
  CHECK(clmis_letter_json(nullptr, c.admin, "complaint", id, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_letter_json(&out, nullptr, "complaint", id, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_letter_json(&out, c.admin, nullptr, id, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_letter_json(&out, c.admin, "complaint", id, nullptr, nullptr, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_letter_json(&out, c.admin, "complaint", id, "complaint.reminder", nullptr, nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_letter_json(&out, c.admin, "employer", 1, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_letter_json(&out, c.admin, "complaint", 999, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_ENOTFOUND);
  CHECK(clmis_letter_json(&out, c.admin, "complaint", id, "complaint.acknowledgement", "fr", nullptr) == CLMIS_EINVALID);
  const Json err = Json::parse(clmis_error_last_json());
  CHECK(err[0]["path"] == "lang");
  CHECK(clmis_letter_json(&out, c.admin, "complaint", id, "complaint.acknowledgement", "en", "pdf") == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "format");
  CHECK(out == nullptr);
  CHECK(test::db_hash(c.path) == h);
  REQUIRE(clmis_user_create(nullptr, c.admin, R"({"name": "ro1", "password": "pw-long-ro1", "roles": ["read_only"],
                                                  "must_change_password": false})") == CLMIS_OK);
  clmis_session* ro = nullptr;
  REQUIRE(clmis_login(&ro, c.db, "ro1", "pw-long-ro1") == CLMIS_OK);
  const std::string h2 = test::db_hash(c.path);
  CHECK(clmis_letter_json(&out, ro, "complaint", id, "complaint.acknowledgement", nullptr, nullptr) == CLMIS_EDENIED);
  CHECK(out == nullptr);
  CHECK(test::db_hash(c.path) == h2);
  clmis_session_close(&ro);
}
