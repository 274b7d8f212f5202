// clmis/database.hpp — the C++ API: databases, sessions and the record API.
//
// A Database is an open National Labour Administration Database (one SQLite file). Everything
// that reads or writes records goes through a Session, obtained by login(): every action has an
// actor. Records travel as JSON objects in the fixed encoding of clmis/value.hpp.
//
// Threading: a Database may be shared between threads (calls are serialised on its connection).
// A Session must be used by one thread at a time. Both are cheap handles to shared state; copies
// refer to the same database.
//
// Errors: every function throws a subclass of clmis::Error (clmis/error.hpp) and nothing else.
#pragma once

#include "clmis/clock.hpp"
#include "clmis/columns.hpp"
#include "clmis/error.hpp"
#include "clmis/queue.hpp"
#include "clmis/value.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace clmis {

namespace detail {
class Engine;
struct SessionAccess;  // the importer's way to the engine (src/api/bulk.hpp)
struct BatchOwner;     // identifies a session's open batch (begin_batch) to the engine
}

/// Options for Database::init.
struct InitOptions {
  std::string country;               ///< ISO 3166-1 alpha-3 of the country profile (required)
  std::string admin_user = "admin";  ///< the administrator's user name
  std::string admin_password;        ///< required, at least 8 characters; no default exists
  std::string data_dir;              ///< "" = the pack and profiles embedded in the library
  /// The key that chains the audit trail (HMAC-SHA-256), kept outside the database. By default
  /// a new random key is written to a new owner-only file "<path>.key" (AlreadyExists if that
  /// file exists). audit_key_file names another file to create; audit_key (64 hexadecimal
  /// digits) supplies the key instead, for an integrator who keeps it elsewhere (no file).
  std::string audit_key_file;
  std::string audit_key;
  /// The clock this database reads (clmis/clock.hpp); empty = the system clock. The `init`
  /// audit entry and the administrator's created_at take their time from it.
  Clock clock;
};

/// Options for Database::open.
struct OpenOptions {
  int busy_timeout_ms = 5000;  ///< how long a write retries a locked database before Busy
  /// "" = the pack stored in the database is used; otherwise, without upgrade, the pack under
  /// data_dir must be the stored one (PackError if it differs).
  std::string data_dir;
  /// Migrate the database to the pack and profile of data_dir ("" = those embedded in the
  /// library) if they are newer: one transaction that keeps every record, history row and change
  /// number, or leaves the database as it was. A database holding a newer pack is refused with
  /// VersionError and left untouched; a change a migration cannot make (removing a field, a
  /// record type or a code, changing a field's type) is refused with PackError.
  bool upgrade = false;
  /// The audit trail's key: the file "<path>.key" by default, or audit_key_file, or the key
  /// itself (audit_key, 64 hexadecimal digits). NotFound without it; PermissionDenied if the
  /// file can be read by others (it must be owner-only) or the key is not this database's.
  /// A database from before format 3 gets a new key file when it has none.
  std::string audit_key_file;
  std::string audit_key;
  /// The clock this database reads (clmis/clock.hpp): every timestamp, "today", lockout and
  /// service key expiry. Empty = the system clock.
  Clock clock;
};

/// Options for Database::restore.
struct RestoreOptions {
  /// The backup's audit key file: "<backup>.key" by default (Session::backup writes it there).
  std::string audit_key_file;
  /// Replace an existing database (and its key) at the target. Stop every program that uses it
  /// first: its -wal and -shm files are removed, and a program still holding the old file open
  /// would write to a file no longer there.
  bool replace = false;
};

/// Outcome of Session::upsert.
enum class UpsertOutcome { unchanged = 0, created = 1, updated = 2 };

struct UpsertResult {
  std::int64_t id = 0;
  UpsertOutcome outcome = UpsertOutcome::unchanged;
};

class Session;

class Database {
 public:
  /// Creates a new database at path (AlreadyExists if the file exists; nothing is touched) with
  /// the standard pack, the country's profile and the administrator.
  static Database init(const std::string& path, const InitOptions& options);
  /// Opens an existing database (NotFound if there is no file; none is created).
  static Database open(const std::string& path, const OpenOptions& options = {});
  /// The file part of Session::check, for a database that cannot be opened: the permissions of
  /// the database's files and whether its audit key file (audit_key_file, default path + ".key")
  /// is there and private, as {"ok", "files": [...]}. Reads no data, needs no login.
  static Json check_files(const std::string& path, const std::string& audit_key_file = {});
  /// Restores a backup (`clmis restore`): verifies it with its key (integrity, the key is the
  /// backup's, the audit chain; StorageError, PermissionDenied or VersionError naming what
  /// fails, and nothing is written) and copies it and its key to target and target + ".key".
  /// An existing target only with options.replace. Open the result with Database::open.
  /// Returns {"path", "key_path", "pages", "integrity": "ok", "audit_entries"}.
  static Json restore(const std::string& backup, const std::string& target, const RestoreOptions& options = {});

  /// Authenticates and returns a session. AuthError — the same for a wrong user, a wrong
  /// password, an inactive or a locked account; the reason goes to the security log. After the
  /// country's lockout_attempts consecutive failures (5 by default) the account is locked for
  /// lockout_minutes (15), even for the right password. A session whose password must be
  /// changed (a new account, a reset) may only call change_password.
  Session login(std::string_view user, std::string_view password) const;
  /// A session on behalf of user for an integrator's system that authenticates its own staff:
  /// key is a service key (Session::service_key_create). The session holds the roles both the
  /// user and the key have. AuthError (logged) for an unknown, revoked or expired key, or an
  /// unknown, inactive or locked user.
  Session login_service(std::string_view key, std::string_view user) const;

