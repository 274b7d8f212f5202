// The indicator engine (issue 17; docs/indicators.md): computes the pack's indicator definitions
// (pack/indicators.hpp) over the records and their status history, exactly, for periods and
// disaggregations.
//
// How a value is made:
// - The records of the aggregate's type (not archived, passing its filters) are read once, with
//   the raw values of the dimensions asked for, the measure and the dates that place them.
// - Each record contributes to a period as its population says: a *stock* at the period's last
//   day (its status then, from the status history, in the states), an *inflow* / *outflow* on
//   the day it entered / left the states during the period, an *event* on the day in its date
//   field. Ages are taken at that reference day (the period's end for stocks, the event's day
//   for flows and events).
// - Every contribution is added to the total cell and to one cell of each breakdown asked for:
//   each dimension alone and sex × each other dimension. Partitions have a "not stated" cell
//   (_N), so they add up to the total, which is accumulated on its own path; the age summary
//   bands (15+, 15–64, 25+, 25–54) are counted from the ages, never summed from partitions.
// - Counts are integers, sums exact (int128), rates exact rationals × the multiplier, rounded
//   once at the end by the declared rule (half-even by default). A zero denominator, or a mean
//   or median of nothing, gives status M and no value; a series value that is missing gives O.
#pragma once

#include "clmis/value.hpp"
#include "pack/indicators.hpp"
#include "security/context.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::indicators {

using Rational = boost::multiprecision::cpp_rational;

/// A reporting period: a year "2024", a quarter "2024-Q1" or a month "2024-01" (SDMX's
/// TIME_PERIOD), with its first and last day.
struct Period {
  std::string code;
  char freq = 'A';  ///< A, Q, M
  Date first{}, last{};
};

/// The periods of a request: "2024", "2024-Q1", "2024-01", or a range of years "2020..2024";
/// freq ("year", "quarter", "month", or empty: the period's own) splits them. ValidationError
/// (path "period"/"freq") for a period that cannot exist (2024-13, 2024-Q5, 1899, 2024..2020).
std::vector<Period> parse_periods(const std::string& spec, const std::string& freq);

/// The age partitions and summary bands (SDMX AGE codes) and the age band of an age in years.
std::string age_partition(std::int64_t years);
const std::vector<std::string>& age_summary_bands();
bool in_summary_band(const std::string& band, std::int64_t years);

/// Rounds value to decimals places (half-even, or half-up away from zero) and writes it as
/// "-12.50". Exact: the rational is never a binary floating-point number.
std::string round_decimal(const Rational& value, int decimals, pack::IndicatorDef::Rounding rule);

/// A value of an imported series for the engine: exact, with the period it is for (a monthly
/// indicator over an annual series takes the year's value, flagged E).
struct SeriesValue {
  Rational value;
  std::string period;
  char status = 'A';  ///< the agency's status of the value (U: low reliability, P, E...)
};
/// Where the engine finds imported series (the partner agencies' data): code (ILOSTAT's, e.g.
/// EES_TEES_SEX_AGE_NB), the period and the dimension cell (dimension → SDMX code; absent = _T).
using SeriesLookup = std::function<std::optional<SeriesValue>(const std::string& code, const Period& period,
                                                              const std::map<std::string, std::string>& cell)>;

/// A progress callback: done of total indicators computed, the last one's id.
using Progress = std::function<void(std::size_t done, std::size_t total, const std::string& indicator)>;

/// One computed value.
struct Observation {
  std::string indicator;
  std::string version;  ///< of the definition
  Period period;
  std::map<std::string, std::string> cell;  ///< dimension → SDMX code; empty: the total
  std::optional<Rational> numerator;        ///< before rounding (a statistic's value: here)
  std::optional<Rational> denominator;      ///< ratio only
  std::optional<std::string> value;         ///< rounded; none when the status says why
  char status = 'A';                        ///< A, E, M, O (Q: disclosure control)
  /// The contributions that made the numerator and denominator: records (for flows, each flow:
  /// a record that entered twice in the period counts twice).
  std::int64_t records = 0;
  std::string note;                         ///< why M, O, E or Q
  /// What disclosure control judges (record-based numerators only): the count of contributions,
  /// or a sum (in minor units) with its two largest contributions.
  struct Protectable {
    bool magnitude = false;
    std::int64_t value = 0, largest = 0, second = 0, contributors = 0;
  };
  std::optional<Protectable> protectable;
};

