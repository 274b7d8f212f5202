// Computed fields (pack "computed", docs/workflows.md "Computed fields"): the values clmis writes
// itself, from other values of the record, whenever a write changes one of their inputs.
//
// The functions belong to the workflow layer (the calendar they count on is its), above this
// one: it hands them down as a Computer through the Context (Context::computer). This module
// decides when they run and keeps overridden values: a computed field of a record with a live
// override (store/overrides.hpp) is left as the officer entered it.
#pragma once

#include "records/validate.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace clmis::detail {

/// The functions of computed fields (pack::kComputedFunctions).
struct Computer {
  virtual ~Computer() = default;
  /// The value of t's record field f (f.computed) from what the record will hold: its fields and
  /// sections after the write. A problem (an input the function cannot use) goes into errors at
  /// the input's path; the value is then none.
  virtual Value record_value(Context& cx, const pack::RecordType& t, const pack::Field& f, const Values& fields,
                             const Sections& sections, std::vector<FieldError>& errors) const = 0;
  /// The value of section s's field f for one entry, at path ("workers[2]").
  virtual Value entry_value(Context& cx, const pack::RecordType& t, const pack::Section& s, const pack::Field& f,
                            const Values& entry, const std::string& path, std::vector<FieldError>& errors) const = 0;
};

/// True when t has a computed field (of the record or of a section).
bool has_computed(const pack::RecordType& t);

/// Sets in `in` — the write about to be made to record id (0 on create; cur its stored state, or
/// null) — the computed values of t: those of every entry of each section written, then every
/// record field not overridden whose value changes. Nothing when t has no computed field.
void apply_computed(Context& cx, const pack::RecordType& t, std::int64_t id, const store::StoredRecord* cur,
                    Input& in, std::vector<FieldError>& errors);

}  // namespace clmis::detail
