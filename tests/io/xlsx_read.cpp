#include "io/xlsx_read.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace test::xlsx {

namespace {

std::uint32_t u16(const std::string& s, std::size_t at) {
  return static_cast<unsigned char>(s.at(at)) | (static_cast<unsigned char>(s.at(at + 1)) << 8);
}
std::uint32_t u32(const std::string& s, std::size_t at) { return u16(s, at) | (u16(s, at + 2) << 16); }

std::string inflate_raw(const std::string& in, std::size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  if (rc != Z_STREAM_END || z.total_out != size) throw std::runtime_error("inflate failed");
  return out;
}

/// The value of attribute name in the tag text (between < and >), or "".
std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto at = tag.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  return tag.substr(start, tag.find('"', start) - start);
}

/// Every tag "<name ...>" or "<name .../>" in xml, as its text.
std::vector<std::string> tags(const std::string& xml, const std::string& name) {
  std::vector<std::string> out;
  const std::string open = "<" + name;
  for (auto at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    const char next = xml.at(at + open.size());
    if (next != ' ' && next != '>' && next != '/') continue;
    out.push_back(xml.substr(at, xml.find('>', at) - at + 1));
  }
  return out;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

/// XML entities, then Excel's _xHHHH_ escapes (ASCII code points: all the tests write).
std::string unescape(const std::string& s) {
  std::string x;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      const auto end = s.find(';', i);
      const std::string e = s.substr(i + 1, end - i - 1);
      if (e == "amp") x += '&';
      else if (e == "lt") x += '<';
      else if (e == "gt") x += '>';
      else if (e == "quot") x += '"';
      else if (e == "apos") x += '\'';
      else throw std::runtime_error("entity &" + e + ";");
      i = end;
    } else {
      x += s[i];
    }
  }
  std::string out;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == '_' && i + 6 < x.size() && x[i + 1] == 'x' && is_hex(x[i + 2]) && is_hex(x[i + 3]) &&
        is_hex(x[i + 4]) && is_hex(x[i + 5]) && x[i + 6] == '_') {
      out += static_cast<char>(std::stoi(x.substr(i + 2, 4), nullptr, 16));
      i += 6;
    } else {
      out += x[i];
    }
  }
  return out;
}

int row_of(const std::string& ref) {
  std::size_t i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') ++i;
  return std::stoi(ref.substr(i));
}

}  // namespace

std::map<std::string, std::string> unzip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string z = buf.str();
  // The end of central directory record: the last "PK\5\6".
  const auto eocd = z.rfind(std::string("PK\x05\x06", 4));
  REQUIRE(eocd != std::string::npos);
  const std::uint32_t count = u16(z, eocd + 10);
  std::size_t at = u32(z, eocd + 16);
  std::map<std::string, std::string> files;
  for (std::uint32_t k = 0; k < count; ++k) {
    REQUIRE(u32(z, at) == 0x02014b50);
    const std::uint32_t method = u16(z, at + 10), csize = u32(z, at + 20), usize = u32(z, at + 24);
    const std::uint32_t nlen = u16(z, at + 28), elen = u16(z, at + 30), clen = u16(z, at + 32);
    const std::uint32_t local = u32(z, at + 42);
    const std::string name = z.substr(at + 46, nlen);
    REQUIRE(u32(z, local) == 0x04034b50);
    const std::size_t data = local + 30 + u16(z, local + 26) + u16(z, local + 28);
    const std::string raw = z.substr(data, csize);
    REQUIRE((method == 0 || method == 8));
    files[name] = method == 0 ? raw : inflate_raw(raw, usize);
    at += 46 + nlen + elen + clen;
  }
  return files;
}

