// The C API: thin extern "C" wrappers. Each catches every exception and maps it to a status
// code in one place (set_error); no logic lives here.
#define CLMIS_BUILDING 1
#include "clmis/clmis.h"
#include "api/bulk.hpp"
#include "clmis/database.hpp"
#include "clmis/io.hpp"
#include "clmis/json.hpp"
#include "core/files.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

using clmis::Errc;
using clmis::Json;

struct clmis_db {
  std::uint64_t magic;
  std::unique_ptr<clmis::Database> db;
};

struct clmis_session {
  std::uint64_t magic;
  std::unique_ptr<clmis::Session> session;
};

namespace {

constexpr std::uint64_t kDbMagic = 0x636c6d6973646221ULL;       // "clmisdb!"
constexpr std::uint64_t kSessionMagic = 0x636c6d6973657373ULL;  // "clmisess"
constexpr std::uint64_t kDeadMagic = 0xdeaddeaddeaddeadULL;

struct ThreadError {
  clmis_error err{CLMIS_OK, ""};
  std::string message;
  std::string json = "[]";
  bool set = false;
};

ThreadError& tls() {
  thread_local ThreadError e;
  return e;
}

void clear_error() {
  auto& e = tls();
  e.set = false;
  e.err.code = CLMIS_OK;
  e.message.clear();
  e.err.message = "";
  e.json = "[]";
}

int set_error(int code, std::string message, std::string json = "[]") {
  auto& e = tls();
  e.set = true;
  e.message = clmis::detail::utf8_repaired(message);  // a caller's bytes quoted in it stay text
  e.err.code = code;
  e.err.message = e.message.c_str();
  e.json = std::move(json);
  return code;
}

/// JSON text out (clmis::dump_json: bytes stored before they were checked come out as U+FFFD,
/// never an exception, which may not escape an extern "C" function).
std::string dump(const Json& j) { return clmis::dump_json(j); }

/// The one place where C++ errors become C status codes.
int from_exception() {
  try {
    throw;
  } catch (const clmis::ValidationError& e) {
    return set_error(static_cast<int>(e.code()), e.what(), dump(clmis::to_json(e.errors())));
  } catch (const clmis::Error& e) {
    return set_error(static_cast<int>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return set_error(CLMIS_ENOMEM, "out of memory");
  } catch (const clmis::Json::exception& e) {
    // Never the JSON library's internals ("[json.exception.type_error.302] "): what follows them.
    std::string m = e.what();
    if (const auto p = m.find("] "); m.rfind("[json.exception", 0) == 0 && p != std::string::npos) m.erase(0, p + 2);
    return set_error(CLMIS_ERROR, "internal error: " + m);
  } catch (const std::exception& e) {
    return set_error(CLMIS_ERROR, std::string("internal error: ") + e.what());
  } catch (...) {
    return set_error(CLMIS_ERROR, "internal error");
  }
}

int misuse(const char* what) { return set_error(CLMIS_EMISUSE, what); }

/// Thrown by f of guarded() after it has set the error itself (with set_error).
struct Refused {};

/// Runs f, mapping exceptions; clears the thread's error first.
template <class F>
int guarded(F&& f) {
  clear_error();
  try {
    f();
    return CLMIS_OK;
  } catch (const Refused&) {
    return tls().err.code;
  } catch (...) {
    return from_exception();
  }
}

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size() + 1);
  return p;
}

bool db_ok(const clmis_db* db) { return db && db->magic == kDbMagic && db->db; }
bool session_ok(const clmis_session* s) { return s && s->magic == kSessionMagic && s->session; }

// The limits clmis.h documents are the library's.
static_assert(clmis::JsonLimits{}.max_bytes == CLMIS_JSON_MAX_BYTES);
static_assert(clmis::JsonLimits{}.max_depth == CLMIS_JSON_MAX_DEPTH);
static_assert(clmis::JsonLimits{}.max_string == CLMIS_JSON_MAX_STRING);
static_assert(clmis::JsonLimits{}.max_members == CLMIS_JSON_MAX_MEMBERS);
static_assert(clmis::JsonLimits{}.max_values == CLMIS_JSON_MAX_VALUES);

/// JSON text given by the caller, through the library's one entry point (clmis/json.hpp).
Json parse_json(const char* text, const char* what) {
  return clmis::parse_json(text, what ? what : "");
}

// The size of each version of the option structs: a caller compiled against an older header
// passes a shorter struct, which is never read or written past its end.
size_t init_options_size(unsigned int version) {
  switch (version) {
    case 1: return offsetof(clmis_init_options, audit_key_file);
    case 2: return offsetof(clmis_init_options, now);
    default: return sizeof(clmis_init_options);
  }
}

size_t open_options_size(unsigned int version) {
  switch (version) {
    case 1: return offsetof(clmis_open_options, upgrade);
    case 2: return offsetof(clmis_open_options, audit_key_file);
    case 3: return offsetof(clmis_open_options, now);
    default: return sizeof(clmis_open_options);
  }
}

