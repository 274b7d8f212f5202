// The indicator engine as the faces call it (JSON in, JSON out; include/clmis/database.hpp
// documents each): the package's definitions, computing values for periods and
// disaggregations, and explaining one value.
#pragma once

#include "clmis/value.hpp"
#include "security/context.hpp"

namespace clmis::detail {

/// {"indicators": [{"id", "group", "name", "kind", "unit", "multiplier", "decimals", "rounding",
/// "dimensions", "periodicity", "agency", "ilostat", "metadata", "version", "from_profile"}]}
/// with labels in lang ("" = the profile's first language).
Json indicators_list(Context& cx, const std::string& lang);

/// spec: {"indicators"?: [ids], "period": "2024" | "2024-Q1" | "2024-01" | "2020..2024",
/// "freq"?: "year" | "quarter" | "month", "by"?: [dimensions]} → {"observations": [...]}.
Json indicators_compute(Context& cx, const Json& spec);

/// spec: {"indicator", "period", "cell"?: {dimension: code}} → how that value was made.
Json indicator_explain(Context& cx, const Json& spec);

}  // namespace clmis::detail
