// A record's values as the layers under the public API work with them: typed values by field
// name (decoded from the JSON of the C++ API once, and converted to and from storage columns by
// the store).
#pragma once

#include "clmis/value.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::detail {

/// A record's (or a section entry's) values by field name; absent fields are not in the map.
using Values = std::map<std::string, Value, std::less<>>;
/// A record's sections: section name → its entries in order.
using Sections = std::map<std::string, std::vector<Values>, std::less<>>;

/// The value of a field, or "no value" when absent.
inline const Value& value_of(const Values& vals, std::string_view name) {
  static const Value none;
  auto it = vals.find(name);
  return it == vals.end() ? none : it->second;
}

/// True when v is "no value".
inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace clmis::detail
