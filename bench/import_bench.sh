#!/usr/bin/env bash
# The import benchmark (issues 4 and 13): ROWS job seekers from one CSV file, `clmis import`
# (full validation, every declared index, one transaction) against the sqlite3 shell's `.import`
# of the same file into a plain table with the same columns, with the same journal settings (WAL,
# synchronous=FULL), in three cases:
#   empty    into a new database (the indexes no check reads built after loading: the default);
#   during   the same with every index kept while loading (--index-build during);
#   holding  into a database already holding ROWS job seekers (another file, other NIS numbers).
# Each case runs clmis and its peer RUNS times, interleaved (clmis, peer, clmis, peer, ...) so that
# both see the same machine load; each figure is the median of its runs. Prints both medians, the
# ratio of the medians, the per-pair ratios' range, rows per second and clmis's peak memory (the
# largest of its runs, GNU time's maximum resident set).
#
# Then, once, a second peer showing the floor for what clmis stores (format 5): the sqlite3 shell
# loads the file into a new clmis database with one SQL script, set-based and without any
# validation — the same rows in the same tables and indexes, with their registration numbers, one
# clmis_change row covering them all and one status row per record (the initial state), in one
# transaction. (The sqlite3 shell leaves foreign keys off; clmis checks them.)
#
#   usage: bench/import_bench.sh BUILD_DIR [ROWS] [RUNS] [WORK_DIR]
#          (defaults: 1000000 rows, 3 runs, /tmp)
set -euo pipefail
build="$(cd "${1:?usage: import_bench.sh BUILD_DIR [ROWS] [RUNS] [WORK_DIR]}" && pwd)"
rows="${2:-1000000}"
runs="${3:-3}"
work="${4:-/tmp}/clmis-import-bench.$$"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
export CLMIS_PASSWORD=bench-password-1 CLMIS_USER=admin

"$here/job_seekers_csv.sh" "$rows" > "$work/a.csv"                  # NIS 1000000 ...
"$here/job_seekers_csv.sh" "$rows" $((1000000 + rows)) > "$work/b.csv"  # the next ROWS NIS numbers
size=$(stat -c %s "$work/a.csv")

