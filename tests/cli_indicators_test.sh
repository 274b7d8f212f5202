#!/usr/bin/env bash
# Indicators from the command line (issue 17): the package listed, values computed as a table,
# CSV and JSON, one explained; refusals with their exit codes and nothing changed. Three
# complaints received in 2025 (2 F, 1 M), two closed (1 F, 1 M): the clearance rate is
# 2 / 3 × 100 = 66.666... → 66.7; women 1 / 2 → 50.0, men 1 / 1 → 100.0.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-indicators-pass CLMIS_USER=admin
db="$dir/i.db"
new_db "$db"
n=0
complaint() {  # received sex [closed]
  n=$((n + 1))
  "$cli" create "$db" complaint --set date_received="$1" --set first_name=Ann --set family_name="Hodge $n" --set sex="$2" > /dev/null
  if [ -n "${3:-}" ]; then
    "$cli" transition "$db" complaint "$n" close --version 1 --date "$3" --set outcome=settled > /dev/null
  fi
}
complaint 2025-01-06 F 2025-02-10
complaint 2025-01-15 M 2025-03-01
complaint 2025-02-03 F

"$cli" indicators list "$db" > "$dir/out"
grep -q "^C7.clearance  *Clearance rate of complaints  *ratio  *percent  *sex,geo" "$dir/out" || fail "list: $(head -c 600 "$dir/out")"
"$cli" indicators compute "$db" --indicator C7.clearance --period 2025 --by sex > "$dir/out"
grep -q "^C7.clearance  *2025  *total  *66.7  *A" "$dir/out" || fail "table: $(cat "$dir/out")"
grep -q "^C7.clearance  *2025  *sex=F  *50.0  *A" "$dir/out" || fail "table, women: $(cat "$dir/out")"
"$cli" indicators compute "$db" --indicator C7.clearance --period 2025 --by sex --format csv --out "$dir/c.csv" 2> "$dir/err"
grep -q "3 values written to" "$dir/err" || fail "csv: $(cat "$dir/err")"
[ "$(head -1 "$dir/c.csv" | tr -d '\r')" = "indicator,period,freq,sex,value,status,numerator,denominator,records" ] || fail "csv header: $(head -1 "$dir/c.csv")"
grep -q "^C7.clearance,2025,A,M,100.0,A,1,1,2" "$dir/c.csv" || fail "csv men: $(cat "$dir/c.csv")"
"$cli" indicators compute "$db" --indicator C7.clearance --period 2025 --freq quarter --format json > "$dir/out"
/usr/bin/python3 - "$dir/out" <<'PY' || fail "json: $(head -c 600 "$dir/out")"
import json, sys
obs = {o["period"]: o for o in json.load(open(sys.argv[1]))["observations"]}
# Q1: 2 closed of 3 received; Q2: none received → M.
assert obs["2025-Q1"]["value"] == "66.7" and obs["2025-Q1"]["numerator"] == "2", obs["2025-Q1"]
assert obs["2025-Q2"]["value"] is None and obs["2025-Q2"]["status"] == "M", obs["2025-Q2"]
PY
# Protected: the men's cell (1 closed of 1 received) is a count under 3 — suppressed, no value.
"$cli" indicators compute "$db" --indicator C7.clearance --period 2025 --by sex --protect > "$dir/out"
grep -q "^C7.clearance  *2025  *sex=M  *Q  *suppressed (primary)" "$dir/out" || fail "protect: $(cat "$dir/out")"
"$cli" indicators compute "$db" --indicator C7.clearance --period 2025 --by sex --protect --primary-only > "$dir/out"
grep -q "^C7.clearance  *2025  *sex=M  *Q  *suppressed (primary)" "$dir/out" || fail "primary only: $(cat "$dir/out")"
"$cli" indicators explain "$db" C7.clearance --period 2025 --cell sex=F > "$dir/out"
grep -q "^value  *50.0 (status A)" "$dir/out" || fail "explain: $(cat "$dir/out")"
grep -q "date_received" "$dir/out" || fail "explain shows no query: $(cat "$dir/out")"

# Progress: asked for, a line per indicator on standard error (a terminal would show a bar), the
# whole package in its order; not asked for and not on a terminal, nothing.
"$cli" indicators compute "$db" --period 2025 --progress > /dev/null 2> "$dir/err"
lines=$(wc -l < "$dir/err")
[ "$lines" -ge 30 ] || fail "progress: $lines lines: $(cat "$dir/err")"
[ "$(head -1 "$dir/err")" = "indicators 1/$lines A1" ] || fail "progress, first: $(head -3 "$dir/err")"
[ "$(tail -1 "$dir/err")" = "indicators $lines/$lines D10" ] || fail "progress, last: $(tail -3 "$dir/err")"
"$cli" indicators export "$db" --format csv --period 2025 --indicator C7.clearance --progress > /dev/null 2> "$dir/err"
[ "$(cat "$dir/err")" = "indicators 1/1 C7.clearance" ] || fail "export progress: $(cat "$dir/err")"
"$cli" indicators compute "$db" --period 2025 --indicator C7.clearance > /dev/null 2> "$dir/err"
[ ! -s "$dir/err" ] || fail "progress not asked for: $(cat "$dir/err")"

state() { sqlite3 "$db" "SELECT * FROM complaint; SELECT * FROM clmis_change; SELECT * FROM clmis_status__complaint" | sha256sum; }
expect "a month that cannot exist" 3 'a month is 01 to 12' "$cli" indicators compute "$db" --period 2025-13
expect "an unknown indicator" 3 'no indicator "Z9"' "$cli" indicators compute "$db" --period 2025 --indicator Z9
expect "a dimension C1 does not have" 3 'not disaggregated by sex' "$cli" indicators compute "$db" --period 2025 --indicator C1 --by sex
expect "an unknown format" 3 'table, csv or json' "$cli" indicators compute "$db" --period 2025 --format xml
expect "the database as the output" 2 "the database's own file" "$cli" indicators compute "$db" --period 2025 --out "$db" --force
expect "--primary-only without --protect" 2 'requires --protect' "$cli" indicators compute "$db" --period 2025 --primary-only
expect "a cell without its code" 3 'dimension=code' "$cli" indicators explain "$db" C7.clearance --period 2025 --cell sex
echo "cli indicators: ok"
