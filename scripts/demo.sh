#!/usr/bin/env bash
# make demo: the demo national database (synthetic, Saint Kitts and Nevis, scale 1) on the
# embedded SQLite default, made by `clmis demo`; then the C examples on a database of their own;
# then a few commands a newcomer can try on the result.
set -euo pipefail
build="${1:-build}"
demo_dir="$build/demo"
mkdir -p "$demo_dir"
rm -f "$demo_dir"/clmis-demo-kna.db* "$demo_dir"/examples.db*
if [ -z "${CLMIS_PASSWORD:-}" ]; then
  # There is no default password: make one for these demo databases and say so.
  CLMIS_PASSWORD="demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "demo: administrator 'admin', password $CLMIS_PASSWORD (set CLMIS_PASSWORD to choose it)"
fi
export CLMIS_PASSWORD
if [ -z "${CLMIS_DEMO_USERS_PASSWORD:-}" ]; then
  # One account per role (officer, statistician, auditor...) shares this password.
  CLMIS_DEMO_USERS_PASSWORD="users-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
fi
export CLMIS_DEMO_USERS_PASSWORD
"$build/clmis" demo --country KNA --scale 1 --seed 1 --out "$demo_dir"
db="$demo_dir/clmis-demo-kna.db"

echo
echo "demo: the calendar of Saint Kitts and Nevis — 20 working days from 2026-12-01, and why:"
"$build/clmis" calendar add-days "$db" 2026-12-01 20 --working --explain
"$build/clmis" calendar pending "$db" --year 2027

echo
echo "demo: the C examples, on a database of their own ($demo_dir/examples.db)"
"$build/example_c" "$demo_dir/examples.db" | tail -n 1
"$build/example_c_job_seekers" "$demo_dir/examples.db" | tail -n 1

cat <<TRY

demo: try these (CLMIS_USER=admin and CLMIS_PASSWORD as above):
  export CLMIS_USER=admin CLMIS_PASSWORD='$CLMIS_PASSWORD'
  $build/clmis schema $db --type job_seeker
  $build/clmis query $db job_seeker --where status=active --where parish=KN-03 --limit 5
  $build/clmis history $db job_seeker 1
  $build/clmis codes list $db isco08 --lang en | head
  $build/clmis export $db vacancy --format csv --out vacancies.csv
  $build/clmis counts $db job_seeker --as-of 2025-12-31
  $build/clmis calendar list $db --year 2027
  $build/clmis letter $db complaint 2 complaint.acknowledgement --format text
  $build/clmis letter $db complaint 2 complaint.settlement_statement --lang nl --output letter.html
  $build/clmis calendar proclaim $db 2027-01-04 --rule carnival_last_lap --note "Proclamation of ..."
  PYTHONPATH=$build/python /usr/bin/python3 -c "import clmis, os
db = clmis.open('$db'); s = db.login('admin', os.environ['CLMIS_PASSWORD'])
print(s.query('job_seeker', filter=[{'field': 'status', 'op': 'eq', 'value': 'active'}]).to_pandas().groupby('sex').size())
print(s.status_counts('job_seeker', '2025-12-31')['counts'])"

demo: log in as each role (every demo user has the password $CLMIS_DEMO_USERS_PASSWORD):
  CLMIS_PASSWORD='$CLMIS_DEMO_USERS_PASSWORD' CLMIS_USER=officer $build/clmis whoami $db
  CLMIS_PASSWORD='$CLMIS_DEMO_USERS_PASSWORD' CLMIS_USER=statistician $build/clmis query $db job_seeker --limit 3
      (names and NIS numbers masked, birth dates as age groups)
  CLMIS_PASSWORD='$CLMIS_DEMO_USERS_PASSWORD' CLMIS_USER=data_entry $build/clmis query $db job_seeker
      (only the records that user entered: none yet)
  CLMIS_PASSWORD='$CLMIS_DEMO_USERS_PASSWORD' CLMIS_USER=officer $build/clmis query $db organisation
      (refused: industrial relations is another section; see audit security-log)
  users: supervisor, officer, data_entry (section employment_services), statistician, publisher,
         auditor, read_only, partner_agency; the administrator is admin (password above)
  $build/clmis audit verify $db            # as admin: the audit trail's HMAC chain
  $build/clmis audit security-log $db      # the refusal above
  $build/clmis check $db                   # as admin: file permissions, key, integrity, audit chain, records
  $build/clmis backup $db backup.db        # as admin: an online, verified copy (and backup.db.key)
TRY
echo "done."
