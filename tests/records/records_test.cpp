// The record API through the C++ faces: create, get, update with versions, archive, upsert,
// the change feed, history, login, validation error lists and unchanged databases.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

using clmis::Json;

namespace {
using test::errors_of;
using test::Errs;

Json full_sample(std::int64_t owner) {
  return Json{{"title", "Case one"},
              {"note", "all lower case"},
              {"count", 100},
              {"ratio", "100.125"},
              {"pay", {{"amount", "1.5"}, {"currency", "USD"}}},
              {"pay_usd", {{"amount", "3"}, {"currency", "USD"}}},
              {"day", "2008-02-29"},
              {"at", "2026-11-23T08:30:00Z"},
              {"flag", true},
              {"kind", "a1"},
              {"top_kind", "b"},
              {"parish", "P2"},
              {"owner", owner},
              {"items", Json::array({Json{{"label", "first"}, {"qty", 2}}, Json{{"label", "second"}, {"kind", "a"}}})}};
}
}  // namespace

TEST_CASE("Create and get round-trip every field type exactly", "[records]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto owner = s.create("owner", Json{{"name", "Owner"}});
  const auto id = s.create("sample", full_sample(owner));
  Json r = s.get("sample", id);
  CHECK(r["id"] == id);
  CHECK(r["version"] == 1);
  CHECK(r["created_by"] == "admin");
  CHECK(r["updated_by"] == "admin");
  CHECK(r["archived"] == false);
  CHECK(r["external_id"].is_null());
  CHECK(r["title"] == "Case one");
  CHECK(r["count"] == 100);
  CHECK(r["ratio"] == "100.125");
  CHECK(r["pay"] == Json{{"amount", "1.50"}, {"currency", "USD"}});
  CHECK(r["pay_usd"] == Json{{"amount", "3.00"}, {"currency", "USD"}});
  CHECK(r["day"] == "2008-02-29");
  CHECK(r["at"] == "2026-11-23T08:30:00Z");
  CHECK(r["flag"] == true);
  CHECK(r["kind"] == "a1");
  CHECK(r["parish"] == "P2");
  CHECK(r["owner"] == owner);
  CHECK(r["status"] == "open");  // the declared default
  CHECK(r["items"] == Json::array({Json{{"label", "first"}, {"qty", 2}, {"kind", nullptr}, {"from", nullptr}, {"to", nullptr}},
                                   Json{{"label", "second"}, {"qty", nullptr}, {"kind", "a"}, {"from", nullptr}, {"to", nullptr}}}));
  // Keys come in a fixed order: system fields, fields as declared, sections.
  std::vector<std::string> keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"id", "version", "created_at", "created_by", "updated_at",
                                         "updated_by", "external_id", "archived", "archive_reason",
                                         "title", "note", "count", "ratio", "pay", "pay_usd", "day",
                                         "at", "flag", "kind", "top_kind", "parish", "owner", "status",
                                         "ref_no", "items"});
  // Stored as typed columns: money in cents, the decimal in thousandths (plain SQL, not the API).
  const std::string f = dir.file("fixture.db");
  CHECK(test::raw_scalar(f, "SELECT pay_minor || ' ' || pay_currency FROM sample") == "150 USD");
  CHECK(test::raw_scalar(f, "SELECT ratio_e3 FROM sample") == "100125");
  CHECK(test::raw_scalar(f, "SELECT typeof(day) || typeof(at) || typeof(flag) || typeof(owner) FROM sample") ==
        "integerintegerintegerinteger");
  // Format 6: a date is its day number, a time its UTC seconds. By hand: 1970..2007 is 38 years,
  // 38 * 365 + 9 leap days (1972..2004) = 13879, and 29 February is the year's day 31 + 28 = 59:
  // 13938. 2026-11-23 is 56 * 365 + 14 leap days (1972..2024) + 304 (January to October of a
  // common year) + 22 = 20780 days; 20780 * 86400 + 8.5 * 3600 = 1795422600.
  CHECK(test::raw_scalar(f, "SELECT day || ' ' || at FROM sample") == "13938 1795422600");
  // The view gives them back as text, and created_at as the same time the API reports.
  CHECK(test::raw_scalar(f, "SELECT day || ' ' || at FROM clmis_view_sample") == "2008-02-29 2026-11-23T08:30:00Z");
  CHECK(test::raw_scalar(f, "SELECT created_at FROM clmis_view_sample") == r["created_at"].get<std::string>());
  CHECK(test::raw_scalar(f, "SELECT group_concat(label, '|') FROM (SELECT label FROM sample__items ORDER BY item_no)") == "first|second");
  CHECK_THROWS_AS(s.get("sample", id + 100), clmis::NotFound);
  CHECK_THROWS_AS(s.get("nothing", 1), clmis::NotFound);
}

