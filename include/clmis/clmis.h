/*
 * clmis.h — the C API of clmis, the Caribbean Labour Market Information System library.
 *
 * This header is the contract. If a function does not appear here, it is not part of the
 * published API. It compiles alone as C99 (and as C++).
 *
 * Conventions (see docs/c-api.md for the long form):
 *
 *  - Names are clmis_<module>_<verb>. Handles are opaque: clmis_db (an open National Labour
 *    Administration Database) and clmis_session (an authenticated user working on a database).
 *  - Every function that can fail returns an int: CLMIS_OK (0) on success, a negative CLMIS_E*
 *    code otherwise. The codes below are pinned: their values never change.
 *  - After a failure, clmis_error_last() describes it (code and message for people) and
 *    clmis_error_last_json() gives the machine-readable list of validation errors. Both are
 *    thread-local. Every function that returns a status code first clears them; functions that
 *    return void or a constant (clmis_close, clmis_free, clmis_version...) leave them alone.
 *  - Out-parameters come first. Strings returned through char **out are allocated by the library
 *    and must be released with clmis_free() — never with free().
 *  - JSON text in and out is UTF-8. The encoding of values is fixed (docs/c-api.md, "Values"):
 *    dates "YYYY-MM-DD", timestamps "YYYY-MM-DDThh:mm:ssZ" (UTC), decimals as strings ("12.50"),
 *    money as {"amount": "1250.00", "currency": "XCD"}, codes as their code string, references
 *    as the target's integer id, repeated sections as arrays. Unknown fields are an error.
 *  - Threads: a clmis_db may be shared between threads (calls on it are serialised inside the
 *    library). A clmis_session must be used by one thread at a time.
 *  - No function here throws, aborts or prints. A NULL where a handle or required string is
 *    expected returns CLMIS_EMISUSE.
 *
 * ABI: within one major version functions and struct members are only ever added (structs grow
 * at their end and carry a version field). CLMIS_SOVERSION changes only on an ABI break.
 */
#ifndef CLMIS_H
#define CLMIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

/* The version macros (CLMIS_VERSION, CLMIS_VERSION_NUMBER, CLMIS_SOVERSION...) live in version.h. */
#include "version.h"

#if defined(_WIN32) && !defined(CLMIS_STATIC)
#  ifdef CLMIS_BUILDING
#    define CLMIS_API __declspec(dllexport)
#  else
#    define CLMIS_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
#  define CLMIS_API __attribute__((visibility("default")))
#else
#  define CLMIS_API
#endif

/** The library's version string, e.g. "0.1.0". Static storage; never free it. */
CLMIS_API const char *clmis_version(void);

/** The library's CLMIS_VERSION_NUMBER, so a program can check it runs against the library it
 *  was compiled for. */
CLMIS_API int clmis_libversion_number(void);

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */

/** Status codes. The values are pinned forever; new codes are only added. Each constant is also
 *  readable at run time through clmis_error_code_name(). */
enum {
    CLMIS_OK = 0,
    CLMIS_ERROR = -1,     /**< generic failure not covered below (a bug: please report it) */
    CLMIS_EINVALID = -2,  /**< input refused: malformed JSON or a validation error list */
    CLMIS_ENOTFOUND = -3, /**< no such record, record type, code list, user or file */
    CLMIS_EEXISTS = -4,   /**< already exists (e.g. the database file on clmis_init) */
    CLMIS_ECONFLICT = -5, /**< stale version named by an update, or the record is archived */
    CLMIS_EDENIED = -6,   /**< the session's user may not do this */
    CLMIS_EAUTH = -7,     /**< wrong user name or password */
    CLMIS_EBUSY = -8,     /**< the database stayed locked by another writer past the limit */
    CLMIS_EMISUSE = -9,   /**< API misuse: NULL argument, invalid or closed handle, bad option */
    CLMIS_EPACK = -10,    /**< a pack or country profile is malformed (file, JSON path, reason) */
    CLMIS_EIO = -11,      /**< the database file cannot be read or written, or is not clmis's */
    CLMIS_EVERSION = -12, /**< the database was made by a newer pack or library */
    CLMIS_ENOMEM = -13    /**< out of memory */
};

/** The last error on this thread. */
typedef struct clmis_error {
    int code;            /**< one of the CLMIS_E* codes */
    const char *message; /**< for people; English; never NULL */
} clmis_error;

/** The last error on this thread, or NULL if the last status-returning clmis_ call succeeded.
 *  The pointer and its message belong to the library and stay valid until the next
 *  status-returning clmis_ call on this thread. */
CLMIS_API const clmis_error *clmis_error_last(void);

/** The last error's validation list as JSON text, or "[]" when there is none. Each entry is
 *  {"record": TYPE, "path": "contacts[1].email", "value": <the value given>, "rule": RULE,
 *   "message": TEXT}. All errors of a record are reported together. Owned by the library, valid
 *  until the next status-returning clmis_ call on this thread. Never NULL. Rule names: the
 *  field rules required, type, code_list, reference, range, pattern, length; the record rules
 *  unique_active, date_order, range_order, min_age_at, required_if (date_order also for a
 *  transition's effective date); unknown_field, read_only, password_policy, json (malformed
 *  JSON text), query (a malformed query document). */
CLMIS_API const char *clmis_error_last_json(void);

/** Forgets the last error of this thread. */
CLMIS_API void clmis_error_clear(void);

/** The name of a status code ("CLMIS_ENOTFOUND"), or "CLMIS_UNKNOWN". Static storage. */
CLMIS_API const char *clmis_error_code_name(int code);

/* ---------------------------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------------------------- */

/** Releases a string the library returned through a char **out parameter. NULL is allowed.
 *  Do not mix allocators: never pass library memory to free(), nor yours to clmis_free(). */
CLMIS_API void clmis_free(void *p);

/* ---------------------------------------------------------------------------------------------
 * Databases
 * ------------------------------------------------------------------------------------------- */

/** An open National Labour Administration Database. */
typedef struct clmis_db clmis_db;

/** Options for clmis_init. Initialise with CLMIS_INIT_OPTIONS_INIT or clmis_init_options_init();
 *  members are only ever added at the end. Strings are borrowed for the duration of the call. */
typedef struct clmis_init_options {
    unsigned int version;       /**< CLMIS_INIT_OPTIONS_VERSION */
    const char *country;        /**< ISO 3166-1 alpha-3 of the country profile, e.g. "KNA" (required) */
    const char *admin_user;     /**< the administrator's user name; NULL means "admin" */
    const char *admin_password; /**< required; at least 8 characters; there is no default */
    const char *data_dir;       /**< NULL: the pack and profiles embedded in the library; else a
                                     directory laid out like the source tree's data/ */
    const char *audit_key_file; /**< (version 2) the new owner-only file for the audit trail's
                                     HMAC key; NULL: "<path>.key". CLMIS_EEXISTS if it exists. */
    const char *audit_key;      /**< (version 2) the key itself, 64 hexadecimal digits, for an
                                     integrator who keeps it elsewhere (then no file is written) */
    int64_t (*now)(void *ctx);  /**< (version 3) the clock, as for clmis_open_options; NULL: the
                                     system clock */
    void *now_ctx;              /**< (version 3) passed to now */
} clmis_init_options;

