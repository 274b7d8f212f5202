// Migrations: a v1 database opened with a v2 pack (a new field, code, record type and country
// extension field) is upgraded in one transaction keeping every record, history row and change
// number; a database holding a newer pack is refused untouched; a failed migration changes
// nothing; changes that would lose data are refused.
#include <filesystem>
#include <catch2/catch.hpp>

#include "support.hpp"

using clmis::Json;

namespace {

/// Takes a database made by today's code back to the format-4 layout of its system tables: no
/// status tables (nor their view), no change ranges. Only for databases without status rows.
void back_to_format_4(const std::string& f) {
  REQUIRE(test::raw_scalar(f, "SELECT count(*) FROM clmis_status_history") == "0");
  test::raw_exec(f, "DROP VIEW clmis_status_history");
  for (;;) {
    const std::string t = test::raw_scalar(f, "SELECT coalesce(min(name), '') FROM sqlite_master WHERE type = 'table' AND name GLOB 'clmis_status__*'");
    if (t.empty()) break;
    test::raw_exec(f, "DROP TABLE \"" + t + "\"");
  }
  test::raw_exec(f, "DROP INDEX clmis_change_create");
  test::raw_exec(f, "ALTER TABLE clmis_change DROP COLUMN span");
  // Format 6's possible-duplicate key columns (their tables are empty here, so their dates need
  // no conversion back to text).
  for (;;) {
    const std::string idx = test::raw_scalar(f, "SELECT coalesce(min(name), '') FROM sqlite_master WHERE type = 'index' "
                                                "AND sql LIKE '%\"clmis_dup_%'");
    if (idx.empty()) break;
    test::raw_exec(f, "DROP INDEX \"" + idx + "\"");
  }
  for (;;) {
    const std::string tc = test::raw_scalar(
        f, "SELECT coalesce(min(m.name || '|' || c.name), '') FROM sqlite_master m, pragma_table_info(m.name) c "
           "WHERE m.type = 'table' AND c.name GLOB 'clmis_dup_*'");
    if (tc.empty()) break;
    const auto bar = tc.find('|');
    test::raw_exec(f, "ALTER TABLE \"" + tc.substr(0, bar) + "\" DROP COLUMN \"" + tc.substr(bar + 1) + "\"");
  }
  // Format 7's tables of cases, format 8's documents and links, format 9's overrides.
  for (const char* t : {"clmis_deadline_event", "clmis_deadline", "clmis_assignment", "clmis_case", "clmis_document",
                        "clmis_link", "clmis_override"})
    test::raw_exec(f, std::string("DROP TABLE ") + t);
}


/// Every row of table over the given columns (or all of them), as text, through a raw
/// connection: compared before and after a migration.
std::string rows(const std::string& db, const std::string& table, std::string cols = {},
                 const std::string& where = "1") {
  if (cols.empty())
    cols = test::raw_scalar(db, "SELECT group_concat(name, ',') FROM pragma_table_info('" + table + "')");
  std::string expr;
  size_t start = 0;
  while (start <= cols.size()) {
    size_t end = cols.find(',', start);
    if (end == std::string::npos) end = cols.size();
    expr += (expr.empty() ? "" : "||','||") + std::string("quote(\"") + cols.substr(start, end - start) + "\")";
    start = end + 1;
  }
  return test::raw_scalar(db, "SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT " + expr +
                                  " AS r FROM \"" + table + "\" WHERE " + where + " ORDER BY r)");
}

std::string columns(const std::string& db, const std::string& table) {
  return test::raw_scalar(db, "SELECT group_concat(name, ',') FROM pragma_table_info('" + table + "')");
}

/// The v2 fixture: the fixture pack at 1.1.0 plus a field, a code and a record type, and a
/// country extension field in the KNA profile.
std::string make_v2(const test::TempDir& dir, const std::string& name = "v2") {
  const std::string root = test::copy_data(dir, name);
  test::edit_json(root + "/packs/standard/pack.json", [](Json& p) {
    p["version"] = "1.1.0";
    for (auto& l : p["code_lists"])
      if (l["name"] == "kind") l["codes"].push_back({{"code", "k9"}, {"label", {{"en", "Kind nine"}, {"nl", "Soort negen"}}}});
    for (auto& t : p["record_types"])
      if (t["name"] == "sample") {
        t["fields"].push_back({{"name", "remark"}, {"type", "text"}, {"max_length", 200}});
        t["rules"].push_back({{"kind", "possible_duplicate"}, {"fields", Json::array({"title", "day"})}});
      }
    p["record_types"].push_back(
        {{"name", "visit"},
         {"label", "Visit"},
         {"fields", Json::array({Json{{"name", "owner"}, {"type", "reference"}, {"target", "owner"}, {"required", true}},
                                 Json{{"name", "on_date"}, {"type", "date"}}})}});
  });
  test::edit_json(root + "/countries/KNA.json", [](Json& c) {
    c["extensions"] = {{"sample", Json::array({Json{{"name", "x_kna_district_code"}, {"type", "text"}, {"max_length", 10},
                                                    {"label", {{"en", "District code"}}}}})}};
  });
  return root;
}

struct V1 {
  std::string path;
  std::int64_t sample_id = 0, owner_id = 0;
};

V1 make_v1_db(const test::TempDir& dir, const std::string& data) {
  V1 out;
  out.path = dir.file("v1.db");
  clmis::InitOptions o;
  o.country = "KNA";
  o.admin_password = test::kPassword;
  o.data_dir = data;
  auto db = clmis::Database::init(out.path, o);
  auto s = db.login("admin", test::kPassword);
  out.owner_id = s.create("owner", Json{{"name", "Owner A"}});
  out.sample_id = s.create("sample", Json{{"title", "First"}, {"day", "2008-02-29"}, {"kind", "a"}, {"status", "open"}, {"owner", out.owner_id},
                                          {"items", Json::array({Json{{"label", "one"}}, Json{{"label", "two"}}})}});
  s.update("sample", out.sample_id, 1, Json{{"status", "shut"}, {"note", "closed for season"}});
  const auto gone = s.create("sample", Json{{"title", "Twice"}});
  s.archive("sample", gone, 1, "duplicate entry");
  return out;
}

}  // namespace