TEST_CASE("Validation reports every error of a record together and writes nothing", "[records][errors]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto owner = s.create("owner", Json{{"name", "Owner"}});
  const std::string f = dir.file("fixture.db");
  const std::string before = test::db_hash(f);

  Json bad = {{"title", "far too long for ten"},   // length
              {"note", "UPPER"},                     // pattern
              {"count", 101},                        // range
              {"ratio", "1000.501"},                 // range
              {"pay", {{"amount", "1"}, {"currency", "ZZZ"}}},  // code_list (currency)
              {"pay_usd", {{"amount", "1"}, {"currency", "XCD"}}},  // currency not allowed
              {"day", "2023-02-29"},                 // type
              {"flag", "yes"},                       // type
              {"kind", "zz"},                        // code_list
              {"top_kind", "a1"},                    // code_list (level 2 on a level-1 field)
              {"owner", owner + 50},                 // reference
              {"colour", "red"},                     // unknown_field
              {"version", 3},                        // read_only
              {"items", Json::array({Json{{"qty", 0}}, Json{{"label", "ok"}, {"size", 1}}})}};
  auto errs = errors_of([&] { s.create("sample", bad); });
  std::sort(errs.begin(), errs.end());
  CHECK(errs == Errs{{"colour", "unknown_field"},
                     {"count", "range"},
                     {"day", "type"},
                     {"flag", "type"},
                     {"items[0].label", "required"},
                     {"items[0].qty", "range"},
                     {"items[1].size", "unknown_field"},
                     {"kind", "code_list"},
                     {"note", "pattern"},
                     {"owner", "reference"},
                     {"pay", "code_list"},
                     {"pay_usd", "code_list"},
                     {"ratio", "range"},
                     {"title", "length"},
                     {"top_kind", "code_list"},
                     {"version", "read_only"}});
  CHECK(test::db_hash(f) == before);

  // Required fields missing; "" counts as missing; a section over its maximum; not an object.
  CHECK(errors_of([&] { s.create("sample", Json::object()); }) == Errs{{"title", "required"}});
  CHECK(errors_of([&] { s.create("sample", Json{{"title", ""}}); }) == Errs{{"title", "required"}});
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"items", Json::array({Json{{"label", "1"}}, Json{{"label", "2"}}, Json{{"label", "3"}}, Json{{"label", "4"}}})}}); }) ==
        Errs{{"items", "length"}});
  CHECK(errors_of([&] { s.create("sample", Json::array()); }) == Errs{{"", "type"}});
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"items", "none"}}); }) == Errs{{"items", "type"}});
  CHECK(test::db_hash(f) == before);
}

TEST_CASE("Text length counts characters, not bytes", "[records]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  // "Sébastién" is 9 characters in 11 bytes: within a maximum of 10.
  CHECK(s.create("sample", Json{{"title", "S\xC3\xA9" "basti\xC3\xA9" "n"}}) > 0);
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}}); }) ==
        Errs{{"title", "length"}});  // 11 characters
}

TEST_CASE("Updates name the version they read and stale versions conflict", "[records][version]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto id = s.create("sample", Json{{"title", "T"}, {"count", 1}, {"note", "keep me"}});
  const std::string f = dir.file("fixture.db");

  CHECK(s.update("sample", id, 1, Json{{"count", 2}}) == 2);
  Json r = s.get("sample", id);
  CHECK(r["count"] == 2);
  CHECK(r["note"] == "keep me");  // fields not given are kept
  CHECK(r["version"] == 2);

  const std::string before = test::db_hash(f);
  CHECK_THROWS_AS(s.update("sample", id, 1, Json{{"count", 3}}), clmis::Conflict);
  CHECK_THROWS_AS(s.update("sample", id, 7, Json{{"count", 3}}), clmis::Conflict);
  CHECK(test::db_hash(f) == before);
  CHECK_THROWS_AS(s.update("sample", id + 9, 1, Json{{"count", 3}}), clmis::NotFound);

  // An update that changes nothing keeps the version and writes nothing.
  CHECK(s.update("sample", id, 2, Json{{"count", 2}, {"note", "keep me"}}) == 2);
  CHECK(test::db_hash(f) == before);

  // null clears; a section given replaces the whole section.
  CHECK(s.update("sample", id, 2, Json{{"note", nullptr}, {"items", Json::array({Json{{"label", "a"}}})}}) == 3);
  CHECK(s.update("sample", id, 3, Json{{"items", Json::array({Json{{"label", "b"}}, Json{{"label", "c"}}})}}) == 4);
  r = s.get("sample", id);
  CHECK(r["note"].is_null());
  CHECK(r["items"] == Json::array({Json{{"label", "b"}, {"qty", nullptr}, {"kind", nullptr}, {"from", nullptr}, {"to", nullptr}},
                                   Json{{"label", "c"}, {"qty", nullptr}, {"kind", nullptr}, {"from", nullptr}, {"to", nullptr}}}));
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sample__items") == "2");
  // A required field cannot be cleared.
  CHECK(errors_of([&] { s.update("sample", id, 4, Json{{"title", nullptr}}); }) == Errs{{"title", "required"}});
}

