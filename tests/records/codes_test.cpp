// Table Maintenance: adding, relabelling, deactivating and deleting codes; language fallback.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "support.hpp"

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {
Json find_code(const Json& codes, const std::string& code) {
  for (const auto& c : codes)
    if (c["code"] == code) return c;
  return nullptr;
}
}  // namespace

TEST_CASE("Codes: add, relabel and deactivate (deactivated codes stay on old records only)", "[codes]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);

  s.code_add("contract_type", Json{{"code", "zero_hours"}, {"label", {{"en", "Zero-hours contract"}, {"nl", "Nulurencontract"}}}});
  Json c = find_code(db.codes("contract_type", "nl"), "zero_hours");
  CHECK(c == Json{{"code", "zero_hours"}, {"label", "Nulurencontract"}, {"parent", nullptr}, {"level", 1}, {"active", true}});
  // It is last, and usable at once.
  CHECK(db.codes("contract_type").back()["code"] == "zero_hours");
  const auto emp = s.create("employer", Json{{"name", "Caribbean Cinemas"}});
  const auto vac = s.create("vacancy", Json{{"employer", emp}, {"job_title", "Usher"}, {"occupation", "9629"},
                                            {"date_registered", "2025-05-02"}, {"contract_type", "zero_hours"}});
  // A sub-code takes the level below its parent.
  s.code_add("isco08", Json{{"code", "9629KN1"}, {"parent", "9629"}, {"label", {{"en", "Cinema usher"}}}});
  CHECK(find_code(db.codes("isco08"), "9629KN1")["level"] == 5);

  // Relabel: languages merge; null removes one; English stays.
  s.code_update("contract_type", "zero_hours", Json{{"label", {{"es", "Contrato de cero horas"}}}});
  CHECK(find_code(db.codes("contract_type", "es"), "zero_hours")["label"] == "Contrato de cero horas");
  CHECK(find_code(db.codes("contract_type", "nl"), "zero_hours")["label"] == "Nulurencontract");
  s.code_update("contract_type", "zero_hours", Json{{"label", {{"nl", nullptr}}}});
  CHECK(find_code(db.codes("contract_type", "nl"), "zero_hours")["label"] == "Zero-hours contract");  // falls back to English

  // Deactivate: refused on new entries and on changes to it, kept on the record that has it.
  s.code_update("contract_type", "zero_hours", Json{{"active", false}});
  CHECK(find_code(db.codes("contract_type"), "zero_hours")["active"] == false);
  const std::string h = test::db_hash(f);
  CHECK(errors_of([&] {
          s.create("vacancy", Json{{"employer", emp}, {"job_title", "Usher"}, {"occupation", "9629"},
                                   {"date_registered", "2025-05-02"}, {"contract_type", "zero_hours"}});
        }) == Errs{{"contract_type", "code_list"}});
  CHECK(test::db_hash(f) == h);
  CHECK(s.update("vacancy", vac, 1, Json{{"positions", 4}, {"contract_type", "zero_hours"}}) == 2);
  CHECK(s.get("vacancy", vac)["contract_type"] == "zero_hours");
  // Reactivated, it is accepted again.
  s.code_update("contract_type", "zero_hours", Json{{"active", true}});
  CHECK(s.create("vacancy", Json{{"employer", emp}, {"job_title", "Usher 2"}, {"occupation", "9629"},
                                 {"date_registered", "2025-05-02"}, {"contract_type", "zero_hours"}}) > vac);

  // Every change is in the audit trail with before and after.
  CHECK(test::raw_scalar(f, "SELECT count(*) FROM clmis_audit WHERE action LIKE 'code_%'") == "6");
  const Json last = Json::parse(test::raw_scalar(f, "SELECT detail FROM clmis_audit WHERE action = 'code_update' ORDER BY id DESC LIMIT 1"));
  CHECK(last == Json{{"list", "contract_type"}, {"code", "zero_hours"}, {"active", {{"from", false}, {"to", true}}}});
  // A relabel to the same labels writes nothing.
  const std::string h2 = test::db_hash(f);
  s.code_update("contract_type", "zero_hours", Json{{"label", {{"en", "Zero-hours contract"}}}});
  CHECK(test::db_hash(f) == h2);
}