TEST_CASE("A v1 database opened with the v2 pack is upgraded keeping every record, history row and change number", "[migrate]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const std::string v2 = make_v2(dir);
  const auto db1 = make_v1_db(dir, v1);
  const std::string& path = db1.path;

  const std::string sample_cols = columns(path, "sample");
  const std::string before_sample = rows(path, "sample");
  const std::string before_owner = rows(path, "owner");
  const std::string before_items = rows(path, "sample__items");
  const std::string before_history = rows(path, "clmis_history");
  const std::string before_change = rows(path, "clmis_change");
  const std::string before_codes = rows(path, "clmis_code");
  REQUIRE(test::raw_scalar(path, "SELECT max(seq) FROM clmis_change") == "5");

  clmis::OpenOptions o;
  o.data_dir = v2;
  o.upgrade = true;
  auto db = clmis::Database::open(path, o);

  CHECK(test::raw_scalar(path, "SELECT value FROM clmis_meta WHERE key = 'pack_version'") == "1.1.0");
  // Every stored value is kept, in the old columns; the new columns are empty.
  CHECK(rows(path, "sample", sample_cols) == before_sample);
  // (and the key column of the new possible_duplicate rule, checked below)
  CHECK(columns(path, "sample") ==
        sample_cols + ",remark,x_kna_district_code," +
            test::raw_scalar(path, "SELECT name FROM pragma_table_info('sample') WHERE name GLOB 'clmis_dup_*'"));
  CHECK(test::raw_scalar(path, "SELECT count(*) FROM sample WHERE remark IS NOT NULL OR x_kna_district_code IS NOT NULL") == "0");
  CHECK(rows(path, "owner") == before_owner);
  CHECK(rows(path, "sample__items") == before_items);
  CHECK(rows(path, "clmis_history") == before_history);
  CHECK(rows(path, "clmis_change") == before_change);
  // The old codes are untouched; k9 is added after them.
  CHECK(rows(path, "clmis_code", "", "code <> 'k9'") == before_codes);
  CHECK(test::raw_scalar(path, "SELECT labels FROM clmis_code WHERE list = 'kind' AND code = 'k9'") ==
        R"({"en":"Kind nine","nl":"Soort negen"})");
  // One audit entry names every step.
  const Json detail = Json::parse(test::raw_scalar(path, "SELECT detail FROM clmis_audit WHERE action = 'migrate'"));
  CHECK(detail["from_version"] == "0.0.1");
  CHECK(detail["to_version"] == "1.1.0");
  CHECK(detail["steps"] == Json::array({"add field sample.remark", "add field sample.x_kna_district_code",
                                        "add the possible-duplicate key of sample on title, day",
                                        "add record type visit", "add code kind.k9"}));
  // The new possible_duplicate rule's key, computed from the stored rows: FNV-1a 64 (written
  // again here) over "first" (ASCII lower case), 0x1F, day 13938 (2008-02-29) as 8 bytes
  // little-endian, 0x1F. The archived record without a day has none.
  {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto feed = [&](unsigned char b) { h = (h ^ b) * 0x100000001b3ULL; };
    for (char ch : std::string("first")) feed(static_cast<unsigned char>(ch));
    feed(0x1F);
    for (int i = 0; i < 8; ++i) feed(static_cast<unsigned char>((std::uint64_t{13938} >> (8 * i)) & 0xFF));
    feed(0x1F);
    const std::string column = test::raw_scalar(path, "SELECT name FROM pragma_table_info('sample') WHERE name GLOB 'clmis_dup_*'");
    REQUIRE(!column.empty());
    CHECK(test::raw_scalar(path, "SELECT \"" + column + "\" FROM sample WHERE id = " + std::to_string(db1.sample_id)) ==
          std::to_string(static_cast<std::int64_t>(h)));
    CHECK(test::raw_scalar(path, "SELECT count(\"" + column + "\") FROM sample") == "1");
    CHECK(test::raw_scalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql LIKE '%" + column + "%'") == "1");
  }

  // What the migration added works end to end.
  auto s = db.login("admin", test::kPassword);
  const auto v = s.update("sample", db1.sample_id, 2, Json{{"remark", "after upgrade"}, {"kind", "k9"}, {"x_kna_district_code", "D-7"}});
  CHECK(v == 3);
  Json r = s.get("sample", db1.sample_id);
  CHECK(r["remark"] == "after upgrade");
  CHECK(r["x_kna_district_code"] == "D-7");
  CHECK(r["title"] == "First");
  CHECK(s.query("sample", Json{{"filter", Json::array({Json{{"field", "x_kna_district_code"}, {"op", "eq"}, {"value", "D-7"}}})}})["records"].size() == 1);
  // The rule warns about the record stored before it existed.
  const auto again_first = s.create("sample", Json{{"title", "FIRST"}, {"day", "2008-02-29"}});
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0]["other_ids"] == Json::array({db1.sample_id}));
  CHECK(again_first > db1.sample_id);
  const auto visit = s.create("visit", Json{{"owner", db1.owner_id}, {"on_date", "2026-01-05"}});
  CHECK(s.get("visit", visit)["on_date"] == "2026-01-05");
  // The views with dates as text follow the pack: the new type has one, the changed type's
  // shows its new columns.
  CHECK(test::raw_scalar(path, "SELECT on_date FROM clmis_view_visit") == "2026-01-05");
  CHECK(columns(path, "clmis_view_sample") == sample_cols + ",remark,x_kna_district_code");
  CHECK(test::raw_scalar(path, "SELECT remark FROM clmis_view_sample WHERE id = " + std::to_string(db1.sample_id)) ==
        "after upgrade");
  // The change sequence continues where it was.
  CHECK(s.changes_since(5)["changes"][0]["seq"] == 6);
  // The schema flags the extension field.
  bool flagged = false;
  const Json schema = db.schema();
  for (const auto& t : schema["record_types"])
    if (t["name"] == "sample")
      for (const auto& f : t["fields"])
        if (f["name"] == "x_kna_district_code") flagged = f.value("extension", false);
  CHECK(flagged);
  db.close();

  // Reopened without options, the database carries the v2 pack itself.
  auto again = clmis::Database::open(path);
  CHECK(again.schema()["pack"]["version"] == "1.1.0");
  // Upgrading again to the same pack does nothing.
  const std::string h = test::db_hash(path);
  again.close();
  clmis::Database::open(path, o).close();
  CHECK(test::db_hash(path) == h);
}

