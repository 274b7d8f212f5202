// clmis — the command line. This release has `init`; the Foundation III issue adds the rest
// (login, get, query, import, export...). A thin layer over the C++ API: no logic lives here.
#include "clmis/clmis.h"
#include "clmis/database.hpp"

#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

// Exit codes (documented in docs/cli.md and `clmis --help`).
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitError = 1;

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clmis — Caribbean Labour Market Information System\n"
               "Exit codes: 0 success, 1 error (message on stderr), 2 usage error."};
  app.set_version_flag("--version", std::string("clmis ") + clmis_version());
  app.require_subcommand(1);

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

  std::string check_db;
  bool check_json = false;
  auto* profile = app.add_subcommand("profile", "Country profile of a database");
  profile->require_subcommand(1);
  auto* check = profile->add_subcommand(
      "check", "List the legal parameters (and department details) of the database's country "
               "profile that are not verified (value, source); exit code 0 either way");
  check->add_option("database", check_db, "Path of the database")->required();
  check->add_flag("--json", check_json, "Print JSON instead of text");

  std::string upgrade_db, upgrade_dir;
  auto* upgrade = app.add_subcommand(
      "upgrade", "Migrate a database to the newer pack and country profile built into this library "
                 "(or under --data-dir): one transaction that keeps every record, or changes nothing");
  upgrade->add_option("database", upgrade_db, "Path of the database")->required();
  upgrade->add_option("--data-dir", upgrade_dir, "Take the pack and profile from this directory");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
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
      auto db = clmis::Database::init(db_path, o);
      auto schema = db.schema();
      std::cout << "Created " << db_path << " for " << schema["country"]["name"]["en"].get<std::string>()
                << " (pack " << schema["pack"]["name"].get<std::string>() << " "
                << schema["pack"]["version"].get<std::string>() << ") with administrator \"" << admin
                << "\".\n";
    }
    if (*upgrade) {
      const std::string before = clmis::Database::open(upgrade_db).schema()["pack"]["version"];
      clmis::OpenOptions oo;
      oo.data_dir = upgrade_dir;
      oo.upgrade = true;
      auto db = clmis::Database::open(upgrade_db, oo);
      const std::string after = db.schema()["pack"]["version"];
      if (before == after)
        std::cout << upgrade_db << ": pack " << after << " is current; nothing to do.\n";
      else
        std::cout << upgrade_db << ": migrated from pack " << before << " to " << after << ".\n";
    }
    if (*check) {
      clmis::OpenOptions oo;
      auto db = clmis::Database::open(check_db, oo);
      const auto country = db.schema()["country"];
      clmis::Json unverified = clmis::Json::array();
      for (auto it = country["legal"].begin(); it != country["legal"].end(); ++it)
        if (!(*it)["verified"].get<bool>()) {
          clmis::Json row = *it;
          row["parameter"] = it.key();
          unverified.push_back(row);
        }
      // The department's letterhead details are checked the same way.
      if (country.contains("department") && !country["department"]["verified"].get<bool>())
        unverified.push_back({{"parameter", "department"},
                              {"value", country["department"]["name"]},
                              {"source", country["department"]["source"]},
                              {"verified", false}});
      if (check_json) {
        std::cout << clmis::Json{{"country", country["iso3"]}, {"unverified", unverified}}.dump(2) << "\n";
      } else {
        std::cout << country["iso3"].get<std::string>() << ": " << unverified.size()
                  << " value(s) of the country profile not verified against the law or the "
                     "department's own records\n";
        for (const auto& u : unverified)
          std::cout << "  " << u["parameter"].get<std::string>() << " = " << u["value"].dump() << "\n    source: "
                    << u["source"].get<std::string>() << "\n";
      }
    }
    return kExitOk;
  } catch (const clmis::ValidationError& e) {
    std::cerr << "clmis: " << e.what() << "\n";
    for (const auto& fe : e.errors())
      std::cerr << "  " << (fe.path.empty() ? fe.record : fe.path) << ": " << fe.message << " ("
                << fe.rule << ")\n";
    return kExitError;
  } catch (const clmis::Error& e) {
    std::cerr << "clmis: " << e.what() << "\n";
    return kExitError;
  }
}
