// Validation of a record's JSON — or of a CSV row's cells (core/given.hpp), by the same code —
// against its record type: every key decoded to a typed value and checked (the field-level rule
// kinds: required, type, code_list, reference, range, pattern, length), every error collected,
// none thrown until the caller has them all.
#pragma once

#include "core/given.hpp"
#include "core/record.hpp"
#include "security/context.hpp"
#include "store/rows.hpp"

#include <optional>
#include <string>
#include <vector>

namespace clmis::detail {

/// A decoded, validated write request.
struct Input {
  Values fields;
  std::optional<std::optional<std::string>> external_id;  ///< given: a value or null
  Sections sections;                                      ///< the sections given
};

/// Decodes and checks a record's JSON (a whole record when creating, a patch otherwise), adding
/// every problem to errors. cur is the stored record on update (null on create): values it
/// already holds stay acceptable even if their code was deactivated or their target archived.
Input decode(Context& cx, const pack::RecordType& t, const Json& j, bool creating,
             const store::StoredRecord* cur, std::vector<FieldError>& errors);

/// decode() of a flat record given key by key (a CSV row, core/given.hpp) instead of as JSON: the
/// same checks in the same order, the same errors (their values are the JSON of what was given,
/// built only for an error) — one implementation for both.
Input decode(Context& cx, const pack::RecordType& t, const GivenRecord& r, bool creating,
             const store::StoredRecord* cur, std::vector<FieldError>& errors);

/// Decodes and checks one value of a field given at path into out. current: the stored value
/// (kept acceptable if deactivated or archived since), or null.
void check_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Json& given,
                 const std::string& path, Value& out, std::vector<FieldError>& errors, const Value* current);

/// check_value() of a value given as a CSV cell (decode_given): the same rules and errors.
void check_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Given& given,
                 std::string_view path, Value& out, std::vector<FieldError>& errors, const Value* current);

/// What today's field rules say of the values a record holds (a pack that tightened a range, a
/// length or a pattern after they were stored; a field made required). Codes and references a
/// record holds stay acceptable as on update (deactivated or archived since), and references
/// are not looked up. With `in` (an update), the fields and sections it gives are left out: they
/// were checked as given. Values of personal fields are not carried in the errors.
std::vector<FieldError> stored_value_problems(Context& cx, const pack::RecordType& t, const store::StoredRecord& r,
                                              const Input* in = nullptr);

/// The text of a value in history rows: its JSON encoding, strings without quotes.
std::string history_text(const Value& v);

}  // namespace clmis::detail
