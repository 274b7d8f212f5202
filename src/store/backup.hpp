// Online copies of a database file (clmis backup and restore): SQLite's backup API.
#pragma once

#include "store/sqlite.hpp"

#include <string>

namespace clmis::store {

/// Copies the whole database of src into the file at dest_path (an empty file the caller made,
/// mode 0600) with SQLite's online backup API, in one step inside a read transaction of src:
/// the copy is one consistent state of the database, and in WAL mode writers go on meanwhile.
/// The copy is synced to disk before it returns. Returns the number of pages copied.
int copy_database(Connection& src, const std::string& dest_path);

}  // namespace clmis::store
