// Export of records (clmis/io.hpp): CSV, JSON Lines, one JSON array or an Excel workbook,
// streamed page by page through Session::query's keyset cursor.
#include "clmis/io.hpp"
#include "api/bulk.hpp"
#include "clmis/json.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "core/xlsx.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

namespace clmis {

namespace {

/// A column of the export as the schema declares it: a system field, a field or a section.
struct Column {
  std::string name;
  std::string type;       ///< as the schema spells it; "section" for a section
  std::string code_list;  ///< of a code field
  Json section;           ///< of a section: its declaration (null otherwise)
};

Column column_of(const Json& field) {
  Column c{field["name"].get<std::string>(), field["type"].get<std::string>(), {}, nullptr};
  if (field.contains("code_list")) c.code_list = field["code_list"].get<std::string>();
  return c;
}

/// The system columns of an export: the schema's system fields, with external_id moved next
/// to id and version (the key a re-import matches on comes first).
std::vector<Column> system_columns(const Json& schema) {
  std::vector<Column> cols;
  for (const auto& f : schema["system_fields"]) cols.push_back(column_of(f));
  auto ext = std::find_if(cols.begin(), cols.end(), [](const auto& c) { return c.name == "external_id"; });
  auto version = std::find_if(cols.begin(), cols.end(), [](const auto& c) { return c.name == "version"; });
  if (ext != cols.end() && version != cols.end() && ext > version) std::rotate(version + 1, ext, ext + 1);
  return cols;
}

/// What an export writes, worked out (and refused) before anything is audited or written.
struct Plan {
  std::vector<Column> columns;  ///< in the order asked; sections included
  Json query;                   ///< the first page's query
  std::string language;         ///< xlsx: of the labels
};

Plan plan(Session& session, std::string_view type_name, const ExportOptions& o, bool to_file) {
  if (o.format != "csv" && o.format != "jsonl" && o.format != "json" && o.format != "xlsx")
    throw Misuse("export format is \"csv\", \"jsonl\", \"json\" or \"xlsx\", not " + detail::quoted(o.format));
  if (o.format == "xlsx" && !to_file)
    throw Misuse("an xlsx workbook is written to a file, not a stream: export_to_file (clmis export --out FILE)");
  if (!o.language.empty() && o.format != "xlsx")
    throw Misuse("a language is for the labels of an xlsx export; " + o.format + " has codes only");
  const Json schema = detail::SessionAccess::type_schema(session, type_name);
  const Json* type = nullptr;
  for (const auto& t : schema["record_types"])
    if (t["name"] == type_name) type = &t;
  if (!type) throw NotFound("no record type " + detail::quoted(type_name));

  Plan p;
  if (o.format == "xlsx") {
    const Json& languages = schema["country"]["languages"];
    p.language = o.language.empty() ? languages.front().get<std::string>() : o.language;
    if (std::find(languages.begin(), languages.end(), p.language) == languages.end()) {
      std::vector<std::string> names;
      for (const auto& l : languages) names.push_back(l.get<std::string>());
      throw Misuse("the language " + detail::quoted(o.language) + " is not one of the country's (" +
                   detail::join(names) + ")");
    }
  }
  auto section_column = [&](const Json& sec) {
    return Column{sec["name"].get<std::string>(), "section", {}, sec};
  };
  // The age group of the birth date (Session::get's "age_group"), as text, after the birth date.
  const Json* age_group = type->contains("age_group") ? &(*type)["age_group"] : nullptr;
  const Column age_group_column{"age_group", "text", {}, nullptr};
  if (o.fields.empty()) {
    p.columns = system_columns(schema);
    for (const auto& f : (*type)["fields"]) {
      p.columns.push_back(column_of(f));
      if (age_group && f["name"] == (*age_group)["from"]) p.columns.push_back(age_group_column);
    }
    if (o.format == "xlsx" && type->contains("sections"))
      for (const auto& sec : (*type)["sections"]) p.columns.push_back(section_column(sec));
  } else {
    // The names are checked by the library before anything is audited or written.
    (void)session.query(type_name, Json{{"limit", 1}, {"fields", o.fields}});
    std::vector<FieldError> errors;
    for (size_t i = 0; i < o.fields.size(); ++i) {
      const std::string& name = o.fields[i];
      Column c{name, "", {}, nullptr};
      if (age_group && name == "age_group") c = age_group_column;
      for (const auto& f : schema["system_fields"])
        if (f["name"] == name) c = column_of(f);
      for (const auto& f : (*type)["fields"])
        if (f["name"] == name) c = column_of(f);
      if (type->contains("sections"))
        for (const auto& sec : (*type)["sections"])
          if (sec["name"] == name) c = section_column(sec);
      if (c.type == "section" && o.format == "csv")
        errors.push_back({std::string(type_name), "fields[" + std::to_string(i) + "]", name, "query",
                          "a section is not a CSV column (export it as jsonl or xlsx)"});
      p.columns.push_back(c);
    }
    if (!errors.empty()) throw ValidationError(std::move(errors));
  }
  // So is the filter (its fields, operators and values): a refused export is not audited.
  if (!o.filter.is_array() || !o.filter.empty())
    (void)session.query(type_name, Json{{"limit", 1}, {"include_archived", o.include_archived}, {"filter", o.filter}});
  // And the date of the age groups.
  if (!o.as_of.empty()) (void)session.query(type_name, Json{{"limit", 1}, {"as_of", o.as_of}});
  p.query = {{"limit", 1000}, {"include_archived", o.include_archived}, {"filter", o.filter}};
  if (!o.as_of.empty()) p.query["as_of"] = o.as_of;
  if (!o.fields.empty()) {
    p.query["fields"] = o.fields;
    // A workbook names each section entry's record, and each warning's, by its id.
    if (o.format == "xlsx" && std::find(o.fields.begin(), o.fields.end(), "id") == o.fields.end())
      p.query["fields"].push_back("id");
  }
  return p;
}

/// Records the export in the audit trail (checking the permission first).
void audit(Session& session, std::string_view type_name, const ExportOptions& o, const Plan& p) {
  Json detail = {{"format", o.format}, {"filter", o.filter}, {"include_archived", o.include_archived}};
  if (!o.fields.empty()) detail["fields"] = o.fields;
  if (o.format == "xlsx") detail["language"] = p.language;
  if (!o.as_of.empty()) detail["as_of"] = o.as_of;
  session.export_started(type_name, detail);
}

/// Calls f(record) for every record the plan's query selects, page by page.
template <class F>
std::uint64_t each_record(Session& session, std::string_view type_name, Json q, F&& f) {
  std::uint64_t n = 0;
  for (;;) {
    const Json page = session.query(type_name, q);
    for (const auto& r : page["records"]) {
      f(r);
      ++n;
    }
    if (page["next"].is_null()) break;
    q["after"] = page["next"];
  }
  return n;
}

const Json& member(const Json& r, const std::string& name) {
  static const Json null;
  const auto it = r.find(name);
  return it == r.end() ? null : *it;
}

// --- CSV, JSON Lines, JSON ---------------------------------------------------------------------

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

std::uint64_t write_text_format(Session& session, std::string_view type_name, std::ostream& out,
                                const ExportOptions& o, const Plan& p) {
  if (o.format == "csv") {
    bool first = true;
    for (const auto& c : p.columns) {
      if (!first) out << ',';
      out << c.name;
      if (c.type == "money") out << ',' << c.name << "_currency";
      first = false;
    }
    out << "\r\n";
  } else if (o.format == "json") {
    out << "[";
  }
  const std::uint64_t n = each_record(session, type_name, p.query, [&, i = std::uint64_t{0}](const Json& r) mutable {
    if (o.format == "csv") {
      bool first = true;
      for (const auto& c : p.columns) {
        if (!first) out << ',';
        first = false;
        const Json& v = member(r, c.name);
        if (c.type == "money") {
          cell(out, v.is_null() ? "" : v["amount"].get<std::string>(), false);
          out << ',';
          cell(out, v.is_null() ? "" : v["currency"].get<std::string>(), false);
        } else {
          cell(out, text_of(v), c.type == "text");
        }
      }
      out << "\r\n";
    } else if (o.format == "jsonl") {
      out << dump_json(r) << '\n';
    } else {
      out << (i ? ",\n" : "\n") << dump_json(r);
    }
    ++i;
  });
  if (o.format == "json") out << (n ? "\n]\n" : "]\n");
  if (!out) throw StorageError("writing the export failed");
  return n;
}

// --- xlsx ----------------------------------------------------------------------------------------

/// The labels of the codes an export shows, one list at a time, in one language.
class Labels {
 public:
  Labels(Session& s, std::string language) : session_(s), language_(std::move(language)) {}
  /// The label of code in list ("" when the list has no such code any more).
  const std::string& of(const std::string& list, const std::string& code) {
    auto it = lists_.find(list);
    if (it == lists_.end()) {
      std::unordered_map<std::string, std::string> labels;
      for (const auto& c : detail::SessionAccess::codes(session_, list, language_))
        labels.emplace(c["code"].get<std::string>(), c["label"].get<std::string>());
      it = lists_.emplace(list, std::move(labels)).first;
    }
    static const std::string none;
    const auto found = it->second.find(code);
    return found == it->second.end() ? none : found->second;
  }

