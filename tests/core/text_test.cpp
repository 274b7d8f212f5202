// The "did you mean" helpers (core/text.hpp). Distances worked by hand.
#include "core/text.hpp"

#include <catch2/catch.hpp>

using clmis::detail::closest;
using clmis::detail::did_you_mean;
using clmis::detail::edit_distance;

TEST_CASE("edit_distance counts insertions, deletions, substitutions and neighbour swaps, ignoring ASCII case", "[core][text]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("", "abc") == 3);              // three insertions
  CHECK(edit_distance("import", "import") == 0);
  CHECK(edit_distance("improt", "import") == 1);     // "ro" ↔ "or": one swap
  CHECK(edit_distance("activat", "activate") == 1);  // one insertion
  CHECK(edit_distance("limt", "limit") == 1);
  CHECK(edit_distance("EXPORT", "export") == 0);     // ASCII case ignored
  CHECK(edit_distance("kitten", "sitting") == 3);    // k→s, e→i, +g
  CHECK(edit_distance("ca", "abc") == 3);            // optimal string alignment: no edit of a swapped pair
  CHECK(edit_distance("é", "e") == 2);               // bytes: é is two bytes (C3 A9), one substituted, one deleted
}

TEST_CASE("closest suggests only a near candidate, the first of the nearest, never the name typed", "[core][text]") {
  const std::vector<std::string> commands{"init", "import", "export", "query", "history", "transition"};
  CHECK(closest("improt", commands) == "import");
  CHECK(closest("exprot", commands) == "export");
  CHECK(closest("histroy", commands) == "history");
  CHECK(closest("transiton", commands) == "transition");
  CHECK_FALSE(closest("import", commands));      // typed exactly: nothing to suggest
  CHECK_FALSE(closest("delete", commands));      // nearest is 4+ edits away
  // Limits: 4 characters allow 1 edit ("qury" → "query" is 1), 5 to 8 allow 2, longer 3.
  CHECK(closest("qury", commands) == "query");
  CHECK_FALSE(closest("qy", std::vector<std::string>{"query"}));
  CHECK(closest("expt", std::vector<std::string>{"export"}) == std::nullopt);  // 2 edits for 4 characters
  CHECK(closest("hired", std::vector<std::string>{"placed", "training", "other"}) == std::nullopt);
  // Ties go to the first candidate.
  CHECK(closest("ab", std::vector<std::string>{"ac", "ad"}) == "ac");
  CHECK(did_you_mean("improt", commands) == " (did you mean import?)");
  CHECK(did_you_mean("zzzzzz", commands).empty());
  CHECK(closest("x", {}) == std::nullopt);
}
