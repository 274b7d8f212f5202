#include "workflow/documents.hpp"

#include "core/hash.hpp"
#include "clmis/json.hpp"
#include "core/text.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/accounts.hpp"
#include "store/documents.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"

#include <algorithm>
#include <cctype>

namespace clmis::detail {

namespace {

/// The longest name of a document, in bytes (what file systems take).
constexpr std::size_t kMaxName = 255;
/// The longest note or reason, in characters.
constexpr std::size_t kMaxNote = 1000;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// The extension of a file name in lower case ("" if none).
std::string extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string e(name.substr(dot + 1));
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

/// "application/PDF; charset=x" → "application/pdf".
std::string essence(std::string_view media_type) {
  std::string m(media_type.substr(0, media_type.find(';')));
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!m.empty() && blank(static_cast<unsigned char>(m.back()))) m.pop_back();
  m.erase(m.begin(), std::find_if(m.begin(), m.end(), [&](char c) { return !blank(static_cast<unsigned char>(c)); }));
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return m;
}

/// "10 MiB", "1.5 KiB", "64 bytes": a size for people.
std::string size_text(std::int64_t n) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB"};
  int u = 0;
  double v = static_cast<double>(n);
  while (v >= 1024 && u < 3 && static_cast<std::int64_t>(v) % 1024 == 0) {
    v /= 1024;
    ++u;
  }
  return std::to_string(static_cast<std::int64_t>(v)) + " " + units[u];
}

/// The problems of a document's name: empty, over 255 bytes, not UTF-8, a path separator, a
/// control character, or "." / "..".
void check_name(const std::string& record, std::string_view name, std::vector<FieldError>& errors) {
  if (name.empty()) {
    errors.push_back({record, "name", nullptr, "required", "a document needs its file name"});
    return;
  }
  if (!valid_utf8(name)) {
    errors.push_back({record, "name", nullptr, "type", "the file name is not UTF-8 text"});
    return;
  }
  if (name.size() > kMaxName)
    errors.push_back({record, "name", std::string(name), "length",
                      "a file name has at most " + std::to_string(kMaxName) + " bytes (this one has " +
                          std::to_string(name.size()) + ")"});
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    errors.push_back({record, "name", std::string(name), "pattern",
                      "a file name, not a path: no \"/\" or \"\\\" (give the last part of the path)"});
  else if (name == "." || name == "..")
    errors.push_back({record, "name", std::string(name), "pattern", "\".\" and \"..\" are not file names"});
  // Control characters: C0, DEL and C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F).
  bool control = false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) control = true;
    if (c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) < 0xa0) control = true;
  }
  if (control)
    errors.push_back({record, "name", json_excerpt(std::string(name)), "pattern",
                      "a file name has no control characters (line breaks, tabs, escapes)"});
}

/// A note or reason: UTF-8, 1 to 1000 characters.
void check_text(const std::string& record, const char* path, std::string_view text, std::vector<FieldError>& errors) {
  if (!valid_utf8(text)) errors.push_back({record, path, nullptr, "type", std::string("the ") + path + " is not UTF-8 text"});
  else if (utf8_length(text) > kMaxNote)
    errors.push_back({record, path, nullptr, "length",
                      std::string("a ") + path + " has at most " + std::to_string(kMaxNote) + " characters"});
}

Json document_json(Context& cx, const store::DocumentRow& d) {
  return {{"id", d.id},
          {"record_type", d.record_type},
          {"record_id", d.record_id},
          {"kind", d.kind},
          {"name", d.name},
          {"media_type", d.media_type},
          {"size", d.size},
          {"sha256", d.sha256},
          {"lang", d.lang ? Json(*d.lang) : Json(nullptr)},
          {"note", d.note ? Json(*d.note) : Json(nullptr)},
          {"at", store::utc_text(d.at)},
          {"by", store::user_name(cx.conn, d.by)},
          {"withdrawn", d.withdrawn_at.has_value()},
          {"withdrawn_at", d.withdrawn_at ? Json(store::utc_text(*d.withdrawn_at)) : Json(nullptr)},
          {"withdrawn_by", d.withdrawn_by ? Json(store::user_name(cx.conn, *d.withdrawn_by)) : Json(nullptr)},
          {"withdrawn_reason", d.withdrawn_reason ? Json(*d.withdrawn_reason) : Json(nullptr)}};
}

/// A document by id and the type of its record, after the permission on that record.
std::pair<store::DocumentRow, const pack::RecordType*> permitted_document(Context& cx, std::int64_t document_id,
                                                                          std::string_view action) {
  auto d = store::document(cx.conn, document_id);
  if (!d) throw NotFound("there is no document with id " + std::to_string(document_id));
  const auto& t = cx.type(d->record_type);
  // As for records: PermissionDenied (and a security log entry) for a document of a record the
  // user may not read; NotFound only when there is no such document.
  cx.access.require_record(cx, t, action, cx.access.require_scope(cx, t, action), d->record_id);
  return {std::move(*d), &t};
}

}  // namespace

