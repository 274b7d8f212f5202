// Disclosure control (issue 17, src/indicators/disclosure.hpp): primary suppression, the line
// rule, the audit by linear programming, linked tables, 3-D tables, determinism and refusals.
// Every expected pattern and range is worked out by hand in the comments beside it.
//
// Cell indices are row-major with the total last in each dimension. Lines are taken in the
// canonical order of the module: by the index of their total, then by their parts.
#include <catch2/catch.hpp>

#include "clmis/error.hpp"
#include "indicators/disclosure.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace clmis::indicators;

namespace clmis::indicators {
// How Catch prints a range in a failed check: [lower, upper], "inf" when unbounded.
std::ostream& operator<<(std::ostream& os, const Range& r) {
  os << "[" << r.lower << ", ";
  if (r.upper)
    os << *r.upper;
  else
    os << "inf";
  return os << "]";
}
}  // namespace clmis::indicators

namespace {

Options primary_only() {
  Options o;
  o.protect_secondary = false;
  return o;
}

std::vector<Cell> counts(const std::vector<std::int64_t>& v) {
  std::vector<Cell> out;
  for (std::int64_t x : v) out.push_back(Cell::count(x));
  return out;
}

/// (cell, reason) of every suppressed cell, in cell order.
std::vector<std::pair<std::size_t, Reason>> pattern(const Protection& p) {
  std::vector<std::pair<std::size_t, Reason>> out;
  for (std::size_t i = 0; i < p.cells.size(); ++i)
    if (p.cells[i].suppressed) out.emplace_back(i, p.cells[i].reason);
  return out;
}

Range range(std::int64_t lo, std::int64_t hi) { return Range{lo, hi}; }

/// Independent checks of a result: every line holds no suppressed cell or at least two; every
/// suppressed cell's range reaches [max(0, v − P), v + P] (P: the minimum count, or ceil(p% v)),
/// or for unprotected secondary cells is not a single value; and the range is the one an
/// independent solve of the final pattern gives.
void check_invariants(const Problem& pb, const Protection& res, const Options& o) {
  REQUIRE(res.cells.size() == pb.cells.size());
  std::vector<bool> sup(pb.cells.size());
  for (std::size_t i = 0; i < sup.size(); ++i) sup[i] = res.cells[i].suppressed;
  for (const Constraint& c : pb.constraints) {
    int n = sup[c.total] ? 1 : 0;
    for (std::size_t p : c.parts) n += sup[p] ? 1 : 0;
    CHECK(n != 1);
  }
  for (std::size_t i = 0; i < sup.size(); ++i) {
    const Cell& c = pb.cells[i];
    if (!sup[i]) {
      CHECK(res.cells[i].reason == Reason::none);
      continue;
    }
    CHECK(c.value != 0);
    REQUIRE(res.cells[i].range);
    const Range r = *res.cells[i].range;
    CHECK(r == feasible_range(pb, sup, i));
    CHECK(r.lower <= c.value);
    CHECK((!r.upper || *r.upper >= c.value));
    if (o.protect_secondary || res.cells[i].reason == Reason::primary) {
      const std::int64_t p = c.kind == CellKind::frequency ? o.min_count : (o.p_percent * c.value + 99) / 100;
      CHECK(r.lower <= std::max<std::int64_t>(0, c.value - p));
      CHECK((!r.upper || *r.upper >= c.value + p));
    } else {
      CHECK((!r.upper || r.lower < *r.upper));
    }
  }
}

}  // namespace

