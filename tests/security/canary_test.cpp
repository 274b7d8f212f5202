// Personal data and hostile text: canary values planted in every personal field of the demo
// database never reach a statistician (query, export, change feed, history, errors) nor any
// log; strings with SQL and format metacharacters in every text field come back verbatim.
#include <catch2/catch.hpp>

#include "demo/demo.hpp"
#include "clmis/io.hpp"
#include "support.hpp"

#include <sstream>

using clmis::Json;

namespace {

const char* const kCanary = "CNRY";

/// A canary value for a personal field (digits or an address where the field has a pattern).
Json canary_for(const Json& field, int n) {
  const std::string name = field["name"];
  const std::string type = field["type"];
  if (type == "date") return "1911-11-1" + std::to_string(n % 10);  // an age group is all that may show
  if (name.find("nis") != std::string::npos) return "90" + std::to_string(7310000 + n);
  if (name.find("email") != std::string::npos) return std::string("cnry") + std::to_string(n) + "@example.org";
  return std::string(kCanary) + "-" + name + "-" + std::to_string(n);
}

/// Every canary a test planted (to search every output for).
struct Canaries {
  std::vector<std::string> values;
  void add(const Json& v) {
    if (v.is_string()) values.push_back(v.get<std::string>());
  }
  void expect_absent(const std::string& text, const std::string& where) const {
    INFO(where);
    for (const auto& c : values) {
      INFO(c);
      CHECK(text.find(c) == std::string::npos);
    }
  }
};

}  // namespace

