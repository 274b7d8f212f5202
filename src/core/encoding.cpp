#include "core/encoding.hpp"

#include "core/text.hpp"

#include <cstdint>

namespace clmis::detail {

namespace {

/// windows-1252's 0x80–0x9F (0: undefined); the other bytes are U+0000–U+00FF as in latin-1.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80–87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88–8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90–97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98–9F
};

const char* name_of(Encoding e) {
  switch (e) {
    case Encoding::utf8: return "utf-8";
    case Encoding::windows_1252: return "windows-1252";
    case Encoding::latin_1: return "latin-1";
  }
  return "";
}

}  // namespace

std::optional<Encoding> encoding_from_name(std::string_view name) {
  const std::string n = ascii_lower(name);
  if (n == "utf-8" || n == "utf8") return Encoding::utf8;
  if (n == "windows-1252" || n == "cp1252") return Encoding::windows_1252;
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1") return Encoding::latin_1;
  return std::nullopt;
}

const std::vector<std::string>& encoding_names() {
  static const std::vector<std::string> names{"utf-8", "windows-1252", "latin-1"};
  return names;
}

const std::vector<std::string>& encoding_aliases() {
  static const std::vector<std::string> names{"utf-8", "windows-1252", "latin-1", "utf8", "cp1252", "iso-8859-1", "latin1"};
  return names;
}

bool undefined_byte(Encoding e, unsigned char c) {
  return e == Encoding::windows_1252 && c >= 0x80 && c <= 0x9F && kCp1252High[c - 0x80] == 0;
}

TranscodingBuf::int_type TranscodingBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  const std::streamsize n = source_->sgetn(in_.data(), static_cast<std::streamsize>(in_.size()));
  if (n <= 0) return traits_type::eof();
  if (first_) {
    first_ = false;
    bom_ = n >= 3 && static_cast<unsigned char>(in_[0]) == 0xEF && static_cast<unsigned char>(in_[1]) == 0xBB &&
           static_cast<unsigned char>(in_[2]) == 0xBF;
  }
  std::size_t k = 0;
  for (std::streamsize i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(in_[i]);
    std::uint32_t cp = c;
    if (c >= 0x80 && encoding_ != Encoding::utf8) {
      if (encoding_ == Encoding::windows_1252 && c <= 0x9F) cp = kCp1252High[c - 0x80];
      if (cp == 0) {  // undefined: passed on as the byte, which no UTF-8 reader accepts alone
        out_[k++] = static_cast<char>(c);
        continue;
      }
    }
    if (cp < 0x80 || encoding_ == Encoding::utf8) {
      out_[k++] = static_cast<char>(c);
    } else if (cp < 0x800) {
      out_[k++] = static_cast<char>(0xC0 | (cp >> 6));
      out_[k++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out_[k++] = static_cast<char>(0xE0 | (cp >> 12));
      out_[k++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out_[k++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  setg(out_.data(), out_.data(), out_.data() + k);
  return traits_type::to_int_type(*gptr());
}

bool TranscodingBuf::begins_with_utf8_bom() {
  if (first_) sgetc();  // reads the first buffer (or finds the source empty)
  return bom_;
}

std::string not_utf8_message(Encoding e, std::string_view text, std::string_view what) {
  if (e == Encoding::utf8)
    return std::string(what) +
           " is not valid UTF-8 (save the file as UTF-8, or name its encoding: --encoding windows-1252, "
           "the import option encoding)";
  static const char* hex = "0123456789ABCDEF";
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      const auto c = static_cast<unsigned char>(text[i]);
      return std::string("byte 0x") + hex[c >> 4] + hex[c & 0xF] + " is not a character in " + name_of(e);
    }
    i += n;
  }
  return std::string(what) + " is not valid " + name_of(e);
}

}  // namespace clmis::detail
