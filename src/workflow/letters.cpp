// Automated letters: the context of a letter, its rendering to HTML and plain text, and storing
// it with the record (workflow/letters.hpp).
#include "workflow/letters.hpp"

#include "core/hash.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/codes.hpp"
#include "store/documents.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <mstch/mstch.hpp>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <sstream>

namespace clmis::detail {

namespace {

// Markers around every value substituted into a template (see letters.hpp): C0 control
// characters that a value never keeps (values are stripped of them) and templates never hold.
constexpr char kValueOpen = '\x01';
constexpr char kValueClose = '\x02';
constexpr char kValueNewline = '\x03';  // a line break inside a value

constexpr std::size_t kTextWidth = 72;

struct LangInfo {
  const char* code;
  const char* months[12];
  const char* date_pattern;  // %d day, %m month name, %y year
  char group, point;
  const char* yes;
  const char* no;
};

// Month names: CLDR's wide format-context names (en, nl, es — nl and es are lower case).
constexpr LangInfo kLangs[] = {
    {"en",
     {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
      "December"},
     "%d %m %y", ',', '.', "Yes", "No"},
    {"nl",
     {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november",
      "december"},
     "%d %m %y", '.', ',', "Ja", "Nee"},
    {"es",
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
      "diciembre"},
     "%d de %m de %y", '.', ',', "Sí", "No"},
};

const LangInfo& lang_info(std::string_view lang) {
  for (const auto& l : kLangs)
    if (lang == l.code) return l;
  return kLangs[0];
}

/// A value as the letter holds it: control characters dropped (tabs become spaces), line breaks
/// marked, the whole between the value markers.
std::string value_text(std::string_view s) {
  std::string out(1, kValueOpen);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += kValueNewline;
    else if (c == '\t') out += ' ';
    else if (u < 0x20 || u == 0x7f) continue;
    else out += c;
  }
  out += kValueClose;
  return out;
}

std::string code_label(Context& cx, const std::string& list, const std::string& code, const std::string& lang) {
  const auto row = store::read_code(cx.conn, list, code);
  if (!row) return code;
  for (const std::string& l : {lang, std::string("en")})
    if (row->labels.is_object() && row->labels.contains(l) && row->labels[l].is_string())
      return row->labels[l].get<std::string>();
  return code;
}

std::string datetime_text(Context& cx, DateTime t, const std::string& lang) {
  // Local time in the profile's zone (DESIGN.md §8: timestamps are local in letters).
  date::local_seconds local{t.time_since_epoch()};
  try {
    const auto* zone = cx.profile.time_zone.empty() ? date::locate_zone("UTC") : date::locate_zone(cx.profile.time_zone);
    local = zone->to_local(t);
  } catch (const std::exception&) {
  }
  const auto day = date::floor<date::days>(local);
  const date::hh_mm_ss hms{local - day};
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return letter_date(Date{day.time_since_epoch()}, lang) + ", " + hm;
}

/// A value written out for people in lang ("" for no value).
std::string display(Context& cx, const pack::Field& f, const Value& v, const std::string& lang) {
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "";
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, std::int64_t>) return letter_number(std::to_string(x), lang);
        else if constexpr (std::is_same_v<T, Decimal>) return letter_number(x.str(), lang);
        else if constexpr (std::is_same_v<T, Money>) return letter_money(x, lang);
        else if constexpr (std::is_same_v<T, Date>) return letter_date(x, lang);
        else if constexpr (std::is_same_v<T, DateTime>) return datetime_text(cx, x, lang);
        else if constexpr (std::is_same_v<T, bool>) return x ? lang_info(lang).yes : lang_info(lang).no;
        else if constexpr (std::is_same_v<T, Code>) return code_label(cx, f.code_list, x.value, lang);
        else {
          // A reference: the record's name when its type has a text field "name" the user may
          // read, else its id.
          const auto* target = cx.pack.record_type(f.target);
          if (target && target->field("name") && cx.access.scope_of(cx, *target, "read") != pack::Scope::none) {
            const auto r = store::read_record(cx.conn, *target, x.id);
            if (r)
              if (auto it = r->fields.find("name"); it != r->fields.end())
                if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
          }
          return "#" + std::to_string(x.id);
        }
      },
      v);
}

