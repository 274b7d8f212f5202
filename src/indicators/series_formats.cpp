#include "indicators/series_formats.hpp"

#include "clmis/error.hpp"
#include "clmis/value.hpp"
#include "core/text.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

namespace clmis::indicators {

namespace {

using detail::ascii_lower;
using detail::ascii_upper;

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::int64_t day_number(int y, unsigned m, unsigned d) {
  return date::sys_days(date::year(y) / date::month(m) / date::day(d)).time_since_epoch().count();
}

std::int64_t last_day_of(int y, unsigned m) {
  return date::sys_days(date::year(y) / date::month(m) / date::last).time_since_epoch().count();
}

// --- CSV with line and column -------------------------------------------------------------

/// A record of the file: the physical line it starts on and its fields.
struct Line {
  std::uint64_t line = 0;
  std::vector<std::string> cells;
};

struct Problems {
  std::vector<FieldError> list;
  std::size_t count = 0;
  void add(std::uint64_t line, std::size_t column, const std::string& name, const std::string& value,
           const std::string& rule, const std::string& message) {
    ++count;
    if (list.size() >= kMaxProblems) return;
    std::string path = "line " + std::to_string(line);
    if (column > 0) path += ", column " + std::to_string(column);
    if (!name.empty()) path += " (" + name + ")";
    Json v = value.empty() ? Json(nullptr) : Json(valid_utf8(value) ? value : std::string("(not UTF-8)"));
    list.push_back({"series", path, std::move(v), rule, message});
  }
  [[noreturn]] void raise() {
    std::string message = list.front().path + ": " + list.front().message;
    if (count > 1) message += " (and " + std::to_string(count - 1) + " more problem" + (count > 2 ? "s" : "") + ")";
    if (count > list.size()) message += "; the first " + std::to_string(list.size()) + " are listed";
    throw ValidationError(message, std::move(list));
  }
};

/// RFC 4180, the whole text at once, keeping where each record starts. A malformed record
/// (an unterminated quote, text after a closing quote, a NUL byte) stops the reading: the
/// problem is reported at its line and column.
std::vector<Line> read_csv(std::string_view text, Problems& problems) {
  std::vector<Line> out;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  if (text.size() >= 2 && ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF))) {
    problems.add(1, 0, "", "", "csv", "the file is UTF-16; save it as CSV UTF-8");
    return out;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t i = 0;
  std::uint64_t line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    Line rec;
    rec.line = line;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      const std::size_t column = rec.cells.size() + 1;
      field.clear();
      if (i < n && text[i] == '"') {
        const std::uint64_t start = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i++];
          if (c == '\0') {
            problems.add(line, column, "", "", "csv", "a NUL byte (is the file UTF-16 or binary?)");
            return {};
          }
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (!closed) {
          problems.add(start, column, "", "", "csv", "a quote that is never closed");
          return {};
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') &&
            !(text[i] == '\r' && i + 1 == n)) {
          problems.add(line, column, "", "", "csv", "text after a closing quote");
          return {};
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '\0') {
            problems.add(line, column, "", "", "csv", "a NUL byte (is the file UTF-16 or binary?)");
            return {};
          }
          if (text[i] == '"') {
            problems.add(line, column, "", "", "csv", "a quote inside an unquoted field (quote the whole field)");
            return {};
          }
          field += text[i++];
        }
        if (i < n && text[i] == '\r' && !(i + 1 == n || text[i + 1] == '\n')) {
          problems.add(line, column, "", "", "csv", "a carriage return inside an unquoted field");
          return {};
        }
      }
      rec.cells.push_back(field);
      if (i >= n) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
        if (i == n) rec.cells.emplace_back();  // "a,"<EOF>: a last, empty field
        if (i == n) end_of_record = true;
      } else {  // '\r\n', '\r' at the end, or '\n'
        if (text[i] == '\r') ++i;
        if (i < n && text[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    out.push_back(std::move(rec));
  }
  return out;
}

bool blank(const Line& l) { return l.cells.size() == 1 && l.cells[0].empty(); }

// --- Columns ------------------------------------------------------------------------------

/// The columns a format knows, by name, and where the header put them.
class Columns {
 public:
  Columns(const Line& header, std::vector<std::string> known, std::vector<std::string> required, bool upper,
          bool labels_allowed, Problems& problems) {
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
      std::string name = header.cells[c];
      // SDMX-CSV may write "SEX: Sex" (code and label): the code names the column.
      if (upper) {
        if (auto colon = name.find(':'); colon != std::string::npos) name.resize(colon);
      }
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
      while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.erase(0, 1);
      name = upper ? ascii_upper(name) : ascii_lower(name);
      if (labels_allowed && name.size() > 6 && name.compare(name.size() - 6, 6, ".label") == 0) continue;
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        problems.add(header.line, c + 1, "", header.cells[c], "header",
                     "\"" + header.cells[c] + "\" is not a column of this format (" + detail::join(known) + ")");
        continue;
      }
      if (at_.count(name)) {
        problems.add(header.line, c + 1, name, header.cells[c], "header", "the column " + name + " is given twice");
        continue;
      }
      at_[name] = c;
    }
    for (const auto& r : required)
      if (!at_.count(r)) problems.add(header.line, 0, "", "", "header", "the header has no column " + r);
    width_ = header.cells.size();
  }
  [[nodiscard]] bool has(const std::string& name) const { return at_.count(name) > 0; }
  /// The cell of a named column in a row ("" when the column is absent).
  [[nodiscard]] const std::string& cell(const Line& row, const std::string& name) const {
    static const std::string none;
    auto it = at_.find(name);
    return it == at_.end() || it->second >= row.cells.size() ? none : row.cells[it->second];
  }
  [[nodiscard]] std::size_t column(const std::string& name) const {
    auto it = at_.find(name);
    return it == at_.end() ? 0 : it->second + 1;
  }
  [[nodiscard]] std::size_t width() const { return width_; }

 private:
  std::map<std::string, std::size_t> at_;
  std::size_t width_ = 0;
};

