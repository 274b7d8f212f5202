// Disclosure control: primary suppression, the line rule and the audit by linear programming
// (disclosure.hpp; docs/indicators.md "Disclosure control"; docs/architecture.md §10).
#include "indicators/disclosure.hpp"

#include "clmis/error.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace clmis::indicators {

namespace {

FieldError problem_error(std::string path, Json value, std::string rule, std::string message) {
  return FieldError{"disclosure", std::move(path), std::move(value), std::move(rule), std::move(message)};
}

std::string at(const char* what, std::size_t i) { return std::string(what) + "[" + std::to_string(i) + "]"; }

void check_options(const Options& o, std::vector<FieldError>& errors) {
  if (o.min_count < 1)
    errors.push_back(problem_error("options.min_count", o.min_count, "range", "the minimum count must be at least 1"));
  if (o.p_percent < 0 || o.p_percent > 100)
    errors.push_back(problem_error("options.p_percent", o.p_percent, "range", "p must be from 0 to 100"));
  if (o.frequency_protection < 0 || o.frequency_protection > kMaxCellValue)
    errors.push_back(problem_error("options.frequency_protection", o.frequency_protection, "range",
                                   "the protection of a frequency cell must be from 0 (the minimum count) to 10^15"));
  if (o.magnitude_protection_percent < -1 || o.magnitude_protection_percent > 100)
    errors.push_back(problem_error("options.magnitude_protection_percent", o.magnitude_protection_percent, "range",
                                   "the protection of a magnitude cell must be from 0 to 100 percent (-1: p)"));
}

void check_cells(const std::vector<Cell>& cells, std::vector<FieldError>& errors) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    const std::string p = at("cells", i);
    if (c.value < 0 || c.value > kMaxCellValue) {
      errors.push_back(problem_error(p + ".value", c.value, "range",
                                     "a cell's value must be from 0 to 10^15 (counts, or money in minor units)"));
      continue;
    }
    if (c.kind != CellKind::magnitude) continue;
    if (c.second < 0 || c.largest < c.second || c.largest > c.value || c.value - c.largest < c.second)
      errors.push_back(problem_error(p + ".largest", c.largest, "range",
                                     "the contributions must satisfy 0 <= second <= largest and largest + second <= value"));
    else if (c.contributors < 0 || (c.value == 0) != (c.contributors == 0) || (c.value > 0 && c.largest == 0) ||
             (c.contributors == 1 && (c.second != 0 || c.largest != c.value)) ||
             (c.contributors == 2 && c.largest + c.second != c.value))
      errors.push_back(problem_error(p + ".contributors", c.contributors, "range",
                                     "the number of contributors does not fit the value and its largest contributions"));
  }
}

void check_constraints(const Problem& pb, std::vector<FieldError>& errors) {
  const std::size_t n = pb.cells.size();
  for (std::size_t k = 0; k < pb.constraints.size(); ++k) {
    const Constraint& c = pb.constraints[k];
    const std::string p = at("constraints", k);
    bool in_range = true;
    if (c.total >= n) {
      errors.push_back(problem_error(p + ".total", c.total, "range", "no such cell (there are " + std::to_string(n) + ")"));
      in_range = false;
    }
    if (c.parts.empty()) {
      errors.push_back(problem_error(p + ".parts", Json::array(), "length", "a constraint needs at least one part"));
      continue;
    }
    for (std::size_t j = 0; j < c.parts.size(); ++j)
      if (c.parts[j] >= n) {
        errors.push_back(problem_error(p + "." + at("parts", j), c.parts[j], "range",
                                       "no such cell (there are " + std::to_string(n) + ")"));
        in_range = false;
      }
    if (!in_range) continue;
    std::vector<std::size_t> all = c.parts;
    all.push_back(c.total);
    std::sort(all.begin(), all.end());
    if (std::adjacent_find(all.begin(), all.end()) != all.end()) {
      errors.push_back(problem_error(p, Json(), "range", "a constraint names the same cell twice"));
      continue;
    }
    bool values_ok = true;
    for (std::size_t i : all) values_ok = values_ok && pb.cells[i].value >= 0 && pb.cells[i].value <= kMaxCellValue;
    if (!values_ok) continue;  // reported with the cell
    std::int64_t sum = 0;
    bool overflow = false;
    for (std::size_t i : c.parts) overflow = overflow || __builtin_add_overflow(sum, pb.cells[i].value, &sum);
    if (overflow || sum != pb.cells[c.total].value)
      errors.push_back(problem_error(p, pb.cells[c.total].value, "additivity",
                                     "cell " + std::to_string(c.total) + " is " + std::to_string(pb.cells[c.total].value) +
                                         " but its parts add up to " + (overflow ? std::string("more than 2^63") : std::to_string(sum))));
  }
}

