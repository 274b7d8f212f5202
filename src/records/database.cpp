// The public C++ API (clmis/database.hpp) over the engine.
#include "records/engine.hpp"

namespace clmis {

namespace {
detail::Engine& live(const std::shared_ptr<detail::Engine>& e) {
  if (!e) throw Misuse("the database handle is closed");
  return *e;
}
}  // namespace

Database Database::init(const std::string& path, const InitOptions& options) {
  return Database(detail::Engine::init(path, options));
}

Database Database::open(const std::string& path, const OpenOptions& options) {
  return Database(detail::Engine::open(path, options));
}

Session Database::login(std::string_view user, std::string_view password) const {
  auto [uid, name] = live(engine_).login(user, password);
  return Session(engine_, uid, std::move(name));
}

Session Database::login_service(std::string_view key, std::string_view user) const {
  auto [uid, key_id, name] = live(engine_).login_service(key, user);
  return Session(engine_, uid, std::move(name), key_id);
}

Json Database::schema() const { return live(engine_).schema(); }

Json Database::codes(std::string_view list, std::string_view lang) const {
  return live(engine_).codes(list, lang);
}

const std::string& Database::path() const { return live(engine_).path(); }

void Database::close() {
  if (engine_) engine_->close();
}

std::int64_t Session::create(std::string_view type, const Json& record) {
  // Warnings belong to a write that happened: a refused one leaves none.
  warnings_ = Json::array();
  Json w = Json::array();
  const auto id = live(engine_).create(actor(), type, record, &w);
  warnings_ = std::move(w);
  return id;
}

Json Session::get(std::string_view type, std::int64_t id) {
  return live(engine_).get(actor(), type, id);
}

std::int64_t Session::update(std::string_view type, std::int64_t id, std::int64_t version,
                             const Json& changes) {
  warnings_ = Json::array();
  Json w = Json::array();
  const auto v = live(engine_).update(actor(), type, id, version, changes, &w);
  warnings_ = std::move(w);
  return v;
}

void Session::archive(std::string_view type, std::int64_t id, std::int64_t version,
                      std::string_view reason) {
  live(engine_).archive(actor(), type, id, version, reason);
}

UpsertResult Session::upsert(std::string_view type, std::string_view external_id,
                             const Json& record) {
  warnings_ = Json::array();
  Json w = Json::array();
  const auto r = live(engine_).upsert(actor(), type, external_id, record, &w);
  warnings_ = std::move(w);
  return r;
}

Json Session::schema() const { return live(engine_).schema(); }

void Session::batch(const std::function<void()>& fn) { live(engine_).batch(actor(), fn, nullptr); }

void Session::batch(const std::function<void()>& fn, const Json& audit_summary) {
  live(engine_).batch(actor(), fn, &audit_summary);
}

std::int64_t Session::transition(std::string_view type, std::int64_t id, std::int64_t version,
                                 std::string_view name, const Json& args) {
  warnings_ = Json::array();
  return live(engine_).transition(actor(), type, id, version, name, args);
}

Json Session::status_counts(std::string_view type, std::string_view date) {
  return live(engine_).status_counts(actor(), type, date);
}

Json Session::history(std::string_view type, std::int64_t id) {
  return live(engine_).history_of(actor(), type, id);
}

void Session::code_add(std::string_view list, const Json& code) {
  live(engine_).code_add(actor(), list, code);
}

void Session::code_update(std::string_view list, std::string_view code, const Json& changes) {
  live(engine_).code_update(actor(), list, code, changes);
}

void Session::code_delete(std::string_view list, std::string_view code) {
  live(engine_).code_delete(actor(), list, code);
}

Json Session::query(std::string_view type, const Json& query) {
  return live(engine_).query(actor(), type, query);
}

Json Session::changes_since(std::int64_t since_seq, int limit) {
  return live(engine_).changes_since(actor(), since_seq, limit);
}

Json Session::permissions() const { return live(engine_).permissions(actor()); }
void Session::require(std::string_view type, std::string_view action) const {
  live(engine_).require(actor(), type, action);
}
Json Session::users() const { return live(engine_).users(actor()); }
std::int64_t Session::user_create(const Json& spec) { return live(engine_).user_create(actor(), spec); }
void Session::user_update(std::string_view name, const Json& changes) {
  live(engine_).user_update(actor(), name, changes);
}
void Session::user_reset_password(std::string_view name, std::string_view password) {
  live(engine_).user_reset_password(actor(), name, password);
}
void Session::change_password(std::string_view old_password, std::string_view new_password) {
  live(engine_).change_password(actor(), old_password, new_password);
}
Json Session::service_key_create(const Json& spec) { return live(engine_).service_key_create(actor(), spec); }
Json Session::service_keys() const { return live(engine_).service_keys(actor()); }
void Session::service_key_revoke(std::string_view name) { live(engine_).service_key_revoke(actor(), name); }
Json Session::audit_verify(const Json& checkpoint) const { return live(engine_).audit_verify(actor(), checkpoint); }
Json Session::audit_checkpoint() const { return live(engine_).audit_checkpoint(actor()); }
Json Session::audit_entries(std::int64_t after_id, int limit) const {
  return live(engine_).audit_entries(actor(), after_id, limit);
}
Json Session::security_log(std::int64_t after_id, int limit) const {
  return live(engine_).security_log(actor(), after_id, limit);
}
void Session::export_started(std::string_view type, const Json& detail) {
  live(engine_).export_started(actor(), type, detail);
}

}  // namespace clmis
