// The database's own description: clmis_meta (format, pack and profile identity, audit key id)
// and the pack and profile files the database was made with (clmis_pack_file).
#pragma once

#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <map>
#include <string>
#include <vector>

namespace clmis::store {

/// Every meta key and value.
std::map<std::string, std::string> read_meta(Connection& c);
/// One meta value ("" when absent).
std::string meta_value(Connection& c, const std::string& key);
/// SQLite's PRAGMA integrity_check: {"ok"} for a sound file, else its findings (at most 100).
std::vector<std::string> integrity_check(Connection& c);
void insert_meta(Connection& c, const std::string& key, const std::string& value);
void update_meta(Connection& c, const std::string& key, const std::string& value);

struct StoredFiles {
  std::map<std::string, std::string> all;   ///< path → content, pack and profile
  std::map<std::string, std::string> pack;  ///< the pack's files only
};
StoredFiles read_pack_files(Connection& c);
/// Stores the files of a pack and a profile (a profile file the pack also has is the pack's),
/// replacing any stored before.
void write_pack_files(Connection& c, const pack::Pack& p, const pack::Profile& profile);

}  // namespace clmis::store
