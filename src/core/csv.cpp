#include "core/csv.hpp"

#include <stdexcept>

namespace clmis::csv {

std::vector<Row> parse(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Row> rows;
  Row row;
  std::string field;
  size_t line = 1;
  size_t i = 0;
  bool row_has_content = false;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
  };
  auto end_row = [&] {
    end_field();
    rows.push_back(std::move(row));
    row.clear();
    row_has_content = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && field.empty()) {
      // Quoted field.
      const size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size())
          throw std::runtime_error("line " + std::to_string(start_line) + ": unterminated quote");
        char q = text[i];
        if (q == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (q == '\n') ++line;
        field += q;
        ++i;
      }
      row_has_content = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        throw std::runtime_error("line " + std::to_string(line) + ": text after closing quote");
      continue;
    }
    if (c == ',') {
      end_field();
      row_has_content = true;
      ++i;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_row();
      ++line;
      i += 2;
    } else if (c == '\n') {
      end_row();
      ++line;
      ++i;
    } else {
      field += c;
      row_has_content = true;
      ++i;
    }
  }
  if (row_has_content || !field.empty()) end_row();
  return rows;
}

}  // namespace clmis::csv