void check_problem(const Problem& pb, const Options& o) {
  std::vector<FieldError> errors;
  check_options(o, errors);
  check_cells(pb.cells, errors);
  check_constraints(pb, errors);
  if (!errors.empty()) throw ValidationError("disclosure control: the problem is refused", std::move(errors));
}

/// The lines (constraints) in canonical order, each as its cells (total first), and the lines of
/// each cell.
struct Lines {
  std::vector<std::vector<std::size_t>> members;
  std::vector<std::vector<std::size_t>> of_cell;
};

Lines lines_of(const Problem& pb) {
  std::vector<std::pair<std::size_t, std::vector<std::size_t>>> keyed;
  keyed.reserve(pb.constraints.size());
  for (const Constraint& c : pb.constraints) {
    std::vector<std::size_t> parts = c.parts;
    std::sort(parts.begin(), parts.end());
    keyed.emplace_back(c.total, std::move(parts));
  }
  std::sort(keyed.begin(), keyed.end());
  Lines out;
  out.of_cell.resize(pb.cells.size());
  for (auto& k : keyed) {
    std::vector<std::size_t> m;
    m.reserve(k.second.size() + 1);
    m.push_back(k.first);
    m.insert(m.end(), k.second.begin(), k.second.end());
    const std::size_t line = out.members.size();
    for (std::size_t cell : m) out.of_cell[cell].push_back(line);
    out.members.push_back(std::move(m));
  }
  return out;
}

void line_rule(const Problem& pb, const Lines& lines, std::vector<Reason>& why) {
  std::vector<std::size_t> count(lines.members.size(), 0);
  for (std::size_t l = 0; l < lines.members.size(); ++l)
    for (std::size_t c : lines.members[l]) count[l] += why[c] != Reason::none ? 1 : 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t l = 0; l < lines.members.size(); ++l) {
      if (count[l] != 1) continue;
      // The non-zero published cell that also completes the most other lines holding exactly
      // one suppressed cell; then the smallest; then the lowest index.
      std::optional<std::size_t> best;
      std::tuple<std::size_t, std::int64_t, std::size_t> best_key{};
      for (std::size_t c : lines.members[l]) {
        if (why[c] != Reason::none || pb.cells[c].value == 0) continue;
        std::size_t helps = 0;
        for (std::size_t other : lines.of_cell[c]) helps += (other != l && count[other] == 1) ? 1 : 0;
        // Larger helps first: compare on its complement.
        auto key = std::make_tuple(static_cast<std::size_t>(-1) - helps, pb.cells[c].value, c);
        if (!best || key < best_key) {
          best = c;
          best_key = key;
        }
      }
      // A line with one suppressed cell always has a non-zero published cell: the suppressed
      // cell is not zero, so neither is the line's total or, if it is the total, one of its parts.
      if (!best) continue;
      why[*best] = Reason::secondary;
      for (std::size_t other : lines.of_cell[*best]) ++count[other];
      changed = true;
    }
  }
}

std::int64_t protection_of(const Cell& c, const Options& o) {
  if (c.kind == CellKind::frequency) return o.frequency_protection > 0 ? o.frequency_protection : o.min_count;
  const std::int64_t pct = o.magnitude_protection_percent >= 0 ? o.magnitude_protection_percent : o.p_percent;
  // ceil(pct × v / 100) without overflow: v <= 10^15, pct <= 100.
  return (pct * c.value + 99) / 100;
}

/// GLPK keeps an environment per thread (Debian's build), made on first use and never freed
/// unless glp_free_env is called in that thread: a thread that audits and ends would leak it.
/// The first call of clmis in a thread makes the environment itself (glp_init_env: 0) and frees
/// it when the thread ends; one the host program made (1: already there) is the host's to free,
/// with every problem it holds, and is left alone.
class EnvOwner {
 public:
  EnvOwner() : owned_(glp_init_env() == 0) {}
  ~EnvOwner() {
    if (owned_) glp_free_env();
  }
  EnvOwner(const EnvOwner&) = delete;
  EnvOwner& operator=(const EnvOwner&) = delete;

