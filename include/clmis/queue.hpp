// clmis/queue.hpp — a work queue's page as typed rows (Session::queue_page), for C++ callers that
// want the values without reading them out of JSON. Session::queue gives the same page as JSON
// (to_json below): the same rows in the same order, the same cursor.
#pragma once

#include "clmis/value.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis {

/// One running deadline of a case, with what a queue shows of the case (docs/workflows.md).
struct QueueEntry {
  std::string record_type;            ///< the case type ("complaint")
  std::int64_t id = 0;                ///< the case's id
  std::optional<std::string> number;  ///< the case number, once assigned
  std::string status;                 ///< the case's state ("conciliation")
  std::string deadline;               ///< the deadline's id ("complaint.first_hearing")
  std::string state;                  ///< the deadline's: "open" or "paused"
  std::optional<Date> due;            ///< none while paused
  bool overdue = false;               ///< due before the page's as_of
  std::int64_t days_overdue = 0;      ///< as_of minus due when overdue, else 0
  std::optional<std::string> officer; ///< the user the case is assigned to
};

/// A page of a work queue: rows by due date (paused deadlines last), and the cursor of the
/// next page (none on the last).
struct QueuePage {
  Date as_of;
  std::vector<QueueEntry> rows;
  std::optional<std::string> next_cursor;
};

/// The page as Session::queue returns it: {"as_of", "rows": [{"record_type", "id", "number",
/// "status", "deadline", "state", "due", "overdue", "days_overdue", "officer"}], "next_cursor"}
/// (dates as "YYYY-MM-DD", a missing value as null).
[[nodiscard]] Json to_json(const QueuePage& page);

}  // namespace clmis
