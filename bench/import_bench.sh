#!/usr/bin/env bash
# The import benchmark of issue 4: N job seekers from one CSV file, `clmis import` (full
# validation, one transaction) against the sqlite3 shell's `.import` of the same file into a plain
# table with the same columns, in the same run, with the same journal settings (WAL,
# synchronous=FULL). Prints both times, the ratio, rows per second and clmis's peak memory.
#
# A second peer shows the floor for what clmis stores: the sqlite3 shell loads the same file into
# a fresh clmis database with one SQL script, set-based and without any validation — the same
# rows in the same tables and indexes, with their registration numbers, one clmis_change row and
# two clmis_history rows per record (created, initial state), in one transaction.
#
#   usage: bench/import_bench.sh BUILD_DIR [ROWS] [WORK_DIR]     (defaults: 1000000 rows, /tmp)
set -euo pipefail
build="${1:?usage: import_bench.sh BUILD_DIR [ROWS] [WORK_DIR]}"
rows="${2:-1000000}"
work="${3:-/tmp}/clmis-import-bench.$$"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
csv="$work/job_seekers.csv"

"$(dirname "$0")/job_seekers_csv.sh" "$rows" > "$csv"
size=$(stat -c %s "$csv")

# clmis: a fresh database, then the import (peak memory from GNU time's maximum resident set).
export CLMIS_PASSWORD=bench-password-1 CLMIS_USER=admin
"$build/clmis" init "$work/clmis.db" --country KNA > /dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$build/clmis" import "$work/clmis.db" job_seeker "$csv" > "$work/out"
end=$(date +%s.%N)
clmis_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
rss_kb=$(tail -1 "$work/rss")
grep -q "imported $rows of $rows rows" "$work/out" || { echo "the import did not take every row:"; cat "$work/out"; exit 1; }

# The peer: the sqlite3 shell's .import into a plain table with the same columns.
start=$(date +%s.%N)
sqlite3 "$work/peer.db" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE job_seeker (registration_date TEXT, first_name TEXT, family_name TEXT, nis_number TEXT,
  sex TEXT, date_of_birth TEXT, parish TEXT, city TEXT, telephone TEXT);
.mode csv
.import --skip 1 $csv job_seeker
SQL
end=$(date +%s.%N)
peer_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
[ "$(sqlite3 "$work/peer.db" 'SELECT count(*) FROM job_seeker')" = "$rows" ] || { echo "sqlite3 .import lost rows"; exit 1; }

# The second peer: the same tables, indexes, change and history rows by one SQL script.
"$build/clmis" init "$work/floor.db" --country KNA > /dev/null
start=$(date +%s.%N)
sqlite3 "$work/floor.db" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -65536;
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE staging (registration_date TEXT, first_name TEXT, family_name TEXT, nis_number TEXT,
  sex TEXT, date_of_birth TEXT, parish TEXT, city TEXT, telephone TEXT);
.mode csv
.import --skip 1 $csv staging
BEGIN IMMEDIATE;
INSERT INTO job_seeker (version, created_at, created_by, updated_at, updated_by, external_id, archived,
  registration_no, registration_date, first_name, family_name, nis_number, sex, date_of_birth, parish,
  city, telephone, status)
SELECT 1, strftime('%Y-%m-%dT%H:%M:%SZ'), 1, strftime('%Y-%m-%dT%H:%M:%SZ'), 1, NULL, 0,
  printf('JS-%06d', rowid), registration_date, first_name, family_name, nis_number, sex, date_of_birth,
  parish, city, telephone, 'registered' FROM staging ORDER BY rowid;
INSERT INTO clmis_change (at, actor, record_type, record_id, op, version)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ'), 1, 'job_seeker', id, 'create', 1 FROM job_seeker ORDER BY id;
INSERT INTO clmis_history (seq, record_type, record_id, event, field, from_value, to_value,
  effective_date, actor, at)
SELECT c.seq, 'job_seeker', j.id, v.event, v.field, NULL, v.to_value,
  coalesce(CASE WHEN v.field IS NULL THEN NULL ELSE j.registration_date END, date('now')), 1,
  strftime('%Y-%m-%dT%H:%M:%SZ')
FROM clmis_change c JOIN job_seeker j ON j.id = c.record_id,
  (SELECT 1 AS k, 'created' AS event, NULL AS field, NULL AS to_value
   UNION ALL SELECT 2, 'initial', 'status', 'registered') v
WHERE c.record_type = 'job_seeker' ORDER BY c.seq, v.k;
INSERT INTO clmis_sequence(name, value) VALUES ('job_seeker.registration_no', (SELECT count(*) FROM staging));
COMMIT;
SQL
end=$(date +%s.%N)
floor_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
[ "$(sqlite3 "$work/floor.db" 'SELECT count(*) FROM clmis_history')" = "$((2 * rows))" ] || { echo "the SQL script lost rows"; exit 1; }

awk -v rows="$rows" -v size="$size" -v c="$clmis_s" -v p="$peer_s" -v f="$floor_s" -v rss="$rss_kb" -v dir="${3:-/tmp}" 'BEGIN {
  printf "import: %d job seekers from CSV (%.1f MiB), databases in %s\n", rows, size / 1048576, dir;
  printf "  clmis import (full validation): %8.2f s  %9.0f rows/s  peak RSS %.1f MiB\n", c, rows / c, rss / 1024;
  printf "  sqlite3 .import (plain table):  %8.2f s  %9.0f rows/s\n", p, rows / p;
  printf "  ratio %.2f (clmis time / sqlite3 time; target <= 2.0); peak RSS target <= 150 MiB\n", c / p;
  printf "  second peer, sqlite3 SQL script storing what clmis stores (same tables and indexes, change and\n";
  printf "  history rows; set-based, no validation): %.2f s  %.0f rows/s; clmis / script %.2f, script / .import %.2f\n",
    f, rows / f, c / f, f / p;
}'
