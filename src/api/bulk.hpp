// The bulk path of imports (src/io/import.cpp): create and upsert inside a Session::batch
// without a savepoint per new record. A new record is validated in full — decode, record rules,
// a free external_id — before its first write, and the writes that follow can only fail on
// storage errors, which end the batch (rolled back). Everything else — validation, the writes,
// their order — is the per-record path's code (records/records.cpp). Outside a batch, or for an
// upsert that finds its record, these are Session::create and Session::upsert.
#pragma once

#include "clmis/database.hpp"
#include "core/given.hpp"
#include "core/lifecycle.hpp"
#include "core/warning.hpp"

#include <optional>
#include <string>
#include <vector>

namespace clmis::detail {

struct Actor;  // security/context.hpp

struct SessionAccess {
  /// The session as the engine's Actor (its user, service key and batch owner).
  static Actor actor(const Session& s);
  /// The files of the session's database (Database::files), for io to write nothing over them.
  static std::vector<std::string> files(const Session& s);
  /// Session::schema() with only the record type named (its "record_types" is empty when there
  /// is none): what an import or export reads, without building the whole schema each time.
  static Json type_schema(const Session& s, std::string_view type);
  /// Database::codes for code that holds only a session: the codes of a list with their labels
  /// in lang (an export's label columns). Reference data: no permission is needed.
  static Json codes(const Session& s, std::string_view list, std::string_view lang);
  static std::int64_t bulk_create(Session& s, std::string_view type, const Json& record, Warnings* warnings);
  static UpsertResult bulk_upsert(Session& s, std::string_view type, std::string_view external_id,
                                  const Json& record, Warnings* warnings);
  /// The same for a CSV row: its cells as given (core/given.hpp), decoded straight into values
  /// by the rules that decode JSON (no JSON record built per row).
  static std::int64_t bulk_create(Session& s, std::string_view type, const GivenRecord& record, Warnings* warnings);
  static UpsertResult bulk_upsert(Session& s, std::string_view type, std::string_view external_id,
                                  const GivenRecord& record, Warnings* warnings);
  /// A record with its lifecycle (workflow/legacy.hpp): created, or upserted when external_id
  /// is given, and moved through the transitions its lifecycle names, in one savepoint. One of
  /// record and given is the row.
  static UpsertResult import_lifecycle(Session& s, std::string_view type, std::optional<std::string_view> external_id,
                                       const Json* record, const GivenRecord* given, const LegacyLifecycle& lifecycle,
                                       Warnings* warnings);
  /// Inside the batch: the indexes no check reads, dropped for the load (records/records.hpp
  /// defer_indexes), and built again before the commit.
  static std::vector<std::string> defer_indexes(Session& s, std::string_view type, bool automatic, bool after_load);
  /// During the load: the same when the rows still to come make it worth it
  /// (records/records.hpp defer_indexes_for).
  static std::vector<std::string> defer_indexes_for(Session& s, std::string_view type, std::uint64_t rows_to_come);
  static void build_indexes(Session& s, const std::vector<std::string>& ddl);
};

}  // namespace clmis::detail
