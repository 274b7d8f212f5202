// Two things a bulk write holds in memory (issue 13), through the store on a database of the
// standard pack: the key filter of a write transaction's lookups (store/keyfilter.hpp) — no key
// it holds is ever answered "absent", few keys it does not hold are answered "maybe", and the
// lookups of the job seeker's two rules answer the same with and without it — and the initial
// status rows held back to be written 64 to a statement (PendingWrites::initial).
#include <catch2/catch.hpp>

#include "pack/pack.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"

#include <cstdint>
#include <memory>

using clmis::Value;
namespace store = clmis::store;

namespace {
// splitmix64: a fixed sequence of well-spread 64-bit keys.
std::uint64_t next_key(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

clmis::detail::Values person(const std::string& first, const std::string& family, const std::string& nis,
                             const std::string& born) {
  return {{"registration_date", Value{*clmis::parse_date("2025-03-03")}},
          {"first_name", Value{first}},
          {"family_name", Value{family}},
          {"nis_number", Value{nis}},
          {"sex", Value{clmis::Code{"F"}}},
          {"date_of_birth", Value{*clmis::parse_date(born)}},
          {"parish", Value{clmis::Code{"KN-03"}}},
          {"status", Value{clmis::Code{"registered"}}}};
}
/// A new database of the standard pack (KNA), its handle closed, and a store connection to it
/// with the job seeker's declaration and its two lookup rules.
struct JobSeekers {
  test::TempDir dir;
  clmis::pack::Pack pack;
  const clmis::pack::RecordType* t = nullptr;
  const clmis::pack::Rule* unique = nullptr;  ///< unique_active on nis_number
  const clmis::pack::Rule* dup = nullptr;     ///< possible_duplicate on the names and birth date
  std::unique_ptr<store::Connection> c;
  JobSeekers() {
    { auto db = test::standard_db(dir); }
    const auto src = clmis::pack::embedded_source();
    const auto base = clmis::pack::load_pack(*src);
    pack = clmis::pack::with_extensions(base, clmis::pack::load_profile(*src, "KNA", base));
    t = pack.record_type("job_seeker");
    for (const auto& r : t->rules) {
      if (!r.section.empty()) continue;
      if (std::holds_alternative<clmis::pack::rules::UniqueActive>(r.check)) unique = &r;
      if (std::holds_alternative<clmis::pack::rules::PossibleDuplicate>(r.check)) dup = &r;
    }
    c = std::make_unique<store::Connection>(dir.file("nlad.db"), false);
    c->configure(5000);
  }
  /// The lookup of the unique rule (records/rules.cpp), through its filter or not.
  std::vector<std::int64_t> by_nis(const std::string& nis, bool filtered = true) {
    const Value v{nis};
    store::Match m;
    m.key = unique;
    m.rule = filtered ? unique : nullptr;
    m.fields = {t->field("nis_number")};
    m.values = {&v};
    m.closed_status_field = "status";
    return store::find_matching(*c, *t, m);
  }
};
}  // namespace

TEST_CASE("Key filter: every key added is found, and few others", "[store][keyfilter]") {
  // Filled to its capacity: 65,536 keys in 65,536 × 16 bits.
  clmis::store::KeyFilter f(65536);
  CHECK(f.capacity() == 65536);
  CHECK(f.bytes() == (65536 * 16 / 256 + 1) * 32);
  std::uint64_t s = 1;
  for (int i = 0; i < 65536; ++i) f.add(next_key(s));
  CHECK(f.count() == 65536);
  s = 1;
  int missed = 0;
  for (int i = 0; i < 65536; ++i) missed += f.may_contain(next_key(s)) ? 0 : 1;
  CHECK(missed == 0);
  // 100,000 keys never added (the sequence goes on): a split-block filter of 16 bits a key
  // answers "maybe" for about 0.2 % to 0.5 % of them at capacity; 1 % is the bound here.
  int maybe = 0;
  for (int i = 0; i < 100000; ++i) maybe += f.may_contain(next_key(s)) ? 1 : 0;
  CHECK(maybe < 1000);
  // Small integers and near-equal keys (the FNV keys of near-equal text) spread too: 1..4096
  // added, 4097..104096 asked.
  clmis::store::KeyFilter g(4096);
  for (std::uint64_t k = 1; k <= 4096; ++k) g.add(k);
  int found = 0;
  for (std::uint64_t k = 1; k <= 4096; ++k) found += g.may_contain(k) ? 1 : 0;
  CHECK(found == 4096);
  maybe = 0;
  for (std::uint64_t k = 4097; k <= 104096; ++k) maybe += g.may_contain(k) ? 1 : 0;
  CHECK(maybe < 1000);
}

TEST_CASE("Key filter: lookups answer the same with and without it, keys written after it was made included",
          "[store][keyfilter]") {
  JobSeekers js;
  auto& c = *js.c;
  const auto& t = *js.t;
  const auto* unique = js.unique;
  const auto* dup = js.dup;
  REQUIRE(unique);
  REQUIRE(dup);
  const auto& dup_rule = std::get<clmis::pack::rules::PossibleDuplicate>(dup->check);
  REQUIRE(std::get<clmis::pack::rules::UniqueActive>(unique->check).fields == std::vector<std::string>{"nis_number"});
  REQUIRE(dup_rule.fields == std::vector<std::string>{"first_name", "family_name", "date_of_birth"});
  const std::string at = "2025-03-03T10:00:00Z";
  // The lookups the two rules make (records/rules.cpp), with or without their filter.
  auto by_nis = [&](const std::string& nis, bool filtered) { return js.by_nis(nis, filtered); };
  auto by_person = [&](const std::string& first, const std::string& family, const std::string& born, bool filtered) {
    const Value a{first}, b{family}, d{*clmis::parse_date(born)};
    store::Match m;
    m.key = dup;
    m.rule = filtered ? dup : nullptr;
    m.dup = &dup_rule;
    m.fields = {t.field("first_name"), t.field("family_name"), t.field("date_of_birth")};
    m.values = {&a, &b, &d};
    m.ignore_case = true;
    m.limit = 10;
    return store::find_matching(c, t, m);
  };

  store::WriteTransaction tx(c);
  // 100 records before the lookups begin.
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 100; ++i)
    ids.push_back(store::insert_row(c, t, person("Keisha" + std::to_string(i), "Liburd", "1" + std::to_string(i), "1990-01-01"),
                                    1, at, std::nullopt));
  // 3,000 lookups of keys no record holds: past 2,048 lookups (and a sixteenth of the table's
  // 100 rows) each rule's filter is made from the table.
  for (int i = 0; i < 3000; ++i) {
    CHECK(by_nis("9" + std::to_string(i), true).empty());
    CHECK(by_person("Nobody" + std::to_string(i), "Liburd", "1990-01-01", true).empty());
  }
  REQUIRE(c.key_filters().slots.count(unique) == 1);
  REQUIRE(c.key_filters().slots.at(unique).filter);
  REQUIRE(c.key_filters().slots.at(dup).filter);
  CHECK(c.key_filters().slots.at(unique).spared > 900);  // of the 953 asked since it was made