TEST_CASE("Personal data: canaries in every personal field of the demo never reach a statistician or a log", "[security][personal][demo]") {
  test::TempDir dir;
  clmis::demo::DemoOptions o;
  o.out_dir = dir.file("out");
  o.admin_password = test::kPassword;
  o.as_of = "2026-06-30";
  std::ostringstream log;
  const auto sum = clmis::demo::run_demo(o, log);
  auto db = clmis::Database::open(sum.path);
  auto admin = db.login("admin", test::kPassword);
  const Json schema = admin.schema();
  Canaries canaries;
  int n = 0;
  std::vector<std::pair<std::string, std::int64_t>> planted;
  // Plant canaries in the first (demo) record of each type: every personal field and every
  // personal field of each section entry.
  for (const auto& t : schema["record_types"]) {
    const std::string type = t["name"];
    const Json page = admin.query(type, Json{{"limit", 3}});
    // Disputes, industrial actions and redundancies (pack 1.6.0, the demo's year of industrial
    // relations) have no personal field to plant in: their records are read below all the same.
    if (type == "dispute" || type == "industrial_action" || type == "redundancy") {
      for (const auto& f : t["fields"]) CHECK_FALSE(f.value("personal", false));
      for (const auto& sec : t["sections"])
        for (const auto& f : sec["fields"]) CHECK_FALSE(f.value("personal", false));
    }
    INFO(type);
    REQUIRE(!page["records"].empty());
    for (const auto& rec : page["records"]) {
      Json change = Json::object();
      for (const auto& f : t["fields"])
        if (f.value("personal", false)) {
          change[f["name"].get<std::string>()] = canary_for(f, ++n);
          canaries.add(change[f["name"].get<std::string>()]);
        }
      for (const auto& sec : t["sections"]) {
        bool personal = false;
        for (const auto& f : sec["fields"]) personal = personal || f.value("personal", false);
        if (!personal) continue;
        Json items = rec[sec["name"].get<std::string>()];
        if (items.empty()) continue;
        for (auto& item : items)
          for (const auto& f : sec["fields"])
            if (f.value("personal", false)) {
              item[f["name"].get<std::string>()] = canary_for(f, ++n);
              canaries.add(item[f["name"].get<std::string>()]);
            }
        change[sec["name"].get<std::string>()] = items;
      }
      const std::int64_t id = rec["id"];
      admin.update(type, id, rec["version"], change);
      planted.emplace_back(type, id);
    }
  }
  REQUIRE(canaries.values.size() >= 30);
  // The administrator sees them (the canaries are really there).
  CHECK(admin.get(planted[0].first, planted[0].second).dump().find("CNRY") != std::string::npos);

  admin.user_create(Json{{"name", "stat"}, {"password", "statistics-pw-1"}, {"roles", {"statistician"}},
                         {"must_change_password", false}});
  auto stat = db.login("stat", "statistics-pw-1");
  std::string seen;
  for (const auto& t : schema["record_types"]) {
    const std::string type = t["name"];
    Json q = Json{{"limit", 1000}, {"include_archived", true}};
    for (;;) {
      const Json page = stat.query(type, q);
      seen += page.dump();
      if (page["next"].is_null()) break;
      q["after"] = page["next"];
    }
    for (const char* format : {"csv", "jsonl", "json"}) {
      std::ostringstream out;
      clmis::ExportOptions eo;
      eo.format = format;
      eo.include_archived = true;
      const auto exported = clmis::export_records(stat, type, out, eo);
      INFO(type << " exported as " << format);
      CHECK(exported > 0);
      seen += out.str();
    }
    // Errors: filtering on a personal field with a canary value is refused without echoing it.
    for (const auto& f : t["fields"])
      if (f.value("personal", false)) {
        try {
          (void)stat.query(type, Json{{"filter", {{{"field", f["name"]}, {"op", "eq"}, {"value", canary_for(f, 1)}}}}});
          FAIL("a filter on a personal field was allowed");
        } catch (const clmis::Error& e) {
          seen += e.what();
        }
      }
  }
  for (const auto& [type, id] : planted) {
    seen += stat.get(type, id).dump();
    try {
      seen += stat.history(type, id).dump();
    } catch (const clmis::Error& e) {
      seen += e.what();
    }
  }
  Json feed;
  std::int64_t since = 0;
  do {
    feed = stat.changes_since(since, 10000);
    seen += feed.dump();
    since = feed["last_seq"];
  } while (!feed["changes"].empty());
  CHECK(seen.size() > 100000);
  canaries.expect_absent(seen, "what the statistician saw");
  // The logs: the audit trail and the security log hold none either.
  canaries.expect_absent(admin.audit_entries(0, 10000).dump(), "the audit trail");
  canaries.expect_absent(admin.security_log(0, 10000).dump(), "the security log");
  canaries.expect_absent(log.str(), "the demo's output");
  // A masked birth date is null; its age group shows: the canary dates of 1911 are over 65.
  for (const auto& [type, id] : planted)
    if (type == "job_seeker") {
      const Json r = stat.get(type, id);
      CHECK(r["date_of_birth"].is_null());
      CHECK(r["age_group"] == "65+");
    }
}

