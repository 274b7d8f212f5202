#!/usr/bin/env bash
# The hostile tester's repros through the command line (issue 12). Each gives a clear error, the
# documented exit code, and leaves the database as it was (judged with the sqlite3 shell).
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-test-password CLMIS_USER=admin
db="$dir/t.db"
new_db "$db"
# Every domain row, the change sequence, history and audit trail (logins left out: each command
# logs in).
state() {
  sqlite3 "$db" "SELECT * FROM employer; SELECT * FROM clmis_change; SELECT * FROM clmis_history;
                 SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
# expect (cli_lib.sh), and the error is short: it never echoes the input.
expect_short() {
  expect "$@"
  [ "$(wc -c < "$dir/err")" -lt 2000 ] || fail "$1: the error echoes the input ($(wc -c < "$dir/err") bytes)"
}

# 1. The repro: a JSON Lines record nested 100,000 deep (exit 139, a stack overflow, before).
/usr/bin/python3 -c "print('{\"name\":'+'['*100000+']'*100000+'}')" > "$dir/deep.jsonl"
expect_short "deep JSON line" 3 'row 1, name\[0\]\[0\].*: the line is not one JSON object: nested deeper than 64 levels' \
  "$cli" import "$db" employer "$dir/deep.jsonl"
# A line over the 16 MiB limit ({"name": " is 10 bytes, 17 MiB = 17,825,792 of x, "} 2: 17,825,804
# bytes) is refused by its size without being held whole; the next line
# is still read (with --on-error skip it is imported).
/usr/bin/python3 -c "
import sys
sys.stdout.write('{\"name\": \"' + 'x' * (17 * 1024 * 1024) + '\"}\n')
sys.stdout.write('{\"name\": \"Second\", \"isic_class\": \"5510\", \"parish\": \"KN-03\"}\n')" > "$dir/long.jsonl"
expect_short "line over 16 MiB" 3 'row 1: malformed JSON: a line of 17825804 bytes (at most 16777216)' \
  "$cli" import "$db" employer "$dir/long.jsonl"
"$cli" import "$db" employer "$dir/long.jsonl" --on-error skip > "$dir/out" 2> "$dir/err" || true
[ "$(sqlite3 "$db" "SELECT name FROM employer")" = "Second" ] || fail "the line after a long one: $(cat "$dir/err")"
# Duplicate keys, a byte-order mark, a number too large for a double.
printf '{"name": "A", "name": "B", "isic_class": "5510", "parish": "KN-03"}\n' > "$dir/dup.jsonl"
expect_short "duplicate key" 3 'the key "name" appears twice' "$cli" import "$db" employer "$dir/dup.jsonl"
printf '\xEF\xBB\xBF{"name": "A", "isic_class": "5510", "parish": "KN-03"}\n' > "$dir/bom.jsonl"
expect_short "byte-order mark" 3 'byte-order mark' "$cli" import "$db" employer "$dir/bom.jsonl"
printf '{"name": "A", "isic_class": "5510", "parish": "KN-03", "workers_male": 1e999}\n' > "$dir/big.jsonl"
expect_short "1e999" 3 'row 1, workers_male: the line is not one JSON object: a number too large for a double' \
  "$cli" import "$db" employer "$dir/big.jsonl"
# A checkpoint file that is not JSON, or nested too deep.
printf '[%.0s' $(seq 1 100) > "$dir/cp.json"
expect_short "deep checkpoint" 3 'nested deeper than 64 levels' "$cli" audit verify "$db" --checkpoint "$dir/cp.json"

# 2. --where FIELD= means "has no value" and FIELD!= "has a value" (documented in docs/cli.md).
"$cli" query "$db" employer --where 'trade_name=' --json > "$dir/q1" || fail "--where trade_name=: $(cat "$dir/q1")"
[ "$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open('$dir/q1'))['records']))")" = 1 ] || fail "FIELD= found $(cat "$dir/q1")"
"$cli" query "$db" employer --where 'trade_name!=' --json > "$dir/q2" || fail "--where trade_name!="
[ "$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open('$dir/q2'))['records']))")" = 0 ] || fail "FIELD!= found $(cat "$dir/q2")"
expect_short "a whole number with a tail" 2 'workers_male takes a whole number' \
  "$cli" query "$db" employer --where 'workers_male=12abc'
# An unknown record type with bytes that are not UTF-8 is named without them.
expect_short "record type not UTF-8" 4 'no record type "empl' "$cli" query "$db" "$(printf 'empl\xffoyer')"
# Typos get a suggestion: a command, a command of a group, an option, a record type.
expect_short "a mistyped command" 2 'unknown command "improt" (did you mean import?)' "$cli" improt "$db" employer x.csv
expect_short "a mistyped command of a group" 2 'unknown command "lst" (did you mean users list?)' "$cli" users lst "$db"
expect_short "a mistyped option" 2 'unknown option --limt of query (did you mean --limit?)' "$cli" query "$db" employer --limt 2
expect_short "a command nothing is near" 2 'unknown command "frobnicate"; the commands are init, ' "$cli" frobnicate
expect_short "a mistyped record type" 4 'no record type "employr" (did you mean employer?); the types are employer, ' \
  "$cli" query "$db" employr
expect_short "schema of an unknown type" 4 'no record type "nothing"; the types are' "$cli" schema "$db" --type nothing

# 3. Output files never destroy the database or its key (the repro: "--out x.db" left "file is
# not a database", "--out x.db.key" a database that never opens again), whatever names them.
ln -s "$db" "$dir/link.db"
for target in "$db" "$db.key" "$db-wal" "$db-shm" "$dir/link.db" "$dir/./t.db"; do
  expect "export over $target" 2 "is the database's own file" \
    "$cli" export "$db" employer --format csv --out "$target" --force
done
expect_short "checkpoint over the key" 2 "is the database's own file" "$cli" audit checkpoint "$db" --out "$db.key" --force
printf 'registration_date\n2025-01-01\n' > "$dir/rows.csv"
expect_short "import report over the database" 2 "is the database's own file" \
  "$cli" import "$db" employer "$dir/rows.csv" --report "$db" --force
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity after the refused outputs"
"$cli" audit verify "$db" > /dev/null || fail "the database no longer verifies with its key"
# An existing file is kept unless --force; with it, replaced whole.
echo precious > "$dir/out.csv"
expect_short "export over an existing file" 6 'exists; remove it or ask to replace it (--force)' \
  "$cli" export "$db" employer --format csv --out "$dir/out.csv"
[ "$(cat "$dir/out.csv")" = precious ] || fail "the existing file changed"
"$cli" export "$db" employer --format csv --out "$dir/out.csv" --force 2> /dev/null
head -1 "$dir/out.csv" | grep -q '^id,version,external_id' || fail "export --force: $(head -c 200 "$dir/out.csv")"
[ "$(stat -c %a "$dir/out.csv")" = 600 ] || fail "the export is not 0600"
[ -z "$(find "$dir" -name '.*.tmp-*')" ] || fail "a temporary file was left: $(find "$dir" -name '.*.tmp-*')"
# The database and its key are created 0600 (0644 under umask 022 before).
( umask 022; "$cli" init "$dir/p.db" --country KNA > /dev/null )
[ "$(stat -c %a "$dir/p.db") $(stat -c %a "$dir/p.db.key")" = "600 600" ] || fail "modes $(stat -c %a "$dir/p.db" "$dir/p.db.key")"

# 4. clmis check: exit 0 when all is well, 10 with each finding, 9 when the audit chain fails.
c="$dir/c.db"
"$cli" init "$c" --country KNA > /dev/null
printf 'name,isic_class,parish\nA,5510,KN-03\nB,5510,KN-01\n' > "$dir/e.csv"
"$cli" import "$c" employer "$dir/e.csv" > /dev/null
"$cli" check "$c" > "$dir/out" || fail "check of a sound database: $(cat "$dir/out")"
grep -q '^check: no problem found$' "$dir/out" || fail "check output: $(cat "$dir/out")"
run_check() {  # run_check EXPECTED_EXIT PATTERN
  local rc=0
  "$cli" check "$c" > "$dir/out" 2>&1 || rc=$?
  [ "$rc" -eq "$1" ] || fail "check: exit $rc, expected $1: $(cat "$dir/out")"
  grep -q -- "$2" "$dir/out" || fail "check: no \"$2\" in: $(cat "$dir/out")"
}
chmod 644 "$c"
run_check 10 "^FILE $c: readable or writable by group or others (mode 0644)"
chmod 600 "$c"
# A value stored before the bound (as an older clmis would have): listed, still readable.
sqlite3 "$c" "UPDATE employer SET workers_male = 9223372036854775807 WHERE id = 1"
run_check 10 "^RECORD employer 1 workers_male: must be at most 1000000 (range)"
"$cli" get "$c" employer 1 | grep -q 9223372036854775807 || fail "the stored value is no longer readable"
sqlite3 "$c" "UPDATE employer SET workers_male = NULL WHERE id = 1"
# Two indexes swapped behind SQLite's back: the integrity check finds the missing rows.
cp "$c" "$dir/bad.db"; cp "$c.key" "$dir/bad.db.key"
r_name=$(sqlite3 "$dir/bad.db" "SELECT rootpage FROM sqlite_schema WHERE name = 'employer_ix_name'")
r_parish=$(sqlite3 "$dir/bad.db" "SELECT rootpage FROM sqlite_schema WHERE name = 'employer_ix_parish'")
sqlite3 "$dir/bad.db" "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET rootpage = $r_parish WHERE name = 'employer_ix_name';
                       UPDATE sqlite_schema SET rootpage = $r_name WHERE name = 'employer_ix_parish';"
rc=0; "$cli" check "$dir/bad.db" > "$dir/out" 2>&1 || rc=$?
[ "$rc" -eq 10 ] && grep -q '^INTEGRITY row 1 missing from index employer_ix_name' "$dir/out" || fail "integrity: exit $rc $(cat "$dir/out")"
# A missing key: the database does not open, and check says why (exit 10, not 4).
mv "$c.key" "$dir/key.aside"
run_check 10 "the audit key file is missing"
grep -q '^OPEN the database does not open' "$dir/out" || fail "no OPEN line: $(cat "$dir/out")"
mv "$dir/key.aside" "$c.key"
chmod 644 "$c.key"
run_check 10 "^FILE $c.key: the audit key is readable by group or others"
chmod 600 "$c.key"
# No database at the path (a mistyped name): the report says so, and the exit is 4 (not found).
rc=0; "$cli" check "$dir/no-such.db" > "$dir/out" 2>&1 || rc=$?
[ "$rc" -eq 4 ] && grep -q "^FILE $dir/no-such.db: the database file is missing" "$dir/out" \
  || fail "check of a missing database: exit $rc $(cat "$dir/out")"
[ ! -e "$dir/no-such.db" ] || fail "check created the missing database"
# A directory given as the database: not found either, and no chmod advice for it.
mkdir "$dir/a-directory"
rc=0; "$cli" check "$dir/a-directory" > "$dir/out" 2>&1 || rc=$?
[ "$rc" -eq 4 ] && grep -q "^FILE $dir/a-directory: a directory, not the database file clmis expects here" "$dir/out" \
  && ! grep -q "chmod" "$dir/out" || fail "check of a directory: exit $rc $(cat "$dir/out")"
# A tampered audit trail (its append-only trigger dropped first): exit 9.
sqlite3 "$c" "DROP TRIGGER clmis_audit_no_update; UPDATE clmis_audit SET actor = NULL WHERE id = 2"
run_check 9 "^AUDIT the trail fails verification"

# 5. Backup and restore: the copy and its key 0600, refused over the database, restored and checked.
c="$dir/c2.db"
"$cli" init "$c" --country KNA > /dev/null
"$cli" import "$c" employer "$dir/e.csv" > /dev/null
"$cli" backup "$c" "$dir/c.bak" > "$dir/out" 2>&1 || fail "backup: $(cat "$dir/out")"
grep -q 'integrity ok; audit trail of [0-9]* entries verified' "$dir/out" || fail "backup output: $(cat "$dir/out")"
[ "$(stat -c %a "$dir/c.bak") $(stat -c %a "$dir/c.bak.key")" = "600 600" ] || fail "backup modes"
expect_short "backup over the database" 2 "is the database's own file" "$cli" backup "$c" "$c" --force
expect_short "backup over an existing file" 6 "exists" "$cli" backup "$c" "$dir/c.bak"
"$cli" restore "$dir/c.bak" "$dir/r.db" > "$dir/out" || fail "restore: $(cat "$dir/out")"
"$cli" check "$dir/r.db" > "$dir/out" || fail "check of the restored database: $(cat "$dir/out")"
[ "$(sqlite3 "$dir/r.db" "SELECT count(*) FROM employer")" = 2 ] || fail "the restored employers"
rc=0; "$cli" restore "$dir/c.bak" "$dir/r.db" > "$dir/out" 2>&1 || rc=$?
[ "$rc" -eq 6 ] || fail "restore over an existing database without --force: exit $rc"
# A backup altered afterwards does not restore (exit 1, storage), and nothing is written.
cp "$dir/c.bak" "$dir/t.bak"; cp -p "$dir/c.bak.key" "$dir/t.bak.key"
sqlite3 "$dir/t.bak" "DROP TRIGGER clmis_audit_no_update; UPDATE clmis_audit SET at = '2000-01-01T00:00:00Z' WHERE id = 3"
rc=0; "$cli" restore "$dir/t.bak" "$dir/tr.db" > "$dir/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "audit trail fails verification" "$dir/out" || fail "tampered backup: exit $rc $(cat "$dir/out")"
[ ! -e "$dir/tr.db" ] && [ ! -e "$dir/tr.db.key" ] || fail "a refused restore wrote files"

echo "cli hardening: all repros refused as documented"
