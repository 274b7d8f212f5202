// The public C++ API (clmis/database.hpp): each function runs one module operation through the
// Engine front (api/engine.hpp), which supplies the lock, the context and the security log.
// Every JSON value a caller gives is checked against the input limits first (check_json): the
// C API and the CLI parse with those limits, C++ and Python callers build values themselves.
#include "api/bulk.hpp"
#include "api/engine.hpp"
#include "clmis/json.hpp"
#include "indicators/api.hpp"
#include "indicators/export.hpp"
#include "pack/profile_check.hpp"
#include "indicators/series.hpp"
#include "records/check.hpp"
#include "records/codes.hpp"
#include "records/history.hpp"
#include "records/query.hpp"
#include "records/records.hpp"
#include "records/schema.hpp"
#include "security/accounts.hpp"
#include "workflow/calendar.hpp"
#include "workflow/cases.hpp"
#include "workflow/computed.hpp"
#include "workflow/links.hpp"
#include "workflow/documents.hpp"
#include "workflow/legacy.hpp"
#include "workflow/letters.hpp"
#include "workflow/workflow.hpp"

namespace clmis {

using detail::Context;

namespace {

detail::Engine& live(const std::shared_ptr<detail::Engine>& e) {
  if (!e) throw Misuse("the database handle is closed");
  return *e;
}

UpsertResult public_result(const detail::Upserted& u) {
  switch (u.outcome) {
    case detail::Upserted::Outcome::created: return {u.id, UpsertOutcome::created};
    case detail::Upserted::Outcome::updated: return {u.id, UpsertOutcome::updated};
    case detail::Upserted::Outcome::unchanged: break;
  }
  return {u.id, UpsertOutcome::unchanged};
}

}  // namespace

Database Database::init(const std::string& path, const InitOptions& options) {
  return Database(detail::Engine::init(path, options));
}

Database Database::open(const std::string& path, const OpenOptions& options) {
  return Database(detail::Engine::open(path, options));
}

namespace detail {
/// The identity of a session (shared by its copies) for Engine::begin_batch. When the last copy
/// of the session goes, an open batch of it is rolled back.
struct BatchOwner {
  Engine* engine = nullptr;  ///< kept alive by the session's engine_, which outlives this
  ~BatchOwner() {
    if (engine) engine->abandon_batch(this);
  }
};
}  // namespace detail

Session::Session(std::shared_ptr<detail::Engine> e, std::int64_t uid, std::string name, std::int64_t key_id)
    : engine_(std::move(e)), user_id_(uid), key_id_(key_id), user_(std::move(name)),
      owner_(std::make_shared<detail::BatchOwner>()) {
  owner_->engine = engine_.get();
}

Session Database::login(std::string_view user, std::string_view password) const {
  auto [uid, name] = live(engine_).run({}, [&](Context& cx) { return detail::login(cx, user, password); });
  return Session(engine_, uid, std::move(name));
}

Session Database::login_service(std::string_view key, std::string_view user) const {
  auto [uid, key_id, name] = live(engine_).run({}, [&](Context& cx) { return detail::login_service(cx, key, user); });
  return Session(engine_, uid, std::move(name), key_id);
}

Json Database::schema() const {
  return live(engine_).run({}, [](Context& cx) { return detail::schema_json(cx); });
}

Json Database::codes(std::string_view list, std::string_view lang) const {
  return live(engine_).run({}, [&](Context& cx) { return detail::codes_of(cx, list, lang); });
}

Json Database::profile_check() const {
  return live(engine_).run({}, [](Context& cx) { return pack::profile_check(cx.pack, cx.profile); });
}

Json Database::profile_check_country(const std::string& country, const std::string& data_dir) {
  auto src = data_dir.empty() ? pack::embedded_source() : pack::directory_source(data_dir);
  pack::Pack p = pack::load_pack(*src);
  pack::Profile prof = pack::load_profile(*src, country, p);
  return pack::profile_check(pack::with_extensions(std::move(p), prof), prof);
}

const std::string& Database::path() const { return live(engine_).path(); }

std::vector<std::string> Database::files() const { return live(engine_).files(); }

Json Database::restore(const std::string& backup, const std::string& target, const RestoreOptions& options) {
  return detail::Engine::restore(backup, target, options);
}

Json Database::check_files(const std::string& path, const std::string& audit_key_file) {
  if (path.empty()) throw Misuse("the database path is empty");
  return detail::check_files(detail::database_files(path, audit_key_file.empty() ? path + ".key" : audit_key_file), true);
}

std::string Database::today() const {
  return live(engine_).run({}, [](Context& cx) { return cx.clock.today_text(); });
}

Json Database::calendar(int year, std::string_view lang) const {
  return live(engine_).run({}, [&](Context& cx) {
    store::ReadTransaction rt(cx.conn);
    return detail::calendar_year(cx, year, lang);
  });
}

Json Database::add_days(std::string_view from, int days, bool working, bool explain) const {
  return live(engine_).run({}, [&](Context& cx) {
    store::ReadTransaction rt(cx.conn);
    return detail::calendar_add_days(cx, from, days, working, explain);
  });
}

Json Database::working_days(std::string_view from, std::string_view to) const {
  return live(engine_).run({}, [&](Context& cx) {
    store::ReadTransaction rt(cx.conn);
    return detail::calendar_working_days(cx, from, to);
  });
}

std::string Database::add_hours(std::string_view from, int hours) const {
  live(engine_);
  auto t = parse_datetime(from);
  if (!t) throw ValidationError(std::vector<FieldError>{{"calendar", "from", std::string(from), "type",
                                                         "a UTC timestamp YYYY-MM-DDThh:mm:ssZ"}});
  if (hours < 0 || hours > 8784)
    throw ValidationError(std::vector<FieldError>{{"calendar", "hours", hours, "range", "0 to 8784 hours (a year)"}});
  const auto r = *t + std::chrono::hours(hours);
  if (r > *parse_datetime("9999-12-31T23:59:59Z"))
    throw ValidationError(std::vector<FieldError>{{"calendar", "hours", hours, "range", "the result is after 9999"}});
  return format_datetime(r);
}

Json Database::calendar_pending(int year) const {
  return live(engine_).run({}, [&](Context& cx) {
    store::ReadTransaction rt(cx.conn);
    return detail::calendar_pending(cx, year);
  });
}

void Database::close() {
  if (engine_) engine_->close();
}

// --- records ---------------------------------------------------------------------------------

std::int64_t Session::create(std::string_view type, const Json& record) {
  check_json(record, type);
  // Warnings belong to a write that happened: a refused one leaves none.
  warnings_ = Json::array();
  detail::Warnings w;
  const auto id = live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::create_case(cx, type, record, &w); });
  warnings_ = detail::to_json(w);
  return id;
}

