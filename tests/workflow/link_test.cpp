// Links between records (issue 15): a complaint linked to the employer it names and to a later
// complaint it led to, seen from both ends, removed with a reason and kept in both timelines;
// permissions; and every refusal changing nothing.
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"

#include <algorithm>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

struct Office : test::Office {
  std::int64_t a = 0, b = 0;
  Office() {
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"sup", "supervisor"}, {"off1", "officer"}, {"clerk", "data_entry"}, {"stat", "statistician"}})
      admin.user_create(Json{{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}},
                             {"section", "industrial_relations"}, {"must_change_password", false}});
    a = complaint("2025-01-06");
    b = complaint("2025-02-03");
  }
  clmis::Session as(const std::string& name) { return db.login(name, "pw-long-" + name); }
  /// The events of a timeline, by name.
  static std::vector<std::string> events(const Json& timeline) {
    std::vector<std::string> out;
    for (const auto& e : timeline) out.push_back(e["event"]);
    return out;
  }
};

}  // namespace

TEST_CASE("Links between records are seen from both ends and kept in both timelines when removed",
          "[link][complaint]") {
  Office o;
  auto off1 = o.as("off1");
  // An officer of the section links complaint A to complaint B, which it led to.
  const Json l = off1.link("complaint", o.a, "complaint", o.b, "led_to", "The same employer again");
  CHECK(l["relation"] == "led_to");
  CHECK(l["direction"] == "from");
  CHECK(l["from_type"] == "complaint");
  CHECK(l["from_id"] == o.a);
  CHECK(l["to_type"] == "complaint");
  CHECK(l["to_id"] == o.b);
  CHECK(l["note"] == "The same employer again");
  CHECK(l["by"] == "off1");
  CHECK_FALSE(l.contains("removed"));
  const std::int64_t id = l["id"];
  // And to the employer it names, with the default relation.
  const Json e = off1.link("complaint", o.a, "employer", o.employer);
  CHECK(e["relation"] == "related");
  CHECK(e["note"].is_null());

  const Json from_a = off1.links("complaint", o.a);
  REQUIRE(from_a.size() == 2);
  CHECK(from_a[0]["id"] == id);
  CHECK(from_a[1]["to_type"] == "employer");
  const Json from_b = off1.links("complaint", o.b);
  REQUIRE(from_b.size() == 1);
  CHECK(from_b[0]["id"] == id);
  CHECK(from_b[0]["direction"] == "to");
  REQUIRE(off1.links("employer", o.employer).size() == 1);
  CHECK(off1.links("employer", o.employer)[0]["direction"] == "to");

  // Audited, on the record it goes from.
  CHECK(test::audit_actions_after(o.path, 0).back() == "link");

  // Removed with a reason: both ends still show it, marked; the timelines show both events.
  const Json r = off1.unlink(id, "Entered on the wrong complaint");
  CHECK(r["removed"]["by"] == "off1");
  CHECK(r["removed"]["reason"] == "Entered on the wrong complaint");
  CHECK(off1.links("complaint", o.b)[0]["removed"]["reason"] == "Entered on the wrong complaint");
  // Complaint A: created, its initial state, its two deadlines started, then the two links and
  // the removal (made in the same second here, so their order among themselves is by kind:
  // only the removal is sure to come after the link it removes).
  const auto ta = Office::events(off1.timeline("complaint", o.a));
  REQUIRE(ta.size() == 7);
  CHECK(std::vector<std::string>(ta.begin(), ta.begin() + 4) ==
        std::vector<std::string>{"created", "initial", "deadline start", "deadline start"});
  auto tail = std::vector<std::string>(ta.begin() + 4, ta.end());
  std::sort(tail.begin(), tail.end());
  CHECK(tail == std::vector<std::string>{"linked", "linked", "unlinked"});
  const Json tb = off1.timeline("complaint", o.b);
  CHECK(Office::events(tb) ==
        std::vector<std::string>{"created", "initial", "deadline start", "deadline start", "linked", "unlinked"});
  REQUIRE(tb.size() == 6);
  CHECK(tb[4]["direction"] == "to");
  CHECK(tb[4]["relation"] == "led_to");
  CHECK(tb[4]["other"] == Json{{"type", "complaint"}, {"id", o.a}});
  CHECK(tb[4]["by"] == "off1");
  CHECK(tb[5]["reason"] == "Entered on the wrong complaint");
  // Once removed, the same link may be made again (a new one).
  CHECK(off1.link("complaint", o.a, "complaint", o.b, "led_to")["id"] != id);
}

