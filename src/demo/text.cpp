// Small text helpers of the demo generator: see text.hpp.
#include "demo/text.hpp"

#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>

namespace clmis::demo::detail {

// --- text helpers -------------------------------------------------------------------------

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string slug(const std::string& s, std::size_t max) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max) break;
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += static_cast<char>(c);
  }
  return out.empty() ? "x" : out;
}

std::string money_text(std::int64_t cents) {
  std::ostringstream o;
  o << cents / 100 << '.' << std::setw(2) << std::setfill('0') << cents % 100;
  return o.str();
}

}  // namespace clmis::demo::detail
