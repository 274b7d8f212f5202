#!/usr/bin/env bash
# --fields on `clmis query` and `clmis export` (issue 13): only the fields named, in that order;
# id once (it was printed twice when listed); unknown names, sections in CSV refused with exit 3,
# nothing written, audited or changed (judged with the sqlite3 shell).
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-fields-password CLMIS_USER=admin
db="$dir/f.db"
new_db "$db"
state() {
  sqlite3 "$db" "SELECT * FROM employer; SELECT * FROM employer__contacts; SELECT * FROM clmis_change;
                 SELECT * FROM clmis_history; SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
cat > "$dir/e.jsonl" <<'EOF'
{"name": "Frigate Bay Resorts Ltd", "isic_class": "5510", "parish": "KN-03", "workers_male": 12, "contacts": [{"name": "Maria Liburd", "position": "HR"}]}
{"name": "Sugar Bay Club", "isic_class": "5510", "parish": "KN-09"}
EOF
"$cli" import "$db" employer "$dir/e.jsonl" > /dev/null

# query --fields: the columns named, id first and once.
"$cli" query "$db" employer --fields id,name,parish --sort id > "$dir/q.txt"
head -1 "$dir/q.txt" | tr -s ' ' > "$dir/head"
[ "$(cat "$dir/head")" = "id name parish" ] || fail "query --fields id,name,parish header: $(cat "$dir/head")"
grep -q 'Frigate Bay Resorts Ltd *KN-03' "$dir/q.txt" || fail "query --fields rows: $(cat "$dir/q.txt")"
"$cli" query "$db" employer --fields 'parish, name' --sort id > "$dir/q2.txt"
[ "$(head -1 "$dir/q2.txt" | tr -s ' ')" = "id parish name" ] || fail "id is not shown first: $(head -1 "$dir/q2.txt")"
# --json: each record has exactly those keys, in that order.
"$cli" query "$db" employer --fields name,id --sort id --json > "$dir/q.json"
/usr/bin/python3 - "$dir/q.json" <<'PY' || fail "query --fields --json: $(cat "$dir/q.json")"
import json, sys
records = json.load(open(sys.argv[1]))["records"]
assert [list(r) for r in records] == [["name", "id"], ["name", "id"]], records
assert [r["name"] for r in records] == ["Frigate Bay Resorts Ltd", "Sugar Bay Club"]
PY
expect "query with an unknown field" 3 'has no field "colour"' "$cli" query "$db" employer --fields id,colour
expect "query with a field twice" 3 'named twice' "$cli" query "$db" employer --fields name,name

# export --fields: CSV columns in that order (money would be two columns), JSON Lines records
# with those keys; the values agree with SQL.
"$cli" export "$db" employer --format csv --fields name,workers_male,id > "$dir/e.csv"
[ "$(head -1 "$dir/e.csv" | tr -d '\r')" = "name,workers_male,id" ] || fail "export --fields header: $(head -1 "$dir/e.csv")"
want=$(sqlite3 -separator , "$db" "SELECT name, workers_male, id FROM employer ORDER BY id")
[ "$(tail -n +2 "$dir/e.csv" | tr -d '\r')" = "$want" ] || fail "export --fields rows: $(cat "$dir/e.csv") against $want"
"$cli" export "$db" employer --format jsonl --fields contacts,name > "$dir/e2.jsonl"
/usr/bin/python3 - "$dir/e2.jsonl" <<'PY' || fail "export --fields jsonl: $(cat "$dir/e2.jsonl")"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert [list(r) for r in records] == [["contacts", "name"], ["contacts", "name"]], records
assert records[0]["contacts"][0]["name"] == "Maria Liburd" and records[1]["contacts"] == []
PY
# Refusals: nothing written (no file), nothing audited.
expect "export with an unknown field" 3 'has no field "colour"' \
  "$cli" export "$db" employer --format csv --fields id,colour --out "$dir/bad.csv"
[ ! -e "$dir/bad.csv" ] || fail "a refused export left a file"
expect "export of a section as CSV" 3 'a section is not a CSV column' \
  "$cli" export "$db" employer --format csv --fields id,contacts --out "$dir/bad.csv"
[ ! -e "$dir/bad.csv" ] || fail "a refused export left a file"
ls "$dir" | grep -q '^bad' && fail "a temporary file was left: $(ls "$dir")"
echo "cli fields: ok"