/// The C clock as a clmis::Clock.
clmis::Clock clock_of(std::int64_t (*now)(void*), void* ctx) {
  if (!now) return {};
  return [now, ctx] { return std::chrono::sys_seconds{std::chrono::seconds{now(ctx)}}; };
}

/// A caller's string that must be UTF-8 text (a record type, a file's path): EINVALID otherwise.
void require_utf8(const char* s, const char* what) {
  const std::string_view v(s);
  for (std::size_t i = 0; i < v.size();) {
    const auto n = clmis::detail::utf8_sequence_length(v, i);
    if (n == 0)
      throw clmis::ValidationError(std::string(what) + " is not valid UTF-8",
                                   {{"options", what, nullptr, "json", std::string(what) + " is not valid UTF-8"}});
    i += n;
  }
}

/// The options object of clmis_import / clmis_export: only the keys given, each of its JSON type.
class Options {
 public:
  Options(const char* json, const char* record, std::vector<std::string> keys)
      : record_(record), keys_(std::move(keys)) {
    if (!json) return;
    o_ = clmis::parse_json(json, record);
    if (!o_.is_object()) fail("", o_, "type", "the options are a JSON object");
    for (auto it = o_.begin(); it != o_.end(); ++it)
      if (std::find(keys_.begin(), keys_.end(), it.key()) == keys_.end())
        fail(it.key(), nullptr, "unknown_field",
             "unknown option " + clmis::detail::quoted(it.key()) + clmis::detail::did_you_mean(it.key(), keys_) +
                 "; the options are: " + join(keys_));
  }
  [[nodiscard]] bool has(const std::string& k) const { return o_.is_object() && o_.contains(k) && !o_[k].is_null(); }
  [[nodiscard]] std::string text(const std::string& k, const std::string& dflt) const {
    if (!has(k)) return dflt;
    if (!o_[k].is_string()) fail(k, o_[k], "type", "option " + k + " is a string");
    return o_[k].get<std::string>();
  }
  /// A string that must be one of choices.
  [[nodiscard]] std::string choice(const std::string& k, const std::string& dflt, const std::vector<std::string>& choices) const {
    auto v = text(k, dflt);
    if (std::find(choices.begin(), choices.end(), v) == choices.end())
      fail(k, o_[k], "code_list",
           "option " + k + " is one of " + join(choices) + ", not " + clmis::detail::quoted(v) +
               clmis::detail::did_you_mean(v, choices));
    return v;
  }
  [[nodiscard]] bool flag(const std::string& k, bool dflt) const {
    if (!has(k)) return dflt;
    if (!o_[k].is_boolean()) fail(k, o_[k], "type", "option " + k + " is true or false");
    return o_[k].get<bool>();
  }
  [[nodiscard]] std::int64_t integer(const std::string& k, std::int64_t dflt, std::int64_t lo, std::int64_t hi) const {
    if (!has(k)) return dflt;
    if (!o_[k].is_number_integer()) fail(k, o_[k], "type", "option " + k + " is a whole number");
    const auto v = o_[k].get<std::int64_t>();
    if (v < lo || v > hi)
      fail(k, o_[k], "range", "option " + k + " is from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v;
  }
  [[nodiscard]] std::vector<std::string> strings(const std::string& k) const {
    std::vector<std::string> out;
    if (!has(k)) return out;
    if (!o_[k].is_array()) fail(k, o_[k], "type", "option " + k + " is an array of strings");
    for (const auto& e : o_[k]) {
      if (!e.is_string()) fail(k, o_[k], "type", "option " + k + " is an array of strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  [[nodiscard]] Json array(const std::string& k) const {
    if (!has(k)) return Json::array();
    if (!o_[k].is_array()) fail(k, o_[k], "type", "option " + k + " is an array (of query conditions)");
    return o_[k];
  }
  [[noreturn]] void fail(const std::string& key, const Json& value, const std::string& rule, const std::string& msg) const {
    throw clmis::ValidationError(msg, {{record_, key, value, rule, msg}});
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  }
  std::string record_;
  std::vector<std::string> keys_;
  Json o_ = Json::object();
};

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

/// The report of clmis_import: what `clmis import --json` prints.
Json import_report_json(const clmis::ImportReport& r) {
  Json problems = Json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"rule", p.rule},
                        {"message", p.message}, {"warning", p.warning}});
  return Json{{"committed", r.committed}, {"stopped", r.stopped}, {"rows", r.rows}, {"created", r.created},
              {"updated", r.updated}, {"unchanged", r.unchanged}, {"refused", r.refused},
              {"warnings", r.warnings}, {"sha256", r.sha256}, {"indexes_built_after_load", r.indexes_built_after_load},
              {"problems", problems}};
}

}  // namespace

