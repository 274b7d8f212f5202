#!/usr/bin/env bash
# A complaint's deadlines from the command line: listed with their due dates, explained, paused
# and resumed; refusals with their exit codes and nothing changed. Due dates worked out by hand
# from data/holidays/KNA.json.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-deadline-pass CLMIS_USER=admin
db="$dir/d.db"
new_db "$db"
"$cli" create "$db" complaint --set date_received=2024-12-20 --set first_name=Ann --set family_name=Hodge --set sex=F > /dev/null
# Friday 2024-12-20: acknowledge 5 working days past Christmas and Boxing Day → Tuesday 2024-12-31,
# overdue on 2025-01-01; resolution 90 days → 2025-03-20.
"$cli" deadline "$db" complaint 1 --as-of 2025-01-01 > "$dir/out"
grep -q '^complaint.acknowledge  1      open   2024-12-20  2024-12-31 .* overdue  5 working days' "$dir/out" || fail "list: $(cat "$dir/out")"
grep -q '^complaint.resolution   1      open   2024-12-20  2025-03-20 ' "$dir/out" || fail "list: resolution"
"$cli" deadline "$db" complaint 1 complaint.acknowledge --explain > "$dir/out"
grep -q '^2024-12-25  Christmas Day' "$dir/out" || fail "explain: $(cat "$dir/out")"
# Paused Monday 2025-02-03, resumed Monday 02-10: seven days more → 2025-03-27.
"$cli" deadline "$db" complaint 1 complaint.resolution pause --reason "waiting for payslips" --date 2025-02-03 > /dev/null
"$cli" deadline "$db" complaint 1 complaint.resolution resume --date 2025-02-10 --json > "$dir/out"
grep -q '"due": "2025-03-27"' "$dir/out" || fail "resume: $(cat "$dir/out")"
# Refusals: exit code, message, and the database unchanged.
state() { sqlite3 "$db" "SELECT * FROM clmis_deadline; SELECT * FROM clmis_deadline_event; SELECT * FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
before=$(state)
expect "a pause without its reason" 3 'a pause needs its reason' "$cli" deadline "$db" complaint 1 complaint.resolution pause
expect "an unknown action" 2 'did you mean pause' "$cli" deadline "$db" complaint 1 complaint.resolution paus --reason x
expect "resume what is not paused" 6 'is not paused' "$cli" deadline "$db" complaint 1 complaint.resolution resume
expect "a deadline not started" 4 'has no deadline "complaint.first_hearing"' "$cli" deadline "$db" complaint 1 complaint.first_hearing clear --reason x
expect "a type without deadlines" 4 'has no deadlines' "$cli" deadline "$db" employer 1
expect "an extension of no days" 3 'whole days from 1' "$cli" deadline "$db" complaint 1 complaint.resolution extend --days 0 --reason x
[ "$(state)" = "$before" ] || fail "a refusal changed the deadlines"
# Assignment and the work queue: complaint 1 assigned to an officer; its acknowledgement (due
# 2024-12-31) is 71 days overdue on 2025-03-12 (Dec 31 to Jan 31 is 31, to Feb 28 59, +12).
CLMIS_NEW_PASSWORD=pw-long-off1 "$cli" users add "$db" off1 --role officer --section industrial_relations > /dev/null
"$cli" assign "$db" complaint 1 off1 --reason "first case" > "$dir/out"
grep -q '^complaint 1: assigned to off1' "$dir/out" || fail "assign: $(cat "$dir/out")"
"$cli" queue "$db" --officer off1 --overdue --as-of 2025-03-12 > "$dir/out"
grep -q '^2024-12-31  71 .*complaint.acknowledge .*off1' "$dir/out" || fail "queue: $(cat "$dir/out")"
"$cli" ageing "$db" --as-of 2025-03-12 > "$dir/out"
grep -q '^complaint  *received  *0  *0  *1  *0  *1$' "$dir/out" || fail "ageing: $(cat "$dir/out")"
"$cli" timeline "$db" complaint 1 > "$dir/out"
grep -q '^2025-02-03  deadline pause .*waiting for pay' "$dir/out" || fail "timeline: $(cat "$dir/out")"
grep -q '^.*  assigned .*to off1; first case' "$dir/out" || fail "timeline: the assignment"
before=$(state)
expect "assign to nobody and someone" 2 'not both' "$cli" assign "$db" complaint 1 off1 --none
expect "assign to an unknown user" 3 'no active user "off9"' "$cli" assign "$db" complaint 1 off9
expect "a queue page of none" 3 'from 1 to 1000' "$cli" queue "$db" --limit 0
[ "$(state)" = "$before" ] || fail "a refusal changed the database"
# Links: complaint 1 led to complaint 2, listed from complaint 2, removed, kept in the timeline.
"$cli" create "$db" complaint --set date_received=2025-03-01 --set first_name=Ann --set family_name=Hodge --set sex=F > /dev/null
"$cli" link "$db" complaint 1 complaint 2 --relation led_to --note "same employer" > "$dir/out"
grep -q '^link 1: complaint 1 led_to complaint 2$' "$dir/out" || fail "link: $(cat "$dir/out")"
"$cli" links "$db" complaint 2 > "$dir/out"
grep -q '^1  *led_to  *← complaint 1  *same employer' "$dir/out" || fail "links: $(cat "$dir/out")"
links_state() { sqlite3 "$db" "SELECT * FROM clmis_link; SELECT * FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
before=$(links_state)
expect "an unknown relation" 3 'is not a relation of the list link_relation' "$cli" link "$db" complaint 1 complaint 2 --relation caused
expect "the same link again" 6 'already linked' "$cli" link "$db" complaint 1 complaint 2 --relation led_to
expect "a link to nothing" 3 'there is no complaint with id 9' "$cli" link "$db" complaint 1 complaint 9
expect "unlink without a reason" 2 'reason' "$cli" unlink "$db" 1
[ "$(links_state)" = "$before" ] || fail "a refused link changed the database"
"$cli" unlink "$db" 1 --reason "entered on the wrong case" > "$dir/out"
grep -q '(removed)$' "$dir/out" || fail "unlink: $(cat "$dir/out")"
"$cli" timeline "$db" complaint 2 > "$dir/out"
grep -q '  unlinked  *led_to ← complaint 1; entered on th' "$dir/out" || fail "timeline links: $(cat "$dir/out")"
echo "cli deadline: ok"