#define CLMIS_INIT_OPTIONS_VERSION 3
#define CLMIS_INIT_OPTIONS_INIT {CLMIS_INIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/** Fills *opts with the defaults of the given version. Returns CLMIS_EMISUSE for a NULL opts or
 *  a version this library does not know. */
CLMIS_API int clmis_init_options_init(clmis_init_options *opts, unsigned int version);

/** Creates a new database file at path with the standard pack and the given country profile,
 *  and its administrator. Checked in this order: CLMIS_EMISUSE for NULL arguments or an unknown
 *  options version; CLMIS_EEXISTS if the file exists (it is not touched); CLMIS_EINVALID for an
 *  invalid administrator name or a password missing or shorter than 8 characters;
 *  CLMIS_ENOTFOUND for an unknown country, or a country whose time zone this machine lacks;
 *  CLMIS_EPACK for a malformed pack or profile (under data_dir). On success *out is a handle to close with clmis_close(); on failure *out is NULL
 *  and no file is left behind. */
CLMIS_API int clmis_init(clmis_db **out, const char *path, const clmis_init_options *opts);

/** Options for clmis_open. Same rules as clmis_init_options. */
typedef struct clmis_open_options {
    unsigned int version;    /**< CLMIS_OPEN_OPTIONS_VERSION */
    int busy_timeout_ms;     /**< how long a write waits for another writer, retrying with
                                  backoff, before CLMIS_EBUSY; default 5000; 0 = no wait */
    const char *data_dir;    /**< NULL: the pack stored in the database is used. Otherwise the
                                  pack under data_dir must be the one stored (CLMIS_EPACK if it
                                  differs or is malformed, CLMIS_ENOTFOUND if missing), unless
                                  upgrade is set. */
    int upgrade;             /**< (version 2) non-zero: migrate the database to the pack and
                                  profile under data_dir (NULL: those embedded in the library)
                                  if they are newer — one transaction that keeps every record,
                                  history row and change number, or changes nothing.
                                  CLMIS_EVERSION if the database holds a newer pack (it is left
                                  untouched); CLMIS_EPACK for a change that cannot migrate by
                                  itself (a removed field, record type or code, a changed type). */
    const char *audit_key_file; /**< (version 3) the audit key's file; NULL: "<path>.key". It
                                     must be owner-only (CLMIS_EDENIED otherwise); without it the
                                     database does not open (CLMIS_ENOTFOUND). */
    const char *audit_key;      /**< (version 3) or the key itself (64 hexadecimal digits) */
    int64_t (*now)(void *ctx);  /**< (version 4) the clock this database reads: the current time
                                     as seconds since 1970-01-01T00:00:00Z (UTC), given now_ctx.
                                     Every timestamp, "today" (in the country's time zone),
                                     lockout and service key expiry read it. NULL: the system
                                     clock. It must return a time between 1970 and 9999 (a call
                                     that reads another fails with CLMIS_EMISUSE and changes
                                     nothing); it is called with the database's lock held, from
                                     the thread using the database, and must not call clmis. */
    void *now_ctx;              /**< (version 4) passed to now; may be NULL */
} clmis_open_options;

#define CLMIS_OPEN_OPTIONS_VERSION 4
#define CLMIS_OPEN_OPTIONS_INIT {CLMIS_OPEN_OPTIONS_VERSION, 5000, NULL, 0, NULL, NULL, NULL, NULL}

/** Fills *opts with the defaults of the given version. */
CLMIS_API int clmis_open_options_init(clmis_open_options *opts, unsigned int version);

/** Opens an existing clmis database. opts may be NULL for the defaults. Fails with
 *  CLMIS_ENOTFOUND if the file does not exist (none is created) or if the country profile's time
 *  zone is not in this machine's time zone database (install tzdata), CLMIS_EIO if it is not a
 *  clmis database, CLMIS_EVERSION if it was made by a newer library (it is not touched). A
 *  database of an older storage format is brought up to date first, in one transaction. */
CLMIS_API int clmis_open(clmis_db **out, const char *path, const clmis_open_options *opts);

/** Closes the database handle and sets *db to NULL. NULL and *db == NULL are allowed.
 *  Sessions still open on it stay valid objects to close; their calls that use the database
 *  return CLMIS_EMISUSE (clmis_session_user still answers). */
CLMIS_API void clmis_close(clmis_db **db);

/** The schema in force as JSON: pack name, version and content hash, the country profile, the
 *  record types with their fields and sections, and the code lists (without their codes). A
 *  frontend builds its forms from it. *out is freed with clmis_free(). */
CLMIS_API int clmis_schema_json(char **out, clmis_db *db);

/** What the database's country profile leaves missing or not yet verified, as JSON (`clmis
 *  profile check`; docs/countries.md): {"country", "name", "missing", "unverified", "legal",
 *  "holidays", "deadlines", "department"}, each group a list of {"parameter", "status":
 *  "missing" | "unverified", ...}. Changes nothing. *out is freed with clmis_free(). */
CLMIS_API int clmis_profile_check_json(char **out, clmis_db *db);
/** The same report for a country profile before any database is made: country is an ISO
 *  3166-1 alpha-3 code; data_dir NULL for the pack and profiles built into the library.
 *  CLMIS_ENOTFOUND for a country without a profile, CLMIS_EPACK for a malformed one. */
CLMIS_API int clmis_profile_check_country_json(char **out, const char *country, const char *data_dir);

/** The codes of one code list as JSON: [{"code": "KN-03", "label": "...", "parent": ...,
 *  "level": ..., "active": true}, ...] with labels in lang ("en", "nl", "es"; falls back to
 *  English; NULL means the profile's first language). CLMIS_ENOTFOUND for an unknown list. */
CLMIS_API int clmis_codes_json(char **out, clmis_db *db, const char *list, const char *lang);

/** Today as "YYYY-MM-DD" in the country profile's time zone, by the database's clock (see
 *  clmis_open_options.now): the day effective dates default to and ages are counted at.
 *  *out is freed with clmis_free(). */
CLMIS_API int clmis_today(char **out, clmis_db *db);

/* ---------------------------------------------------------------------------------------------
 * Sessions
 * ------------------------------------------------------------------------------------------- */

/** An authenticated user working on a database. Used by one thread at a time. */
typedef struct clmis_session clmis_session;

/** Logs user in with password and returns a session. CLMIS_EAUTH for a wrong user name or
 *  password (the message does not say which); failures are written to the security log. */
CLMIS_API int clmis_login(clmis_session **out, clmis_db *db, const char *user, const char *password);

/** Ends the session and sets *session to NULL. NULL and *session == NULL are allowed. */
CLMIS_API void clmis_session_close(clmis_session **session);

