// Links between records (issue 15; docs/workflows.md, "Links"): a complaint that led to an
// inspection, a dispute that follows a complaint, two records of one matter. A link goes from
// one record to another with a relation from the code list "link_relation"; removing it marks it
// (store/documents.hpp, clmis_link), so that both records' timelines keep it.
#pragma once

#include "security/context.hpp"

#include "clmis/value.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace clmis::detail {

/// Session::link: links record (type, id) to (to_type, to_id) with relation (an active code of
/// link_relation; "" = "related") and an optional note. Permission "update" on the first record
/// and "read" on the second (each with its scope). ValidationError: relation not a code of the
/// list, a note that is not UTF-8 or longer than 1000 characters, a second record that does not
/// exist ("reference"), a record linked to itself; NotFound: the first record does not exist or
/// a type is unknown; Conflict: the first record is archived; AlreadyExists: the same link is in
/// place. Audited ("link"). Returns the link as links() shows it.
Json link_records(Context& cx, std::string_view type, std::int64_t id, std::string_view to_type, std::int64_t to_id,
                  std::string_view relation, std::string_view note);
/// Session::unlink: removes a link (by its id), with a required reason; permission "update" on
/// the record it goes from. NotFound for an unknown link; Conflict if it was removed already.
/// Audited ("unlink"). Returns the link as it now stands.
Json unlink_records(Context& cx, std::int64_t link_id, std::string_view reason);
/// Session::links: the links from and to a record, removed ones included, oldest first; needs
/// "read" on the record. Each: {"id", "relation", "direction" ("from": this record links to the
/// other, "to": the other links to it), "from_type", "from_id", "to_type", "to_id", "note",
/// "by", "at", "removed"?: {"by", "at", "reason"}}.
Json record_links(Context& cx, std::string_view type, std::int64_t id);

/// The timeline events of a record's links: (seq, at, event) — "linked" and "unlinked".
struct LinkEvent {
  std::int64_t seq = 0;
  std::string at;
  Json event;
};
std::vector<LinkEvent> link_events(Context& cx, const std::string& type, std::int64_t id);

/// The date of a stored instant (UTC seconds) in the country's time zone, "YYYY-MM-DD": what a
/// timeline shows for an action, like the history's dates (at 22:00 in Saint Kitts, UTC-4, it
/// is still the day before the UTC date).
std::string local_day_of(Context& cx, std::int64_t utc_seconds);

}  // namespace clmis::detail
