// The indicator definitions of a pack (issue 17; ../shared/INDICATORS.md; docs/indicators.md):
// what the national labour-market indicator package computes, declared in
// data/packs/<name>/indicators.json (named by the pack's "indicators" key) and checked when the
// pack loads — every field, state, record type and dimension a definition names must exist, with
// the right type; a malformed definition is refused with a PackError naming the file and the
// JSON path. The indicators layer computes them (indicators/engine.hpp).
//
// Three kinds (INDICATORS.md): a *ratio* of two additive aggregates × a multiplier, rounded once;
// a *statistic* of one variable (count, sum, mean, median); a *formula* over other indicators'
// unrounded values. An aggregate runs over a record type's records in a population placed in
// periods — a stock at the period's end from the status history, the flows into or out of states
// during the period, or the records whose date field falls in the period — or over an imported
// series. Dimensions (sex, age, geo, eco, ocu, edu) come from fields the pack names per record
// type ("dimensions"), each with a "not stated" cell for records without a value.
#pragma once

#include "pack/pack.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clmis::pack {

/// The dimensions of the indicator package, as the pinned SDMX structure names them (lower
/// case): sex, age (partitions at the reference date), geo (the country's subdivisions), eco
/// (ISIC Rev.4 section), ocu (ISCO-08 major group), edu (ISCED 2011 level).
inline constexpr const char* kIndicatorDimensions[] = {"sex", "age", "geo", "eco", "ocu", "edu"};

/// Where a record type's dimension comes from: a code field (at a level of its code list's
/// hierarchy: 1 = ISIC section, ISCO major group), a birth date (age at the reference date), or a
/// code field of a section — the first entry's value, or the highest code ("pick").
struct DimensionSource {
  std::string dimension;
  std::string field;      ///< the code field, or the birth date (age)
  std::string section;    ///< empty: a field of the record
  int level = 0;          ///< 0: the code itself; n: its ancestor at level n
  bool highest = false;   ///< a section: the highest code of the entries (else the first entry's)
  [[nodiscard]] bool age() const { return dimension == "age"; }
};

/// A filter on an aggregate's records (their values now): {"field", "op": "in" | "not_in" |
/// "is_null" | "not_null", "values"}; or {"deadline": "<id>", "met": "in_time"}: the latest cycle
/// of that deadline was met on or before its due date.
struct IndicatorFilter {
  std::string field;
  std::string op;                   ///< in, not_in, is_null, not_null, deadline_in_time
  std::vector<std::string> values;  ///< codes (a code or text field), or "true"/"false"
  std::string deadline;
};

/// What an aggregate adds up over its population.
struct Aggregate {
  enum class Measure { count, sum, mean, median };
  enum class Population { stock, inflow, outflow, event, series };
  std::string type;  ///< the record type (empty for a series)
  Measure measure = Measure::count;
  /// sum, mean, median: an integer, decimal or money field of the record; or days between two
  /// dates (days_from, days_to: date fields, or "@event": the day the record entered the
  /// population's period event — its inflow, outflow or date).
  std::string field;
  std::string days_from, days_to;
  bool days_inclusive = false;  ///< count both ends (a strike from Monday to Monday: 8 days)
  Population population = Population::event;
  std::vector<std::string> states;  ///< stock, inflow, outflow: the states of the status field
  std::string date_field;           ///< event: the date field that places a record in a period
  std::vector<IndicatorFilter> filters;
  /// series: the imported indicator codes (ILOSTAT's, e.g. EES_TEES_SEX_AGE_NB); two or more
  /// are added up cell by cell (LU3's numerator: unemployed + potential labour force).
  std::vector<std::string> series;
  /// series: dimensions fixed to a code whatever the cell asked for ({"age": "Y15T24"}: the
  /// youth unemployment rate by sex takes every value at ages 15-24). A fixed dimension cannot
  /// be one of the indicator's own.
  std::map<std::string, std::string> at;
  /// The series' codes as one name, "A + B", for notes and lineage.
  [[nodiscard]] std::string series_name() const;
  Json declaration;    ///< as written, for the lineage
  [[nodiscard]] bool additive() const { return measure == Measure::count || measure == Measure::sum; }
};

/// A formula over other indicators' unrounded values at the same period and cell: one of divide
/// (a / b × the multiplier), subtract (a − b), gap ((a − b) / a × 100); each argument an
/// indicator declared before it ({"indicator": "C3"}). An argument at another cell than the
/// formula's (a youth-to-adult ratio) is an indicator whose series fix that cell (Aggregate::at).
struct FormulaArg {
  std::string indicator;
};

struct IndicatorDef {
  std::string id;     ///< "C1", "D1.stock"...
  std::string group;  ///< A, B, C, D
  Label name;
  enum class Kind { ratio, statistic, formula } kind = Kind::statistic;
  std::string unit;           ///< "actions", "workers", "days", "percent", "per_1000"...
  std::int64_t multiplier = 1;  ///< a ratio's or a dividing formula's: 100 (percent), 1,000, 100,000
  int decimals = 0;
  enum class Rounding { half_even, half_up } rounding = Rounding::half_even;
  Aggregate numerator;    ///< ratio: the numerator; statistic: the variable
  Aggregate denominator;  ///< ratio only
  std::string formula_op;  ///< formula: divide, subtract, gap
  std::vector<FormulaArg> formula_args;
  std::vector<std::string> dimensions;  ///< allowed (each alone, and sex × each other)
  std::vector<std::string> periodicity;  ///< of "month", "quarter", "year"
  std::string agency;                   ///< responsible agency (DOL, NSO, NIS)
  std::string ilostat;                  ///< ILOSTAT indicator code, or empty
  std::map<std::string, Label> metadata;  ///< definition, source, method, limitations
  std::string version;  ///< "<pack version>/<first 12 hex of the definition's SHA-256>"
  Json declaration;     ///< as written
  bool from_profile = false;
};

struct IndicatorPackage {
  std::vector<IndicatorDef> indicators;
  /// record type → dimension → where it comes from
  std::map<std::string, std::map<std::string, DimensionSource>> dimensions;
  [[nodiscard]] const IndicatorDef* find(std::string_view id) const;
  [[nodiscard]] const DimensionSource* dimension(const std::string& type, const std::string& dim) const;
};

/// Reads and checks the indicators file of a pack (rel: its path in the data source), against
/// the pack's record types; PackError with file and JSON path.
IndicatorPackage load_indicators(const DataSource& src, const std::string& rel, const Pack& pack);

/// Adds or replaces a profile's indicators ("indicators": [definitions] in the country profile,
/// path /indicators/<i>): a definition whose id the pack has replaces it, others are added.
void apply_profile_indicators(IndicatorPackage& package, const Json& list, const std::string& file, const Pack& pack);

}  // namespace clmis::pack