  /// The schema in force: pack, profile, record types, fields, sections, code lists, and the
  /// limits on attachments ("attachments": {"max_size", "media_types", "source", "from_profile"}).
  [[nodiscard]] Json schema() const;
  /// The codes of a code list with labels in lang ("" = the profile's first language).
  [[nodiscard]] Json codes(std::string_view list, std::string_view lang = {}) const;
  /// What the country profile leaves missing or not yet verified (`clmis profile check`;
  /// docs/countries.md), grouped: {"country", "name", "missing": n, "unverified": n, "legal",
  /// "holidays", "deadlines", "department"}, each group a list of {"parameter", "status":
  /// "missing" | "unverified", ...}: an unverified item has its "value", "unit"?, "source" and
  /// "note"?; a missing one its "note" and "effects" (what clmis does without it: a rule
  /// skipped with a warning, a field not computed, working days with weekends only). Reference
  /// data: no session is needed; changes nothing.
  [[nodiscard]] Json profile_check() const;
  /// The same report for a country profile before any database is made: the profile of
  /// country (ISO 3166-1 alpha-3) with the standard pack, those embedded in the library or
  /// under data_dir. NotFound for a country without a profile; PackError for a malformed one.
  static Json profile_check_country(const std::string& country, const std::string& data_dir = {});
  /// The path the database was opened from.
  [[nodiscard]] const std::string& path() const;
  /// The files that make up the database: the file itself, its "-wal", "-shm" and "-journal"
  /// (which may not exist at a given moment) and its audit key file (none when the key was given
  /// directly). Keep them together; clmis writes no export, report or backup over any of them.
  [[nodiscard]] std::vector<std::string> files() const;
  /// Today, "YYYY-MM-DD", in the country profile's time zone by this database's clock: the day
  /// effective dates default to and ages are counted at.
  [[nodiscard]] std::string today() const;

  // The country's calendar (docs/calendars.md) ---------------------------------------------
  //
  // Public holidays computed from the profile's rules for any year from 1900 to 2200, with the
  // dates the administrator proclaims each year (Session::proclaim). Reference data: no session
  // is needed to read it. NotFound if the profile has no calendar.

  /// The days of a year: [{"date", "weekday", "name", "kind": "holiday"|"substitute"|"special",
  /// "rule", "status": "computed"|"proclaimed"|"estimate", "statutory", "day_off", "source",
  /// "entered", "substitute_for"?: {"date", "name", "reason"}}], names in lang ("" = the
  /// profile's first language). An estimate is the date of a holiday whose notice is not known
  /// yet; it counts as a day off until the real date is proclaimed.
  [[nodiscard]] Json calendar(int year, std::string_view lang = {}) const;
  /// from + days: counted in working days (weekends and days off skipped) when working, else in
  /// calendar days (then moved to the next working day if the profile's deadlines roll forward).
  /// {"from", "days", "working", "date", "skipped"?: [{"date", "reasons": [...]}]} — with
  /// explain, every day skipped and why, so an officer can defend a date. ValidationError for a
  /// date that does not exist or a count below 0.
  [[nodiscard]] Json add_days(std::string_view from, int days, bool working = true, bool explain = false) const;
  /// The working days d with from < d <= to (negative when to is before from):
  /// {"from", "to", "working_days"}.
  [[nodiscard]] Json working_days(std::string_view from, std::string_view to) const;
  /// A time limit in hours, counted in calendar time: "YYYY-MM-DDThh:mm:ssZ" + hours (0 to 8784).
  [[nodiscard]] std::string add_hours(std::string_view from, int hours) const;
  /// The holidays of a year whose date must be proclaimed and is not known yet:
  /// [{"rule", "name", "estimate", "status", "source"}].
  [[nodiscard]] Json calendar_pending(int year) const;

  /// Closes the connection now. Sessions on it throw Misuse afterwards. Idempotent.
  void close();

 private:
  explicit Database(std::shared_ptr<detail::Engine> e) : engine_(std::move(e)) {}
  std::shared_ptr<detail::Engine> engine_;
};

class Session {
 public:
  /// The user name this session acts for.
  [[nodiscard]] const std::string& user() const noexcept { return user_; }
  /// The schema in force (as Database::schema), for code that holds only a session.
  [[nodiscard]] Json schema() const;