TEST_CASE("Archiving needs a reason and freezes the record", "[records][archive]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto owner = s.create("owner", Json{{"name", "Gone Ltd"}});
  const auto kept = s.create("sample", Json{{"title", "T"}, {"owner", owner}});
  const std::string f = dir.file("fixture.db");
  const std::string before = test::db_hash(f);
  CHECK(errors_of([&] { s.archive("owner", owner, 1, ""); }) == Errs{{"archive_reason", "required"}});
  CHECK_THROWS_AS(s.archive("owner", owner, 2, "closed down"), clmis::Conflict);
  CHECK(test::db_hash(f) == before);

  s.archive("owner", owner, 1, "closed down in 2025");
  Json r = s.get("owner", owner);
  CHECK(r["archived"] == true);
  CHECK(r["archive_reason"] == "closed down in 2025");
  CHECK(r["version"] == 2);
  CHECK_THROWS_AS(s.update("owner", owner, 2, Json{{"name", "X"}}), clmis::Conflict);
  CHECK_THROWS_AS(s.archive("owner", owner, 2, "again"), clmis::Conflict);
  // The record is still there (never a hard delete) but queries leave it out by default.
  CHECK(s.query("owner")["records"].empty());
  CHECK(s.query("owner", Json{{"include_archived", true}})["records"].size() == 1);
  // A new record may not point at an archived one; an old record keeps its reference.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "N"}, {"owner", owner}}); }) == Errs{{"owner", "reference"}});
  CHECK(s.update("sample", kept, 1, Json{{"title", "T2"}, {"owner", owner}}) == 2);
  CHECK(test::raw_scalar(f, "SELECT event || ':' || to_value FROM clmis_history WHERE record_type = 'owner' AND event = 'archived'") ==
        "archived:closed down in 2025");
}

TEST_CASE("Upsert by external_id is idempotent", "[records][upsert]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const std::string f = dir.file("fixture.db");
  const Json rec = {{"title", "From NIS"}, {"count", 5}};
  auto a = s.upsert("sample", "NIS-0001", rec);
  CHECK(a.outcome == clmis::UpsertOutcome::created);
  CHECK(s.get("sample", a.id)["external_id"] == "NIS-0001");
  const std::string after_first = test::db_hash(f);
  auto b = s.upsert("sample", "NIS-0001", rec);
  CHECK(b.outcome == clmis::UpsertOutcome::unchanged);
  CHECK(b.id == a.id);
  CHECK(test::db_hash(f) == after_first);  // no version, no change number, no audit row
  auto c = s.upsert("sample", "NIS-0001", Json{{"count", 6}});
  CHECK(c.outcome == clmis::UpsertOutcome::updated);
  CHECK(s.get("sample", a.id)["version"] == 2);
  CHECK(s.get("sample", a.id)["title"] == "From NIS");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sample") == "1");
  // external_id is unique per record type.
  CHECK_THROWS_AS(s.create("sample", Json{{"title", "dup"}, {"external_id", "NIS-0001"}}), clmis::AlreadyExists);
  CHECK(s.create("owner", Json{{"name", "o"}, {"external_id", "NIS-0001"}}) > 0);
  // A record naming another external_id than the upsert is refused.
  CHECK(errors_of([&] { s.upsert("sample", "NIS-0002", Json{{"title", "x"}, {"external_id", "NIS-9"}}); }) ==
        Errs{{"external_id", "read_only"}});
  CHECK(errors_of([&] { s.upsert("sample", "", rec); }) == Errs{{"external_id", "length"}});
  // Invalid data is refused whether the record exists or not.
  CHECK(errors_of([&] { s.upsert("sample", "NIS-0001", Json{{"count", -1}}); }) == Errs{{"count", "range"}});
  CHECK(errors_of([&] { s.upsert("sample", "NIS-0003", Json{{"count", 1}}); }) == Errs{{"title", "required"}});
}

TEST_CASE("The change feed numbers every committed write", "[records][changes]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto o = s.create("owner", Json{{"name", "A"}});           // seq 1
  const auto x = s.create("sample", Json{{"title", "x"}});         // seq 2
  s.update("owner", o, 1, Json{{"name", "B"}});                     // seq 3
  s.update("owner", o, 2, Json{{"name", "B"}});                     // no change: no seq
  CHECK_THROWS(s.update("owner", o, 1, Json{{"name", "C"}}));       // refused: no seq
  s.archive("sample", x, 1, "entered twice");                       // seq 4
  Json all = s.changes_since(0);
  REQUIRE(all["changes"].size() == 4);
  CHECK(all["last_seq"] == 4);
  std::vector<std::string> ops;
  for (const auto& c : all["changes"]) ops.push_back(c["record_type"].get<std::string>() + ":" + c["op"].get<std::string>() + ":" + std::to_string(c["version"].get<int>()));
  CHECK(ops == std::vector<std::string>{"owner:create:1", "sample:create:1", "owner:update:2", "sample:archive:2"});
  CHECK(all["changes"][2]["by"] == "admin");
  // Paging through the feed with last_seq.
  Json first = s.changes_since(0, 3);
  CHECK(first["changes"].size() == 3);
  Json rest = s.changes_since(first["last_seq"].get<std::int64_t>(), 3);
  CHECK(rest["changes"].size() == 1);
  CHECK(rest["changes"][0]["seq"] == 4);
  Json none = s.changes_since(4);
  CHECK(none["changes"].empty());
  CHECK(none["last_seq"] == 4);
  CHECK_THROWS_AS(s.changes_since(0, 10001), clmis::Misuse);
  CHECK_THROWS_AS(s.changes_since(-1), clmis::Misuse);
}