/// Where a problem of a row is: its line, the column's position and name.
struct At {
  const Line& row;
  const Columns& cols;
  Problems& problems;
  void operator()(const std::string& name, const std::string& rule, const std::string& message) const {
    problems.add(row.line, cols.column(name), name, cols.cell(row, name), rule, message);
  }
};

// --- Codes --------------------------------------------------------------------------------

bool age_code(const std::string& c) {
  if (c == "_T" || c == "_N" || c == "_Z") return true;
  if (c.rfind("Y_LT", 0) == 0 || c.rfind("Y_GE", 0) == 0) return digits(c.substr(4)) && c.size() <= 7;
  if (c.size() >= 4 && c[0] == 'Y') {
    const auto t = c.find('T', 1);
    if (t == std::string::npos) return false;
    const std::string a = c.substr(1, t - 1), b = c.substr(t + 1);
    return digits(a) && digits(b) && a.size() <= 3 && b.size() <= 3 && number(a) <= number(b);
  }
  return false;
}

bool eco_code(const std::string& c) {
  return c == "_T" || c == "_N" || c == "_Z" || (c.size() == 1 && c[0] >= 'A' && c[0] <= 'U');
}
bool ocu_code(const std::string& c) {
  return c == "_T" || c == "_N" || c == "_Z" || (c.size() == 1 && c[0] >= '0' && c[0] <= '9');
}
bool edu_code(const std::string& c) {
  return c == "_T" || c == "_N" || c == "_Z" ||
         (c.size() == 9 && c.rfind("ISCED11_", 0) == 0 && ((c[8] >= '0' && c[8] <= '8') || c[8] == 'X'));
}
bool sex_code(const std::string& c) { return c == "_T" || c == "M" || c == "F" || c == "_N" || c == "_Z"; }
/// ISO 3166-2: two letters, a hyphen, one to three letters or digits (KN-03).
bool geo_code(const std::string& c) {
  if (c == "_T" || c == "_N" || c == "_Z") return true;
  if (c.size() < 4 || c.size() > 6 || c[2] != '-') return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == 2) continue;
    const char ch = c[i];
    const bool letter = ch >= 'A' && ch <= 'Z', digit = ch >= '0' && ch <= '9';
    if (i < 2 ? !letter : !(letter || digit)) return false;
  }
  return true;
}

