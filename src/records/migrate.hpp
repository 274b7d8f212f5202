// Migrations: bringing a database from the pack and profile stored in it to newer ones.
//
// The new declarations are compared with the stored ones (DESIGN.md §4: "the pack travels with
// the data"). Additive changes are made in the caller's transaction: new record types and
// sections (CREATE TABLE), new fields and country extension fields (ALTER TABLE ADD COLUMN), new
// code lists and codes, relabelled and deprecated ("active": false) codes. Anything that would
// lose or reinterpret data — removing a record type, field, section or code, changing a field's
// type, scale, code list or target — is refused with PackError before anything is written;
// such changes need a declared migration step, which no pack has needed yet.
#pragma once

#include "security/context.hpp"

namespace clmis::detail {

/// Brings the database from cx.pack and cx.profile (in force, as stored) to to_pack and
/// to_profile, in the caller's write transaction, with an audit entry. Returns false if another
/// program did it meanwhile (nothing written).
bool migrate(Context& cx, const pack::Pack& to_pack, const pack::Profile& to_profile, const std::string& from_version);

}  // namespace clmis::detail