std::string sniff_media_type(std::string_view b, std::string_view name) {
  if (starts_with(b, "%PDF-")) return "application/pdf";
  if (starts_with(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with(b, std::string_view("\x89PNG\r\n\x1A\n", 8))) return "image/png";
  if (starts_with(b, std::string_view("II*\0", 4)) || starts_with(b, std::string_view("MM\0*", 4))) return "image/tiff";
  if (starts_with(b, std::string_view("PK\x03\x04", 4))) {
    const std::string e = extension(name);
    if (e == "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (e == "xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (e == "odt") return "application/vnd.oasis.opendocument.text";
    if (e == "ods") return "application/vnd.oasis.opendocument.spreadsheet";
    return "application/zip";
  }
  if (!b.empty() && b.find('\0') == std::string_view::npos && valid_utf8(b)) return "text/plain";
  return "application/octet-stream";
}

Json attach_document(Context& cx, std::string_view type, std::int64_t id, std::string_view name,
                     std::string_view content, std::string_view media_type, std::string_view note) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  const auto& limits = cx.pack.attachments;
  std::vector<FieldError> errors;
  check_name(t.name, name, errors);
  if (!note.empty()) check_text(t.name, "note", note, errors);
  const auto size = static_cast<std::int64_t>(content.size());
  std::string sniffed;
  if (content.empty()) {
    errors.push_back({t.name, "content", Json(0), "range", "the file is empty"});
  } else {
    if (size > limits.max_size)
      errors.push_back({t.name, "content", size, "range",
                        "the file is " + std::to_string(size) + " bytes; the largest accepted is " +
                            std::to_string(limits.max_size) + " bytes (" + size_text(limits.max_size) + ")"});
    sniffed = sniff_media_type(content, valid_utf8(name) ? name : std::string_view());
    const std::string declared = essence(media_type);
    if (!media_type.empty() && declared != sniffed)
      errors.push_back({t.name, "media_type", json_excerpt(std::string(media_type)), "type",
                        "the content is " + sniffed + ", not " + detail::quoted(media_type)});
    if (std::find(limits.media_types.begin(), limits.media_types.end(), sniffed) == limits.media_types.end())
      errors.push_back({t.name, "media_type", sniffed, "code_list",
                        "documents of type " + sniffed + " are not accepted; accepted: " + join(limits.media_types)});
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));

  Write w(cx);
  const auto rec = store::read_record(cx.conn, t, id);
  if (!rec) throw NotFound(t.name + " " + std::to_string(id) + " does not exist");
  if (rec->archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived: nothing is attached to it");
  Sha256 h;
  h.update(content);
  const auto at = cx.clock.now_text();
  store::DocumentRow d;
  d.record_type = t.name;
  d.record_id = id;
  d.kind = "attachment";
  d.name = std::string(name);
  d.media_type = sniffed;
  d.size = size;
  d.sha256 = h.hex();
  if (!note.empty()) d.note = std::string(note);
  d.by = cx.who.uid;
  d.at = store::utc_seconds(at);
  d.seq = store::last_change(cx.conn).value_or(0);
  store::insert_document(cx.conn, d, content);
  // The audit entry describes the document, never its content.
  cx.audit.append(cx.conn, at, cx.who.uid, "attach", {t.name, id, rec->version, 0},
                  Json{{"document", d.id}, {"name", d.name}, {"media_type", d.media_type}, {"size", d.size},
                       {"sha256", d.sha256}});
  Json out = document_json(cx, d);
  w.commit();
  return out;
}

Json record_documents(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  if (!store::read_record(cx.conn, t, id)) throw NotFound(t.name + " " + std::to_string(id) + " does not exist");
  Json out = Json::array();
  for (const auto& d : store::documents_of(cx.conn, t.name, id)) out.push_back(document_json(cx, d));
  return out;
}

std::string document_content(Context& cx, std::int64_t document_id) {
  const auto [d, t] = permitted_document(cx, document_id, "read");
  (void)t;
  return store::document_content(cx.conn, d.id);
}

Json withdraw_document(Context& cx, std::int64_t document_id, std::string_view reason) {
  auto [d, t] = permitted_document(cx, document_id, "archive");
  std::vector<FieldError> errors;
  if (reason.empty()) errors.push_back({t->name, "reason", nullptr, "required", "a withdrawal needs its reason (it is kept with the document)"});
  else check_text(t->name, "reason", reason, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  Write w(cx);
  // Read again inside the write: another connection may have withdrawn it meanwhile.
  const auto now = store::document(cx.conn, document_id);
  const auto rec = store::read_record(cx.conn, *t, d.record_id);
  if (!now || !rec) throw NotFound("there is no document with id " + std::to_string(document_id));
  if (now->withdrawn_at)
    throw Conflict("document " + std::to_string(document_id) + " (" + detail::quoted(now->name) + ") was already withdrawn on " +
                   store::utc_text(*now->withdrawn_at));
  if (rec->archived)
    throw Conflict(t->name + " " + std::to_string(d.record_id) + " is archived: its documents stay as they are");
  const auto at = cx.clock.now_text();
  d = *now;
  d.withdrawn_by = cx.who.uid;
  d.withdrawn_at = store::utc_seconds(at);
  d.withdrawn_seq = store::last_change(cx.conn).value_or(0);
  d.withdrawn_reason = std::string(reason);
  store::withdraw_document(cx.conn, d.id, *d.withdrawn_by, *d.withdrawn_at, *d.withdrawn_reason, *d.withdrawn_seq);
  cx.audit.append(cx.conn, at, cx.who.uid, "withdraw_document", {t->name, d.record_id, rec->version, 0},
                  Json{{"document", d.id}, {"name", d.name}, {"kind", d.kind}, {"sha256", d.sha256}, {"reason", d.withdrawn_reason.value()}});
  Json out = document_json(cx, d);
  w.commit();
  return out;
}

}  // namespace clmis::detail
