#!/usr/bin/env bash
# Security through the command line: accounts, passwords, service keys, and the audit trail
# tampered with through the sqlite3 shell — each tampering found by `clmis audit verify` (exit 9),
# naming the first bad entry; a truncated tail found against a checkpoint.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_USER=admin CLMIS_PASSWORD=cli-admin-password
db="$dir/t.db"
expect_rc() {  # expect_rc CODE COMMAND... : runs the command, checks its exit code
  local want="$1" rc=0
  shift
  "$@" > "$dir/out" 2> "$dir/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: exit $rc, expected $want; $(cat "$dir/out" "$dir/err")"
}

"$cli" init "$db" --country KNA > "$dir/out"
grep -q "Audit key: $db.key" "$dir/out" || fail "init does not name the key file: $(cat "$dir/out")"
[ "$(stat -c %a "$db.key")" = 600 ] || fail "the key file is not owner-only"
printf 'registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n2025-03-03,Keisha,Liburd,1846398,F,1999-07-14,KN-03\n' > "$dir/js.csv"
"$cli" import "$db" job_seeker "$dir/js.csv" > /dev/null

# Accounts: a new officer must change the first password before anything else.
CLMIS_NEW_PASSWORD=first-pass-123 "$cli" users add "$db" dwayne --role officer --section employment_services > /dev/null
"$cli" users list "$db" | grep -q "dwayne .*officer .*employment_services .*must change password" || fail "users list"
expect_rc 5 env CLMIS_USER=dwayne CLMIS_PASSWORD=first-pass-123 "$cli" query "$db" job_seeker
grep -q "must be changed" "$dir/err" || fail "must change: $(cat "$dir/err")"
CLMIS_USER=dwayne CLMIS_PASSWORD=first-pass-123 CLMIS_NEW_PASSWORD=second-pass-456 "$cli" passwd "$db" > /dev/null
CLMIS_USER=dwayne CLMIS_PASSWORD=second-pass-456 "$cli" query "$db" job_seeker | grep -q "^1 record" || fail "officer query"
# Denied: an officer may not export or manage users; the refusal is in the security log.
expect_rc 5 env CLMIS_USER=dwayne CLMIS_PASSWORD=second-pass-456 "$cli" export "$db" job_seeker --format csv
expect_rc 5 env CLMIS_USER=dwayne CLMIS_PASSWORD=second-pass-456 "$cli" users list "$db"
"$cli" audit security-log "$db" | grep -q "permission_denied .*job_seeker.export" || fail "security log"
# Lockout after 5 failures, even for the right password; the administrator unlocks.
for i in 1 2 3 4 5; do expect_rc 5 env CLMIS_USER=dwayne CLMIS_PASSWORD=wrong-$i "$cli" whoami "$db"; done
expect_rc 5 env CLMIS_USER=dwayne CLMIS_PASSWORD=second-pass-456 "$cli" whoami "$db"
"$cli" users set "$db" dwayne --unlock > /dev/null
CLMIS_USER=dwayne CLMIS_PASSWORD=second-pass-456 "$cli" whoami "$db" | grep -q "^dwayne: roles officer" || fail "unlock"

# A service key: shown once, sessions on behalf of a user, refused once revoked.
"$cli" keys create "$db" portal --role officer --role statistician > "$dir/key"
key=$(tail -n 1 "$dir/key")
case "$key" in clmis_sk_*) ;; *) fail "no key printed: $(cat "$dir/key")" ;; esac
CLMIS_SERVICE_KEY="$key" CLMIS_USER=dwayne CLMIS_PASSWORD= "$cli" whoami "$db" | grep -q "through a service key" || fail "service login"
! grep -q "${key#clmis_sk_}" "$db" "$db-wal" 2> /dev/null || fail "the key is stored in clear"
"$cli" keys revoke "$db" portal > /dev/null
expect_rc 5 env CLMIS_SERVICE_KEY="$key" CLMIS_USER=dwayne "$cli" whoami "$db"
"$cli" keys list "$db" | grep -q "portal .*revoked" || fail "keys list"