TEST_CASE("Status fields write dated history rows", "[records][history]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto id = s.create("sample", Json{{"title", "x"}});
  s.update("sample", id, 1, Json{{"status", "shut"}, {"note", "moved away"}});
  s.update("sample", id, 2, Json{{"count", 4}});  // not a history field
  const std::string f = dir.file("fixture.db");
  CHECK(test::raw_scalar(f, "SELECT group_concat(event || ':' || coalesce(field, '') || ':' || coalesce(from_value, '') || '>' || coalesce(to_value, ''), ' ') "
                            "FROM (SELECT * FROM clmis_history WHERE record_type = 'sample' ORDER BY id)") ==
        "changed:status:>open changed:status:open>shut");
  // Each history row belongs to the change that made it, and is dated.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_history h JOIN clmis_change c ON c.seq = h.seq") == "2");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_history WHERE effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'") == "2");
  // Creation has no row of its own (format 5): history() shows it from the record's created_at
  // and created_by and its change (seq 1, the database's first write), before the rows of that
  // change; its date is created_at's in the profile's zone, America/St_Kitts (UTC-4, no summer
  // time), worked out here by SQLite.
  const Json h = s.history("sample", id);
  REQUIRE(h.size() == 3);
  const std::string created_at = test::raw_scalar(f, "SELECT created_at FROM clmis_view_sample WHERE id = " + std::to_string(id));
  const std::string local_day = test::raw_scalar(f, "SELECT date(created_at, '-4 hours') FROM clmis_view_sample WHERE id = " + std::to_string(id));
  CHECK(h[0] == Json{{"seq", 1}, {"event", "created"}, {"field", nullptr}, {"from", nullptr}, {"to", nullptr},
                     {"effective_date", local_day}, {"at", created_at}, {"detail", nullptr},
                     {"by", "admin"}});
  CHECK(h[1]["seq"] == 1);
  CHECK(h[1]["to"] == "open");
  CHECK(h[2]["seq"] == 2);
}

TEST_CASE("Deactivated codes stay on old records and are refused on new ones", "[records][codes]") {
  test::TempDir dir;
  const std::string f = dir.file("fixture.db");
  std::int64_t id = 0;
  {
    auto db = test::fixture_db(dir);
    auto s = db.login("admin", test::kPassword);
    id = s.create("sample", Json{{"title", "x"}, {"kind", "b"}, {"items", Json::array({Json{{"label", "i"}, {"kind", "b"}}})}});
  }
  test::raw_exec(f, "UPDATE clmis_code SET active = 0 WHERE list = 'kind' AND code = 'b'");
  auto db = clmis::Database::open(f);
  auto s = db.login("admin", test::kPassword);
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "y"}, {"kind", "b"}}); }) == Errs{{"kind", "code_list"}});
  // The old record can still be edited, resending its old code and its old section entry.
  CHECK(s.update("sample", id, 1, Json{{"title", "x2"}, {"kind", "b"}, {"items", Json::array({Json{{"label", "i"}, {"kind", "b"}}, Json{{"label", "j"}}})}}) == 2);
  CHECK(errors_of([&] { s.update("sample", id, 2, Json{{"items", Json::array({Json{{"label", "k"}, {"kind", "a"}}, Json{{"label", "l"}, {"kind", "zz"}}})}}); }) ==
        Errs{{"items[1].kind", "code_list"}});
  auto codes = db.codes("kind", "nl");
  CHECK(codes[0]["label"] == "Alfa");   // Dutch label
  CHECK(codes[1]["label"] == "Beta");   // falls back to English
  CHECK(codes[1]["active"] == false);
  CHECK(codes[2]["parent"] == "a");
  CHECK_THROWS_AS(db.codes("nope"), clmis::NotFound);
}

TEST_CASE("Login takes the right password and refuses the wrong one", "[records][login]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  const std::string f = dir.file("fixture.db");
  auto s = db.login("admin", test::kPassword);
  CHECK(s.user() == "admin");
  const std::string before = test::db_hash(f);
  CHECK_THROWS_AS(db.login("admin", "wrong-password"), clmis::AuthError);
  CHECK_THROWS_AS(db.login("admin", ""), clmis::AuthError);
  CHECK_THROWS_AS(db.login("nobody", test::kPassword), clmis::AuthError);
  CHECK_THROWS_WITH(db.login("Admin", test::kPassword), "wrong user name or password");
  // The refusals are in the security log, which may grow; nothing else changed.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_security_log WHERE event = 'login_failed'") == "4");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_security_log WHERE user_name = 'nobody'") == R"({"reason":"unknown user"})");
  CHECK(test::db_hash(f) == before);
}

