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

  // The CSV columns: (name, type as the schema spells it; "section" for a section).
  std::vector<std::pair<std::string, std::string>> columns;
  if (o.fields.empty()) {
    for (const auto& [c, text] : system_columns(schema)) columns.emplace_back(c, text ? "text" : "");
    for (const auto& f : (*type)["fields"]) columns.emplace_back(f["name"], f["type"]);
  } else {
    // The names are checked by the library before anything is audited or written.
    (void)session.query(type_name, Json{{"limit", 1}, {"fields", o.fields}});
    std::vector<FieldError> errors;
    for (size_t i = 0; i < o.fields.size(); ++i) {
      const std::string& name = o.fields[i];
      std::string t;
      for (const auto& f : schema["system_fields"])
        if (f["name"] == name) t = f["type"] == "text" ? "text" : "";
      for (const auto& f : (*type)["fields"])
        if (f["name"] == name) t = f["type"];
      if (type->contains("sections"))
        for (const auto& sec : (*type)["sections"])
          if (sec["name"] == name) t = "section";
      if (t == "section" && o.format == "csv")
        errors.push_back({std::string(type_name), "fields[" + std::to_string(i) + "]", name, "query",
                          "a section is not a CSV column (export it as jsonl)"});
      columns.emplace_back(name, t);
    }
    if (!errors.empty()) throw ValidationError(std::move(errors));
  }
  // Checks the export permission and records the export in the audit trail.
  Json detail = {{"format", o.format}, {"filter", o.filter}, {"include_archived", o.include_archived}};
  if (!o.fields.empty()) detail["fields"] = o.fields;
  session.export_started(type_name, detail);

  if (o.format == "csv") {
    bool first = true;
    for (const auto& [c, t] : columns) {
      if (!first) out << ',';
      out << c;
      if (t == "money") out << ',' << c << "_currency";
      first = false;
    }
    out << "\r\n";
  } else if (o.format == "json") {
    out << "[";
  }
  std::uint64_t n = 0;
  Json q = {{"limit", 1000}, {"include_archived", o.include_archived}, {"filter", o.filter}};
  if (!o.fields.empty()) q["fields"] = o.fields;
  for (;;) {
    const Json page = session.query(type_name, q);
    for (const auto& r : page["records"]) {
      if (o.format == "csv") {
        bool first = true;
        for (const auto& [name, t] : columns) {
          if (!first) out << ',';
          first = false;
          const Json& v = r[name];
          if (t == "money") {
            cell(out, v.is_null() ? "" : v["amount"].get<std::string>(), false);
            out << ',';
            cell(out, v.is_null() ? "" : v["currency"].get<std::string>(), false);
          } else {
            cell(out, text_of(v), t == "text");
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
