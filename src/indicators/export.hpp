// The exchange formats of the indicator engine (issue 17; ../shared/INDICATORS.md, "Code mapping
// for exchange" and "Exchange formats"; docs/indicators.md, "Exports"): the computed observations
// as the file a partner loads — SDMX-CSV 2.0 and an SDMX-JSON 2.0 data message over the pinned
// structure CLMIS:LMI(1.0), that structure itself (an SDMX-JSON 2.0 structure message), ILOSTAT's
// bulk CSV, plain CSV, JSON and an Excel workbook.
//
// Values are the rounded decimal text the engine gives (indicators/engine.hpp), written as they
// are: never through a binary floating-point number, so "50.0" stays "50.0". ILOSTAT's levels in
// thousands are the value divided by 1,000 by moving its decimal point.
#pragma once

#include "clmis/value.hpp"
#include "indicators/engine.hpp"
#include "security/context.hpp"

#include <string>

namespace clmis::detail {

/// The formats: sdmx-csv, sdmx-json, sdmx-structure, ilostat, csv, json, xlsx.
bool is_indicator_export_format(const std::string& format);

/// spec: indicators_compute's spec plus "format" (required) and "lang"? ("" or absent: the
/// profile's first language) → the file's bytes. "sdmx-structure" needs no period (and computes
/// nothing; "indicators" limits CL_INDICATOR). ValidationError (path "format", "lang") for an
/// unknown format or a language that is not a string; compute's errors otherwise.
std::string indicators_export(Context& cx, const Json& spec, const indicators::Progress& progress = {});

namespace indicator_export {
/// "12.5" / 1000 → "0.0125", "1500" → "1.5", "-3" → "-0.003", "0" → "0": a decimal numeral
/// divided by 10^3 by moving its point (exact; trailing zeros of the fraction dropped).
std::string thousandths(const std::string& numeral);
/// ILOSTAT's time code of a period: "2024" → "2024", "2024-Q1" → "2024Q1", "2024-01" → "2024M01".
std::string ilostat_time(const std::string& period);
/// True when ILOSTAT publishes the indicator code in thousands.
bool ilostat_in_thousands(const std::string& code);
/// ILOSTAT's classif code of a cell's SDMX code of dimension dim (age, eco, ocu, edu): "age",
/// "Y15T24" → "AGE_10YRBANDS_Y15-24"; a total → "..._TOTAL"; not stated (_N) → ECO_ISIC4_X,
/// OCU_ISCO08_X, EDU_ISCED11_9; empty when ILOSTAT has none (age not stated).
std::string ilostat_classification(const std::string& dim, const std::string& code);
}  // namespace indicator_export

}  // namespace clmis::detail