 private:
  bool owned_;
};

void env_ready() { thread_local EnvOwner owner; }

/// Restores the caller's GLPK terminal setting.
class TermOff {
 public:
  TermOff() : previous_((env_ready(), glp_term_out(GLP_OFF))) {}
  ~TermOff() { glp_term_out(previous_); }
  TermOff(const TermOff&) = delete;
  TermOff& operator=(const TermOff&) = delete;

 private:
  int previous_;
};

/// The linear program of one pattern: a column per suppressed cell (>= 0), a fixed row per
/// constraint holding one, the published cells moved to the right-hand side (exact integers,
/// at most 10^15 < 2^53, so exact as doubles).
class Lp {
 public:
  Lp(const Problem& pb, const std::vector<bool>& suppressed) : lp_(glp_create_prob()), col_(pb.cells.size(), 0) {
    int cols = 0;
    for (std::size_t i = 0; i < pb.cells.size(); ++i)
      if (suppressed[i]) col_[i] = ++cols;
    if (cols > 0) glp_add_cols(lp_, cols);
    for (int j = 1; j <= cols; ++j) glp_set_col_bnds(lp_, j, GLP_LO, 0.0, 0.0);
    std::vector<int> ind(1);
    std::vector<double> val(1);
    for (const Constraint& c : pb.constraints) {
      ind.resize(1);
      val.resize(1);
      std::int64_t rhs = 0;  // total − Σ parts = 0, the published cells moved right
      auto term = [&](std::size_t cell, int sign) {
        if (col_[cell] != 0) {
          ind.push_back(col_[cell]);
          val.push_back(sign);
        } else {
          rhs -= sign * pb.cells[cell].value;
        }
      };
      term(c.total, 1);
      for (std::size_t p : c.parts) term(p, -1);
      if (ind.size() == 1) continue;
      const int row = glp_add_rows(lp_, 1);
      glp_set_row_bnds(lp_, row, GLP_FX, static_cast<double>(rhs), static_cast<double>(rhs));
      glp_set_mat_row(lp_, row, static_cast<int>(ind.size() - 1), ind.data(), val.data());
    }
  }
  ~Lp() { glp_delete_prob(lp_); }
  Lp(const Lp&) = delete;
  Lp& operator=(const Lp&) = delete;

  /// The minimum (or maximum) of the cell, exactly: the simplex in doubles finds the basis, then
  /// glp_exact (rational arithmetic) proves it and gives the optimum; none when unbounded.
  std::optional<double> optimum(std::size_t cell, bool maximise) {
    const int j = col_[cell];
    // No constraint holds a suppressed cell (a table of its total alone): GLPK's solvers refuse a
    // problem without rows (GLP_EFAIL), and the answer needs none: each cell is >= 0, unbounded.
    if (glp_get_num_rows(lp_) == 0) return maximise ? std::nullopt : std::optional<double>(0.0);
    glp_set_obj_coef(lp_, j, 1.0);
    glp_set_obj_dir(lp_, maximise ? GLP_MAX : GLP_MIN);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;  // keeps the basis for glp_exact (and its status reliable)
    if (glp_simplex(lp_, &parm) != 0) glp_std_basis(lp_);  // glp_exact starts afresh
    const int rc = glp_exact(lp_, &parm);
    const int status = glp_get_status(lp_);
    glp_set_obj_coef(lp_, j, 0.0);
    if (rc == 0 && status == GLP_OPT) return glp_get_obj_val(lp_);
    if (rc == 0 && status == GLP_UNBND && maximise) return std::nullopt;
    // The published values are feasible and the minimum of a non-negative cell is bounded:
    // anything else is the solver's failure.
    throw Error(Errc::generic, "disclosure audit: the linear program of cell " + std::to_string(cell) +
                                   " failed (glp_exact " + std::to_string(rc) + ", status " + std::to_string(status) + ")");
  }

 private:
  glp_prob* lp_;
  std::vector<int> col_;
};

/// Doubles from glp_exact are the exact rational optimum rounded once (relative error 2^-53);
/// the tolerance, one part in 10^9, is far above that and far below one unit for any value a
/// frequency table holds. See docs/architecture.md §10.
double tolerance(double x) { return 1e-9 * std::max(1.0, std::fabs(x)); }

