#!/usr/bin/env bash
# `clmis init --country` for the seven generic CARICOM profiles (issue 17) and `clmis profile
# check`, on a database and on --country alone: what is missing or unverified, grouped, exit 0;
# a generic database registers job seekers and vacancies; refusals change nothing. Expected
# subdivisions are the CSV's rows, read with awk; expected counts from the data files with grep.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-profile-pass CLMIS_USER=admin
data="$(cd "$(dirname "$0")/../data" && pwd)"
export LC_ALL=C

for iso in BHS BLZ BRB DMA GRD GUY JAM; do
  "$cli" init "$dir/$iso.db" --country "$iso" > "$dir/out" || fail "init $iso"
  grep -q "^Created $dir/$iso.db for " "$dir/out" || fail "init $iso: $(cat "$dir/out")"
  grep -q "^The country profile leaves [0-9]* value(s) missing .*clmis profile check $dir/$iso.db" "$dir/out" ||
    fail "init $iso says nothing of the missing values: $(cat "$dir/out")"
  # Its subdivisions are exactly the CSV's rows for the country.
  awk -F, -v c="$iso" '$1 == c { print $2 "|" $3 }' "$data/classifications/subdivisions.csv" | sort > "$dir/want"
  [ -s "$dir/want" ] || fail "no rows for $iso in subdivisions.csv"
  sqlite3 "$dir/$iso.db" "SELECT code || '|' || json_extract(labels, '$.en') FROM clmis_code WHERE list = 'parish'" |
    sort > "$dir/got"
  diff "$dir/want" "$dir/got" > /dev/null || fail "$iso subdivisions: $(diff "$dir/want" "$dir/got" | head -5)"
done

# profile check on a database: grouped, exit 0, the database unchanged.
db="$dir/BHS.db"
state() { sqlite3 "$db" .dump | sha256sum; }
before=$(state)
"$cli" profile check "$db" > "$dir/check" || fail "profile check exited $?"
[ "$(state)" = "$before" ] || fail "profile check changed the database"
# Missing: the 3 legal parameters, the calendar and each per-profile deadline of the pack.
per_profile=$(grep -c '"per_profile": true' "$data/packs/standard/pack.json")
grep -q "^BHS (The Bahamas): $((3 + 1 + per_profile)) missing and [0-9]* unverified value(s) in the country profile" \
  "$dir/check" || fail "header: $(head -2 "$dir/check")"
for line in '^Legal parameters:$' '^  minimum_working_age: MISSING$' '^  nis_number_pattern: MISSING$' \
            '^  severance: MISSING$' '^    meanwhile: job_seeker: the age at registration_date is not checked' \
            '^Holidays:$' '^  calendar: MISSING$' '^    note: No public-holiday rules have been entered for The Bahamas' \
            '^Deadlines:$' '^  complaint.acknowledge = 5 working_days (unverified)$' '^  redundancy.notice: MISSING$' \
            '^Department:$' '^  department = {"en":"Department of Labour"} (unverified)$'; do
  grep -q -- "$line" "$dir/check" || fail "profile check has no $line"
done
# The same report without a database.
"$cli" profile check --country BHS > "$dir/check2"
diff "$dir/check" "$dir/check2" > /dev/null || fail "--country differs: $(diff "$dir/check" "$dir/check2" | head -5)"
"$cli" profile check --json --country JAM > "$dir/json"
grep -q '"country": "JAM"' "$dir/json" || fail "json: $(head -5 "$dir/json")"
grep -q '"parameter": "minimum_working_age"' "$dir/json" || fail "json: no minimum_working_age"
# A seed profile: Saint Kitts and Nevis lists its unverified values and no missing legal parameter.
"$cli" profile check --country KNA > "$dir/kna"
grep -q '^  minimum_working_age = 14 (unverified)$' "$dir/kna" || fail "KNA: $(head -8 "$dir/kna")"
if grep -q '^  minimum_working_age: MISSING' "$dir/kna"; then fail "KNA's age is not missing"; fi

# Refusals: usage (exit 2), an unknown country (exit 4), a missing database; nothing changed.
expect "neither" 2 'needs a database or --country' "$cli" profile check
expect "both" 2 'excludes' "$cli" profile check "$db" --country BHS
expect "unknown country" 4 'no country profile' "$cli" profile check --country XYZ
expect "missing database" 4 'no database file' "$cli" profile check "$dir/none.db"
[ ! -e "$dir/none.db" ] || fail "a database was made"

# A generic country registers a job seeker of 10 with a warning (the minimum age is missing),
# any NIS number, and a vacancy; the calendar is refused, saying why.
"$cli" create "$db" employer --set name="Nassau Marine Ltd" --set parish=BS-NP > /dev/null
"$cli" create "$db" job_seeker --set registration_date=2025-03-03 --set first_name=Keisha --set family_name=Rolle \
  --set sex=F --set date_of_birth=2015-03-03 --set parish=BS-NP --set "nis_number=AB-12 x/9" > /dev/null 2> "$dir/err" ||
  fail "job seeker refused: $(cat "$dir/err")"
grep -q '^warning: date_of_birth: the age at registration_date is not checked: minimum_working_age of BHS is missing' \
  "$dir/err" || fail "no warning: $(cat "$dir/err")"
"$cli" create "$db" vacancy --set employer=1 --set job_title="Line cook" --set occupation=5120 \
  --set date_registered=2025-05-02 > /dev/null || fail "vacancy refused"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM job_seeker') $(sqlite3 "$db" 'SELECT count(*) FROM vacancy')" = "1 1" ] ||
  fail "records not stored"
before=$(state)
expect "calendar" 4 'declares its holiday calendar missing' "$cli" calendar list "$db" --year 2026
echo "cli profile: ok"