TEST_CASE("Creating a database refuses bad options and leaves nothing behind", "[records][init]") {
  test::TempDir dir;
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  {
    auto db = clmis::Database::init(dir.file("a.db"), o);
  }
  const std::string before = test::db_hash(dir.file("a.db"));
  CHECK_THROWS_AS(clmis::Database::init(dir.file("a.db"), o), clmis::AlreadyExists);
  CHECK(test::db_hash(dir.file("a.db")) == before);

  auto refused = [&](clmis::InitOptions bad, const std::string& name) {
    CHECK_THROWS(clmis::Database::init(dir.file(name), bad));
    CHECK_FALSE(std::filesystem::exists(dir.file(name)));
    CHECK_FALSE(std::filesystem::exists(dir.file(name) + "-wal"));
  };
  auto short_pw = o;
  short_pw.admin_password = "1234567";
  CHECK_THROWS_AS(clmis::Database::init(dir.file("b.db"), short_pw), clmis::ValidationError);
  refused(short_pw, "b.db");
  auto no_country = o;
  no_country.country = "";
  CHECK_THROWS_AS(clmis::Database::init(dir.file("c.db"), no_country), clmis::NotFound);
  // An existing file is refused first, whatever else is wrong.
  CHECK_THROWS_AS(clmis::Database::init(dir.file("a.db"), no_country), clmis::AlreadyExists);
  auto bad_country = o;
  bad_country.country = "ATL";
  CHECK_THROWS_AS(clmis::Database::init(dir.file("c.db"), bad_country), clmis::NotFound);
  refused(bad_country, "c.db");
  auto bad_user = o;
  bad_user.admin_user = "two words";
  refused(bad_user, "d.db");
  // A malformed pack under data_dir: PackError, and no file.
  const std::string root = test::copy_data(dir, "data");
  test::edit_json(root + "/packs/standard/pack.json", [](Json& j) { j["record_types"][0]["fields"][0]["type"] = "strng"; });
  auto bad_pack = o;
  bad_pack.data_dir = root;
  CHECK_THROWS_AS(clmis::Database::init(dir.file("e.db"), bad_pack), clmis::PackError);
  refused(bad_pack, "e.db");
}

TEST_CASE("Opening refuses missing, foreign and newer databases untouched", "[records][open]") {
  test::TempDir dir;
  CHECK_THROWS_AS(clmis::Database::open(dir.file("missing.db")), clmis::NotFound);
  CHECK_FALSE(std::filesystem::exists(dir.file("missing.db")));

  std::ofstream(dir.file("text.db")) << "this is not a database, it is a letter to the Labour Commissioner\n";
  CHECK_THROWS_AS(clmis::Database::open(dir.file("text.db")), clmis::StorageError);

  test::raw_exec(dir.file("other.db"), "CREATE TABLE t(x)");  // a SQLite file, not clmis's
  CHECK_THROWS_AS(clmis::Database::open(dir.file("other.db")), clmis::StorageError);
  CHECK(test::raw_scalar(dir.file("other.db"), "SELECT count(*) FROM sqlite_master") == "1");

  { auto db = test::fixture_db(dir, "newer.db"); }
  test::raw_exec(dir.file("newer.db"), "UPDATE clmis_meta SET value = '99' WHERE key = 'format'");
  const std::string before = test::db_hash(dir.file("newer.db"));
  CHECK_THROWS_AS(clmis::Database::open(dir.file("newer.db")), clmis::VersionError);
  CHECK(test::db_hash(dir.file("newer.db")) == before);

  { auto db = test::fixture_db(dir, "same.db"); }
  clmis::OpenOptions other;
  other.data_dir = CLMIS_SOURCE_DIR "/data";  // the standard pack, not the fixture pack it was made with
  CHECK_THROWS_AS(clmis::Database::open(dir.file("same.db"), other), clmis::PackError);
  clmis::OpenOptions same;
  same.data_dir = CLMIS_TEST_FIXTURES "/data";
  CHECK_NOTHROW(clmis::Database::open(dir.file("same.db"), same));
  clmis::OpenOptions bad;
  bad.busy_timeout_ms = -1;
  CHECK_THROWS_AS(clmis::Database::open(dir.file("same.db"), bad), clmis::Misuse);
}

TEST_CASE("A closed database refuses its sessions", "[records][lifecycle]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  db.close();
  db.close();  // idempotent
  CHECK_THROWS_AS(s.create("owner", Json{{"name", "x"}}), clmis::Misuse);
  // The closed handle is reported before any other problem of the call.
  CHECK_THROWS_AS(s.create("ghost", Json{{"name", "x"}}), clmis::Misuse);
  CHECK_THROWS_AS(s.query("owner", Json{{"limit", -1}}), clmis::Misuse);
  CHECK_THROWS_AS(s.archive("owner", 1, 1, ""), clmis::Misuse);
  CHECK_THROWS_AS(s.upsert("owner", "", Json::object()), clmis::Misuse);
  CHECK_THROWS_AS(s.changes_since(0), clmis::Misuse);
  CHECK_THROWS_AS(s.get("owner", 1), clmis::Misuse);
  CHECK_THROWS_AS(db.schema(), clmis::Misuse);
  CHECK_THROWS_AS(db.login("admin", test::kPassword), clmis::Misuse);
}

