// Pack and country-profile loading: the embedded standard pack, and strict rejection of
// malformed files naming file, JSON path and reason.
#include <catch2/catch.hpp>

#include "clmis/error.hpp"
#include "pack/indicators.hpp"
#include "pack/pack.hpp"
#include "support.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

using clmis::Json;
namespace pack = clmis::pack;

TEST_CASE("The embedded standard pack and KNA profile load", "[pack]") {
  auto src = pack::embedded_source();
  auto p = pack::load_pack(*src);
  CHECK(p.name == "standard");
  CHECK(p.version == "1.9.0");
  CHECK(p.hash.size() == 64);
  REQUIRE(p.record_type("employer"));
  REQUIRE(p.record_type("establishment"));
  CHECK(p.record_type("establishment")->field("employer")->target == "employer");
  CHECK(p.record_type("employer")->section("contacts")->max_items == 20);

  // ISIC Rev.4: 766 codes, 21 sections / 88 divisions / 238 groups / 419 classes
  // (counts from data/classifications/SOURCES.md, the UN's official counts).
  const auto* isic = p.code_list("isic4");
  REQUIRE(isic);
  std::map<int, int> per_level;
  for (const auto& c : isic->codes) ++per_level[c.level];
  CHECK(isic->codes.size() == 766);
  CHECK(per_level == std::map<int, int>{{1, 21}, {2, 88}, {3, 238}, {4, 419}});
  CHECK(isic->attribution == "Source: United Nations Statistics Division, ISIC Rev.4");

  auto kna = pack::load_profile(*src, "KNA", p);
  CHECK(kna.currency == "XCD");
  // KNA: 14 parishes (SOURCES.md §4: 16 rows = 14 parishes + 2 states; there is no KN-14).
  REQUIRE(kna.code_lists.size() == 1);
  CHECK(kna.code_lists[0].codes.size() == 14);
  CHECK(kna.code_lists[0].codes[3].code == "KN-04");
  CHECK(kna.code_lists[0].codes[3].label.get("en") == "Saint George Gingerland");
  // Every legal parameter carries a source and a verified flag; none is verified yet.
  CHECK(kna.legal.at("minimum_working_age").source.size() > 20);
  CHECK_FALSE(kna.legal.at("minimum_working_age").verified);
  CHECK_FALSE(kna.legal.at("nis_number_pattern").verified);
}

