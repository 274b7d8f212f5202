// A field's value as an import gives it, before decoding: what the JSON of the record would hold
// — a string, a whole number, true or false, or money's amount and currency — without building
// that JSON. The CSV importer (src/io/import.cpp) reads each cell into a Given; the records layer
// decodes it with decode_given(), which applies decode_value()'s rules through the same functions
// (src/core/value.cpp), so a CSV row and the JSON record of that row decode alike. to_json() is
// that JSON: for the value of an error, and for the importer's per-record path.
#pragma once

#include "clmis/value.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace clmis::detail {

/// A value as given. It views text it does not own (a CSV cell, the importer's buffers): valid
/// while they are.
struct Given {
  enum class Kind : std::uint8_t { string, integer, boolean, money };
  Kind kind = Kind::string;
  std::string_view text;      ///< string: the text; money: the amount
  std::string_view currency;  ///< money: the ISO 4217 code
  std::int64_t integer = 0;
  bool boolean = false;

  static Given string(std::string_view s) { return {Kind::string, s, {}, 0, false}; }
  static Given whole(std::int64_t v) { return {Kind::integer, {}, {}, v, false}; }
  static Given truth(bool b) { return {Kind::boolean, {}, {}, 0, b}; }
  static Given money(std::string_view amount, std::string_view currency) {
    return {Kind::money, amount, currency, 0, false};
  }
};

/// A flat record as given (a CSV row): its keys — field names and external_id — with their
/// values, in the order of the row's columns, each key once. The keys view names that outlive
/// the record.
using GivenRecord = std::vector<std::pair<std::string_view, Given>>;

/// The JSON of the value: a string, an integer, a boolean, or {"amount": ..., "currency": ...}.
Json to_json(const Given& g);
/// The JSON object of the record, keys in order.
Json to_json(const GivenRecord& r);

/// Appends to key a text that is equal for two values exactly when their JSON is (for keys of
/// values that must be unique within a file).
void append_key(std::string& key, const Given& g);

/// decode_value(to_json(g), spec) without the JSON: the same values, rules and messages.
[[nodiscard]] std::variant<Value, Rejection> decode_given(const Given& g, const ValueSpec& spec);

}  // namespace clmis::detail
