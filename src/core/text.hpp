// Small text helpers the layers share (ASCII case, joining names for messages, UTF-8 repair and
// quoting a caller's text in a message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::detail {

/// The text with ASCII letters in lower case (other bytes, UTF-8 included, unchanged).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// The text with ASCII letters in upper case.
inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// "a, b, c" (for messages that name several fields or states).
inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

/// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when the bytes there
/// are not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut off).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1Fu; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0Fu; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07u; }
  else return 0;
  if (i + n >= s.size()) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n + 1;
}

/// The text with every byte sequence that is not UTF-8 replaced by U+FFFD (valid text unchanged).
std::string utf8_repaired(std::string_view s);

/// The longest prefix of at most max_bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;

/// Text given by a caller, fit to quote in a message: in double quotes, made valid UTF-8,
/// control characters escaped, cut after max_chars characters with "…" and the full length.
/// "no record type \"" + name + "\"" echoes bytes; "no record type " + quoted(name) does not.
std::string quoted(std::string_view s, std::size_t max_chars = 60);

/// Edits between two names, ASCII case ignored: insertions, deletions, substitutions and swaps of
/// two neighbouring characters, each 1 (optimal string alignment distance), counted in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to what was typed, for a "did you mean" — only when it is close: at most
/// one edit for names of up to 4 characters, two up to 8, three beyond; the first of the closest
/// in the candidates' order; nullopt when none is close or the typed name is one of them.
std::optional<std::string> closest(std::string_view typed, const std::vector<std::string>& candidates);
/// " (did you mean X?)" from closest(), or "".
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace clmis::detail
