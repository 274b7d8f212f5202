// Disclosure control of the indicator engine (issue 17; INDICATORS.md "Disclosure control",
// docs/indicators.md "Disclosure control"): which cells of a table, or of several tables that
// share totals, are suppressed (status Q) before anything leaves for the public, and why.
//
// The problem is general: cells (exact integers: counts, or money in minor units) and additivity
// constraints "cell[total] = Σ cell[parts]". A table of up to three dimensions with its margins
// is one such problem (table_problem); linked tables (months, the quarter and the year sharing
// totals) are one problem with more constraints (link_tables). The constraints are the "lines"
// of the secondary suppression and the equations of the audit.
//
//   1. primary: a frequency cell with 0 < count < min_count; a magnitude cell failing the p% rule
//      (100 × (total − largest − second) < p × largest, in integers). Zeros never.
//   2. secondary (the line rule), repeated until nothing changes: every line holding exactly one
//      suppressed cell gets a second one — the non-zero published cell of the line that also
//      completes the most other lines holding exactly one, then the smallest, then the lowest
//      index. Lines are taken in a canonical order (by total, then parts), so the order in which
//      constraints are given does not matter.
//   3. audit: each suppressed cell's feasible range (min and max of two linear programs over the
//      suppressed cells, every published cell fixed, every constraint, non-negativity) must
//      reach the protection interval [max(0, v − P), v + P]. If one does not, the published
//      cells of the cheapest move of the table that takes it to the failing end of its interval
//      (a linear program: every constraint kept, no cell negative, published zeros fixed, a
//      published cell costing its value per unit moved) are suppressed (reason audit), the line
//      rule runs again, and the audit starts again, until every cell it judges passes.
//   4. a secondary or audit cell that the published cells fix exactly is published back.
//
// Pure computation over core only: no SQLite, no clock. The linear programs use GLPK (Debian's
// libglpk), each solve on its own glp_prob created and deleted in the call, terminal output off
// (the caller's setting restored). GLPK keeps its environment per thread when built reentrant
// (Debian's is), so protect() may run in several threads at once; with a GLPK built without
// thread-local storage only one thread of the process may call it at a time.
#pragma once

#include "clmis/value.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::indicators {

/// Cell values beyond this are refused: the linear programs hold them in doubles, which are
/// exact integers up to 2^53 (9.007e15); 10^15 (ten trillion in cents) leaves room for the sums.
inline constexpr std::int64_t kMaxCellValue = 1'000'000'000'000'000;

enum class CellKind { frequency, magnitude };

/// One cell of a table: an exact integer. For a magnitude cell (a sum of money in minor units,
/// or of workers) the two largest contributions and the number of contributors, for the p% rule.
struct Cell {
  std::int64_t value = 0;
  CellKind kind = CellKind::frequency;
  std::int64_t largest = 0;       ///< magnitude: the largest contribution
  std::int64_t second = 0;        ///< magnitude: the second largest (0 with one contributor)
  std::int64_t contributors = 0;  ///< magnitude: how many contributions the value sums

  static Cell count(std::int64_t n) { return Cell{n, CellKind::frequency, 0, 0, 0}; }
  static Cell magnitude(std::int64_t v, std::int64_t l1, std::int64_t l2, std::int64_t n) {
    return Cell{v, CellKind::magnitude, l1, l2, n};
  }
};

/// Additivity: cells[total] = Σ cells[parts].
struct Constraint {
  std::size_t total = 0;
  std::vector<std::size_t> parts;
};

struct Problem {
  std::vector<Cell> cells;
  std::vector<Constraint> constraints;
};

struct Options {
  std::int64_t min_count = 3;  ///< frequency: 0 < count < min_count is primary
  int p_percent = 10;          ///< magnitude: the p% rule
  /// The protection interval is [max(0, v − P), v + P]: P = frequency_protection for a frequency
  /// cell (0: min_count), ceil(magnitude_protection_percent % × v) for a magnitude cell (−1: p).
  std::int64_t frequency_protection = 0;
  int magnitude_protection_percent = -1;
  /// true (the rule as INDICATORS.md writes it): every suppressed cell must reach its protection
  /// interval; false (classical disclosure control, the indicator requests' default): only the
  /// primary cells must, a cell suppressed to protect them has none of its own.
  bool protect_secondary = true;
};