/** The user name of the session into *out (freed with clmis_free()). */
CLMIS_API int clmis_session_user(char **out, clmis_session *session);

/* ---------------------------------------------------------------------------------------------
 * JSON text given to the library
 *
 * Every const char* argument that holds JSON (records, queries, transition arguments, codes,
 * users, keys, calendar specs, checkpoints) is UTF-8 JSON (RFC 8259) read by one parser that
 * stops at the first of these limits, before the input costs memory or time, and refuses a
 * duplicate key in an object, a byte-order mark before the text and a number too large for a
 * double (1e999). Each refusal is CLMIS_EINVALID with one error of rule "json" whose path says
 * where the text went wrong ("name", "contacts[3]", "" for the whole text); the offending text
 * is never copied whole into the error, and every error's "value" is bounded (a string cut
 * after 64 characters, a large array or object described). All text the library returns is
 * valid UTF-8.
 * ------------------------------------------------------------------------------------------- */

#define CLMIS_JSON_MAX_BYTES 16777216 /**< one document: 16 MiB */
#define CLMIS_JSON_MAX_DEPTH 64       /**< nesting of arrays and objects */
#define CLMIS_JSON_MAX_STRING 1048576 /**< bytes of one string or key: 1 MiB */
#define CLMIS_JSON_MAX_MEMBERS 10000  /**< keys of one object */
#define CLMIS_JSON_MAX_VALUES 1000000 /**< values in one document */

/* ---------------------------------------------------------------------------------------------
 * Records
 *
 * Every record has the system fields id, version, created_at, created_by, updated_at,
 * updated_by, external_id, archived and archive_reason. Of these, only external_id may be given
 * on input (to create and update); the others are set by the library.
 * Validation failures return CLMIS_EINVALID with the complete error list in
 * clmis_error_last_json(); a refused write changes nothing in the database.
 * ------------------------------------------------------------------------------------------- */

/** Creates a record of type from a JSON object and writes its new id to *out_id.
 *  CLMIS_ENOTFOUND for an unknown type, CLMIS_EINVALID with the error list for invalid data,
 *  CLMIS_EEXISTS if external_id is given and another record of the type has it. */
CLMIS_API int clmis_record_create(int64_t *out_id, clmis_session *session, const char *type,
                                  const char *json);

/** The record as a JSON object (system fields, then the fields in declared order, then each
 *  section as an array) into *out. CLMIS_ENOTFOUND if there is none. A record type with a birth
 *  date has "age_group" right after date_of_birth: its age group today (see clmis_record_query).
 *  Personal fields the session may not read are null (dates too) and named in "masked". */
CLMIS_API int clmis_record_get(char **out, clmis_session *session, const char *type, int64_t id);

/** Changes the fields given in json (a JSON object; a field set to null is cleared; a section
 *  given replaces the whole section) of the record whose version the caller read. Writes the new
 *  version to *out_version (may be NULL). CLMIS_ECONFLICT if the record changed since (stale
 *  version) or is archived; an update that changes nothing keeps the version. CLMIS_EEXISTS if
 *  it sets an external_id another record of the type has. */
CLMIS_API int clmis_record_update(int64_t *out_version, clmis_session *session, const char *type,
                                  int64_t id, int64_t version, const char *json);

/** Archives the record (the seed's "Delete": case data is never erased) with a reason, which is
 *  required. CLMIS_ECONFLICT for a stale version or an already archived record. */
CLMIS_API int clmis_record_archive(clmis_session *session, const char *type, int64_t id,
                                   int64_t version, const char *reason);

/** Upsert outcomes. */
enum {
    CLMIS_UPSERT_UNCHANGED = 0, /**< a record with this external_id had exactly these values */
    CLMIS_UPSERT_CREATED = 1,
    CLMIS_UPSERT_UPDATED = 2
};

/** Creates or updates the record of type whose external_id is external_id (unique per record
 *  type), so that another system can send the same record twice without creating two. The
 *  fields given are set as by clmis_record_update; sending the same values again changes
 *  nothing (no new version, no change number). *out_id gets the record's id and *out_outcome
 *  (may be NULL) one of CLMIS_UPSERT_*. */
CLMIS_API int clmis_record_upsert(int64_t *out_id, int *out_outcome, clmis_session *session,
                                  const char *type, const char *external_id, const char *json);

/** One page of records of type. query_json may be NULL or a JSON object:
 *    {"filter": [{"field": "parish", "op": "eq", "value": "KN-03"}, ...],   (all must hold)
 *     "sort": [{"field": "name", "desc": false}, ...],   (id is always the last key)
 *     "limit": 100,               (1..1000, default 100)
 *     "after": CURSOR,            (the "next" of the previous page)
 *     "include_archived": false,
 *     "fields": ["id", "name", "contacts"],  (optional: only these, in this order)
 *     "as_of": "2024-12-31"}      (the date of "age_group"; default today)
 *  ops: eq, ne, lt, le, gt, ge, in (value is an array), is_null (value true/false),
 *  contains (text and code fields; case-insensitive for ASCII letters only). A money value
 *  compares within its currency: {"amount": "10", "currency": "XCD"} never matches USD; money
 *  sorts by amount alone. Values are given in the encoding of the field.
 *  "fields" names system fields, fields and sections of the type, each once; each record then
 *  has only those keys, in that order ("masked" lists only the masked ones among them). A name
 *  the type does not have, a name given twice, an empty array, something other than an array of
 *  strings: CLMIS_EINVALID, rule "query", path "fields" or "fields[i]". A cursor does not depend
 *  on "fields": the next page may ask for other fields.
 *  A record type with a birth date (date_of_birth) has "age_group" after it: the age group
 *  ("under 15", "15-19", ..., "60-64", "65+") of the birth date at "as_of", for every reader,
 *  null when the birth date is unknown (or after as_of); a masked birth date is null, and named
 *  in the record's "masked". "as_of" chooses no records (the cursor does not depend on it); a
 *  malformed date: CLMIS_EINVALID, rule "query", path "as_of".
 *  *out gets {"records": [...], "next": CURSOR or null}, records as clmis_record_get gives them.
 *  Paging is by key, so records inserted meanwhile never shift a page. */
CLMIS_API int clmis_record_query(char **out, clmis_session *session, const char *type,
                                 const char *query_json);

/** The change feed: committed writes with a change number greater than since_seq, oldest first,
 *  at most limit (1..10000; 0 means 1000) of them, as
 *  {"changes": [{"seq": 7, "record_type": "employer", "id": 3, "op": "update", "version": 2,
 *  "at": "...", "by": "admin"}], "last_seq": 7}. op is "create", "update", "transition" (a
 *  lifecycle step) or "archive". An integrator stores last_seq and asks again. */
CLMIS_API int clmis_changes_since(char **out, clmis_session *session, int64_t since_seq, int limit);

