#include "store/series.hpp"

namespace clmis::store {

namespace {

enum Kind {
  kFindSeries = 1700,  // statement kinds of this file: 1700-1799 (issue 17, series)
  kInsertSeries,
  kInsertBatch,
  kLatest,
  kInsertObservation,
  kListSeries,
  kObservations,
  kBatches,
  kUserAgency,
  kSetUserAgency
};

std::optional<std::string> opt_text(const Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}
std::optional<std::int64_t> opt_int(const Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.int64(i);
}
template <class T>
void bind_opt(Stmt& s, int i, const std::optional<T>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i, nullptr);
}

const char* const kSeriesColumns = "s.id, s.agency, s.indicator, s.source, s.freq, s.unit_mult, s.unit, s.batch";

SeriesRow series_row(const Stmt& s, int at) {
  SeriesRow r;
  r.id = s.int64(at);
  r.agency = s.text(at + 1);
  r.indicator = s.text(at + 2);
  r.source = s.text(at + 3);
  r.freq = s.text(at + 4);
  r.unit_mult = static_cast<int>(s.int64(at + 5));
  r.unit = s.text(at + 6);
  r.batch = s.int64(at + 7);
  return r;
}

const char* const kObservationColumns =
    "o.series, o.sex, o.age, o.eco, o.ocu, o.edu, o.geo, o.period, o.first_day, o.last_day, o.revision, o.value, "
    "o.status, o.note, o.sample_size, o.cv, o.batch";

ObservationRow observation_row(const Stmt& s, int at) {
  ObservationRow r;
  r.series = s.int64(at);
  r.key.sex = s.text(at + 1);
  r.key.age = s.text(at + 2);
  r.key.eco = s.text(at + 3);
  r.key.ocu = s.text(at + 4);
  r.key.edu = s.text(at + 5);
  r.key.geo = s.text(at + 6);
  r.key.period = s.text(at + 7);
  r.first_day = s.int64(at + 8);
  r.last_day = s.int64(at + 9);
  r.revision = s.int64(at + 10);
  r.value = opt_text(s, at + 11);
  r.status = s.text(at + 12);
  r.note = opt_text(s, at + 13);
  r.sample_size = opt_int(s, at + 14);
  r.cv = opt_text(s, at + 15);
  r.batch = s.int64(at + 16);
  return r;
}

}  // namespace

std::vector<std::string> series_ddl() {
  return {
      "ALTER TABLE clmis_user ADD COLUMN agency TEXT",
      R"(CREATE TABLE clmis_series_batch (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('ilostat', 'sdmx-csv', 'csv')),
  sha256 TEXT NOT NULL,
  name TEXT,
  by INTEGER NOT NULL REFERENCES clmis_user(id),
  at INTEGER NOT NULL,
  observations INTEGER NOT NULL,
  added INTEGER NOT NULL,
  revised INTEGER NOT NULL,
  unchanged INTEGER NOT NULL
) STRICT)",
      R"(CREATE TABLE clmis_series (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency TEXT NOT NULL,
  indicator TEXT NOT NULL,
  source TEXT NOT NULL,
  freq TEXT NOT NULL CHECK (freq IN ('A', 'Q', 'M', 'D')),
  unit_mult INTEGER NOT NULL CHECK (unit_mult BETWEEN 0 AND 15),
  unit TEXT NOT NULL DEFAULT '',
  batch INTEGER NOT NULL REFERENCES clmis_series_batch(id),
  UNIQUE (agency, indicator, source, freq)
) STRICT)",
      "CREATE INDEX clmis_series_indicator ON clmis_series(indicator)",
      R"(CREATE TABLE clmis_observation (
  series INTEGER NOT NULL REFERENCES clmis_series(id),
  sex TEXT NOT NULL,
  age TEXT NOT NULL,
  eco TEXT NOT NULL,
  ocu TEXT NOT NULL,
  edu TEXT NOT NULL,
  geo TEXT NOT NULL,
  period TEXT NOT NULL,
  first_day INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  value TEXT,
  status TEXT NOT NULL CHECK (status IN ('A', 'E', 'P', 'B', 'Q', 'U', 'O', 'M')),
  note TEXT,
  sample_size INTEGER CHECK (sample_size >= 0),
  cv TEXT,
  batch INTEGER NOT NULL REFERENCES clmis_series_batch(id),
  PRIMARY KEY (series, sex, age, eco, ocu, edu, geo, period, revision)
) STRICT, WITHOUT ROWID)",
      "CREATE TRIGGER clmis_observation_no_update BEFORE UPDATE ON clmis_observation "
      "BEGIN SELECT RAISE(ABORT, 'observations are append-only: a revision is a new row'); END",
      "CREATE TRIGGER clmis_observation_no_delete BEFORE DELETE ON clmis_observation "
      "BEGIN SELECT RAISE(ABORT, 'observations are append-only: a revision is a new row'); END",
  };
}