/// An ILOSTAT age band's SDMX code: TOTAL → _T, YGE15 → Y_GE15, YLT15 → Y_LT15, Y15-24 → Y15T24.
std::optional<std::string> ilostat_age(const std::string& band) {
  if (band == "TOTAL") return "_T";
  if (band.rfind("YGE", 0) == 0 && digits(band.substr(3))) return "Y_GE" + band.substr(3);
  if (band.rfind("YLT", 0) == 0 && digits(band.substr(3))) return "Y_LT" + band.substr(3);
  if (band.size() >= 4 && band[0] == 'Y') {
    const auto dash = band.find('-');
    if (dash != std::string::npos) {
      const std::string code = "Y" + band.substr(1, dash - 1) + "T" + band.substr(dash + 1);
      if (age_code(code)) return code;
    }
  }
  return std::nullopt;
}

/// An ILOSTAT classification code (classif1, classif2) as a dimension of CLMIS:LMI(1.0) and its
/// code; the message says why not when it has none.
struct Mapped {
  std::string dimension, code, problem;
};
Mapped ilostat_classif(const std::string& c) {
  const auto u1 = c.find('_');
  const auto u2 = u1 == std::string::npos ? std::string::npos : c.find('_', u1 + 1);
  if (u2 == std::string::npos) return {"", "", "\"" + c + "\" is not an ILOSTAT classification code"};
  const std::string topic = c.substr(0, u1), scheme = c.substr(u1 + 1, u2 - u1 - 1), item = c.substr(u2 + 1);
  if (topic == "AGE") {
    if (scheme != "YTHADULT" && scheme != "AGGREGATE" && scheme != "10YRBANDS" && scheme != "5YRBANDS")
      return {"", "", "the age classification " + topic + "_" + scheme + " is not one clmis maps"};
    if (auto code = ilostat_age(item)) return {"AGE", *code, ""};
    return {"", "", "the age band \"" + item + "\" of " + c + " is not one clmis maps"};
  }
  if (topic == "ECO") {
    if (scheme != "ISIC4") return {"", "", "only ISIC Rev.4 (ECO_ISIC4_*) maps to ECO, not " + topic + "_" + scheme};
    if (item == "TOTAL") return {"ECO", "_T", ""};
    if (item == "X") return {"ECO", "_N", ""};  // ILOSTAT: not elsewhere classified
    if (item.size() == 1 && item[0] >= 'A' && item[0] <= 'U') return {"ECO", item, ""};
    return {"", "", "\"" + c + "\" is not an ISIC Rev.4 section"};
  }
  if (topic == "OCU") {
    if (scheme != "ISCO08") return {"", "", "only ISCO-08 (OCU_ISCO08_*) maps to OCU, not " + topic + "_" + scheme};
    if (item == "TOTAL") return {"OCU", "_T", ""};
    if (item == "X") return {"OCU", "_N", ""};
    if (item.size() == 1 && item[0] >= '0' && item[0] <= '9') return {"OCU", item, ""};
    return {"", "", "\"" + c + "\" is not an ISCO-08 major group"};
  }
  if (topic == "EDU") {
    if (scheme != "ISCED11")
      return {"", "", "only ISCED 2011 levels (EDU_ISCED11_*) map to EDU, not " + topic + "_" + scheme};
    if (item == "TOTAL") return {"EDU", "_T", ""};
    if (item == "9") return {"EDU", "_N", ""};  // ILOSTAT: not elsewhere classified
    if (item == "X") return {"EDU", "ISCED11_X", ""};  // ILOSTAT: no schooling
    if (item.size() == 1 && item[0] >= '0' && item[0] <= '8') return {"EDU", "ISCED11_" + item, ""};
    return {"", "", "\"" + c + "\" is not an ISCED 2011 level"};
  }
  return {"", "",
          "the classification " + topic + "_" + scheme +
              " has no dimension in CLMIS:LMI(1.0) (SEX, AGE, ECO, OCU, EDU, GEO)"};
}

