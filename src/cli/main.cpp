// clmis — the command line: a thin layer over the C++ API (clmis/database.hpp, clmis/io.hpp).
// No domain logic lives here; docs/cli.md documents every command and the exit codes.
#include "clmis/version.h"
#include "core/files.hpp"
#include "core/text.hpp"
#include "clmis/database.hpp"
#include "clmis/io.hpp"
#include "clmis/json.hpp"
#include "demo/demo.hpp"

#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <random>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

// Exit codes (documented in docs/cli.md and `clmis --help`).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;     // storage, I/O, internal
constexpr int kExitUsage = 2;     // bad command line
constexpr int kExitInvalid = 3;   // validation errors; an import refused
constexpr int kExitNotFound = 4;  // database, record type, record, code list, code
constexpr int kExitAuth = 5;      // wrong user or password; permission denied
constexpr int kExitConflict = 6;  // stale version, already exists, code in use
constexpr int kExitBusy = 7;      // another writer held the database too long
constexpr int kExitPack = 8;      // the database needs another pack or library version
constexpr int kExitTampered = 9;  // audit verify: the audit trail fails its check
constexpr int kExitCheck = 10;    // check: a problem was found (files, key, integrity, records)

int exit_code(const clmis::Error& e) {
  switch (e.code()) {
    case clmis::Errc::invalid: return kExitInvalid;
    case clmis::Errc::not_found: return kExitNotFound;
    case clmis::Errc::auth:
    case clmis::Errc::denied: return kExitAuth;
    case clmis::Errc::conflict:
    case clmis::Errc::exists: return kExitConflict;
    case clmis::Errc::busy: return kExitBusy;
    case clmis::Errc::pack:
    case clmis::Errc::version: return kExitPack;
    case clmis::Errc::misuse: return kExitUsage;
    default: return kExitError;
  }
}

std::string read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw clmis::NotFound("cannot read password file " + path);
  std::string pw;
  std::getline(in, pw);  // first line; a trailing newline is not part of the password
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  return pw;
}

std::string prompt_password(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string pw;
  std::getline(std::cin, pw);
  if (tty) tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return pw;
}

/// The password: --password-file, else CLMIS_PASSWORD, else a prompt on a terminal. Never an
/// argument (it would show in the process list and shell history) and never a default.
std::string obtain_password(const std::string& file, bool confirm) {
  if (!file.empty()) return read_password_file(file);
  if (const char* env = std::getenv("CLMIS_PASSWORD"); env && *env) return env;
  if (!isatty(STDIN_FILENO))
    throw clmis::Misuse("no password: use --password-file, CLMIS_PASSWORD, or run on a terminal");
  std::string pw = prompt_password("Password: ");
  if (confirm && prompt_password("Password again: ") != pw)
    throw clmis::ValidationError("the two passwords differ");
  return pw;
}

/// A session for the commands that read or write records: --user (default CLMIS_USER), and the
/// password from --password-file, CLMIS_PASSWORD or a prompt.
struct Login {
  std::string user, password_file;
  void options(CLI::App* cmd) {
    cmd->add_option("--user", user, "User name (default: the CLMIS_USER environment variable)");
    cmd->add_option("--password-file", password_file,
                    "Read the password from the first line of this file (otherwise CLMIS_PASSWORD, "
                    "otherwise a prompt)");
  }
  /// --user, else CLMIS_USER.
  std::string name() const {
    std::string u = user;
    if (u.empty())
      if (const char* env = std::getenv("CLMIS_USER")) u = env;
    if (u.empty()) throw clmis::Misuse("no user: give --user or set CLMIS_USER");
    return u;
  }
  clmis::Session open(const clmis::Database& db) const {
    const std::string u = name();
    // An integrator's system acting on behalf of its user: a service key instead of a password.
    if (const char* key = std::getenv("CLMIS_SERVICE_KEY"); key && *key) return db.login_service(key, u);
    return db.login(u, obtain_password(password_file, false));
  }
};

/// Opens a database; the audit key file from CLMIS_AUDIT_KEY_FILE when set (default DB.key).
clmis::Database open_db(const std::string& path, clmis::OpenOptions o = {}) {
  if (const char* k = std::getenv("CLMIS_AUDIT_KEY_FILE"); k && *k) o.audit_key_file = k;
  return clmis::Database::open(path, o);
}

/// A new password (for another account, or one's own): --new-password-file, else
/// CLMIS_NEW_PASSWORD, else a prompt twice on a terminal.
std::string obtain_new_password(const std::string& file) {
  if (!file.empty()) return read_password_file(file);
  if (const char* env = std::getenv("CLMIS_NEW_PASSWORD"); env && *env) return env;
  if (!isatty(STDIN_FILENO))
    throw clmis::Misuse("no new password: use --new-password-file, CLMIS_NEW_PASSWORD, or run on a terminal");
  std::string pw = prompt_password("New password: ");
  if (prompt_password("New password again: ") != pw) throw clmis::ValidationError("the two passwords differ");
  return pw;
}

/// "a, b,c" → {"a", "b", "c"} (--fields); empty for "".
std::vector<std::string> field_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string f;
  while (std::getline(ss, f, ',')) {
    const auto first = f.find_first_not_of(" \t");
    const auto last = f.find_last_not_of(" \t");
    out.push_back(first == std::string::npos ? std::string() : f.substr(first, last - first + 1));
  }
  return out;
}

std::string display(const clmis::Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("amount")) return v["amount"].get<std::string>() + " " + v["currency"].get<std::string>();
  return clmis::dump_json(v);
}

/// "field=value", "field!=value", "field<value", "field<=value", "field>value", "field>=value",
/// "field~text" (contains), "field=" (no value) → a query condition; values typed by the field.
clmis::Json condition(const std::string& text, const clmis::Json& type) {
  static const std::pair<const char*, const char*> ops[] = {
      {"!=", "ne"}, {"<=", "le"}, {">=", "ge"}, {"=", "eq"}, {"<", "lt"}, {">", "gt"}, {"~", "contains"}};
  for (const auto& [sym, op] : ops) {
    const auto at = text.find(sym);
    if (at == std::string::npos || at == 0) continue;
    // The first operator in the text wins ("a<=b" is <=, not <).
    bool earlier = false;
    for (const auto& [s2, o2] : ops) {
      (void)o2;
      const auto a2 = text.find(s2);
      if (a2 != std::string::npos && a2 < at) earlier = true;
    }
    if (earlier) continue;
    const std::string field = text.substr(0, at), raw = text.substr(at + std::strlen(sym));
    std::string ftype = "text";
    for (const auto& f : type["fields"])
      if (f["name"] == field) ftype = f["type"];
    // "FIELD=" has no value, "FIELD!=" has one.
    if (raw.empty() && std::string(op) == "eq") return {{"field", field}, {"op", "is_null"}, {"value", true}};
    if (raw.empty() && std::string(op) == "ne") return {{"field", field}, {"op", "is_null"}, {"value", false}};
    clmis::Json value = raw;
    if (ftype == "integer" || ftype == "reference") {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec != std::errc{} || end != raw.data() + raw.size())
        throw clmis::Misuse("--where " + clmis::detail::quoted(text) + ": " + field + " takes a whole number");
      value = n;
    } else if (ftype == "boolean") {
      value = raw == "true" || raw == "1" || raw == "yes";
    }
    return {{"field", field}, {"op", op}, {"value", value}};
  }
  throw clmis::Misuse("--where " + clmis::detail::quoted(text) + ": expected FIELD=VALUE, FIELD!=VALUE, FIELD<VALUE, FIELD~TEXT...");
}

const clmis::Json& record_type(const clmis::Json& schema, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& t : schema["record_types"]) {
    if (t["name"] == name) return t;
    names.push_back(t["name"].get<std::string>());
  }
  throw clmis::NotFound("no record type " + clmis::detail::quoted(name) + clmis::detail::did_you_mean(name, names) +
                        "; the types are " + clmis::detail::join(names));
}

/// A "did you mean" for a command line CLI11 refused: an unknown command (the first word that is
/// not an option, where a command was expected) or an unknown option of the command given.
/// Empty when there is nothing to suggest (CLI11's own message is printed then).
std::string usage_hint(CLI::App& app, int argc, char** argv) {
  // The deepest command given, and the words after it.
  CLI::App* at = &app;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string w = argv[i];
    if (w.empty() || w[0] == '-') break;
    CLI::App* next = nullptr;
    for (auto* s : at->get_subcommands({}))
      if (s->get_name() == w) next = s;
    if (!next) break;
    at = next;
  }
  std::vector<std::string> commands;
  for (auto* s : at->get_subcommands({})) commands.push_back(s->get_name());
  if (i < argc && argv[i][0] != '-' && !commands.empty()) {
    const std::string w = argv[i];
    if (auto c = clmis::detail::closest(w, commands))
      return "unknown command " + clmis::detail::quoted(w) + " (did you mean " + (at == &app ? "" : at->get_name() + " ") + *c + "?)";
    return "unknown command " + clmis::detail::quoted(w) + "; the commands are " + clmis::detail::join(commands);
  }
  std::vector<std::string> options;
  for (const auto* o : at->get_options())
    for (const auto& n : o->get_lnames()) options.push_back("--" + n);
  for (int k = i; k < argc; ++k) {
    const std::string w = argv[k];
    if (w.rfind("--", 0) != 0) continue;
    const std::string name = w.substr(0, w.find('='));
    if (std::find(options.begin(), options.end(), name) != options.end()) continue;
    if (auto c = clmis::detail::closest(name, options))
      return "unknown option " + name + " of " + (at == &app ? std::string("clmis") : at->get_name()) + " (did you mean " + *c + "?)";
  }
  return {};
}

/// A field of a record type's schema by name (null when there is none).
const clmis::Json* field_of(const clmis::Json& type, const std::string& name) {
  for (const auto& f : type["fields"])
    if (f["name"] == name) return &f;
  return nullptr;
}

/// A field of a record or of one of its sections by a validation error's path ("parish",
/// "experience[0].occupation"); null when there is none.
const clmis::Json* field_at(const clmis::Json& type, const std::string& path) {
  const auto bracket = path.find('[');
  if (bracket == std::string::npos) return field_of(type, path);
  const auto dot = path.find("].", bracket);
  if (dot == std::string::npos) return nullptr;
  const std::string sec = path.substr(0, bracket), name = path.substr(dot + 2);
  for (const auto& s : type["sections"])
    if (s["name"] == sec)
      for (const auto& f : s["fields"])
        if (f["name"] == name) return &f;
  return nullptr;
}

/// `--set FIELD=VALUE` values typed by the field: text, dates and codes as written; whole numbers
/// for integers and references; decimals as written; money as "1500.00 XCD" or "1500.00" (the
/// country's currency); booleans true/false (yes/no, 1/0); "FIELD=" clears (null). A bad option
/// (no "=") is a usage error; an unknown field or a value of the wrong type is invalid input.
clmis::Json set_values(const std::vector<std::string>& sets, const clmis::Json& type, const std::string& currency,
                       const std::string& option = "--set") {
  clmis::Json out = clmis::Json::object();
  const std::string tname = type["name"];
  for (const auto& kv : sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw clmis::Misuse(option + " " + clmis::detail::quoted(kv) + ": expected FIELD=VALUE, e.g. " + option +
                          " first_name=Ann (FIELD= clears a field)");
    const std::string name = kv.substr(0, eq), raw = kv.substr(eq + 1);
    // The same field twice is a typo or a paste gone wrong, never silently the last value.
    if (out.contains(name))
      throw clmis::ValidationError(option + " " + clmis::detail::quoted(name) + " is given twice; give each field once");
    const clmis::Json* f = field_of(type, name);
    if (!f) {
      std::vector<std::string> names;
      for (const auto& x : type["fields"]) names.push_back(x["name"]);
      for (const auto& x : type["sections"])
        if (x["name"] == name)
          throw clmis::ValidationError(option + " " + name + ": " + name + " is a section of " + tname +
                                       "; give sections with --json FILE");
      throw clmis::ValidationError(option + " " + clmis::detail::quoted(name) + ": " + tname + " has no field " +
                                   clmis::detail::quoted(name) + clmis::detail::did_you_mean(name, names) +
                                   " (clmis schema DB --type " + tname + " lists them)");
    }
    if (raw.empty()) {
      out[name] = nullptr;
      continue;
    }
    const std::string ftype = (*f)["type"];
    auto bad = [&](const std::string& what) {
      return clmis::ValidationError(option + " " + clmis::detail::quoted(kv) + ": " + name + " (" + ftype + ") takes " + what);
    };
    clmis::Json value = raw;
    if (ftype == "integer" || ftype == "reference") {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec != std::errc{} || end != raw.data() + raw.size())
        throw bad(ftype == "integer" ? "a whole number" : "the id of a " + display((*f)["target"]) + " record");
      value = n;
    } else if (ftype == "boolean") {
      if (raw == "true" || raw == "yes" || raw == "1") value = true;
      else if (raw == "false" || raw == "no" || raw == "0") value = false;
      else throw bad("true or false");
    } else if (ftype == "money") {
      const auto sp = raw.find(' ');
      const std::string amount = raw.substr(0, sp);
      const std::string cur = sp == std::string::npos ? currency : raw.substr(sp + 1);
      if (amount.empty() || cur.empty() || cur.find(' ') != std::string::npos)
        throw bad("an amount and a currency, e.g. \"1500.00 " + currency + "\"");
      value = {{"amount", amount}, {"currency", cur}};
    }
    out[name] = value;
  }
  return out;
}

