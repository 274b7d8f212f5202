// The clock through the C API: the now callback of clmis_init_options (version 3) and
// clmis_open_options (version 4), clmis_today, and older option structs that end before it.
#include <catch2/catch.hpp>

#include "clmis/clmis.h"
#include "support.hpp"

#include <cstddef>
#include <cstring>
#include <memory>

using clmis::Json;

namespace {

// 2025-06-01T12:00:00Z (worked out in tests/api/clock_test.cpp).
constexpr std::int64_t kJune1Noon = 1748779200;

/// The caller's clock: a number it sets, read through the context pointer.
std::int64_t read_clock(void* ctx) { return *static_cast<std::int64_t*>(ctx); }

int code() {
  const clmis_error* e = clmis_error_last();
  return e ? e->code : CLMIS_OK;
}

std::string take(char* p) {
  REQUIRE(p);
  std::string s = p;
  clmis_free(p);
  return s;
}

/// clmis_open_options as a version-3 caller compiled it: it ends before `now`.
struct open_options_v3 {
  unsigned int version;
  int busy_timeout_ms;
  const char* data_dir;
  int upgrade;
  const char* audit_key_file;
  const char* audit_key;
};

}  // namespace

TEST_CASE("C clock: the now callback moves time, and a lockout expires without waiting", "[capi][clock]") {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  std::int64_t now = kJune1Noon;
  clmis_init_options io;
  REQUIRE(clmis_init_options_init(&io, CLMIS_INIT_OPTIONS_VERSION) == CLMIS_OK);
  CHECK(io.now == nullptr);
  CHECK(io.now_ctx == nullptr);
  io.country = "KNA";
  io.admin_password = test::kPassword.c_str();
  io.now = read_clock;
  io.now_ctx = &now;
  clmis_db* db = nullptr;
  REQUIRE(clmis_init(&db, path.c_str(), &io) == CLMIS_OK);
  CHECK(test::raw_scalar(path, "SELECT at FROM clmis_audit WHERE action = 'init'") == "2025-06-01T12:00:00Z");
  clmis_session* admin = nullptr;
  REQUIRE(clmis_login(&admin, db, "admin", test::kPassword.c_str()) == CLMIS_OK);
  REQUIRE(clmis_user_create(nullptr, admin,
                            R"({"name": "keisha", "password": "first-password-1", "roles": ["officer"],
                                "section": "employment_services", "must_change_password": false})") == CLMIS_OK);
  clmis_session_close(&admin);
  clmis_close(&db);

  // Opened again with the clock: five failures lock the account for 15 minutes.
  clmis_open_options oo;
  REQUIRE(clmis_open_options_init(&oo, CLMIS_OPEN_OPTIONS_VERSION) == CLMIS_OK);
  oo.now = read_clock;
  oo.now_ctx = &now;
  REQUIRE(clmis_open(&db, path.c_str(), &oo) == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_today(&out, db) == CLMIS_OK);
  CHECK(take(out) == "2025-06-01");  // 08:00 in Saint Kitts
  clmis_session* s = nullptr;
  for (int i = 0; i < 5; ++i) CHECK(clmis_login(&s, db, "keisha", "wrong-guess") == CLMIS_EAUTH);
  CHECK(test::raw_scalar(path, "SELECT locked_until FROM clmis_login_state") == "2025-06-01T12:15:00Z");
  now += 14 * 60;
  CHECK(clmis_login(&s, db, "keisha", "first-password-1") == CLMIS_EAUTH);
  CHECK(s == nullptr);
  now += 60;
  REQUIRE(clmis_login(&s, db, "keisha", "first-password-1") == CLMIS_OK);
  clmis_session_close(&s);

  // A clock that returns a time outside 1970..9999: the call fails with CLMIS_EMISUSE, nothing changes.
  const std::string before = test::db_hash(path);
  now = -86400;
  CHECK(clmis_login(&s, db, "keisha", "first-password-1") == CLMIS_EMISUSE);
  CHECK(std::string(clmis_error_last()->message).find("outside 1970-01-01") != std::string::npos);
  CHECK(clmis_today(&out, db) == CLMIS_EMISUSE);
  CHECK(out == nullptr);
  CHECK(test::db_hash(path) == before);
  clmis_close(&db);

  CHECK(clmis_today(nullptr, db) == CLMIS_EMISUSE);
  CHECK(clmis_today(&out, nullptr) == CLMIS_EMISUSE);
}

TEST_CASE("C clock: an option struct from before the clock is read only to its end", "[capi][clock]") {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto db = test::standard_db(dir, "c.db");
  }
  // A version-3 caller's struct, followed by bytes the library must not read as a clock.
  struct Padded {
    open_options_v3 v3;
    unsigned char canary[2 * sizeof(void*)];
  };
  auto p = std::make_unique<Padded>();
  std::memset(p.get(), 0xAB, sizeof *p);
  REQUIRE(clmis_open_options_init(reinterpret_cast<clmis_open_options*>(&p->v3), 3) == CLMIS_OK);
  for (unsigned char c : p->canary) CHECK(c == 0xAB);  // init wrote only within version 3
  CHECK(p->v3.version == 3);
  CHECK(p->v3.audit_key == nullptr);
  clmis_db* db = nullptr;
  REQUIRE(clmis_open(&db, path.c_str(), reinterpret_cast<const clmis_open_options*>(&p->v3)) == CLMIS_OK);
  char* out = nullptr;
  REQUIRE(clmis_today(&out, db) == CLMIS_OK);  // the system clock, not 0xABAB... as a function
  CHECK(take(out).size() == 10);
  clmis_close(&db);
  // And an init options struct of version 2 (before the clock) still creates a database.
  clmis_init_options io;
  std::memset(&io, 0xAB, sizeof io);
  REQUIRE(clmis_init_options_init(&io, 2) == CLMIS_OK);
  CHECK(reinterpret_cast<const unsigned char*>(&io.now)[0] == 0xAB);
  io.country = "KNA";
  io.admin_password = test::kPassword.c_str();
  REQUIRE(clmis_init(&db, dir.file("v2.db").c_str(), &io) == CLMIS_OK);
  clmis_close(&db);
  CHECK(clmis_init_options_init(&io, CLMIS_INIT_OPTIONS_VERSION + 1) == CLMIS_EMISUSE);
  CHECK(code() == CLMIS_EMISUSE);
}