TEST_CASE("A locked database is retried, then Busy", "[records][busy]") {
  test::TempDir dir;
  { auto init = test::fixture_db(dir); }
  const std::string f = dir.file("fixture.db");
  clmis::OpenOptions o;
  o.busy_timeout_ms = 50;
  auto db = clmis::Database::open(f, o);
  auto s = db.login("admin", test::kPassword);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(f.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK_THROWS_AS(s.create("owner", Json{{"name", "waits"}}), clmis::Busy);
  // Readers are not blocked by a writer in WAL mode.
  CHECK(s.query("owner")["records"].empty());
  // A writer that finishes within the limit is waited for.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  clmis::OpenOptions patient;
  patient.busy_timeout_ms = 5000;
  auto db2 = clmis::Database::open(f, patient);
  auto s2 = db2.login("admin", test::kPassword);
  CHECK(s2.create("owner", Json{{"name", "waited"}}) == 1);
  release.join();
  sqlite3_close(other);
}

TEST_CASE("A database handle is shared between threads", "[records][threads]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  constexpr int kPerThread = 150;
  auto work = [&](const std::string& prefix) {
    auto s = db.login("admin", test::kPassword);  // one session per thread
    for (int i = 0; i < kPerThread; ++i) s.create("owner", Json{{"name", prefix + std::to_string(i)}});
  };
  std::thread a(work, "a"), b(work, "b");
  a.join();
  b.join();
  const std::string f = dir.file("fixture.db");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM owner") == "300");
  CHECK(test::raw_scalar(f, "SELECT count(DISTINCT seq) || ':' || min(seq) || ':' || max(seq) FROM clmis_change") == "300:1:300");
}

TEST_CASE("The schema describes record types, fields and code lists", "[records][schema]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  Json sch = db.schema();
  CHECK(sch["pack"]["name"] == "standard");
  CHECK(sch["pack"]["version"] == "1.9.0");
  CHECK(sch["country"]["iso3"] == "KNA");
  CHECK(sch["country"]["currency"] == "XCD");
  CHECK(sch["country"]["legal"]["minimum_working_age"]["verified"] == false);
  REQUIRE(sch["record_types"].size() == 9);
  std::vector<std::string> names;
  for (const auto& t : sch["record_types"]) names.push_back(t["name"]);
  CHECK(names == std::vector<std::string>{"employer", "establishment", "organisation", "job_seeker", "vacancy", "complaint", "dispute",
                                                "industrial_action", "redundancy"});
  const Json& emp = sch["record_types"][0];
  CHECK(emp["name"] == "employer");
  CHECK(emp["fields"][0]["name"] == "name");
  CHECK(emp["fields"][0]["type"] == "text");
  CHECK(emp["fields"][0]["max_length"] == 200);
  CHECK(emp["fields"][0]["required"] == true);
  CHECK(emp["fields"][4]["name"] == "isic_class");
  CHECK(emp["fields"][4]["code_list"] == "isic4");
  CHECK(emp["fields"][4]["level"] == 4);
  CHECK(emp["sections"][0]["name"] == "contacts");
  CHECK(emp["sections"][0]["table"] == "employer__contacts");
  CHECK(sch["record_types"][1]["fields"][0]["target"] == "employer");
  std::map<std::string, std::int64_t> lists;
  for (const auto& l : sch["code_lists"]) lists[l["name"].get<std::string>()] = l["active_codes"].get<std::int64_t>();
  // Counts from data/classifications/SOURCES.md: ISCO-08 619, ISIC Rev.4 766, ISCED 9, KNA 14 parishes.
  // The pack's own lists, counted by hand from the "codes" arrays of data/packs/standard/pack.json.
  CHECK(lists == std::map<std::string, std::int64_t>{
                     {"employer_status", 3}, {"establishment_status", 2}, {"isced2011", 9}, {"isco08", 619},
                     {"isic4", 766}, {"ownership", 7}, {"parish", 14}, {"agency", 4}, {"sex", 2},
                     {"organisation_kind", 3}, {"organisation_status", 3}, {"employment_status", 6},
                     {"disability", 7}, {"availability", 5}, {"wage_period", 6}, {"contract_type", 8},
                     {"skill_kind", 4}, {"job_seeker_status", 4}, {"job_seeker_outcome", 7},
                     {"inactive_reason", 5}, {"vacancy_status", 2}, {"vacancy_outcome", 3},
                     {"complaint_status", 5}, {"complaint_outcome", 7}, {"complaint_channel", 6},
                     {"claim_category", 11}, {"hearing_attendance", 4}, {"hearing_result", 4}, {"link_relation", 5},
                     {"dispute_type", 4}, {"dispute_status", 3}, {"dispute_outcome", 5},
                     {"meeting_attendance", 4}, {"meeting_result", 5},
                     {"industrial_action_type", 5}, {"industrial_action_cause", 7}, {"industrial_action_status", 3},
                     {"industrial_action_outcome", 3}, {"redundancy_reason", 6}, {"redundancy_status", 3},
                     {"redundancy_outcome", 3}});
  CHECK(sch["workflows"] == Json::array({"job_seeker", "vacancy", "complaint", "dispute", "industrial_action", "redundancy"}));
  const Json& js = sch["record_types"][3];
  CHECK(js["workflow"]["states"] == Json::array({"registered", "active", "inactive", "closed"}));
  CHECK(js["workflow"]["initial"] == "registered");
  CHECK(js["fields"][5]["name"] == "nis_number");
  CHECK(js["fields"][5]["pattern"] == "^[0-9]{1,12}$");  // from the KNA profile
  CHECK(js["fields"][0]["assigned"] == Json{{"prefix", "JS-"}, {"digits", 6}});
  // Every text field of the pack has a maximum length (DESIGN.md §5).
  for (const auto& t : sch["record_types"]) {
    for (const auto& fld : t["fields"])
      if (fld["type"] == "text") CHECK(fld["max_length"].get<int>() > 0);
    for (const auto& sec : t["sections"])
      for (const auto& fld : sec["fields"])
        if (fld["type"] == "text") CHECK(fld["max_length"].get<int>() > 0);
  }
}

TEST_CASE("The standard pack: an employer and its workplaces", "[records][standard]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const auto emp = s.create("employer", Json{{"name", "Basseterre Bottling Co."}, {"isic_class", "1104"},
                                             {"parish", "KN-03"}, {"workers_male", 12}, {"workers_female", 30},
                                             {"contacts", Json::array({Json{{"name", "J. Browne"}, {"email", "jb@bbc.kn"}}})}});
  CHECK(s.get("employer", emp)["status"] == "active");
  // A division (2 digits) is not a class (4 digits).
  CHECK(errors_of([&] { s.create("employer", Json{{"name", "X"}, {"isic_class", "11"}}); }) == Errs{{"isic_class", "code_list"}});
  // A Saint Lucia district is not a KNA parish.
  CHECK(errors_of([&] { s.create("establishment", Json{{"employer", emp}, {"name", "Depot"}, {"parish", "LC-01"}}); }) ==
        Errs{{"parish", "code_list"}});
  CHECK(errors_of([&] { s.create("employer", Json{{"name", "X"}, {"contacts", Json::array({Json{{"email", "not-an-address"}}})}}); }) ==
        Errs{{"contacts[0].email", "pattern"}, {"contacts[0].name", "required"}});
  const auto est = s.create("establishment", Json{{"employer", emp}, {"name", "Plant, Basseterre"}, {"parish", "KN-03"}});
  CHECK(s.get("establishment", est)["employer"] == emp);
}