mstch::node text_node(const std::string& s) { return value_text(s); }

/// The fields of a record or section entry as a mustache map (personal ones empty unless
/// readable).
mstch::map values_map(Context& cx, const std::vector<pack::Field>& fields, const Values& vals, const std::string& lang,
                      bool personal) {
  mstch::map m;
  for (const auto& f : fields) {
    std::string s;
    if (!f.personal || personal)
      if (auto it = vals.find(f.name); it != vals.end()) s = display(cx, f, it->second, lang);
    // An empty value is "": false in a section ({{#record.address}}...{{/record.address}}), and
    // nothing when written (mstch writes a boolean false as "false").
    if (s.empty()) m.emplace(f.name, std::string());
    else m.emplace(f.name, text_node(s));
  }
  return m;
}

/// Exact sums of a money field of a section, per currency ("XCD 10.00; USD 5.00"), "" if none.
std::string money_total(const std::vector<Values>& items, const std::string& field, const std::string& lang) {
  std::map<std::string, std::int64_t> sums;  // currency → minor units
  for (const auto& item : items)
    if (auto it = item.find(field); it != item.end())
      if (const auto* m = std::get_if<Money>(&it->second)) {
        auto& s = sums[m->currency];
        if (__builtin_add_overflow(s, m->minor, &s)) throw ValidationError("the total of " + field + " is too large to write");
      }
  std::string out;
  for (const auto& [cur, minor] : sums) out += (out.empty() ? "" : "; ") + letter_money(Money{minor, cur}, lang);
  return out;
}

mstch::map build_context(Context& cx, const pack::RecordType& t, const pack::Letter& l, const store::StoredRecord& r,
                         const std::string& lang) {
  const bool personal = cx.access.may_read_personal(cx, t, r.created_by, r.id);
  mstch::map record = values_map(cx, t.fields, r.fields, lang, personal);
  record.emplace("id", text_node(std::to_string(r.id)));
  record.emplace("version", text_node(std::to_string(r.version)));
  record.emplace("external_id", r.external_id ? text_node(*r.external_id) : mstch::node(std::string()));
  mstch::map totals, last;
  for (const auto& sec : t.sections) {
    static const std::vector<Values> none;
    const auto it = r.sections.find(sec.name);
    const auto& items = it == r.sections.end() ? none : it->second;
    mstch::array arr;
    for (const auto& item : items) arr.push_back(values_map(cx, sec.fields, item, lang, personal));
    record.emplace(sec.name, arr);
    if (!items.empty()) last.emplace(sec.name, values_map(cx, sec.fields, items.back(), lang, personal));
    else last.emplace(sec.name, std::string());
    mstch::map sums;
    for (const auto& f : sec.fields)
      if (f.type == FieldType::money) {
        const auto s = money_total(items, f.name, lang);
        if (s.empty()) sums.emplace(f.name, std::string());
        else sums.emplace(f.name, text_node(s));
      }
    totals.emplace(sec.name, sums);
  }
  mstch::map department;
  if (cx.profile.department) {
    const auto& d = *cx.profile.department;
    department.emplace("name", text_node(d.name.get(lang)));
    mstch::array lines;
    for (const auto& a : d.address) lines.push_back(text_node(a));
    department.emplace("address", lines);
    department.emplace("telephone", d.telephone.empty() ? mstch::node(std::string()) : text_node(d.telephone));
    department.emplace("email", d.email.empty() ? mstch::node(std::string()) : text_node(d.email));
  } else {
    department.emplace("name", text_node(cx.profile.name.get(lang)));
    department.emplace("address", mstch::array{});
    department.emplace("telephone", std::string());
    department.emplace("email", std::string());
  }
  mstch::map to;
  for (const char* a : pack::kLetterAddressees) to.emplace(a, l.to == a);
  return mstch::map{
      {"lang", text_node(lang)},
      {"today", text_node(letter_date(cx.clock.today(), lang))},
      {"letter", mstch::map{{"id", text_node(l.id)}, {"title", text_node(l.label.get(lang))}}},
      {"department", department},
      {"country", mstch::map{{"name", text_node(cx.profile.name.get(lang))}, {"currency", text_node(cx.profile.currency)}}},
      {"user", mstch::map{{"name", text_node(cx.cache.user_name(cx.conn, cx.who.uid))}}},
      {"to", to},
      {"record", record},
      {"totals", totals},
      {"last", last},
  };
}

