// Value types and their JSON encoding (include/clmis/value.hpp).
#include "core/dates.hpp"
#include "clmis/value.hpp"
#include "clmis/queue.hpp"
#include "clmis/columns.hpp"
#include "core/given.hpp"
#include "core/text.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace clmis {

namespace {
constexpr std::array<std::string_view, 9> kTypeNames = {
    "text", "integer", "decimal", "money", "date", "datetime", "boolean", "code", "reference"};

// ISO 4217 list one, "Minor unit" column: the currencies of the Caribbean and Latin American
// member States of the ILO plus the currencies of their main migration and trade partners.
struct CurrencyDigits {
  std::string_view code;
  int digits;
};
constexpr std::array<CurrencyDigits, 44> kCurrencies = {{
    {"ANG", 2}, {"ARS", 2}, {"AWG", 2}, {"BBD", 2}, {"BMD", 2}, {"BOB", 2}, {"BRL", 2},
    {"BSD", 2}, {"BZD", 2}, {"CAD", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"CRC", 2}, {"CUP", 2}, {"DOP", 2}, {"EUR", 2}, {"GBP", 2}, {"GTQ", 2}, {"GYD", 2},
    {"HNL", 2}, {"HTG", 2}, {"JMD", 2}, {"JPY", 0}, {"KYD", 2}, {"MXN", 2}, {"NIO", 2},
    {"PAB", 2}, {"PEN", 2}, {"PYG", 0}, {"SRD", 2}, {"SVC", 2}, {"TTD", 2}, {"USD", 2},
    {"UYU", 2}, {"VES", 2}, {"XCD", 2}, {"XCG", 2}, {"INR", 2}, {"CUC", 2}, {"FKP", 2},
    {"BWP", 2}, {"ZAR", 2},
}};

constexpr std::int64_t kPow10[19] = {1,
                                     10,
                                     100,
                                     1000,
                                     10000,
                                     100000,
                                     1000000,
                                     10000000,
                                     100000000,
                                     1000000000,
                                     10000000000,
                                     100000000000,
                                     1000000000000,
                                     10000000000000,
                                     100000000000000,
                                     1000000000000000,
                                     10000000000000000,
                                     100000000000000000,
                                     1000000000000000000};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

const std::vector<std::string>& age_groups() {
  static const std::vector<std::string> groups = [] {
    std::vector<std::string> g{"under 15"};
    for (int lo = 15; lo < 65; lo += 5) g.push_back(std::to_string(lo) + "-" + std::to_string(lo + 4));
    g.push_back("65+");
    return g;
  }();
  return groups;
}

std::size_t age_group_index(int age) noexcept {
  if (age < 15) return 0;
  if (age >= 65) return 11;
  return static_cast<std::size_t>(age / 5 - 2);  // 15-19 → 1 ... 60-64 → 10
}

std::string_view to_string(ColumnType t) noexcept {
  switch (t) {
    case ColumnType::section: return "section";
    case ColumnType::text: return to_string(FieldType::text);
    case ColumnType::integer: return to_string(FieldType::integer);
    case ColumnType::decimal: return to_string(FieldType::decimal);
    case ColumnType::money: return to_string(FieldType::money);
    case ColumnType::date: return to_string(FieldType::date);
    case ColumnType::datetime: return to_string(FieldType::datetime);
    case ColumnType::boolean: return to_string(FieldType::boolean);
    case ColumnType::code: return to_string(FieldType::code);
    case ColumnType::reference: return to_string(FieldType::reference);
  }
  return "text";
}

std::string_view to_string(FieldType t) noexcept { return kTypeNames[static_cast<size_t>(t)]; }

std::optional<FieldType> field_type_from_string(std::string_view s) noexcept {
  for (size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == s) return static_cast<FieldType>(i);
  return std::nullopt;
}

std::optional<int> currency_minor_digits(std::string_view iso4217) noexcept {
  for (const auto& c : kCurrencies)
    if (c.code == iso4217) return c.digits;
  return std::nullopt;
}

std::optional<Decimal> Decimal::parse(std::string_view text, int scale) noexcept {
  if (scale < 0 || scale > 18) return std::nullopt;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::string_view whole = text, frac;
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    frac = text.substr(dot + 1);
    if (!all_digits(frac)) return std::nullopt;  // "12." and "12.x" are not numerals
  }
  if (!all_digits(whole)) return std::nullopt;  // ".5", "1e3", " 1" are refused
  // Trailing zeros beyond the scale carry no information and are accepted ("1.500" at scale 2).
  while (frac.size() > static_cast<size_t>(scale) && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > static_cast<size_t>(scale)) return std::nullopt;
  std::int64_t w = 0, f = 0;
  if (auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w);
      ec != std::errc{} || p != whole.data() + whole.size())
    return std::nullopt;
  if (!frac.empty()) {
    if (auto [p, ec] = std::from_chars(frac.data(), frac.data() + frac.size(), f);
        ec != std::errc{} || p != frac.data() + frac.size())
      return std::nullopt;
    f *= kPow10[scale - frac.size()];
  }
  std::int64_t units = 0;
  if (__builtin_mul_overflow(w, kPow10[scale], &units)) return std::nullopt;
  if (__builtin_add_overflow(units, f, &units)) return std::nullopt;
  if (negative) units = -units;
  return Decimal{units, scale};
}