TEST_CASE("Names are restricted to safe identifiers", "[pack]") {
  CHECK(pack::valid_name("job_seeker"));
  CHECK(pack::valid_name("x_kna_ssb_no"));
  for (const char* bad : {"", "Name", "1st", "a-b", "a b", "a__b", "clmis_user", "sqlite_x",
                          "\"x\"", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvw"})
    CHECK_FALSE(pack::valid_name(bad));
}

namespace {
/// Loads pack and KNA profile from a data tree; returns the PackError message ("" if loaded).
std::string load_error(const std::string& root) {
  auto src = pack::directory_source(root);
  try {
    auto p = pack::load_pack(*src);
    pack::load_profile(*src, "KNA", p);
  } catch (const clmis::PackError& e) {
    return e.what();
  }
  return "";
}

/// A malformed pack or profile: the edit, and the JSON path and words its refusal names.
struct Malformed {
  const char* name;
  std::function<void(Json&)> edit;
  const char* path;
  const char* reason;
};

/// Each case in a SECTION of its own: file edited, the load refused naming the file, the JSON
/// path and the reason.
void expect_refused(const std::string& root, const std::string& file, const std::vector<Malformed>& cases) {
  for (const auto& c : cases) {
    SECTION(c.name) {
      test::edit_json(file, c.edit);
      const std::string msg = load_error(root);
      INFO(msg);
      CHECK_THAT(msg, Catch::StartsWith(file + ": "));
      CHECK_THAT(msg, Catch::Contains(std::string(": ") + c.path + ": "));
      CHECK_THAT(msg, Catch::Contains(c.reason));
    }
  }
}
}  // namespace

TEST_CASE("The fixture tree loads cleanly", "[pack]") {
  test::TempDir dir;
  CHECK(load_error(test::copy_data(dir, "data")) == "");
}

TEST_CASE("Malformed packs are rejected with file, JSON path and reason", "[pack][errors]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data");
  const std::string pack_file = root + "/packs/standard/pack.json";
  const std::string profile_file = root + "/countries/KNA.json";

  using Case = Malformed;
  const std::vector<Case> pack_cases = {
      {"unknown key", [](Json& j) { j["record_types"][1]["fields"][2]["colour"] = "red"; },
       "/record_types/1/fields/2/colour", "unknown key"},
      {"text without max_length", [](Json& j) { j["record_types"][0]["fields"][0].erase("max_length"); },
       "/record_types/0/fields/0", "max_length"},
      {"unknown type", [](Json& j) { j["record_types"][1]["fields"][0]["type"] = "string"; },
       "/record_types/1/fields/0/type", "unknown type \"string\""},
      {"unknown code list", [](Json& j) { j["record_types"][1]["fields"][9]["code_list"] = "nope"; },
       "/record_types/1/fields/9/code_list", "no code list named \"nope\""},
      {"unknown target", [](Json& j) { j["record_types"][1]["fields"][12]["target"] = "ghost"; },
       "/record_types/1/fields/12/target", "no record type named \"ghost\""},
      {"duplicate field", [](Json& j) { j["record_types"][1]["fields"][1]["name"] = "title"; },
       "/record_types/1/fields/1/name", "duplicate field"},
      {"bad name", [](Json& j) { j["record_types"][0]["name"] = "Owner"; },
       "/record_types/0/name", "not a valid name"},
      {"system field", [](Json& j) { j["record_types"][0]["fields"][0]["name"] = "version"; },
       "/record_types/0/fields/0/name", "system field"},
      {"column clash", [](Json& j) {
         j["record_types"][1]["fields"].push_back(Json{{"name", "pay_minor"}, {"type", "integer"}});
       }, "/record_types/1/fields/15/name", "column"},
      {"bad default", [](Json& j) { j["record_types"][1]["fields"][13]["default"] = 3; },
       "/record_types/1/fields/13/default", "expected a code"},
      {"bad pattern", [](Json& j) { j["record_types"][1]["fields"][1]["pattern"] = "(["; },
       "/record_types/1/fields/1/pattern", "regular expression"},
      {"min above max", [](Json& j) { j["record_types"][1]["fields"][2]["min"] = 500; },
       "/record_types/1/fields/2/min", "above max"},
      {"max_length on integer", [](Json& j) { j["record_types"][1]["fields"][2]["max_length"] = 3; },
       "/record_types/1/fields/2/max_length", "only to text"},
      {"bad version", [](Json& j) { j["version"] = "1.0"; }, "/version", "MAJOR.MINOR.PATCH"},
      {"label without English", [](Json& j) { j["record_types"][0]["label"] = Json{{"nl", "Eigenaar"}}; },
       "/record_types/0/label", "English"},
      {"duplicate code", [](Json& j) { j["code_lists"][0]["codes"][1]["code"] = "a"; },
       "/code_lists/0", "duplicate code \"a\""},
      {"missing parent", [](Json& j) { j["code_lists"][0]["codes"][2]["parent"] = "z"; },
       "/code_lists/0", "parent \"z\""},
      {"list without codes", [](Json& j) { j["code_lists"][1].erase("codes"); },
       "/code_lists/1", "exactly one of"},
      {"unknown currency", [](Json& j) { j["record_types"][1]["fields"][5]["currencies"][0] = "ABC"; },
       "/record_types/1/fields/5/currencies/0", "ISO 4217"},
      {"missing record_types", [](Json& j) { j.erase("record_types"); }, "/", "missing required key \"record_types\""},
      {"unknown rule kind", [](Json& j) { j["record_types"][1]["rules"][0]["kind"] = "unique"; },
       "/record_types/1/rules/0/kind", "unknown rule kind"},
      {"rule on a missing field", [](Json& j) { j["record_types"][1]["rules"][1]["later"] = "when"; },
       "/record_types/1/rules/1/later", "no field \"when\""},
      {"rule on a field of the wrong type", [](Json& j) { j["record_types"][1]["rules"][1]["later"] = "title"; },
       "/record_types/1/rules/1/later", "wrong type"},
      {"min_age_at with both ages", [](Json& j) { j["record_types"][1]["rules"][4]["age"] = 15; },
       "/record_types/1/rules/4", "exactly one of"},
      {"required_if with a foreign value", [](Json& j) { j["record_types"][1]["rules"][5]["in"][0] = 7; },
       "/record_types/1/rules/5/in/0", "not a value"},
      {"workflow on a required status", [](Json& j) {
         j["record_types"][1]["workflow"] = Json{{"status_field", "status"}, {"initial", "open"},
                                                 {"transitions", Json::array({Json{{"name", "shut_it"}, {"from", {"open"}}, {"to", "shut"}}})}};
       }, "/record_types/1/workflow/status_field", "set by the workflow"},
      {"transition from an unknown state", [](Json& j) {
         j["record_types"][1]["fields"][13].erase("required");
         j["record_types"][1]["fields"][13].erase("default");
         j["record_types"][1]["workflow"] = Json{{"status_field", "status"}, {"initial", "open"},
                                                 {"transitions", Json::array({Json{{"name", "shut_it"}, {"from", {"gone"}}, {"to", "shut"}}})}};
       }, "/record_types/1/workflow/transitions/0/from/0", "is not a state"},
      {"transition that keeps the state", [](Json& j) {
         j["record_types"][1]["fields"][13].erase("required");
         j["record_types"][1]["fields"][13].erase("default");
         j["record_types"][1]["workflow"] = Json{{"status_field", "status"}, {"initial", "open"},
                                                 {"transitions", Json::array({Json{{"name", "touch"}, {"from", {"open"}}, {"to", "open"}}})}};
       }, "/record_types/1/workflow/transitions/0/to", "changes the state"},
      {"transition named like a history event", [](Json& j) {
         j["record_types"][1]["fields"][13].erase("required");
         j["record_types"][1]["fields"][13].erase("default");
         j["record_types"][1]["workflow"] = Json{{"status_field", "status"}, {"initial", "open"},
                                                 {"transitions", Json::array({Json{{"name", "created"}, {"from", {"open"}}, {"to", "shut"}}})}};
       }, "/record_types/1/workflow/transitions/0/name", "reserved"},
      {"assigned number without room", [](Json& j) { j["record_types"][1]["fields"][14]["assigned"] = Json{{"prefix", "R-"}, {"digits", 4}}; },
       "/record_types/1/fields/14/assigned", "max_length"},
      {"extension name in the pack", [](Json& j) { j["record_types"][1]["fields"][0]["name"] = "x_kna_title"; },
       "/record_types/1/fields/0/name", "country extension"},
      {"a field named age_group (derived from date_of_birth)",
       [](Json& j) { j["record_types"][1]["fields"][0]["name"] = "age_group"; },
       "/record_types/1/fields/0/name", "computed by clmis"},
      {"unknown pattern parameter", [](Json& j) { j["record_types"][1]["fields"][0]["pattern_parameter"] = "retirement_age"; },
       "/record_types/1/fields/0/pattern_parameter", "not a pattern legal parameter"},
      {"possible_duplicate in a section", [](Json& j) {
         j["record_types"][1]["rules"].push_back(Json{{"kind", "possible_duplicate"}, {"section", "items"}, {"fields", {"label"}}});
       }, "/record_types/1/rules/7/section", "applies to record fields"},
  };
  expect_refused(root, pack_file, pack_cases);

  const std::vector<Case> profile_cases = {
      {"legal parameter without source", [](Json& j) { j["legal"]["minimum_working_age"].erase("source"); },
       "/legal/minimum_working_age", "missing required key \"source\""},
      {"legal parameter without verified", [](Json& j) { j["legal"]["minimum_working_age"].erase("verified"); },
       "/legal/minimum_working_age", "\"verified\""},
      {"unknown legal parameter", [](Json& j) { j["legal"]["retirement_age"] = Json{{"value", 62}}; },
       "/legal/retirement_age", "unknown legal parameter"},
      {"implausible age", [](Json& j) { j["legal"]["minimum_working_age"]["value"] = 99; },
       "/legal/minimum_working_age/value", "age in years"},
      {"unknown currency", [](Json& j) { j["currency"] = "XYZ"; }, "/currency", "ISO 4217"},
      {"iso3 mismatch", [](Json& j) { j["iso3"] = "LCA"; }, "/iso3", "must have iso3 \"KNA\""},
      {"missing parish list", [](Json& j) { j.erase("code_lists"); }, "/code_lists",
       "provide code list \"parish\""},
      {"list the pack owns", [](Json& j) {
         j["code_lists"].push_back(Json{{"name", "kind"}, {"label", "K"}, {"source", "x"},
                                        {"codes", Json::array()}});
       }, "/code_lists/1/name", "comes from the pack"},
      {"no languages", [](Json& j) { j["languages"] = Json::array(); }, "/languages", "at least one"},
      {"a legal parameter a rule needs", [](Json& j) { j["legal"].erase("minimum_working_age"); }, "/legal",
       "need the legal parameter \"minimum_working_age\""},
      {"extension field without the country prefix", [](Json& j) {
         j["extensions"] = {{"sample", Json::array({Json{{"name", "district"}, {"type", "text"}, {"max_length", 5}}})}};
       }, "/extensions/sample/fields/0/name", "x_kna_<name>"},
      {"extension field of another country", [](Json& j) {
         j["extensions"] = {{"sample", Json::array({Json{{"name", "x_lca_district"}, {"type", "text"}, {"max_length", 5}}})}};
       }, "/extensions/sample/fields/0/name", "x_kna_<name>"},
      {"extension of a missing record type", [](Json& j) { j["extensions"] = {{"ghost", Json::array()}}; },
       "/extensions/ghost", "no record type"},
      {"extension field with a pattern parameter the profile lacks", [](Json& j) {
         j["extensions"] = {{"sample", Json::array({Json{{"name", "x_kna_nis2"}, {"type", "text"}, {"max_length", 20},
                                                         {"pattern_parameter", "nis_number_pattern"}}})}};
       }, "/legal", "needs the legal parameter \"nis_number_pattern\""},
      {"department without source", [](Json& j) { j["department"] = {{"name", "Department of Labour"}, {"verified", false}}; },
       "/department", "missing required key \"source\""},
  };
  expect_refused(root, profile_file, profile_cases);

  SECTION("malformed JSON") {
    std::ofstream(pack_file, std::ios::trunc) << "{\"format\": 1,";
    const std::string msg = load_error(root);
    CHECK_THAT(msg, Catch::StartsWith(pack_file + ": malformed JSON"));
  }
  SECTION("a CSV code list with a missing column") {
    test::edit_json(pack_file, [](Json& j) {
      j["code_lists"][1] = Json{{"name", "state"}, {"label", "State"}, {"source", "x"},
                                {"csv", {{"file", "states.csv"}, {"code", "code"}, {"labels", {{"en", "title"}}}}}};
    });
    std::ofstream(root + "/states.csv") << "code,name\nopen,Open\n";
    const std::string msg = load_error(root);
    CHECK_THAT(msg, Catch::Contains("/code_lists/1/csv/labels/en: the CSV file has no column \"title\""));
  }
}

TEST_CASE("Missing packs and profiles are NotFound", "[pack][errors]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data");
  auto src = pack::directory_source(root);
  auto p = pack::load_pack(*src);
  CHECK_THROWS_AS(pack::load_profile(*src, "LCA", p), clmis::NotFound);
  CHECK_THROWS_AS(pack::load_profile(*src, "kna", p), clmis::NotFound);
  CHECK_THROWS_AS(pack::load_profile(*src, "../x", p), clmis::NotFound);
  CHECK_THROWS_AS(pack::load_pack(*src, "other"), clmis::NotFound);
}