extern "C" {

const char* clmis_version(void) { return CLMIS_VERSION; }
int clmis_libversion_number(void) { return CLMIS_VERSION_NUMBER; }

const clmis_error* clmis_error_last(void) {
  auto& e = tls();
  return e.set ? &e.err : nullptr;
}

const char* clmis_error_last_json(void) { return tls().json.c_str(); }

void clmis_error_clear(void) { clear_error(); }

const char* clmis_error_code_name(int code) {
  switch (code) {
    case CLMIS_OK: return "CLMIS_OK";
    case CLMIS_ERROR: return "CLMIS_ERROR";
    case CLMIS_EINVALID: return "CLMIS_EINVALID";
    case CLMIS_ENOTFOUND: return "CLMIS_ENOTFOUND";
    case CLMIS_EEXISTS: return "CLMIS_EEXISTS";
    case CLMIS_ECONFLICT: return "CLMIS_ECONFLICT";
    case CLMIS_EDENIED: return "CLMIS_EDENIED";
    case CLMIS_EAUTH: return "CLMIS_EAUTH";
    case CLMIS_EBUSY: return "CLMIS_EBUSY";
    case CLMIS_EMISUSE: return "CLMIS_EMISUSE";
    case CLMIS_EPACK: return "CLMIS_EPACK";
    case CLMIS_EIO: return "CLMIS_EIO";
    case CLMIS_EVERSION: return "CLMIS_EVERSION";
    case CLMIS_ENOMEM: return "CLMIS_ENOMEM";
    default: return "CLMIS_UNKNOWN";
  }
}

void clmis_free(void* p) { std::free(p); }

int clmis_init_options_init(clmis_init_options* opts, unsigned int version) {
  clear_error();
  if (!opts) return misuse("opts is NULL");
  if (version < 1 || version > CLMIS_INIT_OPTIONS_VERSION) return misuse("unknown clmis_init_options version");
  clmis_init_options d = CLMIS_INIT_OPTIONS_INIT;
  d.version = version;
  std::memcpy(opts, &d, init_options_size(version));
  return CLMIS_OK;
}

int clmis_open_options_init(clmis_open_options* opts, unsigned int version) {
  clear_error();
  if (!opts) return misuse("opts is NULL");
  if (version < 1 || version > CLMIS_OPEN_OPTIONS_VERSION) return misuse("unknown clmis_open_options version");
  clmis_open_options d = CLMIS_OPEN_OPTIONS_INIT;
  d.version = version;
  std::memcpy(opts, &d, open_options_size(version));
  return CLMIS_OK;
}

int clmis_init(clmis_db** out, const char* path, const clmis_init_options* opts) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!path) return misuse("path is NULL");
  if (!opts) return misuse("opts is NULL");
  if (opts->version < 1 || opts->version > CLMIS_INIT_OPTIONS_VERSION)
    return misuse("unknown clmis_init_options version");
  if (!opts->country) return misuse("opts->country is NULL");
  return guarded([&] {
    clmis::InitOptions o;
    o.country = opts->country;
    if (opts->admin_user) o.admin_user = opts->admin_user;
    if (opts->admin_password) o.admin_password = opts->admin_password;
    if (opts->data_dir) o.data_dir = opts->data_dir;
    if (opts->version >= 2) {
      if (opts->audit_key_file) o.audit_key_file = opts->audit_key_file;
      if (opts->audit_key) o.audit_key = opts->audit_key;
    }
    if (opts->version >= 3) o.clock = clock_of(opts->now, opts->now_ctx);
    auto h = std::make_unique<clmis_db>();
    h->db = std::make_unique<clmis::Database>(clmis::Database::init(path, o));
    h->magic = kDbMagic;
    *out = h.release();
  });
}

int clmis_open(clmis_db** out, const char* path, const clmis_open_options* opts) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!path) return misuse("path is NULL");
  // Version 1 callers pass the shorter struct without `upgrade`: never read past it.
  if (opts && (opts->version < 1 || opts->version > CLMIS_OPEN_OPTIONS_VERSION))
    return misuse("unknown clmis_open_options version");
  return guarded([&] {
    clmis::OpenOptions o;
    if (opts) {
      o.busy_timeout_ms = opts->busy_timeout_ms;
      if (opts->data_dir) o.data_dir = opts->data_dir;
      if (opts->version >= 2) o.upgrade = opts->upgrade != 0;
      if (opts->version >= 3) {
        if (opts->audit_key_file) o.audit_key_file = opts->audit_key_file;
        if (opts->audit_key) o.audit_key = opts->audit_key;
      }
      if (opts->version >= 4) o.clock = clock_of(opts->now, opts->now_ctx);
    }
    auto h = std::make_unique<clmis_db>();
    h->db = std::make_unique<clmis::Database>(clmis::Database::open(path, o));
    h->magic = kDbMagic;
    *out = h.release();
  });
}

void clmis_close(clmis_db** db) {
  if (!db || !*db) return;
  clmis_db* h = *db;
  if (h->magic == kDbMagic) {
    try {
      if (h->db) h->db->close();
    } catch (...) {
    }
    h->magic = kDeadMagic;
    delete h;
  }
  *db = nullptr;
}

int clmis_schema_json(char** out, clmis_db* db) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  return guarded([&] { *out = dup(dump(db->db->schema())); });
}

int clmis_profile_check_json(char** out, clmis_db* db) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  return guarded([&] { *out = dup(dump(db->db->profile_check())); });
}