  /// Creates a record of type from a JSON object; returns its id.
  std::int64_t create(std::string_view type, const Json& record);
  /// Reads a record: system fields, fields in declared order, sections as arrays. A record type
  /// with a birth date (date_of_birth) also has "age_group" right after it: the age group
  /// (clmis/columns.hpp, age_groups()) of the birth date today, null when it is unknown.
  [[nodiscard]] Json get(std::string_view type, std::int64_t id);
  /// Sets the fields given (null clears; a section given replaces the section) of the record
  /// whose version the caller read; returns the new version. Conflict on a stale version or an
  /// archived record. An update that changes nothing returns the version unchanged.
  std::int64_t update(std::string_view type, std::int64_t id, std::int64_t version,
                      const Json& changes);
  /// Archives the record with a (required) reason.
  void archive(std::string_view type, std::int64_t id, std::int64_t version,
               std::string_view reason);
  /// Creates or updates the record whose external_id is external_id; idempotent.
  UpsertResult upsert(std::string_view type, std::string_view external_id, const Json& record);
  /// One page of a query (see clmis_record_query in clmis.h for the query document; with
  /// "fields", each record has only those, in that order — "age_group" may be named too).
  /// "as_of": "YYYY-MM-DD" (default, or null: today by the database's clock) is the date the
  /// records' "age_group" is computed at (as get() shows it); it chooses no records and does not
  /// change the cursor. A malformed or impossible date is a ValidationError (rule "query", path
  /// "as_of"), as is every other error of the query document.
  [[nodiscard]] Json query(std::string_view type, const Json& query = Json::object());
  /// Every record a query selects, at once, as typed columns (clmis/columns.hpp: the buffers,
  /// the units, masking): for analysis, where one JSON document per record costs more than the
  /// read. The query document is query()'s (filter, sort, include_archived, after: a cursor of
  /// the same query) with two differences: "limit" is optional (null or absent: no limit; 0 reads
  /// nothing but still checks the query) and has no maximum, and there are no pages. "fields"
  /// (also accepted by query()) is a non-empty array of the names to read: system fields, fields
  /// and sections, each once, in the order wanted; absent, every system field, field and section
  /// in record order. ValidationError (rule "query", path "fields[2]"...) for a name the type
  /// does not have, a name given twice or a list that is not an array of strings; PermissionDenied
  /// as query(). Reads one snapshot; the whole result is in memory.
  [[nodiscard]] ColumnSet read_columns(std::string_view type, const Json& query = Json::object());
  /// Committed changes with seq > since_seq, oldest first (see clmis_changes_since).
  [[nodiscard]] Json changes_since(std::int64_t since_seq, int limit = 1000);

  /// Warnings of the last create, update or upsert on this session (an empty array if none):
  /// [{"record", "path", "rule": "possible_duplicate", "message", "other_id", "other_ids"}], and
  /// [{"record", "path", "rule": "min_age_at", "message", "parameter"}] when the age rule could
  /// not be applied because the country profile declares its age parameter missing.
  /// A warning never stops a write; a frontend shows it to the officer.
  [[nodiscard]] const Json& warnings() const noexcept { return warnings_; }

  // Security (docs/security.md) ---------------------------------------------------------------
  //
  // Every operation checks the session's roles (the pack's "roles": grants of actions on record
  // types within a scope — own records, the user's section, all) and throws PermissionDenied,
  // naming the permission, when they do not allow it; the refusal is written to the security
  // log and nothing else changes. Personal fields are masked in get, query, read_columns,
  // history and exports for users without read_personal: null, whatever their type (a masked
  // birth date is null too, not text), and the record lists them in "masked". Its "age_group"
  // (not personal) stays, for every reader.

  /// What this session may do: {"user", "roles", "section", "system": [...], "record_types":
  /// {"job_seeker": {"read": "all", "update": "own", "transition:close": "all", ...}}} — a
  /// frontend shows only what is allowed.
  [[nodiscard]] Json permissions() const;
  /// Throws PermissionDenied (logged) unless the session may do action ("create", "read",
  /// "export", "transition:close"...) on records of type.
  void require(std::string_view type, std::string_view action) const;
  /// Accounts (permission "users"): the list of users.
  [[nodiscard]] Json users() const;
  /// Creates an account: {"name", "password", "roles": [...], "section"?: "inspections",
  /// "must_change_password"?: true}. The password follows the country's policy (length, not
  /// the user name). Returns the user's id.
  std::int64_t user_create(const Json& spec);
  /// Changes roles, section, active (false deactivates: the user's sessions stop working) or
  /// unlocks ({"locked": false}). Conflict if no active administrator would remain.
  void user_update(std::string_view name, const Json& changes);
  /// Sets a new password that the user must change at the next login; unlocks the account.
  void user_reset_password(std::string_view name, std::string_view password);
  /// Your Account: changes this session's own password (AuthError if old_password is wrong;
  /// ValidationError if the new one breaks the policy or is one of the last N).
  void change_password(std::string_view old_password, std::string_view new_password);
  /// Service keys (permission "service_keys"): {"name", "roles": [...], "expires_at"?: date or
  /// UTC timestamp}. Returns {"name", "key", "roles", "expires_at"}: the key is shown this once
  /// and stored only as a hash.
  Json service_key_create(const Json& spec);
  /// The keys, without secrets: name, roles, created, expiry, state (active/expired/revoked).
  [[nodiscard]] Json service_keys() const;
  /// Revokes a key: its sessions stop working at their next call.
  void service_key_revoke(std::string_view name);
  /// Checks the audit trail's chain (permission "audit"): {"ok", "entries", "head": {"count",
  /// "mac"}, "first_bad": id or null, "problems": [...], "checkpoint": null/"matches"/
  /// "mismatch"/"truncated"}. With a checkpoint from audit_checkpoint() a truncated tail is
  /// detected as well.
  [[nodiscard]] Json audit_verify(const Json& checkpoint = nullptr) const;
  /// The head of the audit trail {"count", "mac", "at"}, to keep somewhere else.
  [[nodiscard]] Json audit_checkpoint() const;
  /// Audit entries with id > after_id, oldest first (permission "audit").
  [[nodiscard]] Json audit_entries(std::int64_t after_id = 0, int limit = 1000) const;
  /// The security log (refusals, failed logins, lockouts) after after_id (permission "audit").
  [[nodiscard]] Json security_log(std::int64_t after_id = 0, int limit = 1000) const;
  /// The state of the database as an administrator needs to know it (permission "audit";
  /// `clmis check`); changes nothing: {"ok", "files": [{"path", "role", "exists", "mode", "ok",
  /// "problem"}] (files readable by group or others, a missing or readable key), "integrity":
  /// {"ok", "messages"} (SQLite's integrity check), "audit" (as audit_verify), "records": {"ok",
  /// "checked", "refused", "problems": [{"record_type", "id", "version", "archived", "path",
  /// "value", "rule", "message"}], "truncated"}} — the records holding values today's pack
  /// rules refuse (stored before a rule tightened; an update must correct them). At most
  /// max_problems problems are listed; all are counted.
  [[nodiscard]] Json check(std::size_t max_problems = 1000) const;
  /// An online backup (permission "backup"; `clmis backup`): the database copied with SQLite's
  /// backup API as one consistent state — writers in other programs go on meanwhile — to path,
  /// and its audit key file to path + ".key", both 0600. The copy is verified (integrity check,
  /// the key, the audit chain) before it is renamed into place; nothing is left behind when
  /// anything fails. Never over the database's own files (Misuse); over an existing file only
  /// with replace (else AlreadyExists). The backup is an audit entry of this database. Returns
  /// {"path", "key_path" (null when the key was given directly: keep it yourself), "pages",
  /// "integrity": "ok", "audit_entries"}. Misuse inside a batch.
  Json backup(const std::string& path, bool replace = false);
  /// Records an export of type (permission "export" and "read") in the audit trail; export
  /// functions call it before they write anything.
  void export_started(std::string_view type, const Json& detail = Json::object());

