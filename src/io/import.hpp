// Internal: the import through the public per-record API, kept to check the bulk path against.
#pragma once

#include "clmis/io.hpp"

namespace clmis {

/// import_records with every row written through Session::create / Session::upsert (one
/// savepoint per row), as the importer did before the bulk path (src/api/bulk.hpp). Same
/// report and, apart from timestamps, the same database; slower. For tests and comparisons.
ImportReport import_records_per_record(Session& session, std::string_view type, std::istream& in,
                                       const ImportOptions& options = {});

}  // namespace clmis