TEST_CASE("Record-level rules: each kind passes and fails", "[records][rules]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  auto s = db.login("admin", test::kPassword);
  const std::string f = dir.file("fixture.db");

  // unique_active: one active record per ref_no; an archived one frees it.
  const auto a = s.create("sample", Json{{"title", "a"}, {"ref_no", "R-1"}});
  CHECK(s.create("sample", Json{{"title", "b"}, {"ref_no", "R-2"}}) > 0);
  const std::string before = test::db_hash(f);
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "c"}, {"ref_no", "R-1"}}); }) == Errs{{"ref_no", "unique_active"}});
  CHECK(errors_of([&] { s.update("sample", a + 1, 1, Json{{"ref_no", "R-1"}}); }) == Errs{{"ref_no", "unique_active"}});
  CHECK(errors_of([&] { s.upsert("sample", "E1", Json{{"title", "d"}, {"ref_no", "R-1"}}); }) == Errs{{"ref_no", "unique_active"}});
  CHECK(test::db_hash(f) == before);
  CHECK(s.update("sample", a, 1, Json{{"title", "a2"}, {"ref_no", "R-1"}}) == 2);  // itself is not a duplicate
  s.archive("sample", a, 2, "entered twice");
  CHECK(s.create("sample", Json{{"title", "c"}, {"ref_no", "R-1"}}) > 0);

  // date_order: day (a date) on or before at (a time).
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"day", "2000-01-02"}, {"at", "2000-01-01T23:59:59Z"}}); }) ==
        Errs{{"at", "date_order"}});
  // The same day satisfies date_order; only min_age_at (0 years old) objects.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"day", "2000-01-02"}, {"at", "2000-01-02T00:00:00Z"}}); }) ==
        Errs{{"day", "min_age_at"}});
  // min_age_at: at least 16 (the fixture profile's minimum_working_age) at `at`.
  // Born 2000-01-02: 15 on 2016-01-01, 16 on 2016-01-02.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"day", "2000-01-02"}, {"at", "2016-01-01T12:00:00Z"}}); }) ==
        Errs{{"day", "min_age_at"}});
  CHECK(s.create("sample", Json{{"title", "x"}, {"day", "2000-01-02"}, {"at", "2016-01-02T00:00:00Z"}}) > 0);
  // Born on 29 February: 16 on 1 March of the 16th year, not on 28 February.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"day", "2004-02-29"}, {"at", "2020-02-28T00:00:00Z"}}); }) ==
        Errs{{"day", "min_age_at"}});
  CHECK(s.create("sample", Json{{"title", "x"}, {"day", "2004-02-29"}, {"at", "2020-02-29T00:00:00Z"}}) > 0);

  // range_order: count <= ratio across scales (integer vs 3 decimals); pay < pay_usd, one currency.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"count", 5}, {"ratio", "4.999"}}); }) == Errs{{"ratio", "range_order"}});
  CHECK(s.create("sample", Json{{"title", "x"}, {"count", 5}, {"ratio", "5"}}) > 0);
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"pay", {{"amount", "3"}, {"currency", "USD"}}}, {"pay_usd", {{"amount", "3"}, {"currency", "USD"}}}}); }) ==
        Errs{{"pay_usd", "range_order"}});  // strict
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"pay", {{"amount", "1"}, {"currency", "XCD"}}}, {"pay_usd", {{"amount", "3"}, {"currency", "USD"}}}}); }) ==
        Errs{{"pay_usd", "range_order"}});  // currencies differ

  // required_if: a note whenever status is shut; the pack's own message is used.
  const auto r = s.create("sample", Json{{"title", "x"}});
  try {
    s.update("sample", r, 1, Json{{"status", "shut"}});
    FAIL("accepted");
  } catch (const clmis::ValidationError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].path == "note");
    CHECK(e.errors()[0].rule == "required_if");
    CHECK(e.errors()[0].message == "say why it was shut");
  }
  CHECK(s.update("sample", r, 1, Json{{"status", "shut"}, {"note", "flooded"}}) == 2);
  CHECK(errors_of([&] { s.update("sample", r, 2, Json{{"note", nullptr}}); }) == Errs{{"note", "required_if"}});

  // A section rule names the entry.
  CHECK(errors_of([&] { s.create("sample", Json{{"title", "x"}, {"items", Json::array({Json{{"label", "ok"}, {"from", "2020-01-01"}, {"to", "2020-01-01"}},
                                                                                         Json{{"label", "bad"}, {"from", "2021-05-01"}, {"to", "2020-01-01"}}})}}); }) ==
        Errs{{"items[1].to", "date_order"}});
}

