// clmis/value.hpp — the value types of a record field and their fixed JSON encoding.
//
// The JSON encoding is a contract (DESIGN.md §5) shared by the C API, the CLI and exports:
//   text        "any UTF-8 text"                       (maximum length declared per field)
//   integer     123                                    (JSON integer; 64-bit signed)
//   decimal     "12.50"                                (string; exact; at most the field's scale)
//   money       {"amount": "1250.00", "currency": "XCD"} (ISO 4217; minor units of the currency)
//   date        "2026-11-23"
//   datetime    "2026-11-23T14:05:00Z"                 (UTC)
//   boolean     true / false
//   code        "KN-03"                                (a code of the field's code list)
//   reference   42                                     (the target record's id)
// and null for "no value". Binary floating point is never accepted nor produced.
#pragma once

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace clmis {

/// The JSON document type of the C++ API: keys keep their order (fields in declared order).
using Json = nlohmann::ordered_json;

enum class FieldType { text, integer, decimal, money, date, datetime, boolean, code, reference };

[[nodiscard]] std::string_view to_string(FieldType t) noexcept;
[[nodiscard]] std::optional<FieldType> field_type_from_string(std::string_view s) noexcept;

/// An exact decimal: units × 10^-scale. Scale is 0..18.
struct Decimal {
  std::int64_t units = 0;
  int scale = 0;

  /// Parses "-12.5" into the given scale ("-12.50" at scale 2). Rejects (nullopt) anything that
  /// is not a plain decimal numeral, has more fractional digits than scale, or overflows.
  [[nodiscard]] static std::optional<Decimal> parse(std::string_view text, int scale) noexcept;
  /// Canonical text with exactly `scale` fractional digits: "12.50", "-0.05", "7".
  [[nodiscard]] std::string str() const;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

/// An amount of money in minor units of an ISO 4217 currency (cents for XCD, USD, CAD...).
struct Money {
  std::int64_t minor = 0;
  std::string currency;  ///< ISO 4217 alphabetic code
  friend bool operator==(const Money&, const Money&) = default;
};

/// The number of minor-unit digits of an ISO 4217 currency, or nullopt for a currency clmis does
/// not know (source: ISO 4217 list one, "Minor unit" column).
[[nodiscard]] std::optional<int> currency_minor_digits(std::string_view iso4217) noexcept;

/// A code of a code list (distinct from free text).
struct Code {
  std::string value;
  friend bool operator==(const Code&, const Code&) = default;
};

/// A reference to another record by id.
struct Ref {
  std::int64_t id = 0;
  friend bool operator==(const Ref&, const Ref&) = default;
};

using Date = date::sys_days;
using DateTime = date::sys_seconds;

/// A field value; std::monostate is "no value" (JSON null).
using Value = std::variant<std::monostate, std::string, std::int64_t, Decimal, Money, Date,
                           DateTime, bool, Code, Ref>;

/// What decoding needs to know about a field besides its type.
struct ValueSpec {
  FieldType type = FieldType::text;
  int scale = 2;                        ///< decimal places of a decimal field
  std::vector<std::string> currencies;  ///< money: allowed currencies; empty = any known
};

/// Why a JSON value was refused: the rule kind ("type", "code_list", ...) and a message.
struct Rejection {
  std::string rule;
  std::string message;
};

/// Decodes one JSON value for a field of the given spec. JSON null decodes to std::monostate.
/// Checks only the encoding (type, format, scale, currency); code lists, lengths, ranges and
/// references are checked by the engine, which knows the pack and the database.
[[nodiscard]] std::variant<Value, Rejection> decode_value(const Json& j,
                                                          const ValueSpec& spec);

/// Encodes a value in the fixed JSON encoding above. Money is encoded with the currency's minor
/// digits.
[[nodiscard]] Json encode_value(const Value& v);

/// True if s is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

/// Number of Unicode characters (code points) in UTF-8 text: what maximum lengths count.
[[nodiscard]] std::size_t utf8_length(std::string_view s) noexcept;

/// "YYYY-MM-DD" ⇄ Date; parse returns nullopt for anything else (including 2026-02-30).
[[nodiscard]] std::optional<Date> parse_date(std::string_view s) noexcept;
[[nodiscard]] std::string format_date(Date d);
/// "YYYY-MM-DDThh:mm:ssZ" ⇄ DateTime (UTC only).
[[nodiscard]] std::optional<DateTime> parse_datetime(std::string_view s) noexcept;
[[nodiscard]] std::string format_datetime(DateTime t);

}  // namespace clmis