// --- step 2: blocks -----------------------------------------------------------------------------

/// Splits a rendered line into (text, is_value) pieces.
struct Piece {
  std::string text;
  bool value = false;
};
std::vector<Piece> pieces(std::string_view line) {
  std::vector<Piece> out;
  std::string cur;
  bool in_value = false;
  for (char c : line) {
    if (c == kValueOpen || c == kValueClose) {
      if (!cur.empty()) out.push_back({cur, in_value});
      cur.clear();
      in_value = c == kValueOpen;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back({cur, in_value});
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

/// A line (markers inside) as HTML: escaped, a value's line breaks as <br>.
std::string html_line(std::string_view line) {
  std::string out;
  for (const auto& p : pieces(line)) {
    std::string t = html_escape(p.text);
    std::string r;
    for (char c : t) r += c == kValueNewline ? std::string("<br>") : std::string(1, c);
    out += r;
  }
  return out;
}

/// A line as plain text: markers dropped, a value's line breaks kept.
std::string text_line(std::string_view line) {
  std::string out;
  for (char c : line)
    if (c == kValueNewline) out += '\n';
    else if (c != kValueOpen && c != kValueClose) out += c;
  return out;
}

std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

/// Greedy word wrap of one line at kTextWidth characters (a longer word stays whole).
std::string wrap(const std::string& line) {
  std::string out, cur;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    if (cur.empty()) cur = word;
    else if (width(cur) + 1 + width(word) <= kTextWidth) cur += " " + word;
    else {
      out += cur + "\n";
      cur = word;
    }
  }
  out += cur;
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

/// The cells of a table row "| a | b |": split on "|" outside values, trimmed.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_value = false;
  for (char c : line) {
    if (c == kValueOpen) in_value = true;
    if (c == kValueClose) in_value = false;
    if (c == '|' && !in_value) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  // "| a | b |": drop the empty cells before the first and after the last bar.
  if (!out.empty() && out.front().empty()) out.erase(out.begin());
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

struct Block {
  enum class Kind { heading, table, paragraph } kind = Kind::paragraph;
  std::vector<std::string> lines;  // rendered lines, markers inside
};

std::vector<Block> blocks(const std::string& body) {
  std::vector<Block> out;
  std::vector<std::string> cur;
  auto flush = [&] {
    if (cur.empty()) return;
    Block b;
    b.lines = cur;
    if (cur[0].rfind("# ", 0) == 0) b.kind = Block::Kind::heading;
    else if (std::all_of(cur.begin(), cur.end(), [](const std::string& l) { return !l.empty() && l[0] == '|'; }))
      b.kind = Block::Kind::table;
    out.push_back(std::move(b));
    cur.clear();
  };
  std::string line;
  std::istringstream in(body);
  while (std::getline(in, line)) {
    if (trim(line).empty()) flush();
    else cur.push_back(line);
  }
  flush();
  return out;
}

std::string label_tel(const std::string& lang) { return lang == "nl" ? "Tel." : lang == "es" ? "Tel." : "Tel."; }
std::string label_email(const std::string& lang) { return lang == "nl" ? "E-mail:" : lang == "es" ? "Correo:" : "Email:"; }

std::string html_document(const pack::Profile& profile, const std::string& lang, const std::string& title,
                          const std::string& date, const std::vector<Block>& bs) {
  const std::string paper = profile.department && profile.department->paper == "letter" ? "letter" : "A4";
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"" + lang + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<title>" + html_line(title) + "</title>\n";
  o += "<style>\n"
       "@page { size: " + paper + "; margin: 20mm 20mm 20mm 25mm; }\n"
       "body { font-family: \"Times New Roman\", Times, serif; font-size: 11pt; line-height: 1.4; color: #000; "
       "max-width: 165mm; margin: 10mm auto; }\n"
       "header.letterhead { border-bottom: 1pt solid #000; padding-bottom: 3mm; margin-bottom: 8mm; }\n"
       "header.letterhead .name { font-size: 14pt; font-weight: bold; }\n"
       "p.date { text-align: right; }\n"
       "h1 { font-size: 12pt; margin: 6mm 0 3mm; }\n"
       "table { border-collapse: collapse; width: 100%; margin: 3mm 0; }\n"
       "th, td { border-bottom: 0.5pt solid #555; padding: 1mm 2mm; text-align: left; vertical-align: top; }\n"
       "th.num, td.num { text-align: right; }\n"
       "tr, p { break-inside: avoid; }\n"
       "@media print { body { max-width: none; margin: 0; } }\n"
       "</style>\n</head>\n<body>\n";
  o += "<header class=\"letterhead\">\n";
  if (profile.department) {
    const auto& d = *profile.department;
    o += "<div class=\"name\">" + html_escape(d.name.get(lang)) + "</div>\n";
    for (const auto& a : d.address) o += "<div>" + html_escape(a) + "</div>\n";
    if (!d.telephone.empty()) o += "<div>" + html_escape(label_tel(lang) + " " + d.telephone) + "</div>\n";
    if (!d.email.empty()) o += "<div>" + html_escape(label_email(lang) + " " + d.email) + "</div>\n";
  } else {
    o += "<div class=\"name\">" + html_escape(profile.name.get(lang)) + "</div>\n";
  }
  o += "</header>\n<p class=\"date\">" + html_escape(date) + "</p>\n<main>\n";
  for (const auto& b : bs) {
    if (b.kind == Block::Kind::heading) {
      o += "<h1>" + html_line(b.lines[0].substr(2)) + "</h1>\n";
      for (std::size_t i = 1; i < b.lines.size(); ++i) o += "<p>" + html_line(b.lines[i]) + "</p>\n";
    } else if (b.kind == Block::Kind::table) {
      o += "<table>\n";
      for (std::size_t i = 0; i < b.lines.size(); ++i) {
        const auto cs = cells(b.lines[i]);
        const char* tag = i == 0 ? "th" : "td";
        o += "<tr>";
        for (std::size_t k = 0; k < cs.size(); ++k)
          o += std::string("<") + tag + (k > 0 ? " class=\"num\"" : "") + ">" + html_line(cs[k]) + "</" + tag + ">";
        o += "</tr>\n";
      }
      o += "</table>\n";
    } else {
      o += "<p>";
      for (std::size_t i = 0; i < b.lines.size(); ++i) o += (i ? "<br>\n" : "") + html_line(b.lines[i]);
      o += "</p>\n";
    }
  }
  o += "</main>\n</body>\n</html>\n";
  return o;
}


std::string text_document(const pack::Profile& profile, const std::string& lang, const std::string& date,
                          const std::vector<Block>& bs) {
  std::string o;
  if (profile.department) {
    const auto& d = *profile.department;
    o += d.name.get(lang) + "\n";
    for (const auto& a : d.address) o += a + "\n";
    if (!d.telephone.empty()) o += label_tel(lang) + " " + d.telephone + "\n";
    if (!d.email.empty()) o += label_email(lang) + " " + d.email + "\n";
  } else {
    o += profile.name.get(lang) + "\n";
  }
  o += "\n" + date + "\n";
  for (const auto& b : bs) {
    o += "\n";
    if (b.kind == Block::Kind::heading) {
      const auto h = text_line(b.lines[0].substr(2));
      o += h + "\n" + std::string(width(h), '=') + "\n";
      for (std::size_t i = 1; i < b.lines.size(); ++i) o += wrap(text_line(b.lines[i])) + "\n";
    } else if (b.kind == Block::Kind::table) {
      std::vector<std::vector<std::string>> rows;
      std::vector<std::size_t> w;
      for (const auto& l : b.lines) {
        std::vector<std::string> r;
        for (const auto& c : cells(l)) {
          std::string t = text_line(c);
          std::replace(t.begin(), t.end(), '\n', ' ');
          r.push_back(t);
        }
        if (w.size() < r.size()) w.resize(r.size(), 0);
        for (std::size_t k = 0; k < r.size(); ++k) w[k] = std::max(w[k], width(r[k]));
        rows.push_back(std::move(r));
      }
      for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line;
        for (std::size_t k = 0; k < w.size(); ++k) {
          const std::string c = k < rows[i].size() ? rows[i][k] : "";
          const std::string pad(w[k] - width(c), ' ');
          if (k) line += "  ";
          line += k == 0 ? c + pad : pad + c;
        }
        o += trim(line) + "\n";
        if (i == 0) {
          std::size_t total = 0;
          for (std::size_t k = 0; k < w.size(); ++k) total += w[k] + (k ? 2 : 0);
          o += std::string(total, '-') + "\n";
        }
      }
    } else {
      for (const auto& l : b.lines) {
        // A value's line breaks are line breaks; each line wraps on its own.
        std::istringstream in(text_line(l));
        std::string part;
        while (std::getline(in, part)) o += wrap(part) + "\n";
      }
    }
  }
  return o;
}

void set_escape_once() {
  // mstch's escaping is one global function; clmis escapes values itself, per format, so it is
  // set to identity once, before the first render (never swapped while rendering).
  static std::once_flag once;
  std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return s; }; });
}