std::string* dimension(SeriesKey& k, const std::string& name) {
  if (name == "SEX") return &k.sex;
  if (name == "AGE") return &k.age;
  if (name == "ECO") return &k.eco;
  if (name == "OCU") return &k.ocu;
  if (name == "EDU") return &k.edu;
  if (name == "GEO") return &k.geo;
  return nullptr;
}

bool indicator_code(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return std::isalnum(static_cast<unsigned char>(s[0])) != 0;
}

bool unit_code(const std::string& s) {
  if (s.size() > 20) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// A small whole number in [lo, hi] written in digits.
std::optional<int> small_int(const std::string& s, int lo, int hi) {
  std::string_view v = s;
  bool neg = false;
  if (!v.empty() && v[0] == '-') {
    neg = true;
    v.remove_prefix(1);
  }
  if (!digits(v) || v.size() > 3) return std::nullopt;
  const int n = neg ? -number(v) : number(v);
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

/// Text of at most max characters of UTF-8.
bool text_ok(const std::string& s, std::size_t max) { return valid_utf8(s) && utf8_length(s) <= max; }

}  // namespace

std::optional<SeriesFormat> series_format(std::string_view name) noexcept {
  if (name == "ilostat") return SeriesFormat::ilostat;
  if (name == "sdmx-csv") return SeriesFormat::sdmx_csv;
  if (name == "csv") return SeriesFormat::csv;
  return std::nullopt;
}

std::string_view to_string(SeriesFormat f) noexcept {
  switch (f) {
    case SeriesFormat::ilostat: return "ilostat";
    case SeriesFormat::sdmx_csv: return "sdmx-csv";
    case SeriesFormat::csv: break;
  }
  return "csv";
}

std::optional<SeriesPeriod> parse_period(std::string_view s) {
  if (s.size() < 4 || !digits(s.substr(0, 4)) || s[0] == '0') return std::nullopt;
  const int y = number(s.substr(0, 4));
  const std::string year(s.substr(0, 4));
  std::string_view rest = s.substr(4);
  if (rest.empty()) return SeriesPeriod{year, 'A', day_number(y, 1, 1), day_number(y, 12, 31)};
  const bool ilo = rest[0] == 'Q' || rest[0] == 'M';
  if (!ilo) {
    if (rest[0] != '-') return std::nullopt;
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest[0] == 'Q' && rest.size() == 2 && rest[1] >= '1' && rest[1] <= '4') {
    const unsigned q = static_cast<unsigned>(rest[1] - '0');
    return SeriesPeriod{year + "-Q" + std::string(1, rest[1]), 'Q', day_number(y, 3 * q - 2, 1), last_day_of(y, 3 * q)};
  }
  if (ilo) {
    if (rest[0] != 'M' || rest.size() != 3 || !digits(rest.substr(1))) return std::nullopt;
    rest.remove_prefix(1);
  }
  if (rest.size() == 2 && digits(rest)) {
    const int m = number(rest);
    if (m < 1 || m > 12) return std::nullopt;
    return SeriesPeriod{year + "-" + std::string(rest), 'M', day_number(y, static_cast<unsigned>(m), 1),
                  last_day_of(y, static_cast<unsigned>(m))};
  }
  if (!ilo && rest.size() == 5 && rest[2] == '-' && digits(rest.substr(0, 2)) && digits(rest.substr(3))) {
    const auto ymd = date::year(y) / date::month(static_cast<unsigned>(number(rest.substr(0, 2)))) /
                     date::day(static_cast<unsigned>(number(rest.substr(3))));
    if (!ymd.ok()) return std::nullopt;
    const auto day = date::sys_days(ymd).time_since_epoch().count();
    return SeriesPeriod{std::string(s), 'D', day, day};
  }
  return std::nullopt;
}

std::optional<std::string> canonical_decimal(std::string_view s) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot), frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (!digits(whole) || (dot != std::string_view::npos && !digits(frac))) return std::nullopt;
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  if (frac.size() > 18) return std::nullopt;
  std::string all = std::string(whole) + std::string(frac);
  const auto first = all.find_first_not_of('0');
  if (first != std::string::npos && all.size() - first > 18) return std::nullopt;
  std::string out;
  if (neg && first != std::string::npos) out += '-';
  out += whole;
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  return out;
}

