// The injectable clock (clmis/clock.hpp): every timestamp, "today", lockout and key expiry read
// it; a profile whose time zone the machine lacks is refused.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <atomic>
#include <filesystem>
#include <map>

using clmis::Json;

namespace {

// Instants written out by hand (seconds since 1970-01-01T00:00:00Z):
//   2025-01-01T00:00:00Z = 1735689600; + (31+28+31+30+31) days × 86400 = 1748736000 for
//   2025-06-01T00:00:00Z; + 12 h → 1748779200 = 2025-06-01T12:00:00Z.
constexpr std::int64_t kJune1Noon = 1748779200;
//   2024-01-01T00:00:00Z = 1704067200; + (31+29) days × 86400 = 1709251200 for 2024-03-01;
//   + 2 h → 1709258400 = 2024-03-01T02:00:00Z, which is 2024-02-29 22:00 in Saint Kitts (UTC-4,
//   no summer time).
constexpr std::int64_t kMarch1TwoAm = 1709258400;

/// A clock a test sets by hand.
struct TestClock {
  std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(0);
  clmis::Clock clock() const {
    return [n = now] { return std::chrono::sys_seconds{std::chrono::seconds{n->load()}}; };
  }
  void set(std::int64_t t) { *now = t; }
  void advance(std::int64_t seconds) { *now += seconds; }
};

clmis::Database db_with(const test::TempDir& dir, const TestClock& c, const std::string& name = "nlad.db") {
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.clock = c.clock();
  return clmis::Database::init(dir.file(name), o);
}

}  // namespace

TEST_CASE("Clock: moved forward, it lets a lockout expire without waiting", "[clock][security][accounts]") {
  test::TempDir dir;
  TestClock clock;
  clock.set(kJune1Noon);
  auto db = db_with(dir, clock);
  const std::string f = dir.file("nlad.db");
  auto admin = db.login("admin", test::kPassword);
  admin.user_create(Json{{"name", "keisha"}, {"password", "first-password-1"}, {"roles", {"officer"}},
                         {"section", "employment_services"}, {"must_change_password", false}});
  for (int i = 1; i <= 5; ++i) CHECK_THROWS_AS(db.login("keisha", "guess-" + std::to_string(i)), clmis::AuthError);
  // The profile's policy: 15 minutes (KNA has no security section: the defaults).
  CHECK(test::raw_scalar(f, "SELECT locked_until FROM clmis_login_state") == "2025-06-01T12:15:00Z");
  CHECK(test::raw_scalar(f, "SELECT group_concat(DISTINCT at) FROM clmis_security_log") == "2025-06-01T12:00:00Z");
  clock.advance(15 * 60 - 1);  // one second before the lock ends: still locked
  CHECK_THROWS_WITH(db.login("keisha", "first-password-1"), "wrong user name or password");
  CHECK(admin.users()[1]["locked_until"] == "2025-06-01T12:15:00Z");
  clock.advance(1);  // 12:15:00: the lock has ended
  CHECK(db.login("keisha", "first-password-1").user() == "keisha");
  CHECK(admin.users()[1]["locked_until"].is_null());
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_login_state") == "0");
  CHECK(test::raw_scalar(f, "SELECT at FROM clmis_audit ORDER BY id DESC LIMIT 1") == "2025-06-01T12:15:00Z");
}

TEST_CASE("Clock: timestamps are the clock's, today is the country's date by it", "[clock][records]") {
  test::TempDir dir;
  TestClock clock;
  clock.set(kMarch1TwoAm);
  auto db = db_with(dir, clock);
  const std::string f = dir.file("nlad.db");
  CHECK(db.today() == "2024-02-29");  // Saint Kitts is four hours behind UTC
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'created_at'") == "2024-03-01T02:00:00Z");
  CHECK(test::raw_scalar(f, "SELECT at FROM clmis_audit WHERE action = 'init'") == "2024-03-01T02:00:00Z");
  auto s = db.login("admin", test::kPassword);
  const auto id = s.create("job_seeker", Json{{"registration_date", "2024-02-29"}, {"first_name", "Keisha"},
                                              {"family_name", "Liburd"}, {"nis_number", "1846398"}, {"sex", "F"},
                                              {"date_of_birth", "2004-03-01"}, {"parish", "KN-03"},
                                              {"city", "Basseterre"}});
  const Json r = s.get("job_seeker", id);
  CHECK(r["created_at"] == "2024-03-01T02:00:00Z");
  CHECK(r["updated_at"] == "2024-03-01T02:00:00Z");
  // A transition on the country's today, not UTC's: 2024-03-01 is still tomorrow in Basseterre.
  CHECK_THROWS_AS(s.transition("job_seeker", id, 1, "activate", Json{{"effective_date", "2024-03-01"}}),
                  clmis::ValidationError);
  clock.advance(3600);  // 03:00Z: 23:00 on the 29th in Basseterre
  CHECK(s.transition("job_seeker", id, 1, "activate") == 2);
  const Json h = s.history("job_seeker", id);
  CHECK(h.back()["event"] == "activate");
  CHECK(h.back()["effective_date"] == "2024-02-29");
  CHECK(h.back()["at"] == "2024-03-01T03:00:00Z");
  CHECK(test::raw_scalar(f, "SELECT at FROM clmis_change ORDER BY seq DESC LIMIT 1") == "2024-03-01T03:00:00Z");
  // A statistician sees no birth date (null) but its age group at the country's today:
  // 2004-03-01 is 19 on 2024-02-29 (20 only on 1 March).
  s.user_create(Json{{"name", "stat"}, {"password", "statistics-pass-1"}, {"roles", {"statistician"}},
                     {"must_change_password", false}});
  auto stat = db.login("stat", "statistics-pass-1");
  CHECK(stat.get("job_seeker", id)["date_of_birth"].is_null());
  CHECK(stat.get("job_seeker", id)["age_group"] == "15-19");
  clock.advance(2 * 3600);  // 05:00Z: 1 March in Basseterre too
  CHECK(db.today() == "2024-03-01");
  CHECK(stat.get("job_seeker", id)["date_of_birth"].is_null());
  CHECK(stat.get("job_seeker", id)["age_group"] == "20-24");
}

