// Every transition of a case type tried from every state of its workflow (DESIGN.md §5): an
// allowed one moves the case and writes its history row; a refused one throws Conflict naming
// the case and its state, and leaves the database unchanged (test::db_hash). The machine is
// written out by hand in each test from the issue, not read from the pack.
#pragma once

#include "support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test {

struct Machine {
  std::string type;
  /// transition → (the states it goes from, the state it goes to)
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> allowed;
  /// transition → its arguments on the way to a state
  std::map<std::string, clmis::Json> args;
  /// state → the shortest path of transitions to it from the initial state
  std::map<std::string, std::vector<std::string>> path;
  /// the effective date of the transition tried (after every date of the paths)
  std::string date;
};

struct Walked {
  int allowed = 0, refused = 0;
};

/// Tries every transition from every state of m.path on a new case made by make(); adjust may
/// change the arguments of the transition tried (a date field to match the effective date).
inline Walked walk_transitions(clmis::Session& s, const std::string& db_path, const Machine& m,
                               const std::function<std::int64_t()>& make,
                               const std::function<void(const std::string&, clmis::Json&)>& adjust = {}) {
  Walked w;
  for (const auto& [state, steps] : m.path) {
    for (const auto& [name, rule] : m.allowed) {
      const auto id = make();
      std::int64_t v = 1;
      for (const auto& t : steps) v = s.transition(m.type, id, v, t, m.args.at(t));
      REQUIRE(s.get(m.type, id)["status"] == state);
      const bool ok = std::find(rule.first.begin(), rule.first.end(), state) != rule.first.end();
      INFO(m.type << ": " << name << " from " << state);
      clmis::Json a = m.args.at(name);
      a["effective_date"] = m.date;
      if (adjust) adjust(name, a);
      if (ok) {
        CHECK(s.transition(m.type, id, v, name, a) == v + 1);
        CHECK(s.get(m.type, id)["status"] == rule.second);
        const clmis::Json hist = s.history(m.type, id);
        CHECK(hist.back()["event"] == name);
        CHECK(hist.back()["from"] == state);
        CHECK(hist.back()["to"] == rule.second);
        CHECK(hist.back()["effective_date"] == m.date);
        ++w.allowed;
      } else {
        const std::string h = db_hash(db_path);
        try {
          s.transition(m.type, id, v, name, a);
          FAIL("refused");
        } catch (const clmis::Conflict& e) {
          CHECK(std::string(e.what()).find(m.type + " " + std::to_string(id) + " is " + state) != std::string::npos);
        }
        CHECK(db_hash(db_path) == h);
        ++w.refused;
      }
    }
  }
  return w;
}

}  // namespace test
