#include "core/xlsx.hpp"

#include "clmis/error.hpp"
#include "core/text.hpp"

#include <xlsxwriter.h>

#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>

namespace clmis::detail::xlsx {

namespace {

/// 1970-01-01 in Excel's 1900 date system, and its first day without the phantom 29 February
/// 1900 before it (1900-03-01, serial 61).
constexpr std::int64_t kSerialOf1970 = 25569;
constexpr std::int64_t kFirstExactSerial = 61;

/// Width of a column, in characters: at least the header's, at most this.
constexpr std::size_t kMaxWidth = 60;

/// libxlsxwriter prints numbers with printf("%.16G"), which writes the decimal point of the
/// thread's LC_NUMERIC: "0,5" in a German locale, which Excel cannot read. Every call into the
/// library runs with the "C" locale for its thread, and the caller's is restored after.
class CLocale {
 public:
  explicit CLocale(locale_t c) : old_(c ? ::uselocale(c) : nullptr) {}
  ~CLocale() {
    if (old_) ::uselocale(old_);
  }
  CLocale(const CLocale&) = delete;
  CLocale& operator=(const CLocale&) = delete;

 private:
  locale_t old_;
};

void check(lxw_error e, std::string_view what) {
  if (e != LXW_NO_ERROR) throw StorageError("xlsx: " + std::string(what) + ": " + lxw_strerror(e));
}

/// The first max_chars characters of UTF-8 text.
std::string_view utf8_chars(std::string_view s, std::size_t max_chars) {
  std::size_t i = 0, n = 0;
  while (i < s.size() && n < max_chars) {
    const std::size_t len = utf8_sequence_length(s, i);
    i += len ? len : 1;
    ++n;
  }
  return s.substr(0, i);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Excel reads "_xHHHH_" in a string as the character U+HHHH (libxlsxwriter writes control
/// characters that way); text that holds such a sequence itself gets its "_" escaped as
/// "_x005F_", so that it reads back as written.
std::string escape_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && is_hex(s[i + 2]) &&
        is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '_')
      out += "_x005F";
    out += s[i];
  }
  return out;
}

std::size_t width_of(std::string_view text) { return std::min(utf8_length(text), kMaxWidth); }

bool same_name(std::string_view a, std::string_view b) { return ascii_lower(a) == ascii_lower(b); }

}  // namespace

std::optional<double> date_serial(Date d) noexcept {
  const std::int64_t serial = d.time_since_epoch().count() + kSerialOf1970;
  if (serial < kFirstExactSerial) return std::nullopt;
  return static_cast<double>(serial);
}

std::optional<double> datetime_serial(DateTime t) noexcept {
  const std::int64_t seconds = t.time_since_epoch().count() + kSerialOf1970 * 86400;
  if (seconds < kFirstExactSerial * 86400) return std::nullopt;
  // One division of an exact integer (well below 2^53): the double nearest to the true fraction.
  return static_cast<double>(seconds) / 86400.0;
}

std::optional<int> significant_digits(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t whole = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == whole) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // The digits from the first non-zero one to the last non-zero one.
  std::size_t first = std::string_view::npos, last = 0;
  int between = 0;
  for (std::size_t k = whole; k < s.size(); ++k) {
    if (s[k] == '.' || s[k] == '0') continue;
    if (first == std::string_view::npos) first = k;
    last = k;
  }
  if (first == std::string_view::npos) return 0;
  for (std::size_t k = first; k <= last; ++k)
    if (s[k] != '.') ++between;
  return between;
}