TEST_CASE("The six country profiles of the seed's deployments load", "[pack][profiles]") {
  auto src = pack::embedded_source();
  auto p = pack::load_pack(*src);
  // The six are among the thirteen profiles (the seven generic ones: tests/api/profiles_test.cpp).
  const auto all = pack::list_profiles(*src);
  for (const char* iso : {"ATG", "KNA", "LCA", "SUR", "TTO", "VCT"})
    CHECK(std::find(all.begin(), all.end(), iso) != all.end());
  // Subdivisions per country from data/classifications/SOURCES.md §4: LCA 10 districts,
  // VCT 6 parishes, ATG 6 parishes + 2 dependencies, SUR 10 districts, TTO 15 (9 regions,
  // 3 boroughs, 2 cities, Tobago), KNA 14 parishes.
  const std::map<std::string, std::pair<std::string, size_t>> expected = {
      {"KNA", {"XCD", 14}}, {"LCA", {"XCD", 10}}, {"VCT", {"XCD", 6}},
      {"ATG", {"XCD", 8}},  {"SUR", {"SRD", 10}}, {"TTO", {"TTD", 15}}};
  for (const auto& [iso, want] : expected) {
    INFO(iso);
    auto prof = pack::load_profile(*src, iso, p);
    CHECK(prof.currency == want.first);
    REQUIRE(prof.code_lists.size() == 1);
    CHECK(prof.code_lists[0].codes.size() == want.second);
    // Nothing is checked against the law yet but Saint Lucia's severance rule (Labour Act Cap.
    // 16.04 s.160, read in the Attorney General's Chambers' text: docs/legal/severance.md).
    for (const auto& [name, lp] : prof.legal) CHECK(lp.verified == (iso == "LCA" && name == "severance"));
  }
  CHECK(pack::load_profile(*src, "SUR", p).languages == std::vector<std::string>{"nl", "en"});
  const auto* isco = p.code_list("isco08");
  REQUIRE(isco);
  std::map<int, int> per_level;
  for (const auto& c : isco->codes) ++per_level[c.level];
  CHECK(per_level == std::map<int, int>{{1, 10}, {2, 43}, {3, 130}, {4, 436}});  // SOURCES.md §2
  CHECK(p.code_list("isced2011")->codes.size() == 9);
  // The pack's ISCED labels add Dutch and Spanish; their English must be the ILOSTAT titles of
  // data/classifications/isced2011.csv, read here by a different path (the CSV file itself).
  std::ifstream ilostat(CLMIS_SOURCE_DIR "/data/classifications/isced2011.csv");
  std::string line;
  std::getline(ilostat, line);  // header
  size_t n = 0;
  for (const auto& c : p.code_list("isced2011")->codes) {
    REQUIRE(std::getline(ilostat, line));
    CHECK(line == c.code + "," + c.label.text.at("en"));
    CHECK_FALSE(c.label.text.at("nl").empty());
    CHECK_FALSE(c.label.text.at("es").empty());
    ++n;
  }
  CHECK(n == 9);
}

