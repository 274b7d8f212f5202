// Schema generation: real typed tables, foreign keys and indices from the pack; the pack and
// profile stored with the data. Checked through a separate raw SQLite connection.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <fstream>
#include <sstream>

using clmis::Json;

namespace {
/// "name:TYPE" for every column of a table, in order.
std::string columns(const std::string& db, const std::string& table) {
  std::string out;
  for (int i = 0;; ++i) {
    auto name = test::raw_scalar(db, "SELECT name FROM pragma_table_info('" + table + "') WHERE cid = " + std::to_string(i));
    if (name.empty()) break;
    auto type = test::raw_scalar(db, "SELECT type FROM pragma_table_info('" + table + "') WHERE cid = " + std::to_string(i));
    out += (out.empty() ? "" : " ") + name + ":" + type;
  }
  return out;
}
}  // namespace

TEST_CASE("Record types become typed STRICT tables with keys and indices", "[store][schema]") {
  test::TempDir dir;
  auto db = test::fixture_db(dir);
  const std::string f = dir.file("fixture.db");
  const std::string sys =
      "id:INTEGER version:INTEGER created_at:INTEGER created_by:INTEGER updated_at:INTEGER "
      "updated_by:INTEGER external_id:TEXT archived:INTEGER archive_reason:TEXT";
  CHECK(columns(f, "owner") == sys + " name:TEXT");
  CHECK(columns(f, "sample") ==
        sys + " title:TEXT note:TEXT count:INTEGER ratio_e3:INTEGER pay_minor:INTEGER "
              "pay_currency:TEXT pay_usd_minor:INTEGER pay_usd_currency:TEXT day:INTEGER at:INTEGER "
              "flag:INTEGER kind:TEXT top_kind:TEXT parish:TEXT owner:INTEGER status:TEXT ref_no:TEXT");
  CHECK(columns(f, "sample__items") == "id:INTEGER parent_id:INTEGER item_no:INTEGER label:TEXT qty:INTEGER kind:TEXT from:INTEGER to:INTEGER");
  // Each table has a view with its dates as text, under the same column names.
  CHECK(columns(f, "clmis_view_sample").find("created_at:") != std::string::npos);
  CHECK(test::raw_scalar(f, "SELECT group_concat(name, ',') FROM pragma_table_info('clmis_view_sample__items')") ==
        "id,parent_id,item_no,label,qty,kind,from,to");
  CHECK_THAT(test::raw_scalar(f, "SELECT sql FROM sqlite_master WHERE name = 'sample'"), Catch::EndsWith("STRICT"));
  // Foreign keys: the reference, the section's parent, the actors.
  CHECK(test::raw_scalar(f, "SELECT \"table\" FROM pragma_foreign_key_list('sample') WHERE \"from\" = 'owner'") == "owner");
  CHECK(test::raw_scalar(f, "SELECT \"table\" FROM pragma_foreign_key_list('sample__items') WHERE \"from\" = 'parent_id'") == "sample");
  CHECK(test::raw_scalar(f, "SELECT \"table\" FROM pragma_foreign_key_list('sample') WHERE \"from\" = 'created_by'") == "clmis_user");
  // References are indexed; external_id is unique.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'sample_ix_owner'") == "1");
  // external_id through a partial unique index (format 6), not a UNIQUE column whose automatic
  // index held an entry for every record without one.
  CHECK(test::raw_scalar(f, "SELECT \"unique\" || partial FROM pragma_index_list('sample') WHERE name = 'sample_ux_external_id'") == "11");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM pragma_index_list('sample') WHERE origin = 'u'") == "0");
  // The database is in WAL mode.
  CHECK(test::raw_scalar(f, "PRAGMA journal_mode") == "wal");
}

TEST_CASE("The standard pack's tables and indices", "[store][schema]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  for (const char* ix : {"employer_ix_name", "employer_ix_parish", "employer_ix_isic_class",
                         "employer_ix_status", "establishment_ix_employer", "establishment_ix_parish"})
    CHECK(test::raw_scalar(f, std::string("SELECT count(*) FROM sqlite_master WHERE name = '") + ix + "'") == "1");
  CHECK(test::raw_scalar(f, "SELECT \"table\" FROM pragma_foreign_key_list('establishment') WHERE \"from\" = 'employer'") == "employer");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM sqlite_master WHERE name = 'employer__contacts'") == "1");
}

TEST_CASE("The pack and profile travel with the data", "[store][schema]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'pack_version'") == "1.9.0");
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'country'") == "KNA");
  CHECK(test::raw_scalar(f, "SELECT value FROM clmis_meta WHERE key = 'format'") == "11");
  CHECK(test::raw_scalar(f, "PRAGMA page_size") == "8192");  // chosen by measurement (issue 13)
  CHECK(test::raw_scalar(f, "SELECT length(value) FROM clmis_meta WHERE key = 'pack_hash'") == "64");
  // The stored pack file is byte for byte the source file.
  std::ifstream in(CLMIS_SOURCE_DIR "/data/packs/standard/pack.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(test::raw_scalar(f, "SELECT content FROM clmis_pack_file WHERE path = 'packs/standard/pack.json'") == ss.str());
  // Code lists are in the database: 766 ISIC codes, 14 KNA parishes, 2 sexes.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_code WHERE list = 'isic4'") == "766");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_code WHERE list = 'isic4' AND level = 4") == "419");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_code WHERE list = 'parish'") == "14");
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_code WHERE list = 'sex'") == "2");
  CHECK(test::raw_scalar(f, "SELECT attribution FROM clmis_code_list WHERE name = 'isic4'") ==
        "Source: United Nations Statistics Division, ISIC Rev.4");
  // The administrator's password is an argon2id hash, never the password.
  CHECK_THAT(test::raw_scalar(f, "SELECT password_hash FROM clmis_user WHERE name = 'admin'"), Catch::StartsWith("$argon2id$"));
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_user WHERE password_hash LIKE '%" + test::kPassword + "%'") == "0");
  CHECK(test::raw_scalar(f, "SELECT action FROM clmis_audit WHERE id = 1") == "init");
}
