// RFC 4180 CSV reading: UTF-8 with or without BOM, CRLF or LF, quoted fields with commas,
// doubled quotes and newlines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clmis::csv {

using Row = std::vector<std::string>;

/// Parses a whole CSV text. Throws std::runtime_error("line N: reason") on an unterminated quote
/// or text after a closing quote.
std::vector<Row> parse(std::string_view text);

}  // namespace clmis::csv
