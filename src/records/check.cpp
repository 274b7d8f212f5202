#include "records/check.hpp"

#include "clmis/json.hpp"
#include "core/files.hpp"
#include "records/validate.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/meta.hpp"
#include "store/rows.hpp"

#include <cstdio>
#include <filesystem>

namespace clmis::detail {

namespace {

std::string octal(int mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

}  // namespace

Json check_files(const std::vector<std::string>& files, bool has_key_file) {
  static const char* roles[] = {"database", "wal", "shm", "journal", "key"};
  Json list = Json::array();
  bool ok = true;
  for (size_t i = 0; i < files.size(); ++i) {
    const bool key = has_key_file && i + 1 == files.size();
    const std::string role = key ? "key" : roles[i < 4 ? i : 0];
    const int mode = file_mode(files[i]);
    Json e{{"path", files[i]}, {"role", role}, {"exists", mode >= 0}, {"mode", mode >= 0 ? Json(octal(mode)) : Json(nullptr)}};
    std::string problem;
    std::error_code ec;
    const auto kind = std::filesystem::status(files[i], ec).type();
    if (mode >= 0 && kind != std::filesystem::file_type::regular) {
      // A directory (or a device, a pipe) where the file should be: no chmod makes it one.
      problem = std::string(kind == std::filesystem::file_type::directory ? "a directory" : "not a regular file") +
                ", not the " + (key ? "audit key file" : role == "database" ? "database file" : role + " file") +
                " clmis expects here";
    } else if (mode < 0) {
      if (role == "database") problem = "the database file is missing";
      else if (key) problem = "the audit key file is missing: the database cannot be opened without it (restore it from its backup)";
    } else if ((mode & 077) != 0) {
      problem = key ? "the audit key is readable by group or others (mode " + octal(mode) +
                          "); clmis refuses it: chmod 600 " + files[i]
                    : "readable or writable by group or others (mode " + octal(mode) +
                          "): personal data open to other accounts; chmod 600 " + files[i];
    }
    e["ok"] = problem.empty();
    if (!problem.empty()) {
      e["problem"] = problem;
      ok = false;
    }
    list.push_back(std::move(e));
  }
  return Json{{"ok", ok}, {"files", list}};
}

Json check_database(Context& cx, const std::vector<std::string>& files, bool has_key_file, std::size_t max_problems) {
  cx.access.require_system(cx, "audit");
  Json out = check_files(files, has_key_file);
  bool ok = out["ok"].get<bool>();

  const auto integrity = store::integrity_check(cx.conn);
  const bool sound = integrity.size() == 1 && integrity[0] == "ok";
  out["integrity"] = Json{{"ok", sound}, {"messages", sound ? Json::array() : Json(integrity)}};
  ok = ok && sound;

  Json audit = audit_verify(cx, nullptr);
  ok = ok && audit["ok"].get<bool>();
  out["audit"] = std::move(audit);

  // Records against today's rules: read in batches, inside one read transaction so the count
  // is of one state of the file.
  std::uint64_t checked = 0, refused = 0;
  bool truncated = false;
  Json problems = Json::array();
  {
    store::ReadTransaction rt(cx.conn);
    for (const auto& t : cx.pack.record_types) {
      store::for_each_record(cx.conn, t, [&](const store::StoredRecord& r) {
        ++checked;
        const auto errs = stored_value_problems(cx, t, r);
        if (errs.empty()) return;
        ++refused;
        for (const auto& e : errs) {
          if (problems.size() >= max_problems) {
            truncated = true;
            break;
          }
          problems.push_back({{"record_type", t.name}, {"id", r.id}, {"version", r.version}, {"archived", r.archived},
                              {"path", e.path}, {"value", json_excerpt(e.value)}, {"rule", e.rule},
                              {"message", e.message}});
        }
      });
    }
  }
  out["records"] = Json{{"ok", refused == 0}, {"checked", checked}, {"refused", refused},
                        {"problems", problems}, {"truncated", truncated}};
  ok = ok && refused == 0;
  out = Json{{"ok", ok}, {"files", out["files"]}, {"integrity", out["integrity"]}, {"audit", out["audit"]},
             {"records", out["records"]}};
  return out;
}

}  // namespace clmis::detail
