// The documents of records (issue 15; docs/workflows.md, "Attachments"): attachments received or
// produced — scans, photos, PDFs — attached to any record, stored with their content, media
// type (recognised from the content), size and SHA-256 (store/documents.hpp), within the limits
// of the pack or the country profile (pack::AttachmentLimits); listed and read under the
// record's own permissions; withdrawn, never deleted. Letters (kind "letter") live in the same
// table and are listed with the attachments.
#pragma once

#include "records/records.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace clmis::detail {

/// The media type a document's content is ("application/pdf"...), from its first bytes and, for
/// the zip-based office formats, its name's extension: one of pack::recognised_media_types(),
/// "application/zip" for another zip archive, "application/octet-stream" for anything else.
std::string sniff_media_type(std::string_view content, std::string_view name);

/// Session::attach: stores content as a document of the record (permission "update" on it, in
/// its scope); audited ("attach"). media_type: what the caller says it is ("" = not said);
/// note: "" = none. Returns the document as record_documents() lists it. ValidationError (all
/// problems together) for a bad name or note, empty content, content over the limit, a type
/// not allowed or not the one declared; NotFound for a missing record; Conflict for an archived
/// one; each changes nothing.
Json attach_document(Context& cx, std::string_view type, std::int64_t id, std::string_view name,
                     std::string_view content, std::string_view media_type, std::string_view note);
/// Session::documents: the documents of a record, oldest first, without their content (both
/// kinds; withdrawn ones included and marked). Permission "read" on the record.
Json record_documents(Context& cx, std::string_view type, std::int64_t id);
/// Session::document_content: a document's bytes. Permission "read" on its record; NotFound
/// for an id that names no document.
std::string document_content(Context& cx, std::int64_t document_id);
/// Session::withdraw_document: marks a document withdrawn with a reason (its bytes stay);
/// permission "archive" on its record; audited ("withdraw_document"). Returns the document as
/// listed. ValidationError for a missing reason, Conflict if already withdrawn or the record is
/// archived, NotFound for an unknown id.
Json withdraw_document(Context& cx, std::int64_t document_id, std::string_view reason);

}  // namespace clmis::detail
