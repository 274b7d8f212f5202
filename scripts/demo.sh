#!/usr/bin/env bash
# make demo: a fresh National Labour Administration Database on the embedded SQLite default,
# with the main job run on it (for now: the C examples — employers and workplaces, then vacancies
# and job seekers through their lifecycle).
set -euo pipefail
build="${1:-build}"
demo_dir="$build/demo"
mkdir -p "$demo_dir"
db="$demo_dir/nlad-demo.db"
rm -f "$db" "$db-wal" "$db-shm"
if [ -z "${CLMIS_PASSWORD:-}" ]; then
  # There is no default password: make one for this demo database and say so.
  CLMIS_PASSWORD="demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "demo: administrator 'admin', password $CLMIS_PASSWORD (set CLMIS_PASSWORD to choose it)"
fi
export CLMIS_PASSWORD
"$build/example_c" "$db"
"$build/example_c_job_seekers" "$db"
echo "demo: the database is $db; open it with any SQLite tool, e.g."
echo "  sqlite3 $db 'SELECT id, name, parish, workers_male, workers_female FROM establishment'"
echo "  sqlite3 $db \"SELECT record_id, event, from_value, to_value, effective_date FROM clmis_history WHERE record_type = 'job_seeker'\""
