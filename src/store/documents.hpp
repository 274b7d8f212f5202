// The documents and links of records (format 8).
//
// clmis_document: every document kept with a record — an attachment received or produced (a
// scan, a photo, a PDF) or a letter the library rendered — with its bytes, media type, size and
// SHA-256. Documents are never changed; one withdrawn by mistake is marked (withdrawn_*) and
// keeps its bytes, so that nothing an officer once filed is lost.
//
// clmis_link: a link from one record to another ("this complaint led to that inspection"), with
// its relation; removing a link marks it, so that the timeline keeps it.
//
// Times are UTC seconds, as in the record tables; seq is the last change number when the row
// was written (its place among the record's events, as for assignments).
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// DDL of clmis_document and clmis_link and their indexes (create_schema and the upgrade to
/// format 8).
std::vector<std::string> document_ddl();

struct DocumentRow {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string kind;        ///< attachment or letter
  std::string name;        ///< the file name given (attachment) or the template's id (letter)
  std::string media_type;  ///< e.g. application/pdf, text/html; charset=utf-8
  std::int64_t size = 0;   ///< bytes
  std::string sha256;      ///< 64 lower-case hex digits of the content
  std::optional<std::string> lang;  ///< a letter's language
  std::optional<std::string> note;
  std::int64_t by = 0, at = 0, seq = 0;
  std::optional<std::int64_t> withdrawn_by, withdrawn_at, withdrawn_seq;
  std::optional<std::string> withdrawn_reason;
};

/// Stores a document with its content; row.id is set. row.size and row.sha256 must describe
/// content (the caller computes them; the table checks the size).
void insert_document(Connection& c, DocumentRow& row, std::string_view content);
/// The documents of a record, oldest first, without their content.
std::vector<DocumentRow> documents_of(Connection& c, const std::string& type, std::int64_t id);
/// One document (without content); nullopt if there is none with that id.
std::optional<DocumentRow> document(Connection& c, std::int64_t id);
/// A document's bytes (empty if there is none with that id).
std::string document_content(Connection& c, std::int64_t id);
/// Marks a document withdrawn (its bytes stay).
void withdraw_document(Connection& c, std::int64_t id, std::int64_t by, std::int64_t at, const std::string& reason,
                       std::int64_t seq);

struct LinkRow {
  std::int64_t id = 0;
  std::string from_type;
  std::int64_t from_id = 0;
  std::string to_type;
  std::int64_t to_id = 0;
  std::string relation;  ///< e.g. related, led_to
  std::optional<std::string> note;
  std::int64_t by = 0, at = 0, seq = 0;
  std::optional<std::int64_t> removed_by, removed_at, removed_seq;
  std::optional<std::string> removed_reason;
};

/// Stores a link; row.id is set. A link that is already in place (same ends and relation, not
/// removed) violates the table's unique index (StorageError with SQLITE_CONSTRAINT).
void insert_link(Connection& c, LinkRow& row);
/// The links from or to a record, removed ones included, oldest first.
std::vector<LinkRow> links_of(Connection& c, const std::string& type, std::int64_t id);
std::optional<LinkRow> link(Connection& c, std::int64_t id);
/// Marks a link removed.
void remove_link(Connection& c, std::int64_t id, std::int64_t by, std::int64_t at, const std::string& reason,
                 std::int64_t seq);

}  // namespace clmis::store
