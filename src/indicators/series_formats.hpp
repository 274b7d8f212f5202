// The files partner agencies send their aggregates in (issue 17, "Survey and partner data";
// docs/indicators.md, "Series"): ILOSTAT's bulk CSV as downloaded, SDMX-CSV 2.0 of the pinned
// structure CLMIS:LMI(1.0), and a plain CSV. Pure functions of the bytes given: no database, no
// floating point. Every value is kept as exact decimal text; every period is brought to its
// canonical SDMX form; every dimension to its SDMX code (INDICATORS.md, "Code mapping for
// exchange").
//
// A file is read whole and checked whole: parse_series throws one ValidationError listing every
// problem found (at most kMaxProblems), each with its line and column, and returns nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace clmis::indicators {

enum class SeriesFormat { ilostat, sdmx_csv, csv };

/// "ilostat", "sdmx-csv" or "csv"; nullopt for anything else.
[[nodiscard]] std::optional<SeriesFormat> series_format(std::string_view name) noexcept;
[[nodiscard]] std::string_view to_string(SeriesFormat f) noexcept;

/// The pinned SDMX structure's identity and its dimensions after REF_AREA, FREQ and INDICATOR.
inline constexpr const char* kSeriesStructure = "CLMIS:LMI(1.0)";
/// The observation statuses of INDICATORS.md: A normal, E estimated, P provisional, B break,
/// Q suppressed, U low reliability, O missing, M cannot exist.
inline constexpr const char* kSeriesStatuses = "AEPBQUOM";
/// The largest file parse_series reads (bytes) and the most problems it lists.
inline constexpr std::size_t kMaxSeriesBytes = std::size_t{64} * 1024 * 1024;
inline constexpr std::size_t kMaxProblems = 100;

/// The SDMX codes of an observation's dimensions (CLMIS:LMI(1.0)): "_Z" where the indicator
/// does not use the dimension, "_T" for a total, "_N" for not stated.
struct SeriesKey {
  std::string sex = "_Z", age = "_Z", eco = "_Z", ocu = "_Z", edu = "_Z", geo = "_Z";
  friend bool operator==(const SeriesKey&, const SeriesKey&) = default;
  friend bool operator<(const SeriesKey& a, const SeriesKey& b) {
    return std::tie(a.sex, a.age, a.eco, a.ocu, a.edu, a.geo) < std::tie(b.sex, b.age, b.eco, b.ocu, b.edu, b.geo);
  }
};

/// A period in its canonical SDMX form (TIME_PERIOD): "2024" (freq A), "2024-Q1" (Q), "2024-01"
/// (M), "2024-01-15" (D); its first and last day as days since 1970-01-01.
struct SeriesPeriod {
  std::string text;
  char freq = 'A';
  std::int64_t first_day = 0, last_day = 0;
};

/// Reads a period written as SDMX writes it (2024, 2024-Q1, 2024-01, 2024-01-15) or as ILOSTAT
/// does (2024, 2024Q1, 2024M01); years 1000 to 9999. nullopt for a period that cannot exist
/// (2024Q5, 2024M13, 2024-02-30) or any other text.
[[nodiscard]] std::optional<SeriesPeriod> parse_period(std::string_view s);

/// The canonical text of a plain decimal numeral ("-12.50", "0.5", "1234"): an optional minus,
/// digits, optionally a point and digits; leading zeros dropped, the fractional digits kept as
/// given (they say how precise the figure is), "-0" written "0". At most 18 significant digits
/// and 18 fractional digits, so that the value is exactly units × 10^-scale in 64 bits. nullopt
/// for anything else (exponents, "1,000", ".5", "5.", spaces).
[[nodiscard]] std::optional<std::string> canonical_decimal(std::string_view s);
/// True when two canonical decimals are the same number ("5.0" and "5.00").
[[nodiscard]] bool same_number(std::string_view a, std::string_view b);

/// ILOSTAT's unit for an indicator code, implied by its last part (the ILOSTAT bulk download
/// guide: an indicator code ends in its unit, NB a number, RT a rate, DT a distribution) and its
/// topic: levels of persons from the labour force survey (topics POP, EAP, EMP, UNE, EIP, TRU,
/// LUU, ending in _NB) are published in thousands (unit_mult 3, unit "PS"); rates and
/// distributions (_RT, _DT) are percentages (unit_mult 0, unit "PT"). Other levels (earnings in
/// currency, counts of strikes or injuries) have no implied multiplier clmis can be sure of:
/// nullopt, and parse_series refuses them (import them as SDMX-CSV with UNIT_MULT).
struct IlostatUnit {
  int unit_mult = 0;
  std::string unit;
};
[[nodiscard]] std::optional<IlostatUnit> ilostat_unit(std::string_view indicator);

/// One observation read from a file.
struct ParsedObservation {
  std::uint64_t line = 0;   ///< the file's line it was read from (1 = the header)
  std::string indicator;    ///< the indicator's code as the file gives it (ILOSTAT's code, SDMX's INDICATOR)
  std::string source;       ///< the file's source, else ParseOptions::source
  int unit_mult = 0;        ///< the power of ten the values are in (3: thousands)
  std::string unit;         ///< UNIT_MEASURE ("PS" persons, "PT" percent...), "" if not given
  SeriesKey key;
  SeriesPeriod period;
  std::optional<std::string> value;  ///< canonical decimal; none only for status O, M or Q
  std::string status = "A";
  std::string note;
  std::optional<std::int64_t> sample_size;  ///< plain CSV only
  std::optional<std::string> cv;            ///< coefficient of variation in percent (plain CSV only)
};

struct ParseOptions {
  std::string country;  ///< ISO 3166-1 alpha-3 the file must be about (REF_AREA, ref_area)
  std::string source;   ///< the source for rows that name none ("" = they must name one)
};

/// Reads a whole file (UTF-8, with or without BOM; CRLF or LF; RFC 4180 quoting) of the given
/// format. Throws clmis::ValidationError (record "series", path "line L, column C (name)", rule
/// "csv" for malformed CSV, "header", "required", "decimal", "period", "code_list", "country",
/// "structure", "unit_mult", "duplicate", "length", "type") listing every problem, and returns
/// nothing then. An empty file, or one with a header only, is refused ("required").
[[nodiscard]] std::vector<ParsedObservation> parse_series(std::string_view bytes, SeriesFormat format,
                                                          const ParseOptions& options);

}  // namespace clmis::indicators
