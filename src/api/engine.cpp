// The Engine front: creating and opening databases, batches, and the context every operation
// runs in.
#include "api/engine.hpp"

#include "workflow/computed.hpp"

#include "clmis/version.h"
#include "records/migrate.hpp"
#include "security/accounts.hpp"
#include "store/backup.hpp"
#include "core/dates.hpp"
#include "core/files.hpp"
#include "store/codes.hpp"
#include "store/meta.hpp"
#include "store/schema.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <fstream>

namespace clmis::detail {

namespace {

constexpr size_t kMinPasswordLength = 8;

/// Removes a database file and its WAL companions.
void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}

void remove_db_files_but_main(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

store::Connection& Engine::conn() {
  if (!conn_) throw Misuse("the database handle is closed");
  return *conn_;
}

Context Engine::context(const Actor& who, bool join_batch) {
  return Context{path_, conn(), pack_, profile_, clock_, cache_, access_, audit_, who, join_batch,
                 &workflow_computer()};
}

void Engine::set_declarations(const pack::Pack& p, pack::Profile profile) {
  pack_ = pack::with_extensions(p, profile);
  profile_ = std::move(profile);
  clock_.set_zone(profile_zone(profile_.time_zone, profile_.iso3));
  cache_.load(conn());
  access_.forget();
}

void Engine::batch(const Actor& who, const std::function<void()>& fn, const Json* summary) {
  check_batch_thread(who);
  std::lock_guard lock(mu_);  // held throughout: the batch is this handle's only writer
  check_batch_owner(who);
  auto& c = conn();
  // Refusals inside the batch are logged once it has ended (committed or rolled back).
  FlushSecurity flush{access_, &c};
  Context cx = context(who);
  access_.require_active(cx);
  if (audit_.summarising()) throw Misuse("a batch is already running on this database handle");
  struct Running {
    AuditTrail& a;
    int& batches;
    bool summary;
    ~Running() {
      --batches;
      if (summary) a.drop_summary();
    }
  } running{audit_, ++batches_, summary != nullptr};
  try {
    // A bigger page cache for the batch (64 MiB instead of SQLite's 2 MiB default), so a long
    // transaction does not spill pages to the WAL before its commit.
    store::BigCache cache(c, 65536);
    store::WriteTransaction tx(c);
    cx.refresh(true);  // what another connection wrote before the lock was taken
    if (summary) audit_.begin_summary();
    fn();
    if (summary) {
      auto [action, detail] = audit_.end_summary(*summary);
      audit_.append(c, clock_.now_text(), who.uid, action, {}, detail);
    }
    tx.commit();
  } catch (...) {
    // The transaction has rolled back (its destructor ran), undoing writes whose savepoints
    // were released and whose effects on the cached codes were kept: reload the cache.
    if (conn_) cx.reload();
    throw;
  }
}

void Engine::check_batch_thread(const Actor& who) const {
  if (who.owner && open_owner_.load() == who.owner && open_thread_.load() != std::this_thread::get_id())
    throw Misuse("this session has a batch open on another thread; a batch is used, committed and rolled back "
                 "on the thread that began it");
}

void Engine::check_batch_owner(const Actor& who) const {
  if (open_ && open_->who.owner != who.owner)
    throw Misuse("another session has a batch open on this database handle; only that session may use the "
                 "handle on this thread until the batch is committed or rolled back");
}

void Engine::begin_batch(const Actor& who) {
  if (!who.owner) throw Misuse("a batch is begun by a session");
  check_batch_thread(who);
  std::unique_lock lock(mu_);
  auto& c = conn();
  FlushSecurity flush{access_, &c};
  if (open_)
    throw Misuse(open_->who.owner == who.owner
                     ? "a batch is already open on this session; commit or roll it back first"
                     : "another session has a batch open on this database handle");
  if (batches_ > 0) throw Misuse("a batch is already running on this database handle");
  Context cx = context(who);
  access_.require_active(cx);
  auto b = std::make_unique<OpenBatch>();
  b->who = who;
  // A bigger page cache for the batch, as in batch() above.
  b->cache = std::make_unique<store::BigCache>(c, 65536);
  b->tx = std::make_unique<store::WriteTransaction>(c);
  cx.refresh(true);  // what another connection wrote before the lock was taken
  open_ = std::move(b);
  ++batches_;
  open_thread_.store(std::this_thread::get_id());
  open_owner_.store(who.owner);
  lock.release();  // mu_ stays locked by this thread until end_batch
}

void Engine::end_batch(const Actor& who, bool commit) {
  if (!who.owner) throw Misuse("a batch is ended by its session");
  check_batch_thread(who);
  std::unique_lock lock(mu_);
  if (!open_ || open_->who.owner != who.owner)
    throw Misuse(commit ? "no batch is open on this session to commit (begin one first)"
                        : "no batch is open on this session to roll back (begin one first)");
  // From here the batch ends whatever happens: the lock taken by begin_batch is released last.
  struct Release {
    std::recursive_mutex& m;
    ~Release() { m.unlock(); }
  } release{mu_};
  auto& c = conn();
  FlushSecurity flush{access_, &c};  // after the transaction has ended (declared before b)
  auto b = std::move(open_);
  --batches_;
  open_owner_.store(nullptr);
  open_thread_.store(std::thread::id{});
  Context cx = context(who);
  if (commit) {
    try {
      b->tx->commit();
    } catch (...) {
      b.reset();  // rolled back
      cx.reload();
      throw;
    }
    b.reset();
    return;
  }
  b.reset();  // ROLLBACK
  // The rollback undid writes whose effects on the cached codes were kept: reload the cache.
  cx.reload();
}

void Engine::abandon_batch(const void* owner) noexcept {
  if (!owner || open_owner_.load() != owner || open_thread_.load() != std::this_thread::get_id()) return;
  try {
    end_batch(Actor{0, 0, owner}, false);
  } catch (...) {
  }
}

void Engine::close() {
  std::lock_guard lock(mu_);
  if (batches_ > 0) throw Misuse("the database cannot be closed inside a batch on it; close it after the batch");
  conn_.reset();
}

std::shared_ptr<Engine> Engine::init(const std::string& path, const InitOptions& o) {
  if (path.empty()) throw Misuse("the database path is empty");
  std::error_code exists_ec;
  if (std::filesystem::exists(path, exists_ec)) throw AlreadyExists("a file already exists at " + path);
  if (!valid_user_name(o.admin_user))
    throw ValidationError("the administrator's user name must be 1 to 64 characters without spaces",
                          {{"user", "admin_user", o.admin_user, "length",
                            "1 to 64 characters without spaces or control characters"}});
  if (utf8_length(o.admin_password) < kMinPasswordLength)
    throw ValidationError("the administrator's password must have at least 8 characters",
                          {{"user", "admin_password", nullptr, "length", "at least 8 characters; there is no default password"}});

  auto src = o.data_dir.empty() ? pack::embedded_source() : pack::directory_source(o.data_dir);
  pack::Pack p = pack::load_pack(*src);
  pack::Profile prof = pack::load_profile(*src, o.country, p);
  if (utf8_length(o.admin_password) < static_cast<size_t>(prof.security.password_min_length))
    throw ValidationError("the administrator's password is shorter than the country's policy allows",
                          {{"user", "admin_password", nullptr, "length",
                            "at least " + std::to_string(prof.security.password_min_length) +
                                " characters (the country profile's password policy)"}});
  profile_zone(prof.time_zone, prof.iso3);  // refused before any file is made

  // Create the file exclusively (never touch an existing one, even if it appears meanwhile) and
  // readable by its owner only: it holds personal data. SQLite gives the -wal and -shm files it
  // creates the database file's permissions.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) {
    if (errno == EEXIST) throw AlreadyExists("a file already exists at " + path);
    throw StorageError("cannot create " + path + ": " + std::strerror(errno));
  }
  const int mode_rc = ::fchmod(fd, kPrivateFileMode);  // whatever the umask
  ::close(fd);
  if (mode_rc != 0) {
    remove_db_files(path);
    throw StorageError("cannot set the permissions of " + path + ": " + std::strerror(errno));
  }

  std::shared_ptr<Engine> e(new Engine(path, o.clock));
  bool key_created = false;
  const std::string key_path = o.audit_key_file.empty() ? path + ".key" : o.audit_key_file;
  e->key_path_ = o.audit_key.empty() ? key_path : "";
  try {
    e->audit_.set_key(AuditTrail::load_key(path, o.audit_key_file, o.audit_key, o.audit_key.empty()));
    key_created = o.audit_key.empty();
    e->conn_ = std::make_unique<store::Connection>(path, false);
    e->conn_->exec("PRAGMA page_size = " + std::to_string(store::kPageSize));  // before the first table
    e->conn_->use_wal();
    e->conn_->configure(e->busy_timeout_ms_);
    e->pack_ = pack::with_extensions(std::move(p), prof);
    e->profile_ = std::move(prof);
    e->clock_.set_zone(profile_zone(e->profile_.time_zone, e->profile_.iso3));
    auto& c = *e->conn_;
    store::WriteTransaction tx(c);
    store::create_schema(c, e->pack_);
    const std::string at = e->clock_.now_text();
    store::insert_meta(c, "format", std::to_string(store::kFormat));
    store::insert_meta(c, "library_version", CLMIS_VERSION);
    store::insert_meta(c, "created_at", at);
    store::insert_meta(c, "pack_name", e->pack_.name);
    store::insert_meta(c, "pack_version", e->pack_.version);
    store::insert_meta(c, "pack_hash", e->pack_.hash);
    store::insert_meta(c, "country", e->profile_.iso3);
    store::insert_meta(c, "profile_hash", e->profile_.hash);
    store::insert_meta(c, "audit_key_id", e->audit_.key_id());
    store::write_pack_files(c, e->pack_, e->profile_);
    for (const auto& l : e->pack_.code_lists)
      if (!l.provided_by_profile) store::insert_code_list(c, l, "pack");
    for (const auto& l : e->profile_.code_lists) store::insert_code_list(c, l, "profile");
    Context cx = e->context(Actor{});
    const auto admin = create_administrator(cx, o.admin_user, o.admin_password);
    e->audit_.append(c, at, admin, "init", {},
                     Json{{"pack", e->pack_.name}, {"pack_version", e->pack_.version}, {"pack_hash", e->pack_.hash},
                          {"country", e->profile_.iso3}, {"admin_user", o.admin_user}});
    tx.commit();
    e->cache_.load(c);
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
  std::shared_ptr<Engine> e(new Engine(path, o.clock));
  e->busy_timeout_ms_ = o.busy_timeout_ms;
  e->conn_ = std::make_unique<store::Connection>(path, false);
  e->conn_->configure(e->busy_timeout_ms_);
  auto& c = *e->conn_;
  std::map<std::string, std::string> meta;
  store::StoredFiles files;
  try {
    store::ReadTransaction rt(c);
    meta = store::read_meta(c);
    files = store::read_pack_files(c);
  } catch (const Error& err) {
    if (err.code() == Errc::generic || err.code() == Errc::io)
      throw StorageError(path + " is not a clmis database (" + err.what() + ")");
    throw;
  }
  const std::string format = meta["format"], country = meta["country"], stored_hash = meta["pack_hash"];
  if (format.empty()) throw StorageError(path + " is not a clmis database (no format recorded)");
  int fmt = 0;
  if (auto [p, fec] = std::from_chars(format.data(), format.data() + format.size(), fmt);
      fec != std::errc{} || p != format.data() + format.size() || fmt < 1)
    throw StorageError(path + " is not a clmis database (format \"" + format + "\")");
  if (fmt > store::kFormat)
    throw VersionError(path + " was made by a newer clmis (format " + format + "); this library reads format " +
                       std::to_string(store::kFormat));
  // The declarations stored in the database are the ones in force; a time zone this machine
  // lacks is refused before anything is written.
  auto stored = pack::memory_source(files.all, path);
  pack::Pack stored_pack = pack::load_pack(*stored);
  pack::Profile stored_profile = pack::load_profile(*stored, country, stored_pack);
  e->clock_.set_zone(profile_zone(stored_profile.time_zone, stored_profile.iso3));
  // The audit key: a database from before format 3 gets one (its trail is sealed under it).
  bool key_created = false;
  const std::string key_path = o.audit_key_file.empty() ? path + ".key" : o.audit_key_file;
  e->key_path_ = o.audit_key.empty() ? key_path : "";
  if (fmt < 3 && o.audit_key.empty() && !std::filesystem::exists(key_path, ec)) {
    e->audit_.set_key(AuditTrail::load_key(path, o.audit_key_file, "", true));
    key_created = true;
  } else {
    e->audit_.set_key(AuditTrail::load_key(path, o.audit_key_file, o.audit_key, false));
  }
  if (fmt < store::kFormat) {
    // An older layout of the system tables: bring it up to date (one transaction). Formats 6
    // and 10 make tables again (the record tables; clmis_deadline), with foreign keys off
    // (checked inside the upgrade).
    const bool rebuild = fmt < 10;
    if (rebuild) store::set_foreign_keys(c, false);
    try {
      store::WriteTransaction tx(c);
      const auto* zone = profile_zone(stored_profile.time_zone, stored_profile.iso3);
      store::upgrade_system(c, fmt, pack::with_extensions(stored_pack, stored_profile), [&](const std::string& at) {
        const auto t = parse_datetime(at);
        return t ? format_date(local_date(*t, zone)) : std::string();
      });
      if (fmt < 3) {
        e->audit_.seal(c);
        store::create_audit_triggers(c);
        store::insert_meta(c, "audit_key_id", e->audit_.key_id());
      }
      e->audit_.append(c, e->clock_.now_text(), std::nullopt, "format_upgrade", {},
                       Json{{"from", fmt}, {"to", store::kFormat}});
      tx.commit();
    } catch (...) {
      if (rebuild) store::set_foreign_keys(c, true);
      if (key_created) std::filesystem::remove(key_path, ec);
      throw;
    }
    if (rebuild) store::set_foreign_keys(c, true);
  }
  if (store::meta_value(c, "audit_key_id") != e->audit_.key_id())
    throw PermissionDenied("the audit key " + (o.audit_key.empty() ? "in " + key_path : std::string("given")) +
                           " is not the one of " + path);
  e->set_declarations(stored_pack, stored_profile);
  if (o.upgrade) {
    auto src = o.data_dir.empty() ? pack::embedded_source() : pack::directory_source(o.data_dir);
    pack::Pack candidate = pack::load_pack(*src);
    pack::Profile candidate_profile = pack::load_profile(*src, country, candidate);
    const int cmp = pack::compare_versions(candidate.version, stored_pack.version);
    if (cmp < 0)
      throw VersionError(path + " holds pack " + stored_pack.name + " " + stored_pack.version + ", newer than the " +
                         candidate.version + " offered; it is left as it is");
    if (cmp == 0 && candidate.hash != stored_pack.hash)
      throw PackError("the pack offered has version " + candidate.version + " like the one stored in " + path +
                      " but different content; a changed pack needs a new version");
    if (candidate.hash != stored_pack.hash || candidate_profile.hash != stored_profile.hash) {
      profile_zone(candidate_profile.time_zone, candidate_profile.iso3);
      store::WriteTransaction tx(c);
      Context cx = e->context(Actor{});
      if (migrate(cx, candidate, candidate_profile, stored_pack.version)) tx.commit();
      e->set_declarations(candidate, std::move(candidate_profile));
    }
  } else if (!o.data_dir.empty()) {
    auto dir = pack::directory_source(o.data_dir);
    pack::Pack candidate = pack::load_pack(*dir);
    if (candidate.hash != stored_hash)
      throw PackError("the pack under " + o.data_dir + " (version " + candidate.version +
                      ") differs from the one stored in " + path + " (version " + stored_pack.version +
                      "); open with upgrade to migrate");
  }
  return e;
}

namespace {

/// The state of a copy: integrity, the key it was sealed with, the audit chain. Throws
/// StorageError (PermissionDenied for another database's key) naming what fails.
Json verify_copy(const std::string& path, const AuditTrail& audit, const std::string& what) {
  store::Connection c(path, false);
  c.set_busy_timeout_ms(5000);
  const auto integrity = store::integrity_check(c);
  if (integrity.size() != 1 || integrity[0] != "ok")
    throw StorageError(what + " fails SQLite's integrity check: " + integrity[0]);
  std::map<std::string, std::string> meta;
  try {
    meta = store::read_meta(c);
  } catch (const Error& e) {
    throw StorageError(what + " is not a clmis database (" + e.what() + ")");
  }
  int fmt = 0;
  const std::string& format = meta["format"];
  if (std::from_chars(format.data(), format.data() + format.size(), fmt).ec != std::errc{} || fmt < 1)
    throw StorageError(what + " is not a clmis database (no format recorded)");
  if (fmt > store::kFormat)
    throw VersionError(what + " was made by a newer clmis (format " + format + ")");
  if (fmt >= 3 && meta["audit_key_id"] != audit.key_id())
    throw PermissionDenied("the audit key given is not the one of " + what);
  Json chain = verify_chain(c, audit, nullptr);
  if (!chain["ok"].get<bool>())
    throw StorageError(what + "'s audit trail fails verification: " + chain["problems"][0].get<std::string>());
  return Json{{"integrity", "ok"}, {"audit_entries", chain["entries"]}, {"format", fmt}};
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StorageError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Json Engine::backup(const Actor& who, const std::string& target, bool replace) {
  check_batch_thread(who);
  std::lock_guard lock(mu_);
  auto& c = conn();
  if (c.in_transaction()) throw Misuse("a backup cannot be taken inside a batch; take it after the batch");
  FlushSecurity flush{access_, &c};
  Context cx = context(who);
  cx.access.require_system(cx, "backup");
  const auto protect = files();
  const std::string key_target = target + ".key";
  // Both targets are checked before anything is written.
  check_output_target(target, protect, replace);
  if (!key_path_.empty()) check_output_target(key_target, protect, replace);
  OutputFile copy(target, protect, replace, OutputFile::NoStream{});
  const int pages = store::copy_database(c, copy.temporary_path());
  const Json verified = verify_copy(copy.temporary_path(), audit_, "the copy");
  std::optional<OutputFile> key;
  if (!key_path_.empty()) {
    key.emplace(key_target, protect, replace);
    key->stream() << read_file_bytes(key_path_);
  }
  copy.commit();
  if (key) key->commit();
  // Who took a copy of every record is in the trail (of this database; the copy was taken
  // before this entry).
  {
    store::WriteTransaction tx(c);
    audit_.append(c, clock_.now_text(), who.uid, "backup", {},
                  Json{{"path", target}, {"pages", pages}, {"audit_entries", verified["audit_entries"]}});
    tx.commit();
  }
  return Json{{"path", target}, {"key_path", key ? Json(key_target) : Json(nullptr)}, {"pages", pages},
              {"integrity", "ok"}, {"audit_entries", verified["audit_entries"]}};
}

Json Engine::restore(const std::string& backup, const std::string& target, const RestoreOptions& o) {
  if (backup.empty() || target.empty()) throw Misuse("the backup and target paths may not be empty");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(backup, ec)) throw NotFound("no backup file at " + backup);
  const std::string backup_key = o.audit_key_file.empty() ? backup + ".key" : o.audit_key_file;
  AuditTrail audit;
  audit.set_key(AuditTrail::load_key(backup, o.audit_key_file, "", false));
  const Json verified = verify_copy(backup, audit, "the backup " + backup);
  // Never over the backup itself or its key; over an existing database only when asked.
  const auto protect = database_files(backup, backup_key);
  const std::string key_target = target + ".key";
  check_output_target(target, protect, o.replace);
  check_output_target(key_target, protect, o.replace);
  // Journals left at the target (by a database that was there, or a crashed program) would be
  // replayed into the restored file: removed when replacing, else the restore is refused.
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    if (!o.replace && std::filesystem::exists(std::filesystem::symlink_status(target + suffix, ec)))
      throw AlreadyExists("the journal " + target + suffix + " exists beside the target: it would be replayed into "
                          "the restored database; remove it, or ask to replace (--force)");
  OutputFile copy(target, protect, o.replace, OutputFile::NoStream{});
  int pages = 0;
  {
    store::Connection src(backup, false);
    src.set_busy_timeout_ms(5000);
    pages = store::copy_database(src, copy.temporary_path());
  }
  (void)verify_copy(copy.temporary_path(), audit, "the restored copy");
  OutputFile key(key_target, protect, o.replace);
  key.stream() << read_file_bytes(backup_key);
  // The journals of a database being replaced must never be applied to the restored file.
  if (o.replace) remove_db_files_but_main(target);
  copy.commit();
  key.commit();
  return Json{{"path", target}, {"key_path", key_target}, {"pages", pages}, {"integrity", "ok"},
              {"audit_entries", verified["audit_entries"]}};
}

}  // namespace clmis::detail