TEST_CASE("A database holding a newer pack is refused and left untouched", "[migrate]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const std::string v2 = make_v2(dir);
  const auto db2 = make_v1_db(dir, v2);  // made with v2 this time
  const std::string h = test::db_hash(db2.path);
  clmis::OpenOptions o;
  o.data_dir = v1;
  o.upgrade = true;
  CHECK_THROWS_AS(clmis::Database::open(db2.path, o), clmis::VersionError);
  CHECK(test::db_hash(db2.path) == h);
  // Without upgrade, a different pack under data_dir is refused too.
  clmis::OpenOptions plain;
  plain.data_dir = v1;
  CHECK_THROWS_AS(clmis::Database::open(db2.path, plain), clmis::PackError);
  CHECK(test::db_hash(db2.path) == h);
}

TEST_CASE("A failed migration leaves the database as it was", "[migrate]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const std::string v2 = make_v2(dir);
  const auto db1 = make_v1_db(dir, v1);
  // Someone made a table named like the new record type with the sqlite3 shell: creating it fails
  // after the new columns of "sample" were already added in the same transaction.
  test::raw_exec(db1.path, "CREATE TABLE visit (id INTEGER PRIMARY KEY)");
  const std::string h = test::db_hash(db1.path);
  clmis::OpenOptions o;
  o.data_dir = v2;
  o.upgrade = true;
  CHECK_THROWS_AS(clmis::Database::open(db1.path, o), clmis::Error);
  CHECK(test::db_hash(db1.path) == h);
  CHECK(test::raw_scalar(db1.path, "SELECT value FROM clmis_meta WHERE key = 'pack_version'") == "0.0.1");
  CHECK(columns(db1.path, "sample").find("remark") == std::string::npos);
  // Once the stray table is gone, the same migration succeeds.
  test::raw_exec(db1.path, "DROP TABLE visit");
  clmis::Database::open(db1.path, o).close();
  CHECK(test::raw_scalar(db1.path, "SELECT value FROM clmis_meta WHERE key = 'pack_version'") == "1.1.0");
}

