// Small text helpers of the demo generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clmis::demo::detail {

// --- text helpers -------------------------------------------------------------------------

std::string replace_all(std::string s, const std::string& from, const std::string& to);

/// Lower-case ASCII letters and digits only (for e-mail addresses).
std::string slug(const std::string& s, std::size_t max = 24);

/// An amount in cents as "units.cents" ("1234.50").
std::string money_text(std::int64_t cents);

}  // namespace clmis::demo::detail