 private:
  Session& session_;
  std::string language_;
  std::map<std::string, std::unordered_map<std::string, std::string>> lists_;
};

/// The headers of the columns (a money field: amount and currency; a code: code and label).
std::vector<std::string> headers(const std::vector<const Column*>& cols) {
  std::vector<std::string> h;
  for (const Column* c : cols) {
    h.push_back(c->name);
    if (c->type == "money") h.push_back(c->name + "_currency");
    if (c->type == "code") h.push_back(c->name + "_label");
  }
  return h;
}

class XlsxExport {
 public:
  XlsxExport(const ExportOptions& o, Labels& labels) : o_(o), labels_(labels) {}

  /// Writes the cells of cols from the object r (a record or a section entry) on the sheet's
  /// current row, after the cells already written; id names the record in warnings.
  void cells(detail::xlsx::Sheet& sheet, const std::vector<const Column*>& cols, const Json& r, std::int64_t id) {
    for (const Column* c : cols) {
      const Json& v = member(r, c->name);
      const std::string& t = c->type;
      if (v.is_null()) {
        sheet.skip();
        if (t == "money" || t == "code") sheet.skip();
        continue;
      }
      if (t == "money" && v.is_object() && v.contains("amount") && v.contains("currency")) {
        const std::string amount = text_of(v["amount"]);
        check(sheet, sheet.number(amount, true), c->name, amount, id);
        check(sheet, sheet.text(text_of(v["currency"])), c->name + "_currency", text_of(v["currency"]), id, kText);
      } else if ((t == "integer" || t == "reference") && v.is_number_integer()) {
        check(sheet, sheet.integer(v.get<std::int64_t>()), c->name, text_of(v), id);
      } else if (t == "decimal" && v.is_string()) {
        check(sheet, sheet.number(v.get<std::string>()), c->name, v.get<std::string>(), id);
      } else if (t == "boolean" && v.is_boolean()) {
        sheet.boolean(v.get<bool>());
      } else if (const auto d = t == "date" && v.is_string() ? parse_date(v.get<std::string>()) : std::nullopt) {
        check(sheet, sheet.date(*d), c->name, v.get<std::string>(), id, kDate);
      } else if (const auto dt = t == "datetime" && v.is_string() ? parse_datetime(v.get<std::string>()) : std::nullopt) {
        check(sheet, sheet.datetime(*dt), c->name, v.get<std::string>(), id, kDate);
      } else if (t == "code" && v.is_string()) {
        check(sheet, sheet.text(v.get<std::string>()), c->name, v.get<std::string>(), id, kText);
        const std::string& label = labels_.of(c->code_list, v.get<std::string>());
        check(sheet, sheet.text(label), c->name + "_label", label, id, kText);
      } else {
        // Text (an age group too), as the text the JSON encoding gives it.
        check(sheet, sheet.text(text_of(v)), c->name, text_of(v), id, kText);
        if (t == "money" || t == "code") sheet.skip();
      }
    }
  }

