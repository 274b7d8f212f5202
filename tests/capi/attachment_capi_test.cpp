// Attachments through the C API: attach bytes with NUL bytes in them, list, read them back into
// a library buffer, withdraw; refusals with their codes and the database unchanged.
//
// The digest of the PNG bytes below, computed apart from clmis:
//   printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000' | sha256sum
//     → 71fde3856a298a052c6edb5155638d8422114e55bf0e28374d90dea8be99ef6c
#include <catch2/catch.hpp>

#include "standard_c.hpp"

#include <cstring>
#include <string>

using clmis::Json;
using test::take;

namespace {

const unsigned char kPng[29] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, '\r', 'I', 'H', 'D', 'R', 0,
                                0,    0,   1,   0,   0,    0,    1,    8,    6, 0, 0, 0};

}  // namespace

TEST_CASE("C attachments: attach bytes and list and read back and withdraw", "[capi][attachment]") {
  test::StandardC c;
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  int64_t doc = 0;
  REQUIRE(clmis_attach(c.admin, "complaint", id, "payslip.png", kPng, sizeof kPng, "image/png", "copy", &doc) == CLMIS_OK);
  CHECK(doc > 0);
  REQUIRE(clmis_attach(c.admin, "complaint", id, "note.txt", "abc", 3, nullptr, nullptr, nullptr) == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_documents_json(&out, c.admin, "complaint", id) == CLMIS_OK);
  const Json list = take(out);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["id"] == doc);
  CHECK(list[0]["name"] == "payslip.png");
  CHECK(list[0]["media_type"] == "image/png");
  CHECK(list[0]["size"] == 29);
  CHECK(list[0]["sha256"] == "71fde3856a298a052c6edb5155638d8422114e55bf0e28374d90dea8be99ef6c");
  CHECK(list[0]["note"] == "copy");
  CHECK(list[1]["media_type"] == "text/plain");
  CHECK(list[1]["note"] == nullptr);
  void* bytes = nullptr;
  size_t size = 0;
  REQUIRE(clmis_document_content(&bytes, &size, c.admin, doc) == CLMIS_OK);
  REQUIRE(size == sizeof kPng);
  CHECK(std::memcmp(bytes, kPng, size) == 0);
  clmis_free(bytes);
  REQUIRE(clmis_document_withdraw(c.admin, doc, "illegible") == CLMIS_OK);
  REQUIRE(clmis_documents_json(&out, c.admin, "complaint", id) == CLMIS_OK);
  CHECK(take(out)[0]["withdrawn_reason"] == "illegible");
}

TEST_CASE("C attachments: refusals give their code and change nothing", "[capi][attachment][errors]") {
  test::StandardC c;
  int64_t id = 0;
  REQUIRE(clmis_record_create(&id, c.admin, "complaint",
                              R"({"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge", "sex": "F"})") ==
          CLMIS_OK);
  int64_t doc = 0;
  REQUIRE(clmis_attach(c.admin, "complaint", id, "p.png", kPng, sizeof kPng, nullptr, nullptr, &doc) == CLMIS_OK);
  REQUIRE(clmis_document_withdraw(c.admin, doc, "wrong case") == CLMIS_OK);
  const std::string h = test::db_hash(c.path);
  int64_t other = 77;
  CHECK(clmis_attach(nullptr, "complaint", id, "p.png", kPng, sizeof kPng, nullptr, nullptr, &other) == CLMIS_EMISUSE);
  CHECK(other == 0);
  CHECK(clmis_attach(c.admin, "complaint", id, nullptr, kPng, sizeof kPng, nullptr, nullptr, &other) == CLMIS_EMISUSE);
  CHECK(clmis_attach(c.admin, "complaint", id, "p.png", nullptr, 5, nullptr, nullptr, &other) == CLMIS_EMISUSE);
  // Empty; a type the content contradicts; a path for a name: EINVALID with the list.
  CHECK(clmis_attach(c.admin, "complaint", id, "p.png", nullptr, 0, nullptr, nullptr, &other) == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "content");
  CHECK(clmis_attach(c.admin, "complaint", id, "p.pdf", kPng, sizeof kPng, "application/pdf", nullptr, &other) ==
        CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["rule"] == "type");
  CHECK(clmis_attach(c.admin, "complaint", id, "../p.png", kPng, sizeof kPng, nullptr, nullptr, &other) == CLMIS_EINVALID);
  CHECK(Json::parse(clmis_error_last_json())[0]["path"] == "name");
  CHECK(other == 0);
  CHECK(clmis_attach(c.admin, "complaint", 999, "p.png", kPng, sizeof kPng, nullptr, nullptr, &other) == CLMIS_ENOTFOUND);
  // Reading: out pointers first, NULL and 0 on failure.
  void* bytes = &other;
  size_t size = 9;
  CHECK(clmis_document_content(&bytes, &size, c.admin, doc + 1) == CLMIS_ENOTFOUND);
  CHECK(bytes == nullptr);
  CHECK(size == 0);
  CHECK(clmis_document_content(nullptr, &size, c.admin, doc) == CLMIS_EMISUSE);
  CHECK(clmis_document_content(&bytes, nullptr, c.admin, doc) == CLMIS_EMISUSE);
  char* out = nullptr;
  CHECK(clmis_documents_json(&out, c.admin, "complaint", 999) == CLMIS_ENOTFOUND);
  CHECK(out == nullptr);
  // Withdrawing again; without a reason.
  CHECK(clmis_document_withdraw(c.admin, doc, "again") == CLMIS_ECONFLICT);
  CHECK(clmis_document_withdraw(c.admin, doc, nullptr) == CLMIS_EMISUSE);
  CHECK(clmis_document_withdraw(c.admin, doc + 1, "x") == CLMIS_ENOTFOUND);
  CHECK(test::db_hash(c.path) == h);
  // A user who may not read the complaint: CLMIS_EDENIED, and no bytes.
  REQUIRE(clmis_user_create(nullptr, c.admin, R"({"name": "insp", "password": "pw-long-insp", "roles": ["officer"],
                                               "section": "inspections", "must_change_password": false})") == CLMIS_OK);
  clmis_session* insp = nullptr;
  REQUIRE(clmis_login(&insp, c.db, "insp", "pw-long-insp") == CLMIS_OK);
  const std::string h2 = test::db_hash(c.path);
  CHECK(clmis_document_content(&bytes, &size, insp, doc) == CLMIS_EDENIED);
  CHECK(bytes == nullptr);
  CHECK(clmis_attach(insp, "complaint", id, "p.png", kPng, sizeof kPng, nullptr, nullptr, &other) == CLMIS_EDENIED);
  CHECK(test::db_hash(c.path) == h2);
  clmis_session_close(&insp);
}