TEST_CASE("Migrations refuse changes that would lose or reinterpret data", "[migrate]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const auto db1 = make_v1_db(dir, v1);
  const std::string h = test::db_hash(db1.path);
  struct Case {
    const char* name;
    std::function<void(Json&)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"a removed field", [](Json& p) {
         for (auto& t : p["record_types"])
           if (t["name"] == "sample") {
             t["fields"].erase(1);  // "note"
             t.erase("rules");
           }
       }, "sample.note is removed"},
      {"a changed type", [](Json& p) {
         for (auto& t : p["record_types"])
           if (t["name"] == "sample") t["fields"][1] = Json{{"name", "note"}, {"type", "integer"}};
       }, "sample.note changes type"},
      {"a removed code", [](Json& p) {
         for (auto& l : p["code_lists"])
           if (l["name"] == "kind") l["codes"].erase(1);  // "b"
       }, "is removed; deprecate it"},
      {"a removed record type", [](Json& p) {
         for (auto& t : p["record_types"])
           if (t["name"] == "sample") {
             t["fields"].erase(12);  // the reference to owner
             t.erase("rules");
           }
         auto& types = p["record_types"];
         for (size_t i = 0; i < types.size(); ++i)
           if (types[i]["name"] == "owner") types.erase(i);
       }, "owner is removed"},
  };
  int n = 0;
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string root = test::copy_data(dir, "bad" + std::to_string(n++));
      test::edit_json(root + "/packs/standard/pack.json", [&](Json& p) {
        p["version"] = "1.2.0";
        c.edit(p);
      });
      clmis::OpenOptions o;
      o.data_dir = root;
      o.upgrade = true;
      try {
        clmis::Database::open(db1.path, o);
        FAIL("migration was not refused");
      } catch (const clmis::PackError& e) {
        CHECK_THAT(e.what(), Catch::Contains(c.message));
      }
      CHECK(test::db_hash(db1.path) == h);
    }
  }
  SECTION("the same version with other content") {
    const std::string root = test::copy_data(dir, "same");
    test::edit_json(root + "/packs/standard/pack.json", [](Json& p) {
      for (auto& l : p["code_lists"])
        if (l["name"] == "kind") l["codes"].push_back({{"code", "k8"}, {"label", "Kind eight"}});
    });
    clmis::OpenOptions o;
    o.data_dir = root;
    o.upgrade = true;
    CHECK_THROWS_AS(clmis::Database::open(db1.path, o), clmis::PackError);
    CHECK(test::db_hash(db1.path) == h);
  }
}