TEST_CASE("Links: the grants of both records apply", "[link][security]") {
  Office o;
  // A statistician reads but does not update.
  CHECK_THROWS_AS(o.as("stat").link("complaint", o.a, "complaint", o.b), clmis::PermissionDenied);
  // A data clerk works only the cases they entered or were given.
  auto clerk = o.as("clerk");
  CHECK_THROWS_AS(clerk.link("complaint", o.a, "employer", o.employer), clmis::PermissionDenied);
  CHECK_THROWS_AS(clerk.links("complaint", o.a), clmis::PermissionDenied);
  o.as("sup").assign("complaint", o.a, "clerk");
  const std::int64_t mine = clerk.create("complaint", o.complaint_json("2025-03-03"));
  const Json l = clerk.link("complaint", o.a, "complaint", mine);
  // ...and may not link to a record they may not read: a case of another, or (data entry reads
  // only its own records) the employer register.
  CHECK_THROWS_AS(clerk.link("complaint", o.a, "complaint", o.b), clmis::PermissionDenied);
  CHECK_THROWS_AS(clerk.link("complaint", o.a, "employer", o.employer), clmis::PermissionDenied);
  // Nor remove a link that goes from a record they may not update.
  const Json other = o.admin.link("complaint", o.b, "employer", o.employer);
  CHECK_THROWS_AS(clerk.unlink(other["id"], "mine now"), clmis::PermissionDenied);
  CHECK(clerk.unlink(l["id"], "not needed")["removed"]["by"] == "clerk");
}

TEST_CASE("Links: bad input is refused and changes nothing", "[link][errors]") {
  Office o;
  auto sup = o.as("sup");
  const Json kept = sup.link("complaint", o.a, "complaint", o.b, "follows");
  const std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { sup.link("complaint", o.a, "complaint", o.b, "caused"); }) == Errs{{"relation", "code_list"}});
  CHECK(errors_of([&] { sup.link("complaint", o.a, "complaint", 999); }) == Errs{{"to_id", "reference"}});
  CHECK(errors_of([&] { sup.link("complaint", o.a, "employer", 999); }) == Errs{{"to_id", "reference"}});
  CHECK(errors_of([&] { sup.link("complaint", o.a, "complaint", o.a); }) == Errs{{"to_id", "reference"}});
  CHECK(errors_of([&] { sup.link("complaint", o.a, "employer", o.employer, "related", std::string(1001, 'x')); }) ==
        Errs{{"note", "type"}});
  CHECK(errors_of([&] { sup.link("complaint", o.a, "employer", o.employer, "related", "\xff\xfe"); }) ==
        Errs{{"note", "type"}});
  CHECK_THROWS_AS(sup.link("complaint", o.a, "complaint", o.b, "follows"), clmis::AlreadyExists);
  CHECK_THROWS_AS(sup.link("complaint", 999, "complaint", o.b), clmis::NotFound);
  CHECK_THROWS_AS(sup.link("grievance", o.a, "complaint", o.b), clmis::NotFound);
  CHECK_THROWS_AS(sup.link("complaint", o.a, "grievance", o.b), clmis::NotFound);
  CHECK_THROWS_AS(sup.links("complaint", 999), clmis::NotFound);
  CHECK_THROWS_AS(sup.unlink(999, "gone"), clmis::NotFound);
  CHECK(errors_of([&] { sup.unlink(kept["id"], "  "); }) == Errs{{"reason", "required"}});
  CHECK(test::db_hash(o.path) == h);
  // An archived record takes no new link; a removed link is not removed twice.
  sup.unlink(kept["id"], "wrong");
  sup.archive("complaint", o.a, 1, "entered twice");
  const std::string h2 = test::db_hash(o.path);
  CHECK_THROWS_AS(sup.unlink(kept["id"], "again"), clmis::Conflict);
  CHECK_THROWS_AS(sup.link("complaint", o.a, "employer", o.employer), clmis::Conflict);
  CHECK(test::db_hash(o.path) == h2);
  // A deactivated relation is refused on new links.
  o.admin.code_update("link_relation", "duplicate_of", Json{{"active", false}});
  const std::string h3 = test::db_hash(o.path);
  CHECK(errors_of([&] { sup.link("complaint", o.b, "employer", o.employer, "duplicate_of"); }) ==
        Errs{{"relation", "code_list"}});
  CHECK(test::db_hash(o.path) == h3);
}
