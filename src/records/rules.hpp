// The record-level rules of a record type (pack::rules: unique_active, possible_duplicate,
// date_order, range_order, min_age_at, required_if), checked on a record as it would be stored.
// Each kind has its own check (rules.cpp), chosen by the rule's type, not by its name.
#pragma once

#include "core/warning.hpp"
#include "records/validate.hpp"

namespace clmis::detail {

/// Checks the rules on fields and sections (self: the record's id, 0 for a new one). Errors go to
/// errors; possible duplicates go to *warnings when warnings is not null.
void check_rules(Context& cx, const pack::RecordType& t, const Values& fields, const Sections& sections,
                 std::int64_t self, std::vector<FieldError>& errors, Warnings* warnings);
/// check_rules on the stored record with a patch applied; possible duplicates are looked for only
/// when a field they compare changes.
void check_rules_merged(Context& cx, const pack::RecordType& t, const store::StoredRecord& cur, const Input& in,
                        std::int64_t self, std::vector<FieldError>& errors, Warnings* warnings);

}  // namespace clmis::detail