int clmis_profile_check_country_json(char** out, const char* country, const char* data_dir) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!country) return misuse("country is NULL");
  return guarded([&] { *out = dup(dump(clmis::Database::profile_check_country(country, data_dir ? data_dir : ""))); });
}

int clmis_codes_json(char** out, clmis_db* db, const char* list, const char* lang) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  if (!list) return misuse("list is NULL");
  return guarded([&] { *out = dup(dump(db->db->codes(list, lang ? lang : ""))); });
}

int clmis_today(char** out, clmis_db* db) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  return guarded([&] { *out = dup(db->db->today()); });
}

int clmis_login(clmis_session** out, clmis_db* db, const char* user, const char* password) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  if (!user || !password) return misuse("user and password must not be NULL");
  return guarded([&] {
    auto h = std::make_unique<clmis_session>();
    h->session = std::make_unique<clmis::Session>(db->db->login(user, password));
    h->magic = kSessionMagic;
    *out = h.release();
  });
}

void clmis_session_close(clmis_session** session) {
  if (!session || !*session) return;
  clmis_session* h = *session;
  if (h->magic == kSessionMagic) {
    h->magic = kDeadMagic;
    delete h;
  }
  *session = nullptr;
}

int clmis_session_user(char** out, clmis_session* session) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] { *out = dup(session->session->user()); });
}

#define CLMIS_CHECK_SESSION()                                                               \
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session"); \
  if (!type) return misuse("type is NULL")

int clmis_record_create(int64_t* out_id, clmis_session* session, const char* type, const char* json) {
  clear_error();
  if (!out_id) return misuse("out_id is NULL");
  *out_id = 0;
  CLMIS_CHECK_SESSION();
  if (!json) return misuse("json is NULL");
  return guarded([&] { *out_id = session->session->create(type, parse_json(json, type)); });
}

int clmis_record_get(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->get(type, id))); });
}

int clmis_record_update(int64_t* out_version, clmis_session* session, const char* type, int64_t id,
                        int64_t version, const char* json) {
  clear_error();
  if (out_version) *out_version = 0;
  CLMIS_CHECK_SESSION();
  if (!json) return misuse("json is NULL");
  return guarded([&] {
    auto v = session->session->update(type, id, version, parse_json(json, type));
    if (out_version) *out_version = v;
  });
}

int clmis_record_archive(clmis_session* session, const char* type, int64_t id, int64_t version,
                         const char* reason) {
  clear_error();
  CLMIS_CHECK_SESSION();
  if (!reason) return misuse("reason is NULL");
  return guarded([&] { session->session->archive(type, id, version, reason); });
}

int clmis_record_upsert(int64_t* out_id, int* out_outcome, clmis_session* session, const char* type,
                        const char* external_id, const char* json) {
  clear_error();
  if (!out_id) return misuse("out_id is NULL");
  *out_id = 0;
  if (out_outcome) *out_outcome = CLMIS_UPSERT_UNCHANGED;
  CLMIS_CHECK_SESSION();
  if (!external_id || !json) return misuse("external_id and json must not be NULL");
  return guarded([&] {
    auto r = session->session->upsert(type, external_id, parse_json(json, type));
    *out_id = r.id;
    if (out_outcome) *out_outcome = static_cast<int>(r.outcome);
  });
}

int clmis_record_query(char** out, clmis_session* session, const char* type, const char* query_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] {
    Json q = query_json ? parse_json(query_json, type) : Json::object();
    *out = dup(dump(session->session->query(type, q)));
  });
}

int clmis_changes_since(char** out, clmis_session* session, int64_t since_seq, int limit) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] { *out = dup(dump(session->session->changes_since(since_seq, limit))); });
}

int clmis_session_warnings_json(char** out, clmis_session* session) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] { *out = dup(dump(session->session->warnings())); });
}

int clmis_record_transition(int64_t* out_version, clmis_session* session, const char* type,
                            int64_t id, int64_t version, const char* transition,
                            const char* args_json) {
  clear_error();
  if (out_version) *out_version = 0;
  CLMIS_CHECK_SESSION();
  if (!transition) return misuse("transition is NULL");
  return guarded([&] {
    Json args = args_json ? parse_json(args_json, type) : Json::object();
    auto v = session->session->transition(type, id, version, transition, args);
    if (out_version) *out_version = v;
  });
}

int clmis_record_history_json(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->history(type, id))); });
}

int clmis_status_counts_json(char** out, clmis_session* session, const char* type, const char* date) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!date) return misuse("date is NULL");
  return guarded([&] { *out = dup(dump(session->session->status_counts(type, date))); });
}

int clmis_deadlines_json(char** out, clmis_session* session, const char* type, int64_t id, const char* as_of) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->deadlines(type, id, as_of ? as_of : ""))); });
}

int clmis_deadline_explain_json(char** out, clmis_session* session, const char* type, int64_t id,
                                const char* deadline) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!deadline) return misuse("deadline is NULL");
  return guarded([&] { *out = dup(dump(session->session->deadline_explain(type, id, deadline))); });
}