now() { date +%s.%N; }
# clmis_import DB FILE [OPTIONS]: the import's seconds on stdout; its peak RSS (KiB) appended to $work/rss.
clmis_import() {
  local start end
  start=$(now)
  /usr/bin/time -f "%M" -o "$work/rss1" "$build/clmis" import "$1" job_seeker "$2" "${@:3}" > "$work/out"
  end=$(now)
  tail -1 "$work/rss1" >> "$work/rss"
  grep -q "imported $rows of $rows rows" "$work/out" || { echo "the import did not take every row:" >&2; cat "$work/out" >&2; exit 1; }
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
# peer_import DB FILE: the sqlite3 shell's .import into the plain table (created if missing).
peer_import() {
  local start end
  start=$(now)
  sqlite3 "$1" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS job_seeker (registration_date TEXT, first_name TEXT, family_name TEXT,
  nis_number TEXT, sex TEXT, date_of_birth TEXT, parish TEXT, city TEXT, telephone TEXT);
.mode csv
.import --skip 1 $2 job_seeker
SQL
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
# copy_db FROM TO: a database with its key (clmis refuses a key readable by others).
copy_db() {
  rm -f "$2" "$2-wal" "$2-shm" "$2.key"
  cp "$1" "$2"
  if [ -f "$1.key" ]; then cp "$1.key" "$2.key"; chmod 600 "$2.key"; fi
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The starting points: a new clmis database (made once, copied for each run), and for "holding"
# both databases after importing a.csv.
"$build/clmis" init "$work/new.db" --country KNA > /dev/null
copy_db "$work/new.db" "$work/base.db"
clmis_import "$work/base.db" "$work/a.csv" > /dev/null
peer_import "$work/peer-base.db" "$work/a.csv" > /dev/null
[ "$(sqlite3 "$work/peer-base.db" 'SELECT count(*) FROM job_seeker')" = "$rows" ] || { echo "sqlite3 .import lost rows"; exit 1; }
: > "$work/rss"

report() {  # report CASE CLMIS_TIMES PEER_TIMES TARGET
  local c p
  c=$(tr ' ' '\n' <<< "$2" | median)
  p=$(tr ' ' '\n' <<< "$3" | median)
  paste -d' ' <(tr ' ' '\n' <<< "$2") <(tr ' ' '\n' <<< "$3") | awk -v name="$1" -v c="$c" -v p="$p" -v rows="$rows" \
    -v target="$4" -v runs="$runs" '
    { r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
    END {
      printf "  %-8s clmis %7.2f s (%7.0f rows/s)   sqlite3 .import %6.2f s   ratio %5.2f (target <= %s; per pair %.2f to %.2f; median of %d)\n",
        name, c, rows / c, p, c / p, target, lo, hi, runs
    }'
}

for case in empty during holding; do
  ct="" pt=""
  # "during": into the empty database with every index kept while loading (--index-build
  # during), beside "empty", where the indexes no check reads are built after loading.
  extra=()
  [ "$case" = during ] && extra=(--index-build during)
  for ((i = 1; i <= runs; i++)); do
    if [ "$case" = empty ] || [ "$case" = during ]; then
      copy_db "$work/new.db" "$work/run.db"; rm -f "$work/peer-run.db"; file="$work/a.csv"
    else
      copy_db "$work/base.db" "$work/run.db"; copy_db "$work/peer-base.db" "$work/peer-run.db"; file="$work/b.csv"
    fi
    sync
    ct="$ct $(clmis_import "$work/run.db" "$file" "${extra[@]}")"
    sync
    pt="$pt $(peer_import "$work/peer-run.db" "$file")"
  done
  eval "times_$case=\"\${ct# }|\${pt# }\""
done

# The second peer: the same tables, indexes, change range and status rows by one SQL script.
# The possible-duplicate key column gets a random 64-bit integer (the shell has no
# clmis_dup_key(); the index costs the same for any random key).
copy_db "$work/new.db" "$work/floor.db"
dupcol=$(sqlite3 "$work/floor.db" "SELECT name FROM pragma_table_info('job_seeker') WHERE name GLOB 'clmis_dup_*'")
[ -n "$dupcol" ] || { echo "no possible-duplicate key column in job_seeker"; exit 1; }
start=$(now)
sqlite3 "$work/floor.db" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -65536;
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE staging (registration_date TEXT, first_name TEXT, family_name TEXT, nis_number TEXT,
  sex TEXT, date_of_birth TEXT, parish TEXT, city TEXT, telephone TEXT);
.mode csv
.import --skip 1 $work/a.csv staging
BEGIN IMMEDIATE;
INSERT INTO job_seeker (version, created_at, created_by, updated_at, updated_by, external_id, archived,
  registration_no, registration_date, first_name, family_name, nis_number, sex, date_of_birth, parish,
  city, telephone, status, "$dupcol")
SELECT 1, unixepoch(), 1, unixepoch(), 1, NULL, 0,
  printf('JS-%06d', rowid), unixepoch(registration_date) / 86400, first_name, family_name, nis_number, sex,
  unixepoch(date_of_birth) / 86400, parish, city, telephone, 'registered', random() FROM staging ORDER BY rowid;
INSERT INTO clmis_change (seq, at, actor, record_type, record_id, op, version, span)
SELECT 1, strftime('%Y-%m-%dT%H:%M:%SZ'), 1, 'job_seeker', min(id), 'create', 1, count(*) FROM job_seeker;
INSERT INTO clmis_status__job_seeker (record_id, n, effective_day, status, event, seq, actor, at, detail)
SELECT id, 0, registration_date, 'registered', NULL, id, NULL, NULL, NULL
FROM job_seeker ORDER BY id;
INSERT INTO clmis_sequence(name, value) VALUES ('job_seeker.registration_no', (SELECT count(*) FROM staging));
COMMIT;
SQL
end=$(now)
floor_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
[ "$(sqlite3 "$work/floor.db" 'SELECT count(*) FROM clmis_status__job_seeker')" = "$rows" ] || { echo "the SQL script lost rows"; exit 1; }

printf 'import: %d job seekers from CSV (%.1f MiB) per run, databases in %s\n' "$rows" \
  "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')" "${4:-/tmp}"
report empty "${times_empty%|*}" "${times_empty#*|}" 8.0
report during "${times_during%|*}" "${times_during#*|}" "8.0 (indexes built while loading)"
report holding "${times_holding%|*}" "${times_holding#*|}" 10.0
sort -n "$work/rss" | tail -1 | awk '{ printf "  clmis peak RSS %.1f MiB (the largest of its runs; target <= 150 MiB)\n", $1 / 1024 }'
c_empty=$(tr ' ' '\n' <<< "${times_empty%|*}" | median)
p_empty=$(tr ' ' '\n' <<< "${times_empty#*|}" | median)
awk -v f="$floor_s" -v c="$c_empty" -v p="$p_empty" -v rows="$rows" 'BEGIN {
  printf "  second peer, one run: sqlite3 SQL script storing what clmis stores into an empty database\n";
  printf "  (same tables and indexes, change range and status rows; set-based, no validation): %.2f s  %.0f rows/s;\n", f, rows / f;
  printf "  clmis / script %.2f, script / .import %.2f\n", c / f, f / p;
}'
