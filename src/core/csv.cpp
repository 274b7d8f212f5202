#include "core/csv.hpp"

#include <sstream>

namespace clmis::csv {

Reader::Reader(std::istream& in, char delimiter) : in_(in), delim_(delimiter), buf_(1 << 16) {}

int Reader::peek() {
  if (pos_ == len_) {
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    len_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (len_ == 0) return -1;
  }
  return static_cast<unsigned char>(buf_[pos_]);
}

int Reader::get() {
  const int c = peek();
  if (c >= 0) {
    ++pos_;
    ++consumed_;
    if (c == 0) throw FormatError(line_, "NUL byte in the file (is it UTF-16 or binary?)");
  }
  return c;
}

bool Reader::next(Row& row) {
  row.clear();
  if (!started_) {
    started_ = true;
    // A UTF-8 byte order mark is dropped; UTF-16 is refused (Excel's "Unicode text").
    if (peek() == 0xEF) {
      get();
      if (get() != 0xBB || get() != 0xBF) throw FormatError(1, "the file starts with a broken byte order mark");
    } else if (peek() == 0xFF || peek() == 0xFE) {
      throw FormatError(1, "the file is UTF-16; save it as CSV UTF-8");
    }
  }
  if (peek() < 0) return false;
  record_line_ = line_;
  const std::uint64_t record_start = consumed_;
  // The limits of one record (those of a JSON document): a record that passes them — an
  // unterminated quote in a large file, say — stops the file here, before it fills the memory.
  auto bounded = [&] {
    if (consumed_ - record_start > kMaxRecordBytes)
      throw FormatError(record_line_, "a record of more than " + std::to_string(kMaxRecordBytes) +
                                          " bytes (an unterminated quote?)");
    if (row.size() >= kMaxFields)  // the field being read would be one more
      throw FormatError(record_line_, "a record of more than " + std::to_string(kMaxFields) + " fields");
  };
  std::string field;
  for (;;) {
    bounded();
    int c = get();
    if (c == '"' && field.empty()) {
      const std::uint64_t start = line_;
      for (;;) {
        c = get();
        if (c < 0) throw FormatError(start, "unterminated quote");
        if (c == '"') {
          if (peek() == '"') {
            get();
            field += '"';
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field += static_cast<char>(c);
        if ((field.size() & 0xFFFF) == 0) bounded();
      }
      // After the closing quote: a delimiter, the end of the line, or the end of the input.
      row.push_back(std::move(field));
      field.clear();
      c = peek();
      if (c < 0) return true;
      if (c == delim_) {
        get();
        if (peek() < 0) {  // "a,"<EOF>: a last, empty field
          row.emplace_back();
          return true;
        }
        continue;
      }
      if (c == '\r') {
        get();
        if (peek() != '\n') throw FormatError(line_, "text after closing quote");
        c = '\n';
      }
      if (c == '\n') {
        get();
        ++line_;
        return true;
      }
      throw FormatError(line_, "text after closing quote");
    }
    if (c < 0) {
      row.push_back(std::move(field));
      return true;
    }
    if (c == delim_) {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      ++line_;
      return true;
    } else if (c == '\r' && peek() == '\n') {
      get();
      row.push_back(std::move(field));
      ++line_;
      return true;
    } else {
      field += static_cast<char>(c);
    }
  }
}

std::vector<Row> parse(std::string_view text) {
  std::istringstream in{std::string(text)};
  Reader r(in);
  std::vector<Row> rows;
  Row row;
  while (r.next(row)) rows.push_back(row);
  return rows;
}

}  // namespace clmis::csv