struct Request {
  std::vector<std::string> indicators;  ///< ids; empty: every indicator of the pack
  std::vector<Period> periods;
  std::vector<std::string> by;          ///< dimensions: each alone, and sex × each other
  /// Disclosure control (docs/indicators.md): every table of an indicator and period — the
  /// total, each dimension alone, sex × each other and the age summary bands, linked by their
  /// sums — gets its suppression pattern; suppressed cells have status Q and no value.
  bool protect = false;
  std::int64_t min_count = 3;  ///< frequency cells: 0 < count < min_count is unsafe
  int p_percent = 10;          ///< magnitude cells: the p% rule
  /// true (the default, INDICATORS.md's rule): every suppressed cell must reach its protection
  /// interval; false (classical disclosure control): the primary cells must, a cell suppressed
  /// to protect them has none of its own (Options::protect_secondary; docs/indicators.md says
  /// what each costs).
  bool protect_secondary = true;
  /// When set (and protect is), one entry is appended per problem solved: the pattern as it is
  /// recorded with the release (disclosure_record), deterministic like the pattern itself.
  Json* disclosure_record = nullptr;
  /// Called after each indicator is computed (those a formula needs, asked for or not, count):
  /// done of total, and its id. For a progress bar; it must not call the engine.
  Progress progress;
};

/// The record of one disclosure-control problem (Request::disclosure_record): {"indicator",
/// "version", "periods": [codes, in the problem's order], "method", "options", "cells" (how many,
/// zeros included), "rounds", "suppressed_count", "suppressed": [{"period", "cell", "reason",
/// "lower", "upper"}]}: each suppressed value with why and its feasible range under the
/// published values (upper null: unbounded). No value and no protection interval (it would tell
/// the value); the ranges are what anyone can compute from what is published.

/// Computes the request. The user needs "read" with scope all on every record type the
/// indicators read (PermissionDenied naming it); ValidationError for an unknown indicator, a
/// dimension an indicator does not allow, or a periodicity it does not have.
std::vector<Observation> compute(detail::Context& cx, const Request& request, const SeriesLookup& series);

/// One cell of an analyst's table: the dimension codes (empty: the total) and the count.
struct CrossCell {
  std::map<std::string, std::string> cell;
  std::int64_t count = 0;
};

/// An analyst's own table (Session::stock, Session::flows): the records of a type in a
/// population — a stock on a day (period: that day), the flows into or out of states, or the
/// records whose date falls in the period — counted in every combination of the dimensions (up to
/// 6; "not stated" _N; age partitions and summary bands), the total first. Cells with no record
/// are left out. Needs "read" with scope all on the type.
std::vector<CrossCell> crosstab(detail::Context& cx, const pack::Aggregate& a, const Period& period,
                                const std::vector<std::string>& by);

/// The dimensions every value of an indicator is at, whatever the cell asked for: those its
/// series fix ({"age": "Y15T24"} for a youth rate; empty when its numerator and denominator fix
/// different cells). Its observations' cells include them.
std::map<std::string, std::string> fixed_cell(const pack::IndicatorDef& d);

/// The SQL that reads an aggregate's records, as compute() runs it (the lineage).
std::string aggregate_sql(detail::Context& cx, const pack::Aggregate& a, const std::vector<std::string>& dims);

/// An observation as JSON: {"indicator", "version", "period", "freq", "cell": {dim: code},
/// "value" (decimal text or null), "status", "numerator", "denominator" (exact: "7/3" or "12"),
/// "records", "note"}.
Json to_json(const Observation& o);

}  // namespace clmis::indicators