int clmis_deadline_change(char** out, clmis_session* session, const char* type, int64_t id, const char* deadline,
                          const char* change_json) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!deadline) return misuse("deadline is NULL");
  if (!change_json) return misuse("change_json is NULL");
  return guarded([&] {
    const Json r = session->session->deadline_change(type, id, deadline, parse_json(change_json, type));
    if (out) *out = dup(dump(r));
  });
}

int clmis_case_assign(clmis_session* session, const char* type, int64_t id, const char* user, const char* reason) {
  clear_error();
  CLMIS_CHECK_SESSION();
  if (user && !*user) return misuse("user is a user name, or NULL to assign to nobody");
  return guarded([&] { session->session->assign(type, id, user ? user : "", reason ? reason : ""); });
}

int clmis_case_timeline_json(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->timeline(type, id))); });
}

int clmis_link(char** out, clmis_session* session, const char* type, int64_t id, const char* to_type, int64_t to_id,
               const char* relation, const char* note) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!to_type) return misuse("to_type is NULL");
  return guarded([&] {
    const Json r = session->session->link(type, id, to_type, to_id, relation ? relation : "", note ? note : "");
    if (out) *out = dup(dump(r));
  });
}

int clmis_override(int64_t* out_version, clmis_session* session, const char* type, int64_t id, int64_t version,
                   const char* field, const char* value_json, const char* reason) {
  clear_error();
  if (out_version) *out_version = 0;
  CLMIS_CHECK_SESSION();
  if (!field) return misuse("field is NULL");
  if (!value_json) return misuse("value_json is NULL");
  if (!reason) return misuse("reason is NULL");
  return guarded([&] {
    const auto v = session->session->override_value(type, id, version, field, parse_json(value_json, type), reason);
    if (out_version) *out_version = v;
  });
}

int clmis_override_clear(int64_t* out_version, clmis_session* session, const char* type, int64_t id, int64_t version,
                         const char* field, const char* reason) {
  clear_error();
  if (out_version) *out_version = 0;
  CLMIS_CHECK_SESSION();
  if (!field) return misuse("field is NULL");
  if (!reason) return misuse("reason is NULL");
  return guarded([&] {
    const auto v = session->session->clear_override(type, id, version, field, reason);
    if (out_version) *out_version = v;
  });
}

int clmis_overrides_json(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!out) return misuse("out is NULL");
  return guarded([&] { *out = dup(dump(session->session->overrides(type, id))); });
}

int clmis_unlink(char** out, clmis_session* session, int64_t link_id, const char* reason) {
  clear_error();
  if (out) *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  if (!reason) return misuse("reason is NULL");
  return guarded([&] {
    const Json r = session->session->unlink(link_id, reason);
    if (out) *out = dup(dump(r));
  });
}

int clmis_links_json(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->links(type, id))); });
}

int clmis_attach(clmis_session* session, const char* type, int64_t id, const char* name, const void* bytes, size_t size,
                 const char* media_type, const char* note, int64_t* out_id) {
  clear_error();
  if (out_id) *out_id = 0;
  CLMIS_CHECK_SESSION();
  if (!name) return misuse("name is NULL");
  if (!bytes && size > 0) return misuse("bytes is NULL");
  return guarded([&] {
    const std::string_view content(bytes ? static_cast<const char*>(bytes) : "", bytes ? size : 0);
    const Json r = session->session->attach(type, id, name, content, media_type ? media_type : "", note ? note : "");
    if (out_id) *out_id = r["id"].get<std::int64_t>();
  });
}

int clmis_documents_json(char** out, clmis_session* session, const char* type, int64_t id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  return guarded([&] { *out = dup(dump(session->session->documents(type, id))); });
}

int clmis_document_content(void** out, size_t* out_size, clmis_session* session, int64_t document_id) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!out_size) return misuse("out_size is NULL");
  *out_size = 0;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] {
    const std::string bytes = session->session->document_content(document_id);
    void* p = std::malloc(bytes.empty() ? 1 : bytes.size());
    if (!p) throw std::bad_alloc();
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    *out = p;
    *out_size = bytes.size();
  });
}

int clmis_document_withdraw(clmis_session* session, int64_t document_id, const char* reason) {
  clear_error();
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  if (!reason) return misuse("reason is NULL");
  return guarded([&] { session->session->withdraw_document(document_id, reason); });
}

int clmis_letter_json(char** out, clmis_session* session, const char* type, int64_t id, const char* letter,
                      const char* lang, const char* format) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  CLMIS_CHECK_SESSION();
  if (!type) return misuse("type is NULL");
  if (!letter) return misuse("letter is NULL");
  return guarded([&] {
    *out = dup(dump(session->session->letter(type, id, letter, lang ? lang : "", format ? format : "html")));
  });
}

int clmis_queue_json(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] {
    *out = dup(dump(session->session->queue(spec_json ? parse_json(spec_json, "queue") : Json::object())));
  });
}

int clmis_ageing_json(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] {
    *out = dup(dump(session->session->ageing(spec_json ? parse_json(spec_json, "ageing") : Json::object())));
  });
}

int clmis_indicators_list_json(char** out, clmis_session* session, const char* lang) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  return guarded([&] { *out = dup(dump(session->session->indicators_list(lang ? lang : ""))); });
}