enum class Reason { none, primary, secondary, audit };
const char* to_string(Reason r);

/// A suppressed cell's feasible range, rounded inwards to integers (a cell is an integer):
/// lower = ⌈min⌉, upper = ⌊max⌋, none when the maximum is unbounded.
struct Range {
  std::int64_t lower = 0;
  std::optional<std::int64_t> upper;
  friend bool operator==(const Range& a, const Range& b) { return a.lower == b.lower && a.upper == b.upper; }
};

struct CellOutcome {
  bool suppressed = false;  ///< status Q; published otherwise
  Reason reason = Reason::none;
  std::optional<Range> range;  ///< the audited feasible range of a suppressed cell
  std::int64_t protection = 0;  ///< P of its protection interval (suppressed cells)
};

struct Protection {
  std::vector<CellOutcome> cells;  ///< one per cell of the problem, in its order
  int rounds = 0;                  ///< audit rounds (1 when the line rule alone sufficed)
  /// Cells the line rule or the audit suppressed that the published cells fix exactly anyway,
  /// published in the end (they tell nothing; no other range changes).
  int published_back = 0;

  [[nodiscard]] std::vector<std::size_t> suppressed() const;
  /// The pattern for the release's record: options, counts, and each suppressed cell with its
  /// reason and feasible range. No cell value nor protection interval (a range is what anyone
  /// can compute from the published cells; the interval would tell the value). Deterministic.
  [[nodiscard]] Json to_json(const Options& options) const;
};

/// Decides the suppression pattern. ValidationError (code invalid, each problem named by path
/// and rule, all of them) for bad options, a negative or too large value, an inconsistent
/// magnitude cell, a constraint naming a cell out of range or twice, or a constraint whose cells
/// do not add up. Error (generic) if the solver fails, which valid input does not cause.
[[nodiscard]] Protection protect(const Problem& problem, const Options& options = {});

/// The primary rule alone for one cell.
[[nodiscard]] bool primary_unsafe(const Cell& cell, const Options& options);

/// The line rule alone: from a pattern (reason per cell, none = published), suppresses until no
/// line holds exactly one suppressed cell. ValidationError for a problem protect() refuses.
void apply_line_rule(const Problem& problem, std::vector<Reason>& pattern);

/// The feasible range of cells[cell] when the cells marked true are suppressed and the others
/// published (its own value if it is published). ValidationError for a problem protect() refuses.
[[nodiscard]] Range feasible_range(const Problem& problem, const std::vector<bool>& suppressed,
                                   std::size_t cell);

/// A table of one to three dimensions with its margins: dims[d] categories in dimension d, and
/// (dims[0]+1) × ... cells in row-major order, the last position of each dimension its total.
struct Table {
  std::vector<std::size_t> dims;
  std::vector<Cell> cells;
};

/// The index of a cell of a table (coordinates: dims[d] for the total). Misuse out of range.
[[nodiscard]] std::size_t table_index(const std::vector<std::size_t>& dims, const std::vector<std::size_t>& at);

/// The problem of one table: its cells and, along each dimension in turn, one constraint per
/// line (the total position = the sum of the categories), for every position of the others,
/// margins included. ValidationError for no or more than 3 dimensions, a dimension of 0
/// categories, or a number of cells that does not match.
[[nodiscard]] Problem table_problem(const Table& table);

/// Every cell of tables[whole] = the sum of the same cell of each of tables[parts] (a quarter
/// and its three months; a year and its quarters). The tables must have the same dims.
struct Link {
  std::size_t whole = 0;
  std::vector<std::size_t> parts;
};

struct Linked {
  Problem problem;
  std::vector<std::size_t> offsets;  ///< index of each table's first cell in problem.cells
};

/// Several tables as one problem: their cells one after the other, their own constraints and
/// the links'. ValidationError for a bad table or a link naming a missing table, itself, or a
/// table of other dims.
[[nodiscard]] Linked link_tables(const std::vector<Table>& tables, const std::vector<Link>& links);

}  // namespace clmis::indicators