TEST_CASE("Malformed calendar files are rejected with file, JSON path and reason", "[pack][errors][calendar]") {
  test::TempDir dir;
  // A fixture tree whose KNA profile uses a small calendar of its own.
  const Json base = {
      {"format", 1}, {"country", "KNA"}, {"weekend", {"Sat", "Sun"}},
      {"substitution", {{"kind", "shift"}, {"source", "Test Act, s.2"}, {"verified", false}}},
      {"rules", Json::array({Json{{"id", "new_year"}, {"name", "New Year's Day"}, {"kind", "fixed"}, {"month", 1}, {"day", 1},
                                  {"status", "statutory"}, {"source", "Test Act, schedule"}, {"verified", false}},
                             Json{{"id", "eid"}, {"name", "Eid"}, {"kind", "proclaimed"}, {"status", "statutory_date_proclaimed"},
                                  {"from_year", 2000}, {"source", "Test Act"}, {"verified", false}}})}};
  auto tree = [&](const std::string& name, const std::function<void(Json&)>& edit) {
    const std::string data = test::copy_data(dir, name);
    std::filesystem::create_directories(data + "/calendars");
    Json cal = base;
    edit(cal);
    std::ofstream(data + "/calendars/KNA.json") << cal.dump(2);
    test::edit_json(data + "/countries/KNA.json", [](Json& p) { p["calendar"] = {{"file", "calendars/KNA.json"}}; });
    return data;
  };
  {
    auto src = pack::directory_source(tree("ok", [](Json&) {}));
    auto p = pack::load_pack(*src);
    auto kna = pack::load_profile(*src, "KNA", p);
    REQUIRE(kna.calendar);
    CHECK(kna.calendar->rules.size() == 2);
    CHECK(kna.calendar->rule("eid")->needs_proclamation());
    CHECK(kna.files.count("calendars/KNA.json") == 1);  // stored with the profile, in its hash
  }
  struct Case {
    std::function<void(Json&)> edit;
    std::string path, words;
  };
  const std::vector<Case> cases = {
      {[](Json& c) { c["rules"][0]["kind"] = "lunar"; }, "/rules/0/kind", "unknown rule kind \"lunar\""},
      {[](Json& c) { c["rules"][0]["day"] = 29; c["rules"][0]["month"] = 2; }, "/rules/0/day", "does not exist every year"},
      {[](Json& c) { c["rules"][0]["day"] = 31; c["rules"][0]["month"] = 4; }, "/rules/0/day", "does not exist every year"},
      {[](Json& c) { c["rules"][0].erase("source"); }, "/rules/0", "missing required key \"source\""},
      {[](Json& c) { c["rules"][0]["source"] = ""; }, "/rules/0/source", "needs its legal source"},
      {[](Json& c) { c["rules"][0]["offset"] = 1; }, "/rules/0/offset", "a fixed rule has no \"offset\""},
      {[](Json& c) { c["rules"][1] = c["rules"][0]; }, "/rules/1/id", "duplicate rule \"new_year\""},
      {[](Json& c) { c["rules"][0] = Json{{"id", "a"}, {"name", "A"}, {"kind", "relative"}, {"to", "b"}, {"offset", 1},
                                          {"status", "statutory"}, {"source", "x"}, {"verified", false}};
                     c["rules"][1] = Json{{"id", "b"}, {"name", "B"}, {"kind", "relative"}, {"to", "a"}, {"offset", 1},
                                          {"status", "statutory"}, {"source", "x"}, {"verified", false}}; },
       "/rules/0/to", "form a cycle"},
      {[](Json& c) { c["rules"][0]["observed_shift"] = {{"Sunday", 1}}; }, "/rules/0/observed_shift/Sunday", "expected a weekday"},
      {[](Json& c) { c["proclaimed"] = Json::array({Json{{"rule", "diwali"}, {"date", "2026-11-08"}, {"source", "x"}}}); },
       "/proclaimed/0/rule", "no rule \"diwali\""},
      {[](Json& c) { c["proclaimed"] = Json::array({Json{{"rule", "eid"}, {"date", "1999-01-19"}, {"source", "x"}}}); },
       "/proclaimed/0/date", "does not apply in 1999"},
      {[](Json& c) { c["proclaimed"] = Json::array({Json{{"rule", "eid"}, {"date", "2026-02-30"}, {"source", "x"}}}); },
       "/proclaimed/0/date", "not a date YYYY-MM-DD that exists"},
      {[](Json& c) { c["rules"][1]["estimates"] = {{"2027", "2028-03-09"}}; }, "/rules/1/estimates/2027", "not in 2027"},
      {[](Json& c) { c["weekend"] = Json::array({"Sat", "Sat"}); }, "/weekend/1", "named twice"},
      {[](Json& c) { c["substitution"]["kind"] = "cascade"; }, "/substitution/kind", "\"shift\" or \"next_free_day\""},
      {[](Json& c) { c["country"] = "LCA"; }, "/country", "must say \"country\": \"KNA\""},
  };
  int n = 0;
  for (const auto& c : cases) {
    INFO(c.path << " " << c.words);
    auto src = pack::directory_source(tree("bad" + std::to_string(n++), c.edit));
    auto p = pack::load_pack(*src);
    try {
      (void)pack::load_profile(*src, "KNA", p);
      FAIL("accepted");
    } catch (const clmis::PackError& e) {
      CHECK_THAT(e.what(), Catch::Contains("calendars/KNA.json: " + c.path + ": ") && Catch::Contains(c.words));
    }
  }
}