std::string Decimal::str() const {
  // Work on the magnitude as unsigned so INT64_MIN has no undefined negation.
  const bool negative = units < 0;
  const std::uint64_t mag =
      negative ? (~static_cast<std::uint64_t>(units) + 1) : static_cast<std::uint64_t>(units);
  const auto p = static_cast<std::uint64_t>(kPow10[scale]);
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / p);
  if (scale > 0) {
    std::string f = std::to_string(mag % p);
    out += '.';
    out.append(static_cast<size_t>(scale) - f.size(), '0');
    out += f;
  }
  return out;
}

bool valid_utf8(std::string_view s) noexcept {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII, most text: one byte at a time, no call
      ++i;
      continue;
    }
    const size_t n = detail::utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::optional<Date> parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd};
}

std::string format_date(Date d) {
  char buf[10];
  if (detail::date_chars(d, buf)) return std::string(buf, 10);
  date::year_month_day ymd{d};
  char wide[24];
  std::snprintf(wide, sizeof wide, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return wide;
}

namespace detail {
bool date_chars(Date d, char (&out)[10]) noexcept {
  const date::year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) return false;
  const auto m = static_cast<unsigned>(ymd.month()), day = static_cast<unsigned>(ymd.day());
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return true;
}
}  // namespace detail

