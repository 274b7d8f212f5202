// Engine: creating and opening databases, login, schema and code introspection.
#include "records/engine.hpp"

#include "clmis/clmis.h"
#include "core/hash.hpp"

#include <date/tz.h>
#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <tuple>
#include <utility>

namespace clmis::detail {

namespace {

constexpr size_t kMinPasswordLength = 8;

bool valid_user_name(std::string_view s) {
  if (s.empty() || !valid_utf8(s) || utf8_length(s) > 64) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;  // no spaces or control characters
  return true;
}

/// Removes a database file and its WAL companions.
void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ec);
}

}  // namespace

store::Connection& Engine::conn() {
  if (!conn_) throw Misuse("the database handle is closed");
  return *conn_;
}

void Engine::batch(const Actor& who, const std::function<void()>& fn, const Json* summary) {
  std::lock_guard lock(mu_);  // held throughout: the batch is this handle's only writer
  const std::int64_t uid = who.uid;
  // Refusals inside the batch are logged once it has ended (committed or rolled back).
  FlushSecurity flush{*this};
  require_active(who);
  if (bulk_) throw Misuse("a batch is already running on this database handle");
  struct Reset {
    std::optional<Bulk>& b;
    ~Reset() { b.reset(); }
  } reset{bulk_};
  // A bigger page cache for the batch (64 MiB instead of SQLite's 2 MiB default), so a long
  // transaction does not spill pages to the WAL before its commit.
  struct Cache {
    store::Connection& c;
    explicit Cache(store::Connection& conn) : c(conn) { c.exec("PRAGMA cache_size = -65536"); }
    ~Cache() {
      try {
        c.exec("PRAGMA cache_size = -2000");
      } catch (...) {
      }
    }
  };
  try {
    Cache cache(conn());
    store::WriteTransaction tx(conn());
    if (summary) bulk_.emplace();
    fn();
    if (summary) {
      auto ranges = [](const std::vector<std::pair<std::int64_t, std::int64_t>>& r) {
        Json out = Json::array();
        for (const auto& [a, b] : r) out.push_back(Json::array({a, b}));
        return out;
      };
      Json detail = summary->is_object() ? *summary : Json::object();
      const std::string action = detail.value("action", std::string("batch"));
      detail.erase("action");
      detail["created"] = bulk_->n_created;
      detail["created_ids"] = ranges(bulk_->created);
      detail["updated"] = bulk_->n_updated;
      detail["updated_ids"] = ranges(bulk_->updated);
      bulk_.reset();
      audit(uid, action.c_str(), "", 0, 0, 0, detail);
    }
    tx.commit();
  } catch (...) {
    // The transaction has rolled back (its destructor ran), undoing writes whose savepoints
    // were released and whose effects on the cached codes were kept: reload the cache.
    if (conn_) load_state();
    throw;
  }
}

void Engine::close() {
  std::lock_guard lock(mu_);
  conn_.reset();
}

void Engine::configure_connection() {
  auto& c = *conn_;
  c.exec("PRAGMA foreign_keys = ON");
  c.exec("PRAGMA trusted_schema = OFF");
  // FULL: a committed case survives a power cut, which small offices see often.
  c.exec("PRAGMA synchronous = FULL");
  // Statement and savepoint journals in memory: a batch makes one savepoint per write, and a
  // temporary file for each would cost a write system call per page.
  c.exec("PRAGMA temp_store = MEMORY");
  c.set_busy_timeout_ms(busy_timeout_ms_);
}

// Both are called several times for every record written (a bulk import writes tens of
// thousands a second): the text is kept for the second it was made in.
std::string Engine::now() const {
  const auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  thread_local std::pair<std::chrono::sys_seconds, std::string> last;
  if (last.second.empty() || last.first != t) last = {t, format_datetime(t)};
  return last.second;
}