TEST_CASE("A handle opened before another program upgraded the database refuses to write with the old pack", "[migrate]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const std::string v2 = make_v2(dir);
  const auto db1 = make_v1_db(dir, v1);
  auto old_handle = clmis::Database::open(db1.path);
  auto s = old_handle.login("admin", test::kPassword);
  clmis::OpenOptions o;
  o.data_dir = v2;
  o.upgrade = true;
  clmis::Database::open(db1.path, o).close();
  CHECK_THROWS_AS(s.create("owner", Json{{"name", "Late"}}), clmis::VersionError);
  // Reopened, it writes with the new pack.
  old_handle.close();
  auto fresh = clmis::Database::open(db1.path).login("admin", test::kPassword);
  CHECK(fresh.create("owner", Json{{"name", "Late"}}) > 0);
}

TEST_CASE("A database of an older system format is brought up to date when opened", "[migrate][format]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  db.close();
  const std::string f = dir.file("fixture.db");
  // The format-1 layout: no clmis_history.detail, no clmis_sequence; none of format 3's
  // security tables, columns, triggers or audit key; no calendar (format 4).
  back_to_format_4(f);
  for (const char* sql : {"DROP TABLE clmis_calendar_day", "DROP TRIGGER clmis_audit_no_update", "DROP TRIGGER clmis_audit_no_delete",
                          "ALTER TABLE clmis_audit DROP COLUMN mac", "ALTER TABLE clmis_user DROP COLUMN roles",
                          "ALTER TABLE clmis_user DROP COLUMN section",
                          "ALTER TABLE clmis_user DROP COLUMN must_change_password",
                          "ALTER TABLE clmis_user DROP COLUMN password_changed_at",
                          "DROP TABLE clmis_password_history", "DROP TABLE clmis_login_state",
                          "DROP TABLE clmis_service_key", "DELETE FROM clmis_meta WHERE key = 'audit_key_id'",
                          "ALTER TABLE clmis_history DROP COLUMN detail", "DROP TABLE clmis_sequence",
                          "UPDATE clmis_meta SET value = '1' WHERE key = 'format'"})
    test::raw_exec(f, sql);
  std::filesystem::remove(f + ".key");
  const auto entries_before = std::stoll(test::raw_scalar(f, "SELECT count(*) FROM clmis_audit"));
  auto s = clmis::Database::open(f).login("admin", test::kPassword);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM pragma_table_info('clmis_history') WHERE name = 'detail'") == "1");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name = 'clmis_calendar_day'") == "1");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM pragma_table_info('clmis_change') WHERE name = 'span'") == "1");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('clmis_document', 'clmis_link')") ==
        "2");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":1,"to":11})");
  // Users of the old format, who could do everything, are administrators; the trail so far is
  // sealed under a new owner-only key file and verifies.
  CHECK(test::raw_scalar(f, "SELECT roles FROM clmis_user WHERE name = 'admin'") == R"(["administrator"])");
  CHECK((std::filesystem::status(f + ".key").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  const auto v = s.audit_verify();
  CHECK(v["ok"] == true);
  // The entries before, the format_upgrade entry and this login.
  CHECK(v["entries"] == entries_before + 2);
  CHECK(s.create("sample", Json{{"title", "After"}}) > 0);
  // A newer format is refused and untouched.
  test::raw_exec(f, "UPDATE clmis_meta SET value = '99' WHERE key = 'format'");
  const std::string h = test::db_hash(f);
  CHECK_THROWS_AS(clmis::Database::open(f), clmis::VersionError);
  CHECK(test::db_hash(f) == h);
}

TEST_CASE("A format-3 database gets the calendar's table when opened (format 4)", "[migrate][format][calendar]") {
  test::TempDir dir;
  test::standard_db(dir).close();
  const std::string f = dir.file("nlad.db");
  back_to_format_4(f);
  test::raw_exec(f, "DROP TABLE clmis_calendar_day");
  test::raw_exec(f, "UPDATE clmis_meta SET value = '3' WHERE key = 'format'");
  auto db = clmis::Database::open(f);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name = 'clmis_status__job_seeker'") == "1");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":3,"to":11})");
  auto s = db.login("admin", test::kPassword);
  s.proclaim(Json{{"date", "2027-01-04"}, {"rule", "carnival_last_lap"}});
  CHECK(test::raw_scalar(f, "SELECT date FROM clmis_calendar_day") == "2027-01-04");
  CHECK(s.audit_verify()["ok"] == true);
}