TEST_CASE("Deadlines: declared in the pack, overridden by a country with its source, malformed ones refused", "[pack][deadline]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  const std::string pack_file = root + "/packs/standard/pack.json";
  const std::string profile_file = root + "/countries/KNA.json";
  {
    auto src = pack::directory_source(root);
    const auto p = pack::load_pack(*src);
    const auto* d = p.record_type("complaint")->workflow->deadline("complaint.resolution");
    REQUIRE(d);
    CHECK(d->unit == pack::Deadline::Unit::calendar_days);
    CHECK(d->length == 90);
    CHECK(d->starts == std::vector<std::string>{"created", "reopen"});
    CHECK(d->met_by == std::vector<std::string>{"close"});
    CHECK_FALSE(d->verified);
  }
  SECTION("a country's override, with its source") {
    test::edit_json(profile_file, [](Json& j) {
      j["deadlines"] = {{"complaint.acknowledge",
                         {{"length", 3}, {"unit", "calendar_days"}, {"source", "Labour Act s. 12 (test)"}, {"verified", true}}}};
    });
    auto src = pack::directory_source(root);
    const auto p = pack::load_pack(*src);
    const auto prof = pack::load_profile(*src, "KNA", p);
    const auto merged = pack::with_extensions(p, prof);
    const auto* d = merged.record_type("complaint")->workflow->deadline("complaint.acknowledge");
    CHECK(d->length == 3);
    CHECK(d->unit == pack::Deadline::Unit::calendar_days);
    CHECK(d->source == "Labour Act s. 12 (test)");
    CHECK(d->verified);
    CHECK(d->from_profile);
    // The others keep the pack's permissive default.
    CHECK(merged.record_type("complaint")->workflow->deadline("complaint.first_hearing")->length == 15);
    CHECK_FALSE(merged.record_type("complaint")->workflow->deadline("complaint.first_hearing")->from_profile);
  }
  using Case = Malformed;
  // complaint is the pack's sixth record type; its deadlines are acknowledge, first_hearing, resolution.
  auto deadline = [](Json& j, int i) -> Json& { return j["record_types"][5]["workflow"]["deadlines"][i]; };
  const std::vector<Case> pack_cases = {
      {"unknown unit", [&](Json& j) { deadline(j, 0)["unit"] = "hours"; },
       "/record_types/5/workflow/deadlines/0/unit", "working_days or calendar_days"},
      {"an id of another type", [&](Json& j) { deadline(j, 0)["id"] = "dispute.acknowledge"; },
       "/record_types/5/workflow/deadlines/0/id", "complaint.<name>"},
      {"the same id twice", [&](Json& j) { deadline(j, 1)["id"] = "complaint.acknowledge"; },
       "/record_types/5/workflow/deadlines/1/id", "duplicate deadline"},
      {"an event that does not exist", [&](Json& j) { deadline(j, 2)["met_by"] = {"settle"}; },
       "/record_types/5/workflow/deadlines/2/met_by/0", "is not an event"},
      {"met by a text field", [&](Json& j) { deadline(j, 0)["met_by"] = {"field:summary"}; },
       "/record_types/5/workflow/deadlines/0/met_by/0", "not a date field"},
      {"met by a section field that is not a required date", [&](Json& j) { deadline(j, 1)["met_by"] = {"section:hearings.note"}; },
       "/record_types/5/workflow/deadlines/1/met_by/0", "section:<section>"},
      {"met by creation", [&](Json& j) { deadline(j, 1)["met_by"] = {"created"}; },
       "/record_types/5/workflow/deadlines/1/met_by/0", "cannot meet"},
      {"no source", [&](Json& j) { deadline(j, 0)["source"] = ""; },
       "/record_types/5/workflow/deadlines/0/source", "where its length comes from"},
      {"a negative length", [&](Json& j) { deadline(j, 0)["length"] = -1; },
       "/record_types/5/workflow/deadlines/0/length", ""},
      {"no starting event", [&](Json& j) { deadline(j, 0)["starts"] = Json::array(); },
       "/record_types/5/workflow/deadlines/0/starts", "at least one event"},
      // Effects of the complaint's transitions (1: investigate).
      {"an effect that does not exist",
       [](Json& j) { j["record_types"][5]["workflow"]["transitions"][1]["effects"] = {{{"notify", "employer"}}}; },
       "/record_types/5/workflow/transitions/1/effects/0", "is not an effect"},
      {"assigned to someone named",
       [](Json& j) { j["record_types"][5]["workflow"]["transitions"][1]["effects"] = {{{"assign", "sup"}}}; },
       "/record_types/5/workflow/transitions/1/effects/0/assign", "actor"},
      {"a pause of a deadline that is not declared",
       [](Json& j) { j["record_types"][5]["workflow"]["transitions"][1]["effects"] = {{{"pause", "complaint.reply"}}}; },
       "/record_types/5/workflow/transitions/1/effects/0/pause", "is not a deadline of complaint"},
      {"two effects in one object",
       [](Json& j) {
         j["record_types"][5]["workflow"]["transitions"][1]["effects"] = {
             {{"assign", "actor"}, {"pause", "complaint.acknowledge"}}};
       },
       "/record_types/5/workflow/transitions/1/effects/0", "an effect is one of"},
      {"a letter the type does not have",
       [](Json& j) { j["record_types"][5]["workflow"]["transitions"][1]["effects"] = {{{"letter", "complaint.reminder"}}}; },
       "/record_types/5/workflow/transitions/1/effects/0/letter", "is not a letter of complaint"},
      // The complaint's rule 3: a hearing's date not before the record's date_received.
      {"a section's date compared with a record field that is not a date",
       [](Json& j) { j["record_types"][5]["rules"][3]["earlier"] = "summary"; },
       "/record_types/5/rules/3/earlier", "wrong type"},
      {"a section's date compared with a field that is nowhere",
       [](Json& j) { j["record_types"][5]["rules"][3]["earlier"] = "received_on"; },
       "/record_types/5/rules/3/earlier", "no field \"received_on\""},
      // Deadlines counted back from a date: redundancy (the ninth type) has redundancy.notice.
      {"months on a deadline counted forward", [&](Json& j) { deadline(j, 0)["unit"] = "months"; },
       "/record_types/5/workflow/deadlines/0/unit", "months count only back from a date"},
      {"counted back from a text field", [&](Json& j) { deadline(j, 0)["before"] = "summary"; },
       "/record_types/5/workflow/deadlines/0/before", "\"summary\" is not a date field of complaint"},
      {"a pause of a deadline counted back",
       [](Json& j) { j["record_types"][8]["workflow"]["transitions"][0]["effects"] = {{{"pause", "redundancy.notice"}}}; },
       "/record_types/8/workflow/transitions/0/effects/0/pause", "never paused or resumed"},
      {"a length on a deadline left to the country",
       [](Json& j) { j["record_types"][8]["workflow"]["deadlines"][0]["length"] = 30; },
       "/record_types/8/workflow/deadlines/0/length", "unknown key"},
      {"a threshold on a field that is not an integer",
       [](Json& j) { j["record_types"][8]["workflow"]["deadlines"][0]["applies_when"] = {{"field", "reason"}, {"at_least", 5}}; },
       "/record_types/8/workflow/deadlines/0/applies_when/field", "\"reason\" is not an integer field of redundancy"},
  };
  expect_refused(root, pack_file, pack_cases);
  const std::vector<Case> profile_cases = {
      {"an override of a deadline the pack does not declare",
       [](Json& j) { j["deadlines"] = {{"complaint.reply", {{"length", 3}, {"source", "x"}, {"verified", false}}}}; },
       "/deadlines/complaint.reply", "declares no deadline"},
      {"an override without its source",
       [](Json& j) { j["deadlines"] = {{"complaint.acknowledge", {{"length", 3}, {"source", ""}, {"verified", false}}}}; },
       "/deadlines/complaint.acknowledge/source", "legal source"},
      {"an override without verified",
       [](Json& j) { j["deadlines"] = {{"complaint.acknowledge", {{"length", 3}, {"source", "x"}}}}; },
       "/deadlines/complaint.acknowledge", "\"verified\""},
      {"a deadline left to the country without its unit",
       [](Json& j) { j["deadlines"] = {{"redundancy.notice", {{"length", 1}, {"source", "x"}, {"verified", false}}}}; },
       "/deadlines/redundancy.notice", "\"unit\""},
      {"months on a country's deadline counted forward",
       [](Json& j) {
         j["deadlines"] = {{"complaint.acknowledge", {{"unit", "months"}, {"length", 1}, {"source", "x"}, {"verified", false}}}};
       },
       "/deadlines/complaint.acknowledge/unit", "months count only back from a date"},
      {"a threshold of a negative number of workers",
       [](Json& j) {
         j["deadlines"] = {{"redundancy.notice", {{"unit", "months"}, {"length", 1}, {"source", "x"}, {"verified", false},
                                                  {"applies_when", {{"field", "workers_affected"}, {"at_least", -1}}}}}};
       },
       "/deadlines/redundancy.notice/applies_when/at_least", "between 0 and"},
  };
  expect_refused(root, profile_file, profile_cases);
}

