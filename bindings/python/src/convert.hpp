// Conversions between Python objects and the JSON encoding of clmis/value.hpp.
//
// Python → JSON is generic (it does not need the schema): datetime.date → "YYYY-MM-DD", an aware
// datetime.datetime → "YYYY-MM-DDThh:mm:ssZ" in UTC, decimal.Decimal → "12.50", clmis.Money →
// {"amount", "currency"}, dicts, lists, str, int, bool, None as themselves. A float is passed on
// as a JSON float, which the library refuses with a ValidationError naming the field (rule
// "type"): it is never rounded into a decimal.
//
// JSON → Python is typed by the schema of the database: the same string "2025-03-03" is a date
// in a date field and text in a text field.
//
// Every function here needs the GIL.
#pragma once

#include <clmis/value.hpp>

#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::python {

namespace py = pybind11;

/// What a field holds, for the conversion to Python and for pandas dtypes.
/// age_group: a record's "age_group" (derived from its birth date; text, one of AGE_GROUPS).
enum class Kind { other, text, integer, decimal, money, date, datetime, boolean, code, reference, section, age_group };

/// The name of a kind as the schema spells field types ("section" for a repeated section).
[[nodiscard]] const char* kind_name(Kind k) noexcept;

struct TypeSpec;

/// One column of a record as returned by Session::get: a system field, a field or a section.
struct Column {
  std::string name;
  Kind kind = Kind::other;
  std::string code_list;                  ///< code fields: their list
  std::shared_ptr<const TypeSpec> entry;  ///< sections: the fields of an entry
};

/// The shape of a record type (or of a section's entries): its columns in record order.
struct TypeSpec {
  std::string name;
  std::vector<Column> columns;
  std::map<std::string, std::size_t, std::less<>> index;  ///< name → position in columns
  [[nodiscard]] const Column* find(std::string_view name) const;
};

/// The record types of a database, read once from Database::schema().
class Schema {
 public:
  explicit Schema(const Json& schema);
  /// The record type, or nullptr for a name the schema does not have (the library then refuses
  /// the call with NotFound; a record of an unknown type is converted without types).
  [[nodiscard]] const TypeSpec* find(std::string_view type) const;

 private:
  std::map<std::string, std::shared_ptr<const TypeSpec>, std::less<>> types_;
};

/// Imports datetime, decimal and clmis._types once; called when clmis._core is imported.
void init_conversions();

/// Converts a Python value to JSON. `what` names the argument in error messages ("record",
/// "changes", "filter"...). Raises TypeError (a type JSON cannot carry: bytes, sets, objects,
/// dicts with keys other than str), ValueError (a naive datetime, fractions of a second) or
/// OverflowError (an int outside 64 bits), naming the place: record['contacts'][0]['email'].
[[nodiscard]] Json to_json(py::handle value, const char* what);

/// Untyped JSON → Python (dict, list, str, int, bool, None).
[[nodiscard]] py::object from_json(const Json& j);

/// A Python str of UTF-8 text from the library; bytes that are not UTF-8 (stored before they were
/// checked) become U+FFFD instead of raising UnicodeDecodeError.
[[nodiscard]] py::str text(const std::string& s);

/// One value of a field of the given kind → its Python type (None for null).
[[nodiscard]] py::object value_from_json(const Json& j, Kind kind);

/// A record (or a section entry) → dict with typed values; keys the spec does not know (or all,
/// with spec nullptr) are converted untyped.
[[nodiscard]] py::dict record_from_json(const Json& record, const TypeSpec* spec);

/// decimal.Decimal of a numeral ("12.50": the exponent is kept).
[[nodiscard]] py::object decimal_from_text(std::string_view numeral);

/// clmis.Money(amount, currency).
[[nodiscard]] py::object money_from(py::handle amount, std::string_view currency);

/// A list of validation errors (clmis::FieldError) → list of dicts.
[[nodiscard]] py::list errors_to_python(const Json& errors);

}  // namespace clmis::python
