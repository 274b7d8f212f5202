#include "core/csv.hpp"

#include <algorithm>
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
  // The row's strings are reused from record to record (their capacity kept, so a file of rows
  // of one width allocates nothing once read in): n fields so far, each read into field_.
  size_t n = 0;
  auto emit = [&] {
    if (n < row.size()) row[n].swap(field_);
    else row.push_back(std::move(field_));
    ++n;
    field_.clear();
  };
  auto done = [&] {
    row.resize(n);
    return true;
  };
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
  if (peek() < 0) {
    row.clear();
    return false;
  }
  record_line_ = line_;
  const std::uint64_t record_start = consumed_;
  // The limits of one record (those of a JSON document): a record that passes them — an
  // unterminated quote in a large file, say — stops the file here, before it fills the memory.
  auto bounded = [&] {
    if (consumed_ - record_start > kMaxRecordBytes)
      throw FormatError(record_line_, "a record of more than " + std::to_string(kMaxRecordBytes) +
                                          " bytes (an unterminated quote?)");
    if (n >= kMaxFields)  // the field being read would be one more
      throw FormatError(record_line_, "a record of more than " + std::to_string(kMaxFields) + " fields");
  };
  field_.clear();
  for (;;) {
    bounded();
    int c = get();
    if (c == '"' && field_.empty()) {
      const std::uint64_t start = line_;
      for (;;) {
        c = get();
        if (c < 0) throw FormatError(start, "unterminated quote");
        if (c == '"') {
          if (peek() == '"') {
            get();
            field_ += '"';
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field_ += static_cast<char>(c);
        if ((field_.size() & 0xFFFF) == 0) bounded();
      }
      // After the closing quote: a delimiter, the end of the line, or the end of the input.
      emit();
      c = peek();
      if (c < 0) return done();
      if (c == delim_) {
        get();
        if (peek() < 0) {  // "a,"<EOF>: a last, empty field
          emit();
          return done();
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
        return done();
      }
      throw FormatError(line_, "text after closing quote");
    }
    if (c < 0) {
      emit();
      return done();
    }
    if (c == delim_) {
      emit();
    } else if (c == '\n') {
      emit();
      ++line_;
      return done();
    } else if (c == '\r' && peek() == '\n') {
      get();
      emit();
      ++line_;
      return done();
    } else {
      field_ += static_cast<char>(c);
      // The rest of the unquoted field that is in the buffer, taken at once: up to a delimiter,
      // a line end, a NUL byte (which get() refuses) — and no further than get() one byte at a
      // time would read before bounded() stops the record.
      const std::uint64_t room = record_start + kMaxRecordBytes + 1 - consumed_;
      const size_t stop = pos_ + static_cast<size_t>(std::min<std::uint64_t>(room, len_ - pos_));
      size_t end = pos_;
      while (end < stop) {
        const char b = buf_[end];
        if (b == delim_ || b == '\n' || b == '\r' || b == '\0') break;
        ++end;
      }
      field_.append(buf_.data() + pos_, end - pos_);
      consumed_ += end - pos_;
      pos_ = end;
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