/** Warnings of the session's last create, update or upsert as a JSON array (empty if none):
 *  [{"record", "path", "rule": "possible_duplicate", "message", "other_id", "other_ids"}]. A
 *  warning never stops a write: the record was stored; a frontend shows the warning to the
 *  officer (e.g. "possible duplicate of job seeker 12"). *out is freed with clmis_free(). */
CLMIS_API int clmis_session_warnings_json(char **out, clmis_session *session);

/* ---------------------------------------------------------------------------------------------
 * Batches: several writes atomic
 *
 * clmis_batch_begin starts one write transaction (BEGIN IMMEDIATE, waiting for other writers as
 * any write does: CLMIS_EBUSY past the limit). Until clmis_batch_commit or clmis_batch_rollback,
 * every write of this session (create, update, upsert, archive, transition, code and account
 * changes, clmis_import...) joins it: they are committed together or not at all. Each write is
 * still audited and takes its change number as a write outside a batch does; reads of the
 * session see the batch's writes; other programs see none of them until the commit.
 *
 * A write that fails inside the batch (CLMIS_EINVALID, CLMIS_ECONFLICT, CLMIS_EDENIED...) leaves
 * nothing of itself behind and the batch stays open with the writes before it, as a failed
 * statement inside an SQLite transaction does: the caller decides to commit the rest or roll
 * back. If the commit itself fails, the batch is rolled back and ended (the error says why).
 *
 * The batch holds the database handle for the thread that began it: calls of other threads on
 * the same clmis_db wait until it ends; on that thread, calls through another session or through
 * the clmis_db itself (clmis_schema_json, clmis_today, clmis_login...) are CLMIS_EMISUSE; so is
 * any call of the session from another thread. Use, commit and roll back a batch on one thread.
 * clmis_session_close with the batch open rolls it back — on the batch's thread; closed on another
 * thread, the session cannot release the handle that thread holds, and the batch stays open
 * (writers wait) until the database handle and its last session are gone: do not. clmis_close
 * leaves a database with an open batch open until its session is closed. clmis_backup inside a
 * batch is CLMIS_EMISUSE.
 * ------------------------------------------------------------------------------------------- */

/** Begins a batch on session. CLMIS_EMISUSE if a batch is already open on it (or on its database
 *  handle); CLMIS_EDENIED for a user who may no longer work (deactivated, locked, revoked key). */
CLMIS_API int clmis_batch_begin(clmis_session *session);

/** Commits the session's open batch and ends it. CLMIS_EMISUSE if none is open. If the commit
 *  fails (CLMIS_EIO for a full disk, say), nothing of the batch is written and it is ended. */
CLMIS_API int clmis_batch_commit(clmis_session *session);

/** Rolls back the session's open batch and ends it: none of its writes remains (their change
 *  numbers are not used). CLMIS_EMISUSE if none is open. */
CLMIS_API int clmis_batch_rollback(clmis_session *session);

/* ---------------------------------------------------------------------------------------------
 * Import and export of files (`clmis import`, `clmis export`; docs/import-export.md)
 * ------------------------------------------------------------------------------------------- */

/** Imports the records of type from the CSV or JSON Lines file at path in one transaction, with
 *  one audit entry (permission "import" and the record type's create/update). options_json (NULL
 *  = {}) is an object with any of:
 *    "format": "csv" | "jsonl"           default: "jsonl" if path ends in ".jsonl", else "csv"
 *    "on_error": "abort" | "skip"        abort (default): nothing is imported if any row is bad;
 *                                        skip: the good rows are, the bad ones reported
 *    "date_format": "D/M/YYYY"...        layout of CSV dates (default: YYYY-MM-DD only)
 *    "delimiter": ","                    the CSV separator: one ASCII character
 *    "encoding": "utf-8" | "windows-1252" | "latin-1"   the file's encoding, ASCII case ignored
 *                                        (aliases "cp1252", "iso-8859-1", "latin1"); read as
 *                                        UTF-8 as it streams in; sha256 is of the file's bytes
 *    "index_build": "auto" | "after" | "during"   when the indexes no check reads are built:
 *                                        auto builds them after loading into a table of at most
 *                                        10,000 records, or, from a file whose size is known,
 *                                        when its rows still to come after the first 10,000 are
 *                                        at least half as many as the table holds
 *    "max_problems": 1000                how many problems the report lists (0..100000)
 *    "source": "name"                    the file's name in the audit entry (default: path)
 *  An unknown key (named, with a "did you mean"), a value of the wrong type or not among the
 *  choices is CLMIS_EINVALID with the list entry {"record": "import_options", "path": KEY,
 *  "rule": "unknown_field" | "type" | "code_list" | "range" | "length"} before the file is
 *  opened. CLMIS_EMISUSE for a path that is a directory or one of the database's own files;
 *  CLMIS_ENOTFOUND for a file that cannot be read or an unknown type; CLMIS_EINVALID for a file
 *  or header refused as a whole (row 1, or the row named); CLMIS_EDENIED without the permission.
 *  *out_report_json (may be NULL; freed with clmis_free) receives what `clmis import --json`
 *  prints: {"committed", "stopped", "rows", "created", "updated", "unchanged", "refused",
 *  "warnings", "sha256", "indexes_built_after_load", "problems": [{"row", "column", "value", "rule",
 *  "message", "warning"}]}.
 *  When rows are refused and nothing is committed (on_error "abort", or a quoting error that
 *  stops the file) the result is CLMIS_EINVALID, the report is still given, and
 *  clmis_error_last_json lists the rows' errors as {"record": type, "row", "path" (the column),
 *  "value", "rule", "message"}. Whenever the result is not CLMIS_OK the database is unchanged. */
CLMIS_API int clmis_import(clmis_session *session, const char *type, const char *path,
                           const char *options_json, char **out_report_json);

/** Exports the records of type to the file at path (permission "export" and "read"; audited),
 *  written beside it and renamed into place when complete: a refused or failed export leaves no
 *  file (and an existing file as it was). options_json (NULL = {}) is an object with any of:
 *    "format": "csv" | "jsonl" | "json" | "xlsx"  default: from path's ending (".jsonl",
 *                                        ".json", ".xlsx"), else "csv"
 *    "fields": ["id", "name", ...]       only these, in this order (CSV: no sections)
 *    "filter": [{"field", "op", "value"}, ...]    conditions as in clmis_record_query
 *    "include_archived": false           also archived records
 *    "language": "en"                    xlsx: the language of the code labels
 *    "as_of": "2024-12-31"               the date of the records' age_group (default today)
 *    "replace": false                    replace an existing file (never the database's own)
 *  Options are checked as for clmis_import (CLMIS_EINVALID naming the key). CLMIS_EMISUSE for
 *  a path that is a directory or one of the database's files, or a language for another format
 *  than xlsx; CLMIS_EEXISTS for an existing file without "replace"; CLMIS_EINVALID for an unknown
 *  field or a malformed filter; CLMIS_EDENIED without the permission. Personal fields are masked
 *  as in clmis_record_query. */
CLMIS_API int clmis_export(clmis_session *session, const char *type, const char *path,
                           const char *options_json);