TEST_CASE("Migrations keep a country's own labels and refuse moving a code in its hierarchy", "[migrate][codes]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const auto db1 = make_v1_db(dir, v1);
  {
    auto s = clmis::Database::open(db1.path).login("admin", test::kPassword);
    s.code_update("kind", "b", Json{{"label", {{"es", "Tipo b"}}}});
  }
  const std::string moved = test::copy_data(dir, "moved");
  test::edit_json(moved + "/packs/standard/pack.json", [](Json& p) {
    p["version"] = "0.0.2";
    p["code_lists"][0]["codes"][2]["parent"] = "b";  // a1 moves from a to b
  });
  const std::string h = test::db_hash(db1.path);
  clmis::OpenOptions o;
  o.data_dir = moved;
  o.upgrade = true;
  CHECK_THROWS_AS(clmis::Database::open(db1.path, o), clmis::PackError);
  CHECK(test::db_hash(db1.path) == h);
  // The pack fixes the English label of b: the country's Spanish label stays.
  const std::string fixed = test::copy_data(dir, "fixed");
  test::edit_json(fixed + "/packs/standard/pack.json", [](Json& p) {
    p["version"] = "0.0.2";
    p["code_lists"][0]["codes"][1]["label"] = "Kind B";
  });
  o.data_dir = fixed;
  auto db = clmis::Database::open(db1.path, o);
  CHECK(test::raw_scalar(db1.path, "SELECT labels FROM clmis_code WHERE list = 'kind' AND code = 'b'") ==
        R"({"en":"Kind B","es":"Tipo b"})");
}

TEST_CASE("Deprecating a code through a migration keeps it on old records and refuses it on new ones", "[migrate][codes]") {
  test::TempDir dir;
  const std::string v1 = test::copy_data(dir, "v1");
  const auto db1 = make_v1_db(dir, v1);
  const std::string root = test::copy_data(dir, "v11");
  test::edit_json(root + "/packs/standard/pack.json", [](Json& p) {
    p["version"] = "1.0.1";
    for (auto& l : p["code_lists"])
      if (l["name"] == "kind") {
        l["codes"][0]["active"] = false;                   // "a", held by sample 1
        l["codes"][1]["label"] = {{"en", "Kind two (new name)"}};
      }
  });
  clmis::OpenOptions o;
  o.data_dir = root;
  o.upgrade = true;
  auto db = clmis::Database::open(db1.path, o);
  auto s = db.login("admin", test::kPassword);
  const Json codes = db.codes("kind", "en");
  CHECK(codes[0]["active"] == false);
  CHECK(codes[1]["label"] == "Kind two (new name)");
  // Sample 1 keeps "a" through an unrelated update; a new record cannot take it.
  CHECK(s.update("sample", db1.sample_id, 2, Json{{"kind", "a"}, {"count", 3}}) == 3);
  CHECK_THROWS_AS(s.create("sample", Json{{"title", "New"}, {"kind", "a"}}), clmis::ValidationError);
  const Json detail = Json::parse(test::raw_scalar(db1.path, "SELECT detail FROM clmis_audit WHERE action = 'migrate'"));
  CHECK(detail["steps"] == Json::array({"deprecate code kind.a", "relabel code kind.b"}));
}