  /// Runs fn inside one write transaction: every write fn makes through this session commits
  /// together when fn returns, or none does if fn throws (the exception goes on). A write that
  /// fails inside fn leaves nothing behind even when fn catches its error and goes on (each
  /// write is its own savepoint), so a bulk load can skip bad rows. Other threads' calls on this
  /// database wait until the batch ends. Used by imports and the demo generator.
  void batch(const std::function<void()>& fn);
  /// The same, audited as one entry instead of one per write (DESIGN.md §4: "a bulk import is
  /// one transaction and one audit entry"): audit_summary's "action" (default "batch") and its
  /// other members, plus the number and id ranges of the records created and updated.
  void batch(const std::function<void()>& fn, const Json& audit_summary);

  /// The same batch as begin, commit and rollback calls, for code that cannot pass a function
  /// (the C API's clmis_batch_begin). begin_batch starts one write transaction (BEGIN IMMEDIATE)
  /// and holds this database handle: every write of this session until commit_batch or
  /// rollback_batch joins it and commits with it or not at all; each write is still audited and
  /// takes its change number as inside batch(fn); reads of this session see the batch's writes.
  /// A write that fails inside the batch leaves nothing behind (its own savepoint) and the batch
  /// stays open: the caller decides to commit the rest or roll back. If the commit itself fails,
  /// the batch is rolled back and ended. Misuse: begin_batch while a batch is open or running on
  /// this handle; commit_batch or rollback_batch with no batch of this session open; while the
  /// batch is open, a call on this handle through another session or the Database on the thread
  /// that began it, or any call of this session on another thread (the handle's lock belongs to
  /// that thread; calls of other threads on the handle wait until the batch ends). A session
  /// destroyed with its batch open rolls it back (on the thread that began it).
  void begin_batch();
  void commit_batch();
  void rollback_batch();
  /// True while a batch begun by begin_batch on this session is open.
  [[nodiscard]] bool in_batch() const;

  // Lifecycles -------------------------------------------------------------------------------

  /// Moves a record of a type with a workflow through the named transition; returns the new
  /// version. args: {"effective_date": "YYYY-MM-DD" (default today; not in the future, not
  /// before the record's last status change), "fields": {...the fields the transition sets}}.
  /// NotFound for an unknown transition; Conflict if the record is not in one of the
  /// transition's "from" states, is archived or is not at version; ValidationError for bad or
  /// missing fields (the transition's "requires"). Writes one history row with the transition's
  /// name, from → to state and the effective date.
  std::int64_t transition(std::string_view type, std::int64_t id, std::int64_t version,
                          std::string_view name, const Json& args = Json::object());
  /// How many records of type were in each state on date (from the history; archived records
  /// are not counted): {"record_type", "date", "counts": {"active": 12, ...}}.
  [[nodiscard]] Json status_counts(std::string_view type, std::string_view date);
  /// The history rows of a record, oldest first: [{"seq", "event", "field", "from", "to",
  /// "effective_date", "at", "detail", "by"}].
  [[nodiscard]] Json history(std::string_view type, std::int64_t id);

  // Deadlines of cases (docs/workflows.md) ---------------------------------------------------