bool same_number(std::string_view a, std::string_view b) {
  auto trim = [](std::string_view v) {
    if (v.find('.') == std::string_view::npos) return v;
    while (!v.empty() && v.back() == '0') v.remove_suffix(1);
    if (!v.empty() && v.back() == '.') v.remove_suffix(1);
    return v;
  };
  return trim(a) == trim(b);
}

std::optional<IlostatUnit> ilostat_unit(std::string_view indicator) {
  const auto last = indicator.rfind('_');
  const auto first = indicator.find('_');
  if (last == std::string_view::npos || first == last) return std::nullopt;
  const std::string topic(indicator.substr(0, first)), unit(indicator.substr(last + 1));
  static const std::set<std::string> survey = {"POP", "EAP", "EMP", "UNE", "EIP", "TRU", "LUU", "EES"};
  const bool of_survey = survey.count(topic) > 0;
  if (unit == "NB" && of_survey) return IlostatUnit{3, "PS"};
  if (unit == "RT" || unit == "DT") return IlostatUnit{0, of_survey ? "PT" : ""};
  return std::nullopt;
}

std::vector<ParsedObservation> parse_series(std::string_view bytes, SeriesFormat format, const ParseOptions& o) {
  Problems problems;
  if (bytes.size() > kMaxSeriesBytes) {
    problems.add(1, 0, "", "", "length",
                 "a file of " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(kMaxSeriesBytes));
    problems.raise();
  }
  std::vector<Line> lines = read_csv(bytes, problems);
  if (problems.count) problems.raise();
  lines.erase(std::remove_if(lines.begin(), lines.end(), blank), lines.end());
  if (lines.empty()) {
    problems.add(1, 0, "", "", "required", "the file is empty; a header line is needed");
    problems.raise();
  }
  const Line& header = lines.front();
  const bool sdmx = format == SeriesFormat::sdmx_csv;
  std::vector<std::string> known, required;
  switch (format) {
    case SeriesFormat::ilostat:
      known = {"ref_area", "source", "indicator", "sex", "classif1", "classif2", "time", "obs_value", "obs_status",
               "note_classif", "note_indicator", "note_source"};
      required = {"ref_area", "indicator", "time", "obs_value"};
      break;
    case SeriesFormat::sdmx_csv:
      known = {"STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "FREQ", "INDICATOR", "SEX", "AGE", "ECO", "OCU",
               "EDU", "GEO", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS",
               "SOURCE", "COMMENT"};
      required = {"STRUCTURE", "STRUCTURE_ID", "REF_AREA", "FREQ", "INDICATOR", "SEX", "AGE", "ECO", "OCU", "EDU",
                  "GEO", "TIME_PERIOD", "OBS_VALUE"};
      break;
    case SeriesFormat::csv:
      known = {"indicator", "period", "sex", "age", "eco", "ocu", "edu", "geo", "value", "status", "note",
               "source", "unit_mult", "unit", "sample_size", "cv", "ref_area"};
      required = {"indicator", "period", "value"};
      break;
  }
  const Columns cols(header, known, required, sdmx, format == SeriesFormat::ilostat, problems);
  if (sdmx && header.cells.size() >= 3 &&
      (ascii_upper(header.cells[0]).rfind("STRUCTURE", 0) != 0 ||
       ascii_upper(header.cells[1]).rfind("STRUCTURE_ID", 0) != 0 || ascii_upper(header.cells[2]).rfind("ACTION", 0) != 0))
    problems.add(header.line, 1, "", header.cells[0], "header",
                 "an SDMX-CSV 2.0 file starts with the columns STRUCTURE, STRUCTURE_ID, ACTION");
  if (problems.count) problems.raise();
  if (lines.size() == 1) {
    problems.add(header.line, 0, "", "", "required", "the file has a header and no observation");
    problems.raise();
  }

  // The names of each column in this format.
  const std::string c_ref = sdmx ? "REF_AREA" : "ref_area";
  const std::string c_ind = sdmx ? "INDICATOR" : "indicator";
  const std::string c_value = format == SeriesFormat::ilostat ? "obs_value" : sdmx ? "OBS_VALUE" : "value";
  const std::string c_status = format == SeriesFormat::ilostat ? "obs_status" : sdmx ? "OBS_STATUS" : "status";
  const std::string c_period = format == SeriesFormat::ilostat ? "time" : sdmx ? "TIME_PERIOD" : "period";
  const std::string c_source = sdmx ? "SOURCE" : "source";
  const std::string c_mult = sdmx ? "UNIT_MULT" : "unit_mult";
  const std::string c_unit = sdmx ? "UNIT_MEASURE" : "unit";

  std::vector<ParsedObservation> out;
  out.reserve(lines.size() - 1);
  std::map<std::string, std::uint64_t> seen;  // the key of each observation → its line
  std::map<std::string, std::pair<ParsedObservation, std::uint64_t>> series_units;  // series → its unit
  for (std::size_t li = 1; li < lines.size(); ++li) {
    const Line& row = lines[li];
    const At at{row, cols, problems};
    if (row.cells.size() != cols.width()) {
      problems.add(row.line, 0, "", "", "csv",
                   std::to_string(row.cells.size()) + " fields where the header has " + std::to_string(cols.width()));
      continue;
    }
    const std::size_t before = problems.count;
    bool utf8 = true;
    for (std::size_t c = 0; c < row.cells.size(); ++c)
      if (!valid_utf8(row.cells[c])) {
        problems.add(row.line, c + 1, "", "", "type", "not UTF-8 text (save the file as CSV UTF-8)");
        utf8 = false;
      }
    if (!utf8) continue;
    ParsedObservation ob;
    ob.line = row.line;

    // The country.
    if (format != SeriesFormat::csv || cols.has(c_ref)) {
      const auto& ref = cols.cell(row, c_ref);
      if (ref != o.country)
        at(c_ref, ref.empty() ? "required" : "country",
           ref.empty() ? "the reference area is missing (" + o.country + ")"
                       : "a series of " + ref + "; this database is " + o.country + "'s");
    }
    // SDMX: the structure and the action.
    if (sdmx) {
      const auto structure = ascii_lower(cols.cell(row, "STRUCTURE"));
      if (structure != "dataflow" && structure != "datastructure")
        at("STRUCTURE", "structure", "expected dataflow or datastructure");
      if (cols.cell(row, "STRUCTURE_ID") != kSeriesStructure)
        at("STRUCTURE_ID", "structure", std::string("the structure is ") + kSeriesStructure + ", clmis's pinned one");
      const auto& action = cols.cell(row, "ACTION");
      if (action == "D")
        at("ACTION", "structure", "observations are never deleted: send the observation with status O (missing)");
      else if (!action.empty() && action != "I" && action != "A" && action != "R")
        at("ACTION", "structure", "expected I, A, R or empty");
    }
    // The indicator and its unit.
    ob.indicator = cols.cell(row, c_ind);
    if (!indicator_code(ob.indicator))
      at(c_ind, ob.indicator.empty() ? "required" : "pattern",
         "an indicator code: 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit");
    if (format == SeriesFormat::ilostat) {
      if (indicator_code(ob.indicator)) {
        if (auto u = ilostat_unit(ob.indicator)) {
          ob.unit_mult = u->unit_mult;
          ob.unit = u->unit;
        } else {
          at(c_ind, "unit_mult",
             "clmis does not know the unit multiplier ILOSTAT implies for " + ob.indicator +
                 " (it knows the survey levels POP, EAP, EMP, UNE, EIP, TRU, LUU, EES ..._NB in thousands and the rates "
                 "..._RT, ..._DT); import it as SDMX-CSV with UNIT_MULT");
        }
      }
    } else {
      const auto& mult = cols.cell(row, c_mult);
      if (!mult.empty()) {
        if (auto m = small_int(mult, 0, 15)) ob.unit_mult = *m;
        else at(c_mult, "unit_mult", "a whole number of 0 to 15 (the power of ten of the values: 3 for thousands)");
      }
      ob.unit = cols.cell(row, c_unit);
      if (!unit_code(ob.unit)) at(c_unit, "pattern", "a unit code of at most 20 letters, digits or '_' (PS, PT...)");
      if (sdmx && !cols.cell(row, "DECIMALS").empty() && !small_int(cols.cell(row, "DECIMALS"), 0, 15))
        at("DECIMALS", "type", "a whole number of 0 to 15");
    }
    // The source.
    ob.source = format == SeriesFormat::ilostat || cols.has(c_source) ? cols.cell(row, c_source) : std::string();
    if (ob.source.empty()) ob.source = o.source;
    if (ob.source.empty())
      at(c_source, "required", "the observation names no source, and none was given for the file (--source)");
    else if (!text_ok(ob.source, 200))
      at(c_source, "length", "a source of at most 200 characters");
    // The period.
    const auto& period = cols.cell(row, c_period);
    if (auto p = parse_period(period)) ob.period = *p;
    else
      at(c_period, period.empty() ? "required" : "period",
         period.empty() ? "the period is missing"
                        : "\"" + period + "\" is not a period that exists (2024, 2024-Q1, 2024-01, 2024-01-15" +
                              (format == SeriesFormat::ilostat ? std::string(", or ILOSTAT's 2024Q1, 2024M01)") : ")"));
    if (sdmx && problems.count == before) {
      const auto& freq = cols.cell(row, "FREQ");
      if (freq != std::string(1, ob.period.freq))
        at("FREQ", "structure", "the frequency of " + ob.period.text + " is " + std::string(1, ob.period.freq));
    }
    // The dimensions.
    if (format == SeriesFormat::ilostat) {
      const auto& sex = cols.cell(row, "sex");
      if (sex == "SEX_T") ob.key.sex = "_T";
      else if (sex == "SEX_M") ob.key.sex = "M";
      else if (sex == "SEX_F") ob.key.sex = "F";
      else if (!sex.empty()) at("sex", "code_list", "\"" + sex + "\" has no code in clmis's SEX (SEX_T, SEX_M, SEX_F)");
      std::set<std::string> given;
      for (const char* name : {"classif1", "classif2"}) {
        const auto& c = cols.cell(row, name);
        if (c.empty()) continue;
        const auto m = ilostat_classif(c);
        if (!m.problem.empty()) {
          at(name, "code_list", m.problem);
          continue;
        }
        if (!given.insert(m.dimension).second) {
          at(name, "code_list", "classif1 and classif2 both give " + m.dimension);
          continue;
        }
        *dimension(ob.key, m.dimension) = m.code;
      }
    } else {
      struct Dim {
        const char* sdmx_name;
        const char* csv_name;
        bool (*ok)(const std::string&);
        const char* what;
      };
      static const std::array<Dim, 6> dims = {{
          {"SEX", "sex", sex_code, "_T, M, F, _N or _Z"},
          {"AGE", "age", age_code, "_T, _N, _Z, Y_LT15, Y15T24, Y_GE65..."},
          {"ECO", "eco", eco_code, "_T, _N, _Z or an ISIC Rev.4 section A to U"},
          {"OCU", "ocu", ocu_code, "_T, _N, _Z or an ISCO-08 major group 0 to 9"},
          {"EDU", "edu", edu_code, "_T, _N, _Z or ISCED11_0 to ISCED11_8, ISCED11_X"},
          {"GEO", "geo", geo_code, "_T, _N, _Z or an ISO 3166-2 code (KN-03)"},
      }};
      for (const auto& d : dims) {
        const std::string name = sdmx ? d.sdmx_name : d.csv_name;
        const auto& c = cols.cell(row, name);
        if (c.empty()) continue;  // _Z: the indicator does not use the dimension
        if (!d.ok(c)) at(name, "code_list", "\"" + c + "\" is not a code of " + d.sdmx_name + " (" + d.what + ")");
        else *dimension(ob.key, d.sdmx_name) = c;
      }
    }
    // The status and the value.
    const auto& status = cols.cell(row, c_status);
    if (!status.empty()) {
      if (status.size() != 1 || std::string_view(kSeriesStatuses).find(status[0]) == std::string_view::npos)
        at(c_status, "code_list", "\"" + status + "\" is not an observation status (A, E, P, B, Q, U, O, M)");
      else ob.status = status;
    }
    const auto& value = cols.cell(row, c_value);
    if (value.empty()) {
      if (ob.status != "O" && ob.status != "M" && ob.status != "Q")
        at(c_value, "required", "the value is missing (a value may be left out only with status O, M or Q)");
    } else if (auto v = canonical_decimal(value)) {
      if (ob.status == "O" || ob.status == "M")
        at(c_value, "type", "a value with status " + ob.status + " (missing, cannot exist): leave it empty");
      else ob.value = *v;
    } else {
      at(c_value, "decimal",
         "\"" + value + "\" is not an exact decimal (digits, an optional minus and point; at most 18 digits)");
    }
    // Notes, sample size, coefficient of variation.
    if (format == SeriesFormat::ilostat) {
      for (const char* name : {"note_classif", "note_indicator", "note_source"}) {
        const auto& n = cols.cell(row, name);
        if (n.empty()) continue;
        if (!ob.note.empty()) ob.note += "; ";
        ob.note += std::string(name).substr(5) + "=" + n;
      }
    } else {
      ob.note = cols.cell(row, sdmx ? "COMMENT" : "note");
    }
    if (!text_ok(ob.note, 2000)) at(sdmx ? "COMMENT" : format == SeriesFormat::csv ? "note" : "note_source", "length",
                                    "notes of at most 2000 characters");
    if (format == SeriesFormat::csv) {
      const auto& n = cols.cell(row, "sample_size");
      if (!n.empty()) {
        if (digits(n) && n.size() <= 12) ob.sample_size = std::stoll(n);
        else at("sample_size", "type", "a whole number of at most 12 digits");
      }
      const auto& cv = cols.cell(row, "cv");
      if (!cv.empty()) {
        auto d = canonical_decimal(cv);
        if (d && (*d)[0] != '-') ob.cv = *d;
        else at("cv", "decimal", "a coefficient of variation is a decimal of 0 or more (percent)");
      }
    }
    if (problems.count != before) continue;
    // One observation per key; one unit per series.
    const std::string series = ob.indicator + '\x1f' + ob.source + '\x1f' + ob.period.freq;
    const std::string key = series + '\x1f' + ob.key.sex + '\x1f' + ob.key.age + '\x1f' + ob.key.eco + '\x1f' +
                            ob.key.ocu + '\x1f' + ob.key.edu + '\x1f' + ob.key.geo + '\x1f' + ob.period.text;
    if (auto [it, fresh] = seen.emplace(key, row.line); !fresh) {
      problems.add(row.line, 0, "", "", "duplicate",
                   "the same observation (indicator, source, dimensions and period) as line " +
                       std::to_string(it->second));
      continue;
    }
    if (auto [it, fresh] = series_units.emplace(series, std::make_pair(ob, row.line)); !fresh) {
      const auto& first = it->second.first;
      if (first.unit_mult != ob.unit_mult || first.unit != ob.unit) {
        at(c_mult, "unit_mult",
           "the unit of " + ob.indicator + " changes within the file (line " + std::to_string(it->second.second) +
               ": unit_mult " + std::to_string(first.unit_mult) + " " + first.unit + ")");
        continue;
      }
    }
    out.push_back(std::move(ob));
  }
  if (problems.count) problems.raise();
  return out;
}

}  // namespace clmis::indicators
