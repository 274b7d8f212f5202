#!/usr/bin/env bash
# The hostile tester's repros through the command line (issue 12). Each gives a clear error, the
# documented exit code, and leaves the database as it was (judged with the sqlite3 shell).
set -euo pipefail
cli="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CLMIS_PASSWORD=cli-test-password CLMIS_USER=admin
db="$dir/t.db"
"$cli" init "$db" --country KNA > /dev/null

fail() { echo "FAIL: $*"; exit 1; }
# Every domain row, the change sequence, history and audit trail (logins left out: each command
# logs in).
state() {
  sqlite3 "$db" "SELECT * FROM employer; SELECT * FROM clmis_change; SELECT * FROM clmis_history;
                 SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
# expect NAME EXIT_CODE PATTERN COMMAND...: exits with the code, stderr matches, state unchanged.
expect() {
  local name="$1" code="$2" pattern="$3"
  shift 3
  local before rc=0
  before=$(state)
  "$@" > "$dir/out" 2> "$dir/err" || rc=$?
  [ "$rc" -eq "$code" ] || fail "$name: exit $rc, expected $code; $(head -c 400 "$dir/err")"
  grep -q -- "$pattern" "$dir/err" || fail "$name: no \"$pattern\" in: $(head -c 400 "$dir/err")"
  [ "$(state)" = "$before" ] || fail "$name: the database changed"
  [ "$(wc -c < "$dir/err")" -lt 2000 ] || fail "$name: the error echoes the input ($(wc -c < "$dir/err") bytes)"
}

# 1. The repro: a JSON Lines record nested 100,000 deep (exit 139, a stack overflow, before).
/usr/bin/python3 -c "print('{\"name\":'+'['*100000+']'*100000+'}')" > "$dir/deep.jsonl"
expect "deep JSON line" 3 'row 1, name\[0\]\[0\].*: the line is not one JSON object: nested deeper than 64 levels' \
  "$cli" import "$db" employer "$dir/deep.jsonl"
# A line over the 16 MiB limit ({"name": " is 10 bytes, 17 MiB = 17,825,792 of x, "} 2: 17,825,804
# bytes) is refused by its size without being held whole; the next line
# is still read (with --on-error skip it is imported).
/usr/bin/python3 -c "
import sys
sys.stdout.write('{\"name\": \"' + 'x' * (17 * 1024 * 1024) + '\"}\n')
sys.stdout.write('{\"name\": \"Second\", \"isic_class\": \"5510\", \"parish\": \"KN-03\"}\n')" > "$dir/long.jsonl"
expect "line over 16 MiB" 3 'row 1: malformed JSON: a line of 17825804 bytes (at most 16777216)' \
  "$cli" import "$db" employer "$dir/long.jsonl"
"$cli" import "$db" employer "$dir/long.jsonl" --on-error skip > "$dir/out" 2> "$dir/err" || true
[ "$(sqlite3 "$db" "SELECT name FROM employer")" = "Second" ] || fail "the line after a long one: $(cat "$dir/err")"
# Duplicate keys, a byte-order mark, a number too large for a double.
printf '{"name": "A", "name": "B", "isic_class": "5510", "parish": "KN-03"}\n' > "$dir/dup.jsonl"
expect "duplicate key" 3 'the key "name" appears twice' "$cli" import "$db" employer "$dir/dup.jsonl"
printf '\xEF\xBB\xBF{"name": "A", "isic_class": "5510", "parish": "KN-03"}\n' > "$dir/bom.jsonl"
expect "byte-order mark" 3 'byte-order mark' "$cli" import "$db" employer "$dir/bom.jsonl"
printf '{"name": "A", "isic_class": "5510", "parish": "KN-03", "workers_male": 1e999}\n' > "$dir/big.jsonl"
expect "1e999" 3 'row 1, workers_male: the line is not one JSON object: a number too large for a double' \
  "$cli" import "$db" employer "$dir/big.jsonl"
# A checkpoint file that is not JSON, or nested too deep.
printf '[%.0s' $(seq 1 100) > "$dir/cp.json"
expect "deep checkpoint" 3 'nested deeper than 64 levels' "$cli" audit verify "$db" --checkpoint "$dir/cp.json"

# 2. --where FIELD= means "has no value" and FIELD!= "has a value" (documented in docs/cli.md).
"$cli" query "$db" employer --where 'trade_name=' --json > "$dir/q1" || fail "--where trade_name=: $(cat "$dir/q1")"
[ "$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open('$dir/q1'))['records']))")" = 1 ] || fail "FIELD= found $(cat "$dir/q1")"
"$cli" query "$db" employer --where 'trade_name!=' --json > "$dir/q2" || fail "--where trade_name!="
[ "$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open('$dir/q2'))['records']))")" = 0 ] || fail "FIELD!= found $(cat "$dir/q2")"
expect "a whole number with a tail" 2 'workers_male takes a whole number' \
  "$cli" query "$db" employer --where 'workers_male=12abc'
# An unknown record type with bytes that are not UTF-8 is named without them.
expect "record type not UTF-8" 4 'no record type "empl' "$cli" query "$db" "$(printf 'empl\xffoyer')"

echo "cli hardening: all repros refused as documented"
