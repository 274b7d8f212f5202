// Reading text in a single-byte encoding as UTF-8: the import's ImportOptions::encoding
// ("windows-1252", "latin-1"). A TranscodingBuf sits between a byte stream and the readers
// (CSV, JSON Lines) and hands them UTF-8, a buffer at a time (constant memory).
#pragma once

#include <cstddef>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace clmis::detail {

enum class Encoding { utf8, windows_1252, latin_1 };

/// The encoding a name stands for, ASCII case ignored: "utf-8" (alias "utf8"), "windows-1252"
/// (alias "cp1252"), "latin-1" (aliases "iso-8859-1", "latin1"); nullopt for another name.
std::optional<Encoding> encoding_from_name(std::string_view name);
/// The canonical names, for messages and a did-you-mean: utf-8, windows-1252, latin-1.
const std::vector<std::string>& encoding_names();
/// The names encoding_from_name() takes, aliases included.
const std::vector<std::string>& encoding_aliases();

/// A streambuf that reads bytes in `encoding` from `source` and gives them as UTF-8. A byte
/// that has no character in the encoding (windows-1252's 0x81, 0x8D, 0x8F, 0x90 and 0x9D) is
/// passed on as it is — never valid UTF-8 on its own — so that the reader refuses the row it is
/// in; undefined_byte() names it. Encoding::utf8 passes every byte on unchanged.
class TranscodingBuf : public std::streambuf {
 public:
  TranscodingBuf(std::streambuf* source, Encoding encoding)
      : source_(source), encoding_(encoding), in_(kChunk), out_(3 * kChunk) {}

  /// Whether the source begins with a UTF-8 byte order mark (EF BB BF): a file that says it is
  /// UTF-8, which read in this encoding would begin with "ï»¿". Reads the first buffer if it
  /// has not been read yet.
  bool begins_with_utf8_bom();

 protected:
  int_type underflow() override;

 private:
  std::streambuf* source_;
  Encoding encoding_;
  static constexpr std::size_t kChunk = 1 << 15;  // bytes read at a time; each gives 1 to 3
  std::vector<char> in_;
  std::vector<char> out_;
  bool first_ = true;  // the first buffer is still to be read
  bool bom_ = false;   // the first bytes of the source were EF BB BF
};

/// Whether byte c has no character in the encoding (windows-1252's five undefined bytes).
bool undefined_byte(Encoding e, unsigned char c);

/// The message for text that is not valid UTF-8 after reading it in encoding `e`: a byte the
/// encoding does not define ("byte 0x81 is not a character in windows-1252"), or, for UTF-8,
/// "<what> is not valid UTF-8" with the advice to name the file's encoding. `text` is the cell
/// or line as read; `what` names it ("the text", "the line").
std::string not_utf8_message(Encoding e, std::string_view text, std::string_view what);

}  // namespace clmis::detail
