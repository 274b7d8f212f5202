// Survey and partner data (issue 17; docs/indicators.md, "Series"): the series partner agencies
// import — the statistics office's labour force survey aggregates, National Insurance's
// figures — kept with their source, agency, status and every revision.
//
// Who may: a user holding the system permission "series" (the administrator) imports for any
// agency, naming it, and reads every series; a user of a partner agency's role (pack role with
// "agency": true) imports, revises and reads the series of their own agency (clmis_user.agency)
// and nothing else. Anyone else is refused (PermissionDenied, logged).
#pragma once

#include "clmis/value.hpp"
#include "security/context.hpp"

#include <string_view>

namespace clmis::detail {

/// The code list of the agencies (standard pack 1.8.0: DOL, NSO, NIS, ILO).
inline constexpr const char* kAgencyList = "agency";

/// Session::series_import: parses the file (indicators/series_formats.hpp), checks it against
/// the database (GEO codes of the country's "parish" list; a series' unit unchanged) and, in one
/// transaction, adds each new observation (revision 1), adds a revision n + 1 for each
/// observation whose value, status, note, sample size or coefficient of variation changed, and
/// leaves the others; one batch row and one audit entry ("series_import"). A file that changes
/// nothing writes nothing ("batch": null).
Json series_import(Context& cx, std::string_view bytes, const Json& options);

/// Session::series: the observations of the series the user reaches, a page at a time.
Json series_rows(Context& cx, const Json& query);

}  // namespace clmis::detail