TEST_CASE("A database can be made for each of the thirteen countries", "[records][profiles]") {
  test::TempDir dir;
  // The seed's six and the seven generic profiles (issue 17).
  for (const char* iso : {"KNA", "LCA", "VCT", "ATG", "SUR", "TTO", "BHS", "BLZ", "BRB", "DMA", "GRD", "GUY", "JAM"}) {
    INFO(iso);
    clmis::InitOptions o;
    o.country = iso;
    o.admin_password = test::kPassword;
    auto db = clmis::Database::init(dir.file(std::string(iso) + ".db"), o);
    CHECK(db.schema()["country"]["iso3"] == iso);
    auto s = db.login("admin", test::kPassword);
    const std::string parish = db.codes("parish")[0]["code"];
    CHECK(s.create("employer", Json{{"name", "Employer"}, {"parish", parish}}) == 1);
    // Another country's subdivision is refused.
    CHECK(errors_of([&] { s.create("employer", Json{{"name", "E"}, {"parish", std::string(iso) == "KNA" ? "LC-01" : "KN-01"}}); }) ==
          Errs{{"parish", "code_list"}});
  }
}

TEST_CASE("A batch commits every write together or none, and a failed write inside leaves nothing", "[records][batch]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  const std::string f = dir.file("fixture.db");
  auto s = db.login("admin", test::kPassword);
  // Two good rows and one bad one that the batch skips.
  std::vector<std::int64_t> ids;
  int refused = 0;
  s.batch([&] {
    for (const char* title : {"One", "This title is far too long", "Two"}) {
      try {
        ids.push_back(s.create("sample", Json{{"title", title}}));
      } catch (const clmis::ValidationError&) {
        ++refused;
      }
    }
  });
  CHECK(refused == 1);
  REQUIRE(ids.size() == 2);
  CHECK(test::raw_scalar(f, "SELECT group_concat(title, ',') FROM (SELECT title FROM sample ORDER BY id)") == "One,Two");
  // Change numbers have no gap where the bad row was.
  CHECK(test::raw_scalar(f, "SELECT group_concat(seq, ',') FROM clmis_change") == "1,2");
  // A batch that throws leaves the database as it was, including codes added inside it.
  const std::string h = test::db_hash(f);
  CHECK_THROWS_AS(s.batch([&] {
                    s.code_add("kind", Json{{"code", "z"}, {"label", {{"en", "Zed"}}}});
                    s.create("sample", Json{{"title", "Three"}, {"kind", "z"}});
                    throw std::runtime_error("the caller gives up");
                  }),
                  std::runtime_error);
  CHECK(test::db_hash(f) == h);
  CHECK_THROWS_AS(s.create("sample", Json{{"title", "Four"}, {"kind", "z"}}), clmis::ValidationError);
  // The database cannot be closed from inside a batch (its transaction still uses it); the
  // batch goes on and commits, and the handle closes afterwards.
  s.batch([&] {
    CHECK_THROWS_AS(db.close(), clmis::Misuse);
    s.create("sample", Json{{"title", "Five"}});
  });
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sample WHERE title = 'Five'") == "1");
  db.close();
  CHECK_THROWS_AS(s.create("sample", Json{{"title", "Six"}}), clmis::Misuse);
}