namespace {

/// name made a valid worksheet name (not yet unique).
std::string valid_sheet_name(std::string_view name) {
  std::string base = utf8_repaired(name);
  for (char& c : base)
    if (c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\') c = '_';
  if (base.empty()) base = "Sheet";
  if (base.front() == '\'') base.front() = '_';
  base = std::string(utf8_chars(base, kMaxSheetNameLength));
  if (base.back() == '\'') base.back() = '_';
  return base;
}

/// The first of "base (first)", "base (first + 1)"... ("base" itself for 1) that no sheet has.
std::string unique_sheet_name(const std::string& base, const std::vector<std::string>& taken, int first) {
  for (int k = first;; ++k) {
    std::string candidate = base;
    if (k > 1) {
      const std::string suffix = " (" + std::to_string(k) + ")";
      candidate = std::string(utf8_chars(base, kMaxSheetNameLength - suffix.size())) + suffix;
    }
    const bool used = same_name(candidate, "History") ||
                      std::any_of(taken.begin(), taken.end(), [&](const std::string& t) { return same_name(t, candidate); });
    if (!used) return candidate;
  }
}

}  // namespace

std::string sheet_name(std::string_view name, const std::vector<std::string>& taken) {
  return unique_sheet_name(valid_sheet_name(name), taken, 1);
}

// --- the workbook -------------------------------------------------------------------------------

struct Workbook::Impl {
  std::string path;
  Options options;
  locale_t c_locale = nullptr;
  lxw_workbook* wb = nullptr;
  std::vector<std::unique_ptr<Sheet>> sheets;
  std::vector<std::string> names;  ///< every worksheet's, continuations included
  std::vector<lxw_worksheet*> worksheets;
  lxw_format* header = nullptr;
  lxw_format* date = nullptr;
  lxw_format* datetime = nullptr;
  std::map<std::pair<std::size_t, bool>, lxw_format*> numbers;  ///< by (decimal places, grouped)

  lxw_format* format(const std::string& num_format) {
    lxw_format* f = workbook_add_format(wb);
    if (!f) throw StorageError("xlsx: out of memory");
    format_set_num_format(f, num_format.c_str());
    return f;
  }

  lxw_format* number_format(std::size_t places, bool grouped) {
    auto [it, added] = numbers.try_emplace({places, grouped}, nullptr);
    if (added) it->second = format((grouped ? "#,##0" : "0") + (places ? "." + std::string(places, '0') : ""));
    return it->second;
  }

  /// A new worksheet (with its header row, frozen) named as sheet_name makes part `part` of
  /// base; returns it and its name.
  std::pair<lxw_worksheet*, std::string> add_worksheet(std::string_view base, int part,
                                                       const std::vector<std::string>& headers) {
    // A continuation is "base (2)", "base (3)"... or the next name free after it.
    std::string name = unique_sheet_name(valid_sheet_name(base), names, part);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (!ws) throw StorageError("xlsx: cannot add the worksheet " + detail::quoted(name) + " (no room for its temporary file?)");
    names.push_back(name);
    worksheets.push_back(ws);
    for (std::size_t c = 0; c < headers.size(); ++c)
      check(worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), escape_underscores(headers[c]).c_str(), header),
            "header");
    worksheet_freeze_panes(ws, 1, 0);
    return {ws, name};
  }
};

struct Sheet::State {
  Workbook::Impl* wb = nullptr;
  std::string base;
  std::vector<std::string> headers;
  lxw_worksheet* ws = nullptr;
  std::string name;
  int part = 1;
  std::uint32_t row = 0;  ///< 0-based: 0 is the header
  std::size_t col = 0;    ///< the next cell's column
  std::vector<std::size_t> widths;

  void start(std::pair<lxw_worksheet*, std::string> w) {
    ws = w.first;
    name = std::move(w.second);
    row = 0;
    col = headers.size();
    widths.assign(headers.size(), 0);
    // The header and its filter button.
    for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = width_of(headers[c]) + 3;
  }