Json Session::get(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::get_record(cx, type, id); });
}

std::int64_t Session::update(std::string_view type, std::int64_t id, std::int64_t version, const Json& changes) {
  check_json(changes, type);
  warnings_ = Json::array();
  detail::Warnings w;
  const auto v = live(engine_).run(detail::SessionAccess::actor(*this),
                                   [&](Context& cx) { return detail::update_case(cx, type, id, version, changes, &w); });
  warnings_ = detail::to_json(w);
  return v;
}

void Session::archive(std::string_view type, std::int64_t id, std::int64_t version, std::string_view reason) {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::archive_record(cx, type, id, version, reason); });
}

UpsertResult Session::upsert(std::string_view type, std::string_view external_id, const Json& record) {
  check_json(record, type);
  warnings_ = Json::array();
  detail::Warnings w;
  const auto r = live(engine_).run(detail::SessionAccess::actor(*this),
                                   [&](Context& cx) { return detail::upsert_case(cx, type, external_id, record, &w); });
  warnings_ = detail::to_json(w);
  return public_result(r);
}

Json Session::schema() const {
  return live(engine_).run(detail::Actor{0, 0, owner_.get()}, [](Context& cx) { return detail::schema_json(cx); });
}

void Session::batch(const std::function<void()>& fn) { live(engine_).batch(detail::SessionAccess::actor(*this), fn, nullptr); }