Range range_in(Lp& lp, std::size_t cell) {
  Range r;
  const std::optional<double> lo = lp.optimum(cell, false);
  r.lower = static_cast<std::int64_t>(std::ceil(*lo - tolerance(*lo)));
  if (r.lower < 0) r.lower = 0;
  if (const std::optional<double> hi = lp.optimum(cell, true))
    r.upper = static_cast<std::int64_t>(std::floor(*hi + tolerance(*hi)));
  return r;
}

/// Whether a range reaches the protection interval [max(0, v − P), v + P].
bool safe(const Range& r, const Cell& c, std::int64_t protection) {
  return r.lower <= std::max<std::int64_t>(0, c.value - protection) && (!r.upper || *r.upper >= c.value + protection);
}

/// The cells the audit suppresses for an unsafe cell: those of the cheapest way to move it to
/// the failing end of its protection interval. A linear program over deviations y from the true
/// table: y = 0 on every constraint (the table still adds up), the unsafe cell's deviation fixed
/// (+P for a short maximum, down to max(0, v - P) for a short minimum), every cell's value + y
/// >= 0, published zeros fixed, a suppressed cell free at no cost, a published cell at the cost
/// of its value per unit moved (|y| × value: small cells first, totals last). The published cells the cheapest deviation moves are suppressed: with
/// them, the true table moved by y is feasible, so the unsafe side reaches its end.
///
/// Only the cells within `radius` lines of the unsafe cell may move (the others keep y = 0, so a
/// move found is a move of the whole table): a move is local, and the program over a whole
/// linked year is a hundred times larger. None when no move exists within the radius.
std::optional<std::vector<std::size_t>> cheapest_move(const Problem& pb, const Lines& lines,
                                                      const std::vector<bool>& suppressed, std::size_t cell,
                                                      double shift, int radius) {
  // The cells within the radius, breadth first over the lines.
  std::vector<int> hops(pb.cells.size(), -1);
  std::vector<std::size_t> near = {cell}, frontier = {cell};
  hops[cell] = 0;
  for (int h = 1; h <= radius && !frontier.empty(); ++h) {
    std::vector<std::size_t> next;
    for (std::size_t c : frontier)
      for (std::size_t l : lines.of_cell[c])
        for (std::size_t x : lines.members[l])
          if (hops[x] < 0) {
            hops[x] = h;
            next.push_back(x);
            near.push_back(x);
          }
    frontier = std::move(next);
  }
  std::sort(near.begin(), near.end());
  glp_prob* lp = glp_create_prob();
  struct Free {
    glp_prob* p;
    ~Free() { glp_delete_prob(p); }
  } free_lp{lp};
  // Columns: a suppressed cell's y (>= -v); a published non-zero cell's y+ and y- (y- <= v).
  std::vector<int> plus(pb.cells.size(), 0), minus(pb.cells.size(), 0);
  int cols = 0;
  for (std::size_t j : near) {
    if (!suppressed[j] && pb.cells[j].value == 0) continue;
    plus[j] = ++cols;
    if (!suppressed[j]) minus[j] = ++cols;
  }
  glp_add_cols(lp, cols);
  for (std::size_t j : near) {
    if (plus[j] == 0) continue;
    const double value = static_cast<double>(pb.cells[j].value);
    if (suppressed[j]) {
      if (j == cell) glp_set_col_bnds(lp, plus[j], GLP_FX, shift, shift);
      else glp_set_col_bnds(lp, plus[j], GLP_LO, -value, 0.0);
    } else {
      glp_set_col_bnds(lp, plus[j], GLP_LO, 0.0, 0.0);
      glp_set_col_bnds(lp, minus[j], GLP_DB, 0.0, value);
      glp_set_obj_coef(lp, plus[j], value);
      glp_set_obj_coef(lp, minus[j], value);
    }
  }
  // Rows: every line holding a cell that may move (its other cells keep y = 0).
  std::vector<bool> seen(lines.members.size(), false);
  std::vector<int> ind(1);
  std::vector<double> val(1);
  for (std::size_t j : near)
    for (std::size_t l : lines.of_cell[j]) {
      if (seen[l]) continue;
      seen[l] = true;
      ind.resize(1);
      val.resize(1);
      const auto& m = lines.members[l];
      for (std::size_t k = 0; k < m.size(); ++k) {
        const std::size_t x = m[k];
        if (plus[x] == 0) continue;
        const double sign = k == 0 ? 1.0 : -1.0;  // the total first
        ind.push_back(plus[x]);
        val.push_back(sign);
        if (minus[x] != 0) {
          ind.push_back(minus[x]);
          val.push_back(-sign);
        }
      }
      if (ind.size() == 1) continue;
      const int row = glp_add_rows(lp, 1);
      glp_set_row_bnds(lp, row, GLP_FX, 0.0, 0.0);
      glp_set_mat_row(lp, row, static_cast<int>(ind.size() - 1), ind.data(), val.data());
    }
  std::vector<std::size_t> out;
  if (glp_get_num_rows(lp) == 0) return out;  // nothing holds the cell: it moves alone
  glp_set_obj_dir(lp, GLP_MIN);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;  // a quarter of the time on a linked year; "no feasible move" is not 0
  if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT) return std::nullopt;
  for (std::size_t j : near)
    if (minus[j] != 0 && std::fabs(glp_get_col_prim(lp, plus[j]) - glp_get_col_prim(lp, minus[j])) > 1e-7) out.push_back(j);
  return out;
}