std::optional<SeriesRow> find_series(Connection& c, const std::string& agency, const std::string& indicator,
                                     const std::string& source, const std::string& freq) {
  auto& s = c.statement(kFindSeries, nullptr, [] {
    return std::string("SELECT ") + kSeriesColumns +
           " FROM clmis_series s WHERE s.agency = ? AND s.indicator = ? AND s.source = ? AND s.freq = ?";
  });
  s.bind(1, agency).bind(2, indicator).bind(3, source).bind(4, freq);
  std::optional<SeriesRow> out;
  if (s.step()) out = series_row(s, 0);
  s.reset();
  return out;
}

void insert_series(Connection& c, SeriesRow& r) {
  auto& s = c.statement(kInsertSeries, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_series(agency, indicator, source, freq, unit_mult, unit, batch) VALUES (?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, r.agency).bind(2, r.indicator).bind(3, r.source).bind(4, r.freq).bind(5, std::int64_t{r.unit_mult});
  s.bind(6, r.unit).bind(7, r.batch);
  s.run();
  r.id = c.last_insert_rowid();
}

void insert_series_batch(Connection& c, SeriesBatchRow& b) {
  auto& s = c.statement(kInsertBatch, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_series_batch(agency, format, sha256, name, by, at, observations, added, revised, unchanged) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, b.agency).bind(2, b.format).bind(3, b.sha256);
  bind_opt(s, 4, b.name);
  s.bind(5, b.by).bind(6, b.at).bind(7, b.observations).bind(8, b.added).bind(9, b.revised).bind(10, b.unchanged);
  s.run();
  b.id = c.last_insert_rowid();
}

std::optional<ObservationRow> latest_observation(Connection& c, std::int64_t series, const ObservationKey& k) {
  auto& s = c.statement(kLatest, nullptr, [] {
    return std::string("SELECT ") + kObservationColumns +
           " FROM clmis_observation o WHERE o.series = ? AND o.sex = ? AND o.age = ? AND o.eco = ? AND o.ocu = ? "
           "AND o.edu = ? AND o.geo = ? AND o.period = ? ORDER BY o.revision DESC LIMIT 1";
  });
  s.bind(1, series).bind(2, k.sex).bind(3, k.age).bind(4, k.eco).bind(5, k.ocu).bind(6, k.edu).bind(7, k.geo);
  s.bind(8, k.period);
  std::optional<ObservationRow> out;
  if (s.step()) out = observation_row(s, 0);
  s.reset();
  return out;
}

void insert_observation(Connection& c, const ObservationRow& o) {
  auto& s = c.statement(kInsertObservation, nullptr, [] {
    return std::string(
        "INSERT INTO clmis_observation(series, sex, age, eco, ocu, edu, geo, period, first_day, last_day, revision, "
        "value, status, note, sample_size, cv, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  });
  s.bind(1, o.series).bind(2, o.key.sex).bind(3, o.key.age).bind(4, o.key.eco).bind(5, o.key.ocu);
  s.bind(6, o.key.edu).bind(7, o.key.geo).bind(8, o.key.period).bind(9, o.first_day).bind(10, o.last_day);
  s.bind(11, o.revision);
  bind_opt(s, 12, o.value);
  s.bind(13, o.status);
  bind_opt(s, 14, o.note);
  bind_opt(s, 15, o.sample_size);
  bind_opt(s, 16, o.cv);
  s.bind(17, o.batch);
  s.run();
}

std::vector<SeriesRow> list_series(Connection& c, const std::string& agency, const std::string& indicator) {
  auto& s = c.statement(kListSeries, nullptr, [] {
    return std::string("SELECT ") + kSeriesColumns +
           " FROM clmis_series s WHERE (?1 = '' OR s.agency = ?1) AND (?2 = '' OR s.indicator = ?2) "
           "ORDER BY s.agency, s.indicator, s.source, s.freq";
  });
  s.bind(1, agency).bind(2, indicator);
  std::vector<SeriesRow> out;
  while (s.step()) out.push_back(series_row(s, 0));
  s.reset();
  return out;
}

std::vector<Observation> observations(Connection& c, const ObservationQuery& q) {
  auto& s = c.statement(kObservations, nullptr, [] {
    return std::string("SELECT ") + kSeriesColumns + ", " + kObservationColumns +
           " FROM clmis_observation o JOIN clmis_series s ON s.id = o.series"
           " WHERE (?1 = '' OR s.indicator = ?1) AND (?2 IS NULL OR s.agency = ?2) AND (?3 IS NULL OR s.source = ?3)"
           " AND (?4 IS NULL OR s.freq = ?4) AND (?5 IS NULL OR o.first_day >= ?5) AND (?6 IS NULL OR o.last_day <= ?6)"
           " AND (?7 = 1 OR o.revision = (SELECT max(r.revision) FROM clmis_observation r WHERE r.series = o.series"
           " AND r.sex = o.sex AND r.age = o.age AND r.eco = o.eco AND r.ocu = o.ocu AND r.edu = o.edu"
           " AND r.geo = o.geo AND r.period = o.period))"
           " AND (?8 IS NULL OR (o.series, o.sex, o.age, o.eco, o.ocu, o.edu, o.geo, o.period, o.revision) >"
           " (?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))"
           " ORDER BY o.series, o.sex, o.age, o.eco, o.ocu, o.edu, o.geo, o.period, o.revision LIMIT ?17";
  });
  s.bind(1, q.indicator);
  bind_opt(s, 2, q.agency);
  bind_opt(s, 3, q.source);
  bind_opt(s, 4, q.freq);
  bind_opt(s, 5, q.from_day);
  bind_opt(s, 6, q.to_day);
  s.bind(7, std::int64_t{q.all_revisions ? 1 : 0});
  if (q.after) {
    const auto& a = *q.after;
    s.bind(8, a.series).bind(9, a.key.sex).bind(10, a.key.age).bind(11, a.key.eco).bind(12, a.key.ocu);
    s.bind(13, a.key.edu).bind(14, a.key.geo).bind(15, a.key.period).bind(16, a.revision);
  } else {
    for (int i = 8; i <= 16; ++i) s.bind(i, nullptr);
  }
  s.bind(17, q.limit ? *q.limit : std::int64_t{-1});
  std::vector<Observation> out;
  while (s.step()) out.push_back({series_row(s, 0), observation_row(s, 8)});
  s.reset();
  return out;
}

std::vector<SeriesBatchRow> series_batches(Connection& c, const std::string& agency) {
  auto& s = c.statement(kBatches, nullptr, [] {
    return std::string(
        "SELECT id, agency, format, sha256, name, by, at, observations, added, revised, unchanged "
        "FROM clmis_series_batch WHERE (?1 = '' OR agency = ?1) ORDER BY id DESC");
  });
  s.bind(1, agency);
  std::vector<SeriesBatchRow> out;
  while (s.step()) {
    SeriesBatchRow b;
    b.id = s.int64(0);
    b.agency = s.text(1);
    b.format = s.text(2);
    b.sha256 = s.text(3);
    b.name = opt_text(s, 4);
    b.by = s.int64(5);
    b.at = s.int64(6);
    b.observations = s.int64(7);
    b.added = s.int64(8);
    b.revised = s.int64(9);
    b.unchanged = s.int64(10);
    out.push_back(std::move(b));
  }
  s.reset();
  return out;
}

std::optional<std::string> user_agency(Connection& c, std::int64_t uid) {
  auto& s = c.statement(kUserAgency, nullptr, [] { return std::string("SELECT agency FROM clmis_user WHERE id = ?"); });
  s.bind(1, uid);
  std::optional<std::string> out;
  if (s.step()) out = opt_text(s, 0);
  s.reset();
  return out;
}

void set_user_agency(Connection& c, std::int64_t uid, const std::optional<std::string>& agency) {
  auto& s = c.statement(kSetUserAgency, nullptr, [] { return std::string("UPDATE clmis_user SET agency = ? WHERE id = ?"); });
  bind_opt(s, 1, agency);
  s.bind(2, uid);
  s.run();
}

}  // namespace clmis::store