void Session::batch(const std::function<void()>& fn, const Json& audit_summary) {
  check_json(audit_summary, "audit_summary");
  live(engine_).batch(detail::SessionAccess::actor(*this), fn, &audit_summary);
}

void Session::begin_batch() { live(engine_).begin_batch(detail::SessionAccess::actor(*this)); }

void Session::commit_batch() { live(engine_).end_batch(detail::SessionAccess::actor(*this), true); }

void Session::rollback_batch() { live(engine_).end_batch(detail::SessionAccess::actor(*this), false); }

bool Session::in_batch() const { return engine_ && owner_ && engine_->batch_open(owner_.get()); }

Json Session::query(std::string_view type, const Json& query) {
  check_json(query, type);
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::query_records(cx, type, query); });
}

ColumnSet Session::read_columns(std::string_view type, const Json& query) {
  check_json(query, type);
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::read_columns(cx, type, query); });
}

Json Session::changes_since(std::int64_t since_seq, int limit) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::changes_since(cx, since_seq, limit); });
}

Json Session::history(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::record_history(cx, type, id); });
}

void Session::export_started(std::string_view type, const Json& detail) {
  check_json(detail, type);
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::export_started(cx, type, detail); });
}

// --- lifecycles ------------------------------------------------------------------------------

std::int64_t Session::transition(std::string_view type, std::int64_t id, std::int64_t version, std::string_view name,
                                 const Json& args) {
  check_json(args, type);
  warnings_ = Json::array();
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::transition(cx, type, id, version, name, args); });
}

Json Session::status_counts(std::string_view type, std::string_view date) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::status_counts(cx, type, date); });
}

Json Session::deadlines(std::string_view type, std::int64_t id, std::string_view as_of) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::record_deadlines(cx, type, id, as_of); });
}

Json Session::deadline_explain(std::string_view type, std::int64_t id, std::string_view deadline) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::deadline_explain(cx, type, id, deadline); });
}

Json Session::deadline_change(std::string_view type, std::int64_t id, std::string_view deadline, const Json& change) {
  check_json(change, type);
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::deadline_change(cx, type, id, deadline, change); });
}

Json Session::assign(std::string_view type, std::int64_t id, std::string_view user, std::string_view reason) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::assign_case(cx, type, id, user, reason); });
}

Json Session::assignments(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::case_assignments(cx, type, id); });
}

Json Session::link(std::string_view type, std::int64_t id, std::string_view to_type, std::int64_t to_id,
                   std::string_view relation, std::string_view note) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) {
    return detail::link_records(cx, type, id, to_type, to_id, relation, note);
  });
}

Json Session::unlink(std::int64_t link_id, std::string_view reason) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::unlink_records(cx, link_id, reason); });
}

std::int64_t Session::override_value(std::string_view type, std::int64_t id, std::int64_t version, std::string_view field,
                                     const Json& value, std::string_view reason) {
  check_json(value, type);
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) {
    return detail::override_value(cx, type, id, version, field, value, reason);
  });
}

std::int64_t Session::clear_override(std::string_view type, std::int64_t id, std::int64_t version, std::string_view field,
                                     std::string_view reason) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) {
    return detail::clear_override(cx, type, id, version, field, reason);
  });
}

Json Session::overrides(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::record_overrides(cx, type, id); });
}

Json Session::links(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::record_links(cx, type, id); });
}

Json Session::queue(const Json& spec) {
  return to_json(queue_page(spec));
}

QueuePage Session::queue_page(const Json& spec) {
  check_json(spec, "queue");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::case_queue(cx, spec); });
}

Json Session::timeline(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::case_timeline(cx, type, id); });
}

Json Session::attach(std::string_view type, std::int64_t id, std::string_view name, std::string_view content,
                     std::string_view media_type, std::string_view note) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) {
    return detail::attach_document(cx, type, id, name, content, media_type, note);
  });
}

Json Session::documents(std::string_view type, std::int64_t id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::record_documents(cx, type, id); });
}

std::string Session::document_content(std::int64_t document_id) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::document_content(cx, document_id); });
}