int clmis_indicators_json(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  if (!spec_json) return misuse("spec_json is NULL (it names the period)");
  return guarded([&] { *out = dup(dump(session->session->indicators(parse_json(spec_json, "indicators")))); });
}

int clmis_indicator_explain_json(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  if (!spec_json) return misuse("spec_json is NULL (it names the indicator and period)");
  return guarded([&] { *out = dup(dump(session->session->indicator_explain(parse_json(spec_json, "indicators")))); });
}

int clmis_indicators_export(void** out, size_t* out_size, clmis_session* session, const char* spec_json) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!out_size) return misuse("out_size is NULL");
  *out_size = 0;
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session");
  if (!spec_json) return misuse("spec_json is NULL (it names the format and the period)");
  return guarded([&] {
    const std::string bytes = session->session->indicators_export(parse_json(spec_json, "indicators"));
    void* p = std::malloc(bytes.empty() ? 1 : bytes.size());
    if (!p) throw std::bad_alloc();
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    *out = p;
    *out_size = bytes.size();
  });
}

#define CLMIS_CHECK_LIST()                                                                  \
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session"); \
  if (!list) return misuse("list is NULL")

int clmis_code_add(clmis_session* session, const char* list, const char* code_json) {
  clear_error();
  CLMIS_CHECK_LIST();
  if (!code_json) return misuse("code_json is NULL");
  return guarded([&] { session->session->code_add(list, parse_json(code_json, list)); });
}

int clmis_code_update(clmis_session* session, const char* list, const char* code,
                      const char* changes_json) {
  clear_error();
  CLMIS_CHECK_LIST();
  if (!code || !changes_json) return misuse("code and changes_json must not be NULL");
  return guarded([&] { session->session->code_update(list, code, parse_json(changes_json, list)); });
}

int clmis_code_delete(clmis_session* session, const char* list, const char* code) {
  clear_error();
  CLMIS_CHECK_LIST();
  if (!code) return misuse("code is NULL");
  return guarded([&] { session->session->code_delete(list, code); });
}

#define CLMIS_CHECK_SESSION_ONLY() \
  if (!session_ok(session)) return misuse("session is NULL or not an open clmis_session")

int clmis_calendar_json(char** out, clmis_db* db, int year, const char* lang) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  return guarded([&] { *out = dup(dump(db->db->calendar(year, lang ? lang : ""))); });
}

int clmis_calendar_add_days(char** out, clmis_db* db, const char* from, int days, int flags) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  if (!from) return misuse("from is NULL");
  if (flags & ~(CLMIS_CALENDAR_WORKING | CLMIS_CALENDAR_EXPLAIN)) return misuse("unknown flags");
  return guarded([&] {
    *out = dup(dump(db->db->add_days(from, days, (flags & CLMIS_CALENDAR_WORKING) != 0,
                                     (flags & CLMIS_CALENDAR_EXPLAIN) != 0)));
  });
}

int clmis_calendar_working_days(char** out, clmis_db* db, const char* from, const char* to) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  if (!from || !to) return misuse("from or to is NULL");
  return guarded([&] { *out = dup(dump(db->db->working_days(from, to))); });
}

int clmis_calendar_pending_json(char** out, clmis_db* db, int year) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  return guarded([&] { *out = dup(dump(db->db->calendar_pending(year))); });
}

int clmis_calendar_proclaim(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION_ONLY();
  if (!spec_json) return misuse("spec_json is NULL");
  return guarded([&] {
    const Json r = session->session->proclaim(parse_json(spec_json, "calendar"));
    if (out) *out = dup(dump(r));
  });
}

int clmis_calendar_withdraw(char** out, clmis_session* session, const char* spec_json) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION_ONLY();
  if (!spec_json) return misuse("spec_json is NULL");
  return guarded([&] {
    const Json r = session->session->withdraw_proclamation(parse_json(spec_json, "calendar"));
    if (out) *out = dup(dump(r));
  });
}

int clmis_login_service(clmis_session** out, clmis_db* db, const char* key, const char* user) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!db_ok(db)) return misuse("db is NULL or not an open clmis_db");
  if (!key || !user) return misuse("key and user must not be NULL");
  return guarded([&] {
    auto h = std::make_unique<clmis_session>();
    h->session = std::make_unique<clmis::Session>(db->db->login_service(key, user));
    h->magic = kSessionMagic;
    *out = h.release();
  });
}

#define CLMIS_JSON_OUT()  \
  clear_error();          \
  if (!out) return misuse("out is NULL"); \
  *out = nullptr;         \
  CLMIS_CHECK_SESSION_ONLY()

int clmis_session_permissions_json(char** out, clmis_session* session) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->permissions())); });
}

int clmis_users_json(char** out, clmis_session* session) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->users())); });
}

int clmis_user_create(int64_t* out_id, clmis_session* session, const char* spec_json) {
  clear_error();
  if (out_id) *out_id = 0;
  CLMIS_CHECK_SESSION_ONLY();
  if (!spec_json) return misuse("spec_json is NULL");
  return guarded([&] {
    const auto id = session->session->user_create(parse_json(spec_json, "user"));
    if (out_id) *out_id = id;
  });
}

