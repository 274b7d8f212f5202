// Bulk import of CSV and JSON Lines (clmis/io.hpp). Each row is a create or upsert inside one
// Session::batch, so every rule of the record API applies and a refused row leaves nothing
// behind. Rows go to the bulk path (api/bulk.hpp): the same validation and writes as
// Session::create / upsert, without a savepoint per new record (it is validated in full before
// its first write). A CSV row goes there as its cells (core/given.hpp), which the records layer
// decodes straight into values by the rules that decode JSON; no JSON record is built for it.
// import_records_per_record (io/import.hpp) takes the public per-record path instead, with each
// CSV row as the JSON of those cells; the tests compare the two.
#include "io/import.hpp"

#include "api/bulk.hpp"
#include "core/csv.hpp"
#include "core/encoding.hpp"
#include "core/given.hpp"
#include "core/hash.hpp"
#include "core/lifecycle.hpp"
#include "core/text.hpp"
#include "clmis/json.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <streambuf>
#include <thread>
#include <unordered_map>

namespace clmis {

namespace {

/// The JSON limits of one line of a JSON Lines file (one record): the library's defaults.
const JsonLimits kJsonLimits{};

/// Reads one line (without its '\n') into `line`, keeping at most `max` bytes of it; `bytes` is
/// the line's whole length, so a longer line is seen (bytes > max) without holding it in memory.
/// False at the end of the input.
bool read_line(std::istream& in, std::string& line, std::size_t max, std::size_t& bytes, bool& nul) {
  line.clear();
  bytes = 0;
  nul = false;
  std::streambuf* sb = in.rdbuf();
  for (;;) {
    const int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return bytes > 0;
    }
    if (c == '\n') return true;
    if (c == 0) {  // not text: the caller stops reading (a device or binary file may never end)
      nul = true;
      return true;
    }
    if (bytes++ < max) line.push_back(static_cast<char>(c));
  }
}

/// A streambuf that reads from another stream and hashes every byte it passes on.
class HashingBuf : public std::streambuf {
 public:
  explicit HashingBuf(std::istream& in) : in_(in), buf_(1 << 16) {
    // The bytes still to read, when the stream can tell (a file; not a pipe): for the estimate
    // of the rows to come. Tried without disturbing the stream: its position is restored.
    const auto here = in.tellg();
    if (here == std::istream::pos_type(-1)) return;
    in.seekg(0, std::ios::end);
    const auto end = in.tellg();
    in.seekg(here);
    if (!in || end == std::istream::pos_type(-1) || end < here) {
      in.clear();
      in.seekg(here);
      in.clear();
      return;
    }
    size_ = static_cast<std::uint64_t>(end - here);
  }
  /// The input's size in bytes, when known; and the bytes read from it so far (up to 64 KiB
  /// ahead of what was parsed).
  std::optional<std::uint64_t> size() const { return size_; }
  std::uint64_t consumed() const { return consumed_; }
  /// The digest of the whole input (reads to the end first).
  std::string hex() {
    while (underflow() != traits_type::eof()) setg(eback(), egptr(), egptr());
    return sha_.hex();
  }
  /// The digest of what was read so far, for an import that stopped early: its input may never
  /// end (a device, a pipe).
  std::string hex_of_read() { return sha_.hex(); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    const auto n = in_.gcount();
    if (n <= 0) return traits_type::eof();
    consumed_ += static_cast<std::uint64_t>(n);
    sha_.update(std::string_view(buf_.data(), static_cast<size_t>(n)));
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::istream& in_;
  std::vector<char> buf_;
  Sha256 sha_;
  std::optional<std::uint64_t> size_;
  std::uint64_t consumed_ = 0;
};

/// After how many rows an automatic import into a table too large to defer its indexes at once
/// weighs the rows still to come (IndexBuild::automatic): enough to estimate a row's bytes.
constexpr std::uint64_t kWeighIndexesAfterRows = 10000;

/// Reads a CSV file's rows on a thread of its own, ahead of the import's checks and writes: the
/// reading (and the hashing and transcoding beneath it) takes the second core, not the time of
/// the one that writes. Rows go over in chunks of at most kRows rows and kChunkBytes of cells,
/// at most kChunks chunks and about kAheadBytes ahead (a file of large cells holds little more
/// than when read in turn); their strings are swapped, not copied, and the chunks reused (a
/// string grown past kKeepBytes is let go). The reader's FormatError is raised by next() at its
/// place, after the rows before it. The thread touches only the reader (and the streams beneath
/// it), and looks for a stop before each row; the destructor stops and joins it, so the streams
/// are the caller's again once the pipe is gone (HashingBuf::hex reads the rest). Only for a file
/// whose size is known: a read from a pipe may block for as long as its writer waits, and an
/// error of the import must not wait for it.
class RowPipe {
 public:
  explicit RowPipe(csv::Reader& reader, const HashingBuf& hashing) : reader_(reader), hashing_(hashing) {
    for (auto& c : chunks_) c.rows.resize(kRows);
    thread_ = std::thread([this] { produce(); });
  }
  ~RowPipe() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true, std::memory_order_relaxed);
    }
    changed_.notify_all();
    thread_.join();
  }
  RowPipe(const RowPipe&) = delete;
  RowPipe& operator=(const RowPipe&) = delete;

  /// The next row, swapped into row; false at the end of the file. Throws the reader's
  /// FormatError where it was found.
  bool next(csv::Row& row) {
    for (;;) {
      if (taken_) {
        auto& c = chunks_[head_ % kChunks];
        if (at_ < c.count) {
          std::swap(row, c.rows[at_]);
          bytes_ = c.bytes[at_];
          ++at_;
          return true;
        }
        if (c.error) {
          bytes_ = c.end_bytes;
          std::rethrow_exception(c.error);
        }
        if (c.end) {
          bytes_ = c.end_bytes;
          return false;
        }
        // The chunk is used up: back to the reader.
        {
          std::lock_guard<std::mutex> lock(mutex_);
          ++head_;
          ahead_bytes_ -= c.cell_bytes;
          taken_ = false;
        }
        changed_.notify_all();
      }
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return tail_ > head_; });
      taken_ = true;
      at_ = 0;
      const auto& c = chunks_[head_ % kChunks];
      read_rows_ = c.read_rows;
      read_bytes_ = c.read_bytes;
    }
  }
  /// The reader's bytes consumed up to the last row taken (for progress).
  std::uint64_t bytes() const noexcept { return bytes_; }
  /// At the end of the last chunk taken: the rows the reader had read (blank lines aside), and
  /// the file's bytes it had taken (HashingBuf::consumed) — measured together, for the estimate
  /// of the rows to come.
  std::uint64_t read_rows() const noexcept { return read_rows_; }
  std::uint64_t read_bytes() const noexcept { return read_bytes_; }

 private:
  static constexpr std::size_t kRows = 512, kChunks = 4;
  static constexpr std::size_t kChunkBytes = std::size_t{256} << 10, kAheadBytes = std::size_t{1} << 20;
  static constexpr std::size_t kKeepBytes = std::size_t{64} << 10;
  struct Chunk {
    std::vector<csv::Row> rows;
    std::vector<std::uint64_t> bytes = std::vector<std::uint64_t>(kRows);
    std::size_t count = 0, cell_bytes = 0;
    bool end = false;
    std::exception_ptr error;
    std::uint64_t end_bytes = 0;  // the reader's bytes at the end of the file, or at its error
    std::uint64_t read_rows = 0, read_bytes = 0;
  };

  void produce() {
    std::uint64_t rows = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] {
          return stop_.load(std::memory_order_relaxed) ||
                 (tail_ - head_ < kChunks && (ahead_bytes_ < kAheadBytes || tail_ == head_));
        });
        if (stop_.load(std::memory_order_relaxed)) return;
      }
      auto& c = chunks_[tail_ % kChunks];  // not the consumer's until tail_ passes it
      c.count = c.cell_bytes = 0;
      c.end = false;
      c.error = nullptr;
      try {
        while (c.count < kRows && c.cell_bytes < kChunkBytes) {
          if (stop_.load(std::memory_order_relaxed)) return;
          auto& row = c.rows[c.count];
          for (auto& cell : row)
            if (cell.capacity() > kKeepBytes) std::string().swap(cell);
          if (!reader_.next(row)) {
            c.end = true;
            c.end_bytes = reader_.bytes();
            break;
          }
          c.bytes[c.count] = reader_.bytes();
          for (const auto& cell : row) c.cell_bytes += cell.size();
          ++c.count;
          if (!(row.size() == 1 && row[0].empty())) ++rows;  // a blank line is no row
        }
      } catch (...) {
        c.error = std::current_exception();
        c.end_bytes = reader_.bytes();
      }
      c.read_rows = rows;
      c.read_bytes = hashing_.consumed();
      const bool last = c.end || c.error;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++tail_;
        ahead_bytes_ += c.cell_bytes;
      }
      changed_.notify_all();
      if (last) return;
    }
  }

  csv::Reader& reader_;
  const HashingBuf& hashing_;
  Chunk chunks_[kChunks];
  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<bool> stop_{false};  // set under the mutex; read by the reader before each row too
  std::uint64_t head_ = 0, tail_ = 0;  // chunks taken by the consumer and filled by the reader
  std::size_t ahead_bytes_ = 0;        // the cells of the chunks filled and not yet used up
  // The consumer's own.
  bool taken_ = false;
  std::size_t at_ = 0;
  std::uint64_t bytes_ = 0, read_rows_ = 0, read_bytes_ = 0;
  std::thread thread_;
};