/// The audit's cells for an unsafe cell: the cheapest move within 3 lines of it, else within 6,
/// else anywhere; empty when none exists (the caller falls back to the line's smallest cell).
/// (On the demo's linked years a move within 2 lines never existed, and 3 then 6 took least.)
std::vector<std::size_t> audit_choice(const Problem& pb, const Lines& lines, const std::vector<bool>& suppressed,
                                      std::size_t cell, const Range& range, std::int64_t protection) {
  const std::int64_t v = pb.cells[cell].value;
  const bool up = range.upper && *range.upper < v + protection;
  const double shift = up ? static_cast<double>(protection) : -static_cast<double>(std::min(v, protection));
  for (int radius : {3, 6, static_cast<int>(pb.cells.size())})
    if (auto move = cheapest_move(pb, lines, suppressed, cell, shift, radius)) return *move;
  return {};
}

/// Without a deviation to follow: the smallest non-zero published cell of a line holding the
/// cell (then the lowest index); failing that, of the whole problem.
std::optional<std::size_t> line_choice(const Problem& pb, const Lines& lines, const std::vector<Reason>& why,
                                       std::size_t cell) {
  std::optional<std::size_t> best;
  auto consider = [&](std::size_t c) {
    if (why[c] != Reason::none || pb.cells[c].value == 0) return;
    if (!best || std::make_pair(pb.cells[c].value, c) < std::make_pair(pb.cells[*best].value, *best)) best = c;
  };
  for (std::size_t l : lines.of_cell[cell])
    for (std::size_t c : lines.members[l]) consider(c);
  if (!best)
    for (std::size_t c = 0; c < pb.cells.size(); ++c) consider(c);
  return best;
}

}  // namespace

const char* to_string(Reason r) {
  switch (r) {
    case Reason::primary: return "primary";
    case Reason::secondary: return "secondary";
    case Reason::audit: return "audit";
    case Reason::none: break;
  }
  return "none";
}

bool primary_unsafe(const Cell& c, const Options& o) {
  if (c.value == 0) return false;
  if (c.kind == CellKind::frequency) return c.value < o.min_count;
  // p% rule in integers: unsafe if 100 (total − largest − second) < p × largest.
  return 100 * (c.value - c.largest - c.second) < static_cast<std::int64_t>(o.p_percent) * c.largest;
}

void apply_line_rule(const Problem& problem, std::vector<Reason>& pattern) {
  if (pattern.size() != problem.cells.size()) throw Misuse("apply_line_rule: one reason per cell");
  check_problem(problem, Options{});
  line_rule(problem, lines_of(problem), pattern);
}

Range feasible_range(const Problem& problem, const std::vector<bool>& suppressed, std::size_t cell) {
  if (suppressed.size() != problem.cells.size() || cell >= problem.cells.size())
    throw Misuse("feasible_range: one flag per cell, and a cell of the problem");
  check_problem(problem, Options{});  // GLPK must never see a malformed program: it aborts
  if (!suppressed[cell]) return Range{problem.cells[cell].value, problem.cells[cell].value};
  TermOff quiet;
  Lp lp(problem, suppressed);
  return range_in(lp, cell);
}

std::vector<std::size_t> Protection::suppressed() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (cells[i].suppressed) out.push_back(i);
  return out;
}