Book read(const std::string& path) {
  Book b;
  b.files = unzip(path);
  // Number formats: built-in 0 is General; custom ones are declared; cellXfs in order.
  // The built-in formats a writer may use by number (ECMA-376 part 1, 18.8.30).
  std::map<std::string, std::string> codes{{"0", "General"}, {"1", "0"}, {"2", "0.00"}, {"3", "#,##0"}, {"4", "#,##0.00"}};
  const std::string& styles = b.files.at("xl/styles.xml");
  for (const auto& t : tags(styles, "numFmt")) codes[attribute(t, "numFmtId")] = unescape(attribute(t, "formatCode"));
  std::vector<std::string> xf_formats;
  const auto xfs_at = styles.find("<cellXfs");
  const std::string xfs = styles.substr(xfs_at, styles.find("</cellXfs>", xfs_at) - xfs_at);
  for (const auto& t : tags(xfs, "xf")) {
    const std::string id = attribute(t, "numFmtId");
    xf_formats.push_back(codes.count(id) ? codes[id] : "builtin " + id);
  }
  std::map<std::string, std::string> targets;
  for (const auto& t : tags(b.files.at("xl/_rels/workbook.xml.rels"), "Relationship"))
    targets[attribute(t, "Id")] = attribute(t, "Target");
  for (const auto& t : tags(b.files.at("xl/workbook.xml"), "sheet")) {
    Sheet s;
    s.name = unescape(attribute(t, "name"));
    s.xml = b.files.at("xl/" + targets.at(attribute(t, "r:id")));
    const std::string& x = s.xml;
    for (auto at = x.find("<c "); at != std::string::npos; at = x.find("<c ", at + 1)) {
      const auto tag_end = x.find('>', at);
      const std::string tag = x.substr(at, tag_end - at + 1);
      Cell c;
      c.type = attribute(tag, "t");
      const std::string style = attribute(tag, "s");
      c.format = style.empty() ? "General" : xf_formats.at(std::stoul(style));
      if (tag[tag.size() - 2] != '/') {
        const std::string body = x.substr(tag_end + 1, x.find("</c>", tag_end) - tag_end - 1);
        const auto v = body.find("<v>");
        if (v != std::string::npos) {
          c.value = body.substr(v + 3, body.find("</v>") - v - 3);
        } else {
          const auto t_at = body.find("<t");
          if (t_at != std::string::npos) {
            const auto start = body.find('>', t_at) + 1;
            c.value = unescape(body.substr(start, body.find("</t>") - start));
          }
        }
      }
      s.cells[attribute(tag, "r")] = c;
    }
    b.sheets.push_back(std::move(s));
  }
  return b;
}

Cell Sheet::at(const std::string& ref) const {
  const auto it = cells.find(ref);
  return it == cells.end() ? Cell{} : it->second;
}

std::string Sheet::column(const std::string& header) const {
  for (const auto& [ref, c] : cells)
    if (row_of(ref) == 1 && c.value == header) return ref.substr(0, ref.size() - 1);
  FAIL("no column " << header << " in sheet " << name);
  return {};
}

Cell Sheet::at(const std::string& header, int row) const { return at(column(header) + std::to_string(row)); }

std::vector<std::string> Sheet::headers() const {
  // Columns A..Z, AA..: in order of their letters' length, then alphabetically.
  std::vector<std::pair<std::string, std::string>> row1;
  for (const auto& [ref, c] : cells)
    if (row_of(ref) == 1) row1.emplace_back(ref, c.value);
  std::sort(row1.begin(), row1.end(), [](const auto& a, const auto& b) {
    return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
  });
  std::vector<std::string> out;
  for (auto& [ref, v] : row1) out.push_back(v);
  return out;
}

int Sheet::last_row() const {
  int last = 0;
  for (const auto& [ref, c] : cells) last = std::max(last, row_of(ref));
  return last;
}

const Sheet& Book::sheet(const std::string& name) const {
  for (const auto& s : sheets)
    if (s.name == name) return s;
  FAIL("no sheet " << name);
  return sheets.front();
}

std::vector<std::string> Book::sheet_names() const {
  std::vector<std::string> out;
  for (const auto& s : sheets) out.push_back(s.name);
  return out;
}

}  // namespace test::xlsx
