// The indicator engine as the faces call it (JSON in, JSON out; include/clmis/database.hpp
// documents each): the package's definitions, computing values for periods and
// disaggregations, and explaining one value.
#pragma once

#include "clmis/value.hpp"
#include "indicators/engine.hpp"
#include "security/context.hpp"

namespace clmis::detail {

/// {"indicators": [{"id", "group", "name", "kind", "unit", "multiplier", "decimals", "rounding",
/// "dimensions", "periodicity", "agency", "ilostat", "metadata", "version", "from_profile"}]}
/// with labels in lang ("" = the profile's first language).
Json indicators_list(Context& cx, const std::string& lang);

/// spec: {"indicators"?: [ids], "period": "2024" | "2024-Q1" | "2024-01" | "2020..2024",
/// "freq"?: "year" | "quarter" | "month", "by"?: [dimensions]} → {"observations": [...]};
/// progress (if set) after each indicator computed.
Json indicators_compute(Context& cx, const Json& spec, const indicators::Progress& progress = {});

/// spec: {"indicator", "period", "cell"?: {dimension: code}} → how that value was made.
Json indicator_explain(Context& cx, const Json& spec);

/// An analyst's table of a stock on a day: spec {"type", "date": "YYYY-MM-DD", "states"?:
/// [states] (default: every state but "closed"), "by"?: [dimensions]} → {"type", "date",
/// "states", "by", "total", "rows": [{"cell": {dimension: code}, "count"}]}, every combination
/// of the dimensions' partitions with at least one record (age summary bands left out: they
/// overlap), so the rows' counts add up to the total.
Json stock_table(Context& cx, const Json& spec);

/// The same for flows in a period: spec {"type", "period", one of "into": [states], "out_of":
/// [states] or "date_field": "<date field>", "by"?} → {"type", "period", "total", "rows"}.
Json flow_table(Context& cx, const Json& spec);

}  // namespace clmis::detail