# The audit trail: intact, then tampered with through the sqlite3 shell.
"$cli" audit verify "$db" | grep -q "audit trail intact" || fail "verify"
"$cli" audit checkpoint "$db" --out "$dir/cp.json" 2> /dev/null
n=$(sqlite3 "$db" "SELECT count(*) FROM clmis_audit")
cp "$db" "$dir/pristine.db"
restore() { cp "$dir/pristine.db" "$db"; rm -f "$db-wal" "$db-shm"; }
! sqlite3 "$db" "UPDATE clmis_audit SET action = 'x' WHERE id = 3" 2> /dev/null || fail "the trail accepted an UPDATE"
! sqlite3 "$db" "DELETE FROM clmis_audit WHERE id = 3" 2> /dev/null || fail "the trail accepted a DELETE"
drop="DROP TRIGGER clmis_audit_no_update; DROP TRIGGER clmis_audit_no_delete;"
tamper() {  # tamper NAME FIRST_BAD SQL [verify options]
  local name="$1" first="$2" sql="$3"
  shift 3
  restore
  sqlite3 "$db" "$sql"
  expect_rc 9 "$cli" audit verify "$db" "$@"
  grep -q "first bad entry $first" "$dir/out" || fail "$name: $(cat "$dir/out")"
}
tamper "changed" 4 "$drop UPDATE clmis_audit SET detail = '{}' WHERE id = 4"
tamper "deleted" 5 "$drop DELETE FROM clmis_audit WHERE id = 4"
tamper "inserted" $((n + 1)) "INSERT INTO clmis_audit(id, at, actor, action, detail, mac) VALUES ($((n + 1)), '2026-01-01T00:00:00Z', 1, 'login', '{}', '$(printf '%064d' 0)')"
tamper "reordered" 3 "$drop UPDATE clmis_audit SET id = -1 WHERE id = 3; UPDATE clmis_audit SET id = 3 WHERE id = 4; UPDATE clmis_audit SET id = 4 WHERE id = -1"
# Plain SHA-256 recomputed over the forged entry and every later one: still found.
restore
sqlite3 "$db" "$drop UPDATE clmis_audit SET detail = '{}' WHERE id = 4"
prev=$(sqlite3 "$db" "SELECT mac FROM clmis_audit WHERE id = 3")
for id in $(seq 4 "$n"); do
  row=$(sqlite3 "$db" "SELECT json_array(id, at, actor, action, record_type, record_id, version, seq, detail) FROM clmis_audit WHERE id = $id")
  prev=$(printf '%s\n%s' "$prev" "$row" | sha256sum | cut -d' ' -f1)
  sqlite3 "$db" "UPDATE clmis_audit SET mac = '$prev' WHERE id = $id"
done
expect_rc 9 "$cli" audit verify "$db"
grep -q "first bad entry 4" "$dir/out" && grep -q "clmis_audit_no_update was dropped" "$dir/out" || fail "sha256 forgery: $(cat "$dir/out")"
# A truncated tail passes alone but not against the checkpoint.
restore
sqlite3 "$db" "$drop DELETE FROM clmis_audit WHERE id > $((n - 2)); CREATE TRIGGER clmis_audit_no_update BEFORE UPDATE ON clmis_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END; CREATE TRIGGER clmis_audit_no_delete BEFORE DELETE ON clmis_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
expect_rc 0 "$cli" audit verify "$db"
expect_rc 9 "$cli" audit verify "$db" --checkpoint "$dir/cp.json"
# The commands' own logins have appended entries since the truncation: the checkpoint's entry
# $n is now a different one (had nothing been appended, the trail would be shorter: "truncated").
grep -q "first bad entry $n" "$dir/out" && grep -q "entry $n is not the one the checkpoint recorded" "$dir/out" ||
  fail "truncation: $(cat "$dir/out")"
# Without the key file the database does not open (and another program's key is refused).
restore
mv "$db.key" "$dir/elsewhere.key"
expect_rc 4 "$cli" whoami "$db"
CLMIS_AUDIT_KEY_FILE="$dir/elsewhere.key" "$cli" audit verify "$db" | grep -q "intact" || fail "CLMIS_AUDIT_KEY_FILE"
echo "cli security: ok"