TEST_CASE("Indicator definitions: the package loads and malformed ones are refused with file and path", "[pack][indicators]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  const std::string file = root + "/packs/standard/indicators.json";
  {
    auto src = pack::directory_source(root);
    const auto p = pack::load_pack(*src);
    REQUIRE(p.indicators);
    const auto* c3 = p.indicators->find("C3");
    REQUIRE(c3);
    CHECK(c3->kind == pack::IndicatorDef::Kind::statistic);
    CHECK(c3->numerator.field == "days_not_worked");
    CHECK(c3->numerator.date_field == "start_date");
    CHECK(c3->ilostat == "STR_DAYS_ECO_NB");
    CHECK(c3->version.rfind(p.version + "/", 0) == 0);
    CHECK(c3->version.size() == p.version.size() + 13);  // "/" and 12 hex digits
    const auto* d1 = p.indicators->find("D1.stock");
    REQUIRE(d1);
    CHECK(d1->numerator.states == std::vector<std::string>{"registered", "active"});
    CHECK(p.indicators->dimension("job_seeker", "edu")->highest);
    CHECK(p.files.count("packs/standard/indicators.json") == 1);  // hashed and stored with the pack
  }
  // The indicators by id, and their places in the file for the paths.
  std::map<std::string, int> place;
  {
    std::ifstream in(file);
    const Json j = Json::parse(in);
    for (size_t i = 0; i < j["indicators"].size(); ++i) place[j["indicators"][i]["id"].get<std::string>()] = static_cast<int>(i);
  }
  auto ind = [&](Json& j, const char* id) -> Json& { return j["indicators"][place.at(id)]; };
  std::deque<std::string> paths;  // the cases' paths live here
  auto at = [&](const char* id, const std::string& rest) {
    paths.push_back("/indicators/" + std::to_string(place.at(id)) + rest);
    return paths.back().c_str();
  };
  const std::vector<Malformed> cases = {
      {"a filter on a field that does not exist", [&](Json& j) { ind(j, "C7.settled")["numerator"]["filter"][0]["field"] = "verdict"; },
       at("C7.settled", "/numerator/filter/0/field"), "\"verdict\" is not a field of complaint"},
      {"a code the list does not have", [&](Json& j) { ind(j, "C7.settled")["numerator"]["filter"][0]["values"] = {"won"}; },
       at("C7.settled", "/numerator/filter/0/values/0"), "\"won\" is not a code of complaint_outcome"},
      {"a state the workflow does not have", [&](Json& j) { ind(j, "D1.stock")["statistic"]["population"]["stock"] = {"waiting"}; },
       at("D1.stock", "/statistic/population/stock/0"), "\"waiting\" is not a state of job_seeker"},
      {"a dimension its record type gives no source for", [&](Json& j) { ind(j, "C1")["dimensions"].push_back("sex"); },
       at("C1", "/dimensions/2"), "declares no source of dimension \"sex\""},
      {"a mean without its variable", [&](Json& j) { ind(j, "C7.clearance")["numerator"]["measure"] = "mean"; },
       at("C7.clearance", "/numerator"), "a mean takes a field or days"},
      {"a ratio of medians", [&](Json& j) {
         ind(j, "C7.clearance")["numerator"]["measure"] = "median";
         ind(j, "C7.clearance")["numerator"]["days"] = {{"from", "date_received"}, {"to", "@event"}};
       },
       at("C7.clearance", "/numerator/measure"), "a ratio's numerator is a count or a sum"},
      {"a sum of a text field", [&](Json& j) { ind(j, "C2")["statistic"]["field"] = "description"; },
       at("C2", "/statistic/field"), "is not an integer, decimal or money field of industrial_action"},
      {"a formula over an indicator not declared before it", [&](Json& j) { ind(j, "A14")["formula"]["args"][1]["indicator"] = "A99"; },
       at("A14", "/formula/args/1/indicator"), "is not an indicator declared before this one"},
      {"an id that is not one", [&](Json& j) { ind(j, "A1")["id"] = "a1"; }, at("A1", "/id"), "an id such as C1"},
      {"the same id twice", [&](Json& j) { ind(j, "A2")["id"] = "A1"; }, at("A2", "/id"), "duplicate indicator \"A1\""},
      {"metadata without its source", [&](Json& j) { ind(j, "A1")["metadata"].erase("source"); },
       at("A1", "/metadata"), "missing required key \"source\""},
      {"a periodicity that is not one", [&](Json& j) { ind(j, "C1")["periodicity"] = {"week"}; },
       at("C1", "/periodicity/0"), "month, quarter or year"},
      {"a population that is not one", [&](Json& j) { ind(j, "C1")["statistic"]["population"] = {{"during", "start_date"}}; },
       at("C1", "/statistic/population/during"), "is not a population"},
      {"an event on a field that is not a date", [&](Json& j) { ind(j, "C1")["statistic"]["population"] = {{"event", "cause"}}; },
       at("C1", "/statistic/population/event"), "\"cause\" is not a date field of industrial_action"},
      {"a series code that is not one", [&](Json& j) { ind(j, "C4")["denominator"] = {{"series", "employees"}}; },
       at("C4", "/denominator/series"), "an indicator code such as"},
      {"the same series twice in a sum", [&](Json& j) { ind(j, "A13.lu3")["numerator"]["series"][1] = "UNE_TUNE_SEX_AGE_NB"; },
       at("A13.lu3", "/numerator/series/1"), "\"UNE_TUNE_SEX_AGE_NB\" twice"},
      {"a dimension the series fix", [&](Json& j) { ind(j, "A10")["dimensions"].push_back("age"); },
       at("A10", "/dimensions/1"), "\"age\" is fixed to Y15T24 by its series' \"at\""},
      {"a series fixed at a dimension that is not one", [&](Json& j) { ind(j, "A10")["numerator"]["at"]["colour"] = "RED"; },
       at("A10", "/numerator/at/colour"), "a dimension: sex, age"},
      {"a multiplier on a formula that does not divide", [&](Json& j) { ind(j, "A14")["multiplier"] = 100; },
       at("A14", "/multiplier"), "only a dividing formula has a multiplier"},
      {"a dimension from a level its list does not have",
       [](Json& j) { j["dimensions"]["job_seeker"]["ocu"]["level"] = 7; },
       "/dimensions/job_seeker/ocu/level", "has no level 7"},
      {"a record type the pack does not have", [](Json& j) { j["dimensions"]["inspection"] = Json::object(); },
       "/dimensions/inspection", "is not a record type of the pack"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      test::edit_json(file, c.edit);
      const std::string msg = load_error(root);
      INFO(msg);
      CHECK_THAT(msg, Catch::StartsWith(file + ": "));
      CHECK_THAT(msg, Catch::Contains(std::string(": ") + c.path + ": "));
      CHECK_THAT(msg, Catch::Contains(c.reason));
    }
  }
}