/* ---------------------------------------------------------------------------------------------
 * Lifecycles: statuses of record types with a workflow change only through transitions
 * ------------------------------------------------------------------------------------------- */

/** Moves record (type, id) at version through the named transition of its workflow (see the
 *  "workflows" of clmis_schema_json). args_json (NULL = {}) is {"effective_date":
 *  "YYYY-MM-DD", "fields": {...}}: the date the change took effect (default today; not in the
 *  future, not before the record's last status change) and the fields the transition sets, e.g.
 *  {"fields": {"outcome": "placed"}} to close a job seeker. *out_version (may be NULL) receives
 *  the new version. CLMIS_ENOTFOUND for an unknown record or transition; CLMIS_ECONFLICT if the
 *  record is not in a state the transition starts from, is archived or is not at version;
 *  CLMIS_EINVALID with the error list for bad or missing fields. One history row records the
 *  transition, from → to state, effective date and actor. */
CLMIS_API int clmis_record_transition(int64_t *out_version, clmis_session *session,
                                      const char *type, int64_t id, int64_t version,
                                      const char *transition, const char *args_json);

/** The history of a record as a JSON array, oldest first: [{"seq", "event", "field", "from",
 *  "to", "effective_date", "at", "detail", "by"}]. Events: "created", "changed" (fields with
 *  history), "archived", "initial" (first state) and transition names. */
CLMIS_API int clmis_record_history_json(char **out, clmis_session *session, const char *type,
                                        int64_t id);

/** How many records of type were in each state of its workflow on date ("YYYY-MM-DD"),
 *  computed from the history, archived records excluded: {"record_type", "date", "counts":
 *  {"registered": 3, "active": 12, "inactive": 1, "closed": 40}}. */
CLMIS_API int clmis_status_counts_json(char **out, clmis_session *session, const char *type,
                                       const char *date);

/* ---------------------------------------------------------------------------------------------
 * Deadlines of cases (docs/workflows.md)
 * ------------------------------------------------------------------------------------------- */

/** The deadlines of a record of a type whose workflow declares them (a complaint's
 *  acknowledgement, first hearing, resolution), as a JSON array in the order they started:
 *  [{"deadline", "label", "cycle", "state" ("open", "paused", "met", "cleared"), "started",
 *  "due" (null while paused), "unit", "length", "extension", "met_on", "cleared_on", "overdue",
 *  "met_late", "source", "verified"}]. They start, are met and are cleared by the record's own
 *  writes. as_of ("YYYY-MM-DD", or NULL for today) is the day "overdue" is judged on.
 *  CLMIS_ENOTFOUND for a type without deadlines or a missing record. */
CLMIS_API int clmis_deadlines_json(char **out, clmis_session *session, const char *type, int64_t id,
                                   const char *as_of);

/** How the due date of one deadline of a record (its latest cycle) was counted: the entry of
 *  clmis_deadlines_json plus "days", "due_counted", "paused_since", "skipped" ([{"date",
 *  "reasons"}]: weekends, holidays with their source, paused days with the reason) and
 *  "events" ([{"event", "date", "reason"?, "days"?}]). */
CLMIS_API int clmis_deadline_explain_json(char **out, clmis_session *session, const char *type,
                                          int64_t id, const char *deadline);

/** Pauses, resumes, extends or clears a running deadline of a record: change_json is
 *  {"action": "pause"|"resume"|"extend"|"clear", "reason": "..." (required but for resume),
 *  "days": n (extend), "date": "YYYY-MM-DD" (default today)}. Needs "update" on the record;
 *  audited. *out (may be NULL) receives the deadline as clmis_deadlines_json lists it.
 *  CLMIS_EINVALID for a bad change, CLMIS_ECONFLICT for a deadline that is not running,
 *  CLMIS_ENOTFOUND for one the record has not started; each changes nothing. */
CLMIS_API int clmis_deadline_change(char **out, clmis_session *session, const char *type, int64_t id,
                                    const char *deadline, const char *change_json);

/** Assigns a case to an officer by user name, or to nobody with user NULL, with an optional
 *  reason (NULL: none); permission "assign" (supervisors); audited. A user with the "own" scope
 *  reads and works the cases assigned to them. CLMIS_EINVALID for a user who does not exist or
 *  is inactive; CLMIS_ECONFLICT for an archived case or one already so assigned. */
CLMIS_API int clmis_case_assign(clmis_session *session, const char *type, int64_t id, const char *user,
                                const char *reason);

/** A work queue as JSON: the running deadlines of cases by due date, a page at a time.
 *  spec_json: {"types"?, "section"?, "officer"?, "overdue"?: true, "due_within"?: n,
 *  "as_of"?: "YYYY-MM-DD", "limit"?: 1..1000, "cursor"?} (NULL: {}). *out: {"as_of", "rows":
 *  [{"record_type", "id", "number", "status", "deadline", "state", "due", "overdue",
 *  "days_overdue", "officer"}], "next_cursor"}. */
CLMIS_API int clmis_queue_json(char **out, clmis_session *session, const char *spec_json);

/** The ageing table as JSON: open cases on as_of by type, state and days since received.
 *  spec_json: {"types"?, "section"?, "as_of"?} (NULL: {}). *out: {"as_of", "bands", "rows":
 *  [{"record_type", "state", "0-30", "31-60", "61-90", "over 90", "total"}]}. */
CLMIS_API int clmis_ageing_json(char **out, clmis_session *session, const char *spec_json);

/** The indicator package in force as JSON (docs/indicators.md): {"indicators": [{"id",
 *  "group", "name", "kind", "unit", "multiplier", "decimals", "rounding", "dimensions",
 *  "periodicity", "agency", "ilostat", "metadata", "version", "from_profile"}]}, labels in lang
 *  (NULL or "": the country's first language). */
CLMIS_API int clmis_indicators_list_json(char **out, clmis_session *session, const char *lang);

/** Computes indicators. spec_json: {"indicators"?: [ids], "period": "2024" | "2024-Q1" |
 *  "2024-01" | "2020..2024", "freq"?: "year" | "quarter" | "month", "by"?: [dimensions]}.
 *  *out: {"observations": [{"indicator", "version", "period", "freq", "cell", "value" (exact
 *  decimal text, or null), "status", "numerator", "denominator", "records", "note"}]}.
 *  CLMIS_EINVALID for an unknown indicator, an impossible period, a dimension or frequency an
 *  indicator does not have; CLMIS_EDENIED without read (scope all) on a type it reads. */
CLMIS_API int clmis_indicators_json(char **out, clmis_session *session, const char *spec_json);

/** How one indicator value was made. spec_json: {"indicator", "period", "cell"?}. *out:
 *  {"indicator", "version", "definition", "observation", "queries", "series"}. */
CLMIS_API int clmis_indicator_explain_json(char **out, clmis_session *session, const char *spec_json);

