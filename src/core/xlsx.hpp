// Writing Excel workbooks (.xlsx) with libxlsxwriter: the one xlsx writer of the library, for
// record exports today and for reports and indicator tables later (it sits in core so that every
// layer can use it).
//
// A Workbook is a set of Sheets; a Sheet is a table: a header row (bold, frozen, with a filter)
// and rows written in order, left to right, with typed cells. The workbook is written in
// libxlsxwriter's constant_memory mode: a row goes to a temporary file (in Options::tmpdir) as
// soon as the next one begins, so memory stays the same whatever the number of rows. Rows past
// Excel's last row (1,048,576, header included) go on to a new worksheet, "<name> (2)", with the
// same header.
//
// Cells hold what Excel can hold exactly, or are written as text and say so (Written::as_text),
// never rounded silently:
//   - numbers come as their exact decimal text ("1250.00"); Excel keeps a number as a double and
//     shows 15 significant digits, so a number of at most 15 significant digits is written as a
//     number (the nearest double to the text, which reads back as the same 15 digits) with a
//     format showing its decimal places ("0.00", "#,##0.00" when grouped), and a longer one as
//     text;
//   - dates are day numbers of Excel's 1900 system (2025-03-03 is 45719) formatted yyyy-mm-dd,
//     datetimes day numbers with the time as a fraction, formatted yyyy-mm-dd hh:mm:ss; a date
//     before 1900-03-01 (where Excel's calendar counts a 29 February 1900 that never was) is text;
//   - text longer than Excel's 32,767 characters is cut there (Written::truncated).
// Text is always a string cell, never a formula: "=1+1" stays those four characters.
//
// Errors: StorageError (naming libxlsxwriter's reason) when a file cannot be written. The file at
// path is written by close() only; a Workbook destroyed without close() writes nothing.
#pragma once

#include "clmis/value.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::detail::xlsx {

inline constexpr std::uint32_t kMaxRows = 1048576;      ///< rows of a worksheet, header included
inline constexpr std::size_t kMaxColumns = 16384;       ///< columns of a worksheet
inline constexpr std::size_t kMaxTextLength = 32767;    ///< characters of a cell
inline constexpr int kMaxSignificantDigits = 15;        ///< digits Excel keeps of a number
inline constexpr std::size_t kMaxSheetNameLength = 31;  ///< characters of a worksheet's name

/// Excel's serial number of a day in the 1900 date system (days since 1899-12-30), or nullopt
/// for a day before 1900-03-01.
[[nodiscard]] std::optional<double> date_serial(Date d) noexcept;
/// The same for an instant (UTC): the day's serial plus the time of day as a fraction of 86,400
/// seconds.
[[nodiscard]] std::optional<double> datetime_serial(DateTime t) noexcept;
/// The significant digits of a plain decimal numeral ("-0012.3400" has 4, "0.00" none), or
/// nullopt if numeral is not one ("1e3", "12.", " 1", "").
[[nodiscard]] std::optional<int> significant_digits(std::string_view numeral) noexcept;
/// name made a valid worksheet name (at most 31 characters, none of []:*?/\, no apostrophe at
/// either end, not empty) and different, ignoring ASCII case, from every name in taken and from
/// Excel's reserved "History": "name", "name (2)", "name (3)"...
[[nodiscard]] std::string sheet_name(std::string_view name, const std::vector<std::string>& taken);

/// How a cell was written.
enum class Written {
  typed,      ///< as the number, date, time or text it is
  as_text,    ///< a number with more than 15 significant digits or a date before 1900-03-01: as text
  truncated,  ///< text cut after 32,767 characters
};

class Workbook;

/// One table of a workbook. Begin each row with next_row(), then write its cells from the first
/// column on; a cell not written stays empty. Not thread-safe.
class Sheet {
 public:
  ~Sheet();
  Sheet(const Sheet&) = delete;
  Sheet& operator=(const Sheet&) = delete;

  /// Begins the next row (the first call: the row under the header).
  void next_row();
  /// An empty cell.
  void skip();
  Written text(std::string_view s);
  /// A number given as its exact decimal text (see above); grouped: with thousands separators.
  Written number(std::string_view numeral, bool grouped = false);
  Written integer(std::int64_t v);
  Written date(Date d);
  Written datetime(DateTime t);
  void boolean(bool b);

  /// The name of the worksheet being written (a continuation's, past the row limit).
  [[nodiscard]] const std::string& name() const noexcept;
  /// The spreadsheet row being written (the header is row 1) on that worksheet.
  [[nodiscard]] std::uint32_t row() const noexcept;

 private:
  friend class Workbook;
  struct State;
  explicit Sheet(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

class Workbook {
 public:
  struct Options {
    std::string tmpdir;                 ///< where rows wait until close() ("" = the system's)
    std::uint32_t max_rows = kMaxRows;  ///< rows of a worksheet, header included (tests lower it)
  };
  /// A workbook to be written to path by close(). StorageError if libxlsxwriter cannot start.
  explicit Workbook(std::string path, Options options);
  explicit Workbook(std::string path) : Workbook(std::move(path), Options{}) {}
  /// Without close(): frees the rows written, writes no file.
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  /// Adds a sheet named (made valid and unique: sheet_name) with a header row. The sheet stays
  /// the workbook's; the reference is valid until close(). Misuse for no header, more than
  /// 16,384, or a header longer than a cell holds.
  Sheet& add_sheet(std::string_view name, const std::vector<std::string>& headers);
  /// Writes the file. StorageError naming libxlsxwriter's reason if it cannot.
  void close();

 private:
  friend class Sheet;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clmis::detail::xlsx