int clmis_user_update(clmis_session* session, const char* name, const char* changes_json) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  if (!name || !changes_json) return misuse("name and changes_json must not be NULL");
  return guarded([&] { session->session->user_update(name, parse_json(changes_json, "user")); });
}

int clmis_user_reset_password(clmis_session* session, const char* name, const char* password) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  if (!name || !password) return misuse("name and password must not be NULL");
  return guarded([&] { session->session->user_reset_password(name, password); });
}

int clmis_password_change(clmis_session* session, const char* old_password, const char* new_password) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  if (!old_password || !new_password) return misuse("old_password and new_password must not be NULL");
  return guarded([&] { session->session->change_password(old_password, new_password); });
}

int clmis_service_key_create(char** out, clmis_session* session, const char* spec_json) {
  CLMIS_JSON_OUT();
  if (!spec_json) return misuse("spec_json is NULL");
  return guarded([&] { *out = dup(dump(session->session->service_key_create(parse_json(spec_json, "service_key")))); });
}

int clmis_service_keys_json(char** out, clmis_session* session) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->service_keys())); });
}

int clmis_service_key_revoke(clmis_session* session, const char* name) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  if (!name) return misuse("name is NULL");
  return guarded([&] { session->session->service_key_revoke(name); });
}

int clmis_audit_verify_json(char** out, clmis_session* session, const char* checkpoint_json) {
  CLMIS_JSON_OUT();
  return guarded([&] {
    const clmis::Json cp = checkpoint_json ? parse_json(checkpoint_json, "audit") : clmis::Json(nullptr);
    *out = dup(dump(session->session->audit_verify(cp)));
  });
}

int clmis_audit_checkpoint_json(char** out, clmis_session* session) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->audit_checkpoint())); });
}

int clmis_audit_entries_json(char** out, clmis_session* session, int64_t after_id, int limit) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->audit_entries(after_id, limit))); });
}

int clmis_security_log_json(char** out, clmis_session* session, int64_t after_id, int limit) {
  CLMIS_JSON_OUT();
  return guarded([&] { *out = dup(dump(session->session->security_log(after_id, limit))); });
}

int clmis_check_json(char** out, clmis_session* session, int max_problems) {
  CLMIS_JSON_OUT();
  if (max_problems < 0 || max_problems > 100000) return misuse("max_problems must be 0 to 100000");
  return guarded([&] {
    *out = dup(dump(session->session->check(max_problems == 0 ? 1000 : static_cast<std::size_t>(max_problems))));
  });
}

int clmis_check_files_json(char** out, const char* path, const char* audit_key_file) {
  clear_error();
  if (!out) return misuse("out is NULL");
  *out = nullptr;
  if (!path) return misuse("path is NULL");
  return guarded([&] { *out = dup(dump(clmis::Database::check_files(path, audit_key_file ? audit_key_file : ""))); });
}

int clmis_backup(char** out, clmis_session* session, const char* path, int flags) {
  clear_error();
  if (out) *out = nullptr;
  if (!session_ok(session)) return misuse("session is not a live clmis session");
  if (!path) return misuse("path is NULL");
  if ((flags & ~CLMIS_BACKUP_REPLACE) != 0) return misuse("unknown flags");
  return guarded([&] {
    const Json r = session->session->backup(path, (flags & CLMIS_BACKUP_REPLACE) != 0);
    if (out) *out = dup(dump(r));
  });
}

int clmis_restore(char** out, const char* backup, const char* target, const char* audit_key_file, int flags) {
  clear_error();
  if (out) *out = nullptr;
  if (!backup || !target) return misuse("backup and target may not be NULL");
  if ((flags & ~CLMIS_BACKUP_REPLACE) != 0) return misuse("unknown flags");
  return guarded([&] {
    clmis::RestoreOptions o;
    if (audit_key_file) o.audit_key_file = audit_key_file;
    o.replace = (flags & CLMIS_BACKUP_REPLACE) != 0;
    const Json r = clmis::Database::restore(backup, target, o);
    if (out) *out = dup(dump(r));
  });
}

// --- batches ---------------------------------------------------------------------------------

int clmis_batch_begin(clmis_session* session) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  return guarded([&] { session->session->begin_batch(); });
}

int clmis_batch_commit(clmis_session* session) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  return guarded([&] { session->session->commit_batch(); });
}

int clmis_batch_rollback(clmis_session* session) {
  clear_error();
  CLMIS_CHECK_SESSION_ONLY();
  return guarded([&] { session->session->rollback_batch(); });
}

// --- import and export -------------------------------------------------------------------------