/// The codes of a list closest to what was typed (ASCII case ignored), at most three, only those
/// close enough for a "did you mean".
std::vector<std::string> closest_codes(const std::string& typed, const clmis::Json& codes) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t limit = typed.size() <= 4 ? 1 : typed.size() <= 8 ? 2 : 3;
  for (const auto& c : codes) {
    if (c.contains("active") && !c["active"].get<bool>()) continue;
    const std::string code = c["code"];
    const auto d = clmis::detail::edit_distance(typed, code);
    if (d <= limit) scored.emplace_back(d, code);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

/// A validation error with each refused code naming its list and the closest codes.
clmis::ValidationError with_code_hints(const clmis::ValidationError& e, const clmis::Json& type, const clmis::Database& db) {
  std::vector<clmis::FieldError> errors = e.errors();
  for (auto& fe : errors) {
    if (fe.rule != "code_list" || !fe.value.is_string()) continue;
    if (fe.message.find("(did you mean ") != std::string::npos || fe.message.find("could be") != std::string::npos)
      continue;  // the library named the closest codes already
    const clmis::Json* f = field_at(type, fe.path);
    if (!f || !f->contains("code_list")) continue;
    const std::string list = (*f)["code_list"];
    std::vector<std::string> near;
    try {
      near = closest_codes(fe.value.get<std::string>(), db.codes(list));
    } catch (const clmis::Error&) {
      continue;
    }
    fe.message += near.empty() ? "; `clmis codes list DB " + list + "` lists its codes"
                               : " (did you mean " + clmis::detail::join(near, " or ") + "? the list is " + list + ")";
  }
  return clmis::ValidationError(e.what(), errors);
}

/// A history row's detail as text: the fields a transition set ("outcome=placed") and its other
/// members; the transition's name is the row's event already.
std::string detail_text(const clmis::Json& d) {
  if (d.is_null()) return "";
  if (!d.is_object()) return display(d);
  std::string out;
  auto add = [&](const std::string& k, const clmis::Json& v) {
    out += (out.empty() ? "" : " ") + k + "=" + display(v);
  };
  for (auto it = d.begin(); it != d.end(); ++it) {
    if (it.key() == "transition") continue;
    if (it.key() == "fields" && it->is_object())
      for (auto f = it->begin(); f != it->end(); ++f) add(f.key(), *f);
    else add(it.key(), *it);
  }
  return out;
}

/// The record's JSON input of `create`/`update --json FILE|-`: an object.
clmis::Json read_json_input(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw clmis::NotFound("cannot read " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto j = clmis::parse_json(text, path == "-" ? "standard input" : path);
  if (!j.is_object()) throw clmis::ValidationError("--json " + path + ": expected one JSON object, the record");
  return j;
}

/// Labels as "en=Text" options → {"en": "Text"}.
clmis::Json labels(const std::vector<std::string>& given) {
  clmis::Json out = clmis::Json::object();
  for (const auto& l : given) {
    const auto eq = l.find('=');
    if (eq == std::string::npos) throw clmis::Misuse("--label " + l + ": expected LANG=TEXT, e.g. nl=Nulurencontract");
    out[l.substr(0, eq)] = l.substr(eq + 1);
  }
  return out;
}

void print_table(const std::vector<std::string>& cols, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) w[i] = cols[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 40));
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::string c = r[i].size() > 40 ? r[i].substr(0, 37) + "..." : r[i];
      for (auto& ch : c)
        if (ch == '\n' || ch == '\t') ch = ' ';
      std::cout << c << (i + 1 < r.size() ? std::string(w[i] - c.size() + 2, ' ') : "");
    }
    std::cout << "\n";
  };
  line(cols);
  for (const auto& r : rows) line(r);
}

/// `clmis profile check` as text: the counts, then each group with its items.
void print_profile_check(std::ostream& out, const clmis::Json& report) {
  out << report["country"].get<std::string>() << " (" << report["name"].get<std::string>()
      << "): " << report["missing"].get<std::int64_t>() << " missing and " << report["unverified"].get<std::int64_t>()
      << " unverified value(s) in the country profile\n"
      << "(missing: not known, and nothing is guessed in its place; unverified: not yet checked against the law "
         "or the department's own records)\n";
  const std::pair<const char*, const char*> groups[] = {
      {"legal", "Legal parameters"}, {"holidays", "Holidays"}, {"deadlines", "Deadlines"}, {"department", "Department"}};
  for (const auto& [key, title] : groups) {
    out << "\n" << title << ":\n";
    const auto& items = report[key];
    if (items.empty()) out << "  nothing missing or unverified\n";
    for (const auto& i : items) {
      const std::string name = i["parameter"];
      if (i["status"] == "missing") {
        out << "  " << name << ": MISSING\n    note: " << i["note"].get<std::string>() << "\n";
        for (const auto& e : i["effects"]) out << "    meanwhile: " << e.get<std::string>() << "\n";
        continue;
      }
      const auto& v = i["value"];
      const std::string value = v.is_object() && v.contains("length") && v.contains("unit")
                                    ? std::to_string(v["length"].get<std::int64_t>()) + " " + v["unit"].get<std::string>()
                                    : clmis::dump_json(v);
      out << "  " << name << " = " << value << " (unverified)\n    source: " << i["source"].get<std::string>() << "\n";
    }
  }
}