/** Indicators as a file to send (docs/indicators.md, "Exports"). spec_json: as for
 *  clmis_indicators_json plus "format": "sdmx-csv" | "sdmx-json" | "sdmx-structure" | "ilostat"
 *  | "csv" | "json" | "xlsx" and "lang"?. The file's bytes into *out (allocated by the library,
 *  freed with clmis_free(); not NUL-terminated: an xlsx workbook holds any byte) and their number
 *  into *out_size. CLMIS_EINVALID for an unknown format and as clmis_indicators_json; on failure
 *  *out is NULL and *out_size 0. */
CLMIS_API int clmis_indicators_export(void **out, size_t *out_size, clmis_session *session, const char *spec_json);

/** Links record (type, id) to (to_type, to_id) with relation (a code of the list
 *  "link_relation": related, led_to, follows, same_matter, duplicate_of; NULL: related) and an
 *  optional note (NULL: none). Needs "update" on the first record and "read" on the second;
 *  audited. *out (may be NULL) receives the link as JSON, as clmis_links_json lists it.
 *  CLMIS_EINVALID for an unknown relation, a second record that does not exist or the record
 *  itself; CLMIS_ENOTFOUND for an unknown first record; CLMIS_ECONFLICT for an archived one;
 *  CLMIS_EEXISTS for a link already in place. Each changes nothing. */
CLMIS_API int clmis_link(char **out, clmis_session *session, const char *type, int64_t id, const char *to_type,
                         int64_t to_id, const char *relation, const char *note);

/** Removes a link by its id, with a required reason; needs "update" on the record it goes
 *  from; the link stays in the timelines, marked removed; audited. *out (may be NULL): the link
 *  as it now stands. CLMIS_ENOTFOUND for an unknown link, CLMIS_ECONFLICT for one removed
 *  already, CLMIS_EINVALID for a missing reason. */
CLMIS_API int clmis_unlink(char **out, clmis_session *session, int64_t link_id, const char *reason);

/** The links from and to a record as a JSON array, oldest first, removed ones included:
 *  [{"id", "relation", "direction" ("from" | "to"), "from_type", "from_id", "to_type", "to_id",
 *  "note", "by", "at", "removed"?: {"by", "at", "reason"}}]. Needs "read" on the record. */
CLMIS_API int clmis_links_json(char **out, clmis_session *session, const char *type, int64_t id);

/* --- Computed fields (docs/workflows.md, "Computed fields") --------------------------------- */

/** Overrides a record's computed field (the days not worked of an industrial action, a
 *  redundancy's total severance...) with value_json (a JSON value of the field's type) and a
 *  required reason; the value stays until clmis_override_clear. Needs "update" on the record;
 *  audited. Writes the record's new version to *out_version (may be NULL). CLMIS_EINVALID for a
 *  field that is not computed, a value its type refuses or already holds, a blank reason;
 *  CLMIS_ECONFLICT for a stale version, an archived record or a field already overridden. Each
 *  changes nothing. */
CLMIS_API int clmis_override(int64_t *out_version, clmis_session *session, const char *type, int64_t id,
                             int64_t version, const char *field, const char *value_json, const char *reason);

/** Clears the override of a computed field: it is computed again from the record's values, now;
 *  audited with the reason. *out_version: the version after it (a new one if the value changed).
 *  CLMIS_ECONFLICT if the field has no live override. */
CLMIS_API int clmis_override_clear(int64_t *out_version, clmis_session *session, const char *type, int64_t id,
                                   int64_t version, const char *field, const char *reason);

/** The overrides of a record, live and cleared, oldest first, as a JSON array: [{"field",
 *  "reason", "by", "at", "cleared"?: {"by", "at", "reason"}}]. Needs "read" on the record. */
CLMIS_API int clmis_overrides_json(char **out, clmis_session *session, const char *type, int64_t id);

/** The timeline of a case as a JSON array, in the order things happened: history rows
 *  (created, changed, transitions, archived), assignments ("assigned"), deadline events
 *  ("deadline start", "deadline pause"...) and links ("linked", "unlinked"), each with "at",
 *  "date", "event" and "by". */
CLMIS_API int clmis_case_timeline_json(char **out, clmis_session *session, const char *type, int64_t id);

/** Produces a letter of a record from the pack's template `letter` ("complaint.acknowledgement",
 *  docs/workflows.md "Letters"), stores it with the record and audits it. lang: "en", "nl"...
 *  (NULL: the profile's first language when the letter has it, else English); format: "html"
 *  (a full document with a print stylesheet) or "text" (NULL: "html"). Needs "read" and
 *  "letter" on the record; personal fields are empty unless the user may read them. *out:
 *  {"document_id", "name", "lang", "format", "media_type", "size", "sha256", "content"} (the
 *  letter's text in "content"), freed with clmis_free. CLMIS_ENOTFOUND for an unknown type,
 *  letter (or a letter of another type) or record; CLMIS_EINVALID for a language the letter is
 *  not written in or another format; CLMIS_EDENIED; CLMIS_ECONFLICT for an archived record.
 *  Each changes nothing. */
CLMIS_API int clmis_letter_json(char **out, clmis_session *session, const char *type, int64_t id, const char *letter,
                                const char *lang, const char *format);

/* ---------------------------------------------------------------------------------------------
 * Documents of records: attachments and letters (docs/workflows.md, "Attachments")
 * ------------------------------------------------------------------------------------------- */

/** Attaches a document to a record of any type: name is its file name (UTF-8, at most 255
 *  bytes, no '/' or '\\', no control characters), bytes/size its content (size > 0; bytes may
 *  hold NUL bytes), media_type what the caller says it is (NULL: not said) and note an optional
 *  remark (NULL: none). The media type is recognised from the content (PDF, JPEG, PNG, TIFF,
 *  plain UTF-8 text; .docx, .xlsx, .odt, .ods by their zip signature and extension) and must be
 *  allowed by the pack or country profile, the size within their limit (10 MiB by default).
 *  Needs "update" on the record; audited. *out_id (may be NULL) receives the document's id.
 *  CLMIS_EINVALID (clmis_error_last_json lists "name", "note", "content", "media_type") for a
 *  bad name, empty content, content over the limit, a type not allowed or not the one declared;
 *  CLMIS_ENOTFOUND for a missing record; CLMIS_ECONFLICT for an archived one; each changes
 *  nothing. */
CLMIS_API int clmis_attach(clmis_session *session, const char *type, int64_t id, const char *name,
                           const void *bytes, size_t size, const char *media_type, const char *note,
                           int64_t *out_id);

/** The documents of a record as a JSON array, oldest first, without their content: [{"id",
 *  "record_type", "record_id", "kind" ("attachment" or "letter"), "name", "media_type", "size",
 *  "sha256", "lang", "note", "at", "by", "withdrawn", "withdrawn_at", "withdrawn_by",
 *  "withdrawn_reason"}]. Needs "read" on the record. *out is freed with clmis_free(). */
CLMIS_API int clmis_documents_json(char **out, clmis_session *session, const char *type, int64_t id);