TEST_CASE("disclosure: counts below the minimum are primary and zero is not", "[disclosure]") {
  const Options o;  // minimum 3
  CHECK_FALSE(primary_unsafe(Cell::count(0), o));  // zero: never
  CHECK(primary_unsafe(Cell::count(1), o));
  CHECK(primary_unsafe(Cell::count(2), o));
  CHECK_FALSE(primary_unsafe(Cell::count(3), o));  // 3 is not below 3

  // A 1-D table 0, 1, 2, 3 | 6. Primary: 1 and 2 (cells 1, 2). The one line {6; 0, 1, 2, 3}
  // holds two suppressed cells, so the line rule adds nothing. Audit of cell 1: x1 + x2 = 6 − 0
  // − 3 = 3, so x1 is in [0, 3]; its interval is [max(0, 1 − 3), 1 + 3] = [0, 4]: 3 < 4, unsafe.
  // The smallest non-zero published cell of its line is 3 (cell 3; the total is 6): audit.
  // Then x1 + x2 + x3 = 6: x1 in [0, 6] ⊇ [0, 4]; x2 in [0, 6] ⊇ [0, 5]; x3 in [0, 6] ⊇ [0, 6].
  Table t{{4}, counts({0, 1, 2, 3, 6})};
  const Problem pb = table_problem(t);
  const Protection res = protect(pb, o);
  CHECK(pattern(res) == std::vector<std::pair<std::size_t, Reason>>{
                            {1, Reason::primary}, {2, Reason::primary}, {3, Reason::audit}});
  CHECK(res.rounds == 2);
  CHECK(*res.cells[1].range == range(0, 6));
  CHECK(*res.cells[2].range == range(0, 6));
  CHECK(*res.cells[3].range == range(0, 6));
  check_invariants(pb, res, o);
}