int clmis_import(clmis_session* session, const char* type, const char* path, const char* options_json,
                 char** out_report_json) {
  clear_error();
  if (out_report_json) *out_report_json = nullptr;
  CLMIS_CHECK_SESSION();
  if (!path) return misuse("path is NULL");
  return guarded([&] {
    require_utf8(type, "type");
    require_utf8(path, "path");
    const Options opt(options_json, "import_options",
                      {"format", "on_error", "date_format", "delimiter", "index_build", "max_problems", "source",
                       "encoding"});
    const std::string file = path;
    clmis::ImportOptions o;
    o.format = opt.choice("format", ends_with(file, ".jsonl") ? "jsonl" : "csv", {"csv", "jsonl"});
    o.on_error = opt.choice("on_error", "abort", {"abort", "skip"}) == "skip" ? clmis::OnError::skip
                                                                               : clmis::OnError::abort;
    o.date_format = opt.text("date_format", "");
    o.encoding = opt.text("encoding", "utf-8");  // the import refuses an unknown one, naming the choices
    const auto delimiter = opt.text("delimiter", ",");
    if (delimiter.size() != 1 || static_cast<unsigned char>(delimiter[0]) >= 0x80 || delimiter[0] == '"' ||
        delimiter[0] == '\n' || delimiter[0] == '\r')
      opt.fail("delimiter", delimiter, "length", "option delimiter is one ASCII character other than a quote or a line break");
    o.delimiter = delimiter[0];
    const auto build = opt.choice("index_build", "auto", {"auto", "after", "during"});
    o.index_build = build == "after"    ? clmis::IndexBuild::after_load
                    : build == "during" ? clmis::IndexBuild::during_load
                                        : clmis::IndexBuild::automatic;
    o.max_problems = static_cast<std::size_t>(opt.integer("max_problems", 1000, 0, 100000));
    o.source = opt.text("source", file);
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw clmis::Misuse("cannot import " + clmis::detail::quoted(file) + ": it is a directory");
    for (const auto& f : clmis::detail::SessionAccess::files(*session->session))
      if (clmis::detail::same_file(file, f))
        throw clmis::Misuse("cannot import " + clmis::detail::quoted(file) + ": it is one of the database's own files");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw clmis::NotFound("cannot read " + clmis::detail::quoted(file));
    const auto r = clmis::import_records(*session->session, type, in, o);
    const Json report = import_report_json(r);
    if (out_report_json) *out_report_json = dup(dump(report));
    if (!r.committed) {
      // Nothing was written: the rows' errors as the validation list (with their row numbers).
      Json errors = Json::array();
      for (const auto& p : r.problems)
        if (!p.warning)
          errors.push_back({{"record", type}, {"row", p.row}, {"path", p.column}, {"value", p.value},
                            {"rule", p.rule}, {"message", p.message}});
      set_error(CLMIS_EINVALID,
                r.stopped ? "nothing imported: the file cannot be read past row " + std::to_string(r.rows) +
                                " (see the report)"
                          : "nothing imported: " + std::to_string(r.refused) + " of " + std::to_string(r.rows) +
                                " rows are refused (on_error \"skip\" imports the others)",
                dump(errors));
      throw Refused{};
    }
  });
}

int clmis_export(clmis_session* session, const char* type, const char* path, const char* options_json) {
  clear_error();
  CLMIS_CHECK_SESSION();
  if (!path) return misuse("path is NULL");
  return guarded([&] {
    require_utf8(type, "type");
    require_utf8(path, "path");
    const Options opt(options_json, "export_options",
                      {"format", "fields", "filter", "include_archived", "language", "replace", "as_of"});
    const std::string file = path;
    clmis::ExportOptions o;
    const std::string by_name = ends_with(file, ".jsonl") ? "jsonl"
                                : ends_with(file, ".json") ? "json"
                                : ends_with(file, ".xlsx") ? "xlsx"
                                                           : "csv";
    o.format = opt.choice("format", by_name, {"csv", "jsonl", "json", "xlsx"});
    o.fields = opt.strings("fields");
    o.filter = opt.array("filter");
    o.include_archived = opt.flag("include_archived", false);
    o.language = opt.text("language", "");
    o.as_of = opt.text("as_of", "");
    if (opt.has("as_of") && o.as_of.empty())  // "" is not today here: absent or null is
      opt.fail("as_of", "", "query", "as_of is a date \"YYYY-MM-DD\" (the date age_group is computed at)");
    clmis::export_to_file(*session->session, type, file, o, opt.flag("replace", false));
  });
}

int clmis_series_import(char** out, clmis_session* session, const void* bytes, size_t size, const char* options_json) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION_ONLY();
  if (!bytes && size > 0) return misuse("bytes is NULL");
  if (!options_json) return misuse("options_json is NULL");
  return guarded([&] {
    const std::string_view content(bytes ? static_cast<const char*>(bytes) : "", bytes ? size : 0);
    const Json r = session->session->series_import(content, parse_json(options_json, "series"));
    if (out) *out = dup(dump(r));
  });
}

int clmis_series_json(char** out, clmis_session* session, const char* query_json) {
  clear_error();
  if (out) *out = nullptr;
  CLMIS_CHECK_SESSION_ONLY();
  if (!out) return misuse("out is NULL");
  return guarded([&] {
    const Json q = query_json ? parse_json(query_json, "series") : Json::object();
    *out = dup(dump(session->session->series(q)));
  });
}

}  // extern "C"
