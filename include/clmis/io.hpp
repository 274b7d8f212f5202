// clmis/io.hpp — bulk import and export of records (the C++ API; `clmis import` and
// `clmis export` are built on it).
//
// Import reads CSV (a record type's own fields, one column per field) or JSON Lines (one record
// object per line, with its sections) as a stream, in constant memory, and writes every row in
// ONE transaction audited as one entry (file hash, row count, id ranges). Rows that carry an
// external_id are upserted, so running the same import twice changes nothing the second time.
//
// CSV cells are converted by field type: text and codes as they are; integers and references as
// whole numbers; decimals as written ("12.50"); money as "1250.00" (the country's currency) or
// "1250.00 USD", or with a "<field>_currency" column; booleans as true/false, yes/no or 1/0;
// dates as YYYY-MM-DD unless ImportOptions::date_format declares another layout; an empty cell
// is no value (the field's default applies on create). Header names match the fields ignoring
// ASCII case ("Parish" is parish); a code matches its list's code ignoring ASCII case when only
// one code does ("kn-03" is KN-03). A header naming an unknown column (with the closest name), or
// missing a required one, refuses the whole file before any row is read.
//
// Records with their history: for a type with a workflow, a file may carry each record's
// lifecycle — (a) a date column per state reached, "<state>_on" (e.g. active_on, closed_on),
// with the fields the transitions set (outcome...), or (b) "status" with "status_date" — and the
// record is created and moved through the declared transitions on those dates, in one savepoint
// per row (docs/cli.md, "Importing", says how the path is chosen). Its row errors have the rules
// "workflow" (a path the workflow does not allow), "date_order", "required" and "type". JSON
// Lines takes the same keys.
//
// Errors: a file that cannot be read as UTF-8 CSV (NUL bytes, UTF-16, broken quoting) is refused
// with the row named; a file in windows-1252 or latin-1 is read with ImportOptions::encoding. Otherwise every bad row is reported with its row number (CSV: the
// spreadsheet row, header = 1; JSON Lines: the line), column, value, rule and message — all of
// them, not only the first. With OnError::abort (the default) nothing is imported if any row is
// bad; with OnError::skip the good rows are imported and the bad ones reported.
#pragma once

#include "clmis/database.hpp"

#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace clmis {

enum class OnError { abort, skip };

/// One problem of one row: an error (the row is refused) or a warning (it was imported).
struct ImportProblem {
  std::uint64_t row = 0;  ///< CSV: spreadsheet row (header = 1); JSON Lines: line number
  std::string column;     ///< the field (path for sections); "" = the whole row
  Json value;             ///< the value given, if any
  std::string rule;       ///< a rule kind of DESIGN.md §5, or "json", "csv", "duplicate_in_file", "workflow"
  std::string message;
  bool warning = false;
  std::string raw;        ///< the row as read (CSV: re-quoted; JSON Lines: the line)
};

enum class IndexBuild { automatic, after_load, during_load };

