// The audit trail's rows (clmis_audit, append-only) and the security log (clmis_security_log).
// The chain of MACs over them is security/audit.cpp's business; this is only their storage.
#pragma once

#include "clmis/value.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// The columns of an audit entry that its MAC covers, in their order: id, at, actor, action,
/// record_type, record_id, version, seq, detail.
using AuditColumns = std::vector<SqlValue>;

/// The last entry's id and MAC (0 and "" for an empty trail).
std::pair<std::int64_t, std::string> last_audit(Connection& c);
void insert_audit(Connection& c, const AuditColumns& cols, const std::string& mac);
/// Every entry in id order: its covered columns and its MAC ("" when it has none).
void scan_audit(Connection& c, const std::function<void(const AuditColumns&, const std::string& mac)>& f);
void set_audit_mac(Connection& c, std::int64_t id, const std::string& mac);
/// The triggers on clmis_audit, by name → their SQL.
std::map<std::string, std::string> audit_triggers_found(Connection& c);
/// Entries after an id, oldest first, with the actor's name: the JSON of Session::audit_entries.
Json audit_entries(Connection& c, std::int64_t after_id, int limit);

void append_security_log(Connection& c, const std::string& at, std::string_view user, std::string_view event,
                         const std::string& detail);
/// Entries after an id, oldest first: the JSON of Session::security_log.
Json security_log(Connection& c, std::int64_t after_id, int limit);

}  // namespace clmis::store
