#!/usr/bin/env bash
# The calendar from the command line: a year's holidays, working days with their reasons, a
# proclamation and its withdrawal, and refusals with their exit codes and nothing changed.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-calendar-pass CLMIS_USER=admin
db="$dir/k.db"
new_db "$db"
# KNA 2026: the 12 days of data/holidays/KNA.json, Culturama Last Lap on Tuesday 4 August.
"$cli" calendar list "$db" --year 2026 > "$dir/out"
[ "$(grep -c '^2026-' "$dir/out")" = 12 ] || fail "list: $(cat "$dir/out")"
grep -q '^2026-08-04  Tue  Culturama Day - Last Lap' "$dir/out" || fail "list: culturama"
"$cli" calendar list "$db" --year 2026 --json > "$dir/out"
grep -q '"status": "proclaimed"' "$dir/out" || fail "list --json"
# 2027: both last laps are still to be proclaimed.
"$cli" calendar pending "$db" --year 2027 > "$dir/out"
grep -q '^2 holiday(s) of 2027 to proclaim' "$dir/out" || fail "pending: $(cat "$dir/out")"
# From Wednesday 2026-12-23, 5 working days: Christmas (Fri), Boxing Day (Sat), Sunday skipped → Thursday 31.
[ "$("$cli" calendar add-days "$db" 2026-12-23 5 --working)" = 2026-12-31 ] || fail "add-days --working"
"$cli" calendar add-days "$db" 2026-12-23 5 --working --explain > "$dir/out"
grep -q '^  skipped 2026-12-25 Christmas Day' "$dir/out" || fail "explain: $(cat "$dir/out")"
[ "$("$cli" calendar add-days "$db" 2026-12-23 5)" = 2026-12-28 ] || fail "add-days in calendar days"
[ "$("$cli" calendar between "$db" 2026-12-23 2026-12-31)" = 5 ] || fail "between"
# The 2027 Carnival Last Lap proclaimed for Monday 4 January (2 January is a Saturday).
"$cli" calendar proclaim "$db" 2027-01-04 --rule carnival_last_lap --note "Proclamation of 20 December 2026" > "$dir/out"
grep -q '^  + 2027-01-04 Carnival Day - Last Lap' "$dir/out" || fail "proclaim: $(cat "$dir/out")"
grep -q '^working days change from 2027-01-04' "$dir/out" || fail "proclaim: the change"
[ "$("$cli" calendar add-days "$db" 2026-12-31 1 --working)" = 2027-01-05 ] || fail "after the proclamation"
# Refusals: exit code, message, and the calendar unchanged.
state() { sqlite3 "$db" "SELECT * FROM clmis_calendar_day; SELECT * FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
before=$(state)
expect "unknown rule" 3 'no holiday rule "carnival"' "$cli" calendar proclaim "$db" 2027-01-04 --rule carnival
expect "2027-02-30" 3 'a date YYYY-MM-DD that exists' "$cli" calendar proclaim "$db" 2027-02-30 --rule culturama_last_lap
expect "second proclamation" 6 'already proclaimed for 2027' "$cli" calendar proclaim "$db" 2027-01-05 --rule carnival_last_lap
expect "negative count" 3 'a count of days from 0' "$cli" calendar add-days "$db" 2027-01-04 -1
expect "day 32" 3 'is not a date YYYY-MM-DD that exists' "$cli" calendar between "$db" 2027-01-04 2027-01-32
expect "withdraw nothing" 4 'no proclamation' "$cli" calendar withdraw "$db" --rule culturama_last_lap --year 2027
expect "rule and name" 2 'excludes' "$cli" calendar proclaim "$db" 2027-01-04 --rule carnival_last_lap --name Party
[ "$(state)" = "$before" ] || fail "a refusal changed the calendar"
"$cli" calendar withdraw "$db" --rule carnival_last_lap --year 2027 > "$dir/out"
grep -q '^  - 2027-01-04' "$dir/out" || fail "withdraw: $(cat "$dir/out")"
echo "cli calendar: ok"