const pack::Letter& letter_of(const pack::RecordType& t, std::string_view letter) {
  if (const auto* l = t.letter(letter)) return *l;
  // A letter of another record type is named as such.
  throw NotFound("no letter \"" + std::string(letter) + "\" for " + t.name +
                 (t.letters.empty() ? std::string(" (it declares no letters)") : [&] {
                   std::string s = " (its letters: ";
                   for (std::size_t i = 0; i < t.letters.size(); ++i) s += (i ? ", " : "") + t.letters[i].id;
                   return s + ")";
                 }()));
}

void check_format(const pack::RecordType& t, std::string_view format) {
  if (format != "html" && format != "text")
    throw ValidationError(std::vector<FieldError>{
        {t.name, "format", std::string(format), "code_list", "a letter's format is \"html\" or \"text\""}});
}

RenderedLetter render_stored(Context& cx, const pack::RecordType& t, const pack::Letter& l,
                             const store::StoredRecord& r, const std::string& lang, std::string_view format) {
  set_escape_once();
  const auto ctx = build_context(cx, t, l, r, lang);
  std::string body;
  try {
    body = mstch::render(l.templates.at(lang), ctx);
  } catch (const std::exception& e) {
    throw Error(Errc::generic, std::string("letter ") + l.id + " (" + lang + ") could not be rendered: " + e.what());
  }
  const auto bs = blocks(body);
  const auto date = letter_date(cx.clock.today(), lang);
  RenderedLetter out;
  out.name = l.id;
  out.lang = lang;
  out.format = std::string(format);
  if (format == "html") {
    out.media_type = "text/html; charset=utf-8";
    out.content = html_document(cx.profile, lang, l.label.get(lang), date, bs);
  } else {
    out.media_type = "text/plain; charset=utf-8";
    out.content = text_document(cx.profile, lang, date, bs);
  }
  Sha256 h;
  h.update(out.content);
  out.sha256 = h.hex();
  return out;
}

}  // namespace

