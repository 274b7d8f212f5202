// Schema introspection (DESIGN.md §5): the pack, profile, record types, fields, rules, workflows,
// code lists, sections and roles in force, so a frontend can build its forms from them.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

Json schema_json(Context& cx);
/// The part of the schema an import or export of one record type reads: "pack", "country",
/// "system_fields" and "record_types" holding that type alone (empty when there is none) — the
/// same values as schema_json's, without the code lists' counts, roles and other types.
Json record_type_schema_json(Context& cx, std::string_view type);

}  // namespace clmis::detail