TEST_CASE("A format-7 database gets documents, links and the officer of each running deadline (formats 8 to 10)",
          "[migrate][format][deadline]") {
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  std::int64_t a = 0, b = 0, c = 0;
  {
    auto db = test::standard_db(dir);
    auto s = db.login("admin", test::kPassword);
    s.user_create(clmis::Json{{"name", "off1"}, {"password", "pw-long-off1"}, {"roles", {"officer"}},
                              {"section", "industrial_relations"}, {"must_change_password", false}});
    auto complaint = [&](const char* received) {
      return s.create("complaint", clmis::Json{{"date_received", received}, {"first_name", "Ann"},
                                               {"family_name", "Hodge"}, {"sex", "F"}});
    };
    a = complaint("2025-03-03");  // assigned to off1: two running deadlines
    b = complaint("2025-03-03");  // nobody's
    c = complaint("2025-03-03");  // off1's, closed: its deadlines are cleared
    s.assign("complaint", a, "off1");
    s.assign("complaint", c, "off1");
    s.transition("complaint", c, 1, "close", clmis::Json{{"effective_date", "2025-03-05"},
                                                         {"fields", {{"outcome", "withdrawn"}}}});
  }
  // Format 7's layout: no documents, links, officer column or its index.
  for (const char* sql : {"DROP TABLE clmis_override", "DROP TABLE clmis_document", "DROP TABLE clmis_link",
                          "DROP INDEX clmis_deadline_officer", "ALTER TABLE clmis_deadline DROP COLUMN assigned_to",
                          "UPDATE clmis_meta SET value = '7' WHERE key = 'format'"})
    test::raw_exec(f, sql);
  auto db = clmis::Database::open(f);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":7,"to":11})");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('clmis_document', 'clmis_link', "
                            "'clmis_deadline_officer')") == "3");
  // The running deadlines of A carry off1's id; B's none; C's (cleared) are left without.
  const std::string off1 = test::raw_scalar(f, "SELECT id FROM clmis_user WHERE name = 'off1'");
  CHECK(test::raw_scalar(f, "SELECT group_concat(DISTINCT coalesce(assigned_to, '-')) FROM clmis_deadline WHERE record_id = " +
                                std::to_string(a)) == off1);
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_deadline WHERE record_id = " + std::to_string(a)) == "2");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_deadline WHERE assigned_to IS NOT NULL AND record_id <> " +
                                std::to_string(a)) == "0");
  // off1's queue is A's two deadlines.
  auto s = db.login("admin", test::kPassword);
  const auto q = s.queue(clmis::Json{{"officer", "off1"}});
  REQUIRE(q["rows"].size() == 2);
  CHECK(q["rows"][0]["id"] == a);
  CHECK(q["rows"][1]["id"] == a);
  CHECK(s.audit_verify()["ok"] == true);
  (void)b;
}

TEST_CASE("A format-8 database gets the table of overrides of computed fields (formats 9 and 10)", "[migrate][format]") {
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  std::int64_t id = 0;
  {
    auto db = test::standard_db(dir);
    auto s = db.login("admin", test::kPassword);
    id = s.create("employer", clmis::Json{{"name", "Basseterre Bakery"}, {"isic_class", "1071"}, {"parish", "KN-03"}});
  }
  const std::string before = rows(f, "employer");
  for (const char* sql : {"DROP TABLE clmis_override", "UPDATE clmis_meta SET value = '8' WHERE key = 'format'"})
    test::raw_exec(f, sql);
  auto db = clmis::Database::open(f);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":8,"to":11})");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('clmis_override', 'clmis_override_live', "
                            "'clmis_override_record')") == "3");
  CHECK(rows(f, "employer") == before);  // the records untouched
  CHECK(db.login("admin", test::kPassword).get("employer", id)["name"] == "Basseterre Bakery");
}

