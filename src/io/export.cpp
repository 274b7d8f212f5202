// Export of records (clmis/io.hpp): CSV, JSON Lines or one JSON array, streamed page by page
// through Session::query's keyset cursor.
#include "clmis/io.hpp"
#include "api/bulk.hpp"
#include "clmis/json.hpp"
#include "core/files.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace clmis {

namespace {

/// The system columns of a CSV export: the schema's system fields, with external_id moved next
/// to id and version (the key a re-import matches on comes first); (name, is text).
std::vector<std::pair<std::string, bool>> system_columns(const Json& schema) {
  std::vector<std::pair<std::string, bool>> cols;
  for (const auto& f : schema["system_fields"]) cols.emplace_back(f["name"].get<std::string>(), f["type"] == "text");
  auto ext = std::find_if(cols.begin(), cols.end(), [](const auto& c) { return c.first == "external_id"; });
  auto version = std::find_if(cols.begin(), cols.end(), [](const auto& c) { return c.first == "version"; });
  if (ext != cols.end() && version != cols.end() && ext > version) std::rotate(version + 1, ext, ext + 1);
  return cols;
}

/// One CSV cell: quoted when needed; text a spreadsheet would run as a formula is neutralised
/// with a leading apostrophe (OWASP "CSV injection").
void cell(std::ostream& out, const std::string& s, bool is_text) {
  std::string v = s;
  if (is_text && !v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(0, 1, '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    out << v;
    return;
  }
  out << '"';
  for (char c : v) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

std::string text_of(const Json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  return dump_json(v);
}

}  // namespace

std::uint64_t export_records(Session& session, std::string_view type_name, std::ostream& out,
                             const ExportOptions& o) {
  if (o.format != "csv" && o.format != "jsonl" && o.format != "json")
    throw Misuse("export format is \"csv\", \"jsonl\" or \"json\", not \"" + o.format + "\"");
  const Json schema = detail::SessionAccess::type_schema(session, type_name);
  const Json* type = nullptr;
  for (const auto& t : schema["record_types"])
    if (t["name"] == type_name) type = &t;
  if (!type) throw NotFound("no record type " + detail::quoted(type_name));
  // Checks the export permission and records the export in the audit trail.
  session.export_started(type_name, Json{{"format", o.format}, {"filter", o.filter},
                                         {"include_archived", o.include_archived}});

  const auto system = system_columns(schema);
  if (o.format == "csv") {
    bool first = true;
    for (const auto& [c, text] : system) {
      if (!first) out << ',';
      out << c;
      first = false;
    }
    for (const auto& f : (*type)["fields"]) {
      out << ',' << f["name"].get<std::string>();
      if (f["type"] == "money") out << ',' << f["name"].get<std::string>() << "_currency";
    }
    out << "\r\n";
  } else if (o.format == "json") {
    out << "[";
  }
  std::uint64_t n = 0;
  Json q = {{"limit", 1000}, {"include_archived", o.include_archived}, {"filter", o.filter}};
  for (;;) {
    const Json page = session.query(type_name, q);
    for (const auto& r : page["records"]) {
      if (o.format == "csv") {
        bool first = true;
        for (const auto& [name, text] : system) {
          if (!first) out << ',';
          first = false;
          cell(out, text_of(r[name]), text);
        }
        for (const auto& f : (*type)["fields"]) {
          const std::string name = f["name"];
          const Json& v = r[name];
          out << ',';
          if (f["type"] == "money") {
            cell(out, v.is_null() ? "" : v["amount"].get<std::string>(), false);
            out << ',';
            cell(out, v.is_null() ? "" : v["currency"].get<std::string>(), false);
          } else {
            cell(out, text_of(v), f["type"] == "text");
          }
        }
        out << "\r\n";
      } else if (o.format == "jsonl") {
        out << dump_json(r) << '\n';
      } else {
        out << (n ? ",\n" : "\n") << dump_json(r);
      }
      ++n;
    }
    if (page["next"].is_null()) break;
    q["after"] = page["next"];
  }
  if (o.format == "json") out << (n ? "\n]\n" : "]\n");
  if (!out) throw StorageError("writing the export failed");
  return n;
}

std::uint64_t export_to_file(Session& session, std::string_view type, const std::string& path,
                             const ExportOptions& options, bool replace) {
  detail::OutputFile file(path, detail::SessionAccess::files(session), replace);
  const std::uint64_t n = export_records(session, type, file.stream(), options);
  file.commit();
  return n;
}

}  // namespace clmis
