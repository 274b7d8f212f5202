// What a country profile leaves missing or not yet verified (`clmis profile check`,
// Database::profile_check; docs/countries.md).
#pragma once

#include "pack/pack.hpp"

namespace clmis::pack {

/// The report on a country profile, grouped:
///   {"country", "name", "missing": n, "unverified": n,
///    "legal": [...], "holidays": [...], "deadlines": [...], "department": [...]}
/// Each item is {"parameter", "status": "missing" | "unverified", and for an unverified value
/// "value", "unit"?, "source", "note"?; for a missing one "note" and "effects": what clmis does
/// without it}. pack is the pack as with_extensions made it for the profile (its deadlines carry
/// the profile's lengths). Reads nothing but its arguments.
[[nodiscard]] Json profile_check(const Pack& pack, const Profile& profile);

}  // namespace clmis::pack
