#include "store/documents.hpp"

namespace clmis::store {

namespace {

enum Kind { kDocInsert = 400, kDocOf, kDocOne, kDocContent, kDocWithdraw, kLinkInsert, kLinkOf, kLinkOne, kLinkRemove };

const char* const kDocColumns =
    "id, record_type, record_id, kind, name, media_type, size, sha256, lang, note, by, at, seq, withdrawn_by, "
    "withdrawn_at, withdrawn_seq, withdrawn_reason";

const char* const kLinkColumns =
    "id, from_type, from_id, to_type, to_id, relation, note, by, at, seq, removed_by, removed_at, removed_seq, "
    "removed_reason";

std::optional<std::int64_t> opt_int(const Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.int64(i);
}
std::optional<std::string> opt_text(const Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}
void bind_opt(Stmt& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i, nullptr);
}

DocumentRow read_document(const Stmt& s) {
  DocumentRow r;
  r.id = s.int64(0);
  r.record_type = s.text(1);
  r.record_id = s.int64(2);
  r.kind = s.text(3);
  r.name = s.text(4);
  r.media_type = s.text(5);
  r.size = s.int64(6);
  r.sha256 = s.text(7);
  r.lang = opt_text(s, 8);
  r.note = opt_text(s, 9);
  r.by = s.int64(10);
  r.at = s.int64(11);
  r.seq = s.int64(12);
  r.withdrawn_by = opt_int(s, 13);
  r.withdrawn_at = opt_int(s, 14);
  r.withdrawn_seq = opt_int(s, 15);
  r.withdrawn_reason = opt_text(s, 16);
  return r;
}

LinkRow read_link(const Stmt& s) {
  LinkRow r;
  r.id = s.int64(0);
  r.from_type = s.text(1);
  r.from_id = s.int64(2);
  r.to_type = s.text(3);
  r.to_id = s.int64(4);
  r.relation = s.text(5);
  r.note = opt_text(s, 6);
  r.by = s.int64(7);
  r.at = s.int64(8);
  r.seq = s.int64(9);
  r.removed_by = opt_int(s, 10);
  r.removed_at = opt_int(s, 11);
  r.removed_seq = opt_int(s, 12);
  r.removed_reason = opt_text(s, 13);
  return r;
}

}  // namespace

std::vector<std::string> document_ddl() {
  return {
      // content last: a listing reads the other columns without the BLOB's overflow pages.
      R"(CREATE TABLE clmis_document (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('attachment', 'letter')),
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  lang TEXT,
  note TEXT,
  by INTEGER NOT NULL REFERENCES clmis_user(id),
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  withdrawn_by INTEGER REFERENCES clmis_user(id),
  withdrawn_at INTEGER,
  withdrawn_seq INTEGER,
  withdrawn_reason TEXT,
  content BLOB NOT NULL CHECK (length(content) = size)
) STRICT)",
      "CREATE INDEX clmis_document_record ON clmis_document(record_type, record_id)",
      R"(CREATE TABLE clmis_link (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  from_type TEXT NOT NULL,
  from_id INTEGER NOT NULL,
  to_type TEXT NOT NULL,
  to_id INTEGER NOT NULL,
  relation TEXT NOT NULL,
  note TEXT,
  by INTEGER NOT NULL REFERENCES clmis_user(id),
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  removed_by INTEGER REFERENCES clmis_user(id),
  removed_at INTEGER,
  removed_seq INTEGER,
  removed_reason TEXT,
  CHECK (NOT (from_type = to_type AND from_id = to_id))
) STRICT)",
      "CREATE UNIQUE INDEX clmis_link_live ON clmis_link(from_type, from_id, to_type, to_id, relation) "
      "WHERE removed_at IS NULL",
      "CREATE INDEX clmis_link_from ON clmis_link(from_type, from_id)",
      "CREATE INDEX clmis_link_to ON clmis_link(to_type, to_id)"};
}