  // Keys held before the filter was made: found (case folded for the possible duplicate).
  CHECK(by_nis("15", true) == std::vector<std::int64_t>{ids[5]});
  CHECK(by_person("KEISHA7", "liburd", "1990-01-01", true) == std::vector<std::int64_t>{ids[7]});
  // A record inserted after it was made.
  const auto late = store::insert_row(c, t, person("Devon", "Hodge", "777", "1985-05-05"), 1, at, std::nullopt);
  CHECK(by_nis("777", true) == std::vector<std::int64_t>{late});
  CHECK(by_person("devon", "HODGE", "1985-05-05", true) == std::vector<std::int64_t>{late});
  // A record whose key an update changed (a patch naming only that field): the new key is found.
  const Value moved{std::string("888")}, renamed{std::string("Shanice")};
  const clmis::detail::Values patch{{"nis_number", moved}, {"first_name", renamed}};
  REQUIRE(store::update_row(c, t, ids[9], 1, {t.field("nis_number"), t.field("first_name")}, patch, 1, at, std::nullopt));
  CHECK(by_nis("888", true) == std::vector<std::int64_t>{ids[9]});
  CHECK(by_person("shanice", "Liburd", "1990-01-01", true) == std::vector<std::int64_t>{ids[9]});

  // Answer for answer, with and without the filters: every key held, some not (the SQL query
  // alone is the other code path).
  for (int i = 0; i < 120; ++i) {
    const std::string nis = "1" + std::to_string(i);
    CHECK(by_nis(nis, true) == by_nis(nis, false));
    const std::string first = "Keisha" + std::to_string(i);
    CHECK(by_person(first, "Liburd", "1990-01-01", true) == by_person(first, "Liburd", "1990-01-01", false));
  }

  // A filter that spares few lookups (every key asked is held) is dropped for the transaction.
  auto& slot = c.key_filters().slots.at(unique);
  slot.asked = 0;
  slot.spared = 0;
  for (int i = 0; i < 4096; ++i) CHECK(by_nis("1" + std::to_string(i % 100), true).size() == (i % 100 == 9 ? 0U : 1U));
  CHECK_FALSE(c.key_filters().slots.at(unique).filter);
  CHECK(c.key_filters().slots.at(unique).next_check == UINT64_MAX);
  CHECK(by_nis("888", true) == std::vector<std::int64_t>{ids[9]});

  // The transaction's end forgets them (another connection may write next).
  tx.commit();
  CHECK(c.key_filters().slots.empty());
}