/** The bytes of a document into *out (allocated by the library, freed with clmis_free(); not
 *  NUL-terminated text: it may hold any byte) and their number into *out_size. Needs "read" on
 *  the document's record (CLMIS_EDENIED otherwise); CLMIS_ENOTFOUND for an unknown id. On failure
 *  *out is NULL and *out_size 0. */
CLMIS_API int clmis_document_content(void **out, size_t *out_size, clmis_session *session, int64_t document_id);

/** Withdraws a document filed by mistake, with a reason (required): it stays, with its bytes,
 *  marked withdrawn. Needs "archive" on its record (supervisors); audited. CLMIS_EINVALID for a
 *  missing reason, CLMIS_ECONFLICT if already withdrawn or the record is archived,
 *  CLMIS_ENOTFOUND for an unknown id; each changes nothing. */
CLMIS_API int clmis_document_withdraw(clmis_session *session, int64_t document_id, const char *reason);

/* ---------------------------------------------------------------------------------------------
 * Table Maintenance: codes of the code lists
 * ------------------------------------------------------------------------------------------- */

/** Adds a code to list: code_json {"code": "ST-01", "label": {"en": "...", "nl": "..."},
 *  "parent": "ST" (optional), "level": 2 (optional; a child is one level below its parent)}.
 *  CLMIS_EEXISTS if the code exists, CLMIS_ENOTFOUND for an unknown list, CLMIS_EINVALID with
 *  the error list for a bad code or labels, CLMIS_ECONFLICT for the states of a workflow. */
CLMIS_API int clmis_code_add(clmis_session *session, const char *list, const char *code_json);

/** Relabels and/or (de)activates a code: changes_json {"label": {"nl": "...", "es": null},
 *  "active": false}; labels merge by language (null removes one; English stays). A deactivated
 *  code remains valid on records that hold it and is refused on new entries. */
CLMIS_API int clmis_code_update(clmis_session *session, const char *list, const char *code,
                                const char *changes_json);

/** Deletes a code nothing uses. CLMIS_ECONFLICT, naming the record type and field, if any
 *  record (archived ones included) or section entry holds it, or if it has sub-codes. */
CLMIS_API int clmis_code_delete(clmis_session *session, const char *list, const char *code);

/* ---------------------------------------------------------------------------------------------
 * The country's calendar: public holidays and working days (docs/calendars.md)
 *
 * Holidays are computed from the rules of the country profile for any year from 1900 to 2200,
 * with the dates the administrator proclaims each year. Reading the calendar needs no session
 * (reference data, like the code lists). Every function returns CLMIS_ENOTFOUND if the profile
 * has no calendar, and CLMIS_EINVALID (with the error list) for a date that does not exist, a
 * year outside 1900..2200 or a negative count.
 * ------------------------------------------------------------------------------------------- */

/** The days of a year as JSON: [{"date", "weekday", "name", "kind": "holiday" | "substitute" |
 *  "special", "rule", "status": "computed" | "proclaimed" | "estimate", "statutory", "day_off",
 *  "source", "entered", "entered_by"?, "substitute_for"?: {"date", "name", "reason"}}], names in
 *  lang (NULL: the profile's first language). "estimate" is the date of a holiday whose notice is
 *  not known yet; it counts as a day off until the real date is proclaimed. */
CLMIS_API int clmis_calendar_json(char **out, clmis_db *db, int year, const char *lang);

/** Flags of clmis_calendar_add_days. */
#define CLMIS_CALENDAR_WORKING 1 /**< count working days (weekends and days off skipped) */
#define CLMIS_CALENDAR_EXPLAIN 2 /**< list every day skipped and why */

/** from ("YYYY-MM-DD") + days, as JSON {"from", "days", "working", "date", "rolled_forward"?,
 *  "skipped"?: [{"date", "reasons": ["Saturday (weekend)", "Emancipation Day (Act ...)"]}]}.
 *  With CLMIS_CALENDAR_WORKING the n-th working day after from (from itself for 0); otherwise
 *  from + days, moved to the next working day when the profile says deadlines roll forward. */
CLMIS_API int clmis_calendar_add_days(char **out, clmis_db *db, const char *from, int days, int flags);

/** The working days d with from < d <= to, as JSON {"from", "to", "working_days"} (negative
 *  when to is before from). */
CLMIS_API int clmis_calendar_working_days(char **out, clmis_db *db, const char *from, const char *to);

/** The holidays of a year whose date must be proclaimed and is not known yet, as JSON:
 *  [{"rule", "name", "estimate", "status", "source"}]. */
CLMIS_API int clmis_calendar_pending_json(char **out, clmis_db *db, int year);

/** Enters in the calendar (permission "code_lists", audited) a rule's date for its year —
 *  {"date": "2026-03-20", "rule": "eid_al_fitr", "note": "the notice"} — or a one-off day off —
 *  {"date", "name": "..." or {"en": ..., "nl": ...}, "note"}. The substitutes that follow from it
 *  follow it. *out (may be NULL) receives {"year", "date", "rule" | "name", "note", "added":
 *  [{"date", "name"}], "removed": [...], "working_days_change_from": date or null}: the days off
 *  it changed, and the first date whose working status changed. CLMIS_EINVALID for an unknown
 *  rule, a date that does not exist or a year outside the rule's validity; CLMIS_ECONFLICT if
 *  the rule already has an entered date that year; CLMIS_EDENIED without the permission. */
CLMIS_API int clmis_calendar_proclaim(char **out, clmis_session *session, const char *spec_json);

/** Withdraws an entered day — {"rule": "eid_al_fitr", "year": 2026} or {"date": "..."} of a
 *  one-off day — keeping the entry, marked withdrawn (audited). *out (may be NULL) receives the
 *  changes as for clmis_calendar_proclaim. CLMIS_ENOTFOUND if nothing is entered. */
CLMIS_API int clmis_calendar_withdraw(char **out, clmis_session *session, const char *spec_json);

/* ---------------------------------------------------------------------------------------------
 * Security (docs/security.md): service sessions, permissions, accounts, service keys, the audit
 * trail. Every function of this header checks the session's roles; a refusal is CLMIS_EDENIED
 * naming the permission in the message, is written to the security log and changes nothing else.
 * ------------------------------------------------------------------------------------------- */

/** A session on behalf of user for an integrator's system that authenticates its own staff,
 *  with a service key (clmis_service_key_create). The session holds the roles both the user and
 *  the key have. CLMIS_EAUTH for an unknown, revoked or expired key, or an unknown, inactive or
 *  locked user (one error for all; the reason is in the security log). */
CLMIS_API int clmis_login_service(clmis_session **out, clmis_db *db, const char *key, const char *user);

/** What the session may do, as JSON: {"user", "roles", "section", "system": [...],
 *  "record_types": {"job_seeker": {"read": "all", "update": "own", ...}}, "must_change_password",
 *  "service_key"}. */
CLMIS_API int clmis_session_permissions_json(char **out, clmis_session *session);