  /// The deadlines of a record of a type whose workflow declares them (the complaint's
  /// acknowledgement, first hearing, resolution...), in the order they started: [{"deadline",
  /// "label", "cycle" (1, then 2... when started again), "state" ("open", "paused", "met",
  /// "cleared"), "started", "due" (null while paused), "unit" ("working_days" or
  /// "calendar_days"), "length", "extension" (days added), "met_on", "cleared_on", "overdue"
  /// (running and due before as_of), "met_late", "source", "verified"}]. A deadline starts, is
  /// met and is cleared by the case's own writes: the events its declaration names (creation,
  /// a transition, a date entered in a field, an entry added to a section), in the write's
  /// transaction; closing a case clears those still running. as_of: "YYYY-MM-DD" ("" = today).
  /// Needs "read" on the record. NotFound for a type without deadlines or a missing record.
  [[nodiscard]] Json deadlines(std::string_view type, std::int64_t id, std::string_view as_of = {});
  /// How the due date of one of a record's deadlines (its latest cycle) was counted: the entry
  /// of deadlines() plus "days" (the length with the extensions), "due_counted", "paused_since",
  /// "skipped": [{"date", "reasons": ["Saturday (weekend)", "Christmas Day (...)", "paused:
  /// waiting for the employer's records"]}] and "events": [{"event", "date", "reason"?, "days"?}].
  [[nodiscard]] Json deadline_explain(std::string_view type, std::int64_t id, std::string_view deadline);
  /// Pauses, resumes, extends or clears a running deadline of a record: {"action": "pause" |
  /// "resume" | "extend" | "clear", "reason": text (required but for resume), "days": n (extend,
  /// 1 to 3660), "date": "YYYY-MM-DD" (default today; not in the future, not before the
  /// deadline's last event)}. A paused deadline's days do not count from the pause to the day it
  /// is resumed; its due date is counted again. Needs "update" on the record; audited
  /// ("deadline_pause"...). Returns the deadline as deadlines() lists it. ValidationError for a
  /// bad change, Conflict for a deadline that is not running (or a pause of a paused one),
  /// NotFound for a deadline the record has not started; each changes nothing.
  Json deadline_change(std::string_view type, std::int64_t id, std::string_view deadline, const Json& change);

  // Assignment and work queues (docs/workflows.md) -------------------------------------------

  /// Assigns a case (a record of a type with a workflow) to an officer by user name, or to
  /// nobody with "", with an optional reason; permission "assign" on the record (supervisors);
  /// audited ("assign"). A user with the "own" scope reads and works the cases assigned to them
  /// as well as those they entered. Returns {"record_type", "id", "assigned_to", "previous"}.
  /// ValidationError for a user who does not exist or is inactive; Conflict for an archived
  /// case or one already so assigned; each changes nothing.
  Json assign(std::string_view type, std::int64_t id, std::string_view user, std::string_view reason = {});
  // Computed fields (docs/workflows.md, "Computed fields") --------------------------------------

  /// Overrides a record's computed field (the schema marks it "computed": the days not worked of
  /// an industrial action, a redundancy's total severance...) with value and the reason; the
  /// value stays, whatever the record's later writes, until clear_override. Permission "update"
  /// on the record; audited ("override", with the reason) and in the record's history. Returns
  /// the new version. ValidationError for a field that is not computed ("read_only"), a value
  /// the field's type refuses, the value it already has ("unchanged"), an empty or blank
  /// reason; Conflict for a stale version, an archived record, or a field already overridden;
  /// each changes nothing.
  std::int64_t override_value(std::string_view type, std::int64_t id, std::int64_t version, std::string_view field,
                              const Json& value, std::string_view reason);
  /// Clears the override: the field is computed again from the record's values now (audited,
  /// "override_cleared", with the reason). Returns the version (a new one if the value changed).
  /// Conflict if the field has no live override.
  std::int64_t clear_override(std::string_view type, std::int64_t id, std::int64_t version, std::string_view field,
                              std::string_view reason);
  /// The overrides of a record, live and cleared, oldest first: [{"field", "reason", "by", "at",
  /// "cleared"?: {"by", "at", "reason"}}].
  [[nodiscard]] Json overrides(std::string_view type, std::int64_t id);

  /// The assignments of a case, oldest first: [{"assigned_to", "by", "at", "reason"}].
  [[nodiscard]] Json assignments(std::string_view type, std::int64_t id);
  /// A work queue: the running deadlines of cases by due date, a page at a time. spec:
  /// {"types"?: [case types] (default: every case type with deadlines the user reads beyond
  /// their own records), "section"?: an organisational section, "officer"?: a user name (the
  /// cases assigned to them), "overdue"?: true (due before as_of), "due_within"?: n (due by
  /// as_of + n days), "as_of"?: "YYYY-MM-DD" (default today), "limit"?: 1..1000 (50),
  /// "cursor"?: the previous page's next_cursor}. Returns {"as_of", "rows": [{"record_type",
  /// "id", "number" (the case number), "status", "deadline", "state", "due", "overdue",
  /// "days_overdue", "officer"}], "next_cursor"}; a paused deadline (no due date) comes last.
  [[nodiscard]] Json queue(const Json& spec);
  /// The same page as queue(spec) as typed rows (clmis/queue.hpp): no JSON document is built,
  /// which is most of a page's cost beyond its SQL (bench/bench_queue). The same checks and
  /// errors as queue().
  [[nodiscard]] QueuePage queue_page(const Json& spec);
  /// The ageing table: the cases open on as_of (registered by then, not closed, not archived)
  /// by type, state and days since their date_field — 0-30, 31-60, 61-90, over 90. spec:
  /// {"types"?, "section"?, "as_of"?}. Returns {"as_of", "bands", "rows": [{"record_type",
  /// "state", "0-30", "31-60", "61-90", "over 90", "total"}]}.
  [[nodiscard]] Json ageing(const Json& spec);