Json Session::withdraw_document(std::int64_t document_id, std::string_view reason) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::withdraw_document(cx, document_id, reason); });
}

Json Session::letter(std::string_view type, std::int64_t id, std::string_view letter, std::string_view lang,
                     std::string_view format) {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) {
    return detail::letter_on_demand(cx, type, id, letter, lang, format);
  });
}

Json Session::ageing(const Json& spec) {
  check_json(spec, "ageing");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::case_ageing(cx, spec); });
}

// --- Indicators -------------------------------------------------------------------------------

Json Session::indicators_list(std::string_view lang) {
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::indicators_list(cx, std::string(lang)); });
}

Json Session::indicators(const Json& spec) { return indicators(spec, IndicatorProgress{}); }

Json Session::indicators(const Json& spec, const IndicatorProgress& progress) {
  check_json(spec, "indicators");
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::indicators_compute(cx, spec, progress); });
}

Json Session::stock(const Json& spec) {
  check_json(spec, "stock");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::stock_table(cx, spec); });
}

Json Session::flows(const Json& spec) {
  check_json(spec, "flows");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::flow_table(cx, spec); });
}

Json Session::indicator_explain(const Json& spec) {
  check_json(spec, "indicators");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::indicator_explain(cx, spec); });
}

std::string Session::indicators_export(const Json& spec) { return indicators_export(spec, IndicatorProgress{}); }

std::string Session::indicators_export(const Json& spec, const IndicatorProgress& progress) {
  check_json(spec, "indicators");
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::indicators_export(cx, spec, progress); });
}

// --- Table Maintenance -----------------------------------------------------------------------

void Session::code_add(std::string_view list, const Json& code) {
  check_json(code, list);
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::code_add(cx, list, code); });
}

void Session::code_update(std::string_view list, std::string_view code, const Json& changes) {
  check_json(changes, list);
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::code_update(cx, list, code, changes); });
}

void Session::code_delete(std::string_view list, std::string_view code) {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::code_delete(cx, list, code); });
}

Json Session::proclaim(const Json& spec) {
  check_json(spec, "calendar");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::calendar_proclaim(cx, spec); });
}

Json Session::withdraw_proclamation(const Json& spec) {
  check_json(spec, "calendar");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::calendar_withdraw(cx, spec); });
}

// --- security --------------------------------------------------------------------------------

Json Session::permissions() const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [](Context& cx) { return cx.access.permissions(cx); });
}

void Session::require(std::string_view type, std::string_view action) const {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { cx.access.require_scope(cx, cx.type(type), action); });
}

Json Session::users() const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [](Context& cx) { return detail::users(cx); });
}

std::int64_t Session::user_create(const Json& spec) {
  check_json(spec, "user");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::user_create(cx, spec); });
}

void Session::user_update(std::string_view name, const Json& changes) {
  check_json(changes, "user");
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::user_update(cx, name, changes); });
}

void Session::user_reset_password(std::string_view name, std::string_view password) {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::user_reset_password(cx, name, password); });
}

void Session::change_password(std::string_view old_password, std::string_view new_password) {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::change_password(cx, old_password, new_password); });
}

Json Session::service_key_create(const Json& spec) {
  check_json(spec, "service_key");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::service_key_create(cx, spec); });
}

Json Session::service_keys() const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [](Context& cx) { return detail::service_keys(cx); });
}

void Session::service_key_revoke(std::string_view name) {
  live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { detail::service_key_revoke(cx, name); });
}

Json Session::audit_verify(const Json& checkpoint) const {
  check_json(checkpoint, "checkpoint");
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::audit_verify(cx, checkpoint); });
}

Json Session::audit_checkpoint() const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [](Context& cx) { return detail::audit_checkpoint(cx); });
}

Json Session::audit_entries(std::int64_t after_id, int limit) const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::audit_entries(cx, after_id, limit); });
}

Json Session::backup(const std::string& path, bool replace) {
  return live(engine_).backup(detail::SessionAccess::actor(*this), path, replace);
}