Json Protection::to_json(const Options& o) const {
  Json j;
  j["method"] = "clmis-disclosure-1";
  j["options"] = Json{{"min_count", o.min_count},
                      {"p_percent", o.p_percent},
                      {"frequency_protection", o.frequency_protection > 0 ? o.frequency_protection : o.min_count},
                      {"magnitude_protection_percent",
                       o.magnitude_protection_percent >= 0 ? o.magnitude_protection_percent : o.p_percent},
                      {"protect_secondary", o.protect_secondary}};
  j["cells"] = cells.size();
  j["rounds"] = rounds;
  Json list = Json::array();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const CellOutcome& c = cells[i];
    if (!c.suppressed) continue;
    Json e{{"cell", i}, {"status", "Q"}, {"reason", to_string(c.reason)}};
    if (c.range) {
      e["lower"] = c.range->lower;
      e["upper"] = c.range->upper ? Json(*c.range->upper) : Json();
    }
    list.push_back(std::move(e));
  }
  j["suppressed_count"] = list.size();
  j["suppressed"] = std::move(list);
  return j;
}

Protection protect(const Problem& pb, const Options& o) {
  check_problem(pb, o);
  const std::size_t n = pb.cells.size();
  const Lines lines = lines_of(pb);
  std::vector<Reason> why(n, Reason::none);
  for (std::size_t i = 0; i < n; ++i)
    if (primary_unsafe(pb.cells[i], o)) why[i] = Reason::primary;

  TermOff quiet;
  Protection out;
  // Suppressing more only widens every range (fewer values fixed), so a cell found safe stays
  // safe; the last round solves again, for the record, the cells found safe in earlier rounds.
  std::vector<bool> known_safe(n, false);
  for (;;) {
    line_rule(pb, lines, why);
    ++out.rounds;
    std::vector<bool> suppressed(n);
    for (std::size_t i = 0; i < n; ++i) suppressed[i] = why[i] != Reason::none;
    Lp lp(pb, suppressed);
    std::vector<std::optional<Range>> ranges(n);  // solved in this round
    std::optional<std::size_t> unsafe;
    for (std::size_t i = 0; i < n && !unsafe; ++i) {
      if (!suppressed[i] || known_safe[i]) continue;
      const bool protect_it = o.protect_secondary || why[i] == Reason::primary;
      if (!protect_it) {  // a cell suppressed only to protect others needs no interval of its own
        known_safe[i] = true;
        continue;
      }
      ranges[i] = range_in(lp, i);
      if (safe(*ranges[i], pb.cells[i], protection_of(pb.cells[i], o)))
        known_safe[i] = true;
      else
        unsafe = i;
    }
    if (unsafe) {
      std::vector<std::size_t> more = audit_choice(pb, lines, suppressed, *unsafe, *ranges[*unsafe],
                                                   protection_of(pb.cells[*unsafe], o));
      if (more.empty())
        if (const auto c = line_choice(pb, lines, why, *unsafe)) more.push_back(*c);
      // Every non-zero cell suppressed leaves the published cells all zero: the feasible set is
      // then a cone through the true values, unbounded above, so no cell can be unsafe.
      if (more.empty())
        throw Error(Errc::generic, "disclosure audit: cell " + std::to_string(*unsafe) + " cannot be protected");
      for (std::size_t c : more) why[c] = Reason::audit;
      continue;
    }
    out.cells.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      CellOutcome& c = out.cells[i];
      c.suppressed = suppressed[i];
      c.reason = why[i];
      if (!c.suppressed) continue;
      c.range = ranges[i] ? *ranges[i] : range_in(lp, i);
      c.protection = protection_of(pb.cells[i], o);
      // A cell the published cells already fix exactly is published: it tells nothing they do
      // not, and every other range stays as it is.
      if (c.reason != Reason::primary && c.range->upper && c.range->lower == *c.range->upper) {
        c = CellOutcome{};
        ++out.published_back;
      }
    }
    return out;
  }
}

std::size_t table_index(const std::vector<std::size_t>& dims, const std::vector<std::size_t>& coords) {
  if (coords.size() != dims.size()) throw Misuse("table_index: one coordinate per dimension");
  std::size_t idx = 0;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (coords[d] > dims[d]) throw Misuse("table_index: coordinate out of range");
    idx = idx * (dims[d] + 1) + coords[d];
  }
  return idx;
}