  // --- Indicators (docs/indicators.md) ------------------------------------------------------
  /// The indicator package in force (the pack's, with the country's): {"indicators": [{"id",
  /// "group", "name", "kind" (ratio, statistic, formula), "unit", "multiplier", "decimals",
  /// "rounding", "dimensions", "periodicity", "agency", "ilostat", "metadata": {"definition",
  /// "source", "method"?, "limitations"?}, "version", "from_profile"}]}, labels in lang ("": the
  /// country's first language). NotFound for a pack without indicators.
  [[nodiscard]] Json indicators_list(std::string_view lang = {});
  /// Computes indicators. spec: {"indicators"?: [ids] (default: all), "period": "2024" |
  /// "2024-Q1" | "2024-01" | "2020..2024", "freq"?: "year" | "quarter" | "month" (splits the
  /// period; default its own), "by"?: [dimensions of sex, age, geo, eco, ocu, edu]}. Returns
  /// {"observations": [{"indicator", "version", "period", "freq" (A, Q, M), "cell": {dimension:
  /// SDMX code} ({} for the total; each dimension alone and sex × each other; "_N" not stated;
  /// age partitions Y_LT15 ... Y_GE65 and summary bands Y_GE15, Y15T64, Y_GE25, Y25T54),
  /// "value" (decimal text rounded once, or null), "status" (A, E, M, O), "numerator",
  /// "denominator" (exact, before rounding: "12" or "7/3"), "records", "note"}]}. Cells of a
  /// partition with no record are not listed (their count is 0). Needs "read" with scope all on
  /// every record type the indicators read (PermissionDenied). ValidationError (nothing is
  /// written in any case) for an unknown indicator, a period that cannot exist, a dimension or
  /// frequency an indicator does not have.
  [[nodiscard]] Json indicators(const Json& spec);
  /// A progress callback for long computations: done of total indicators computed (those a
  /// formula needs included) and the last one's id, called on the caller's thread; it must not
  /// call this session.
  using IndicatorProgress = std::function<void(std::size_t done, std::size_t total, const std::string& indicator)>;
  /// indicators(spec), calling progress after each indicator.
  [[nodiscard]] Json indicators(const Json& spec, const IndicatorProgress& progress);
  /// How one value was made: spec {"indicator", "period", "cell"?: {dimension: code}} →
  /// {"indicator", "version", "definition" (as declared), "observation" (as indicators() gives
  /// it, or null), "queries": {"numerator", "denominator"} (the SQL that read the records),
  /// "series": [codes]}.
  [[nodiscard]] Json indicator_explain(const Json& spec);
  /// An analyst's own table of a stock on a day (docs/indicators.md, "Analysts' tables"): spec
  /// {"type", "date", "states"? (default: every state but closed), "by"?: [dimensions]} →
  /// {"type", "date", "states", "by", "total", "rows": [{"cell": {dimension: code}, "count"}]},
  /// every combination of the dimensions' partitions with a record ("_N" not stated; ages at the
  /// date), adding up to the total. Needs "read" with scope all on the type.
  [[nodiscard]] Json stock(const Json& spec);
  /// The same for flows in a period: spec {"type", "period", one of "into": [states],
  /// "out_of": [states], "date_field": "<date field>", "by"?} (ages at each flow's day).
  [[nodiscard]] Json flows(const Json& spec);
  /// Indicators as a file to send (docs/indicators.md, "Exports"): spec is indicators()' spec
  /// plus "format": "sdmx-csv" (SDMX-CSV 2.0 over the structure CLMIS:LMI(1.0)), "sdmx-json"
  /// (an SDMX-JSON 2.0 data message), "sdmx-structure" (an SDMX-JSON 2.0 structure message: the
  /// DSD, its concept scheme and codelists; no values, "period" may be left out), "ilostat"
  /// (ILOSTAT's bulk CSV: the indicators with an ILOSTAT code), "csv", "json" (the observations
  /// and the definitions' metadata) or "xlsx" (a sheet per indicator and a metadata sheet), and
  /// "lang"? (labels; "": the country's first language). Returns the file's bytes. Values are the
  /// rounded decimal text indicators() gives, never a binary floating-point number. The same
  /// permissions and errors as indicators(); ValidationError for an unknown format.
  [[nodiscard]] std::string indicators_export(const Json& spec);
  /// indicators_export(spec), calling progress after each indicator.
  [[nodiscard]] std::string indicators_export(const Json& spec, const IndicatorProgress& progress);
  /// Links record (type, id) to (to_type, to_id) — "this complaint led to that inspection" —
  /// with a relation, a code of the list "link_relation" (standard pack: related, led_to,
  /// follows, same_matter, duplicate_of; "" = related), and an optional note. Needs "update" on
  /// the first record and "read" on the second; audited ("link"). ValidationError for a
  /// relation not in the list ("code_list"), a second record that does not exist or the record
  /// itself ("reference"), a note over 1000 characters; NotFound for an unknown first record or
  /// type; Conflict if the first record is archived; AlreadyExists if that link is in place.
  /// Each refusal changes nothing. Returns the link as links() shows it.
  Json link(std::string_view type, std::int64_t id, std::string_view to_type, std::int64_t to_id,
            std::string_view relation = {}, std::string_view note = {});
  /// Removes a link, with a required reason; needs "update" on the record it goes from; the link
  /// stays in both timelines, marked removed; audited ("unlink"). NotFound for an unknown link,
  /// Conflict for one removed already. Returns the link as it now stands.
  Json unlink(std::int64_t link_id, std::string_view reason);
  /// The links from and to a record, oldest first, removed ones included: [{"id", "relation",
  /// "direction" ("from": this record links to the other; "to": the other links to it),
  /// "from_type", "from_id", "to_type", "to_id", "note", "by", "at", "removed"?: {"by", "at",
  /// "reason"}}]. Needs "read" on the record.
  [[nodiscard]] Json links(std::string_view type, std::int64_t id);

