// Automated letters (issue 15; docs/workflows.md, "Letters"): a record type declares its letters
// in the pack (pack::Letter: one mustache template per language); a letter is rendered from a
// record with the department's letterhead from the country profile, dates, amounts and codes
// written out in the letter's language, to HTML (a full document with a print stylesheet) or
// to plain text, and stored with the record in clmis_document (kind "letter") and audited.
//
// Rendering is in two steps so that one template serves both formats:
//  1. mustache (mstch, with its escaping turned off): every value of the context is already
//     text written out for people (render_letter builds the context), and is wrapped in
//     markers (kValueOpen ... kValueClose) so that nothing a value holds is ever taken for
//     markup: mustache never re-reads what it substitutes, and step 2 skips what is marked.
//  2. the blocks of the result: blank lines separate blocks; a block whose first line starts
//     with "# " is a heading; a block whose lines all start with "|" is a table ("| a | b |",
//     the first row the header); any other block is a paragraph whose lines break where the
//     template breaks them. HTML escapes every character of text and values (<, >, &, ", ')
//     and wraps the blocks in <h1>, <table>, <p>; plain text writes them as they are, wrapping
//     paragraphs at 72 characters and aligning table columns.
#pragma once

#include "records/records.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace clmis::detail {

/// A rendered letter (and, once stored, its document id).
struct RenderedLetter {
  std::int64_t document_id = 0;  ///< 0 until stored
  std::string name;              ///< the letter's id (template id), e.g. complaint.acknowledgement
  std::string lang;              ///< the language it is written in
  std::string format;            ///< "html" or "text"
  std::string media_type;        ///< text/html; charset=utf-8 or text/plain; charset=utf-8
  std::string content;
  std::string sha256;            ///< of content, 64 lower-case hex digits
};

/// The letter's language given lang ("" = the profile's first language if the letter has a
/// template in it, else English); ValidationError (path "lang", rule "code_list") if the letter
/// has no template in lang.
std::string letter_language(const pack::Profile& profile, const pack::Letter& l, std::string_view lang);

/// Dates, amounts and numbers written out for a language (en, nl, es) — the formatting of
/// letters, exposed for tests. date: "5 March 2025", "5 maart 2025", "5 de marzo de 2025".
std::string letter_date(Date d, std::string_view lang);
/// A decimal numeral ("-1234567.89") with the language's separators: "-1,234,567.89" (en),
/// "-1.234.567,89" (nl, es). Digits are copied, never computed in floating point.
std::string letter_number(std::string_view decimal, std::string_view lang);
/// Money as "XCD 1,234.50" (en) or "SRD 1.234,50" (nl, es), all the currency's minor digits.
std::string letter_money(const Money& m, std::string_view lang);

/// Renders a letter of a record without storing anything. Checks: the record type and the
/// letter exist (NotFound), the language (letter_language), the format ("html" or "text",
/// ValidationError path "format"), permission "read" and "letter" on the record
/// (PermissionDenied), the record exists (NotFound). Personal fields are empty in the letter
/// unless cx.who may read them. Reads in the caller's transaction if one is open.
RenderedLetter render_letter(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                             std::string_view lang, std::string_view format);

/// Renders a letter (render_letter) and stores it with the record, in the caller's write
/// transaction — it opens none, so that a workflow transition can produce a letter as one of
/// its effects, atomically with the transition. The caller must hold a Write (Write w(cx)) and
/// commit it. Writes one clmis_document row (kind "letter", name = the letter's id, lang, the
/// media type, size, SHA-256, content) and one audit entry "letter" (letter, lang, format,
/// document id, sha256 — not the content). An archived record is refused (Conflict): a letter
/// is a new act on a case. Returns the letter with its document id.
RenderedLetter produce_letter(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                              std::string_view lang, std::string_view format);

/// Session::letter: produce_letter in a write of its own. Returns {"document_id", "name",
/// "lang", "format", "media_type", "size", "sha256", "content"}.
Json letter_on_demand(Context& cx, std::string_view type, std::int64_t id, std::string_view letter,
                      std::string_view lang, std::string_view format);

}  // namespace clmis::detail