std::optional<DateTime> parse_datetime(std::string_view s) noexcept {
  if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  auto d = parse_date(s.substr(0, 10));
  if (!d) return std::nullopt;
  int parts[3];
  for (int i = 0; i < 3; ++i) {
    char a = s[11 + 3 * i], b = s[12 + 3 * i];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    parts[i] = (a - '0') * 10 + (b - '0');
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return DateTime{*d} + std::chrono::hours{parts[0]} + std::chrono::minutes{parts[1]} +
         std::chrono::seconds{parts[2]};
}

std::string format_datetime(DateTime t) {
  auto day = date::floor<date::days>(t);
  date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(day).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

namespace {

// The rules of decoding, one function per kind of value given: decode_value() (JSON) and
// detail::decode_given() (an import's cells) both decide with these, so the two cannot differ.

/// What a field of the type takes, as decode_value() names it when given something else.
std::string_view expected(FieldType t) {
  switch (t) {
    case FieldType::text: return "text (a JSON string)";
    case FieldType::code: return "a code (a JSON string)";
    case FieldType::integer: return "an integer";
    case FieldType::reference: return "a record id (a JSON integer)";
    case FieldType::boolean: return "true or false";
    case FieldType::decimal: return "a decimal as a JSON string such as \"12.50\"";
    case FieldType::money: return R"(money {"amount": "12.50", "currency": "XCD"})";
    case FieldType::date: return "a date \"YYYY-MM-DD\"";
    case FieldType::datetime: return "a UTC time \"YYYY-MM-DDThh:mm:ssZ\"";
  }
  return "a value";
}

Rejection type_error(FieldType t, std::string_view got) {
  return {"type", "expected " + std::string(expected(t)) + ", got " + std::string(got)};
}

std::variant<Value, Rejection> text_value(std::string_view s) {
  if (!valid_utf8(s)) return Rejection{"type", "text is not valid UTF-8"};
  return Value{std::string(s)};
}

std::variant<Value, Rejection> reference_value(std::int64_t id) {
  if (id <= 0) return Rejection{"reference", "a record id is a positive integer"};
  return Value{Ref{id}};
}

/// A decimal given as a whole number (its decimal digits).
std::variant<Value, Rejection> decimal_of_integer(std::string_view digits, int scale) {
  auto d = Decimal::parse(digits, scale);
  if (!d) return Rejection{"range", "number too large"};
  return Value{*d};
}

std::variant<Value, Rejection> decimal_of_text(std::string_view s, int scale) {
  auto d = Decimal::parse(s, scale);
  if (!d)
    return Rejection{"type", "expected a decimal with at most " + std::to_string(scale) +
                                 " decimal places, such as \"12.50\""};
  return Value{*d};
}

/// Money from its amount's text (a decimal, or a whole number's digits) and currency code.
std::variant<Value, Rejection> money_value(std::string_view amount, std::string_view code, const ValueSpec& spec) {
  auto digits = currency_minor_digits(code);
  if (!digits) return Rejection{"code_list", "unknown currency \"" + std::string(code) + "\""};
  if (!spec.currencies.empty() &&
      std::find(spec.currencies.begin(), spec.currencies.end(), code) == spec.currencies.end())
    return Rejection{"code_list", "currency \"" + std::string(code) + "\" is not allowed here"};
  auto d = Decimal::parse(amount, *digits);
  if (!d)
    return Rejection{"type", "amount must be a decimal with at most " + std::to_string(*digits) +
                                 " decimal places for " + std::string(code)};
  return Value{Money{d->units, std::string(code)}};
}

std::variant<Value, Rejection> date_value(std::string_view s) {
  auto d = parse_date(s);
  if (!d) return Rejection{"type", "expected a valid date \"YYYY-MM-DD\""};
  return Value{*d};
}

std::variant<Value, Rejection> datetime_value(std::string_view s) {
  auto t = parse_datetime(s);
  if (!t) return Rejection{"type", "expected a valid UTC time \"YYYY-MM-DDThh:mm:ssZ\""};
  return Value{*t};
}

}  // namespace

std::variant<Value, Rejection> decode_value(const Json& j, const ValueSpec& spec) {
  if (j.is_null()) return Value{};
  const auto str = [&j]() -> std::string_view { return j.get_ref<const std::string&>(); };
  switch (spec.type) {
    case FieldType::text:
      if (!j.is_string()) return type_error(spec.type, j.type_name());
      return text_value(str());
    case FieldType::code:
      if (!j.is_string()) return type_error(spec.type, j.type_name());
      return Value{Code{j.get<std::string>()}};
    case FieldType::integer:
      if (j.is_number_integer()) {
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX)
          return Rejection{"range", "integer does not fit in 64 bits"};
        return Value{j.get<std::int64_t>()};
      }
      return type_error(spec.type, j.type_name());
    case FieldType::reference:
      if (j.is_number_integer() && !(j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX))
        return reference_value(j.get<std::int64_t>());
      return type_error(spec.type, j.type_name());
    case FieldType::boolean:
      if (!j.is_boolean()) return type_error(spec.type, j.type_name());
      return Value{j.get<bool>()};
    case FieldType::decimal:
      // Integers are accepted as exact; floats never (binary floating point is not exact).
      if (j.is_number_integer()) return decimal_of_integer(j.dump(), spec.scale);
      if (!j.is_string()) return type_error(spec.type, j.type_name());
      return decimal_of_text(str(), spec.scale);
    case FieldType::money: {
      if (!j.is_object()) return type_error(spec.type, j.type_name());
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "amount" && it.key() != "currency")
          return Rejection{"type", "money has only \"amount\" and \"currency\", not \"" +
                                       it.key() + "\""};
      auto cur = j.find("currency");
      auto amt = j.find("amount");
      if (cur == j.end() || !cur->is_string())
        return Rejection{"type", "money needs a \"currency\" (ISO 4217 code)"};
      if (amt == j.end() || !(amt->is_string() || amt->is_number_integer()))
        return Rejection{"type", "money needs an \"amount\" as a string such as \"12.50\""};
      return money_value(amt->is_string() ? amt->get<std::string>() : amt->dump(),
                         cur->get_ref<const std::string&>(), spec);
    }
    case FieldType::date:
      if (!j.is_string()) return type_error(spec.type, j.type_name());
      return date_value(str());
    case FieldType::datetime:
      if (!j.is_string()) return type_error(spec.type, j.type_name());
      return datetime_value(str());
  }
  return Rejection{"type", "unknown field type"};
}