  /// The timeline of a case: every event in the order it happened — creation, field changes,
  /// transitions, archiving (as history() gives them, personal values masked as there), its
  /// assignments ("assigned", "to", "reason"), its deadlines' events ("deadline start",
  /// "deadline pause"... with "deadline", "cycle", "reason", "days") and its links ("linked",
  /// "unlinked", with "link", "relation", "direction", "other": {"type", "id"}) — each with "at"
  /// (when it was written, UTC), "date" (the day it took effect) and "by". Needs "read" on the
  /// record.
  [[nodiscard]] Json timeline(std::string_view type, std::int64_t id);

  // Documents of records: attachments and letters (docs/workflows.md, "Attachments") ---------

  /// Attaches a document (a scan, a photo, a PDF...) to a record of any type: name is its file
  /// name (UTF-8, at most 255 bytes, no "/" or "\\", no control characters, not "." or ".."),
  /// content its bytes, media_type what the caller says it is ("" = not said), note an optional
  /// remark (at most 1000 characters). The media type is recognised from the content (PDF, JPEG,
  /// PNG, TIFF, plain UTF-8 text, and by their extension the zip-based .docx, .xlsx, .odt, .ods)
  /// and must be one the pack or the country profile allows; the size at most their max_size
  /// (10 MiB by default). Stored with its size and SHA-256; needs "update" on the record (in its
  /// scope); audited ("attach": name, media type, size, SHA-256 and the document's id, never the
  /// content). Returns the document as documents() lists it. ValidationError (every problem
  /// together: "name", "note", "content" empty or over the limit, "media_type" not allowed or
  /// not the one declared), NotFound for a missing record, Conflict for an archived one; each
  /// changes nothing.
  Json attach(std::string_view type, std::int64_t id, std::string_view name, std::string_view content,
              std::string_view media_type = {}, std::string_view note = {});
  /// The documents of a record, oldest first, without their content — attachments and letters,
  /// withdrawn ones included: [{"id", "record_type", "record_id", "kind" ("attachment" or
  /// "letter"), "name" (file name, or a letter's template), "media_type", "size" (bytes),
  /// "sha256" (hex), "lang" (a letter's), "note", "at", "by", "withdrawn" (true/false),
  /// "withdrawn_at", "withdrawn_by", "withdrawn_reason"}]. Needs "read" on the record.
  /// NotFound for a missing record.
  [[nodiscard]] Json documents(std::string_view type, std::int64_t id);
  /// The bytes of a document (withdrawn ones too). Needs "read" on its record (PermissionDenied
  /// otherwise, as for the record itself); NotFound for an id that names no document.
  [[nodiscard]] std::string document_content(std::int64_t document_id);
  /// Withdraws a document filed by mistake, with a reason (required, at most 1000 characters):
  /// it is marked, listed as withdrawn and kept with its bytes. Needs "archive" on its record
  /// (supervisors: taking a paper out of a case file is not an officer's own call); audited
  /// ("withdraw_document"). Returns the document as documents() lists it. ValidationError for a
  /// missing reason, Conflict if it is already withdrawn or its record archived, NotFound for an
  /// unknown id; each changes nothing.
  Json withdraw_document(std::int64_t document_id, std::string_view reason);
  // Letters (docs/workflows.md, "Letters") --------------------------------------------------

  /// Produces a letter of a record from the pack's template `letter` (e.g.
  /// "complaint.acknowledgement"): the department's letterhead from the country profile, dates,
  /// amounts and codes written out in the letter's language, as a full HTML document (format
  /// "html", with a print stylesheet) or plain text ("text"). lang "" = the profile's first
  /// language when the letter has it, else English. Needs "read" and "letter" on the record;
  /// personal fields are left empty unless the user may read them. The letter is stored with
  /// the record (a document of kind "letter") and audited ("letter": the letter, language,
  /// format, document id and SHA-256, not the content). Returns {"document_id", "name" (the
  /// letter), "lang", "format", "media_type" ("text/html; charset=utf-8" or "text/plain;
  /// charset=utf-8"), "size" (bytes), "sha256", "content"}. NotFound for a record type, letter
  /// (including a letter of another record type) or record that does not exist;
  /// ValidationError for a language the letter is not written in (path "lang") or a format
  /// other than html and text (path "format"); PermissionDenied; Conflict for an archived
  /// record. Each changes nothing.
  Json letter(std::string_view type, std::int64_t id, std::string_view letter, std::string_view lang = {},
              std::string_view format = "html");

  // Table Maintenance ------------------------------------------------------------------------

