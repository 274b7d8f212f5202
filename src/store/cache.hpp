// What one open database keeps in memory between calls: the code index validation looks codes
// up in and the names of users, reloaded whenever another connection has written (PRAGMA
// data_version), so a code added by the office's other program is known here at once.
#pragma once

#include "store/codes.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace clmis::store {

struct Cache {
  CodeIndex codes;
  std::unordered_map<std::int64_t, std::string> user_names;
  std::int64_t data_version = -1;  ///< PRAGMA data_version when loaded

  /// Reads the code index and data_version again; forgets user names and the SQL texts built
  /// from the pack (Connection::forget_texts).
  void load(Connection& c);
  /// True when another connection committed since load().
  bool stale(Connection& c) { return c.data_version() != data_version; }
  /// A user's name, read once.
  const std::string& user_name(Connection& c, std::int64_t uid);
};

}  // namespace clmis::store