namespace detail {

namespace {
/// The JSON type name of what g gives (as Json::type_name() would say of to_json(g)).
std::string_view type_name(const Given& g) {
  switch (g.kind) {
    case Given::Kind::string: return "string";
    case Given::Kind::integer: return "number";
    case Given::Kind::boolean: return "boolean";
    case Given::Kind::money: return "object";
  }
  return "string";
}
}  // namespace

std::variant<Value, Rejection> decode_given(const Given& g, const ValueSpec& spec) {
  using K = Given::Kind;
  switch (spec.type) {
    case FieldType::text:
      if (g.kind == K::string) return text_value(g.text);
      break;
    case FieldType::code:
      if (g.kind == K::string) return Value{Code{std::string(g.text)}};
      break;
    case FieldType::integer:
      if (g.kind == K::integer) return Value{g.integer};
      break;
    case FieldType::reference:
      if (g.kind == K::integer) return reference_value(g.integer);
      break;
    case FieldType::boolean:
      if (g.kind == K::boolean) return Value{g.boolean};
      break;
    case FieldType::decimal:
      if (g.kind == K::integer) return decimal_of_integer(std::to_string(g.integer), spec.scale);
      if (g.kind == K::string) return decimal_of_text(g.text, spec.scale);
      break;
    case FieldType::money:
      if (g.kind == K::money) return money_value(g.text, g.currency, spec);
      break;
    case FieldType::date:
      if (g.kind == K::string) return date_value(g.text);
      break;
    case FieldType::datetime:
      if (g.kind == K::string) return datetime_value(g.text);
      break;
    default:
      return Rejection{"type", "unknown field type"};
  }
  return type_error(spec.type, type_name(g));
}

Json to_json(const Given& g) {
  switch (g.kind) {
    case Given::Kind::string: return std::string(g.text);
    case Given::Kind::integer: return g.integer;
    case Given::Kind::boolean: return g.boolean;
    case Given::Kind::money: return Json{{"amount", std::string(g.text)}, {"currency", std::string(g.currency)}};
  }
  return nullptr;
}

Json to_json(const GivenRecord& r) {
  Json o = Json::object();
  for (const auto& [k, g] : r) o[std::string(k)] = to_json(g);
  return o;
}

void append_key(std::string& key, const Given& g) {
  // Each part tagged and its text length-prefixed, so that no two different values (or
  // sequences of values) run together into the same text.
  auto text = [&](std::string_view s) {
    key += std::to_string(s.size());
    key += ':';
    key += s;
  };
  switch (g.kind) {
    case Given::Kind::string:
      key += 's';
      text(g.text);
      break;
    case Given::Kind::integer:
      key += 'i';
      key += std::to_string(g.integer);
      key += ';';
      break;
    case Given::Kind::boolean:
      key += g.boolean ? 't' : 'f';
      break;
    case Given::Kind::money:
      key += 'm';
      text(g.text);
      text(g.currency);
      break;
  }
}

}  // namespace detail

Json encode_value(const Value& v) {
  struct Visitor {
    Json operator()(std::monostate) const { return nullptr; }
    Json operator()(const std::string& s) const { return s; }
    Json operator()(std::int64_t i) const { return i; }
    Json operator()(const Decimal& d) const { return d.str(); }
    Json operator()(const Money& m) const {
      int digits = currency_minor_digits(m.currency).value_or(2);
      return Json{{"amount", Decimal{m.minor, digits}.str()}, {"currency", m.currency}};
    }
    Json operator()(Date d) const { return format_date(d); }
    Json operator()(DateTime t) const { return format_datetime(t); }
    Json operator()(bool b) const { return b; }
    Json operator()(const Code& c) const { return c.value; }
    Json operator()(const Ref& r) const { return r.id; }
  };
  return std::visit(Visitor{}, v);
}

Json to_json(const QueuePage& page) {
  using namespace std::string_view_literals;
  // Members added in place (an ordered_map grown by operator[] copies its members: their keys
  // are const), each row built by moving its values in.
  Json rows = Json::array();
  auto& list = rows.get_ref<Json::array_t&>();
  list.reserve(page.rows.size());
  auto opt = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  for (const auto& e : page.rows) {
    Json row(Json::value_t::object);
    auto& o = row.get_ref<Json::object_t&>();
    o.reserve(10);
    o.emplace_back("record_type"sv, e.record_type);
    o.emplace_back("id"sv, e.id);
    o.emplace_back("number"sv, opt(e.number));
    o.emplace_back("status"sv, e.status);
    o.emplace_back("deadline"sv, e.deadline);
    o.emplace_back("state"sv, e.state);
    o.emplace_back("due"sv, e.due ? Json(format_date(*e.due)) : Json(nullptr));
    o.emplace_back("overdue"sv, e.overdue);
    o.emplace_back("days_overdue"sv, e.days_overdue);
    o.emplace_back("officer"sv, opt(e.officer));
    list.push_back(std::move(row));
  }
  Json out(Json::value_t::object);
  auto& o = out.get_ref<Json::object_t&>();
  o.reserve(3);
  o.emplace_back("as_of"sv, format_date(page.as_of));
  o.emplace_back("rows"sv, std::move(rows));
  o.emplace_back("next_cursor"sv, opt(page.next_cursor));
  return out;
}

}  // namespace clmis
