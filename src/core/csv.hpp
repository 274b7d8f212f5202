// RFC 4180 CSV reading: UTF-8 with or without BOM, CRLF or LF, quoted fields with commas,
// doubled quotes and newlines. The Reader streams (constant memory, one record at a time); parse()
// reads a whole text (small files: the pack's code lists).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::csv {

using Row = std::vector<std::string>;

/// A malformed CSV text: an unterminated quote, text after a closing quote, a NUL byte.
struct FormatError : std::runtime_error {
  FormatError(std::uint64_t line, const std::string& what)
      : std::runtime_error("line " + std::to_string(line) + ": " + what), line(line) {}
  std::uint64_t line;
};

class Reader {
 public:
  static constexpr std::size_t kMaxRecordBytes = std::size_t{16} * 1024 * 1024;  ///< one record
  static constexpr std::size_t kMaxFields = 10000;                               ///< of one record
  explicit Reader(std::istream& in, char delimiter = ',');
  /// Reads the next record into row, whose strings are reused (their capacity kept). False at
  /// the end of the input (row emptied). A blank line is a record with one empty field. Throws
  /// FormatError (row then holds no record: a part of it, or what it held before).
  bool next(Row& row);
  /// The physical line (1-based) on which the last record read started.
  [[nodiscard]] std::uint64_t line() const noexcept { return record_line_; }
  /// Bytes consumed so far (for progress).
  [[nodiscard]] std::uint64_t bytes() const noexcept { return consumed_; }

 private:
  int get();
  int peek();
  std::istream& in_;
  char delim_;
  std::vector<char> buf_;
  std::string field_;  ///< the field being read
  size_t pos_ = 0, len_ = 0;
  std::uint64_t consumed_ = 0, line_ = 1, record_line_ = 0;
  bool started_ = false;
};

/// Parses a whole CSV text. Throws FormatError.
std::vector<Row> parse(std::string_view text);

}  // namespace clmis::csv