/// Thrown inside the batch to roll everything back when a bad row aborts the import.
struct Abort {};

std::string quote_csv(const csv::Row& row) {
  std::string out;
  size_t size = row.size();
  for (const auto& f : row) size += f.size();
  out.reserve(size);
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    const auto& f = row[i];
    if (std::none_of(f.begin(), f.end(), [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; })) {
      out += f;
    } else {
      out += '"';
      for (char c : f) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

/// A declared date layout such as "D/M/YYYY": parts in order and the separator.
struct DateLayout {
  std::vector<std::string> parts;  // "D", "DD", "M", "MM", "YYYY"
  char sep = 0;
};

std::optional<DateLayout> parse_layout(const std::string& f) {
  DateLayout l;
  std::string part;
  for (char c : f) {
    if (c == 'D' || c == 'M' || c == 'Y') {
      if (!part.empty() && part.back() != c) return std::nullopt;
      part += c;
    } else {
      if (part.empty() || (l.sep && l.sep != c)) return std::nullopt;
      l.sep = c;
      l.parts.push_back(part);
      part.clear();
    }
  }
  if (part.empty()) return std::nullopt;
  l.parts.push_back(part);
  std::set<char> seen;
  for (const auto& p : l.parts) {
    if (p != "D" && p != "DD" && p != "M" && p != "MM" && p != "YYYY") return std::nullopt;
    if (!seen.insert(p[0]).second) return std::nullopt;
  }
  if (l.parts.size() != 3 || !l.sep) return std::nullopt;
  return l;
}

/// The cell in ISO form per the layout, or nullopt if it does not follow it.
std::optional<std::string> apply_layout(const DateLayout& l, const std::string& cell) {
  std::vector<std::string> pieces;
  std::string cur;
  for (char c : cell) {
    if (c == l.sep) {
      pieces.push_back(cur);
      cur.clear();
    } else if (c >= '0' && c <= '9') {
      cur += c;
    } else {
      return std::nullopt;
    }
  }
  pieces.push_back(cur);
  if (pieces.size() != 3) return std::nullopt;
  std::string y, m, d;
  for (size_t i = 0; i < 3; ++i) {
    const auto& p = l.parts[i];
    const auto& v = pieces[i];
    if (p == "YYYY") {
      if (v.size() != 4) return std::nullopt;
      y = v;
    } else {
      const bool two = p.size() == 2;
      if (v.empty() || v.size() > 2 || (two && v.size() != 2)) return std::nullopt;
      (p[0] == 'D' ? d : m) = v.size() == 1 ? "0" + v : v;
    }
  }
  return y + "-" + m + "-" + d;
}

struct Column {
  std::string name;     // header text
  std::string field;    // the field it feeds ("" for external_id)
  FieldType type = FieldType::text;  // the field's type (from the schema)
  bool currency = false;  // a "<money field>_currency" column
  int currency_column = -1;  // of a money field's amount column: its currency column, if any
  int amount_column = -1;    // of a currency column: its money field's amount column, if any
  /// A lifecycle column (core/lifecycle.hpp) instead of a field: "<state>_on", status or
  /// status_date; state: the state a "<state>_on" column dates.
  enum class Life { none, reached, status, status_date } life = Life::none;
  std::string state;
};

/// The key of a row's value in a CSV import's record: its field, or external_id.
std::string_view key_of(const Column& c) { return c.field.empty() ? std::string_view("external_id") : c.field; }

/// The import; per_record: every row through Session::create / upsert (savepoint each).
ImportReport import_impl(Session& session, std::string_view type_name, std::istream& input,
                         const ImportOptions& o, bool per_record) {
  const Json schema = detail::SessionAccess::type_schema(session, type_name);
  const Json* type = nullptr;
  for (const auto& t : schema["record_types"])
    if (t["name"] == type_name) type = &t;
  if (!type) throw NotFound("no record type " + detail::quoted(type_name));
  session.require(type_name, "create");  // refused once, before any row is read
  const std::string tname(type_name);
  if (o.format != "csv" && o.format != "jsonl")
    throw Misuse("import format is \"csv\" or \"jsonl\", not \"" + o.format + "\"");
  const bool csv_file = o.format == "csv";
  std::optional<DateLayout> layout;
  if (!o.date_format.empty()) {
    layout = parse_layout(o.date_format);
    if (!layout)
      throw ValidationError("unknown date format \"" + o.date_format + "\"",
                            {{tname, "date_format", o.date_format, "type",
                              "a date format is D, DD, M, MM and YYYY with one separator, e.g. D/M/YYYY"}});
  }
  const auto encoding = detail::encoding_from_name(o.encoding);
  if (!encoding)
    throw ValidationError("unknown encoding " + detail::quoted(o.encoding) +
                              detail::did_you_mean(o.encoding, detail::encoding_aliases()),
                          {{tname, "encoding", o.encoding, "type",
                            "the encodings are utf-8, windows-1252 (cp1252) and latin-1 (iso-8859-1)"}});
  const std::string currency = schema["country"]["currency"];

  // Fields by name, and what the importer must know of them.
  std::map<std::string, const Json*> fields;
  std::set<std::string> settable;
  std::set<std::string> read_only;
  std::string status_field, outcome_field;
  std::vector<std::string> later_states;  // the states a transition leads to: each may have a "<state>_on" column
  if (type->contains("workflow")) {
    const auto& wf = (*type)["workflow"];
    status_field = wf["status_field"];
    if (!wf["outcome_field"].is_null()) outcome_field = wf["outcome_field"];
    for (const auto& tr : wf["transitions"]) {
      const std::string to = tr["to"];
      if (to != wf["initial"] && std::find(later_states.begin(), later_states.end(), to) == later_states.end())
        later_states.push_back(to);
    }
  }
  for (const auto& f : (*type)["fields"]) {
    const std::string n = f["name"];
    fields[n] = &f;
    if (f.contains("assigned") || n == status_field || n == outcome_field) read_only.insert(n);
    else settable.insert(n);
  }
  // Keys unique within the file: each unique_active rule and external_id.
  std::vector<std::vector<std::string>> unique_keys;
  for (const auto& r : (*type)["rules"])
    if (r["kind"] == "unique_active") unique_keys.push_back(r["fields"].get<std::vector<std::string>>());

  ImportReport report;
  HashingBuf hashing(input);  // the file's own bytes, before any transcoding
  std::optional<detail::TranscodingBuf> transcoding;
  if (*encoding != detail::Encoding::utf8) transcoding.emplace(&hashing, *encoding);
  std::istream in(transcoding ? static_cast<std::streambuf*>(&*transcoding) : &hashing);
  // A UTF-8 byte order mark says the file is UTF-8: read in another encoding its text would be
  // wrong (and its first column named "ï»¿..."), so the file is refused before any row is read.
  if (transcoding && transcoding->begins_with_utf8_bom()) {
    const std::string named = detail::encoding_names()[static_cast<std::size_t>(*encoding)];
    const std::string message = "row 1: the file begins with a UTF-8 byte order mark, so it is UTF-8, not " + named +
                                ": import it without --encoding (the import option encoding)";
    throw ValidationError(message, {{tname, "encoding", o.encoding, "type", message}});
  }
  csv::Reader reader(in, o.delimiter);

  auto problem = [&](ImportProblem p) {
    if (p.warning) ++report.warnings;
    if (o.on_problem) o.on_problem(p);
    if (report.problems.size() < o.max_problems) report.problems.push_back(std::move(p));
  };

  // CSV header.
  std::vector<Column> columns;
  if (o.format == "csv") {
    csv::Row header;
    try {
      if (!reader.next(header)) throw ValidationError("the file is empty", {{tname, "", nullptr, "csv", "row 1: the file is empty; a header row is needed"}});
    } catch (const csv::FormatError& e) {
      throw ValidationError(std::string("row 1: ") + e.what(), {{tname, "", nullptr, "csv", e.what()}});
    }
    std::vector<FieldError> errors;
    // Header names match ignoring ASCII case: each field by its folded name, and the names a
    // header may have (for the closest to an unknown one).
    std::map<std::string, std::string> by_folded;
    std::vector<std::string> importable{"external_id"};
    for (const auto& [n, f] : fields) {
      by_folded.emplace(detail::ascii_lower(n), n);
      if (!settable.count(n)) continue;
      importable.push_back(n);
      if ((*f)["type"] == "money") importable.push_back(n + "_currency");
    }
    auto field_named = [&](const std::string& folded) -> const std::string* {
      auto it = by_folded.find(folded);
      return it == by_folded.end() ? nullptr : &it->second;
    };
    // The lifecycle a column names (docs/cli.md, "Records with their history"), if any; h: the
    // column's name, folded.
    auto life_of = [&](const std::string& h, std::string& state) {
      if (status_field.empty() || (fields.count(h) && h != status_field)) return Column::Life::none;
      if (h == status_field) return Column::Life::status;
      if (h == "status_date") return Column::Life::status_date;
      for (const auto& st : later_states)
        if (h == st + "_on") {
          state = st;
          return Column::Life::reached;
        }
      return Column::Life::none;
    };
    std::set<Column::Life> lives;
    for (const auto& given_name : header) {
      std::string st;
      const std::string folded = detail::ascii_lower(given_name);
      const std::string* field = field_named(folded);
      lives.insert(life_of(field ? *field : folded, st));
    }
    lives.erase(Column::Life::none);
    const bool lifecycle = !lives.empty();
    if (lives.count(Column::Life::reached) && (lives.count(Column::Life::status) || lives.count(Column::Life::status_date)))
      errors.push_back({tname, status_field, nullptr, "csv",
                        "row 1: a file gives either " + status_field + " with status_date, or the dates each state "
                        "was reached (<state>_on), not both"});
    if (lives.count(Column::Life::status_date) && !lives.count(Column::Life::status))
      errors.push_back({tname, "status_date", nullptr, "csv",
                        "row 1: a status_date column needs a " + status_field + " column (the state reached on that date)"});
    std::set<std::string> seen;  // folded names
    for (const auto& given_name : header) {
      if (!valid_utf8(given_name)) {
        errors.push_back({tname, "", nullptr, "csv", "row 1: " + detail::not_utf8_message(*encoding, given_name, "a column name")});
        continue;
      }
      const std::string folded = detail::ascii_lower(given_name);
      if (!seen.insert(folded).second) {
        errors.push_back({tname, given_name, given_name, "csv", "row 1: column " + detail::quoted(given_name) + " appears twice"});
        continue;
      }
      const std::string* field = field_named(folded);
      const std::string* money = folded.size() > 9 && folded.compare(folded.size() - 9, 9, "_currency") == 0
                                     ? field_named(folded.substr(0, folded.size() - 9))
                                     : nullptr;
      if (money && (*fields[*money])["type"] != "money") money = nullptr;
      Column c;
      const auto life = life_of(field ? *field : folded, c.state);
      const std::string h = life != Column::Life::none ? (field ? *field : folded)
                            : folded == "external_id" ? folded
                            : money                   ? *money + "_currency"
                            : field                   ? *field
                                                      : given_name;
      c.name = h;
      c.field = h;
      if (life != Column::Life::none) {
        c.field.clear();
        c.life = life;
      } else if (h == "external_id") {
        c.field.clear();
      } else if (money) {
        c.field = *money;
        c.currency = true;
      } else if (lifecycle && h == outcome_field) {
        // set by the transition that closes the record (workflow/legacy.hpp)
      } else if (read_only.count(h)) {
        errors.push_back({tname, h, given_name, "read_only", "row 1: column " + detail::quoted(given_name) + " is set by clmis, not imported"});
        continue;
      } else if (!settable.count(h)) {
        errors.push_back({tname, given_name, given_name, "unknown_field",
                          "row 1: record type \"" + tname + "\" has no field " + detail::quoted(given_name) +
                              detail::did_you_mean(given_name, importable)});
        continue;
      }
      if (!c.field.empty() && c.life == Column::Life::none)
        c.type = field_type_from_string((*fields[c.field])["type"].get<std::string>()).value_or(FieldType::text);
      columns.push_back(c);
    }
    for (size_t i = 0; i < columns.size(); ++i)
      for (size_t j = 0; j < columns.size(); ++j)
        if (columns[i].currency && !columns[j].currency && columns[j].field == columns[i].field) {
          columns[i].amount_column = static_cast<int>(j);
          columns[j].currency_column = static_cast<int>(i);
        }
    for (const auto& [n, f] : fields)
      if ((*f)["required"].get<bool>() && !f->contains("default") && !seen.count(detail::ascii_lower(n)) && settable.count(n))
        errors.push_back({tname, n, nullptr, "required", "row 1: the required column \"" + n + "\" is missing"});
    if (!errors.empty()) throw ValidationError("the header of the file is refused", std::move(errors));
  }

  // Rows seen per unique key, to name both rows of a duplicate inside the file. Keys are kept as
  // 64-bit hashes (constant memory per row); the database's own rule still guards the rest.
  std::vector<std::unordered_map<std::uint64_t, std::uint64_t>> seen_keys(unique_keys.size() + 1);
  auto key_hash = [](const std::string& s) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    return h;
  };

  Json summary = {{"action", "import"}, {"record_type", tname}, {"format", o.format},
                  {"source", o.source}, {"on_error", o.on_error == OnError::skip ? "skip" : "abort"}};
  std::uint64_t rowno = csv_file ? 1 : 0;
  std::uint64_t jsonl_bytes = 0;
  RowPipe* pipe = nullptr;  // while the body reads a CSV file: its rows
  auto bytes = [&] { return csv_file ? (pipe ? pipe->bytes() : reader.bytes()) : jsonl_bytes; };
  bool any_error = false;

  // The columns of each key that must be unique within the file (a CSV file's): for each
  // unique_active rule its fields', and last external_id's; -1 where the file has no such column.
  std::vector<std::vector<int>> key_columns;
  auto column_of = [&](std::string_view key) {
    for (size_t i = 0; i < columns.size(); ++i)
      if (!columns[i].currency && columns[i].life == Column::Life::none && key_of(columns[i]) == key)
        return static_cast<int>(i);
    return -1;
  };
  for (const auto& names : unique_keys) {
    key_columns.emplace_back();
    for (const auto& n : names) key_columns.back().push_back(column_of(n));
  }
  key_columns.push_back({column_of("external_id")});

  // The indexes dropped for the load, built again before the commit: at the start, or once
  // kWeighIndexesAfterRows rows are in when the rows still to come make it worth it (weigh).
  std::vector<std::string> deferred;
  bool weigh = false;
  auto body = [&] {
    std::optional<RowPipe> rows;
    if (csv_file && hashing.size()) pipe = &rows.emplace(reader, hashing);
    struct Unset {  // the pipe goes with the body (on any exception too)
      RowPipe*& p;
      ~Unset() { p = nullptr; }
    } unset{pipe};
    csv::Row row;
    std::string line;
    // A CSV row as given (core/given.hpp): values viewing the row's cells, the dates of a declared
    // layout rewritten as ISO dates (iso, by column) and the country's currency; at: each
    // column's place in it (-1: no value). The bulk path decodes it straight into values; the
    // per-record path takes its JSON.
    detail::GivenRecord given;
    std::vector<std::string> iso(columns.size());
    std::vector<int> at(columns.size(), -1);
    std::string key;
    const std::vector<std::string> external_id_key{"external_id"};
    detail::LegacyLifecycle life;  // the row's lifecycle columns, if any
    detail::Warnings warnings;
    Json session_warnings;  // the per-record path's (Session::warnings())
    for (;;) {
      Json record;  // a JSON line (or, on the per-record path, a CSV row as JSON)
      std::vector<ImportProblem> errs;
      life = {};
      const std::string raw;  // filled in only for rows that have a problem (raw_text)
      auto raw_text = [&] {
        std::string t = csv_file ? quote_csv(row) : line;
        if (valid_utf8(t)) return t;
        // Bytes that are not UTF-8 become U+FFFD, so the report itself is valid UTF-8.
        return detail::utf8_repaired(t);
      };
      // Read one row: a CSV row into `given`, a JSON line into `record`.
      if (csv_file) {
        bool more = false;
        try {
          more = pipe ? pipe->next(row) : reader.next(row);
        } catch (const csv::FormatError& e) {
          // The rest of the file cannot be trusted: stop here, naming the row, and write nothing
          // (with on_error skip too: the rows after this one were never read).
          ++rowno;
          ++report.rows;
          ImportProblem p{rowno, "", nullptr, "csv",
                          std::string(e.what()) + "; the file cannot be read past this point, so nothing is imported",
                          false, ""};
          problem(p);
          ++report.refused;
          any_error = true;
          report.stopped = true;
          break;
        }
        if (!more) break;
        ++rowno;
        if (row.size() == 1 && row[0].empty()) continue;  // a blank line
        ++report.rows;
        given.clear();
        std::fill(at.begin(), at.end(), -1);
        if (row.size() != columns.size()) {
          errs.push_back({rowno, "", nullptr, "csv",
                          "row has " + std::to_string(row.size()) + " fields, the header " +
                              std::to_string(columns.size()),
                          false, raw});
        } else {
          for (size_t i = 0; i < row.size(); ++i) {
            const auto& c = columns[i];
            const std::string& cell = row[i];
            if (c.currency) continue;
            if (!valid_utf8(cell)) {
              errs.push_back({rowno, c.name, nullptr, "type", detail::not_utf8_message(*encoding, cell, "the text"), false, raw});
              continue;
            }
            if (cell.empty()) continue;
            if (c.life != Column::Life::none) {
              std::string text = cell;
              if (c.life != Column::Life::status && layout) {
                auto date = apply_layout(*layout, cell);
                if (!date) {
                  errs.push_back({rowno, c.name, cell, "type", "not a date in the declared format " + o.date_format, false, raw});
                  continue;
                }
                text = std::move(*date);
              }
              if (c.life == Column::Life::reached) life.reached.push_back({c.state, std::move(text), c.name});
              else if (c.life == Column::Life::status) life.status = std::move(text);
              else life.status_date = std::move(text);
              continue;
            }
            auto put = [&](const detail::Given& g) {
              at[i] = static_cast<int>(given.size());
              given.emplace_back(key_of(c), g);
            };
            if (c.field.empty()) {
              put(detail::Given::string(cell));
              continue;
            }
            const FieldType t = c.type;
            if (t == FieldType::integer || t == FieldType::reference) {
              std::int64_t v = 0;
              auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
              if (ec != std::errc{} || p != cell.data() + cell.size()) {
                errs.push_back({rowno, c.name, cell, "type", "expected a whole number", false, raw});
                continue;
              }
              put(detail::Given::whole(v));
            } else if (t == FieldType::boolean) {
              const std::string l = detail::ascii_lower(cell);
              if (l == "true" || l == "yes" || l == "1") put(detail::Given::truth(true));
              else if (l == "false" || l == "no" || l == "0") put(detail::Given::truth(false));
              else errs.push_back({rowno, c.name, cell, "type", "expected true/false, yes/no or 1/0", false, raw});
            } else if (t == FieldType::money) {
              std::string_view amount = cell, cur;
              if (auto sp = cell.find(' '); sp != std::string::npos) {
                amount = amount.substr(0, sp);
                cur = std::string_view(cell).substr(sp + 1);
              }
              if (c.currency_column >= 0 && !row[c.currency_column].empty()) {
                const std::string& column_currency = row[c.currency_column];
                if (!cur.empty() && cur != column_currency) {
                  errs.push_back({rowno, c.name, cell, "type",
                                  "the amount names " + std::string(cur) + " but the currency column " + column_currency,
                                  false, raw});
                  continue;
                }
                cur = column_currency;
              }
              put(detail::Given::money(amount, cur.empty() ? std::string_view(currency) : cur));
            } else if (t == FieldType::date && layout) {
              auto date = apply_layout(*layout, cell);
              if (!date) {
                errs.push_back({rowno, c.name, cell, "type", "not a date in the declared format " + o.date_format, false, raw});
                continue;
              }
              iso[i] = std::move(*date);
              put(detail::Given::string(iso[i]));
            } else if (t == FieldType::date && (cell.size() != 10 || cell[4] != '-' || cell[7] != '-')) {
              errs.push_back({rowno, c.name, cell, "type",
                              "not a date YYYY-MM-DD; declare the file's layout with --date-format (e.g. D/M/YYYY)", false, raw});
            } else {
              put(detail::Given::string(cell));
            }
          }
          for (size_t i = 0; i < row.size(); ++i) {
            const auto& c = columns[i];
            if (c.currency && !row[i].empty() && (c.amount_column < 0 || at[c.amount_column] < 0))
              errs.push_back({rowno, c.name, row[i], "type", "a currency without an amount", false, raw});
          }
        }
      } else {
        record = Json::object();
        // A line is read up to the JSON size limit; the rest of a longer line is skipped
        // unread into memory, and the line refused.
        std::size_t line_bytes = 0;
        bool nul = false;
        if (!read_line(in, line, kJsonLimits.max_bytes, line_bytes, nul)) break;
        ++rowno;
        jsonl_bytes += line_bytes + 1;
        if (nul) {
          // A NUL byte: not a text file (JSON text never holds one). Stop, and write nothing.
          ++report.rows;
          problem(ImportProblem{rowno, "", nullptr, "json",
                                "line " + std::to_string(rowno) + " holds a NUL byte: this is not a JSON Lines "
                                "text file; the file is not read further, so nothing is imported",
                                false, ""});
          ++report.refused;
          any_error = true;
          report.stopped = true;
          break;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_bytes <= kJsonLimits.max_bytes && line.find_first_not_of(" \t") == std::string::npos) continue;
        ++report.rows;
        if (line_bytes > kJsonLimits.max_bytes) {
          errs.push_back({rowno, "", nullptr, "json",
                          "malformed JSON: a line of " + std::to_string(line_bytes) + " bytes (at most " +
                              std::to_string(kJsonLimits.max_bytes) + ")",
                          false, ""});
          line.clear();
        } else if (!valid_utf8(line)) {
          errs.push_back({rowno, "", nullptr, "json", detail::not_utf8_message(*encoding, line, "the line"), false, ""});
        } else {
          try {
            record = parse_json(line, tname, kJsonLimits);
            if (!record.is_object()) {
              errs.push_back({rowno, "", nullptr, "json", "the line is not one JSON object", false, raw});
              record = Json::object();
            }
            if (!status_field.empty()) {
              // The lifecycle keys (docs/import.md): the status, status_date, "<state>_on".
              auto take = [&](const std::string& k, auto&& put_text) {
                auto it = record.find(k);
                if (it == record.end()) return;
                if (it->is_string()) put_text(it->get<std::string>());
                else if (!it->is_null())
                  errs.push_back({rowno, k, *it, "type", k == status_field ? "expected a state (text)" : "expected a date YYYY-MM-DD", false, raw});
                record.erase(it);
              };
              take(status_field, [&](std::string v) { life.status = std::move(v); });
              if (!fields.count("status_date")) take("status_date", [&](std::string v) { life.status_date = std::move(v); });
              for (const auto& st : later_states)
                if (!fields.count(st + "_on"))
                  take(st + "_on", [&](std::string v) { life.reached.push_back({st, std::move(v), st + "_on"}); });
            }
          } catch (const ValidationError& e) {
            for (const auto& fe : e.errors()) {
              // "malformed JSON: at line 1, column 19: ..." of one line is "at column 19" of the row.
              std::string m = fe.message;
              if (m.rfind("malformed JSON: ", 0) == 0) m.erase(0, 16);
              else if (m.rfind("malformed JSON ", 0) == 0) m.erase(0, 15);
              if (m.rfind("at line 1, column ", 0) == 0) m.replace(0, 18, "at column ");
              errs.push_back({rowno, fe.path, nullptr, "json", "the line is not one JSON object: " + m, false, raw});
            }
            record = Json::object();
          }
        }
      }
      // Duplicates inside the file.
      if (errs.empty()) {
        auto check = [&](size_t k, const std::vector<std::string>& names) {
          key.clear();
          if (csv_file) {
            for (const int col : key_columns[k]) {
              if (col < 0 || at[col] < 0) return;
              detail::append_key(key, given[at[col]].second);
            }
          } else {
            for (const auto& n : names) {
              if (!record.contains(n) || record[n].is_null()) return;
              key += record[n].dump();
              key += '\x1f';
            }
          }
          auto [it, fresh] = seen_keys[k].emplace(key_hash(key), rowno);
          if (!fresh) {
            std::string what;
            for (const auto& n : names) what += (what.empty() ? "" : ", ") + n;
            errs.push_back({rowno, names.front(),
                            csv_file ? detail::to_json(given[at[key_columns[k].front()]].second) : record[names.front()],
                            "duplicate_in_file",
                            "the same " + what + " as row " + std::to_string(it->second) + " of this file", false, raw});
          }
        };
        for (size_t k = 0; k < unique_keys.size(); ++k) check(k, unique_keys[k]);
        check(unique_keys.size(), external_id_key);
      }
      // Write it: a CSV row through the bulk path as given, decoded straight into values;
      // otherwise (JSON Lines, or the per-record path) as JSON.
      if (errs.empty()) {
        const bool cells = csv_file && !per_record;
        if (csv_file && per_record) record = detail::to_json(given);
        std::optional<std::string_view> ext;
        if (cells) {
          if (const int col = key_columns.back().front(); col >= 0 && at[col] >= 0) ext = given[at[col]].second.text;
        } else if (record.contains("external_id") && record["external_id"].is_string()) {
          ext = record["external_id"].get_ref<const std::string&>();
        }
        try {
          warnings.clear();
          session_warnings = Json::array();
          auto count = [&](const UpsertResult& r) {
            if (r.outcome == UpsertOutcome::created) {
              ++report.created;
              if (o.ids) report.created_ids.push_back(r.id);
            } else if (r.outcome == UpsertOutcome::updated) {
              ++report.updated;
              if (o.ids) report.updated_ids.push_back(r.id);
            } else {
              ++report.unchanged;
            }
          };
          if (!life.empty()) {
            count(detail::SessionAccess::import_lifecycle(session, tname, ext, cells ? nullptr : &record,
                                                          cells ? &given : nullptr, life, &warnings));
          } else if (ext) {
            UpsertResult r;
            if (per_record) {
              r = session.upsert(tname, *ext, record);
              session_warnings = session.warnings();
            } else if (cells) {
              r = detail::SessionAccess::bulk_upsert(session, tname, *ext, given, &warnings);
            } else {
              r = detail::SessionAccess::bulk_upsert(session, tname, *ext, record, &warnings);
            }
            count(r);
          } else {
            std::int64_t new_id = 0;
            if (per_record) {
              new_id = session.create(tname, record);
              session_warnings = session.warnings();
            } else if (cells) {
              new_id = detail::SessionAccess::bulk_create(session, tname, given, &warnings);
            } else {
              new_id = detail::SessionAccess::bulk_create(session, tname, record, &warnings);
            }
            ++report.created;
            if (o.ids) report.created_ids.push_back(new_id);
          }
          for (auto& w : warnings)
            problem({rowno, std::move(w.path), nullptr, std::string(w.rule), std::move(w.message), true, raw_text()});
          for (const auto& w : session_warnings)
            problem({rowno, w.value("path", ""), nullptr, w.value("rule", ""), w.value("message", ""), true, raw_text()});
        } catch (const ValidationError& e) {
          for (const auto& fe : e.errors())
            errs.push_back({rowno, fe.path, fe.value, fe.rule, fe.message, false, raw});
        } catch (const AlreadyExists& e) {
          const Json given_ext = cells ? (ext ? Json(std::string(*ext)) : Json()) : record.value("external_id", Json());
          errs.push_back({rowno, "external_id", given_ext, "unique_active", e.what(), false, raw});
        } catch (const Conflict& e) {
          errs.push_back({rowno, "", nullptr, "conflict", e.what(), false, raw});
        } catch (const PermissionDenied& e) {
          // A permission this row needs and the user lacks (transition:<name> for a lifecycle's
          // step): the whole import is refused, naming the row; nothing is written.
          throw PermissionDenied("row " + std::to_string(rowno) + ": " + e.what() + "; nothing is imported");
        }
      }
      if (!errs.empty()) {
        any_error = true;
        ++report.refused;
        const std::string text = raw_text();
        for (auto& p : errs) {
          p.raw = text;
          problem(std::move(p));
        }
      }
      if (weigh && report.rows == kWeighIndexesAfterRows) {
        weigh = false;
        // The rows still to come, estimated from the bytes still to read at the bytes a row
        // has taken so far (and the rows read ahead, not yet written).
        const auto size = *hashing.size();
        const auto read = pipe ? pipe->read_bytes() : hashing.consumed();
        const auto read_rows = pipe ? pipe->read_rows() : report.rows;
        if (read > 0 && read < size) {
          const auto coming = static_cast<std::uint64_t>(static_cast<long double>(size - read) * read_rows / read) +
                              (read_rows > report.rows ? read_rows - report.rows : 0);
          deferred = detail::SessionAccess::defer_indexes_for(session, tname, coming);
        }
      }
      if (o.progress && report.rows % 1000 == 0) o.progress(bytes(), report.rows);
    }
    if (o.progress) o.progress(bytes(), report.rows);
    if (any_error && (o.on_error == OnError::abort || report.stopped)) throw Abort{};
  };

  try {
    // The audit entry is written when the body returns, from `summary` as it is then: the body
    // completes it with the file's hash and counts.
    session.batch(
        [&] {
          // The bulk path may build the indexes no check reads after loading (ImportOptions).
          if (!per_record && o.index_build != IndexBuild::during_load)
            deferred = detail::SessionAccess::defer_indexes(session, tname, o.index_build == IndexBuild::automatic,
                                                            o.index_build == IndexBuild::after_load);
          // Too many records to defer at once: weighed again once the first rows are in, if
          // the input's size tells how many rows are still to come.
          weigh = !per_record && o.index_build == IndexBuild::automatic && deferred.empty() && hashing.size();
          body();
          // The rows are all read: the in-file keys' memory goes before the index builds' sorts.
          decltype(seen_keys)().swap(seen_keys);
          detail::SessionAccess::build_indexes(session, deferred);
          report.indexes_built_after_load = deferred.size();
          report.sha256 = hashing.hex();
          summary["sha256"] = report.sha256;
          summary["rows"] = report.rows;
          summary["refused"] = report.refused;
        },
        summary);
    report.committed = true;
  } catch (const Abort&) {
    report.committed = false;
    report.created_ids.clear();
    report.updated_ids.clear();
    report.sha256 = report.stopped ? hashing.hex_of_read() : hashing.hex();
  }
  return report;
}

}  // namespace

ImportReport import_records(Session& session, std::string_view type, std::istream& in,
                            const ImportOptions& options) {
  return import_impl(session, type, in, options, false);
}

ImportReport import_records_per_record(Session& session, std::string_view type, std::istream& in,
                                       const ImportOptions& options) {
  return import_impl(session, type, in, options, true);
}

}  // namespace clmis