TEST_CASE("Codes: a code in use cannot be deleted but an unused one can", "[codes]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  s.code_add("skill_kind", Json{{"code", "driving"}, {"label", {{"en", "Driving permit"}}}});
  s.code_add("skill_kind", Json{{"code", "unused"}, {"label", {{"en", "Unused"}}}});
  // Used only inside a section entry of an archived record: still in use.
  const auto js = s.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "A"}, {"family_name", "B"},
                                              {"sex", "M"}, {"date_of_birth", "1990-01-01"},
                                              {"skills", Json::array({Json{{"kind", "driving"}, {"name", "Class B"}}})}});
  s.archive("job_seeker", js, 1, "test");
  const std::string h = test::db_hash(f);
  try {
    s.code_delete("skill_kind", "driving");
    FAIL("deleted a code in use");
  } catch (const clmis::Conflict& e) {
    CHECK_THAT(e.what(), Catch::Contains("job_seeker.skills.kind"));
  }
  CHECK_THROWS_AS(s.code_delete("isic4", "I"), clmis::Conflict);  // has sub-codes
  CHECK_THROWS_AS(s.code_delete("job_seeker_status", "inactive"), clmis::Conflict);  // states of a workflow
  CHECK_THROWS_AS(s.code_update("job_seeker_status", "inactive", Json{{"active", false}}), clmis::Conflict);
  CHECK_THROWS_AS(s.code_add("vacancy_status", Json{{"code", "paused"}, {"label", "Paused"}}), clmis::Conflict);
  CHECK_THROWS_AS(s.code_delete("skill_kind", "nothing"), clmis::NotFound);
  CHECK_THROWS_AS(s.code_delete("no_such_list", "x"), clmis::NotFound);
  CHECK(test::db_hash(f) == h);
  s.code_delete("skill_kind", "unused");
  CHECK(find_code(db.codes("skill_kind"), "unused") == nullptr);
  CHECK(find_code(db.codes("skill_kind"), "driving") != nullptr);
  // Codes the pack relies on (a field's default) cannot be deactivated or deleted: every
  // organisation created without a status would be refused.
  const std::string h3 = test::db_hash(f);
  CHECK_THROWS_AS(s.code_update("organisation_status", "registered", Json{{"active", false}}), clmis::Conflict);
  CHECK_THROWS_AS(s.code_delete("organisation_status", "registered"), clmis::Conflict);
  CHECK_THROWS_AS(s.code_delete("employer_status", "active"), clmis::Conflict);
  CHECK(test::db_hash(f) == h3);
  // The workflow's states can still be relabelled (a country's own wording).
  s.code_update("job_seeker_status", "inactive", Json{{"label", {{"en", "Dormant"}}}});
  CHECK(find_code(db.codes("job_seeker_status", "en"), "inactive")["label"] == "Dormant");
}

TEST_CASE("Codes: bad input is refused with the error list and changes nothing", "[codes][errors]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  const std::string f = dir.file("nlad.db");
  auto s = db.login("admin", test::kPassword);
  const std::string h = test::db_hash(f);
  CHECK(errors_of([&] { s.code_add("skill_kind", Json{{"code", "has space"}, {"label", {{"nl", "Alleen Nederlands"}}}, {"colour", "red"}}); }) ==
        Errs{{"code", "type"}, {"label.en", "required"}, {"colour", "unknown_field"}});
  CHECK(errors_of([&] { s.code_add("skill_kind", Json::array()); }) == Errs{{"", "type"}});
  CHECK(errors_of([&] { s.code_add("isco08", Json{{"code", "X1"}, {"label", "x"}, {"parent", "0000"}}); }) ==
        Errs{{"label", "type"}, {"parent", "code_list"}});
  CHECK(errors_of([&] { s.code_add("isco08", Json{{"code", "X1"}, {"label", {{"en", "x"}}}, {"parent", "11"}, {"level", 4}}); }) ==
        Errs{{"level", "range"}});
  CHECK(errors_of([&] { s.code_update("sex", "F", Json{{"label", {{"en", nullptr}, {"english", "x"}}}, {"active", "no"}}); }) ==
        Errs{{"label.en", "type"}, {"label.english", "type"}, {"active", "type"}});
  CHECK_THROWS_AS(s.code_add("sex", Json{{"code", "F"}, {"label", {{"en", "Female again"}}}}), clmis::AlreadyExists);
  CHECK(test::db_hash(f) == h);
}

TEST_CASE("Codes: labels in the requested language (English as fallback, the profile's language by default)", "[codes][language]") {
  test::TempDir dir;
  auto kna = test::standard_db(dir);
  CHECK(find_code(kna.codes("sex", "nl"), "F")["label"] == "Vrouw");
  CHECK(find_code(kna.codes("sex", "es"), "F")["label"] == "Mujer");
  CHECK(find_code(kna.codes("sex", "pt"), "F")["label"] == "Female");  // no Portuguese label: English
  CHECK(find_code(kna.codes("sex"), "F")["label"] == "Female");        // KNA works in English
  // ISCO-08 titles exist in English only.
  CHECK(find_code(kna.codes("isco08", "nl"), "2511")["label"] == find_code(kna.codes("isco08", "en"), "2511")["label"]);
  // Suriname works in Dutch first.
  clmis::InitOptions o;
  o.country = "SUR";
  o.admin_password = test::kPassword;
  auto sur = clmis::Database::init(dir.file("sur.db"), o);
  CHECK(find_code(sur.codes("sex"), "F")["label"] == "Vrouw");
  CHECK(find_code(sur.codes("job_seeker_status"), "closed")["label"] == "Afgesloten");
  CHECK(find_code(sur.codes("isced2011"), "3")["label"] == "Hoger secundair onderwijs");
  CHECK(find_code(sur.codes("sex", "en"), "F")["label"] == "Female");
}

TEST_CASE("Codes changed through another handle are seen by this one", "[codes]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto other = clmis::Database::open(dir.file("nlad.db"));
  auto s = db.login("admin", test::kPassword);
  auto t = other.login("admin", test::kPassword);
  s.code_add("skill_kind", Json{{"code", "welding"}, {"label", {{"en", "Welding"}}}});
  // The other handle's validation knows the new code without reopening.
  CHECK(t.create("job_seeker", Json{{"registration_date", "2025-03-03"}, {"first_name", "A"}, {"family_name", "B"},
                                    {"sex", "M"}, {"date_of_birth", "1990-01-01"},
                                    {"skills", Json::array({Json{{"kind", "welding"}, {"name", "Arc"}}})}}) > 0);
}