struct ImportOptions {
  std::string format = "csv";  ///< "csv" or "jsonl"
  OnError on_error = OnError::abort;
  /// Layout of dates in CSV cells: "" = ISO 8601 (YYYY-MM-DD) only; otherwise e.g. "D/M/YYYY",
  /// "M/D/YYYY", "DD/MM/YYYY", "DD-MM-YYYY", "YYYY/MM/DD" (D and M: one or two digits; DD, MM:
  /// exactly two). Only the declared layout is accepted: "6/12/2013" is never guessed.
  std::string date_format;
  char delimiter = ',';         ///< CSV field separator
  /// The file's character encoding, ASCII case ignored: "utf-8" (the default), "windows-1252"
  /// (alias "cp1252") or "latin-1" (aliases "iso-8859-1", "latin1"). The bytes are read as UTF-8
  /// as they stream in (constant memory); ImportReport::sha256 is still of the file's own bytes.
  /// windows-1252's five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) refuse the row (or the
  /// header) they are in, naming the byte. Another name is a ValidationError (path "encoding")
  /// before anything is read; so is (path "encoding", row 1) a file that begins with a UTF-8
  /// byte order mark, which says the file is UTF-8. Without it, text that is not UTF-8 is
  /// refused as before, with the advice to name the encoding.
  std::string encoding = "utf-8";
  std::string source;           ///< the file's name, for the audit entry
  /// Called about every 1000 rows with the bytes and rows read so far.
  std::function<void(std::uint64_t bytes, std::uint64_t rows)> progress;
  /// Called for every problem as it is found (for a report file); may be empty.
  std::function<void(const ImportProblem&)> on_problem;
  std::size_t max_problems = 1000;  ///< how many problems ImportReport::problems keeps
  /// When the indexes that no check of the import reads (plain field indexes, the status
  /// index, registration numbers) are built: `automatic` — once, after loading, when the type's
  /// table holds at most 10,000 records when the import starts (sorting every key once is then
  /// faster than inserting each; measured in docs/architecture.md); into a larger table, when
  /// the input's size is known (a file, not a pipe), weighed again after its first 10,000 rows:
  /// after loading when the rows still to come, estimated from the bytes still to read, are at
  /// least half as many as the table holds (the measured crossover), otherwise while loading;
  /// `after_load` and `during_load` force either. Inside the import's one transaction either
  /// way: a refused or failed import leaves the indexes as they were. The checks (unique,
  /// possible duplicate, external_id) keep their indexes throughout.
  IndexBuild index_build = IndexBuild::automatic;
  /// Fill ImportReport::created_ids and updated_ids (8 bytes a record: a million ids take 8 MB,
  /// which an import that does not print them need not hold).
  bool ids = false;
};

struct ImportReport {
  std::uint64_t rows = 0;       ///< data rows read
  std::uint64_t created = 0;
  std::uint64_t updated = 0;    ///< rows with an external_id already present and changed
  std::uint64_t unchanged = 0;  ///< rows with an external_id already present, same values
  std::uint64_t refused = 0;    ///< rows with at least one error
  std::uint64_t warnings = 0;
  bool committed = false;       ///< false: nothing was written (abort with bad rows, or stopped)
  /// True when a CSV quoting error (an unclosed quote, text after a closing quote) or a NUL byte
  /// in JSON Lines (not a text file) made the rest of the input unreadable: its row is counted
  /// and refused, nothing after it is read, and nothing is written whatever on_error says — the
  /// rows after it would otherwise be lost without a word. sha256 is then of the bytes read.
  bool stopped = false;
  std::string sha256;           ///< of the bytes read (the whole input unless stopped)
  std::vector<ImportProblem> problems;  ///< the first max_problems problems
  /// The ids of the records created and of those updated, in row order, when ImportOptions::ids
  /// asked for them (empty when nothing was committed).
  std::vector<std::int64_t> created_ids;
  std::vector<std::int64_t> updated_ids;
  /// How many of the table's indexes were dropped for the load and built after it, inside the
  /// import's transaction (ImportOptions::index_build); 0 when none was, or nothing committed.
  std::size_t indexes_built_after_load = 0;
};

/// Imports records of type from in. Throws for what stops the whole file (an unreadable file or
/// header: ValidationError naming row 1 or the row; NotFound for an unknown type; Busy...;
/// PermissionDenied, "row N: ...; nothing is imported", for a row that needs a permission the
/// user lacks, such as a lifecycle's transition:<name>, whatever on_error says); returns the
/// report otherwise, committed or not. A CSV import from a stream that can tell its size (a
/// file) reads and parses its rows on a second thread, which ends before the call returns or
/// throws; the calling thread does every check and write.
ImportReport import_records(Session& session, std::string_view type, std::istream& in,
                            const ImportOptions& options = {});

/// Something an export could not write exactly as stored, and wrote another way (the record is
/// still exported). Only xlsx has any: see export_records.
struct ExportWarning {
  std::string sheet;        ///< the worksheet
  std::uint64_t row = 0;    ///< the spreadsheet row on it (the header is row 1)
  std::string column;       ///< the column's header
  std::int64_t id = 0;      ///< the record's id
  std::string value;        ///< the value, as text
  std::string rule;         ///< "precision", "date_range" or "length"
  std::string message;
};