/// The progress of an indicator computation on standard error: on a terminal a bar redrawn in
/// place ("[#######        ] 12/32 D1.stock"); asked for with --progress elsewhere (a log), a
/// line per indicator ("indicators 12/32 D1.stock"). Nothing otherwise.
clmis::Session::IndicatorProgress indicator_progress(bool asked) {
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (!terminal && !asked) return {};
  return [terminal](std::size_t done, std::size_t total, const std::string& id) {
    if (!terminal) {
      std::cerr << "indicators " << done << "/" << total << " " << id << "\n";
      return;
    }
    constexpr std::size_t width = 30;
    const std::size_t filled = total == 0 ? width : done * width / total;
    std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << "/" << total
              << " " << id << (done == total ? "\n" : "") << std::flush;
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clmis — Caribbean Labour Market Information System\n"
               "Exit codes: 0 success; 1 error; 2 usage; 3 invalid input (or an import refused);\n"
               "4 not found; 5 wrong user or password, or permission denied; 6 conflict; 7 busy;\n"
               "8 pack or version; 9 the audit trail fails verification."};
  app.set_version_flag("--version", std::string("clmis ") + CLMIS_VERSION);
  app.require_subcommand(1);
  bool json = false;
  auto json_flag = [&](CLI::App* cmd) { cmd->add_flag("--json", json, "Print JSON instead of text"); };

  std::string db_path, country, admin = "admin", password_file, data_dir;
  auto* init = app.add_subcommand("init", "Create a new database with the standard pack, a country "
                                          "profile and its administrator");
  init->add_option("database", db_path, "Path of the database file to create")->required();
  init->add_option("--country", country, "ISO 3166-1 alpha-3 code of the country profile (e.g. KNA)")
      ->required();
  init->add_option("--admin", admin, "User name of the administrator")->capture_default_str();
  init->add_option("--password-file", password_file,
                   "Read the administrator's password from the first line of this file "
                   "(otherwise CLMIS_PASSWORD, otherwise a prompt)");
  init->add_option("--data-dir", data_dir, "Use the pack and profiles under this directory instead "
                                           "of those built into the library");

  auto* profile = app.add_subcommand("profile", "Country profile of a database");
  profile->require_subcommand(1);
  auto* check = profile->add_subcommand(
      "check", "List what the country profile of a database (or of --country, before any database "
               "is made) leaves missing or not verified, grouped: legal parameters, holidays, "
               "deadlines, department; exit code 0 either way");
  auto* check_db = check->add_option("database", db_path, "Path of the database");
  check->add_option("--country", country, "ISO 3166-1 alpha-3 code of a country profile (no database)")
      ->excludes(check_db);
  check->add_option("--data-dir", data_dir, "With --country: the pack and profiles under this directory");
  json_flag(check);

  std::string upgrade_dir;
  auto* upgrade = app.add_subcommand(
      "upgrade", "Migrate a database to the newer pack and country profile built into this library "
                 "(or under --data-dir): one transaction that keeps every record, or changes nothing");
  upgrade->add_option("database", db_path, "Path of the database")->required();
  upgrade->add_option("--data-dir", upgrade_dir, "Take the pack and profile from this directory");

  std::string type_name;
  auto* schema_cmd = app.add_subcommand("schema", "Record types, fields, code lists and workflows in force");
  schema_cmd->add_option("database", db_path, "Path of the database")->required();
  schema_cmd->add_option("--type", type_name, "Only this record type");
  json_flag(schema_cmd);

  // codes
  std::string list, code, lang, parent;
  int level = 0;
  std::vector<std::string> label_opts;
  Login login;
  auto* codes = app.add_subcommand("codes", "Code lists (Table Maintenance)");
  codes->require_subcommand(1);
  auto* codes_list = codes->add_subcommand("list", "The codes of a list, with labels in a language");
  codes_list->add_option("database", db_path, "Path of the database")->required();
  codes_list->add_option("list", list, "Code list, e.g. isco08, parish")->required();
  codes_list->add_option("--lang", lang, "Language of the labels (default: the country's first)");
  json_flag(codes_list);
  auto* codes_add = codes->add_subcommand("add", "Add a code");
  auto* codes_relabel = codes->add_subcommand("relabel", "Change a code's labels");
  auto* codes_deactivate = codes->add_subcommand("deactivate", "Refuse a code on new entries (kept on old ones)");
  auto* codes_activate = codes->add_subcommand("activate", "Accept a deactivated code again");
  auto* codes_delete = codes->add_subcommand("delete", "Delete a code nothing uses");
  for (auto* c : {codes_add, codes_relabel, codes_deactivate, codes_activate, codes_delete}) {
    c->add_option("database", db_path, "Path of the database")->required();
    c->add_option("list", list, "Code list")->required();
    c->add_option("code", code, "The code")->required();
    login.options(c);
  }
  codes_add->add_option("--label", label_opts, "LANG=TEXT, e.g. --label en=Welder --label nl=Lasser (en required)")->required();
  codes_add->add_option("--parent", parent, "Parent code (the new code is one level below)");
  codes_add->add_option("--level", level, "Level (default: 1, or the parent's + 1)");
  codes_relabel->add_option("--label", label_opts, "LANG=TEXT; LANG= removes a language other than en")->required();

  // the country's calendar
  int cal_year = 0, cal_days = 0;
  std::string cal_date, cal_to, cal_rule, cal_name, cal_note;
  bool cal_working = false, cal_explain = false;
  auto* calendar = app.add_subcommand("calendar", "The country's public holidays and working days");
  calendar->require_subcommand(1);
  auto* cal_list = calendar->add_subcommand("list", "The holidays of a year: computed, proclaimed and estimated");
  auto* cal_add = calendar->add_subcommand("add-days", "A date plus a number of days, calendar or working days");
  auto* cal_between = calendar->add_subcommand("between", "The working days after one date up to another");
  auto* cal_pending = calendar->add_subcommand("pending", "The holidays of a year whose date is still to be proclaimed");
  auto* cal_proclaim = calendar->add_subcommand(
      "proclaim", "Enter a holiday's date proclaimed for its year (--rule) or a one-off day off (--name)");
  auto* cal_withdraw = calendar->add_subcommand("withdraw", "Withdraw an entered date (--rule and --year, or --date)");
  for (auto* c : {cal_list, cal_add, cal_between, cal_pending, cal_proclaim, cal_withdraw})
    c->add_option("database", db_path, "Path of the database")->required();
  for (auto* c : {cal_list, cal_pending}) c->add_option("--year", cal_year, "The year")->required()->check(CLI::Range(1900, 2200));
  cal_list->add_option("--lang", lang, "Language of the names (default: the country's first)");
  cal_add->add_option("date", cal_date, "The date counted from, YYYY-MM-DD")->required();
  cal_add->add_option("days", cal_days, "How many days (0 or more)")->required();
  cal_add->add_flag("--working", cal_working, "Count working days (weekends and days off skipped)");
  cal_add->add_flag("--explain", cal_explain, "List every day skipped and why");
  cal_between->add_option("from", cal_date, "From (not counted), YYYY-MM-DD")->required();
  cal_between->add_option("to", cal_to, "To (counted), YYYY-MM-DD")->required();
  cal_proclaim->add_option("date", cal_date, "The date, YYYY-MM-DD")->required();
  auto* rule_opt = cal_proclaim->add_option("--rule", cal_rule, "The holiday rule whose date this is (see `calendar pending`)");
  cal_proclaim->add_option("--name", cal_name, "A one-off day's name")->excludes(rule_opt);
  cal_proclaim->add_option("--note", cal_note, "The notice: gazette, proclamation, its date");
  cal_withdraw->add_option("--rule", cal_rule, "The rule");
  cal_withdraw->add_option("--year", cal_year, "The year of the rule's entry");
  cal_withdraw->add_option("--date", cal_date, "The date of a one-off day");
  for (auto* c : {cal_proclaim, cal_withdraw}) login.options(c);
  for (auto* c : {cal_list, cal_add, cal_between, cal_pending, cal_proclaim, cal_withdraw}) json_flag(c);

  // records
  std::int64_t id = 0;
  auto* get = app.add_subcommand("get", "One record");
  get->add_option("database", db_path, "Path of the database")->required();
  get->add_option("type", type_name, "Record type")->required();
  get->add_option("id", id, "Record id")->required();
  login.options(get);
  json_flag(get);

  std::vector<std::string> where, sort;
  std::string fields_opt;
  int limit = 50;
  bool include_archived = false;
  bool force = false;  // --force: an output file may replace an existing one (never the database's)
  std::string as_of;   // query, export: the date of the records' age_group; counts: the day
  auto* query = app.add_subcommand("query", "Records of a type matching conditions");
  query->add_option("database", db_path, "Path of the database")->required();
  query->add_option("type", type_name, "Record type")->required();
  query->add_option("--where", where,
                    "Condition FIELD=VALUE, FIELD!=VALUE, FIELD<VALUE, FIELD<=VALUE, FIELD>VALUE, "
                    "FIELD>=VALUE, FIELD~TEXT (contains), FIELD= (no value); repeat to combine");
  query->add_option("--sort", sort, "Sort by FIELD, or -FIELD for descending; repeatable");
  query->add_option("--limit", limit, "At most this many records (1 to 1000)")->capture_default_str();
  query->add_option("--fields", fields_opt,
                    "Only these fields, comma-separated, in this order (id is shown first unless listed); "
                    "also restricts --json output");
  query->add_flag("--include-archived", include_archived, "Also archived records");
  query->add_option("--as-of", as_of,
                    "The date YYYY-MM-DD the records' age_group (of date_of_birth) is computed at "
                    "(default: today in the country's time zone)");
  login.options(query);
  json_flag(query);

  std::int64_t since = 0;
  auto* changes = app.add_subcommand("changes", "The change feed: committed writes after a change number");
  changes->add_option("database", db_path, "Path of the database")->required();
  changes->add_option("--since", since, "Change number to start after (default 0)");
  changes->add_option("--limit", limit, "At most this many (1 to 10000)");
  login.options(changes);
  json_flag(changes);

  auto* history = app.add_subcommand("history", "The dated history of one record");
  history->add_option("database", db_path, "Path of the database")->required();
  history->add_option("type", type_name, "Record type")->required();
  history->add_option("id", id, "Record id")->required();
  login.options(history);
  json_flag(history);

  auto* counts = app.add_subcommand(
      "counts", "How many records of a type with a workflow were in each state on a day (from their "
                "dated history)");
  counts->add_option("database", db_path, "Path of the database")->required();
  counts->add_option("type", type_name, "Record type with a workflow, e.g. job_seeker, vacancy")->required();
  counts->add_option("--as-of", as_of, "The day YYYY-MM-DD (default: today in the country's time zone)");
  login.options(counts);
  json_flag(counts);

  std::string transition_name, effective;
  std::int64_t version = 0;
  std::vector<std::string> sets;
  auto* transition = app.add_subcommand("transition", "Move a record through a transition of its workflow");
  transition->add_option("database", db_path, "Path of the database")->required();
  transition->add_option("type", type_name, "Record type")->required();
  transition->add_option("id", id, "Record id")->required();
  transition->add_option("name", transition_name, "Transition, e.g. activate, close")->required();
  transition->add_option("--version", version, "The record's version as read (a stale one is refused)")->required();
  transition->add_option("--date", effective, "Effective date YYYY-MM-DD (default today)");
  transition->add_option("--set", sets, "FIELD=VALUE the transition sets, e.g. --set outcome=placed; repeatable");
  login.options(transition);

  // deadline: a case's deadlines, how one was counted, and changing one (docs/workflows.md)
  std::string deadline_id, deadline_action, deadline_reason, deadline_date;
  std::int64_t deadline_days = 0;
  bool deadline_explain = false;
  auto* deadline = app.add_subcommand(
      "deadline", "The deadlines of a case; --explain DEADLINE: how its due date was counted; "
                  "DEADLINE pause|resume|extend|clear --reason R [--days N] [--date D]: change one");
  deadline->add_option("database", db_path, "Path of the database")->required();
  deadline->add_option("type", type_name, "Record type, e.g. complaint")->required();
  deadline->add_option("id", id, "Record id")->required();
  deadline->add_option("deadline", deadline_id, "A deadline of the case, e.g. complaint.resolution");
  deadline->add_option("action", deadline_action, "pause, resume, extend or clear");
  deadline->add_flag("--explain", deadline_explain, "How the deadline's due date was counted: the days skipped and why");
  deadline->add_option("--reason", deadline_reason, "Why (pause, extend, clear; kept with the case)");
  deadline->add_option("--days", deadline_days, "extend: the days to add");
  deadline->add_option("--date", deadline_date, "The day of the change YYYY-MM-DD (default today)");
  deadline->add_option("--as-of", as_of, "The day overdue is judged on (default today)");
  login.options(deadline);
  json_flag(deadline);

  // assign, queue, ageing: work queues (docs/workflows.md)
  std::string assignee, assign_reason, queue_officer, queue_section, queue_cursor;
  std::vector<std::string> queue_types;
  bool queue_overdue = false, assign_none = false;
  int queue_due_within = -1, queue_limit = 50;
  auto* assign = app.add_subcommand("assign", "Assign a case to an officer (supervisors), or to nobody with --none");
  assign->add_option("database", db_path, "Path of the database")->required();
  assign->add_option("type", type_name, "Case type, e.g. complaint")->required();
  assign->add_option("id", id, "Case id")->required();
  assign->add_option("user", assignee, "The officer's user name");
  assign->add_flag("--none", assign_none, "Assign the case to nobody");
  assign->add_option("--reason", assign_reason, "Why (kept with the assignment)");
  login.options(assign);
  json_flag(assign);
  auto* queue = app.add_subcommand("queue", "A work queue: running deadlines of cases by due date");
  queue->add_option("database", db_path, "Path of the database")->required();
  queue->add_option("--officer", queue_officer, "Only the cases assigned to this user");
  queue->add_option("--section", queue_section, "Only the case types of this section");
  queue->add_option("--type", queue_types, "Only this case type; repeatable");
  queue->add_flag("--overdue", queue_overdue, "Only deadlines due before the day (--as-of)");
  queue->add_option("--due-within", queue_due_within, "Only deadlines due within N days of the day");
  queue->add_option("--as-of", as_of, "The day YYYY-MM-DD (default today)");
  queue->add_option("--limit", queue_limit, "Rows per page (default 50)");
  queue->add_option("--cursor", queue_cursor, "The next_cursor of the previous page");
  login.options(queue);
  json_flag(queue);
  auto* timeline = app.add_subcommand("timeline", "Every event of a case in order: history, assignments, deadlines");
  timeline->add_option("database", db_path, "Path of the database")->required();
  timeline->add_option("type", type_name, "Case type, e.g. complaint")->required();
  timeline->add_option("id", id, "Case id")->required();
  login.options(timeline);
  json_flag(timeline);
  // link, unlink, links: links between records (docs/workflows.md)
  std::string link_to_type, link_relation, link_note, unlink_reason;
  std::int64_t link_to_id = 0, link_id = 0;
  auto* link = app.add_subcommand("link", "Link a record to another (e.g. a complaint that led to an inspection)");
  link->add_option("database", db_path, "Path of the database")->required();
  link->add_option("type", type_name, "Record type, e.g. complaint")->required();
  link->add_option("id", id, "Record id")->required();
  link->add_option("to_type", link_to_type, "The other record's type")->required();
  link->add_option("to_id", link_to_id, "The other record's id")->required();
  link->add_option("--relation", link_relation, "A code of link_relation (default related)");
  link->add_option("--note", link_note, "A note kept with the link");
  login.options(link);
  json_flag(link);
  auto* unlink = app.add_subcommand("unlink", "Remove a link (it stays in the timelines, marked removed)");
  unlink->add_option("database", db_path, "Path of the database")->required();
  unlink->add_option("link", link_id, "The link's id (clmis links)")->required();
  unlink->add_option("--reason", unlink_reason, "Why it is removed")->required();
  login.options(unlink);
  json_flag(unlink);
  auto* links = app.add_subcommand("links", "The links from and to a record");
  links->add_option("database", db_path, "Path of the database")->required();
  links->add_option("type", type_name, "Record type")->required();
  links->add_option("id", id, "Record id")->required();
  login.options(links);
  json_flag(links);
  // override, clear-override, overrides: an officer's value for a computed field (docs/workflows.md)
  std::string override_field, override_value, override_reason;
  auto* override_cmd = app.add_subcommand(
      "override", "Override a computed field (days not worked, total severance...) with a value and a reason");
  override_cmd->add_option("database", db_path, "Path of the database")->required();
  override_cmd->add_option("type", type_name, "Record type, e.g. industrial_action")->required();
  override_cmd->add_option("id", id, "Record id")->required();
  override_cmd->add_option("field", override_field, "The computed field")->required();
  override_cmd->add_option("value", override_value, "Its value, typed as --set types it (money as \"1500.00 XCD\")")
      ->required();
  override_cmd->add_option("--version", version, "The record's version as read")->required();
  override_cmd->add_option("--reason", override_reason, "Why the computed value is not the right one")->required();
  login.options(override_cmd);
  json_flag(override_cmd);
  auto* clear_override_cmd =
      app.add_subcommand("clear-override", "Clear an override: the field is computed again from the record");
  clear_override_cmd->add_option("database", db_path, "Path of the database")->required();
  clear_override_cmd->add_option("type", type_name, "Record type")->required();
  clear_override_cmd->add_option("id", id, "Record id")->required();
  clear_override_cmd->add_option("field", override_field, "The computed field")->required();
  clear_override_cmd->add_option("--version", version, "The record's version as read")->required();
  clear_override_cmd->add_option("--reason", override_reason, "Why the override is cleared")->required();
  login.options(clear_override_cmd);
  json_flag(clear_override_cmd);
  auto* overrides_cmd = app.add_subcommand("overrides", "The overrides of a record's computed fields");
  overrides_cmd->add_option("database", db_path, "Path of the database")->required();
  overrides_cmd->add_option("type", type_name, "Record type")->required();
  overrides_cmd->add_option("id", id, "Record id")->required();
  login.options(overrides_cmd);
  json_flag(overrides_cmd);
  std::string letter_id, letter_lang, letter_format = "html", letter_output;
  auto* letter_cmd = app.add_subcommand(
      "letter", "Produce a letter of a record from the pack's template (stored with the record, audited)");
  letter_cmd->add_option("database", db_path, "Path of the database")->required();
  letter_cmd->add_option("type", type_name, "Record type, e.g. complaint")->required();
  letter_cmd->add_option("id", id, "Record id")->required();
  letter_cmd->add_option("template", letter_id, "The letter, e.g. complaint.acknowledgement")->required();
  letter_cmd->add_option("--lang", letter_lang, "Language: en, nl, es (default: the country's first language)");
  letter_cmd->add_option("--format", letter_format, "html (default) or text");
  letter_cmd->add_option("--output", letter_output, "Write the letter to this file (default: standard output)");
  letter_cmd->add_flag("--force", force, "Replace the output file if it exists (never the database's own files)");
  login.options(letter_cmd);
  json_flag(letter_cmd);
  auto* ageing = app.add_subcommand("ageing", "Open cases on a day by type, state and days since received");
  ageing->add_option("database", db_path, "Path of the database")->required();
  ageing->add_option("--type", queue_types, "Only this case type; repeatable");
  ageing->add_option("--section", queue_section, "Only the case types of this section");
  ageing->add_option("--as-of", as_of, "The day YYYY-MM-DD (default today)");
  login.options(ageing);
  json_flag(ageing);

  // indicators list | compute | explain: the national indicator package (docs/indicators.md)
  std::vector<std::string> ind_ids, ind_by, ind_cells;
  bool ind_protect = false, ind_primary_only = false, ind_progress = false;
  std::string ind_period, ind_freq, ind_lang, ind_format = "table", ind_out, ind_id;
  auto* ind = app.add_subcommand("indicators", "The national labour-market indicator package: list, compute, explain");
  ind->require_subcommand(1);
  auto* ind_list = ind->add_subcommand("list", "The package's indicators with their definitions and metadata");
  ind_list->add_option("database", db_path, "Path of the database")->required();
  ind_list->add_option("--lang", ind_lang, "Language of names and metadata (default: the country's first)");
  auto* ind_compute = ind->add_subcommand("compute", "Compute indicators for a period, by dimensions");
  ind_compute->add_option("database", db_path, "Path of the database")->required();
  ind_compute->add_option("--indicator", ind_ids, "An indicator id (repeatable; default: all)");
  ind_compute->add_option("--period", ind_period, "2024, 2024-Q1, 2024-01 or 2020..2024")->required();
  ind_compute->add_option("--freq", ind_freq, "Split the period: year, quarter or month");
  ind_compute->add_option("--by", ind_by, "Dimensions, comma-separated: sex, age, geo, eco, ocu, edu")->delimiter(',');
  ind_compute->add_option("--format", ind_format, "table (default), csv or json");
  ind_compute->add_option("--out", ind_out, "Write to this file (default: standard output)");
  ind_compute->add_flag("--force", force, "Replace the output file if it exists (never the database's own files)");
  auto* compute_protect = ind_compute->add_flag("--protect", ind_protect, "Disclosure control: suppress unsafe cells (status Q) before publishing");
  ind_compute->add_flag("--primary-only", ind_primary_only,
                        "With --protect: protection intervals for the primary cells only (the classical rule; default: every suppressed cell)")
      ->needs(compute_protect);
  ind_compute->add_flag("--progress", ind_progress, "Report progress on standard error, a line per indicator (a terminal shows a bar anyway)");
  auto* ind_explain = ind->add_subcommand("explain", "How one value was made: definition, query, exact parts");
  ind_explain->add_option("database", db_path, "Path of the database")->required();
  ind_explain->add_option("indicator", ind_id, "The indicator, e.g. C3")->required();
  ind_explain->add_option("--period", ind_period, "One period: 2024, 2024-Q1 or 2024-01")->required();
  ind_explain->add_option("--cell", ind_cells, "A dimension's code, e.g. sex=F (repeatable)");
  // indicators export: a file to send (docs/indicators.md, "Exports")
  std::string ind_export_format, ind_export_out;
  auto* ind_export = ind->add_subcommand("export", "Indicators as a file to send: SDMX, ILOSTAT, CSV, JSON, Excel");
  ind_export->add_option("database", db_path, "Path of the database")->required();
  ind_export->add_option("--format", ind_export_format,
                         "sdmx-csv, sdmx-json, sdmx-structure, ilostat, csv, json or xlsx")->required();
  ind_export->add_option("--indicator", ind_ids, "An indicator id (repeatable; default: all)");
  ind_export->add_option("--period", ind_period, "2024, 2024-Q1, 2024-01 or 2020..2024 (not for sdmx-structure)");
  ind_export->add_option("--freq", ind_freq, "Split the period: year, quarter or month");
  ind_export->add_option("--by", ind_by, "Dimensions, comma-separated: sex, age, geo, eco, ocu, edu")->delimiter(',');
  ind_export->add_option("--lang", ind_lang, "Language of names and metadata (default: the country's first)");
  auto* export_protect = ind_export->add_flag("--protect", ind_protect, "Disclosure control: suppress unsafe cells (status Q) before publishing");
  ind_export->add_flag("--primary-only", ind_primary_only,
                       "With --protect: protection intervals for the primary cells only (the classical rule; default: every suppressed cell)")
      ->needs(export_protect);
  ind_export->add_flag("--progress", ind_progress, "Report progress on standard error, a line per indicator (a terminal shows a bar anyway)");
  ind_export->add_option("--out", ind_export_out, "Write to this file (default: standard output; required for xlsx)");
  ind_export->add_flag("--force", force, "Replace the output file if it exists (never the database's own files)");
  login.options(ind_export);
  for (auto* c : {ind_list, ind_compute, ind_explain}) login.options(c);
  json_flag(ind_list);
  json_flag(ind_explain);

  // attach, documents, document: the documents of a record (docs/workflows.md, "Attachments")
  std::string attach_path, attach_name, attach_note, attach_media, doc_output;
  std::int64_t doc_id = 0;
  auto* attach_cmd = app.add_subcommand("attach", "Attach a file (a scan, a photo, a PDF) to a record");
  attach_cmd->add_option("database", db_path, "Path of the database")->required();
  attach_cmd->add_option("type", type_name, "Record type, e.g. complaint")->required();
  attach_cmd->add_option("id", id, "Record id")->required();
  attach_cmd->add_option("file", attach_path, "The file to attach")->required();
  attach_cmd->add_option("--note", attach_note, "A remark kept with the document");
  attach_cmd->add_option("--type", attach_media,
                         "The media type it should be, e.g. application/pdf (refused if the content is another)");
  attach_cmd->add_option("--name", attach_name, "The name to file it under (default: the file's name)");
  login.options(attach_cmd);
  json_flag(attach_cmd);
  auto* documents_cmd = app.add_subcommand("documents", "The documents of a record: attachments and letters");
  documents_cmd->add_option("database", db_path, "Path of the database")->required();
  documents_cmd->add_option("type", type_name, "Record type, e.g. complaint")->required();
  documents_cmd->add_option("id", id, "Record id")->required();
  login.options(documents_cmd);
  json_flag(documents_cmd);
  auto* document_cmd = app.add_subcommand("document", "Write a document's content to a file");
  document_cmd->add_option("database", db_path, "Path of the database")->required();
  document_cmd->add_option("document_id", doc_id, "The document's id (clmis documents)")->required();
  document_cmd->add_option("--output", doc_output, "The file to write (never the database's own files)")->required();
  document_cmd->add_flag("--force", force, "Replace an existing file");
  login.options(document_cmd);
  auto* withdraw_cmd = app.add_subcommand("withdraw-document", "Withdraw a document filed by mistake (supervisors)");
  withdraw_cmd->add_option("database", db_path, "Path of the database")->required();
  withdraw_cmd->add_option("document_id", doc_id, "The document's id (clmis documents)")->required();
  withdraw_cmd->add_option("--reason", attach_note, "Why (kept with the document)")->required();
  login.options(withdraw_cmd);
  json_flag(withdraw_cmd);

  // create / update / archive: one record, for a clerk
  std::string json_in, archive_reason;
  auto* create = app.add_subcommand("create", "Create a record from --set FIELD=VALUE options or a JSON object (--json FILE)");
  auto* update = app.add_subcommand("update", "Change fields of a record at the version read");
  auto* archive = app.add_subcommand("archive", "Archive a record (with a reason)");
  for (auto* c : {create, update, archive}) {
    c->add_option("database", db_path, "Path of the database")->required();
    c->add_option("type", type_name, "Record type")->required();
  }
  for (auto* c : {update, archive}) {
    c->add_option("id", id, "Record id")->required();
    c->add_option("--version", version, "The record's version as read (a stale one is refused)")->required();
  }
  for (auto* c : {create, update}) {
    c->add_option("--set", sets,
                  "FIELD=VALUE, typed by the field: money as \"1500.00 XCD\", dates YYYY-MM-DD, booleans true/false, "
                  "codes as codes, references as ids; FIELD= clears; repeatable");
    c->add_option("--json", json_in,
                  "Without a value: print the record as JSON. With FILE (- for standard input): read the record's "
                  "fields and sections from a JSON object too (--set applies after it)")
        ->expected(0, 1);
  }
  archive->add_option("--reason", archive_reason, "Why the record is archived")->required();
  json_flag(archive);
  for (auto* c : {create, update, archive}) login.options(c);

  // import / export
  std::string file, format, on_error = "abort", report_path, date_format, out_path, index_build = "auto",
      encoding = "utf-8";
  char delimiter = ',';
  auto* import = app.add_subcommand(
      "import", "Import records from CSV (the type's own fields) or JSON Lines (with sections), "
                "in one transaction");
  import->add_option("database", db_path, "Path of the database")->required();
  import->add_option("type", type_name, "Record type")->required();
  import->add_option("file", file, "CSV or JSON Lines file (- for standard input)")->required();
  import->add_option("--format", format, "csv or jsonl (default: from the file name, else csv)");
  import->add_option("--on-error", on_error,
                     "abort: import nothing if any row is bad (default); skip: import the good rows")
      ->check(CLI::IsMember({"abort", "skip"}));
  import->add_option("--report", report_path,
                     "Write every problem (row, column, value, rule, message, the row) to this CSV "
                     "file (default with --on-error skip: FILE.report.csv)");
  import->add_flag("--force", force, "Replace the report file if it exists");
  import->add_option("--date-format", date_format,
                     "Layout of dates in the file, e.g. D/M/YYYY or M/D/YYYY (default: YYYY-MM-DD only)");
  import->add_option("--delimiter", delimiter, "CSV field separator (default ,)");
  import->add_option("--encoding", encoding,
                     "The file's encoding: utf-8 (default), windows-1252 (cp1252) or latin-1 (iso-8859-1)");
  import->add_option("--index-build", index_build,
                     "auto: build the indexes no check reads after loading when the table holds at most 10,000 "
                     "records, or when the file's rows after its first 10,000 are at least half as many as the "
                     "table holds; otherwise while loading (default); after; during")
      ->check(CLI::IsMember({"auto", "after", "during"}));
  login.options(import);
  json_flag(import);

  auto* export_cmd = app.add_subcommand("export", "Export the records of a type (streaming)");
  export_cmd->add_option("database", db_path, "Path of the database")->required();
  export_cmd->add_option("type", type_name, "Record type")->required();
  export_cmd->add_option("--format", format, "csv, jsonl, json or xlsx (an Excel workbook: needs --out)")
      ->required()
      ->check(CLI::IsMember({"csv", "jsonl", "json", "xlsx"}));
  export_cmd->add_option("--out", out_path, "Output file (default: standard output)");
  export_cmd->add_option("--lang", lang, "xlsx: language of the code labels (default: the country's first)");
  export_cmd->add_flag("--include-archived", include_archived, "Also archived records");
  export_cmd->add_flag("--force", force, "Replace the output file if it exists (never the database's own files)");
  export_cmd->add_option("--where", where, "Conditions, as for query");
  export_cmd->add_option("--fields", fields_opt,
                         "Only these fields, comma-separated, in this order (CSV: no sections)");
  export_cmd->add_option("--as-of", as_of,
                         "The date YYYY-MM-DD the records' age_group is computed at (default: today)");
  login.options(export_cmd);

  // demo
  clmis::demo::DemoOptions demo_opt;
  auto* demo = app.add_subcommand(
      "demo", "Create a synthetic national database for a country: employers with workplaces, trade unions "
              "and employers' organisations, job seekers and vacancies with three years of lifecycles, "
              "following data/demo/parameters.json (plausible values, not statistics of any country)");
  demo->add_option("--country", demo_opt.country, "ISO 3166-1 alpha-3 code of the country profile")->capture_default_str();
  demo->add_option("--scale", demo_opt.scale, "Multiply every count (1: 500 employers, 50 organisations, 5,000 job seekers, 1,000 vacancies)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  demo->add_option("--seed", demo_opt.seed, "Random seed: the same seed and options make the same records")->capture_default_str();
  demo->add_option("--out", demo_opt.out_dir, "Directory of the new database DIR/clmis-demo-<iso3>.db (created if missing; an existing database is never overwritten)")->required();
  demo->add_option("--as-of", demo_opt.as_of, "Reference date YYYY-MM-DD (default: today): registrations spread over the three years up to it, no status change after it");
  demo->add_option("--parameters", demo_opt.parameters_file, "Parameters file (default: the data/demo/parameters.json built into clmis)");
  demo->add_option("--data-dir", demo_opt.data_dir, "Use the pack, profiles and demo/parameters.json under this directory");
  demo->add_option("--password-file", password_file, "Read the administrator's password from this file (otherwise CLMIS_PASSWORD, otherwise one is made up and printed)");


  // Security: accounts, service keys, the audit trail (docs/security.md)
  std::string user_name, section, expires, checkpoint_path, new_password_file;
  std::vector<std::string> roles;
  bool no_section = false, activate = false, deactivate = false, unlock = false;
  std::int64_t after = 0;
  auto database_and_login = [&](CLI::App* c) {
    c->add_option("database", db_path, "Path of the database")->required();
    login.options(c);
  };
  auto* users = app.add_subcommand("users", "Accounts (Administration): list, add, set, reset-password");
  users->require_subcommand(1);
  auto* users_list = users->add_subcommand("list", "Every account with its roles, section and state");
  auto* users_add = users->add_subcommand("add", "Create an account (the user must change the first password)");
  auto* users_set = users->add_subcommand("set", "Change roles or section, deactivate, activate or unlock an account");
  auto* users_reset = users->add_subcommand("reset-password", "Set a new password the user must change at the next login");
  for (auto* c : {users_list, users_add, users_set, users_reset}) database_and_login(c);
  json_flag(users_list);
  for (auto* c : {users_add, users_set, users_reset}) c->add_option("name", user_name, "User name")->required();
  for (auto* c : {users_add, users_set}) {
    c->add_option("--role", roles, "A role (repeatable): administrator, supervisor, officer, data_entry, "
                                   "statistician, publisher, auditor, read_only, partner_agency");
    c->add_option("--section", section, "Section: industrial_relations, inspections, employment_services, osh, "
                                        "work_permits, statistics");
  }
  std::string user_agency;  // a partner agency's user (issue 17, series)
  bool no_agency = false;
  for (auto* c : {users_add, users_set})
    c->add_option("--agency", user_agency, "The agency of a partner agency's user (code list agency: NSO, NIS...)");
  users_set->add_flag("--no-agency", no_agency, "Remove the user's agency");
  users_set->add_flag("--no-section", no_section, "Remove the user's section");
  users_set->add_flag("--activate", activate, "Activate the account");
  users_set->add_flag("--deactivate", deactivate, "Deactivate the account (its sessions stop working)");
  users_set->add_flag("--unlock", unlock, "Lift a lock after too many failed logins");
  for (auto* c : {users_add, users_reset})
    c->add_option("--new-password-file", new_password_file,
                  "The new password from this file's first line (otherwise CLMIS_NEW_PASSWORD, otherwise a prompt)");
  // series import, series list: survey and partner data (issue 17; docs/indicators.md "Series")
  std::string series_file, series_format, series_agency, series_source, series_indicator;
  bool series_revisions = false;
  auto* series_cmd = app.add_subcommand("series", "Survey and partner data: import an agency's aggregates, list them");
  series_cmd->require_subcommand(1);
  auto* series_import = series_cmd->add_subcommand(
      "import", "Import a file of aggregates (ILOSTAT bulk CSV, SDMX-CSV 2.0 or plain CSV); changes become revisions");
  auto* series_list = series_cmd->add_subcommand("list", "The observations of the series you reach (latest revisions)");
  for (auto* c : {series_import, series_list}) {
    database_and_login(c);
    json_flag(c);
  }
  series_import->add_option("file", series_file, "The file to import")->required();
  series_import->add_option("--format", series_format, "ilostat, sdmx-csv or csv")
      ->required()
      ->check(CLI::IsMember({"ilostat", "sdmx-csv", "csv"}));
  series_import->add_option("--source", series_source, "The source of rows that name none (e.g. \"LFS 2024\")");
  for (auto* c : {series_import, series_list})
    c->add_option("--agency", series_agency, "The agency (code list agency; the administrator names it)");
  series_list->add_option("--indicator", series_indicator, "Only this indicator");
  series_list->add_flag("--revisions", series_revisions, "Every revision, not only the latest");
  auto* passwd = app.add_subcommand("passwd", "Your Account: change your own password");
  database_and_login(passwd);
  passwd->add_option("--new-password-file", new_password_file,
                     "The new password from this file's first line (otherwise CLMIS_NEW_PASSWORD, otherwise a prompt)");
  auto* whoami = app.add_subcommand("whoami", "Your roles, section and what they allow on each record type");
  database_and_login(whoami);
  json_flag(whoami);
  auto* keys = app.add_subcommand("keys", "Service keys for integrators' systems: create, list, revoke");
  keys->require_subcommand(1);
  auto* keys_create = keys->add_subcommand("create", "Create a key (printed once; only its hash is kept)");
  auto* keys_list = keys->add_subcommand("list", "The keys, without secrets");
  auto* keys_revoke = keys->add_subcommand("revoke", "Revoke a key: its sessions stop at their next call");
  for (auto* c : {keys_create, keys_list, keys_revoke}) database_and_login(c);
  json_flag(keys_list);
  json_flag(keys_create);
  for (auto* c : {keys_create, keys_revoke}) c->add_option("name", user_name, "Name of the key")->required();
  keys_create->add_option("--role", roles, "A role the key's sessions may hold (repeatable)")->required();
  keys_create->add_option("--expires", expires, "Expiry date YYYY-MM-DD or UTC timestamp (default: none)");
  auto* audit = app.add_subcommand("audit", "The audit trail: verify, checkpoint, list, security-log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "Check the audit trail's HMAC chain (exit 9 if it fails)");
  auto* audit_checkpoint = audit->add_subcommand("checkpoint", "Print the head of the trail (count and MAC) to keep elsewhere");
  auto* audit_list = audit->add_subcommand("list", "Audit entries, oldest first");
  auto* audit_log = audit->add_subcommand("security-log", "Refusals, failed logins and lockouts");
  for (auto* c : {audit_verify, audit_checkpoint, audit_list, audit_log}) database_and_login(c);
  audit_verify->add_option("--checkpoint", checkpoint_path, "A checkpoint file from `clmis audit checkpoint` (detects a truncated tail)");
  json_flag(audit_verify);
  audit_checkpoint->add_option("--out", out_path, "Write the checkpoint to this file");
  audit_checkpoint->add_flag("--force", force, "Replace the checkpoint file if it exists");
  for (auto* c : {audit_list, audit_log}) {
    c->add_option("--after", after, "Entries after this id");
    c->add_option("--limit", limit, "At most this many entries (default 50)");
    json_flag(c);
  }

  auto* backup_cmd = app.add_subcommand(
      "backup", "An online, verified copy of the database and its key (FILE and FILE.key); writers may go on");
  database_and_login(backup_cmd);
  std::string backup_path, backup_key;
  backup_cmd->add_option("file", backup_path, "The backup file to write")->required();
  backup_cmd->add_flag("--force", force, "Replace an existing backup file");
  json_flag(backup_cmd);
  auto* restore_cmd = app.add_subcommand(
      "restore", "Verify a backup (integrity, key, audit chain) and copy it and its key to DATABASE");
  restore_cmd->add_option("backup", backup_path, "The backup file")->required();
  restore_cmd->add_option("database", db_path, "Where to restore it")->required();
  restore_cmd->add_option("--key", backup_key, "The backup's key file (default BACKUP.key)");
  restore_cmd->add_flag("--force", force,
                        "Replace an existing database at DATABASE (stop every program using it first)");
  json_flag(restore_cmd);

  auto* check_cmd = app.add_subcommand(
      "check", "Report file permissions, the audit key, integrity, the audit chain and records today's rules refuse "
               "(exit 10 if anything is wrong, 9 if the audit chain fails)");
  database_and_login(check_cmd);
  std::size_t max_problems = 50;
  check_cmd->add_option("--limit", max_problems, "List at most this many record problems (default 50; all are counted)")
      ->check(CLI::Range(1, 100000));
  json_flag(check_cmd);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const auto hint = usage_hint(app, argc, argv); !hint.empty()) {
      std::cerr << "clmis: " << hint << "\nRun with --help for more information.\n";
      return kExitUsage;
    }
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  try {
    if (*init) {
      clmis::InitOptions o;
      o.country = country;
      o.admin_user = admin;
      o.data_dir = data_dir;
      o.admin_password = obtain_password(password_file, true);
      if (const char* k = std::getenv("CLMIS_AUDIT_KEY_FILE"); k && *k) o.audit_key_file = k;
      auto db = clmis::Database::init(db_path, o);
      auto schema = db.schema();
      std::cout << "Created " << db_path << " for " << schema["country"]["name"]["en"].get<std::string>()
                << " (pack " << schema["pack"]["name"].get<std::string>() << " "
                << schema["pack"]["version"].get<std::string>() << ") with administrator \"" << admin
                << "\".\n"
                << "Audit key: " << (o.audit_key_file.empty() ? db_path + ".key" : o.audit_key_file)
                << " (owner-only; clmis needs it to open the database: back it up apart from the "
                   "database, see docs/security.md).\n";
      if (const auto report = db.profile_check(); report["missing"].get<std::int64_t>() > 0)
        std::cout << "The country profile leaves " << report["missing"].get<std::int64_t>()
                  << " value(s) missing (nothing is guessed in their place): clmis profile check " << db_path << "\n";
    }
    if (*demo) {
      // The administrator's password: --password-file, CLMIS_PASSWORD, else made up and shown.
      const char* env = std::getenv("CLMIS_PASSWORD");
      const bool made_up = password_file.empty() && !(env && *env);
      if (made_up) {
        static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
        std::random_device rd;
        for (int i = 0; i < 16; ++i) demo_opt.admin_password += kAlphabet[rd() % (sizeof kAlphabet - 1)];
      } else {
        demo_opt.admin_password = obtain_password(password_file, false);
      }
      // The demo's users (one per role) share a password: CLMIS_DEMO_USERS_PASSWORD, else made up.
      if (const char* up = std::getenv("CLMIS_DEMO_USERS_PASSWORD"); up && *up) {
        demo_opt.users_password = up;
      } else {
        static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
        std::random_device rd;
        for (int i = 0; i < 16; ++i) demo_opt.users_password += kAlphabet[rd() % (sizeof kAlphabet - 1)];
      }
      const auto summary = clmis::demo::run_demo(demo_opt, std::cout);
      if (made_up) std::cout << "\nAdministrator: admin, password " << demo_opt.admin_password << "\n";
      std::cout << "Demo users' password: " << demo_opt.users_password << "\n";
      std::cout << "\nTry:\n"
                << "  clmis query " << summary.path << " job_seeker --where status=active --limit 5 --user admin\n"
                << "  clmis history " << summary.path << " job_seeker 1 --user admin\n"
                << "  clmis export " << summary.path << " vacancy --format csv --out vacancies.csv --user admin\n"
                << "\nLog in as each role (with the demo users' password) and see what it may do:\n";
      for (const auto& [name, role, section] : summary.users)
        std::cout << "  CLMIS_USER=" << name << " clmis whoami " << summary.path << "\n";
      std::cout << "  CLMIS_USER=statistician clmis query " << summary.path
                << " job_seeker --limit 3     # names, NIS numbers and birth dates masked; age groups shown\n"
                << "  CLMIS_USER=officer clmis query " << summary.path
                << " organisation              # refused: another section's records\n"
                << "  clmis audit verify " << summary.path << " --user admin\n";
    }
    if (*upgrade) {
      const std::string before = open_db(db_path).schema()["pack"]["version"];
      clmis::OpenOptions oo;
      oo.data_dir = upgrade_dir;
      oo.upgrade = true;
      auto db = open_db(db_path, oo);
      const std::string after = db.schema()["pack"]["version"];
      if (before == after)
        std::cout << db_path << ": pack " << after << " is current; nothing to do.\n";
      else
        std::cout << db_path << ": migrated from pack " << before << " to " << after << ".\n";
    }
    if (*check) {
      if (db_path.empty() == country.empty()) {
        std::cerr << "clmis: profile check needs a database or --country ISO3\nRun with --help for more information.\n";
        return kExitUsage;
      }
      const auto report = country.empty() ? open_db(db_path).profile_check()
                                          : clmis::Database::profile_check_country(country, data_dir);
      if (json) {
        std::cout << clmis::dump_json(report, 2) << "\n";
      } else {
        print_profile_check(std::cout, report);
      }
    }
    if (*schema_cmd) {
      auto db = open_db(db_path);
      const auto schema = db.schema();
      if (!type_name.empty()) record_type(schema, type_name);  // an unknown type: not found (exit 4)
      if (json) {
        std::cout << clmis::dump_json(type_name.empty() ? schema : record_type(schema, type_name), 2) << "\n";
      } else {
        std::cout << "pack " << schema["pack"]["name"].get<std::string>() << " "
                  << schema["pack"]["version"].get<std::string>() << ", country "
                  << schema["country"]["iso3"].get<std::string>() << "\n";
        for (const auto& t : schema["record_types"]) {
          if (!type_name.empty() && t["name"] != type_name) continue;
          std::cout << "\n" << t["name"].get<std::string>() << " — " << t["label"]["en"].get<std::string>() << "\n";
          for (const auto& f : t["fields"]) {
            std::string detail = f["type"];
            if (f.contains("code_list")) detail += " " + f["code_list"].get<std::string>();
            if (f.contains("target")) detail += " → " + f["target"].get<std::string>();
            if (f["required"].get<bool>()) detail += ", required";
            std::cout << "  " << f["name"].get<std::string>() << "  (" << detail << ")  "
                      << f["label"]["en"].get<std::string>() << "\n";
          }
          for (const auto& sec : t["sections"]) {
            std::cout << "  [" << sec["name"].get<std::string>() << "]";
            for (const auto& f : sec["fields"]) std::cout << " " << f["name"].get<std::string>();
            std::cout << "\n";
          }
          if (t.contains("workflow")) {
            std::cout << "  workflow:";
            for (const auto& tr : t["workflow"]["transitions"])
              std::cout << " " << tr["name"].get<std::string>() << " → " << tr["to"].get<std::string>() << ";";
            std::cout << "\n";
          }
        }
      }
    }
    if (*cal_list) {
      auto db = open_db(db_path);
      const auto days = db.calendar(cal_year, lang);
      if (json) {
        std::cout << clmis::dump_json(days, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : days)
          rows.push_back({d["date"], d["weekday"], d["name"], d["kind"], display(d["rule"]), d["status"],
                          d["day_off"].get<bool>() ? (d["statutory"].get<bool>() ? "" : "customary") : "working day",
                          d["source"]});
        print_table({"date", "day", "name", "kind", "rule", "status", "", "source"}, rows);
      }
    }
    if (*cal_add || *cal_between || *cal_pending) {
      auto db = open_db(db_path);
      clmis::Json r;
      if (*cal_add) r = db.add_days(cal_date, cal_days, cal_working, cal_explain);
      else if (*cal_between) r = db.working_days(cal_date, cal_to);
      else r = db.calendar_pending(cal_year);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else if (*cal_add) {
        std::cout << r["date"].get<std::string>() << "\n";
        if (r.contains("skipped"))
          for (const auto& k : r["skipped"])
            for (const auto& why : k["reasons"])
              std::cout << "  skipped " << k["date"].get<std::string>() << " " << why.get<std::string>() << "\n";
      } else if (*cal_between) {
        std::cout << r["working_days"].get<std::int64_t>() << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : r) rows.push_back({p["rule"], p["name"], display(p["estimate"]), p["source"]});
        std::cout << r.size() << " holiday(s) of " << cal_year << " to proclaim\n";
        if (!rows.empty()) print_table({"rule", "name", "estimate", "source"}, rows);
      }
    }
    if (*cal_proclaim || *cal_withdraw) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json spec = clmis::Json::object();
      clmis::Json r;
      if (*cal_proclaim) {
        spec["date"] = cal_date;
        if (!cal_rule.empty()) spec["rule"] = cal_rule;
        if (!cal_name.empty()) spec["name"] = cal_name;
        if (!cal_note.empty()) spec["note"] = cal_note;
        r = s.proclaim(spec);
      } else {
        if (!cal_rule.empty()) spec["rule"] = cal_rule;
        if (cal_year) spec["year"] = cal_year;
        if (!cal_date.empty()) spec["date"] = cal_date;
        r = s.withdraw_proclamation(spec);
      }
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::cout << (*cal_proclaim ? "entered " : "withdrawn ") << r["date"].get<std::string>() << "\n";
        for (const auto& a : r["added"]) std::cout << "  + " << a["date"].get<std::string>() << " " << a["name"].get<std::string>() << "\n";
        for (const auto& a : r["removed"]) std::cout << "  - " << a["date"].get<std::string>() << " " << a["name"].get<std::string>() << "\n";
        if (!r["working_days_change_from"].is_null())
          std::cout << "working days change from " << r["working_days_change_from"].get<std::string>()
                    << ": time limits running past it may move\n";
      }
    }
    if (*codes_list) {
      auto db = open_db(db_path);
      const auto list_json = db.codes(list, lang);
      if (json) {
        std::cout << clmis::dump_json(list_json, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : list_json)
          rows.push_back({c["code"], c["label"], display(c["parent"]), std::to_string(c["level"].get<int>()),
                          c["active"].get<bool>() ? "" : "inactive"});
        print_table({"code", "label", "parent", "level", ""}, rows);
      }
    }
    if (*codes_add || *codes_relabel || *codes_deactivate || *codes_activate || *codes_delete) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      if (*codes_add) {
        clmis::Json c = {{"code", code}, {"label", labels(label_opts)}};
        if (!parent.empty()) c["parent"] = parent;
        if (level) c["level"] = level;
        s.code_add(list, c);
        std::cout << "added " << list << " " << code << "\n";
      } else if (*codes_relabel) {
        clmis::Json l = labels(label_opts);
        for (auto it = l.begin(); it != l.end(); ++it)
          if (it->get<std::string>().empty()) *it = nullptr;
        s.code_update(list, code, {{"label", l}});
        std::cout << "relabelled " << list << " " << code << "\n";
      } else if (*codes_deactivate || *codes_activate) {
        s.code_update(list, code, {{"active", bool(*codes_activate)}});
        std::cout << (*codes_activate ? "activated " : "deactivated ") << list << " " << code << "\n";
      } else {
        s.code_delete(list, code);
        std::cout << "deleted " << list << " " << code << "\n";
      }
    }
    if (*get) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      (void)record_type(db.schema(), type_name);  // an unknown type: not found (exit 4), with the closest
      const auto r = s.get(type_name, id);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        for (auto it = r.begin(); it != r.end(); ++it) {
          if (it->is_array()) {
            std::cout << it.key() << ": " << it->size() << " entr" << (it->size() == 1 ? "y" : "ies") << "\n";
            for (const auto& e : *it) std::cout << "  - " << clmis::dump_json(e) << "\n";
          } else {
            std::cout << it.key() << ": " << display(*it) << "\n";
          }
        }
      }
    }
    if (*query) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto schema = db.schema();
      const auto& t = record_type(schema, type_name);
      clmis::Json q = {{"limit", limit}, {"include_archived", include_archived}};
      clmis::Json filter = clmis::Json::array();
      for (const auto& w : where) filter.push_back(condition(w, t));
      q["filter"] = filter;
      clmis::Json sorts = clmis::Json::array();
      for (const auto& k : sort)
        sorts.push_back(k.rfind('-', 0) == 0 ? clmis::Json{{"field", k.substr(1)}, {"desc", true}}
                                             : clmis::Json{{"field", k}});
      q["sort"] = sorts;
      if (!as_of.empty()) q["as_of"] = as_of;
      // --fields: the records have only those (the library checks the names), with id first
      // unless it is listed.
      const auto fields = field_list(fields_opt);
      std::vector<std::string> cols;
      if (!fields.empty()) {
        if (std::find(fields.begin(), fields.end(), "id") == fields.end()) cols.push_back("id");
        cols.insert(cols.end(), fields.begin(), fields.end());
        q["fields"] = cols;
      }
      const auto page = s.query(type_name, q);
      if (json) {
        std::cout << clmis::dump_json(page, 2) << "\n";
      } else {
        if (cols.empty()) {
          cols.push_back("id");
          for (const auto& f : t["fields"]) {
            if (cols.size() >= 7) break;
            cols.push_back(f["name"]);
            if (t.contains("age_group") && f["name"] == t["age_group"]["from"]) cols.push_back("age_group");
          }
        }
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : page["records"]) {
          std::vector<std::string> row;
          for (const auto& c : cols) row.push_back(r.contains(c) ? display(r[c]) : "");
          rows.push_back(row);
        }
        print_table(cols, rows);
        std::cout << page["records"].size() << " record(s)"
                  << (page["next"].is_null() ? "" : "; more: raise --limit or narrow --where") << "\n";
      }
    }
    if (*changes) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto feed = s.changes_since(since, limit == 50 ? 1000 : limit);
      if (json) {
        std::cout << clmis::dump_json(feed, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : feed["changes"])
          rows.push_back({std::to_string(c["seq"].get<std::int64_t>()), c["at"], c["by"], c["op"],
                          c["record_type"], std::to_string(c["id"].get<std::int64_t>()),
                          std::to_string(c["version"].get<std::int64_t>())});
        print_table({"seq", "at", "by", "op", "type", "id", "version"}, rows);
      }
    }
    if (*history) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      (void)record_type(db.schema(), type_name);  // an unknown type: not found (exit 4), with the closest
      const auto h = s.history(type_name, id);
      if (json) {
        std::cout << clmis::dump_json(h, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : h)
          rows.push_back({r["effective_date"], r["event"], display(r["field"]), display(r["from"]), display(r["to"]),
                          detail_text(r["detail"]), r["by"], r["at"]});
        print_table({"effective", "event", "field", "from", "to", "detail", "by", "at"}, rows);
      }
    }
    if (*counts) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      (void)record_type(db.schema(), type_name);  // an unknown type: not found (exit 4), with the closest
      const auto c = s.status_counts(type_name, as_of.empty() ? db.today() : as_of);
      if (json) {
        std::cout << clmis::dump_json(c, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        std::int64_t total = 0;
        for (auto it = c["counts"].begin(); it != c["counts"].end(); ++it) {
          rows.push_back({it.key(), std::to_string(it->get<std::int64_t>())});
          total += it->get<std::int64_t>();
        }
        rows.push_back({"total", std::to_string(total)});
        std::cout << type_name << " on " << c["date"].get<std::string>() << "\n";
        print_table({"state", "records"}, rows);
      }
    }
    if (*deadline) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      auto show = [&](const clmis::Json& list) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : list)
          rows.push_back({d["deadline"], std::to_string(d["cycle"].get<std::int64_t>()), d["state"], d["started"],
                          display(d["due"]), display(d["met_on"].is_null() ? d["cleared_on"] : d["met_on"]),
                          d["overdue"].get<bool>() ? "overdue" : (d["met_late"].get<bool>() ? "met late" : ""),
                          std::to_string(d["length"].get<std::int64_t>()) + " " +
                              (d["unit"] == "working_days" ? "working days" : "days") +
                              (d["extension"].get<std::int64_t>() ? " + " + std::to_string(d["extension"].get<std::int64_t>())
                                                                  : std::string())});
        print_table({"deadline", "cycle", "state", "started", "due", "ended", "", "counts"}, rows);
      };
      if (!deadline_action.empty()) {
        if (deadline_id.empty()) throw clmis::Misuse("name the deadline to change, e.g. complaint.resolution");
        const std::vector<std::string> actions{"pause", "resume", "extend", "clear"};
        if (std::find(actions.begin(), actions.end(), deadline_action) == actions.end())
          throw clmis::Misuse("a deadline is changed by pause, resume, extend or clear, not " +
                              clmis::detail::quoted(deadline_action) + clmis::detail::did_you_mean(deadline_action, actions));
        clmis::Json change = {{"action", deadline_action}};
        if (!deadline_reason.empty()) change["reason"] = deadline_reason;
        if (deadline->count("--days")) change["days"] = deadline_days;
        if (!deadline_date.empty()) change["date"] = deadline_date;
        const auto r = s.deadline_change(type_name, id, deadline_id, change);
        if (json) std::cout << clmis::dump_json(r, 2) << "\n";
        else show(clmis::Json::array({r}));
      } else if (deadline_explain) {
        if (deadline_id.empty()) throw clmis::Misuse("--explain needs the deadline, e.g. complaint.resolution");
        const auto r = s.deadline_explain(type_name, id, deadline_id);
        if (json) {
          std::cout << clmis::dump_json(r, 2) << "\n";
        } else {
          show(clmis::Json::array({r}));
          std::cout << "\n" << r["days"].get<std::int64_t>() << " "
                    << (r["unit"] == "working_days" ? "working days" : "days") << " from " << r["started"].get<std::string>()
                    << "; source: " << r["source"].get<std::string>()
                    << (r["verified"].get<bool>() ? "" : " (not verified)") << "\n";
          std::vector<std::vector<std::string>> rows;
          for (const auto& d : r["skipped"]) rows.push_back({d["date"], clmis::detail::join(d["reasons"].get<std::vector<std::string>>(), "; ")});
          if (!rows.empty()) {
            std::cout << "days not counted:\n";
            print_table({"date", "why"}, rows);
          }
          rows.clear();
          for (const auto& e : r["events"])
            rows.push_back({e["date"], e["event"], e.contains("days") ? display(e["days"]) : std::string(),
                            e.contains("reason") ? display(e["reason"]) : std::string()});
          std::cout << "events:\n";
          print_table({"date", "event", "days", "reason"}, rows);
        }
      } else {
        if (!deadline_id.empty()) throw clmis::Misuse("give an action (pause, resume, extend, clear) or --explain");
        const auto list = s.deadlines(type_name, id, as_of);
        if (json) std::cout << clmis::dump_json(list, 2) << "\n";
        else show(list);
      }
    }
    if (*assign) {
      if (assign_none == !assignee.empty())
        throw clmis::Misuse("name the officer to assign the case to, or --none (not both)");
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.assign(type_name, id, assignee, assign_reason);
      if (json) std::cout << clmis::dump_json(r, 2) << "\n";
      else
        std::cout << type_name << " " << id << ": assigned to " << (r["assigned_to"].is_null() ? "nobody" : display(r["assigned_to"]))
                  << (r["previous"].is_null() ? "" : " (was " + display(r["previous"]) + ")") << "\n";
    }
    if (*link || *unlink || *links) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      auto other_end = [&](const clmis::Json& l) {
        const bool from = l["direction"] == "from";
        return std::string(from ? "→ " : "← ") + display(from ? l["to_type"] : l["from_type"]) + " " +
               display(from ? l["to_id"] : l["from_id"]);
      };
      if (*links) {
        const auto r = s.links(type_name, id);
        if (json) {
          std::cout << clmis::dump_json(r, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& l : r)
            rows.push_back({display(l["id"]), display(l["relation"]), other_end(l), display(l["note"]), display(l["by"]),
                            display(l["at"]),
                            l.contains("removed") ? "removed " + display(l["removed"]["at"]) + ": " +
                                                        display(l["removed"]["reason"])
                                                  : ""});
          print_table({"link", "relation", "other", "note", "by", "at", "removed"}, rows);
        }
      } else {
        const auto r = *link ? s.link(type_name, id, link_to_type, link_to_id, link_relation, link_note)
                             : s.unlink(link_id, unlink_reason);
        if (json) std::cout << clmis::dump_json(r, 2) << "\n";
        else
          std::cout << "link " << display(r["id"]) << ": " << display(r["from_type"]) << " " << display(r["from_id"]) << " "
                    << display(r["relation"]) << " " << display(r["to_type"]) << " " << display(r["to_id"])
                    << (*unlink ? " (removed)" : "") << "\n";
      }
    }
    if (*override_cmd || *clear_override_cmd || *overrides_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      if (*overrides_cmd) {
        const auto r = s.overrides(type_name, id);
        if (json) {
          std::cout << clmis::dump_json(r, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& o : r)
            rows.push_back({display(o["field"]), display(o["reason"]), display(o["by"]), display(o["at"]),
                            o.contains("cleared") ? "cleared " + display(o["cleared"]["at"]) + ": " +
                                                        display(o["cleared"]["reason"])
                                                  : "in force"});
          print_table({"field", "reason", "by", "at", "state"}, rows);
        }
      } else {
        std::int64_t v = 0;
        if (*override_cmd) {
          const auto schema = db.schema();
          const auto& t = record_type(schema, type_name);
          const auto given = set_values({override_field + "=" + override_value}, t,
                                        schema["country"]["currency"].get<std::string>(), "value");
          v = s.override_value(type_name, id, version, override_field, given.at(override_field), override_reason);
        } else {
          v = s.clear_override(type_name, id, version, override_field, override_reason);
        }
        const auto r = s.get(type_name, id);
        if (json) std::cout << clmis::dump_json(r, 2) << "\n";
        else
          std::cout << (*override_cmd ? "overridden " : "computed again ") << type_name << " " << id << " "
                    << override_field << " = " << display(r[override_field]) << " (version " << v << ")\n";
      }
    }
    if (*letter_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      // The output file is checked before the letter is produced: a refused path stores nothing.
      std::optional<clmis::detail::OutputFile> out;
      if (!letter_output.empty()) out.emplace(letter_output, db.files(), force);
      const auto r = s.letter(type_name, id, letter_id, letter_lang, letter_format);
      const auto& content = r["content"].get_ref<const std::string&>();
      if (out) {
        out->stream() << content;
        out->commit();
      }
      if (json) {
        auto meta = r;
        if (out) meta.erase("content");
        std::cout << clmis::dump_json(meta, 2) << "\n";
      } else if (!out) {
        std::cout << content;
      }
      std::cerr << "letter " << letter_id << " (" << display(r["lang"]) << ", " << display(r["format"])
                << ") stored with " << type_name << " " << id << " as document " << r["document_id"].get<std::int64_t>()
                << (out ? ", written to " + letter_output : std::string()) << "\n";
    }
    if (*timeline) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.timeline(type_name, id);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& e : r) {
          std::string what;
          if (e.contains("field")) what = display(e["field"]) + ": " + display(e["from"]) + " → " + display(e["to"]);
          if (e.contains("deadline")) what = display(e["deadline"]) + (e.contains("due") ? ", due " + display(e["due"]) : "");
          if (e.contains("to") && !e.contains("field")) what = "to " + display(e["to"]);
          if (e.contains("link"))
            what = display(e["relation"]) + (e["direction"] == "from" ? " → " : " ← ") + display(e["other"]["type"]) + " " +
                   display(e["other"]["id"]);
          if (e.contains("document"))
            what = "#" + display(e["document"]) + " " + display(e["name"]) +
                   (e.contains("media_type") ? " (" + display(e["media_type"]) + ", " + display(e["size"]) + " bytes)" : "") +
                   (e.contains("lang") ? " (" + display(e["lang"]) + ")" : "");
          if (e.contains("days")) what += " +" + display(e["days"]) + " days";
          if (e.contains("reason")) what += (what.empty() ? "" : "; ") + display(e["reason"]);
          if (e.contains("detail") && what.find(':') == std::string::npos) what += detail_text(e["detail"]);
          rows.push_back({display(e["date"]), e["event"], what, display(e["by"]), display(e["at"])});
        }
        print_table({"date", "event", "what", "by", "at"}, rows);
      }
    }
    if (*attach_cmd) {
      std::ifstream in(attach_path, std::ios::binary);
      if (!in || std::filesystem::is_directory(attach_path))
        throw clmis::NotFound("cannot read the file " + clmis::detail::quoted(attach_path));
      const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (in.bad()) throw clmis::StorageError("could not read the file " + clmis::detail::quoted(attach_path));
      const std::string name = attach_name.empty() ? std::filesystem::path(attach_path).filename().string() : attach_name;
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.attach(type_name, id, name, content, attach_media, attach_note);
      if (json) std::cout << clmis::dump_json(r, 2) << "\n";
      else
        std::cout << type_name << " " << id << ": attached document " << r["id"].get<std::int64_t>() << " "
                  << display(r["name"]) << " (" << display(r["media_type"]) << ", " << r["size"].get<std::int64_t>()
                  << " bytes, sha256 " << display(r["sha256"]) << ")\n";
    }
    if (*documents_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.documents(type_name, id);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : r)
          rows.push_back({std::to_string(d["id"].get<std::int64_t>()), display(d["kind"]), display(d["name"]),
                          display(d["media_type"]), std::to_string(d["size"].get<std::int64_t>()), display(d["sha256"]),
                          display(d["by"]), display(d["at"]),
                          d["withdrawn"].get<bool>() ? "withdrawn: " + display(d["withdrawn_reason"]) : std::string()});
        print_table({"id", "kind", "name", "media type", "bytes", "sha256", "by", "at", "withdrawn"}, rows);
      }
    }
    if (*document_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      // Refused before anything is read: a database file as the target, or an existing file
      // without --force.
      clmis::detail::OutputFile out(doc_output, db.files(), force);
      const std::string bytes = s.document_content(doc_id);
      out.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.commit();
      std::cerr << "document " << doc_id << " (" << bytes.size() << " bytes) written to " << doc_output << "\n";
    }
    if (*withdraw_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.withdraw_document(doc_id, attach_note);
      if (json) std::cout << clmis::dump_json(r, 2) << "\n";
      else std::cout << "document " << doc_id << " (" << display(r["name"]) << ") withdrawn\n";
    }
    if (*queue || *ageing) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json spec = clmis::Json::object();
      if (!queue_types.empty()) spec["types"] = queue_types;
      if (!queue_section.empty()) spec["section"] = queue_section;
      if (!as_of.empty()) spec["as_of"] = as_of;
      if (*queue) {
        if (!queue_officer.empty()) spec["officer"] = queue_officer;
        if (queue_overdue) spec["overdue"] = true;
        if (queue->count("--due-within")) spec["due_within"] = queue_due_within;
        spec["limit"] = queue_limit;
        if (!queue_cursor.empty()) spec["cursor"] = queue_cursor;
        const auto r = s.queue(spec);
        if (json) {
          std::cout << clmis::dump_json(r, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& q : r["rows"])
            rows.push_back({display(q["due"]), q["overdue"].get<bool>() ? std::to_string(q["days_overdue"].get<std::int64_t>()) : "",
                            q["record_type"], std::to_string(q["id"].get<std::int64_t>()), display(q["number"]),
                            q["status"], q["deadline"], q["state"], display(q["officer"])});
          std::cout << "as of " << r["as_of"].get<std::string>() << "\n";
          print_table({"due", "days late", "type", "id", "number", "status", "deadline", "state", "officer"}, rows);
          if (!r["next_cursor"].is_null()) std::cout << "more: --cursor " << r["next_cursor"].get<std::string>() << "\n";
        }
      } else {
        const auto r = s.ageing(spec);
        if (json) {
          std::cout << clmis::dump_json(r, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& a : r["rows"])
            rows.push_back({a["record_type"], a["state"], std::to_string(a["0-30"].get<std::int64_t>()),
                            std::to_string(a["31-60"].get<std::int64_t>()), std::to_string(a["61-90"].get<std::int64_t>()),
                            std::to_string(a["over 90"].get<std::int64_t>()), std::to_string(a["total"].get<std::int64_t>())});
          std::cout << "open cases on " << r["as_of"].get<std::string>() << ", days since received\n";
          print_table({"type", "state", "0-30", "31-60", "61-90", "over 90", "total"}, rows);
        }
      }
    }
    if (*ind_list) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto r = s.indicators_list(ind_lang);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : r["indicators"]) {
          std::string dims;
          for (const auto& x : d["dimensions"]) dims += (dims.empty() ? "" : ",") + x.get<std::string>();
          std::string per;
          for (const auto& x : d["periodicity"]) per += (per.empty() ? "" : ",") + x.get<std::string>();
          rows.push_back({d["id"], d["name"], d["kind"], d["unit"], dims, per, d["agency"], display(d["ilostat"])});
        }
        print_table({"id", "name", "kind", "unit", "by", "periods", "agency", "ILOSTAT"}, rows);
      }
    }
    if (*ind_compute) {
      if (ind_format != "table" && ind_format != "csv" && ind_format != "json")
        throw clmis::ValidationError(std::vector<clmis::FieldError>{{"indicators", "format", ind_format, "code_list", "table, csv or json"}});
      auto db = open_db(db_path);
      auto s = login.open(db);
      // The output file is checked before anything is computed.
      std::optional<clmis::detail::OutputFile> out;
      if (!ind_out.empty()) out.emplace(ind_out, db.files(), force);
      clmis::Json spec = {{"period", ind_period}};
      if (!ind_ids.empty()) spec["indicators"] = ind_ids;
      if (!ind_freq.empty()) spec["freq"] = ind_freq;
      if (!ind_by.empty()) spec["by"] = ind_by;
      if (ind_protect) spec["protect"] = true;
      if (ind_primary_only) spec["protect_secondary"] = false;
      // CSV comes from the export (computed there); the table and JSON from the values.
      const auto progress = indicator_progress(ind_progress);
      const auto r = ind_format == "csv" ? clmis::Json{{"observations", clmis::Json::array()}} : s.indicators(spec, progress);
      std::ostringstream text;
      std::size_t values = r["observations"].size();
      if (ind_format == "json") {
        text << clmis::dump_json(r, 2) << "\n";
      } else if (ind_format == "csv") {
        // One row per observation; a dimension's column holds its SDMX code, _T for its total
        // (the export's plain CSV: docs/indicators.md, "Exports").
        clmis::Json e = spec;
        e["format"] = "csv";
        const std::string csv = s.indicators_export(e, progress);
        text << csv;
        values = static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;  // less the header
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& o : r["observations"]) {
          std::string cell;
          for (auto it = o["cell"].begin(); it != o["cell"].end(); ++it)
            cell += (cell.empty() ? "" : ",") + it.key() + "=" + it->get<std::string>();
          rows.push_back({o["indicator"], o["period"], cell.empty() ? "total" : cell, display(o["value"]), o["status"],
                          display(o["note"])});
        }
        auto* old = std::cout.rdbuf(text.rdbuf());
        print_table({"indicator", "period", "cell", "value", "status", "note"}, rows);
        std::cout.rdbuf(old);
      }
      if (out) {
        out->stream() << text.str();
        out->commit();
        std::cerr << values << " values written to " << ind_out << "\n";
      } else {
        std::cout << text.str();
      }
    }
    if (*ind_export) {
      // Checked before anything is opened or computed: the format, a workbook to a file.
      const std::vector<std::string> export_formats = {"sdmx-csv", "sdmx-json", "sdmx-structure", "ilostat", "csv", "json", "xlsx"};
      if (std::find(export_formats.begin(), export_formats.end(), ind_export_format) == export_formats.end())
        throw clmis::ValidationError(std::vector<clmis::FieldError>{
            {"indicators", "format", ind_export_format, "code_list", "sdmx-csv, sdmx-json, sdmx-structure, ilostat, csv, json or xlsx"}});
      if (ind_export_format == "xlsx" && ind_export_out.empty())
        throw clmis::ValidationError(std::vector<clmis::FieldError>{
            {"indicators", "out", nullptr, "required", "an Excel workbook is written to a file: --out FILE"}});
      auto db = open_db(db_path);
      auto s = login.open(db);
      std::optional<clmis::detail::OutputFile> out;
      if (!ind_export_out.empty()) out.emplace(ind_export_out, db.files(), force);
      clmis::Json spec = {{"format", ind_export_format}};
      if (!ind_period.empty()) spec["period"] = ind_period;
      if (!ind_ids.empty()) spec["indicators"] = ind_ids;
      if (!ind_freq.empty()) spec["freq"] = ind_freq;
      if (!ind_by.empty()) spec["by"] = ind_by;
      if (!ind_lang.empty()) spec["lang"] = ind_lang;
      if (ind_protect) spec["protect"] = true;
      if (ind_primary_only) spec["protect_secondary"] = false;
      const std::string bytes = s.indicators_export(spec, indicator_progress(ind_progress));
      if (out) {
        out->stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out->commit();
        std::cerr << ind_export_format << " written to " << ind_export_out << " (" << bytes.size() << " bytes)\n";
      } else {
        std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      }
    }
    if (*ind_explain) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json spec = {{"indicator", ind_id}, {"period", ind_period}};
      if (!ind_cells.empty()) {
        spec["cell"] = clmis::Json::object();
        for (const auto& c : ind_cells) {
          const auto eq = c.find('=');
          if (eq == std::string::npos)
            throw clmis::ValidationError(std::vector<clmis::FieldError>{{"indicators", "cell", c, "type", "dimension=code, e.g. sex=F"}});
          spec["cell"][c.substr(0, eq)] = c.substr(eq + 1);
        }
      }
      const auto r = s.indicator_explain(spec);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        const auto& o = r["observation"];
        std::cout << r["indicator"].get<std::string>() << " (definition " << r["version"].get<std::string>() << ")\n";
        if (o.is_null()) {
          std::cout << "no value: " << display(r.value("note", clmis::Json(nullptr))) << "\n";
        } else {
          std::cout << "value      " << display(o["value"]) << " (status " << o["status"].get<std::string>() << ")\n"
                    << "numerator  " << display(o["numerator"]) << "\n"
                    << "denominator " << display(o["denominator"]) << "\n"
                    << "records    " << o["records"].get<std::int64_t>() << "\n";
          if (!o["note"].is_null()) std::cout << "note       " << o["note"].get<std::string>() << "\n";
        }
        for (auto it = r["queries"].begin(); it != r["queries"].end(); ++it)
          std::cout << it.key() << " query: " << it->get<std::string>() << "\n";
        for (const auto& x : r["series"]) std::cout << "series: " << x.get<std::string>() << "\n";
      }
    }
    if (*transition) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json args = clmis::Json::object();
      if (!effective.empty()) args["effective_date"] = effective;
      const auto schema = db.schema();
      const auto& t = record_type(schema, type_name);
      // A transition the workflow does not have: the closest name, and the names.
      if (t.contains("workflow")) {
        std::vector<std::string> names;
        for (const auto& tr : t["workflow"]["transitions"]) names.push_back(tr["name"]);
        if (std::find(names.begin(), names.end(), transition_name) == names.end())
          throw clmis::NotFound("the workflow of " + type_name + " has no transition " + clmis::detail::quoted(transition_name) +
                                clmis::detail::did_you_mean(transition_name, names) + "; its transitions are " +
                                clmis::detail::join(names));
      }
      const auto fields = set_values(sets, t, schema["country"]["currency"].get<std::string>());
      if (!fields.empty()) args["fields"] = fields;
      std::int64_t v = 0;
      try {
        v = s.transition(type_name, id, version, transition_name, args);
      } catch (const clmis::ValidationError& e) {
        throw with_code_hints(e, t, db);
      } catch (const clmis::Conflict& e) {
        // Not from the record's state: name the transitions that are possible from it.
        std::string hint;
        try {
          const auto r = s.get(type_name, id);
          const auto& wf = t["workflow"];
          const std::string field = wf.value("status_field", "status");
          if (r.contains(field) && r[field].is_string() && !r.value("archived", false)) {
            const std::string state = r[field];
            std::vector<std::string> possible;
            bool allowed = false;
            for (const auto& tr : wf["transitions"])
              for (const auto& from : tr["from"])
                if (from == state) {
                  possible.push_back(tr["name"]);
                  if (tr["name"] == transition_name) allowed = true;
                }
            if (!allowed)
              hint = possible.empty() ? "; no transition is possible from " + state
                                      : "; possible from " + state + ": " + clmis::detail::join(possible);
          }
        } catch (const clmis::Error&) {
        }
        if (hint.empty()) throw;
        throw clmis::Conflict(e.what() + hint);
      }
      std::cout << type_name << " " << id << ": " << transition_name << " (version " << v << ")\n";
    }
    if (*create || *update || *archive) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto schema = db.schema();
      const auto& t = record_type(schema, type_name);
      const bool json_out = json || (!*archive && (*create ? create : update)->get_option("--json")->count() > 0);
      std::int64_t rid = id, v = version;
      if (*archive) {
        s.archive(type_name, id, version, archive_reason);
      } else {
        clmis::Json rec = json_in.empty() ? clmis::Json::object() : read_json_input(json_in);
        const auto given = set_values(sets, t, schema["country"]["currency"].get<std::string>());
        for (auto it = given.begin(); it != given.end(); ++it) rec[it.key()] = *it;
        if (*update && rec.empty())
          throw clmis::Misuse("nothing to change: give --set FIELD=VALUE or --json FILE");
        try {
          if (*create) rid = s.create(type_name, rec);
          else v = s.update(type_name, id, version, rec);
        } catch (const clmis::ValidationError& e) {
          throw with_code_hints(e, t, db);
        }
        for (const auto& w : s.warnings())
          std::cerr << "warning: " << w.value("path", "") << ": " << w.value("message", "") << "\n";
      }
      const auto r = s.get(type_name, rid);
      if (json_out) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::cout << (*create ? "created " : *archive ? "archived " : v == version ? "unchanged " : "updated ")
                  << type_name << " " << rid << " (version " << r["version"];
        for (const auto& f : t["fields"])
          if (f.contains("assigned") && r.contains(f["name"].get<std::string>()) && !r[f["name"].get<std::string>()].is_null())
            std::cout << ", " << f["name"].get<std::string>() << " " << display(r[f["name"].get<std::string>()]);
        std::cout << ")\n";
      }
    }
    if (*import) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      (void)record_type(db.schema(), type_name);  // an unknown type: not found (exit 4), with the closest
      clmis::ImportOptions o;
      o.format = !format.empty() ? format
                 : (file.size() > 6 && file.substr(file.size() - 6) == ".jsonl") ? "jsonl"
                                                                                 : "csv";
      o.on_error = on_error == "skip" ? clmis::OnError::skip : clmis::OnError::abort;
      o.date_format = date_format;
      o.encoding = encoding;
      o.index_build = index_build == "after"    ? clmis::IndexBuild::after_load
                      : index_build == "during" ? clmis::IndexBuild::during_load
                                                : clmis::IndexBuild::automatic;
      o.delimiter = delimiter;
      o.source = file;
      o.ids = json;  // printed only with --json
      std::ifstream fin;
      std::istream* in = &std::cin;
      std::uint64_t size = 0;
      if (file != "-") {
        fin.open(file, std::ios::binary);
        if (!fin) throw clmis::NotFound("cannot read " + file);
        fin.seekg(0, std::ios::end);
        size = static_cast<std::uint64_t>(fin.tellg());
        fin.seekg(0);
        in = &fin;
      }
      if (report_path.empty() && o.on_error == clmis::OnError::skip && file != "-") report_path = file + ".report.csv";
      // The report is written beside its name and renamed when the import ends, never over the
      // database's files (core/files.hpp).
      std::optional<clmis::detail::OutputFile> report_file;
      std::ostream* report = nullptr;
      if (!report_path.empty()) {
        if (file != "-" && clmis::detail::same_file(report_path, file))
          throw clmis::Misuse("the report " + report_path + " is the file being imported; write it somewhere else");
        report_file.emplace(report_path, db.files(), force);
        report = &report_file->stream();
        *report << "row,column,value,rule,message,kind,record\r\n";
      }
      auto q = [](const std::string& v) {
        std::string out = "\"";
        for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
      };
      // The first problems go to standard error, each on its own line: the progress line (a
      // terminal's) is cleared first and drawn again at the next progress call.
      constexpr std::uint64_t kShownProblems = 20;
      std::uint64_t errors = 0;
      const bool progress_line = isatty(STDERR_FILENO) && !json;
      o.on_problem = [&](const clmis::ImportProblem& p) {
        if (report)
          *report << p.row << "," << q(p.column) << "," << q(p.value.is_null() ? "" : display(p.value)) << ","
                 << p.rule << "," << q(p.message) << "," << (p.warning ? "warning" : "error") << "," << q(p.raw)
                 << "\r\n";
        if (!json && !p.warning && errors++ < kShownProblems)
          std::cerr << (progress_line ? "\r\033[K" : "") << "row " << p.row << (p.column.empty() ? "" : ", " + p.column)
                    << ": " << p.message << " (" << p.rule << ")\n";
      };
      if (progress_line)
        o.progress = [&](std::uint64_t bytes, std::uint64_t rows) {
          std::cerr << "\r  " << rows << " rows";
          // bytes are those read after --encoding's transcoding, which may outgrow the file's size
          if (size) std::cerr << " (" << std::min<std::uint64_t>(100, 100 * bytes / size) << "%)";
          std::cerr << std::flush;
        };
      const auto r = clmis::import_records(s, type_name, *in, o);
      if (report_file) report_file->commit();
      if (o.progress) std::cerr << "\n";
      if (!json && errors > kShownProblems)
        std::cerr << "... and " << (errors - kShownProblems) << " more problem(s) not shown; "
                  << (report_path.empty() ? std::string("--report FILE lists them all")
                                          : "the report " + report_path + " lists them all")
                  << "\n";
      if (json) {
        clmis::Json problems = clmis::Json::array();
        for (const auto& p : r.problems)
          problems.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"rule", p.rule},
                              {"message", p.message}, {"warning", p.warning}});
        std::cout << clmis::dump_json(clmis::Json{{"committed", r.committed}, {"stopped", r.stopped}, {"rows", r.rows}, {"created", r.created},
                                                  {"updated", r.updated}, {"unchanged", r.unchanged},
                                                  {"refused", r.refused}, {"warnings", r.warnings},
                                                  {"sha256", r.sha256}, {"created_ids", r.created_ids},
                                                  {"updated_ids", r.updated_ids},
                                                  {"indexes_built_after_load", r.indexes_built_after_load},
                                                  {"problems", problems}},
                                      2)
                  << "\n";
      } else if (r.committed) {
        std::cout << "imported " << (r.created + r.updated + r.unchanged) << " of " << r.rows << " rows into "
                  << type_name << " (" << r.created << " created, " << r.updated << " updated, " << r.unchanged
                  << " unchanged)";
        if (r.refused) std::cout << "; " << r.refused << " refused";
        if (r.warnings) std::cout << "; " << r.warnings << " warning(s)";
        std::cout << "\n";
        if (!report_path.empty() && (r.refused || r.warnings)) std::cout << "report: " << report_path << "\n";
      } else {
        if (r.stopped)
          std::cerr << "nothing imported: the file cannot be read past the quoting error above; "
                       "correct it and import again\n";
        else
          std::cerr << "nothing imported: " << r.refused << " of " << r.rows
                    << " rows are refused (use --on-error skip to import the others)\n";
        if (!report_path.empty()) std::cerr << "report: " << report_path << "\n";
      }
      return r.committed ? kExitOk : kExitInvalid;
    }
    if (*export_cmd) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto schema = db.schema();
      const auto& t = record_type(schema, type_name);
      clmis::ExportOptions o;
      o.format = format;
      o.include_archived = include_archived;
      for (const auto& w : where) o.filter.push_back(condition(w, t));
      o.fields = field_list(fields_opt);
      o.language = lang;
      o.as_of = as_of;
      // Values the workbook holds another way (as text: more digits than Excel keeps, a date
      // before 1900-03-01; cut at Excel's cell size): the first ones, then how many in all.
      constexpr std::uint64_t kShownWarnings = 20;
      std::uint64_t warnings = 0;
      o.on_warning = [&](const clmis::ExportWarning& w) {
        if (++warnings > kShownWarnings) return;
        std::cerr << "warning: sheet " << w.sheet << ", row " << w.row << ", " << w.column << " (record " << w.id
                  << "): " << w.message << ": " << w.value << "\n";
      };
      if (out_path.empty()) {
        clmis::export_records(s, type_name, std::cout, o);
      } else {
        const auto n = clmis::export_to_file(s, type_name, out_path, o, force);
        std::cerr << "exported " << n << " record(s) to " << out_path;
        if (warnings)
          std::cerr << "; " << warnings << " value(s) written another way"
                    << (warnings > kShownWarnings ? " (the first " + std::to_string(kShownWarnings) + " shown above)" : "");
        std::cerr << "\n";
      }
    }
    if (*backup_cmd) {
      auto db = open_db(db_path);
      const auto r = login.open(db).backup(backup_path, force);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else {
        std::cout << "backup of " << db_path << " written to " << backup_path << " (" << r["pages"]
                  << " pages; integrity ok; audit trail of " << r["audit_entries"] << " entries verified)\n";
        if (r["key_path"].is_null())
          std::cout << "the audit key was given directly: keep it with the backup yourself\n";
        else
          std::cout << "its audit key: " << r["key_path"].get<std::string>()
                    << " (keep it apart from the backup: without it the backup cannot be opened)\n";
      }
      return kExitOk;
    }
    if (*restore_cmd) {
      clmis::RestoreOptions o;
      o.audit_key_file = backup_key;
      o.replace = force;
      const auto r = clmis::Database::restore(backup_path, db_path, o);
      if (json) std::cout << clmis::dump_json(r, 2) << "\n";
      else
        std::cout << "restored " << backup_path << " to " << db_path << " (" << r["pages"] << " pages; audit trail of "
                  << r["audit_entries"] << " entries verified); run `clmis check " << db_path << "`\n";
      return kExitOk;
    }
    if (*check_cmd) {
      clmis::Json report;
      bool opened = false, no_database = false;
      std::optional<clmis::Database> db;
      try {
        db.emplace(open_db(db_path));
        opened = true;
      } catch (const clmis::Error& e) {
        // No database file at the path (a mistyped name, a directory) is "not found" (exit 4),
        // not a finding.
        std::error_code fec;
        no_database = !std::filesystem::is_regular_file(db_path, fec);
        // What stops it opening (a missing or readable key, not a database) is itself the finding.
        const char* k = std::getenv("CLMIS_AUDIT_KEY_FILE");
        report = clmis::Database::check_files(db_path, k ? k : "");
        report["ok"] = false;
        report["open"] = {{"ok", false}, {"error", e.what()}};
      }
      if (opened) report = login.open(*db).check(max_problems);
      if (json) {
        std::cout << clmis::dump_json(report, 2) << "\n";
      } else {
        for (const auto& f : report["files"])
          if (!f["ok"].get<bool>()) std::cout << "FILE " << f["path"].get<std::string>() << ": " << f["problem"].get<std::string>() << "\n";
        if (report.contains("open")) std::cout << "OPEN the database does not open: " << report["open"]["error"].get<std::string>() << "\n";
        if (report.contains("integrity") && !report["integrity"]["ok"].get<bool>())
          for (const auto& m : report["integrity"]["messages"]) std::cout << "INTEGRITY " << m.get<std::string>() << "\n";
        if (report.contains("audit") && !report["audit"]["ok"].get<bool>())
          std::cout << "AUDIT the trail fails verification"
                    << (report["audit"]["first_bad"].is_null() ? "" : ": first bad entry " + report["audit"]["first_bad"].dump())
                    << "\n";
        if (report.contains("records")) {
          const auto& r = report["records"];
          for (const auto& p : r["problems"])
            std::cout << "RECORD " << p["record_type"].get<std::string>() << " " << p["id"] << " "
                      << p["path"].get<std::string>() << ": " << p["message"].get<std::string>() << " (" << p["rule"].get<std::string>()
                      << ")\n";
          if (r["truncated"].get<bool>()) std::cout << "  ... more: raise --limit\n";
          std::cout << "records checked: " << r["checked"] << "; holding values today's rules refuse: " << r["refused"]
                    << " (an update must correct them)\n";
        }
        std::cout << (report["ok"].get<bool>() ? "check: no problem found" : "check: problems found") << "\n";
      }
      if (report.contains("audit") && !report["audit"]["ok"].get<bool>()) return kExitTampered;
      if (no_database) return kExitNotFound;
      return report["ok"].get<bool>() ? kExitOk : kExitCheck;
    }
    if (*users_list || *users_add || *users_set || *users_reset) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      if (*users_list) {
        const auto list = s.users();
        if (json) {
          std::cout << clmis::dump_json(list, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& u : list) {
            std::string r;
            for (const auto& x : u["roles"]) r += (r.empty() ? "" : ",") + x.get<std::string>();
            std::string state = u["active"].get<bool>() ? "active" : "inactive";
            if (!u["locked_until"].is_null()) state += ", locked until " + u["locked_until"].get<std::string>();
            if (u["must_change_password"].get<bool>()) state += ", must change password";
            rows.push_back({u["name"], r, display(u["section"]), state});
          }
          print_table({"user", "roles", "section", "state"}, rows);
        }
      } else if (*users_add) {
        clmis::Json spec = {{"name", user_name}, {"roles", roles}, {"password", obtain_new_password(new_password_file)}};
        if (!section.empty()) spec["section"] = section;
        if (!user_agency.empty()) spec["agency"] = user_agency;
        s.user_create(spec);
        std::cout << "created user " << user_name << " (the password must be changed at the first login)\n";
      } else if (*users_set) {
        clmis::Json ch = clmis::Json::object();
        if (!roles.empty()) ch["roles"] = roles;
        if (!section.empty()) ch["section"] = section;
        if (no_section) ch["section"] = nullptr;
        if (activate && deactivate) throw clmis::Misuse("--activate and --deactivate together");
        if (activate || deactivate) ch["active"] = activate;
        if (unlock) ch["locked"] = false;
        if (!user_agency.empty()) ch["agency"] = user_agency;
        if (no_agency) ch["agency"] = nullptr;
        if (ch.empty())
          throw clmis::Misuse("nothing to set: give --role, --section, --no-section, --activate, --deactivate, --unlock, "
                              "--agency or --no-agency");
        s.user_update(user_name, ch);
        std::cout << "updated user " << user_name << "\n";
      } else {
        s.user_reset_password(user_name, obtain_new_password(new_password_file));
        std::cout << "reset the password of " << user_name << " (to be changed at the next login)\n";
      }
    }
    if (*series_import) {
      std::ifstream in(series_file, std::ios::binary);
      if (!in || std::filesystem::is_directory(series_file))
        throw clmis::NotFound("cannot read the file " + clmis::detail::quoted(series_file));
      const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (in.bad()) throw clmis::StorageError("could not read the file " + clmis::detail::quoted(series_file));
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json options = {{"format", series_format},
                             {"name", std::filesystem::path(series_file).filename().string()}};
      if (!series_agency.empty()) options["agency"] = series_agency;
      if (!series_source.empty()) options["source"] = series_source;
      const auto r = s.series_import(content, options);
      if (json) {
        std::cout << clmis::dump_json(r, 2) << "\n";
      } else if (r["batch"].is_null()) {
        std::cout << "unchanged: " << r["observations"].get<std::int64_t>() << " observations of " << display(r["agency"])
                  << " as stored already\n";
      } else {
        std::cout << "imported batch " << r["batch"].get<std::int64_t>() << " of " << display(r["agency"]) << ": "
                  << r["added"].get<std::int64_t>() << " added, " << r["revised"].get<std::int64_t>() << " revised, "
                  << r["unchanged"].get<std::int64_t>() << " unchanged (" << r["series"].get<std::int64_t>()
                  << " series, " << r["series_created"].get<std::int64_t>() << " new)\n";
      }
    }
    if (*series_list) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      clmis::Json q = clmis::Json::object();
      if (!series_indicator.empty()) q["indicator"] = series_indicator;
      if (!series_agency.empty()) q["agency"] = series_agency;
      if (series_revisions) q["revisions"] = true;
      clmis::Json rows = clmis::Json::array();
      for (;;) {
        auto page = s.series(q);
        for (auto& r : page["rows"]) rows.push_back(std::move(r));
        if (page["next"].is_null()) break;
        q["after"] = page["next"];
      }
      if (json) {
        std::cout << clmis::dump_json(rows, 2) << "\n";
      } else {
        // One line per observation: agency indicator source | dimensions | period value status rev.
        for (const auto& r : rows) {
          std::string dims;
          for (const char* d : {"sex", "age", "eco", "ocu", "edu", "geo"})
            if (r[d] != "_Z") dims += std::string(dims.empty() ? "" : " ") + d + "=" + r[d].get<std::string>();
          std::cout << display(r["agency"]) << " " << display(r["indicator"]) << " [" << display(r["source"]) << "] "
                    << (dims.empty() ? "-" : dims) << " " << display(r["period"]) << " "
                    << (r["value"].is_null() ? std::string("(none)") : r["value"].get<std::string>())
                    << (r["unit_mult"].get<int>() ? " x10^" + std::to_string(r["unit_mult"].get<int>()) : std::string())
                    << " " << display(r["status"]) << " rev " << r["revision"].get<std::int64_t>() << "\n";
        }
        if (rows.empty()) std::cout << "no observations\n";
      }
    }
    if (*passwd) {
      auto db = open_db(db_path);
      const std::string u = login.name();
      const std::string old = obtain_password(login.password_file, false);
      auto s = db.login(u, old);
      s.change_password(old, obtain_new_password(new_password_file));
      std::cout << "changed the password of " << u << "\n";
    }
    if (*whoami) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      const auto p = s.permissions();
      if (json) {
        std::cout << clmis::dump_json(p, 2) << "\n";
      } else {
        std::string r;
        for (const auto& x : p["roles"]) r += (r.empty() ? "" : ", ") + x.get<std::string>();
        std::cout << p["user"].get<std::string>() << ": roles " << (r.empty() ? "(none)" : r) << "; section "
                  << (p["section"].is_null() ? "(none)" : p["section"].get<std::string>())
                  << (p["service_key"].get<bool>() ? "; through a service key" : "") << "\n";
        std::string sys;
        for (const auto& x : p["system"]) sys += " " + x.get<std::string>();
        if (!sys.empty()) std::cout << "system:" << sys << "\n";
        for (auto it = p["record_types"].begin(); it != p["record_types"].end(); ++it) {
          std::cout << "  " << it.key() << ":";
          if (it->empty()) std::cout << " nothing";
          for (auto a = it->begin(); a != it->end(); ++a)
            std::cout << " " << a.key() << (a.value() == "own" ? "(own)" : "");
          std::cout << "\n";
        }
      }
    }
    if (*keys_create || *keys_list || *keys_revoke) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      if (*keys_create) {
        clmis::Json spec = {{"name", user_name}, {"roles", roles}};
        if (!expires.empty()) spec["expires_at"] = expires;
        const auto k = s.service_key_create(spec);
        if (json) {
          std::cout << clmis::dump_json(k, 2) << "\n";
        } else {
          std::cout << "service key " << user_name << " (shown this once; clmis keeps only its hash):\n"
                    << k["key"].get<std::string>() << "\n";
        }
      } else if (*keys_list) {
        const auto list = s.service_keys();
        if (json) {
          std::cout << clmis::dump_json(list, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& k : list) {
            std::string r;
            for (const auto& x : k["roles"]) r += (r.empty() ? "" : ",") + x.get<std::string>();
            rows.push_back({k["name"], r, k["state"], display(k["expires_at"]), k["created_at"], k["created_by"]});
          }
          print_table({"key", "roles", "state", "expires", "created", "by"}, rows);
        }
      } else {
        s.service_key_revoke(user_name);
        std::cout << "revoked service key " << user_name << "\n";
      }
    }
    if (*audit_verify || *audit_checkpoint || *audit_list || *audit_log) {
      auto db = open_db(db_path);
      auto s = login.open(db);
      if (*audit_verify) {
        clmis::Json cp = nullptr;
        if (!checkpoint_path.empty()) {
          std::ifstream in(checkpoint_path, std::ios::binary);
          if (!in) throw clmis::NotFound("cannot read the checkpoint " + checkpoint_path);
          const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          cp = clmis::parse_json(text, "checkpoint");
        }
        const auto v = s.audit_verify(cp);
        if (json) {
          std::cout << clmis::dump_json(v, 2) << "\n";
        } else if (v["ok"].get<bool>()) {
          std::cout << "audit trail intact: " << v["entries"] << " entries"
                    << (v["checkpoint"] == "matches" ? ", and the checkpoint matches" : "") << "\n";
        } else {
          std::cout << "AUDIT TRAIL FAILS VERIFICATION";
          if (!v["first_bad"].is_null()) std::cout << ": first bad entry " << v["first_bad"];
          std::cout << "\n";
          for (const auto& p : v["problems"]) std::cout << "  " << p.get<std::string>() << "\n";
        }
        return v["ok"].get<bool>() ? kExitOk : kExitTampered;
      }
      if (*audit_checkpoint) {
        const auto cp = s.audit_checkpoint();
        if (!out_path.empty()) {
          clmis::detail::OutputFile out(out_path, db.files(), force);
          out.stream() << clmis::dump_json(cp, 2) << "\n";
          out.commit();
          std::cerr << "checkpoint of " << cp["count"] << " entries written to " << out_path << "\n";
        } else {
          std::cout << clmis::dump_json(cp, 2) << "\n";
        }
      }
      if (*audit_list || *audit_log) {
        const auto list = *audit_list ? s.audit_entries(after, limit) : s.security_log(after, limit);
        if (json) {
          std::cout << clmis::dump_json(list, 2) << "\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& e : list) {
            if (*audit_list)
              rows.push_back({std::to_string(e["id"].get<std::int64_t>()), e["at"], display(e["by"]), e["action"],
                              display(e["record_type"]), display(e["record_id"]), clmis::dump_json(e["detail"])});
            else
              rows.push_back({std::to_string(e["id"].get<std::int64_t>()), e["at"], display(e["user"]), e["event"],
                              clmis::dump_json(e["detail"])});
          }
          if (*audit_list) print_table({"id", "at", "by", "action", "type", "record", "detail"}, rows);
          else print_table({"id", "at", "user", "event", "detail"}, rows);
        }
      }
    }
    return kExitOk;
  } catch (const clmis::ValidationError& e) {
    std::cerr << "clmis: " << e.what() << "\n";
    for (const auto& fe : e.errors())
      std::cerr << "  " << (fe.path.empty() ? fe.record : fe.path) << ": " << fe.message << " ("
                << fe.rule << ")\n";
    return kExitInvalid;
  } catch (const clmis::Error& e) {
    std::cerr << "clmis: " << e.what() << "\n";
    return exit_code(e);
  }
}