Json Session::check(std::size_t max_problems) const {
  auto& e = live(engine_);
  const auto files = e.files();
  const bool has_key_file = files.size() > 4;
  return e.run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::check_database(cx, files, has_key_file, max_problems); });
}

Json Session::security_log(std::int64_t after_id, int limit) const {
  return live(engine_).run(detail::SessionAccess::actor(*this), [&](Context& cx) { return detail::security_log(cx, after_id, limit); });
}

// --- the bulk path of imports (api/bulk.hpp) -------------------------------------------------

namespace detail {

Actor SessionAccess::actor(const Session& s) { return Actor{s.user_id_, s.key_id_, s.owner_.get()}; }

std::vector<std::string> SessionAccess::files(const Session& s) { return live(s.engine_).files(); }

Json SessionAccess::type_schema(const Session& s, std::string_view type) {
  return live(s.engine_).run(Actor{0, 0, s.owner_.get()}, [type](Context& cx) { return detail::record_type_schema_json(cx, type); });
}

Json SessionAccess::codes(const Session& s, std::string_view list, std::string_view lang) {
  return live(s.engine_).run(Actor{0, 0, s.owner_.get()}, [&](Context& cx) { return detail::codes_of(cx, list, lang); });
}

std::int64_t SessionAccess::bulk_create(Session& s, std::string_view type, const Json& record, Warnings* warnings) {
  return live(s.engine_).run(actor(s),
                             [&](Context& cx) { return create_case(cx, type, record, warnings); }, true);
}

UpsertResult SessionAccess::bulk_upsert(Session& s, std::string_view type, std::string_view external_id,
                                        const Json& record, Warnings* warnings) {
  return public_result(live(s.engine_).run(
      actor(s), [&](Context& cx) { return upsert_case(cx, type, external_id, record, warnings); },
      true));
}

std::int64_t SessionAccess::bulk_create(Session& s, std::string_view type, const GivenRecord& record, Warnings* warnings) {
  return live(s.engine_).run(actor(s),
                             [&](Context& cx) { return create_case(cx, type, record, warnings); }, true);
}

UpsertResult SessionAccess::bulk_upsert(Session& s, std::string_view type, std::string_view external_id,
                                        const GivenRecord& record, Warnings* warnings) {
  return public_result(live(s.engine_).run(
      actor(s), [&](Context& cx) { return upsert_case(cx, type, external_id, record, warnings); },
      true));
}

UpsertResult SessionAccess::import_lifecycle(Session& s, std::string_view type, std::optional<std::string_view> external_id,
                                            const Json* record, const GivenRecord* given, const LegacyLifecycle& lifecycle,
                                            Warnings* warnings) {
  return public_result(live(s.engine_).run(actor(s), [&](Context& cx) {
    return record ? import_with_lifecycle(cx, type, external_id, *record, lifecycle, warnings)
                  : import_with_lifecycle(cx, type, external_id, *given, lifecycle, warnings);
  }));
}

std::vector<std::string> SessionAccess::defer_indexes(Session& s, std::string_view type, bool automatic, bool after_load) {
  return live(s.engine_).run(actor(s),
                             [&](Context& cx) { return detail::defer_indexes(cx, type, automatic, after_load); });
}

std::vector<std::string> SessionAccess::defer_indexes_for(Session& s, std::string_view type, std::uint64_t rows_to_come) {
  return live(s.engine_).run(actor(s), [&](Context& cx) { return detail::defer_indexes_for(cx, type, rows_to_come); });
}

void SessionAccess::build_indexes(Session& s, const std::vector<std::string>& ddl) {
  if (ddl.empty()) return;
  live(s.engine_).run(actor(s), [&](Context& cx) { detail::build_indexes(cx, ddl); });
}

}  // namespace detail

Json Session::series_import(std::string_view bytes, const Json& options) {
  check_json(options, "series");
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::series_import(cx, bytes, options); });
}

Json Session::series(const Json& query) {
  check_json(query, "series");
  return live(engine_).run(detail::SessionAccess::actor(*this),
                           [&](Context& cx) { return detail::series_rows(cx, query); });
}

}  // namespace clmis