void insert_document(Connection& c, DocumentRow& r, std::string_view content) {
  auto& s = c.statement(kDocInsert, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_document(record_type, record_id, kind, name, media_type, size, sha256, lang, note, by, at, "
        "seq, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, r.record_type).bind(2, r.record_id).bind(3, r.kind).bind(4, r.name).bind(5, r.media_type);
  s.bind(6, r.size).bind(7, r.sha256);
  bind_opt(s, 8, r.lang);
  bind_opt(s, 9, r.note);
  s.bind(10, r.by).bind(11, r.at).bind(12, r.seq).bind_blob(13, content);
  s.run();
  r.id = c.last_insert_rowid();
}

std::vector<DocumentRow> documents_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kDocOf, nullptr, [] {
    return std::string("SELECT ") + kDocColumns +
           " FROM clmis_document WHERE record_type = ? AND record_id = ? ORDER BY id";
  });
  s.bind(1, type).bind(2, id);
  std::vector<DocumentRow> out;
  while (s.step()) out.push_back(read_document(s));
  s.reset();
  return out;
}

std::optional<DocumentRow> document(Connection& c, std::int64_t id) {
  auto& s = c.statement(kDocOne, nullptr,
                        [] { return std::string("SELECT ") + kDocColumns + " FROM clmis_document WHERE id = ?"; });
  s.bind(1, id);
  std::optional<DocumentRow> out;
  if (s.step()) out = read_document(s);
  s.reset();
  return out;
}

std::string document_content(Connection& c, std::int64_t id) {
  auto& s = c.statement(kDocContent, nullptr,
                        [] { return std::string("SELECT content FROM clmis_document WHERE id = ?"); });
  s.bind(1, id);
  std::string out;
  if (s.step()) out = s.blob(0);
  s.reset();
  return out;
}

void withdraw_document(Connection& c, std::int64_t id, std::int64_t by, std::int64_t at, const std::string& reason,
                       std::int64_t seq) {
  auto& s = c.statement(kDocWithdraw, nullptr, [] {
    return std::string(
        "UPDATE clmis_document SET withdrawn_by = ?, withdrawn_at = ?, withdrawn_reason = ?, withdrawn_seq = ? "
        "WHERE id = ? AND withdrawn_at IS NULL");
  });
  s.bind(1, by).bind(2, at).bind(3, reason).bind(4, seq).bind(5, id);
  s.run();
}

void insert_link(Connection& c, LinkRow& r) {
  auto& s = c.statement(kLinkInsert, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_link(from_type, from_id, to_type, to_id, relation, note, by, at, seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, r.from_type).bind(2, r.from_id).bind(3, r.to_type).bind(4, r.to_id).bind(5, r.relation);
  bind_opt(s, 6, r.note);
  s.bind(7, r.by).bind(8, r.at).bind(9, r.seq);
  s.run();
  r.id = c.last_insert_rowid();
}

std::vector<LinkRow> links_of(Connection& c, const std::string& type, std::int64_t id) {
  auto& s = c.statement(kLinkOf, nullptr, [] {
    return std::string("SELECT ") + kLinkColumns +
           " FROM clmis_link WHERE (from_type = ?1 AND from_id = ?2) OR (to_type = ?1 AND to_id = ?2) ORDER BY id";
  });
  s.bind(1, type).bind(2, id);
  std::vector<LinkRow> out;
  while (s.step()) out.push_back(read_link(s));
  s.reset();
  return out;
}

std::optional<LinkRow> link(Connection& c, std::int64_t id) {
  auto& s = c.statement(kLinkOne, nullptr,
                        [] { return std::string("SELECT ") + kLinkColumns + " FROM clmis_link WHERE id = ?"; });
  s.bind(1, id);
  std::optional<LinkRow> out;
  if (s.step()) out = read_link(s);
  s.reset();
  return out;
}

void remove_link(Connection& c, std::int64_t id, std::int64_t by, std::int64_t at, const std::string& reason,
                 std::int64_t seq) {
  auto& s = c.statement(kLinkRemove, nullptr, [] {
    return std::string(
        "UPDATE clmis_link SET removed_by = ?, removed_at = ?, removed_reason = ?, removed_seq = ? "
        "WHERE id = ? AND removed_at IS NULL");
  });
  s.bind(1, by).bind(2, at).bind(3, reason).bind(4, seq).bind(5, id);
  s.run();
}

}  // namespace clmis::store