  /// Adds a code: {"code": "X1", "label": {"en": "...", "nl": "..."}, "parent"?: "X",
  /// "level"?: n}. AlreadyExists if the code exists; NotFound for an unknown list; Conflict for
  /// the states of a workflow.
  void code_add(std::string_view list, const Json& code);
  /// Relabels ({"label": {"nl": "...", "es": null}} — null removes a language other than "en")
  /// and/or deactivates or reactivates ({"active": false}) a code. A deactivated code stays
  /// valid on the records that hold it and is refused on new entries.
  void code_update(std::string_view list, std::string_view code, const Json& changes);
  /// Deletes a code that nothing uses; Conflict (naming where it is used) otherwise, or if it
  /// has sub-codes. Deactivate codes that are in use.
  void code_delete(std::string_view list, std::string_view code);

  /// Enters in the country's calendar (permission "code_lists"; audited) the date a holiday rule
  /// has this year — {"date": "2026-03-20", "rule": "eid_al_fitr", "note"?: "the notice"} — or a
  /// one-off day off — {"date", "name": "Election victory holiday" or {"en": ..., "nl": ...},
  /// "note"?}. The substitutes that follow from it follow it. Returns {"year", "date", "rule" or
  /// "name", "note", "added": [{"date", "name"}], "removed": [...], "working_days_change_from":
  /// the first date whose status changed, "deadlines_moved": [{"record_type", "record_id",
  /// "deadline", "from", "to"}] — the running deadlines whose due date the change moved,
  /// counted again in the same transaction, "computed_changed": [{"record_type", "id", "field",
  /// "from", "to"}] — the computed fields counted on the calendar (an industrial action's days
  /// not worked) of the records whose period holds a changed day, computed again}.
  /// ValidationError for an unknown rule, a date that does not exist or a year outside the rule's
  /// validity; Conflict if the rule already has an entered date that year (withdraw it first).
  Json proclaim(const Json& spec);
  /// Withdraws an entered day — {"rule", "year"} or {"date"} of a one-off day (audited; the entry
  /// is kept, marked withdrawn). Returns the changes as proclaim does. NotFound if none is entered.
  Json withdraw_proclamation(const Json& spec);

  // Survey and partner data: series (docs/indicators.md, "Series") -------------------------
  //
  // Partner agencies (the statistics office, National Insurance) import their aggregates as
  // series: an indicator from a source, by an agency, at a frequency, with the unit its values
  // are in (unit_mult: the power of ten, 3 = thousands). Each observation is keyed by the
  // dimensions of the SDMX structure CLMIS:LMI(1.0) (sex, age, eco, ocu, edu, geo; "_Z" where
  // the indicator does not use one) and its period ("2024", "2024-Q1", "2024-01"), and holds an
  // exact decimal value (a string, never a float), a status (A, E, P, B, Q, U, O, M), a note
  // and, from a plain CSV, the sample size and coefficient of variation. A re-import that
  // changes an observation adds its next revision; the earlier ones are kept.
  //
  // A user with the system permission "series" (the administrator) imports for any agency and
  // reads every series; a user of a partner agency's role (its "agency" set on the account)
  // imports, revises and reads the series of that agency only. Others: PermissionDenied.

  /// Imports a file's observations. options: {"format": "ilostat" | "sdmx-csv" | "csv"
  /// (required), "agency"?: a code of the list "agency" (required for the administrator; a
  /// partner agency's user may only name their own), "source"?: the source of rows that name
  /// none, "name"?: the file's name, for the record}. One transaction, one batch and one audit
  /// entry ("series_import"); an import that changes nothing writes nothing. Returns {"batch":
  /// id or null, "agency", "format", "sha256" (of the bytes), "observations" (in the file),
  /// "series" (in the file), "series_created", "added", "revised", "unchanged"}.
  /// ValidationError listing every problem with its line and column (path "line 3, column 7
  /// (obs_value)"): malformed CSV, a header of another format, a series of another country
  /// (rule "country"), a period that cannot exist ("period": 2024Q5, 2024M13, 2024-02-30), a value
  /// that is not an exact decimal, a code outside the structure's dimensions, a series kept with
  /// another unit_mult; PermissionDenied; each refusal changes nothing.
  Json series_import(std::string_view bytes, const Json& options);
  /// The observations of the series this session reaches, a page at a time, ordered by series,
  /// dimensions, period and revision. query: {"indicator"?, "agency"?, "source"?, "freq"?: "A" |
  /// "Q" | "M" | "D", "from"?, "to"?: periods (the observations whose period lies within),
  /// "revisions"?: true (every revision, not only the latest), "limit"?: 1..100000 (10000),
  /// "after"?: the previous page's "next"}. Returns {"rows": [{"series", "agency",
  /// "indicator", "source", "freq", "unit_mult", "unit", "sex", "age", "eco", "ocu", "edu",
  /// "geo", "period", "value" (decimal string or null), "status", "note", "sample_size", "cv",
  /// "revision", "batch"}], "next": cursor or null}.
  [[nodiscard]] Json series(const Json& query = Json::object());

 private:
  friend class Database;
  friend struct detail::SessionAccess;
  Session(std::shared_ptr<detail::Engine> e, std::int64_t uid, std::string name,
          std::int64_t key_id = 0);
  std::shared_ptr<detail::Engine> engine_;
  std::int64_t user_id_ = 0;
  std::int64_t key_id_ = 0;  ///< the service key of a login_service session
  std::string user_;
  Json warnings_ = Json::array();
  /// Names this session (and its copies) to the engine for begin_batch; rolls an open batch back
  /// when the last copy goes. After engine_, so that it goes first.
  std::shared_ptr<detail::BatchOwner> owner_;
};

}  // namespace clmis