std::string letter_date(Date d, std::string_view lang) {
  const date::year_month_day ymd{d};
  const auto& li = lang_info(lang);
  std::string out;
  for (const char* p = li.date_pattern; *p; ++p) {
    if (*p == '%' && p[1]) {
      ++p;
      if (*p == 'd') out += std::to_string(static_cast<unsigned>(ymd.day()));
      else if (*p == 'm') out += li.months[static_cast<unsigned>(ymd.month()) - 1];
      else if (*p == 'y') out += std::to_string(static_cast<int>(ymd.year()));
    } else {
      out += *p;
    }
  }
  return out;
}

std::string letter_number(std::string_view decimal, std::string_view lang) {
  const auto& li = lang_info(lang);
  std::string_view s = decimal;
  std::string sign;
  if (!s.empty() && s[0] == '-') {
    sign = "-";
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0) grouped += li.group;
    grouped += whole[i];
  }
  if (dot != std::string_view::npos) grouped += li.point + std::string(s.substr(dot + 1));
  return sign + grouped;
}

std::string letter_money(const Money& m, std::string_view lang) {
  const int digits = currency_minor_digits(m.currency).value_or(2);
  return m.currency + " " + letter_number(Decimal{m.minor, digits}.str(), lang);
}

std::string letter_language(const pack::Profile& profile, const pack::Letter& l, std::string_view lang) {
  if (lang.empty()) {
    if (!profile.languages.empty() && l.templates.count(profile.languages.front())) return profile.languages.front();
    return "en";
  }
  if (!l.templates.count(std::string(lang))) {
    std::string have;
    for (const auto& [k, v] : l.templates) have += (have.empty() ? "" : ", ") + k;
    throw ValidationError(std::vector<FieldError>{
        {l.id, "lang", std::string(lang), "code_list", "the letter " + l.id + " is written in " + have + " only"}});
  }
  return std::string(lang);
}