TEST_CASE("A format-9 database gets deadlines counted back from a date (format 10)", "[migrate][format][deadline]") {
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  std::int64_t a = 0;
  {
    auto db = test::standard_db(dir);
    auto s = db.login("admin", test::kPassword);
    a = s.create("complaint", clmis::Json{{"date_received", "2025-03-03"}, {"first_name", "Ann"}, {"family_name", "Hodge"},
                                          {"sex", "F"}});
    s.deadline_change("complaint", a, "complaint.resolution",
                      clmis::Json{{"action", "extend"}, {"days", 4}, {"reason", "the employer's representative is abroad"},
                                  {"date", "2025-03-04"}});
  }
  // Format 9's clmis_deadline, as format 9 made it: no unit "months", no before_day.
  const std::string old_columns = "id,record_type,record_id,deadline,cycle,started_day,unit,length,extension,state,"
                                  "due_day,ended_day,seq,assigned_to";
  for (const std::string& sql : {
           std::string(R"(CREATE TABLE clmis_deadline_9 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  deadline TEXT NOT NULL,
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  started_day INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('working_days', 'calendar_days')),
  length INTEGER NOT NULL CHECK (length >= 0),
  extension INTEGER NOT NULL DEFAULT 0 CHECK (extension >= 0),
  state TEXT NOT NULL CHECK (state IN ('open', 'paused', 'met', 'cleared')),
  due_day INTEGER,
  ended_day INTEGER,
  seq INTEGER NOT NULL,
  assigned_to INTEGER REFERENCES clmis_user(id),
  UNIQUE (record_type, record_id, deadline, cycle)
) STRICT)"),
           "INSERT INTO clmis_deadline_9 SELECT " + old_columns + " FROM clmis_deadline", std::string("DROP TABLE clmis_deadline"),
           std::string("ALTER TABLE clmis_deadline_9 RENAME TO clmis_deadline"),
           std::string("CREATE INDEX clmis_deadline_running ON clmis_deadline(due_day) WHERE state IN ('open', 'paused')"),
           std::string("CREATE INDEX clmis_deadline_officer ON clmis_deadline(assigned_to, due_day) WHERE state IN ('open', 'paused')"),
           std::string("UPDATE clmis_meta SET value = '9' WHERE key = 'format'")})
    test::raw_exec(f, sql);
  REQUIRE(columns(f, "clmis_deadline") == old_columns);
  const std::string deadlines = rows(f, "clmis_deadline"), events = rows(f, "clmis_deadline_event");
  REQUIRE(!deadlines.empty());
  auto db = clmis::Database::open(f);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":9,"to":11})");
  CHECK(columns(f, "clmis_deadline") == old_columns + ",before_day");
  // Every deadline and event as it was; the events still refer to their deadlines.
  CHECK(rows(f, "clmis_deadline", old_columns) == deadlines);
  CHECK(rows(f, "clmis_deadline_event") == events);
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM pragma_foreign_key_check") == "0");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('clmis_deadline_running', "
                            "'clmis_deadline_officer') AND tbl_name = 'clmis_deadline'") == "2");
  CHECK(test::raw_scalar(f, "SELECT instr(sql, '''months''') > 0 FROM sqlite_master WHERE name = 'clmis_deadline'") == "1");
  // The record's deadlines read as before, the extension included; new ones get new ids.
  auto s = db.login("admin", test::kPassword);
  const auto d = s.deadlines("complaint", a);
  REQUIRE(d.size() == 2);  // acknowledge and resolution start with the complaint
  for (const auto& x : d)
    if (x["deadline"] == "complaint.resolution") CHECK(x["extension"] == 4);
  const auto b = s.create("complaint", clmis::Json{{"date_received", "2025-03-05"}, {"first_name", "Bea"},
                                                   {"family_name", "Hodge"}, {"sex", "F"}});
  CHECK(s.deadlines("complaint", b).size() == 2);
  CHECK(test::raw_scalar(f, "SELECT count(DISTINCT id) FROM clmis_deadline") == "4");
  CHECK(s.audit_verify()["ok"] == true);
}

TEST_CASE("A format-10 database gets the data series of partner agencies (format 11)", "[migrate][format][series]") {
  test::TempDir dir;
  const std::string f = dir.file("nlad.db");
  std::int64_t id = 0;
  {
    auto db = test::standard_db(dir);
    auto s = db.login("admin", test::kPassword);
    id = s.create("employer", clmis::Json{{"name", "Basseterre Bakery"}, {"isic_class", "1071"}, {"parish", "KN-03"}});
  }
  // Format 10 as it was: no series tables, no clmis_user.agency.
  for (const char* sql : {"DROP TABLE clmis_observation", "DROP TABLE clmis_series", "DROP TABLE clmis_series_batch",
                          "ALTER TABLE clmis_user DROP COLUMN agency",
                          "UPDATE clmis_meta SET value = '10' WHERE key = 'format'"})
    test::raw_exec(f, sql);
  const std::string user_columns = columns(f, "clmis_user");
  const std::string before = rows(f, "employer"), users = rows(f, "clmis_user", user_columns);
  auto db = clmis::Database::open(f);
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'format_upgrade'") == R"({"from":10,"to":11})");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('clmis_series', 'clmis_series_batch', "
                            "'clmis_observation', 'clmis_series_indicator', 'clmis_observation_no_update', "
                            "'clmis_observation_no_delete')") == "6");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM pragma_table_info('clmis_user') WHERE name = 'agency'") == "1");
  CHECK(rows(f, "employer") == before);  // the records untouched
  CHECK(rows(f, "clmis_user", user_columns) == users);  // every account as it was
  CHECK(columns(f, "clmis_user") == user_columns + ",agency");
  auto s = db.login("admin", test::kPassword);
  CHECK(s.get("employer", id)["name"] == "Basseterre Bakery");
  // The pack stored in the database is still the one it was made with: its agencies are there.
  const std::string file = "indicator,period,value,source\nD1,2024,5,registry\n";
  CHECK(s.series_import(file, clmis::Json{{"format", "csv"}, {"agency", "DOL"}})["added"] == 1);
}

