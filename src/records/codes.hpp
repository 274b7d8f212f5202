// Table Maintenance: adding, relabelling, deactivating and deleting codes of a code list, and
// reading a list with labels in a language.
//
// A deactivated code stays valid on the records that hold it and is refused on new entries
// (check_value). A code in use anywhere — any record, archived or not, any section entry — is
// never deleted: deactivate it instead. The states of a workflow are declared by the pack and
// can only be relabelled here.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

void code_add(Context& cx, std::string_view list, const Json& code);
void code_update(Context& cx, std::string_view list, std::string_view code, const Json& changes);
void code_delete(Context& cx, std::string_view list, std::string_view code);
/// The codes of a list with labels in lang ("" = the profile's first language).
Json codes_of(Context& cx, std::string_view list, std::string_view lang);

}  // namespace clmis::detail
