// Reading an .xlsx file back in the tests, independently of libxlsxwriter: the zip container
// with zlib, the XML parts by plain text scanning (the workbook, its relationships, the styles'
// number formats and each worksheet's cells).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace test::xlsx {

struct Cell {
  std::string type;    ///< the cell's t attribute: "" (a number), "b", "inlineStr", "s", "str"...
  std::string value;   ///< <v> as written, or the text of an inline string (unescaped)
  std::string format;  ///< the number format code of its style ("General" without one)
};

struct Sheet {
  std::string name;
  std::string xml;
  std::map<std::string, Cell> cells;  ///< by reference, "A1"
  /// The cell at ref, or an empty one (type "", value "", format "") if it is not in the file.
  [[nodiscard]] Cell at(const std::string& ref) const;
  /// The letters of the column whose header (row 1) is text; fails the test if there is none.
  [[nodiscard]] std::string column(const std::string& header) const;
  /// The cell of the column headed header in row (1-based).
  [[nodiscard]] Cell at(const std::string& header, int row) const;
  /// The headers of row 1, left to right.
  [[nodiscard]] std::vector<std::string> headers() const;
  /// The number of the last row holding a cell.
  [[nodiscard]] int last_row() const;
};

struct Book {
  std::map<std::string, std::string> files;  ///< every part of the zip, by name
  std::vector<Sheet> sheets;                 ///< in the workbook's order
  /// The sheet of that name; fails the test if there is none.
  [[nodiscard]] const Sheet& sheet(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> sheet_names() const;
};

/// Every part of a zip file, by name (stored and deflated entries).
std::map<std::string, std::string> unzip(const std::string& path);
/// The workbook at path.
Book read(const std::string& path);

}  // namespace test::xlsx