  /// The column widths and the filter of the worksheet being written.
  void finish() {
    for (std::size_t c = 0; c < headers.size(); ++c)
      check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                 static_cast<double>(std::clamp<std::size_t>(widths[c] + 1, 6, kMaxWidth + 1)), nullptr),
            "column width");
    check(worksheet_autofilter(ws, 0, 0, row, static_cast<lxw_col_t>(headers.size() - 1)), "filter");
  }

  /// The column of the next cell, which the caller then writes; Misuse past the last.
  lxw_col_t cell(std::size_t width) {
    if (row == 0) throw Misuse("xlsx: a cell written before next_row()");
    if (col >= headers.size())
      throw Misuse("xlsx: more cells than the " + std::to_string(headers.size()) + " columns of " + name);
    widths[col] = std::max(widths[col], std::min(width, kMaxWidth));
    return static_cast<lxw_col_t>(col++);
  }

  Written write_text(std::string_view s) {
    std::string text = valid_utf8(s) ? std::string(s) : utf8_repaired(s);
    Written how = Written::typed;
    if (utf8_length(text) > kMaxTextLength) {
      text = std::string(utf8_chars(text, kMaxTextLength));
      how = Written::truncated;
    }
    const lxw_col_t c = cell(width_of(text));
    // An escaped "_" takes 6 more characters in the file, not in the cell.
    check(worksheet_write_string(ws, row, c, escape_underscores(text).c_str(), nullptr), "text");
    return how;
  }
};

Sheet::Sheet(std::unique_ptr<State> s) : s_(std::move(s)) {}
Sheet::~Sheet() = default;

void Sheet::next_row() {
  CLocale c(s_->wb->c_locale);
  if (s_->row + 1 >= s_->wb->options.max_rows) {
    s_->finish();
    ++s_->part;
    s_->start(s_->wb->add_worksheet(s_->base, s_->part, s_->headers));
  }
  ++s_->row;
  s_->col = 0;
}

void Sheet::skip() { (void)s_->cell(0); }

Written Sheet::text(std::string_view s) {
  CLocale c(s_->wb->c_locale);
  return s_->write_text(s);
}

Written Sheet::number(std::string_view numeral, bool grouped) {
  const auto digits = significant_digits(numeral);
  if (!digits || *digits > kMaxSignificantDigits) {
    (void)text(numeral);
    return Written::as_text;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(numeral.data(), numeral.data() + numeral.size(), v);
  if (ec != std::errc() || end != numeral.data() + numeral.size()) {
    (void)text(numeral);
    return Written::as_text;
  }
  if (v == 0) v = 0;  // no "-0"
  const auto point = numeral.find('.');
  const std::size_t places = point == std::string_view::npos ? 0 : numeral.size() - point - 1;
  CLocale c(s_->wb->c_locale);
  const std::size_t whole = (point == std::string_view::npos ? numeral.size() : point);
  const lxw_col_t col = s_->cell(numeral.size() + (grouped && whole > 3 ? (whole - 1) / 3 : 0));
  check(worksheet_write_number(s_->ws, s_->row, col, v, s_->wb->number_format(places, grouped)), "number");
  return Written::typed;
}

Written Sheet::integer(std::int64_t v) { return number(std::to_string(v)); }

Written Sheet::date(Date d) {
  const auto serial = date_serial(d);
  if (!serial) {
    (void)text(format_date(d));
    return Written::as_text;
  }
  CLocale c(s_->wb->c_locale);
  const lxw_col_t col = s_->cell(10);
  check(worksheet_write_number(s_->ws, s_->row, col, *serial, s_->wb->date), "date");
  return Written::typed;
}

Written Sheet::datetime(DateTime t) {
  const auto serial = datetime_serial(t);
  if (!serial) {
    (void)text(format_datetime(t));
    return Written::as_text;
  }
  CLocale c(s_->wb->c_locale);
  const lxw_col_t col = s_->cell(19);
  check(worksheet_write_number(s_->ws, s_->row, col, *serial, s_->wb->datetime), "datetime");
  return Written::typed;
}

void Sheet::boolean(bool b) {
  CLocale c(s_->wb->c_locale);
  const lxw_col_t col = s_->cell(5);
  check(worksheet_write_boolean(s_->ws, s_->row, col, b ? 1 : 0, nullptr), "boolean");
}

const std::string& Sheet::name() const noexcept { return s_->name; }
std::uint32_t Sheet::row() const noexcept { return s_->row + 1; }

Workbook::Workbook(std::string path, Options options) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->options = std::move(options);
  if (impl_->options.max_rows < 2 || impl_->options.max_rows > kMaxRows)
    throw Misuse("xlsx: max_rows is 2 to " + std::to_string(kMaxRows));
  impl_->c_locale = ::newlocale(LC_ALL_MASK, "C", nullptr);
  if (!impl_->c_locale) throw StorageError("xlsx: cannot make the C locale");
  CLocale c(impl_->c_locale);
  lxw_workbook_options o{};
  o.constant_memory = LXW_TRUE;
  o.tmpdir = impl_->options.tmpdir.empty() ? nullptr : impl_->options.tmpdir.data();
  o.use_zip64 = LXW_FALSE;
  impl_->wb = workbook_new_opt(impl_->path.c_str(), &o);
  if (!impl_->wb) {
    ::freelocale(impl_->c_locale);
    throw StorageError("xlsx: cannot start a workbook for " + impl_->path);
  }
  try {
    impl_->header = workbook_add_format(impl_->wb);
    if (!impl_->header) throw StorageError("xlsx: out of memory");
    format_set_bold(impl_->header);
    impl_->date = impl_->format("yyyy-mm-dd");
    impl_->datetime = impl_->format("yyyy-mm-dd hh:mm:ss");
  } catch (...) {
    lxw_workbook_free(impl_->wb);
    ::freelocale(impl_->c_locale);
    throw;
  }
}

