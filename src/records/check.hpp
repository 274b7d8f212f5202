// clmis check: the state of a database file as an administrator needs to know it — the files'
// permissions and the audit key, SQLite's integrity check, the audit chain, and the records
// holding values that today's pack rules would refuse (stored before a rule tightened; they
// stay readable, are listed here, and an update must correct them). Nothing is changed.
#pragma once

#include "security/context.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace clmis::detail {

/// The permissions of the database's files (Engine::files(): the database, -wal, -shm,
/// -journal, then the key file if any): {"ok", "files": [{"path", "role", "exists", "mode",
/// "ok", "problem"}]}. A database file readable or writable by group or others is a problem, a
/// missing or group/other-readable key file too. Reads no data.
Json check_files(const std::vector<std::string>& files, bool has_key_file);

/// The whole check (needs the audit permission): check_files, "integrity" (PRAGMA
/// integrity_check), "audit" (audit_verify) and "records" (every record of every type against
/// today's field rules; the first max_problems problems listed, all counted), and "ok".
Json check_database(Context& cx, const std::vector<std::string>& files, bool has_key_file, std::size_t max_problems);

}  // namespace clmis::detail
