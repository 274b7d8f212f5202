// Data series of partner agencies (format 11; docs/indicators.md, "Series").
//
// clmis_series_batch   one row per import that changed something: who, when, the file's SHA-256,
//                      its format, the agency, and what it did (added, revised, unchanged).
// clmis_series         one row per series: an indicator from a source, by an agency, at a
//                      frequency (A, Q, M, D), with the unit its values are in (unit_mult: the
//                      power of ten, 3 = thousands; unit: UNIT_MEASURE, "PS", "PT"...).
// clmis_observation    every revision of every observation, keyed by series, the SDMX dimension
//                      codes of CLMIS:LMI(1.0) (sex, age, eco, ocu, edu, geo: "_Z" where unused),
//                      the period in its canonical SDMX form and the revision number (1, 2...).
//                      The value is exact decimal TEXT as the agency wrote it (leading zeros
//                      dropped), NULL for status O, M or Q without a value. Append-only: triggers
//                      refuse UPDATE and DELETE, so a revision never overwrites the one before.
// clmis_user.agency    the agency a partner agency's user belongs to (a code of the list
//                      "agency").
//
// The indicator engine reads the latest revision of each observation with observations().
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clmis::store {

/// DDL of clmis_user.agency (first: the upgrade to format 11 relies on it), then the series
/// tables, their indexes and triggers (create_schema and the upgrade to format 11).
std::vector<std::string> series_ddl();

struct SeriesRow {
  std::int64_t id = 0;
  std::string agency, indicator, source;
  std::string freq;  ///< "A", "Q", "M" or "D"
  int unit_mult = 0;
  std::string unit;
  std::int64_t batch = 0;  ///< the import that created it
};

/// The dimensions and period of an observation.
struct ObservationKey {
  std::string sex = "_Z", age = "_Z", eco = "_Z", ocu = "_Z", edu = "_Z", geo = "_Z";
  std::string period;
};

struct ObservationRow {
  std::int64_t series = 0;
  ObservationKey key;
  std::int64_t first_day = 0, last_day = 0;  ///< the period's days (days since 1970-01-01)
  std::int64_t revision = 1;
  std::optional<std::string> value;  ///< exact decimal text
  std::string status = "A";
  std::optional<std::string> note;
  std::optional<std::int64_t> sample_size;
  std::optional<std::string> cv;
  std::int64_t batch = 0;
};

struct SeriesBatchRow {
  std::int64_t id = 0;
  std::string agency, format, sha256;
  std::optional<std::string> name;  ///< the file's name, when the caller gave it
  std::int64_t by = 0, at = 0;       ///< user id, UTC seconds
  std::int64_t observations = 0, added = 0, revised = 0, unchanged = 0;
};

std::optional<SeriesRow> find_series(Connection& c, const std::string& agency, const std::string& indicator,
                                     const std::string& source, const std::string& freq);
/// Inserts a series (s.id is set).
void insert_series(Connection& c, SeriesRow& s);
/// Inserts an import's row (b.id is set).
void insert_series_batch(Connection& c, SeriesBatchRow& b);
/// The latest revision of an observation, if the series has it.
std::optional<ObservationRow> latest_observation(Connection& c, std::int64_t series, const ObservationKey& k);
void insert_observation(Connection& c, const ObservationRow& o);

/// The series, by agency, indicator, source and frequency; agency and indicator "" = every one.
std::vector<SeriesRow> list_series(Connection& c, const std::string& agency, const std::string& indicator);

/// What the indicator engine asks for (all given members must match).
struct ObservationQuery {
  std::string indicator;                  ///< "" = every indicator
  std::optional<std::string> agency;      ///< default: every agency
  std::optional<std::string> source;      ///< default: every source
  std::optional<std::string> freq;        ///< "A", "Q", "M", "D"; default: every frequency
  /// Only the periods that lie within [from_day, to_day] (days since 1970-01-01), when given.
  std::optional<std::int64_t> from_day, to_day;
  bool all_revisions = false;  ///< every revision, oldest first, instead of the latest only
  /// Paging: at most limit rows (default: all), after the row with this series, key and
  /// revision (in the order below).
  std::optional<std::int64_t> limit;
  struct After {
    std::int64_t series = 0;
    ObservationKey key;
    std::int64_t revision = 0;
  };
  std::optional<After> after;
};

/// An observation with its series.
struct Observation {
  SeriesRow series;
  ObservationRow row;
};

/// The observations of an indicator: for each series and key, the latest revision (or, with
/// all_revisions, every revision), ordered by series, dimensions, period and revision. Values
/// are exact decimal text in the series' unit: the absolute value is value × 10^unit_mult.
/// This is the indicator engine's read of imported aggregates; it checks no permission (the
/// caller does).
std::vector<Observation> observations(Connection& c, const ObservationQuery& q);

/// The imports, newest first (agency "" = every agency).
std::vector<SeriesBatchRow> series_batches(Connection& c, const std::string& agency);

/// A user's agency (clmis_user.agency), and setting it.
std::optional<std::string> user_agency(Connection& c, std::int64_t uid);
void set_user_agency(Connection& c, std::int64_t uid, const std::optional<std::string>& agency);

}  // namespace clmis::store