TEST_CASE("Text with SQL and format metacharacters is stored and returned verbatim in every text field", "[security][records]") {
  test::TempDir dir;
  auto db = test::standard_db(dir);
  auto s = db.login("admin", test::kPassword);
  const std::vector<std::string> hostile = {
      "'; DROP TABLE job_seeker; --",
      "Robert'); DELETE FROM clmis_audit WHERE ('1'='1",
      "%s%n%x%d%p {0} {} ${HOME} $(id) `id` %%",
      "\\ \\\\ \\n \\0 \" \"\" '' ;",
      "=HYPERLINK(\"http://x\")",
      "O'Brien & <b>Sons</b> -- /* */",
      "Mañana Ünïcödé 日本 \u200b",
  };
  const Json schema = db.schema();
  const auto employer = s.create("employer", Json{{"name", "Base"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  const auto est = s.create("establishment", Json{{"employer", employer}, {"name", "Base site"}, {"parish", "KN-03"}});
  const auto org = s.create("organisation", Json{{"name", "Base union"}, {"kind", "trade_union"}});
  const std::map<std::string, Json> base = {
      {"employer", {{"isic_class", "5510"}, {"parish", "KN-03"}}},
      {"establishment", {{"employer", employer}, {"parish", "KN-03"}}},
      {"organisation", {{"kind", "trade_union"}}},
      {"job_seeker", {{"registration_date", "2025-03-03"}, {"sex", "F"}, {"date_of_birth", "1999-07-14"}, {"parish", "KN-03"}}},
      {"vacancy", {{"employer", employer}, {"establishment", est}, {"occupation", "5120"}, {"positions", 1}, {"date_registered", "2025-05-02"}}},
      {"complaint", {{"date_received", "2025-05-02"}, {"sex", "F"}, {"employer", employer}}},
      {"dispute", {{"date_reported", "2025-05-02"}, {"dispute_type", "rights"},
                   {"employers", Json::array({Json{{"employer", employer}}})}}},  // (unions: with text, below)
      {"industrial_action", {{"date_reported", "2025-05-02"}, {"action_type", "strike"}}},
      {"redundancy", {{"employer", employer}, {"notice_date", "2025-05-02"}, {"effective_date", "2025-06-02"}, {"reason", "closure"}}},
  };
  int checked = 0;
  for (const auto& t : schema["record_types"]) {
    const std::string type = t["name"];
    for (size_t h = 0; h < hostile.size(); ++h) {
      Json rec = base.at(type);
      Json expect = Json::object();
      for (const auto& f : t["fields"]) {
        if (f["type"] != "text" || f.contains("pattern") || f.contains("assigned")) continue;
        std::string v = hostile[h] + " " + f["name"].get<std::string>();
        if (v.size() > f["max_length"].get<size_t>()) v = v.substr(v.size() - f["max_length"].get<size_t>());
        rec[f["name"].get<std::string>()] = v;
        expect[f["name"].get<std::string>()] = v;
      }
      for (const auto& sec : t["sections"]) {
        Json item = Json::object();
        bool text = false;
        for (const auto& f : sec["fields"]) {
          if (f["type"] == "text" && !f.contains("pattern")) {
            std::string v = hostile[h];
            if (v.size() > f["max_length"].get<size_t>()) v = v.substr(0, f["max_length"].get<size_t>());
            item[f["name"].get<std::string>()] = v;
            text = true;
          }
        }
        if (!text) continue;
        // Required non-text fields of the sections.
        const std::string sn = sec["name"];
        if (sn == "education") item["isced_level"] = "3";
        if (sn == "experience") item.update({{"occupation", "5131"}, {"from", "2017-01-09"}});
        if (sn == "skills") item["kind"] = "certificate";
        if (sn == "desired_occupations") item["occupation"] = "5131";
        if (sn == "recognitions") item["employer"] = employer;
        if (sn == "claims") item["category"] = "other";
        if (sn == "hearings") item.update({{"date", "2025-05-09"}, {"result", "held"}});
        if (sn == "unions") item["organisation"] = org;
        if (sn == "meetings") item.update({{"date", "2025-05-09"}, {"result", "held"}});
        rec[sn] = Json::array({item});
        expect[sn] = Json::array({item});
      }
      const auto id = s.create(type, rec);
      const Json got = s.get(type, id);
      for (auto it = expect.begin(); it != expect.end(); ++it) {
        INFO(type << "." << it.key() << " with " << hostile[h]);
        if (it->is_array()) {
          for (auto f = (*it)[0].begin(); f != (*it)[0].end(); ++f) CHECK(got[it.key()][0][f.key()] == *f);
        } else {
          CHECK(got[it.key()] == *it);
          // And found by an exact filter on it.
          const Json page = s.query(type, Json{{"filter", {{{"field", it.key()}, {"op", "eq"}, {"value", *it}}}}});
          REQUIRE(page["records"].size() >= 1);
          CHECK(page["records"][0][it.key()] == *it);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 150);
  CHECK(s.audit_verify()["ok"] == true);
}