namespace {

/// A letter asked for, checked: the record type, the letter, its language; the format, and the
/// user's "read" and "letter" grants on the record (NotFound, ValidationError, PermissionDenied).
struct Asked {
  const pack::RecordType& t;
  const pack::Letter& l;
  std::string language;
};
Asked check_asked(Context& cx, std::string_view type, std::int64_t id, std::string_view letter, std::string_view lang,
                  std::string_view format) {
  const auto& t = cx.type(type);
  const auto& l = letter_of(t, letter);
  auto language = letter_language(cx.profile, l, lang);
  check_format(t, format);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  cx.access.require_record(cx, t, "letter", cx.access.require_scope(cx, t, "letter"), id);
  return {t, l, std::move(language)};
}

}  // namespace

RenderedLetter render_letter(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                             std::string_view lang, std::string_view format) {
  const auto [t, l, language] = check_asked(cx, type, id, letter, lang, format);
  store::ReadTransaction rt(cx.conn);
  const auto r = store::read_record(cx.conn, t, id);
  if (!r) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  return render_stored(cx, t, l, *r, language, format);
}

RenderedLetter produce_letter(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                              std::string_view lang, std::string_view format) {
  const auto [t, l, language] = check_asked(cx, type, id, letter, lang, format);
  const auto r = store::read_record(cx.conn, t, id);
  if (!r) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  if (r->archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived: no new letters");
  auto out = render_stored(cx, t, l, *r, language, format);
  const auto at = cx.clock.now_text();
  const auto seq = store::last_change(cx.conn).value_or(0);
  store::DocumentRow row;
  row.record_type = t.name;
  row.record_id = id;
  row.kind = "letter";
  row.name = l.id;
  row.media_type = out.media_type;
  row.size = static_cast<std::int64_t>(out.content.size());
  row.sha256 = out.sha256;
  row.lang = out.lang;
  row.by = cx.who.uid;
  row.at = store::utc_seconds(at);
  row.seq = seq;
  store::insert_document(cx.conn, row, out.content);
  out.document_id = row.id;
  cx.audit.append(cx.conn, at, cx.who.uid, "letter", {t.name, id, r->version, 0},
                  Json{{"letter", l.id}, {"lang", out.lang}, {"format", out.format}, {"document_id", row.id},
                       {"media_type", out.media_type}, {"size", row.size}, {"sha256", out.sha256}});
  return out;
}

Json letter_on_demand(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                      std::string_view lang, std::string_view format) {
  // The checks that need no write come first, so that a refused letter takes no write lock.
  (void)check_asked(cx, type, id, letter, lang, format);
  Write w(cx);
  auto out = produce_letter(cx, type, id, letter, lang, format);
  w.commit();
  return Json{{"document_id", out.document_id}, {"name", out.name},        {"lang", out.lang},
              {"format", out.format},           {"media_type", out.media_type}, {"size", out.content.size()},
              {"sha256", out.sha256},           {"content", out.content}};
}

}  // namespace clmis::detail