TEST_CASE("A country adds an indicator of its own or replaces one of the pack's", "[pack][indicators]") {
  test::TempDir dir;
  const std::string root = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  // A share of complaints referred to the tribunal, and C1 by month only.
  test::edit_json(root + "/countries/KNA.json", [](Json& j) {
    j["indicators"] = Json::array(
        {Json{{"id", "C8"}, {"group", "C"}, {"name", {{"en", "Share of complaints referred to the tribunal"}}}, {"kind", "ratio"},
              {"unit", "percent"}, {"multiplier", 100}, {"decimals", 1},
              {"numerator", {{"type", "complaint"}, {"measure", "count"}, {"population", {{"inflow", {"closed"}}}},
                             {"filter", {{{"field", "outcome"}, {"op", "in"}, {"values", {"referred_tribunal"}}}}}}},
              {"denominator", {{"type", "complaint"}, {"measure", "count"}, {"population", {{"inflow", {"closed"}}}}}},
              {"dimensions", Json::array()}, {"periodicity", {"year"}}, {"agency", "DOL"},
              {"metadata", {{"definition", {{"en", "Referred ÷ closed × 100."}}}, {"source", {{"en", "Complaints register"}}}}}}});
  });
  auto src = pack::directory_source(root);
  const auto p = pack::load_pack(*src);
  const auto prof = pack::load_profile(*src, "KNA", p);
  const auto merged = pack::with_extensions(p, prof);
  REQUIRE(merged.indicators->find("C8"));
  CHECK(merged.indicators->find("C8")->from_profile);
  CHECK(merged.indicators->indicators.size() == p.indicators->indicators.size() + 1);
  CHECK_FALSE(p.indicators->find("C8"));  // the pack's own package is left as it was
  // A malformed one names the profile's file and path.
  test::edit_json(root + "/countries/KNA.json", [](Json& j) { j["indicators"][0]["numerator"]["type"] = "tribunal_case"; });
  const std::string msg = load_error(root);
  CHECK_THAT(msg, Catch::Contains("KNA.json: /indicators/0/numerator/type: \"tribunal_case\" is not a record type"));
}
