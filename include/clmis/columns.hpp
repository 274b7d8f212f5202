// clmis/columns.hpp — a query's records as typed columns (Session::read_columns), for readers
// that want whole columns at once (the Python binding's Cursor.to_pandas, analysts' tools)
// instead of one JSON document per record.
//
// A ColumnSet holds `rows` records, in the query's order, as one Column per field asked for.
// Every column has one validity byte per record (`valid[i]` is 1 when record i has a value) and
// its values in the buffer of its type; a missing value leaves a placeholder (0, -1 or empty
// text) in that buffer. The values are exactly those the JSON encoding of clmis/value.hpp gives
// (the same records, masked the same way), in a form that needs no parsing:
//
//   type        buffer     value
//   integer     ints       the integer
//   reference   ints       the target's id
//   boolean     ints       0 or 1
//   decimal     ints       units of 10^-scale (scale: the field's; 1250 at scale 2 is "12.50")
//   money       ints       minor units of the currency (its ISO 4217 minor digits,
//               codes      currency_minor_digits) and the currency as an index into categories
//   date        ints       days since 1970-01-01 (negative before)
//   datetime    ints       seconds since 1970-01-01T00:00:00Z
//   text        text       UTF-8 text: text_at(i)
//   code        codes      an index into categories: the codes of the field's code list in their
//                          declared order (unused ones included), then any value the records
//                          hold that the list does not have (not expected), in order of first
//                          appearance; -1 for no value
//   section     items      the record's entries as a JSON array (as Session::get gives them)
//
// The system fields come as Session::get shows them: id and version integer, created_at and
// updated_at datetime, created_by and updated_by text (user names), external_id and
// archive_reason text, archived boolean.
//
// Masking (Session's personal data rules) applies per record as in Session::query: a masked
// personal field has no value (valid[i] is 0), and keeps its type: a masked birth date is a date
// column's missing value, never text.
//
// A record type with a birth date (a `date` field named date_of_birth) has one more column,
// "age_group", right after date_of_birth (when all columns are read, or when "age_group" is
// named in "fields"): a code column whose categories are age_groups() in order (ordered is
// true), the five-year age group of the record's birth date at the query's "as_of" date
// (default: today) — for every record, masked or not. No value when the birth date is unknown
// or after as_of.
#pragma once

#include "clmis/value.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clmis {

/// What a Column holds: a field type, or a repeated section.
enum class ColumnType { text, integer, decimal, money, date, datetime, boolean, code, reference, section };

/// The name of a column type as the schema spells field types ("section" for a section).
[[nodiscard]] std::string_view to_string(ColumnType t) noexcept;

/// One field of every record of a ColumnSet (see the table at the top of this file).
struct Column {
  std::string name;                    ///< the field (or system field, or section)
  ColumnType type = ColumnType::integer;
  std::string code_list;               ///< code: the field's code list
  int scale = 0;                       ///< decimal: the field's decimal places
  std::vector<std::uint8_t> valid;     ///< one per record: 1 when it has a value
  std::vector<std::int64_t> ints;      ///< integer, reference, boolean, decimal, money, date, datetime
  std::vector<std::int32_t> codes;     ///< code and money (the currency): index into categories, -1 none
  std::vector<std::string> categories; ///< code: the list's codes (see above); money: the currencies
  bool ordered = false;                ///< code: the categories are in a meaningful order (age_group)
  std::string text;                    ///< text: the values one after the other
  std::vector<std::uint64_t> offsets;  ///< text: value i is text[offsets[i], offsets[i + 1])
  std::vector<Json> items;             ///< section: one JSON array of entries per record

  /// The number of records.
  [[nodiscard]] std::size_t size() const noexcept { return valid.size(); }
  /// Text value i ("" when it has none).
  [[nodiscard]] std::string_view text_at(std::size_t i) const noexcept {
    return std::string_view(text).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

/// The age groups of "age_group" (Session::get, query, read_columns), youngest first: "under 15",
/// "15-19", "20-24", ..., "60-64", "65+" — five-year groups (ILO's usual tabulation) of the age in
/// completed years (someone born on 29 February is a year older on 1 March in other years).
[[nodiscard]] const std::vector<std::string>& age_groups();

/// The index in age_groups() of the age group of someone age years old (age >= 0).
[[nodiscard]] std::size_t age_group_index(int age) noexcept;

/// The records of a query as columns, in the order the fields were asked for.
struct ColumnSet {
  std::string record_type;
  std::size_t rows = 0;
  std::vector<Column> columns;

  /// The column of that name, or nullptr.
  [[nodiscard]] const Column* find(std::string_view name) const noexcept {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
};

}  // namespace clmis
