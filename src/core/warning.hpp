// A warning of a write that happened (DESIGN.md §5): a possible duplicate, an age not checked for
// want of a country parameter. The records layer makes them as these structs, not as JSON: an
// import of a file of people already registered makes one per row, and building a JSON object
// for each was a tenth of that import's time. to_json() is the form Session::warnings() and the
// C API return.
#pragma once

#include "clmis/value.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::detail {

struct Warning {
  std::string record;                   ///< the record type
  std::string path;                     ///< the field (a section's: "<section>[i].<field>")
  std::string_view rule;                ///< the rule kind: a string literal
  std::string message;
  std::vector<std::int64_t> other_ids;  ///< possible_duplicate: the records found, lowest id first
  std::string parameter;                ///< min_age_at: the country parameter missing
};

using Warnings = std::vector<Warning>;

/// {"record", "path", "rule", "message"} and, when there are any, "other_id" (the first of
/// other_ids) and "other_ids"; "parameter" when one is named.
inline Json to_json(const Warning& w) {
  Json j = {{"record", w.record}, {"path", w.path}, {"rule", std::string(w.rule)}, {"message", w.message}};
  if (!w.other_ids.empty()) {
    j["other_id"] = w.other_ids.front();
    j["other_ids"] = w.other_ids;
  }
  if (!w.parameter.empty()) j["parameter"] = w.parameter;
  return j;
}

inline Json to_json(const Warnings& ws) {
  Json a = Json::array();
  for (const auto& w : ws) a.push_back(to_json(w));
  return a;
}

}  // namespace clmis::detail