struct ExportOptions {
  std::string format = "csv";    ///< "csv", "jsonl", "json" or "xlsx"
  bool include_archived = false;
  Json filter = Json::array();   ///< query conditions, as in Session::query
  /// Only these fields, in this order (the query's "fields"; empty: all). CSV takes system
  /// fields and fields (a money field is still two columns), not sections; xlsx takes sections
  /// too (a sheet each).
  std::vector<std::string> fields{};
  /// xlsx: the language of the code labels, one of the country profile's languages ("" = its
  /// first). Misuse for another format, or a language the profile does not have.
  std::string language{};
  /// The date the records' age_group is computed at, "YYYY-MM-DD" (the query's "as_of"); "" =
  /// today. A malformed date is a ValidationError (rule "query", path "as_of") before anything
  /// is written or audited.
  std::string as_of{};
  /// Called for every ExportWarning as it happens (may be empty).
  std::function<void(const ExportWarning&)> on_warning{};
};

/// Writes the records of type to out, streaming page by page, after checking everything that
/// could refuse the export (the format, the fields, the filter, the permission "export") and
/// recording the export in the audit trail (format, filter, fields, include_archived, language).
///
/// CSV has the system columns (id, version, external_id, created_at, created_by, updated_at,
/// updated_by, archived, archive_reason) and one column per field (money as "<field>" amount
/// and "<field>_currency"; a record type with a birth date has "age_group" after date_of_birth,
/// at options.as_of); sections are left out (use jsonl). With options.fields, only those
/// columns in that order; a name the type does not have (or, in CSV, a section) is a
/// ValidationError (rule "query", path "fields[i]") before anything is written or audited. In
/// CSV, text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
/// carriage return) is written with a leading apostrophe. Personal fields are masked as in
/// Session::query, in every format. Returns the number of records written.
///
/// xlsx is written to a file only (export_to_file; Misuse here). Its first sheet, named after
/// the type, has CSV's columns with typed cells, plus "<field>_label" beside each code column
/// with the code's label in options.language; each section (all of them, or those named in
/// options.fields) has a sheet of its own named after it, one row per entry: "<type>_id" (the
/// record's id), "item_no" (1, 2... in the record's order) and the section's fields, typed the
/// same way. Each sheet's header row is frozen and has a filter. Cells: integers, references,
/// decimals and money amounts as numbers (decimals with their field's decimal places, money
/// with its currency's, e.g. 0.00, grouped in thousands); dates as Excel dates (yyyy-mm-dd) and
/// datetimes as Excel date-times in UTC (yyyy-mm-dd hh:mm:ss); booleans as TRUE/FALSE; text and
/// codes as text, never as a formula; no value as an empty cell. Excel keeps a number as a
/// double and shows 15 significant digits: a number with more (a large amount with its cents,
/// an integer past 999,999,999,999,999) is written as text with a warning ("precision"), so
/// that no digit is lost; so are a date before 1900-03-01, which Excel's calendar gets wrong
/// ("date_range"), and text cut at Excel's 32,767 characters per cell ("length"). A sheet is
/// continued on "<name> (2)"... past Excel's 1,048,576 rows. Memory stays constant: rows wait
/// in temporary files beside the target (libxlsxwriter's constant_memory mode).
std::uint64_t export_records(Session& session, std::string_view type, std::ostream& out,
                             const ExportOptions& options = {});

/// Writes the records of type to the file at path as export_records does, through a temporary
/// file beside it (mode 0600) that is renamed onto path only once complete: an export that is
/// refused or fails (a bad option, a missing permission, a full disk) leaves no file behind and
/// an existing file as it was. Misuse if path is one of the database's own files
/// (Database::files: the database, its journals, its audit key), however it is named, or a
/// directory; AlreadyExists if path exists and replace is false; StorageError if the directory
/// cannot be written. Returns the number of records.
std::uint64_t export_to_file(Session& session, std::string_view type, const std::string& path,
                             const ExportOptions& options = {}, bool replace = false);

}  // namespace clmis
