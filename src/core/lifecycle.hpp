// A record's lifecycle as a legacy register gives it: what an import row says about the states a
// record reached and when, before the workflow module turns it into transitions
// (workflow/legacy.cpp). Two documented forms (docs/import.md, "Records with their history"):
// (a) the date each state was reached — columns "<state>_on" — or (b) the state the record is in
// and the date it reached it — columns "status" and "status_date". Dates are ISO "YYYY-MM-DD"
// as given (the importer has applied a declared date layout); the workflow module checks them.
#pragma once

#include "clmis/json.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clmis::detail {

struct LegacyLifecycle {
  /// Form (a): (state, date) for each "<state>_on" given, in the row's column order; with the
  /// column each came from, for messages.
  struct Reached {
    std::string state;
    std::string date;
    std::string column;
  };
  std::vector<Reached> reached;
  /// Form (b): the state reached and the date it was reached, with their columns.
  std::optional<std::string> status;
  std::optional<std::string> status_date;
  std::string status_column = "status";
  std::string status_date_column = "status_date";

  [[nodiscard]] bool empty() const { return reached.empty() && !status && !status_date; }
};

}  // namespace clmis::detail