Workbook::~Workbook() {
  if (impl_->wb) {
    CLocale c(impl_->c_locale);
    // The rows' temporary files: libxlsxwriter closes them only when it assembles the file, and
    // lxw_workbook_free leaves them open (an unlinked file, its space held until the process
    // ends), so they are closed here.
    for (lxw_worksheet* ws : impl_->worksheets)
      if (ws->optimize_tmpfile) {
        std::fclose(ws->optimize_tmpfile);
        ws->optimize_tmpfile = nullptr;
        ws->file = nullptr;
      }
    lxw_workbook_free(impl_->wb);  // writes nothing
  }
  ::freelocale(impl_->c_locale);
}

Sheet& Workbook::add_sheet(std::string_view name, const std::vector<std::string>& headers) {
  if (!impl_->wb) throw Misuse("xlsx: the workbook is closed");
  if (headers.empty() || headers.size() > kMaxColumns)
    throw Misuse("xlsx: a sheet has 1 to " + std::to_string(kMaxColumns) + " columns, not " +
                 std::to_string(headers.size()));
  for (const auto& h : headers)
    if (utf8_length(h) > kMaxTextLength) throw Misuse("xlsx: a header longer than a cell holds");
  CLocale c(impl_->c_locale);
  auto state = std::make_unique<Sheet::State>();
  state->wb = impl_.get();
  state->base = std::string(name);
  state->headers = headers;
  state->start(impl_->add_worksheet(name, 1, headers));
  impl_->sheets.push_back(std::unique_ptr<Sheet>(new Sheet(std::move(state))));
  return *impl_->sheets.back();
}

void Workbook::close() {
  if (!impl_->wb) throw Misuse("xlsx: the workbook is closed");
  CLocale c(impl_->c_locale);
  for (auto& s : impl_->sheets) s->s_->finish();
  // libxlsxwriter frees the workbook whatever happens, but leaves the rows' temporary files open
  // when it cannot create the file: the file is tried first, so that this refusal frees them
  // (the destructor does). A write that fails later (a full disk) may still leave the files of
  // the worksheets not yet written open until the process ends (libxlsxwriter 1.1.4).
  const bool existed = ::access(impl_->path.c_str(), F_OK) == 0;
  if (std::FILE* f = std::fopen(impl_->path.c_str(), "ab")) {
    std::fclose(f);
  } else {
    throw StorageError("xlsx: cannot write " + impl_->path + ": " + std::strerror(errno));
  }
  lxw_workbook* wb = std::exchange(impl_->wb, nullptr);
  const lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    if (!existed) ::unlink(impl_->path.c_str());
    check(e, "writing " + impl_->path);
  }
}

}  // namespace clmis::detail::xlsx
