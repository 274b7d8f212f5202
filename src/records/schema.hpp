// Schema introspection (DESIGN.md §5): the pack, profile, record types, fields, rules, workflows,
// code lists, sections and roles in force, so a frontend can build its forms from them.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

Json schema_json(Context& cx);

}  // namespace clmis::detail