TEST_CASE("Initial states held back by a write are written before a statement that names the status table",
          "[store][pending]") {
  // The store alone, without the savepoints of the layers above (each of which writes them
  // first): three creates hold their initial states back (fewer than the 64 a statement takes);
  // reading a record's status history, first with a statement prepared then, then with the same
  // statement kept, and a raw statement, each finds them.
  JobSeekers js;
  auto& c = *js.c;
  const auto& t = *js.t;
  store::WriteTransaction tx(c);
  const std::string at = "2025-03-03T10:00:00Z";
  auto create = [&](const std::string& nis, std::int64_t seq) {
    const auto id = store::insert_row(c, t, person("Ann", "Hodge", nis, "1990-01-01"), 1, at, std::nullopt);
    store::StatusRow initial;
    initial.seq = seq;
    initial.event = "initial";
    initial.status = "registered";
    initial.effective_date = "2025-03-03";
    store::append_status(c, t, id, initial);
    return id;
  };
  const auto a = create("501", 1);
  const auto b = create("502", 2);
  CHECK(c.pending().initial.rows.size() == 2);
  auto h = store::status_history_of(c, t, a);
  CHECK(c.pending().initial.rows.empty());
  REQUIRE(h.size() == 1);
  CHECK(h[0].seq == 1);
  CHECK(h[0].to == std::optional<std::string>("registered"));
  CHECK(store::status_history_of(c, t, b).size() == 1);
  const auto d = create("503", 3);
  CHECK(c.pending().initial.rows.size() == 1);
  h = store::status_history_of(c, t, d);  // the statement kept from the first read
  REQUIRE(h.size() == 1);
  CHECK(h[0].seq == 3);
  create("504", 4);
  CHECK(c.scalar("SELECT count(*) FROM clmis_status__job_seeker WHERE effective_day = 20150") == 4);  // 2025-03-03
  // A transition numbers its row after the initial state (n = 1), held back or not.
  const auto e = create("505", 5);
  store::StatusRow moved;
  moved.seq = 6;
  moved.event = "activate";
  moved.status = "active";
  moved.effective_date = "2025-03-04";
  moved.actor = 1;
  moved.at = at;
  store::append_status(c, t, e, moved);
  CHECK(c.scalar("SELECT max(n) FROM clmis_status__job_seeker WHERE record_id = " + std::to_string(e)) == 1);
  // 64 held back go in one statement; the query below writes the 6 still held first.
  for (int i = 0; i < 70; ++i) create("6" + std::to_string(i), 10 + i);
  CHECK(c.pending().initial.rows.size() == 6);
  CHECK(c.scalar("SELECT count(*) FROM clmis_status__job_seeker") == 5 + 1 + 70);
  CHECK(c.pending().initial.rows.empty());
  CHECK(c.scalar("SELECT sum(seq) FROM clmis_status__job_seeker WHERE n = 0 AND seq >= 10") == 70 * 10 + 69 * 70 / 2);
}

TEST_CASE("Key filter: one made inside a savepoint that rolls back is forgotten with it", "[store][keyfilter]") {
  // Inside a savepoint an update moves a record's NIS number from 10 to 999 and the filter is
  // made then (it holds 999, not 10). The savepoint rolls back: the record holds 10 again, and
  // a lookup of 10 must find it (found by review: a filter kept past the rollback said "absent").
  JobSeekers js;
  auto& c = *js.c;
  const auto& t = *js.t;
  const auto* unique = js.unique;
  REQUIRE(unique);
  auto by_nis = [&](const std::string& nis) { return js.by_nis(nis); };
  const std::string at = "2025-03-03T10:00:00Z";
  store::WriteTransaction tx(c);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(store::insert_row(c, t, person("Ann" + std::to_string(i), "Hodge", "1" + std::to_string(i), "1990-01-01"),
                                    1, at, std::nullopt));
  {
    store::WriteTransaction savepoint(c);
    const Value moved{std::string("999")};
    REQUIRE(store::update_row(c, t, ids[0], 1, {t.field("nis_number")}, {{"nis_number", moved}}, 1, at, std::nullopt));
    for (int i = 0; i < 3000; ++i) CHECK(by_nis("5" + std::to_string(i)).empty());
    REQUIRE(c.key_filters().slots.at(unique).filter);
    CHECK(by_nis("10").empty());
    CHECK(by_nis("999") == std::vector<std::int64_t>{ids[0]});
  }  // not committed: rolled back
  CHECK(c.key_filters().slots.empty());
  CHECK(by_nis("10") == std::vector<std::int64_t>{ids[0]});
  CHECK(by_nis("999").empty());
  // Made again past the threshold, from the table as it is now.
  for (int i = 0; i < 3000; ++i) CHECK(by_nis("5" + std::to_string(i)).empty());
  REQUIRE(c.key_filters().slots.at(unique).filter);
  CHECK(by_nis("10") == std::vector<std::int64_t>{ids[0]});
}