namespace {

std::size_t check_table(const Table& t, const std::string& path, std::vector<FieldError>& errors) {
  if (t.dims.empty() || t.dims.size() > 3) {
    errors.push_back(problem_error(path + ".dims", t.dims.size(), "length",
                                   "a table has one to three dimensions (" + std::to_string(t.dims.size()) + " given)"));
    return 0;
  }
  std::size_t cells = 1;
  for (std::size_t d = 0; d < t.dims.size(); ++d) {
    if (t.dims[d] == 0 || t.dims[d] > 100000) {
      errors.push_back(problem_error(path + "." + at("dims", d), t.dims[d], "range",
                                     "a dimension has 1 to 100000 categories"));
      return 0;
    }
    cells *= t.dims[d] + 1;
  }
  if (cells > 10'000'000) {
    errors.push_back(problem_error(path + ".cells", cells, "range", "a table has at most 10^7 cells with its margins"));
    return 0;
  }
  if (t.cells.size() != cells) {
    errors.push_back(problem_error(path + ".cells", t.cells.size(), "length",
                                   "the table needs " + std::to_string(cells) + " cells with its margins, " +
                                       std::to_string(t.cells.size()) + " given"));
    return 0;
  }
  return cells;
}

void table_constraints(const std::vector<std::size_t>& dims, std::size_t offset, std::vector<Constraint>& out) {
  const std::size_t nd = dims.size();
  std::size_t cells = 1;
  for (std::size_t n : dims) cells *= n + 1;
  std::vector<std::size_t> coords(nd);
  for (std::size_t d = 0; d < nd; ++d)
    // Every cell at the total of dimension d, in row-major order: the line along d through it.
    for (std::size_t idx = 0; idx < cells; ++idx) {
      for (std::size_t k = nd, rest = idx; k > 0; --k) {
        coords[k - 1] = rest % (dims[k - 1] + 1);
        rest /= dims[k - 1] + 1;
      }
      if (coords[d] != dims[d]) continue;
      Constraint c;
      c.total = offset + idx;
      for (std::size_t i = 0; i < dims[d]; ++i) {
        coords[d] = i;
        c.parts.push_back(offset + table_index(dims, coords));
      }
      out.push_back(std::move(c));
    }
}

}  // namespace

Problem table_problem(const Table& table) {
  std::vector<FieldError> errors;
  if (check_table(table, "table", errors) == 0) throw ValidationError("disclosure control: the table is refused", std::move(errors));
  Problem pb;
  pb.cells = table.cells;
  table_constraints(table.dims, 0, pb.constraints);
  return pb;
}

Linked link_tables(const std::vector<Table>& tables, const std::vector<Link>& links) {
  std::vector<FieldError> errors;
  Linked out;
  std::size_t offset = 0;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    out.offsets.push_back(offset);
    offset += check_table(tables[t], at("tables", t), errors);
  }
  for (std::size_t k = 0; k < links.size(); ++k) {
    const Link& l = links[k];
    const std::string p = at("links", k);
    if (l.whole >= tables.size()) {
      errors.push_back(problem_error(p + ".whole", l.whole, "range", "no such table"));
      continue;
    }
    if (l.parts.empty()) errors.push_back(problem_error(p + ".parts", Json::array(), "length", "a link needs parts"));
    for (std::size_t j = 0; j < l.parts.size(); ++j) {
      const std::string pp = p + "." + at("parts", j);
      if (l.parts[j] >= tables.size())
        errors.push_back(problem_error(pp, l.parts[j], "range", "no such table"));
      else if (l.parts[j] == l.whole)
        errors.push_back(problem_error(pp, l.parts[j], "range", "a table cannot be a part of itself"));
      else if (tables[l.parts[j]].dims != tables[l.whole].dims)
        errors.push_back(problem_error(pp, l.parts[j], "range", "a linked table must have the same dimensions"));
    }
  }
  if (!errors.empty()) throw ValidationError("disclosure control: the linked tables are refused", std::move(errors));
  for (std::size_t t = 0; t < tables.size(); ++t) {
    out.problem.cells.insert(out.problem.cells.end(), tables[t].cells.begin(), tables[t].cells.end());
    table_constraints(tables[t].dims, out.offsets[t], out.problem.constraints);
  }
  for (const Link& l : links)
    for (std::size_t q = 0; q < tables[l.whole].cells.size(); ++q) {
      Constraint c;
      c.total = out.offsets[l.whole] + q;
      for (std::size_t p : l.parts) c.parts.push_back(out.offsets[p] + q);
      out.problem.constraints.push_back(std::move(c));
    }
  return out;
}

}  // namespace clmis::indicators