/** Accounts (permission "users"): the users as a JSON array. */
CLMIS_API int clmis_users_json(char **out, clmis_session *session);
/** Creates an account from {"name", "password", "roles": [...], "section"?, "must_change_password"?
 *  (default true)}; the password follows the country's policy. *out_id may be NULL. */
CLMIS_API int clmis_user_create(int64_t *out_id, clmis_session *session, const char *spec_json);
/** Changes {"roles"?, "section"?, "active"?, "locked": false (unlock)?} of an account. */
CLMIS_API int clmis_user_update(clmis_session *session, const char *name, const char *changes_json);
/** A new password the user must change at the next login. */
CLMIS_API int clmis_user_reset_password(clmis_session *session, const char *name, const char *password);
/** Your Account: the session's own password (CLMIS_EAUTH if old_password is wrong). */
CLMIS_API int clmis_password_change(clmis_session *session, const char *old_password,
                                    const char *new_password);

/** Creates a service key from {"name", "roles": [...], "expires_at"?}; *out is {"name", "key",
 *  "roles", "expires_at"} — the key is shown this once and only its hash is kept. */
CLMIS_API int clmis_service_key_create(char **out, clmis_session *session, const char *spec_json);
/** The service keys without secrets (name, roles, state active/expired/revoked...). */
CLMIS_API int clmis_service_keys_json(char **out, clmis_session *session);
/** Revokes a key: its sessions stop at their next call. */
CLMIS_API int clmis_service_key_revoke(clmis_session *session, const char *name);

/** Checks the audit trail's HMAC chain (permission "audit"): {"ok", "entries", "head", "first_bad",
 *  "problems", "checkpoint"}. checkpoint_json: NULL, or a checkpoint from
 *  clmis_audit_checkpoint_json (then a truncated tail is found too). A trail that fails is
 *  CLMIS_OK with "ok": false — the function worked; the trail did not. */
CLMIS_API int clmis_audit_verify_json(char **out, clmis_session *session, const char *checkpoint_json);
/** The head of the audit trail {"count", "mac", "at"}, to keep somewhere else. */
CLMIS_API int clmis_audit_checkpoint_json(char **out, clmis_session *session);
/** Audit entries with id > after_id, oldest first, at most limit (1 to 10000). */
CLMIS_API int clmis_audit_entries_json(char **out, clmis_session *session, int64_t after_id, int limit);
/** The security log (refusals, failed logins, lockouts) after after_id. */
CLMIS_API int clmis_security_log_json(char **out, clmis_session *session, int64_t after_id, int limit);

/** The state of the database as an administrator needs to know it (permission "audit"; what
 *  `clmis check` prints), changing nothing: {"ok", "files": [{"path", "role", "exists", "mode",
 *  "ok", "problem"}] (a file readable by group or others, a missing or readable key),
 *  "integrity": {"ok", "messages"} (SQLite's integrity check), "audit" (as
 *  clmis_audit_verify_json), "records": {"ok", "checked", "refused", "problems": [{"record_type",
 *  "id", "version", "archived", "path", "value", "rule", "message"}], "truncated"}}. Records are
 *  listed when they hold values today's pack rules refuse (stored before a rule tightened): they
 *  stay readable, and an update must correct them. At most max_problems (1..100000; 0 means
 *  1000) problems are listed; all are counted. */
CLMIS_API int clmis_check_json(char **out, clmis_session *session, int max_problems);
/** The file part of clmis_check_json for a database that cannot be opened (a missing or readable
 *  key, say): {"ok", "files": [...]} for path, its journals and its audit key file
 *  (audit_key_file, NULL for path + ".key"). Reads no data; needs no session. */
CLMIS_API int clmis_check_files_json(char **out, const char *path, const char *audit_key_file);

/** Flag of clmis_backup and clmis_restore: replace an existing file at the target. */
#define CLMIS_BACKUP_REPLACE 1

/** An online backup (permission "backup"; `clmis backup`): the database copied with SQLite's
 *  backup API as one consistent state (writers in other programs go on meanwhile) to path, and
 *  its audit key file to path + ".key", both mode 0600; verified (integrity, key, audit chain)
 *  before it is renamed into place, nothing left behind if anything fails. CLMIS_EMISUSE for a
 *  path that is one of the database's own files (or inside a batch), CLMIS_EEXISTS for an
 *  existing file without CLMIS_BACKUP_REPLACE. *out (may be NULL) gets {"path", "key_path",
 *  "pages", "integrity", "audit_entries"}; key_path is null when the key was given directly. */
CLMIS_API int clmis_backup(char **out, clmis_session *session, const char *path, int flags);
/** Restores a backup made by clmis_backup to target (`clmis restore`): verifies it with its key
 *  file (audit_key_file, NULL for backup + ".key") — CLMIS_EIO if it fails its integrity check or
 *  audit chain, CLMIS_EDENIED for another database's key, nothing written — then copies it and
 *  its key to target and target + ".key". An existing target only with CLMIS_BACKUP_REPLACE;
 *  stop every program using it first (its -wal and -shm are removed). Needs no session. */
CLMIS_API int clmis_restore(char **out, const char *backup, const char *target, const char *audit_key_file,
                            int flags);

/* --- Survey and partner data: series (docs/indicators.md, "Series") ----------------------- */

/** Imports a partner agency's file of aggregates (size bytes at bytes) as series observations.
 *  options_json: {"format": "ilostat" | "sdmx-csv" | "csv", "agency"?: a code of the list
 *  "agency" (required for the administrator; a partner agency's user imports its own agency's
 *  only), "source"?: the source of rows that name none, "name"?: the file's name}. One
 *  transaction, audited ("series_import"); a changed observation becomes its next revision, the
 *  earlier ones are kept; an import that changes nothing writes nothing. *out (may be NULL)
 *  gets {"batch" (null when nothing changed), "agency", "format", "sha256", "observations",
 *  "series", "series_created", "added", "revised", "unchanged"}. CLMIS_EINVALID with every
 *  problem in clmis_error_last_json() (path "line L, column C (name)"): malformed CSV, another
 *  country's series, a period that cannot exist, a value that is not an exact decimal...;
 *  CLMIS_EDENIED. Each refusal changes nothing. */
CLMIS_API int clmis_series_import(char **out, clmis_session *session, const void *bytes, size_t size,
                                  const char *options_json);
/** The observations of the series the session reaches, one page, as {"rows": [{"series",
 *  "agency", "indicator", "source", "freq", "unit_mult", "unit", "sex", "age", "eco", "ocu",
 *  "edu", "geo", "period", "value" (a decimal string, or null), "status", "note", "sample_size",
 *  "cv", "revision", "batch"}], "next"}. query_json (NULL = {}): {"indicator"?, "agency"?,
 *  "source"?, "freq"?, "from"?, "to"?, "revisions"?: true, "limit"?, "after"?: a page's "next"}.
 *  *out is freed with clmis_free(). */
CLMIS_API int clmis_series_json(char **out, clmis_session *session, const char *query_json);

#ifdef __cplusplus
}
#endif

#endif /* CLMIS_H */