std::string Engine::today() const {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  thread_local std::tuple<const void*, std::chrono::sys_seconds, std::string> last;
  if (!std::get<2>(last).empty() && std::get<0>(last) == zone_ && std::get<1>(last) == t)
    return std::get<2>(last);
  std::string day;
  if (zone_) {
    auto local = static_cast<const date::time_zone*>(zone_)->to_local(t);
    day = format_date(Date{date::floor<date::days>(local).time_since_epoch()});
  } else {
    day = format_date(date::floor<date::days>(t));
  }
  last = {zone_, t, day};
  return day;
}

const pack::RecordType& Engine::type_of(std::string_view name) const {
  const auto* t = pack_.record_type(name);
  if (!t) throw NotFound("no record type \"" + std::string(name) + "\"");
  return *t;
}

const std::string& Engine::user_name(std::int64_t uid) {
  auto it = users_.find(uid);
  if (it != users_.end()) return it->second;
  auto& s = conn().prepare("SELECT name FROM clmis_user WHERE id = ?");
  s.bind(1, uid);
  std::string name = std::to_string(uid);  // a user row never goes away; this is a fallback
  if (s.step()) name = s.text(0);
  s.reset();
  return users_[uid] = name;
}

void Engine::refresh_state() {
  auto& s = conn().prepare("PRAGMA data_version");
  s.step();
  const auto v = s.int64(0);
  s.reset();
  if (v == data_version_) return;
  // Another connection wrote. If it upgraded the pack, this handle's declarations are stale:
  // refuse the write rather than validate against the old pack.
  auto& m = conn().prepare("SELECT key, value FROM clmis_meta WHERE key IN ('pack_hash', 'profile_hash')");
  std::string pack_hash, profile_hash;
  while (m.step()) (m.text(0) == "pack_hash" ? pack_hash : profile_hash) = m.text(1);
  m.reset();
  if (pack_hash != pack_.hash || profile_hash != profile_.hash)
    throw VersionError(path_ + " was upgraded to another pack or profile by another program since it "
                       "was opened here; close and open it again");
  load_state();
}

const std::string& Engine::sql(int kind, const void* key, const std::function<std::string()>& make) {
  auto k = std::make_pair(kind, key);
  auto it = sql_.find(k);
  if (it == sql_.end()) it = sql_.emplace(k, make()).first;
  return it->second;
}

void Engine::load_state() {
  auto& c = conn();
  sql_.clear();
  {
    auto& v = c.prepare("PRAGMA data_version");
    v.step();
    data_version_ = v.int64(0);
    v.reset();
  }
  codes_.clear();
  auto& l = c.prepare("SELECT name FROM clmis_code_list");
  while (l.step()) codes_[l.text(0)];  // a declared list may be empty
  l.reset();
  auto& s = c.prepare("SELECT list, code, level, active FROM clmis_code");
  while (s.step()) codes_[s.text(0)][s.text(1)] = CodeInfo{s.int64(3) != 0, static_cast<int>(s.int64(2))};
  s.reset();
  users_.clear();
  principals_.clear();
  zone_ = nullptr;
  if (!profile_.time_zone.empty()) {
    try {
      zone_ = date::locate_zone(profile_.time_zone);
    } catch (const std::exception&) {
      zone_ = nullptr;  // no time zone database: dates are UTC dates
    }
  }
}

