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
  const auto id = live(engine_).create(user_id_, type, record, &w);
  warnings_ = std::move(w);
  return id;
}

Json Session::get(std::string_view type, std::int64_t id) {
  return live(engine_).get(user_id_, type, id);
}

std::int64_t Session::update(std::string_view type, std::int64_t id, std::int64_t version,
                             const Json& changes) {
  warnings_ = Json::array();
  Json w = Json::array();
  const auto v = live(engine_).update(user_id_, type, id, version, changes, &w);
  warnings_ = std::move(w);
  return v;
}

void Session::archive(std::string_view type, std::int64_t id, std::int64_t version,
                      std::string_view reason) {
  live(engine_).archive(user_id_, type, id, version, reason);
}

UpsertResult Session::upsert(std::string_view type, std::string_view external_id,
                             const Json& record) {
  warnings_ = Json::array();
  Json w = Json::array();
  const auto r = live(engine_).upsert(user_id_, type, external_id, record, &w);
  warnings_ = std::move(w);
  return r;
}

Json Session::schema() const { return live(engine_).schema(); }

void Session::batch(const std::function<void()>& fn) { live(engine_).batch(user_id_, fn, nullptr); }

void Session::batch(const std::function<void()>& fn, const Json& audit_summary) {
  live(engine_).batch(user_id_, fn, &audit_summary);
}

std::int64_t Session::transition(std::string_view type, std::int64_t id, std::int64_t version,
                                 std::string_view name, const Json& args) {
  warnings_ = Json::array();
  return live(engine_).transition(user_id_, type, id, version, name, args);
}

Json Session::status_counts(std::string_view type, std::string_view date) {
  return live(engine_).status_counts(user_id_, type, date);
}

Json Session::history(std::string_view type, std::int64_t id) {
  return live(engine_).history_of(user_id_, type, id);
}

void Session::code_add(std::string_view list, const Json& code) {
  live(engine_).code_add(user_id_, list, code);
}

void Session::code_update(std::string_view list, std::string_view code, const Json& changes) {
  live(engine_).code_update(user_id_, list, code, changes);
}

void Session::code_delete(std::string_view list, std::string_view code) {
  live(engine_).code_delete(user_id_, list, code);
}

Json Session::query(std::string_view type, const Json& query) {
  return live(engine_).query(user_id_, type, query);
}

Json Session::changes_since(std::int64_t since_seq, int limit) {
  return live(engine_).changes_since(user_id_, since_seq, limit);
}

}  // namespace clmis