 private:
  /// What a cell is, for the warning when it could not be written as such.
  enum Kind { kNumber, kDate, kText };

  void check(const detail::xlsx::Sheet& sheet, detail::xlsx::Written how, const std::string& column,
             const std::string& value, std::int64_t id, Kind kind = kNumber) {
    using detail::xlsx::Written;
    if (how == Written::typed || !o_.on_warning) return;
    ExportWarning w{sheet.name(), sheet.row(), column, id, value, "", ""};
    if (how == Written::truncated) {
      w.rule = "length";
      w.value = std::string(detail::utf8_prefix(value, 200)) + "...";
      w.message = "text longer than the 32,767 characters of an Excel cell: cut there";
    } else if (kind == kDate) {
      w.rule = "date_range";
      w.message = "a date before 1900-03-01, which Excel's calendar does not count right: written as text";
    } else {
      w.rule = "precision";
      w.message = "a number of more than 15 significant digits, which Excel does not keep: written as text";
    }
    o_.on_warning(w);
  }

  const ExportOptions& o_;
  Labels& labels_;
};

std::uint64_t write_xlsx(Session& session, std::string_view type_name, const std::string& path,
                         const std::string& tmpdir, const ExportOptions& o, const Plan& p) {
  namespace xlsx = detail::xlsx;
  xlsx::Workbook book(path, xlsx::Workbook::Options{tmpdir, xlsx::kMaxRows});
  std::vector<const Column*> main;
  std::vector<const Column*> sections;
  for (const auto& c : p.columns) (c.type == "section" ? sections : main).push_back(&c);
  // A workbook needs a sheet with a column: an export of sections only still lists the ids.
  static const Column id_column{"id", "integer", {}, nullptr};
  if (main.empty()) main.push_back(&id_column);
  xlsx::Sheet& first = book.add_sheet(type_name, headers(main));
  struct SectionSheet {
    const Column* column;
    std::vector<Column> fields;
    std::vector<const Column*> cols;
    xlsx::Sheet* sheet;
  };
  std::vector<SectionSheet> section_sheets;
  section_sheets.reserve(sections.size());
  const std::string parent_id = std::string(type_name) + "_id";
  for (const Column* s : sections) {
    SectionSheet ss{s, {}, {}, nullptr};
    for (const auto& f : s->section["fields"]) ss.fields.push_back(column_of(f));
    for (const auto& f : ss.fields) ss.cols.push_back(&f);
    std::vector<std::string> h = {parent_id, "item_no"};
    for (auto& name : headers(ss.cols)) h.push_back(std::move(name));
    ss.sheet = &book.add_sheet(s->name, h);
    section_sheets.push_back(std::move(ss));
  }
  Labels labels(session, p.language);
  XlsxExport out(o, labels);
  const std::uint64_t n = each_record(session, type_name, p.query, [&](const Json& r) {
    const Json& idv = member(r, "id");
    const std::int64_t id = idv.is_number_integer() ? idv.get<std::int64_t>() : 0;
    first.next_row();
    out.cells(first, main, r, id);
    for (auto& ss : section_sheets) {
      const Json& entries = member(r, ss.column->name);
      if (!entries.is_array()) continue;
      std::int64_t item = 0;
      for (const auto& e : entries) {
        ss.sheet->next_row();
        (void)ss.sheet->integer(id);
        (void)ss.sheet->integer(++item);
        out.cells(*ss.sheet, ss.cols, e, id);
      }
    }
  });
  book.close();
  return n;
}

}  // namespace

std::uint64_t export_records(Session& session, std::string_view type_name, std::ostream& out,
                             const ExportOptions& o) {
  const Plan p = plan(session, type_name, o, false);
  audit(session, type_name, o, p);
  return write_text_format(session, type_name, out, o, p);
}

std::uint64_t export_to_file(Session& session, std::string_view type, const std::string& path,
                             const ExportOptions& options, bool replace) {
  if (options.format != "xlsx") {
    detail::OutputFile file(path, detail::SessionAccess::files(session), replace);
    const std::uint64_t n = export_records(session, type, file.stream(), options);
    file.commit();
    return n;
  }
  // libxlsxwriter writes the workbook itself, to the temporary file, when it is complete; the
  // rows wait in temporary files of its own in the same directory (unlinked as soon as made).
  detail::OutputFile file(path, detail::SessionAccess::files(session), replace, detail::OutputFile::NoStream{});
  const Plan p = plan(session, type, options, true);
  audit(session, type, options, p);
  const std::filesystem::path dir = std::filesystem::path(file.temporary_path()).parent_path();
  const std::uint64_t n = write_xlsx(session, type, file.temporary_path(), dir.string(), options, p);
  file.commit();
  return n;
}

}  // namespace clmis
