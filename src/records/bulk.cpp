// Bulk import: create and upsert for rows written inside one batch (src/io/import.cpp).
//
// In a batch, Engine::create and Engine::upsert each open a SAVEPOINT, so that a refused or
// failed write leaves nothing behind. Profiling the import (docs/architecture.md, "The import
// path") showed that the savepoints cost more than anything else: every page a row touches is
// first copied to the savepoint's journal, and the RELEASE walks it again. A new record does not
// need one: it is validated in full (decode, record rules, a free external_id) before its first
// write, and the writes that follow (registration number, row, change, history) fail only on
// storage errors, which end the batch and roll everything back. So these functions are create
// and upsert without the savepoint; everything else (validation, the writes, their order) is
// the same code as the per-record path.
#include "records/engine.hpp"

namespace clmis::detail {

namespace {
bool in_transaction(store::Connection& c) { return !sqlite3_get_autocommit(c.raw()); }
}  // namespace

std::int64_t Engine::bulk_create(const Actor& who, std::string_view type, const Json& j,
                                 Json* warnings) {
  std::lock_guard lock(mu_);
  if (!in_transaction(conn())) return create(who, type, j, warnings);
  const auto& t = type_of(type);
  require_scope(who, t, "create");  // as create() does (a refusal is logged after the batch)
  refresh_state();
  std::vector<clmis::FieldError> errors;
  Input in = decode(t, j, true, nullptr, errors);
  check_rules(t, in.fields, in.sections, 0, errors, warnings);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // The one check do_create makes after its first write: make it before.
  if (in.external_id && *in.external_id) check_external_id_free(t, **in.external_id, 0);
  return do_create(who.uid, t, in);
}

UpsertResult Engine::bulk_upsert(const Actor& who, std::string_view type,
                                 std::string_view external_id, const Json& j, Json* warnings) {
  std::lock_guard lock(mu_);
  if (!in_transaction(conn())) return upsert(who, type, external_id, j, warnings);
  const auto& t = type_of(type);
  const std::string ext(external_id);
  // The same lookup as upsert: a record that exists is updated through upsert (savepoint and
  // all: an update compares and may change nothing); only a new one is created here.
  auto& s = conn().prepare("SELECT id FROM " + store::quote(t.name) + " WHERE external_id = ?");
  s.bind(1, ext);
  const bool exists = s.step();
  s.reset();
  if (exists || !valid_utf8(ext) || ext.empty() || utf8_length(ext) > 200 ||
      (j.is_object() && j.contains("external_id") && j["external_id"] != Json(ext)))
    return upsert(who, type, external_id, j, warnings);  // updates, and the refusals of upsert
  require_scope(who, t, "create");
  refresh_state();
  std::vector<clmis::FieldError> errors;
  Input in = decode(t, j, true, nullptr, errors);
  check_rules(t, in.fields, in.sections, 0, errors, warnings);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  in.external_id = std::optional<std::string>(ext);
  return {do_create(who.uid, t, in), UpsertOutcome::created};
}

}  // namespace clmis::detail