TEST_CASE("disclosure: the p% rule at its boundary in exact integers", "[disclosure]") {
  const Options o;  // p = 10
  // 100 − 50 − 45 = 5 and 10% of 50 is 5: 5 < 5 is false, safe (100 × 5 = 500, 10 × 50 = 500).
  CHECK_FALSE(primary_unsafe(Cell::magnitude(100, 50, 45, 5), o));
  // 100 − 50 − 46 = 4 < 5: unsafe (400 < 500).
  CHECK(primary_unsafe(Cell::magnitude(100, 50, 46, 4), o));
  // One contributor: 70 − 70 − 0 = 0 < 7. Two: 0 again. Zero: never.
  CHECK(primary_unsafe(Cell::magnitude(70, 70, 0, 1), o));
  CHECK(primary_unsafe(Cell::magnitude(70, 40, 30, 2), o));
  CHECK_FALSE(primary_unsafe(Cell::magnitude(0, 0, 0, 0), o));
  // Large money in minor units, no floating point: 10^15 − 6·10^14 − 3.4·10^14 = 6·10^13 and
  // 10% of 6·10^14 is 6·10^13: equal, safe; one cent more for the second largest: unsafe.
  CHECK_FALSE(primary_unsafe(Cell::magnitude(1'000'000'000'000'000, 600'000'000'000'000, 340'000'000'000'000, 9), o));
  CHECK(primary_unsafe(Cell::magnitude(1'000'000'000'000'000, 600'000'000'000'000, 340'000'000'000'001, 9), o));
  Options p20;
  p20.p_percent = 20;  // 5 < 10: unsafe at p = 20
  CHECK(primary_unsafe(Cell::magnitude(100, 50, 45, 5), p20));
}

TEST_CASE("disclosure: one primary cell in a 2-D table gets its row and column partners and the corner",
          "[disclosure]") {
  //          c0   c1   c2 |  T       cell indices   0  1  2  3
  //   r0      1   10    7 | 18                      4  5  6  7
  //   r1      6    4    9 | 19                      8  9 10 11
  //   r2      8   12    5 | 25                     12 13 14 15
  //   T      15   26   21 | 62
  Table t{{3, 3}, counts({1, 10, 7, 18, 6, 4, 9, 19, 8, 12, 5, 25, 15, 26, 21, 62})};
  const Problem pb = table_problem(t);
  REQUIRE(pb.constraints.size() == 8);  // 4 column lines (margin column included), 4 row lines

  // Primary: 1 (cell 0). Lines in order of their totals: r0 (3), r1 (7), r2 (11), c0 (12),
  // c1 (13), c2 (14), then the two lines of 15: {15; 3, 7, 11} before {15; 12, 13, 14}.
  // - r0 {18; 1, 10, 7} holds one: candidates 18, 10, 7, none in another line holding one;
  //   the smallest is 7 (cell 2).
  // - c0 {15; 1, 6, 8} holds one: 6 (cell 4) is the smallest, none helps another line.
  // - c2 {21; 7, 9, 5} holds one (7): 9 (cell 6) lies in r1, which now holds one (6), so 9 is
  //   taken before the smaller 5: the corner, closing r1 too.
  // Second pass: every line holds 0 or 2.
  std::vector<Reason> lines(pb.cells.size(), Reason::none);
  lines[0] = Reason::primary;
  apply_line_rule(pb, lines);
  std::vector<Reason> expected(pb.cells.size(), Reason::none);
  expected[0] = Reason::primary;
  expected[2] = expected[4] = expected[6] = Reason::secondary;
  CHECK(lines == expected);

  // The audit (primary cells protected): with x = cell 0, r0 gives cell 2 = 18 − 10 − x = 8 − x,
  // c0 gives cell 4 = 15 − 8 − x = 7 − x, r1 gives cell 6 = 19 − 4 − (7 − x) = 8 + x, and c2
  // checks: (8 − x) + (8 + x) = 16 = 21 − 5. Non-negativity: x in [0, 7]. The interval of 1 is
  // [0, 4]: safe. Cell 2 in [1, 8], cell 4 in [0, 7], cell 6 in [8, 15]: none exactly known.
  const Protection res = protect(pb, primary_only());
  CHECK(pattern(res) == std::vector<std::pair<std::size_t, Reason>>{
                            {0, Reason::primary}, {2, Reason::secondary}, {4, Reason::secondary}, {6, Reason::secondary}});
  CHECK(res.rounds == 1);
  CHECK(*res.cells[0].range == range(0, 7));
  CHECK(*res.cells[2].range == range(1, 8));
  CHECK(*res.cells[4].range == range(0, 7));
  CHECK(*res.cells[6].range == range(8, 15));
  check_invariants(pb, res, primary_only());

  // With every suppressed cell protected (the default), cell 2 = 7 needs [4, 10] and reaches
  // only 8: the pattern grows until every interval holds.
  const Protection all = protect(pb);
  CHECK(pattern(all).size() > 4);
  check_invariants(pb, all, Options{});
}

TEST_CASE("disclosure: the audit widens a range the line rule left too narrow", "[disclosure]") {
  // Magnitudes (money in minor units), p = 10:
  //          c0    c1 |   T        cells  0 1 2
  //   r0    100     5 | 105               3 4 5
  //   r1     20    30 |  50               6 7 8
  //   T     120    35 | 155
  // Cell 0 = 100 with contributions 60 and 35: 100 − 95 = 5 < 6 (10% of 60): primary. Every
  // other cell has many small contributions, and the margins holding 100 keep its 60 and 35:
  // 105 − 95 = 10 ≥ 6, 120 − 95 = 25 ≥ 6, 155 − 95 = 60 ≥ 6: safe.
  Table t{{2, 2},
          {Cell::magnitude(100, 60, 35, 3), Cell::magnitude(5, 1, 1, 5), Cell::magnitude(105, 60, 35, 8),
           Cell::magnitude(20, 2, 2, 10), Cell::magnitude(30, 3, 3, 10), Cell::magnitude(50, 3, 3, 20),
           Cell::magnitude(120, 60, 35, 13), Cell::magnitude(35, 3, 3, 15), Cell::magnitude(155, 60, 35, 28)}};
  const Problem pb = table_problem(t);
  // Line rule, lines r0 (2), r1 (5), c0 (6), c1 (7), {8; 2, 5}, {8; 6, 7}:
  // r0 {105; 100, 5}: 5 (cell 1); c0 {120; 100, 20}: 20 (cell 3); c1 {35; 5, 30}: 30 (cell 4)
  // also closes r1, which holds one (20). The rectangle 0, 1, 3, 4.
  std::vector<Reason> lines(pb.cells.size(), Reason::none);
  lines[0] = Reason::primary;
  apply_line_rule(pb, lines);
  std::vector<bool> rect(pb.cells.size(), false);
  rect[0] = rect[1] = rect[3] = rect[4] = true;
  for (std::size_t i = 0; i < rect.size(); ++i) CHECK((lines[i] != Reason::none) == rect[i]);
  // Before: x = cell 0; cell 1 = 105 − x, cell 3 = 120 − x, cell 4 = 50 − (120 − x) = x − 70 and
  // 35 − (105 − x) = x − 70 agrees. Non-negativity: x in [70, 105]. The interval of 100 is
  // [100 − 10, 100 + 10] = [90, 110]: 105 < 110, recoverable to within less than 10%.
  CHECK(feasible_range(pb, rect, 0) == range(70, 105));

  // The audit moves cell 0 up by its P = 10 at the least cost (each published cell: its value
  // per unit moved), deviations d: r0 d2 = d0 + d1 >= 10 - 5 (cell 1 is 5, d1 >= -5), so
  // 105 × 5 = 525 at least; with d1 = -5 and d3 = -10 (c0: d6 = 0), r1 d5 = -10 + d4, c1
  // d7 = -5 + d4, the total d8 = d4 - 5: 50|d4 - 10| + 35|d4 - 5| + 155|d4 - 5| is least at
  // d4 = 5 (250). Moving cell 6 (120 a unit) or the total instead costs more. So cells 2 (105)
  // and 5 (50) are suppressed (audit). Round 2: with x = cell 0 and y = cell 1, cell 3
  // = 120 − x, cell 4 = 35 − y, cell 2 = x + y, cell 5 = 155 − x − y; x in [0, 120], y in
  // [0, 35]. Each interval (P = ceil(10% v)) fits: 100 needs [90, 110] in [0, 120]; 5 needs
  // [4, 6] in [0, 35]; 105 needs [94, 116] in [0, 155]; 20 needs [18, 22] in [0, 120]; 30 needs
  // [27, 33] in [0, 35]; 50 needs [45, 55] in [0, 155].
  const Protection res = protect(pb);
  CHECK(pattern(res) == std::vector<std::pair<std::size_t, Reason>>{{0, Reason::primary},
                                                                    {1, Reason::secondary},
                                                                    {2, Reason::audit},
                                                                    {3, Reason::secondary},
                                                                    {4, Reason::secondary},
                                                                    {5, Reason::audit}});
  CHECK(res.rounds == 2);
  CHECK(*res.cells[0].range == range(0, 120));  // after: [0, 120] ⊇ [90, 110]
  CHECK(*res.cells[1].range == range(0, 35));
  CHECK(*res.cells[2].range == range(0, 155));
  CHECK(*res.cells[3].range == range(0, 120));
  CHECK(*res.cells[4].range == range(0, 35));
  CHECK(*res.cells[5].range == range(0, 155));
  CHECK(res.cells[0].protection == 10);
  CHECK(res.cells[2].protection == 11);  // ceil(10.5)
  check_invariants(pb, res, Options{});
}

TEST_CASE("disclosure: a chain of lines pins a cell the line rule leaves with two in each line",
          "[disclosure]") {
  // A 4 x 4 table of tens. Suppressed: the rectangle of rows 0, 1 and columns 0, 1; the rectangle
  // of rows 2, 3 and columns 2, 3; and (1, 2), joining them. Every line holds 0, 2 or 3
  // suppressed cells, yet (1, 2) is known: the sum of the suppressed cells of rows 0 and 1 minus
  // those of columns 0 and 1 counts every cell of the first rectangle once each way and (1, 2)
  // once: (20 + 30) − (20 + 20) = 10. (Row r: the suppressed cells sum to 50 − the published.)
  std::vector<std::int64_t> v(25, 0);
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 4; ++c) v[r * 5 + c] = 10;
  for (std::size_t r = 0; r < 4; ++r) v[r * 5 + 4] = 40;
  for (std::size_t c = 0; c < 4; ++c) v[20 + c] = 40;
  v[24] = 160;
  Table t{{4, 4}, counts(v)};
  const Problem pb = table_problem(t);
  std::vector<bool> sup(25, false);
  for (std::size_t i : {0, 1, 5, 6, 12, 13, 17, 18, 7}) sup[i] = true;
  std::vector<Reason> lines(25, Reason::none);
  for (std::size_t i = 0; i < 25; ++i)
    if (sup[i]) lines[i] = Reason::secondary;
  const std::vector<Reason> before = lines;
  apply_line_rule(pb, lines);
  CHECK(lines == before);  // the line rule has nothing to add
  CHECK(feasible_range(pb, sup, 7) == range(10, 10));
  // The others of the first rectangle still move: cell 0 = x, cell 1 = 20 − x (row 0), cell 5 =
  // 20 − x (column 0), cell 6 = 30 − 10 − (20 − x) = x (row 1); x in [0, 20].
  CHECK(feasible_range(pb, sup, 0) == range(0, 20));
}

TEST_CASE("disclosure: a month suppressed alone is recovered from the quarter", "[disclosure]") {
  // Three months and their quarter, each a 1-D table A, B | T (cells 0-2, 3-5, 6-8, 9-11):
  //   month 1: 1, 9 | 10    month 2: 5, 5 | 10    month 3: 6, 8 | 14    quarter: 12, 22 | 34
  const std::vector<Table> tables{{{2}, counts({1, 9, 10})},
                                  {{2}, counts({5, 5, 10})},
                                  {{2}, counts({6, 8, 14})},
                                  {{2}, counts({12, 22, 34})}};
  const Linked linked = link_tables(tables, {Link{3, {0, 1, 2}}});
  CHECK(linked.offsets == std::vector<std::size_t>{0, 3, 6, 9});
  const Problem& pb = linked.problem;
  REQUIRE(pb.constraints.size() == 4 + 3);  // one line per month and quarter, one link per cell

  // Month 1 alone: 1 is primary, its line {10; 1, 9} gives 9 (cell 1, smaller than 10).
  const Protection alone = protect(table_problem(tables[0]), primary_only());
  CHECK(pattern(alone) == std::vector<std::pair<std::size_t, Reason>>{{0, Reason::primary}, {1, Reason::secondary}});
  CHECK(*alone.cells[0].range == range(0, 10));
  // Published with the quarter, that pattern gives A of month 1 = 12 − 5 − 6 = 1 exactly: the
  // audit of the linked problem sees a range of one value.
  std::vector<bool> sup(pb.cells.size(), false);
  sup[0] = sup[1] = true;
  CHECK(feasible_range(pb, sup, 0) == range(1, 1));
  CHECK(feasible_range(pb, sup, 1) == range(9, 9));

  // Linked, lines in order: month 1 {2; 0, 1}, month 2 {5; 3, 4}, month 3 {8; 6, 7}, link A
  // {9; 0, 3, 6}, link B {10; 1, 4, 7}, then the two lines of 11: link T {11; 2, 5, 8} before
  // the quarter {11; 9, 10}.
  // - month 1: 9 (cell 1); link A {12; 1, 5, 6} holds one: 5 (cell 3, A of month 2);
  // - link B {22; 9, 5, 8} holds one (9): 5 (cell 4) also closes month 2, which holds one.
  // x = cell 0: cell 1 = 10 − x, cell 3 = 12 − 6 − x = 6 − x, cell 4 = 10 − (6 − x) = 4 + x,
  // and link B: (10 − x) + (4 + x) = 14 = 22 − 8. x in [0, 6] ⊇ [0, 4].
  const Protection res = protect(pb, primary_only());
  CHECK(pattern(res) == std::vector<std::pair<std::size_t, Reason>>{
                            {0, Reason::primary}, {1, Reason::secondary}, {3, Reason::secondary}, {4, Reason::secondary}});
  CHECK(*res.cells[0].range == range(0, 6));
  CHECK(*res.cells[1].range == range(4, 10));
  CHECK(*res.cells[3].range == range(0, 6));
  CHECK(*res.cells[4].range == range(4, 10));
  check_invariants(pb, res, primary_only());

  // Every suppressed cell protected (default): 9 needs [6, 12] and reaches only 10; more cells
  // go, and every interval holds in the end.
  const Protection all = protect(pb);
  CHECK(pattern(all).size() > 4);
  check_invariants(pb, all, Options{});
}

TEST_CASE("disclosure: a 3-D table with margins has lines along each of its three directions", "[disclosure]") {
  // 2 x 2 x 2 categories, 3 x 3 x 3 = 27 cells, index 9i + 3j + k. Every interior cell is 10
  // except (0,0,0) = 1. Margins: a line of two interior cells sums to 11 (with (0,0,0)) or 20;
  // a 2 x 2 face to 31 or 40; the grand total 71.
  std::vector<std::int64_t> v(27, 0);
  auto idx = [](std::size_t i, std::size_t j, std::size_t k) { return 9 * i + 3 * j + k; };
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j)
      for (std::size_t k = 0; k < 2; ++k) v[idx(i, j, k)] = 10;
  v[0] = 1;
  // The margins: along k for the interior rows, then along j, then along i (each sum uses only
  // cells already filled).
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) v[idx(i, j, 2)] = v[idx(i, j, 0)] + v[idx(i, j, 1)];
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t k = 0; k < 3; ++k) v[idx(i, 2, k)] = v[idx(i, 0, k)] + v[idx(i, 1, k)];
  for (std::size_t j = 0; j < 3; ++j)
    for (std::size_t k = 0; k < 3; ++k) v[idx(2, j, k)] = v[idx(0, j, k)] + v[idx(1, j, k)];
  CHECK(v[idx(2, 2, 2)] == 71);
  CHECK(table_index({2, 2, 2}, {1, 2, 1}) == idx(1, 2, 1));
  const Problem pb = table_problem(Table{{2, 2, 2}, counts(v)});
  REQUIRE(pb.constraints.size() == 27);  // 9 lines along each direction
  auto has = [&](std::size_t total, std::vector<std::size_t> parts) {
    return std::any_of(pb.constraints.begin(), pb.constraints.end(),
                       [&](const Constraint& c) { return c.total == total && c.parts == parts; });
  };
  CHECK(has(idx(2, 0, 0), {idx(0, 0, 0), idx(1, 0, 0)}));  // along i
  CHECK(has(idx(0, 2, 0), {idx(0, 0, 0), idx(0, 1, 0)}));  // along j
  CHECK(has(idx(0, 0, 2), {idx(0, 0, 0), idx(0, 0, 1)}));  // along k
  CHECK(has(idx(2, 2, 2), {idx(0, 2, 2), idx(1, 2, 2)}));  // the margins' own lines
  CHECK(has(idx(2, 2, 2), {idx(2, 2, 0), idx(2, 2, 1)}));

  // Line rule (lines by total): {2; 0, 1}: 10 (cell 1) before its margin 11 (cell 2).
  // {6; 0, 3}: 10 (cell 3). {7; 1, 4}: 10 (cell 4) closes {5; 3, 4} too. {18; 0, 9}: cell 9.
  // {19; 1, 10}: cell 10 closes {11; 9, 10}. {21; 3, 12}: cell 12 closes {15; 9, 12}.
  // {22; 4, 13}: cell 13 closes {16; 10, 13} and {14; 12, 13}. The whole interior cube, no
  // margin. With the margins published the cube has one degree of freedom s: the cells of even
  // i + j + k are 10 + s (and (0,0,0) = 1 + s), the odd ones 10 − s; s in [−1, 10]. So (0,0,0)
  // in [0, 11] ⊇ [0, 4]; cells 1, 3, 9, 13 in [0, 11]; cells 4, 10, 12 in [9, 20].
  const Protection res = protect(pb, primary_only());
  std::vector<std::pair<std::size_t, Reason>> expected{{0, Reason::primary}};
  for (std::size_t i : {1, 3, 4, 9, 10, 12, 13}) expected.emplace_back(i, Reason::secondary);
  CHECK(pattern(res) == expected);
  CHECK(*res.cells[0].range == range(0, 11));
  for (std::size_t i : {1, 3, 9, 13}) CHECK(*res.cells[i].range == range(0, 11));
  for (std::size_t i : {4, 10, 12}) CHECK(*res.cells[i].range == range(9, 20));
  check_invariants(pb, res, primary_only());

  // Every suppressed cell protected: 10 − s needs [7, 13] and reaches 11; more cells go.
  const Protection all = protect(pb);
  CHECK(pattern(all).size() > 8);
  check_invariants(pb, all, Options{});
}

TEST_CASE("disclosure: the same input gives the same pattern", "[disclosure]") {
  // The 4 x 3 table below with two small cells, protected twice, and again with its
  // constraints reversed and each one's parts reversed: the same pattern and the same record.
  //   3  1  7 | 11
  //   5  8  2 | 15
  //   9  4  6 | 19
  //   4  6  3 | 13
  //  21 19 18 | 58
  Table t{{4, 3}, counts({3, 1, 7, 11, 5, 8, 2, 15, 9, 4, 6, 19, 4, 6, 3, 13, 21, 19, 18, 58})};
  const Problem pb = table_problem(t);
  const Protection a = protect(pb);
  const Protection b = protect(pb);
  Problem shuffled = pb;
  std::reverse(shuffled.constraints.begin(), shuffled.constraints.end());
  for (Constraint& c : shuffled.constraints) std::reverse(c.parts.begin(), c.parts.end());
  const Protection c = protect(shuffled);
  CHECK(a.to_json(Options{}).dump() == b.to_json(Options{}).dump());
  CHECK(a.to_json(Options{}).dump() == c.to_json(Options{}).dump());
  CHECK(pattern(a) == pattern(c));
  CHECK(a.cells[1].reason == Reason::primary);  // 1 and 2 are below 3
  CHECK(a.cells[6].reason == Reason::primary);
  check_invariants(pb, a, Options{});
}

TEST_CASE("disclosure: zeros are never suppressed and a table without small cells is untouched",
          "[disclosure]") {
  //   0  2  5 |  7
  //   0  9  4 | 13
  //   0 11  9 | 20
  //   0 22 18 | 40
  // 2 (cell 1) is primary; the zero column (cells 0, 4, 8 and its total 12) is never a candidate:
  // a published zero tells that the cell is empty, which is not a disclosure of a small count.
  Table t{{3, 3}, counts({0, 2, 5, 7, 0, 9, 4, 13, 0, 11, 9, 20, 0, 22, 18, 40})};
  const Problem pb = table_problem(t);
  const Protection res = protect(pb);
  for (std::size_t i : {0, 4, 8, 12}) CHECK_FALSE(res.cells[i].suppressed);
  CHECK(res.cells[1].reason == Reason::primary);
  check_invariants(pb, res, Options{});

  Table safe{{2, 2}, counts({3, 4, 7, 5, 0, 5, 8, 4, 12})};
  const Protection none = protect(table_problem(safe));
  CHECK(none.suppressed().empty());
  CHECK(none.rounds == 1);
  const clmis::Json j = none.to_json(Options{});
  CHECK(j["suppressed_count"] == 0);
  CHECK(j["suppressed"] == clmis::Json::array());
}

TEST_CASE("disclosure: the record of a pattern names each cell's reason and range", "[disclosure]") {
  // The 1-D table of the first test: 1, 2 primary, 3 audit, each in [0, 6]; no value recorded.
  const Protection res = protect(table_problem(Table{{4}, counts({0, 1, 2, 3, 6})}));
  const clmis::Json j = res.to_json(Options{});
  CHECK(j.dump() ==
        R"({"method":"clmis-disclosure-1","options":{"min_count":3,"p_percent":10,"frequency_protection":3,)"
        R"("magnitude_protection_percent":10,"protect_secondary":true},"cells":5,"rounds":2,)"
        R"("suppressed_count":3,"suppressed":[{"cell":1,"status":"Q","reason":"primary","lower":0,"upper":6},)"
        R"({"cell":2,"status":"Q","reason":"primary","lower":0,"upper":6},)"
        R"({"cell":3,"status":"Q","reason":"audit","lower":0,"upper":6}]})");
}

TEST_CASE("disclosure: bad input is refused with a clear error", "[disclosure]") {
  auto refused = [](auto&& f, const std::string& path, const std::string& rule) {
    try {
      f();
    } catch (const clmis::ValidationError& e) {
      CHECK(e.code() == clmis::Errc::invalid);
      bool found = false;
      for (const auto& fe : e.errors()) found = found || (fe.path == path && fe.rule == rule);
      CHECK(found);
      return;
    }
    FAIL("not refused: " + path);
  };
  const Problem good = table_problem(Table{{2}, counts({1, 4, 5})});

  Problem out_of_range = good;
  out_of_range.constraints.push_back(Constraint{2, {0, 7}});
  refused([&] { (void)protect(out_of_range); }, "constraints[1].parts[1]", "range");

  std::vector<bool> sup(3, true);
  refused([&] { (void)feasible_range(out_of_range, sup, 0); }, "constraints[1].parts[1]", "range");
  std::vector<Reason> lines(3, Reason::none);
  refused([&] { apply_line_rule(out_of_range, lines); }, "constraints[1].parts[1]", "range");

  Problem negative = good;
  negative.cells[1].value = -4;
  refused([&] { (void)protect(negative); }, "cells[1].value", "range");

  refused([&] { (void)table_problem(Table{{2, 2, 2, 2}, counts(std::vector<std::int64_t>(81, 1))}); }, "table.dims",
          "length");
  refused([&] { (void)table_problem(Table{{2, 2}, counts({1, 2, 3})}); }, "table.cells", "length");

  Problem inconsistent = good;
  inconsistent.cells[2].value = 6;  // 1 + 4 is 5
  refused([&] { (void)protect(inconsistent); }, "constraints[0]", "additivity");

  Problem twice = good;
  twice.constraints[0].parts = {0, 0};
  refused([&] { (void)protect(twice); }, "constraints[0]", "range");

  Problem bad_magnitude;
  bad_magnitude.cells = {Cell::magnitude(10, 4, 7, 3)};  // second larger than the largest
  refused([&] { (void)protect(bad_magnitude); }, "cells[0].largest", "range");

  Options bad;
  bad.min_count = 0;
  refused([&] { (void)protect(good, bad); }, "options.min_count", "range");

  refused([&] { (void)link_tables({Table{{2}, counts({1, 4, 5})}, Table{{3}, counts({1, 1, 3, 5})}}, {Link{0, {1}}}); },
          "links[0].parts[0]", "range");
}

TEST_CASE("disclosure: threads auditing at once agree with one alone", "[disclosure]") {
  // GLPK keeps its environment per thread (Debian's build has thread-local storage); each audit
  // makes and deletes its own problems. Four threads protect the 2-D table of the determinism
  // test and the 1-D table of the first test at once; every record equals the one made alone.
  const Problem a = table_problem(
      Table{{4, 3}, counts({3, 1, 7, 11, 5, 8, 2, 15, 9, 4, 6, 19, 4, 6, 3, 13, 21, 19, 18, 58})});
  const Problem b = table_problem(Table{{4}, counts({0, 1, 2, 3, 6})});
  const std::string want_a = protect(a).to_json(Options{}).dump();
  const std::string want_b = protect(b).to_json(Options{}).dump();
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&got, &a, &b, t] {
      for (int r = 0; r < 20; ++r) got[t] = protect(t % 2 == 0 ? a : b).to_json(Options{}).dump();
    });
  for (std::thread& th : threads) th.join();
  for (std::size_t t = 0; t < got.size(); ++t) CHECK(got[t] == (t % 2 == 0 ? want_a : want_b));
}

TEST_CASE("disclosure: a lone cell in no constraint is suppressed and audited without a solver", "[disclosure]") {
  // A table of its total alone (an indicator asked for without dimensions): a count of 2 is
  // primary (0 < 2 < 3); nothing links it, so its feasible range is [0, unbounded), wider than
  // its protection interval [0, 5]. GLPK refuses a problem without rows: none is needed.
  clmis::indicators::Problem pb;
  pb.cells.push_back(clmis::indicators::Cell::count(2));
  const auto p = clmis::indicators::protect(pb);
  REQUIRE(p.cells.size() == 1);
  CHECK(p.cells[0].suppressed);
  CHECK(p.cells[0].reason == clmis::indicators::Reason::primary);
  REQUIRE(p.cells[0].range);
  CHECK(p.cells[0].range->lower == 0);
  CHECK_FALSE(p.cells[0].range->upper);
}
