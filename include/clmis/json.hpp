// clmis/json.hpp — the one way JSON text enters clmis, and the one way it leaves.
//
// Every JSON input — a record, query, transition argument, code, user or calendar spec given to
// the C API, a line of a JSON Lines import, a document the CLI reads — is parsed by parse_json().
// Values that arrive already built (the C++ API, Python objects) are checked by check_json()
// against the same limits before anything else reads them. The limits stop an input while it is
// read, before it costs memory or time:
//
//   limit            default        what it bounds
//   max_bytes        16 MiB         the whole document (one record, one query, one line)
//   max_depth        64             nesting of arrays and objects (a record with sections is 3)
//   max_string       1 MiB          bytes of one string or object key
//   max_members      10,000         keys of one object
//   max_values       1,000,000      values in the document, containers included
//
// and the text must be UTF-8 JSON (RFC 8259) with no byte-order mark before it, no duplicate key
// in an object, and numbers a double can hold (1e999 is refused). Every refusal is a
// ValidationError (CLMIS_EINVALID) with one FieldError of rule "json" whose path is where the
// input went wrong ("contacts[3].name", "" for the top) and whose message says what and where
// (line, column, byte); the offending text is never copied whole into the error.
//
// Objects are built in time linear in their number of keys (the ordered JSON type keeps keys in
// a vector; the parser appends instead of searching it).
#pragma once

#include "clmis/value.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clmis {

/// The limits of one JSON input (see the table above). The defaults are the library's; a caller
/// may only lower them for its own inputs (the pack loader raises max_bytes for pack files).
struct JsonLimits {
  std::size_t max_bytes = std::size_t{16} * 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_string = std::size_t{1024} * 1024;
  std::size_t max_members = 10000;
  std::size_t max_values = 1000000;
};

/// Parses one JSON document. `what` names the input in errors (the record type, "query",
/// "user"...; it becomes FieldError::record). Throws ValidationError (rule "json") for malformed
/// text, a byte-order mark, a duplicate key, a number out of range or a limit passed.
[[nodiscard]] Json parse_json(std::string_view text, std::string_view what = "",
                              const JsonLimits& limits = JsonLimits{});

/// Checks a value built by the caller against the limits, without recursion (a value nested
/// 100,000 deep is refused, not a stack overflow). Throws ValidationError (rule "json").
void check_json(const Json& value, std::string_view what = "",
                const JsonLimits& limits = JsonLimits{});

/// An object built from its members in linear time; a duplicate key is a ValidationError
/// (rule "json") naming it. For faces that convert their own maps (Python dicts).
[[nodiscard]] Json json_object(std::vector<std::pair<std::string, Json>> members,
                               std::string_view what = "");

/// Compact (indent < 0) or indented JSON text that never throws on text stored before it was
/// checked: bytes that are not UTF-8 come out as U+FFFD. Every output path of clmis uses it.
[[nodiscard]] std::string dump_json(const Json& value, int indent = -1);

/// A bounded copy of a value for an error report: strings over 64 characters are cut (with
/// "…"), and an array or object whose text is over 200 bytes becomes a description such as
/// "<an array of 3 values>". Never recursive beyond the bound.
[[nodiscard]] Json json_excerpt(const Json& value);

}  // namespace clmis