std::shared_ptr<Engine> Engine::init(const std::string& path, const InitOptions& o) {
  if (path.empty()) throw Misuse("the database path is empty");
  std::error_code exists_ec;
  if (std::filesystem::exists(path, exists_ec))
    throw AlreadyExists("a file already exists at " + path);
  if (!valid_user_name(o.admin_user))
    throw ValidationError("the administrator's user name must be 1 to 64 characters without spaces",
                          {{"user", "admin_user", o.admin_user, "length",
                            "1 to 64 characters without spaces or control characters"}});
  if (utf8_length(o.admin_password) < kMinPasswordLength)
    throw ValidationError("the administrator's password must have at least 8 characters",
                          {{"user", "admin_password", nullptr, "length",
                            "at least 8 characters; there is no default password"}});

  auto src = o.data_dir.empty() ? pack::embedded_source() : pack::directory_source(o.data_dir);
  pack::Pack p = pack::load_pack(*src);
  pack::Profile prof = pack::load_profile(*src, o.country, p);
  if (utf8_length(o.admin_password) < static_cast<size_t>(prof.security.password_min_length))
    throw ValidationError("the administrator's password is shorter than the country's policy allows",
                          {{"user", "admin_password", nullptr, "length",
                            "at least " + std::to_string(prof.security.password_min_length) +
                                " characters (the country profile's password policy)"}});

  // Create the file exclusively: never touch an existing one, even if it appears meanwhile.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) throw AlreadyExists("a file already exists at " + path);
    throw StorageError("cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);

  std::shared_ptr<Engine> e(new Engine(path));
  bool key_created = false;
  const std::string key_path = o.audit_key_file.empty() ? path + ".key" : o.audit_key_file;
  try {
    e->audit_key_ = load_audit_key(path, o.audit_key_file, o.audit_key, o.audit_key.empty());
    key_created = o.audit_key.empty();
    e->conn_ = std::make_unique<store::Connection>(path, false);
    e->conn_->exec("PRAGMA journal_mode = WAL");
    e->configure_connection();
    e->pack_ = pack::with_extensions(std::move(p), prof);
    e->profile_ = std::move(prof);
    auto& c = *e->conn_;
    store::WriteTransaction tx(c);
    for (const auto& ddl : store::system_ddl()) c.exec(ddl);
    for (const auto& ddl : store::pack_ddl(e->pack_)) c.exec(ddl);
    const std::string at = e->now();
    auto meta = [&](const char* k, const std::string& v) {
      c.prepare("INSERT INTO clmis_meta(key, value) VALUES (?, ?)").bind(1, k).bind(2, v).run();
    };
    meta("format", std::to_string(store::kFormat));
    meta("library_version", CLMIS_VERSION);
    meta("created_at", at);
    meta("pack_name", e->pack_.name);
    meta("pack_version", e->pack_.version);
    meta("pack_hash", e->pack_.hash);
    meta("country", e->profile_.iso3);
    meta("profile_hash", e->profile_.hash);
    meta("audit_key_id", e->audit_key_id());
    auto file = [&](const char* kind, const std::string& rel, const std::string& content) {
      c.prepare("INSERT INTO clmis_pack_file(path, kind, content) VALUES (?, ?, ?)")
          .bind(1, rel).bind(2, kind).bind(3, content).run();
    };
    for (const auto& [rel, content] : e->pack_.files) file("pack", rel, content);
    for (const auto& [rel, content] : e->profile_.files)
      if (!e->pack_.files.count(rel)) file("profile", rel, content);
    auto add_list = [&](const pack::CodeList& l, const char* provider) {
      c.prepare("INSERT INTO clmis_code_list(name, labels, source, attribution, provider) "
                "VALUES (?, ?, ?, ?, ?)")
          .bind(1, l.name).bind(2, l.label.to_json().dump()).bind(3, l.source)
          .bind(4, l.attribution).bind(5, provider).run();
      std::int64_t pos = 0;
      for (const auto& code : l.codes) {
        auto& s = c.prepare("INSERT INTO clmis_code(list, code, parent, level, labels, active, "
                            "position) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, l.name).bind(2, code.code);
        if (code.parent.empty()) s.bind(3, nullptr); else s.bind(3, code.parent);
        s.bind(4, static_cast<std::int64_t>(code.level)).bind(5, code.label.to_json().dump())
            .bind(6, static_cast<std::int64_t>(code.active ? 1 : 0)).bind(7, pos++).run();
      }
    };
    for (const auto& l : e->pack_.code_lists)
      if (!l.provided_by_profile) add_list(l, "pack");
    for (const auto& l : e->profile_.code_lists) add_list(l, "profile");
    c.prepare("INSERT INTO clmis_user(name, password_hash, active, created_at, roles, password_changed_at) "
              "VALUES (?, ?, 1, ?, '[\"administrator\"]', ?)")
        .bind(1, o.admin_user).bind(2, hash_password(o.admin_password)).bind(3, at).bind(4, at).run();
    const std::int64_t admin = c.last_insert_rowid();
    c.prepare("INSERT INTO clmis_password_history(user_id, password_hash, at) "
              "SELECT id, password_hash, created_at FROM clmis_user WHERE id = ?").bind(1, admin).run();
    e->audit(admin, "init", "", 0, 0, 0,
             Json{{"pack", e->pack_.name}, {"pack_version", e->pack_.version},
                  {"pack_hash", e->pack_.hash}, {"country", e->profile_.iso3},
                  {"admin_user", o.admin_user}});
    tx.commit();
    e->load_state();
  } catch (...) {
    e->conn_.reset();
    remove_db_files(path);
    if (key_created) {
      std::error_code ec;
      std::filesystem::remove(key_path, ec);
    }
    throw;
  }
  return e;
}

std::shared_ptr<Engine> Engine::open(const std::string& path, const OpenOptions& o) {
  if (path.empty()) throw Misuse("the database path is empty");
  if (o.busy_timeout_ms < 0) throw Misuse("busy_timeout_ms must be 0 or more");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw NotFound("no database file at " + path);
  std::shared_ptr<Engine> e(new Engine(path));
  e->busy_timeout_ms_ = o.busy_timeout_ms;
  e->conn_ = std::make_unique<store::Connection>(path, false);
  e->configure_connection();
  auto& c = *e->conn_;
  std::string format;
  std::map<std::string, std::string> pack_files, all_files;
  std::string country, stored_hash;
  try {
    store::ReadTransaction rt(c);
    auto& s = c.prepare("SELECT key, value FROM clmis_meta");
    std::map<std::string, std::string> meta;
    while (s.step()) meta[s.text(0)] = s.text(1);
    s.reset();
    format = meta["format"];
    country = meta["country"];
    stored_hash = meta["pack_hash"];
    auto& f = c.prepare("SELECT path, kind, content FROM clmis_pack_file");
    while (f.step()) {
      all_files[f.text(0)] = f.text(2);
      if (f.text(1) == "pack") pack_files[f.text(0)] = f.text(2);
    }
    f.reset();
  } catch (const Error& err) {
    if (err.code() == Errc::generic || err.code() == Errc::io)
      throw StorageError(path + " is not a clmis database (" + err.what() + ")");
    throw;
  }
  if (format.empty()) throw StorageError(path + " is not a clmis database (no format recorded)");
  int fmt = 0;
  if (auto [p, ec] = std::from_chars(format.data(), format.data() + format.size(), fmt);
      ec != std::errc{} || p != format.data() + format.size() || fmt < 1)
    throw StorageError(path + " is not a clmis database (format \"" + format + "\")");
  if (fmt > store::kFormat)
    throw VersionError(path + " was made by a newer clmis (format " + format +
                       "); this library reads format " + std::to_string(store::kFormat));
  // The audit key: a database from before format 3 gets one (its trail is sealed under it).
  bool key_created = false;
  const std::string key_path = o.audit_key_file.empty() ? path + ".key" : o.audit_key_file;
  if (fmt < 3 && o.audit_key.empty() && !std::filesystem::exists(key_path, ec)) {
    e->audit_key_ = load_audit_key(path, o.audit_key_file, "", true);
    key_created = true;
  } else {
    e->audit_key_ = load_audit_key(path, o.audit_key_file, o.audit_key, false);
  }
  if (fmt < store::kFormat) {
    // An older layout of the system tables: bring it up to date (one transaction).
    try {
      store::WriteTransaction tx(c);
      store::upgrade_system(c, fmt);
      if (fmt < 3) {
        e->seal_audit_trail();
        for (const auto& [name, sql] : store::audit_triggers()) c.exec(sql);
        c.prepare("INSERT INTO clmis_meta(key, value) VALUES ('audit_key_id', ?)").bind(1, e->audit_key_id()).run();
      }
      e->audit(std::nullopt, "format_upgrade", "", 0, 0, 0, Json{{"from", fmt}, {"to", store::kFormat}});
      tx.commit();
    } catch (...) {
      if (key_created) std::filesystem::remove(key_path, ec);
      throw;
    }
  }
  {
    auto& k = c.prepare("SELECT value FROM clmis_meta WHERE key = 'audit_key_id'");
    const std::string stored_id = k.step() ? k.text(0) : "";
    k.reset();
    if (stored_id != e->audit_key_id())
      throw PermissionDenied("the audit key " + (o.audit_key.empty() ? "in " + key_path : std::string("given")) +
                             " is not the one of " + path);
  }
  auto stored = pack::memory_source(all_files, path);
  pack::Pack stored_pack = pack::load_pack(*stored);
  pack::Profile stored_profile = pack::load_profile(*stored, country, stored_pack);
  e->pack_ = pack::with_extensions(stored_pack, stored_profile);
  e->profile_ = stored_profile;
  e->load_state();
  if (o.upgrade) {
    auto src = o.data_dir.empty() ? pack::embedded_source() : pack::directory_source(o.data_dir);
    pack::Pack candidate = pack::load_pack(*src);
    pack::Profile candidate_profile = pack::load_profile(*src, country, candidate);
    const int cmp = pack::compare_versions(candidate.version, stored_pack.version);
    if (cmp < 0)
      throw VersionError(path + " holds pack " + stored_pack.name + " " + stored_pack.version +
                         ", newer than the " + candidate.version + " offered; it is left as it is");
    if (cmp == 0 && candidate.hash != stored_pack.hash)
      throw PackError("the pack offered has version " + candidate.version +
                      " like the one stored in " + path +
                      " but different content; a changed pack needs a new version");
    if (candidate.hash != stored_pack.hash || candidate_profile.hash != stored_profile.hash) {
      store::WriteTransaction tx(c);
      if (e->migrate(candidate, candidate_profile, stored_pack.version)) tx.commit();
      e->pack_ = pack::with_extensions(std::move(candidate), candidate_profile);
      e->profile_ = std::move(candidate_profile);
      e->load_state();
    }
  } else if (!o.data_dir.empty()) {
    auto dir = pack::directory_source(o.data_dir);
    pack::Pack candidate = pack::load_pack(*dir);
    if (candidate.hash != stored_hash)
      throw PackError("the pack under " + o.data_dir + " (version " + candidate.version +
                      ") differs from the one stored in " + path +
                      " (version " + stored_pack.version + "); open with upgrade to migrate");
  }
  return e;
}

Json Engine::schema() {
  std::lock_guard lock(mu_);
  conn();
  Json out;
  out["pack"] = {{"name", pack_.name}, {"version", pack_.version}, {"hash", pack_.hash}};
  Json legal = Json::object();
  for (const auto& [k, v] : profile_.legal) {
    Json p = {{"value", v.value}, {"source", v.source}, {"verified", v.verified}};
    if (!v.unit.empty()) p["unit"] = v.unit;
    if (!v.note.empty()) p["note"] = v.note;
    legal[k] = p;
  }
  out["country"] = {{"iso3", profile_.iso3}, {"name", profile_.name.to_json()},
                    {"currency", profile_.currency}, {"languages", profile_.languages},
                    {"time_zone", profile_.time_zone}, {"legal", legal},
                    {"hash", profile_.hash}};
  if (profile_.department) {
    const auto& d = *profile_.department;
    out["country"]["department"] = {{"name", d.name.to_json()}, {"address", d.address},
                                    {"telephone", d.telephone}, {"email", d.email},
                                    {"source", d.source}, {"verified", d.verified}};
  }
  auto field_json = [this](const pack::Field& f) {
    Json o;
    o["name"] = f.name;
    o["type"] = std::string(to_string(f.type));
    o["label"] = f.label.to_json();
    if (!f.description.empty()) o["description"] = f.description;
    o["required"] = f.required;
    if (f.type == FieldType::text) o["max_length"] = f.max_length;
    if (!f.pattern.empty()) o["pattern"] = f.pattern;
    if (f.type == FieldType::code) o["code_list"] = f.code_list;
    if (f.code_level) o["level"] = *f.code_level;
    if (f.type == FieldType::reference) o["target"] = f.target;
    if (f.type == FieldType::decimal) o["scale"] = f.scale;
    if (!f.currencies.empty()) o["currencies"] = f.currencies;
    if (f.min) o["min"] = f.min->str();
    if (f.max) o["max"] = f.max->str();
    if (!f.default_value.is_null()) o["default"] = f.default_value;
    if (!f.pattern_parameter.empty()) {
      o["pattern_parameter"] = f.pattern_parameter;
      auto lp = profile_.legal.find(f.pattern_parameter);
      if (lp != profile_.legal.end()) o["pattern"] = lp->second.value;
    }
    if (f.assigned()) o["assigned"] = {{"prefix", f.assigned_prefix}, {"digits", f.assigned_digits}};
    if (f.personal) o["personal"] = true;
    if (f.history) o["history"] = true;
    if (f.extension) o["extension"] = true;
    Json cols = Json::array();
    for (const auto& c : store::columns_of(f)) cols.push_back(c.name);
    o["columns"] = cols;
    return o;
  };
  Json types = Json::array();
  for (const auto& t : pack_.record_types) {
    Json o;
    o["name"] = t.name;
    o["label"] = t.label.to_json();
    if (!t.description.empty()) o["description"] = t.description;
    if (!t.source.empty()) o["source"] = t.source;
    o["section"] = t.org_section.empty() ? Json(nullptr) : Json(t.org_section);
    o["table"] = t.name;
    Json fields = Json::array();
    for (const auto& f : t.fields) fields.push_back(field_json(f));
    o["fields"] = fields;
    Json secs = Json::array();
    for (const auto& s : t.sections) {
      Json so;
      so["name"] = s.name;
      so["label"] = s.label.to_json();
      if (!s.description.empty()) so["description"] = s.description;
      so["max_items"] = s.max_items;
      so["table"] = store::section_table(t, s);
      Json sf = Json::array();
      for (const auto& f : s.fields) sf.push_back(field_json(f));
      so["fields"] = sf;
      secs.push_back(so);
    }
    o["sections"] = secs;
    Json rules = Json::array();
    for (const auto& r : t.rules) {
      Json ro = {{"kind", r.kind}};
      if (!r.section.empty()) ro["section"] = r.section;
      if (!r.fields.empty()) ro["fields"] = r.fields;
      if (r.kind == "date_order") ro.update({{"earlier", r.first}, {"later", r.second}, {"strict", r.strict}});
      if (r.kind == "range_order") ro.update({{"low", r.first}, {"high", r.second}, {"strict", r.strict}});
      if (r.kind == "min_age_at") {
        ro["birth"] = r.first;
        if (!r.second.empty()) ro["at"] = r.second;
        if (r.age) ro["age"] = *r.age;
        if (!r.age_parameter.empty()) ro["age_parameter"] = r.age_parameter;
      }
      if (r.kind == "required_if") ro.update({{"field", r.field}, {"when", r.when}, {"in", r.in}});
      if (!r.message.empty()) ro["message"] = r.message;
      rules.push_back(std::move(ro));
    }
    o["rules"] = rules;
    if (t.workflow) {
      const auto& w = *t.workflow;
      Json tr = Json::array();
      for (const auto& x : w.transitions)
        tr.push_back({{"name", x.name}, {"label", x.label.to_json()}, {"from", x.from},
                      {"to", x.to}, {"fields", x.fields}, {"requires", x.requires_},
                      {"clears", x.clears}});
      o["workflow"] = {{"status_field", w.status_field},
                       {"outcome_field", w.outcome_field.empty() ? Json(nullptr) : Json(w.outcome_field)},
                       {"initial", w.initial},
                       {"date_field", w.date_field.empty() ? Json(nullptr) : Json(w.date_field)},
                       {"states", w.states},
                       {"transitions", tr}};
    }
    types.push_back(o);
  }
  out["record_types"] = types;
  // Sections of the department and roles: what accounts can be given (docs/security.md).
  Json sections = Json::array();
  for (const auto& sec : pack_.sections) sections.push_back({{"name", sec.name}, {"label", sec.label.to_json()}});
  out["sections"] = sections;
  Json roles = Json::array();
  for (const auto& r : pack_.roles) {
    Json grants = Json::array();
    for (const auto& g : r.grants) {
      const char* scope = g.scope == pack::Scope::all ? "all" : g.scope == pack::Scope::section ? "section" : "own";
      grants.push_back({{"record_types", g.record_types.empty() ? Json("*") : Json(g.record_types)},
                        {"actions", g.actions.empty() ? Json("*") : Json(g.actions)},
                        {"scope", scope}});
    }
    Json ro = {{"name", r.name}, {"label", r.label.to_json()}, {"system", r.system}, {"grants", grants}};
    if (!r.description.empty()) ro["description"] = r.description;
    if (r.agency) ro["agency"] = true;
    roles.push_back(std::move(ro));
  }
  out["roles"] = roles;
  Json lists = Json::array();
  auto& s = conn().prepare(
      "SELECT l.name, l.labels, l.source, l.attribution, l.provider, "
      "(SELECT count(*) FROM clmis_code c WHERE c.list = l.name AND c.active = 1) "
      "FROM clmis_code_list l ORDER BY l.name");
  while (s.step())
    lists.push_back({{"name", s.text(0)}, {"label", Json::parse(s.text(1))},
                     {"source", s.text(2)}, {"attribution", s.text(3)},
                     {"provider", s.text(4)}, {"active_codes", s.int64(5)}});
  s.reset();
  out["code_lists"] = lists;
  Json workflows = Json::array();
  for (const auto& t : pack_.record_types)
    if (t.workflow) workflows.push_back(t.name);
  out["workflows"] = workflows;  // the record types that have one; see each type's "workflow"
  return out;
}

Json Engine::codes(std::string_view list, std::string_view lang) {
  std::lock_guard lock(mu_);
  auto& c = conn();
  if (!codes_.count(std::string(list))) throw NotFound("no code list \"" + std::string(list) + "\"");
  const std::string language = lang.empty() ? profile_.languages.front() : std::string(lang);
  Json out = Json::array();
  auto& s = c.prepare(
      "SELECT code, parent, level, labels, active FROM clmis_code WHERE list = ? ORDER BY position");
  s.bind(1, list);
  while (s.step()) {
    Json labels = Json::parse(s.text(3));
    std::string label;
    if (labels.contains(language)) label = labels[language].get<std::string>();
    else if (labels.contains("en")) label = labels["en"].get<std::string>();
    Json o;
    o["code"] = s.text(0);
    o["label"] = label;
    o["parent"] = s.is_null(1) ? Json(nullptr) : Json(s.text(1));
    o["level"] = s.int64(2);
    o["active"] = s.int64(4) != 0;
    out.push_back(o);
  }
  s.reset();
  return out;
}

}  // namespace clmis::detail