TEST_CASE("Clock: a time outside 1970..9999 is refused and changes nothing, and key expiry follows the clock", "[clock][security]") {
  test::TempDir dir;
  TestClock clock;
  clock.set(kJune1Noon);
  auto db = db_with(dir, clock);
  const std::string f = dir.file("nlad.db");
  auto admin = db.login("admin", test::kPassword);
  const Json key = admin.service_key_create(Json{{"name", "nis-sync"}, {"roles", {"administrator"}},
                                                 {"expires_at", "2025-06-01T13:00:00Z"}});
  CHECK(db.login_service(key["key"].get<std::string>(), "admin").user() == "admin");
  clock.set(kJune1Noon + 3600);  // 13:00:00, the expiry itself: refused
  CHECK_THROWS_AS(db.login_service(key["key"].get<std::string>(), "admin"), clmis::AuthError);
  CHECK(admin.service_keys()[0]["state"] == "expired");

  const std::string before = test::db_hash(f);
  clock.set(-1);
  CHECK_THROWS_WITH(db.login("admin", test::kPassword), Catch::Contains("outside 1970-01-01 .. 9999-12-30"));
  CHECK_THROWS_AS(admin.create("employer", Json{{"name", "Too early Ltd"}}), clmis::Misuse);
  clock.set(253402300800);  // 10000-01-01T00:00:00Z
  CHECK_THROWS_AS(db.today(), clmis::Misuse);
  // 9999-12-31T00:00:00Z = 253402300800 - 86400: refused too, so that today in a zone east of
  // UTC cannot become the year 10000; the day before is the last one accepted.
  clock.set(253402300800 - 86400);
  CHECK_THROWS_AS(db.today(), clmis::Misuse);
  clock.set(253402300800 - 86400 - 1);
  CHECK(db.today() == "9999-12-30");  // 19:59:59 on 30 December in Saint Kitts
  CHECK(test::db_hash(f) == before);
}

TEST_CASE("A profile whose time zone the machine lacks is refused at init and at open, naming the zone", "[clock][pack]") {
  test::TempDir dir;
  const std::string data = test::copy_data(dir, "data");
  test::edit_json(data + "/countries/KNA.json", [](Json& j) { j["time_zone"] = "America/Atlantis"; });
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.data_dir = data;
  const std::string path = dir.file("atlantis.db");
  CHECK_THROWS_WITH(clmis::Database::init(path, o), Catch::Contains("\"America/Atlantis\"") &&
                                                        Catch::Contains("KNA") && Catch::Contains("tzdata"));
  CHECK_THROWS_AS(clmis::Database::init(path, o), clmis::NotFound);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".key"));

  // A database whose stored profile names a zone this machine lacks: refused at open, unchanged.
  const std::string f = dir.file("nlad.db");
  test::standard_db(dir).close();
  test::raw_exec(f, "UPDATE clmis_pack_file SET content = replace(content, 'America/St_Kitts', 'Atlantis/Nowhere') "
                    "WHERE path = 'countries/KNA.json'");
  const std::string before = test::db_hash(f);
  CHECK_THROWS_WITH(clmis::Database::open(f), Catch::Contains("\"Atlantis/Nowhere\"") && Catch::Contains("KNA"));
  CHECK_THROWS_AS(clmis::Database::open(f), clmis::NotFound);
  CHECK(test::db_hash(f) == before);
}

TEST_CASE("Clock: a case's timeline dates its actions in the country's day, not UTC's", "[clock][timeline]") {
  // At 2024-03-01T02:00:00Z it is 22:00 on 29 February in Saint Kitts: the creation (history),
  // the assignment and the link made then are all dated 2024-02-29 (once, the assignment and the
  // link took the UTC date, so a test run between 20:00 and midnight there failed).
  test::TempDir dir;
  TestClock clock;
  clock.set(kMarch1TwoAm);
  auto db = db_with(dir, clock);
  auto s = db.login("admin", test::kPassword);
  s.user_create(Json{{"name", "off1"}, {"password", "pw-long-off1"}, {"roles", {"officer"}},
                     {"section", "industrial_relations"}, {"must_change_password", false}});
  const auto employer = s.create("employer", Json{{"name", "Sugar Bay Hotel"}, {"isic_class", "5510"}});
  const auto id = s.create("complaint", Json{{"date_received", "2024-02-20"}, {"first_name", "Keisha"}, {"family_name", "Liburd"},
                                             {"sex", "F"}, {"employer", employer},
                                             {"claims", Json::array({Json{{"category", "unpaid_wages"}}})}});
  s.assign("complaint", id, "off1", "first case");
  (void)s.link("complaint", id, "employer", employer);
  std::map<std::string, std::string> dates;
  for (const auto& e : s.timeline("complaint", id)) dates[e["event"].get<std::string>()] = e["date"].get<std::string>();
  CHECK(dates.at("created") == "2024-02-29");
  CHECK(dates.at("assigned") == "2024-02-29");
  CHECK(dates.at("linked") == "2024-02-29");
  CHECK(db.today() == "2024-02-29");
}
