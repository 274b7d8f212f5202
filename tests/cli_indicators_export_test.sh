#!/usr/bin/env bash
# Indicator exports from the command line (issue 17; docs/indicators.md, "Exports"): every
# format written to a file (or standard output) with its exact lines, and the refusals with their
# exit codes and nothing changed. Three complaints received in 2025 (2 F, 1 M, no parish), two
# closed in Q1 (1 F, 1 M): the clearance rate is 2 / 3 × 100 = 66.666... → 66.7; women 1 / 2 →
# 50.0 (its trailing zero kept), men 1 / 1 → 100.0; Q2 receives none: 0 / 0, status M.
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

# SDMX-CSV 2.0: SEX _T or the code, AGE/ECO/OCU/EDU _Z (C7.clearance has sex and geo only).
"$cli" indicators export "$db" --format sdmx-csv --indicator C7.clearance --period 2025 --by sex,geo --out "$dir/s.csv" 2> "$dir/err"
grep -q "sdmx-csv written to $dir/s.csv" "$dir/err" || fail "sdmx-csv: $(cat "$dir/err")"
tr -d '\r' < "$dir/s.csv" > "$dir/s.txt"
[ "$(head -1 "$dir/s.txt")" = "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,OBS_VALUE,OBS_STATUS,UNIT_MEASURE,UNIT_MULT,DECIMALS,SOURCE,COMMENT" ] \
  || fail "sdmx-csv header: $(head -1 "$dir/s.txt")"
for line in \
  "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025,66.7,A,percent,0,1,DOL," \
  "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,F,_Z,_Z,_Z,_Z,_T,2025,50.0,A,percent,0,1,DOL," \
  "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,M,_Z,_Z,_Z,_Z,_T,2025,100.0,A,percent,0,1,DOL," \
  "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_N,2025,66.7,A,percent,0,1,DOL,"; do
  grep -qxF "$line" "$dir/s.txt" || fail "sdmx-csv has no line $line: $(cat "$dir/s.txt")"
done
# Quarters to standard output: Q2 is M with no value.
"$cli" indicators export "$db" --format sdmx-csv --indicator C7.clearance --period 2025 --freq quarter | tr -d '\r' > "$dir/q.txt"
grep -qxF "datastructure,CLMIS:LMI(1.0),I,KNA,Q,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025-Q2,,M,percent,0,1,DOL,the denominator is zero" "$dir/q.txt" \
  || fail "sdmx-csv quarters: $(cat "$dir/q.txt")"

# SDMX-JSON data message and structure message, parsed back.
"$cli" indicators export "$db" --format sdmx-json --indicator C7.clearance --period 2025 --by sex --out "$dir/d.json" 2> /dev/null
"$cli" indicators export "$db" --format sdmx-structure --out "$dir/st.json" 2> /dev/null
/usr/bin/python3 - "$dir/d.json" "$dir/st.json" <<'PY' || fail "sdmx-json: $(head -c 600 "$dir/d.json")"
import json, sys
from decimal import Decimal
m = json.load(open(sys.argv[1]), parse_float=Decimal)
st = m["data"]["structures"][0]
dims = st["dimensions"]["series"]
assert [d["id"] for d in dims] == ["REF_AREA", "FREQ", "INDICATOR", "SEX", "AGE", "ECO", "OCU", "EDU", "GEO"], dims
assert [d["keyPosition"] for d in dims] == list(range(9))
got = {}
for key, s in m["data"]["dataSets"][0]["series"].items():
    pos = [int(p) for p in key.split(":")]
    sex = dims[3]["values"][pos[3]]["id"]
    for t, obs in s["observations"].items():
        got[(sex, st["dimensions"]["observation"][0]["values"][int(t)]["id"])] = obs[0]
assert got[("F", "2025")] == Decimal("50.0") and str(got[("F", "2025")]) == "50.0", got
assert got[("_T", "2025")] == Decimal("66.7"), got
s = json.load(open(sys.argv[2]))
lists = {c["id"]: [x["id"] for x in c["codes"]] for c in s["data"]["codelists"]}
assert lists["CL_SEX"] == ["_T", "M", "F", "_N", "_Z"], lists["CL_SEX"]
assert "KN-03" in lists["CL_GEO"] and "ISCED11_3" in lists["CL_EDU"], lists
assert s["data"]["dataStructures"][0]["id"] == "LMI"
PY

# ILOSTAT: C7 has no ILOSTAT code (the header alone); strikes would be there.
"$cli" indicators export "$db" --format ilostat --indicator C7.clearance --period 2025 | tr -d '\r' > "$dir/ilo.txt"
[ "$(cat "$dir/ilo.txt")" = "ref_area,source,indicator,sex,classif1,classif2,time,obs_value,obs_status,note_classif,note_indicator,note_source" ] \
  || fail "ilostat: $(cat "$dir/ilo.txt")"
# Plain CSV as indicators compute --format csv gives it.
"$cli" indicators export "$db" --format csv --indicator C7.clearance --period 2025 --by sex | tr -d '\r' > "$dir/c.txt"
grep -qxF "C7.clearance,2025,A,M,100.0,A,1,1,2" "$dir/c.txt" || fail "csv: $(cat "$dir/c.txt")"
# JSON: the observations and the definitions.
"$cli" indicators export "$db" --format json --indicator C7.clearance --period 2025 --out "$dir/j.json" 2> /dev/null
/usr/bin/python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['observations'][0]['value'] == '66.7', j
assert j['indicators'][0]['id'] == 'C7.clearance' and j['indicators'][0]['unit'] == 'percent', j
" "$dir/j.json" || fail "json: $(head -c 600 "$dir/j.json")"
# Excel: a zip with a sheet per indicator and the metadata sheet.
"$cli" indicators export "$db" --format xlsx --indicator C7.clearance --period 2025 --out "$dir/i.xlsx" 2> /dev/null
/usr/bin/python3 -c "
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read('xl/workbook.xml').decode()
assert 'name=\"C7.clearance\"' in wb and 'name=\"metadata\"' in wb, wb
" "$dir/i.xlsx" || fail "xlsx"

state() { sqlite3 "$db" "SELECT * FROM complaint; SELECT * FROM clmis_change; SELECT * FROM clmis_status__complaint" | sha256sum; }
expect "an unknown format" 3 'sdmx-csv, sdmx-json' "$cli" indicators export "$db" --format xml --period 2025 --out "$dir/x.out"
[ ! -e "$dir/x.out" ] || fail "an unknown format wrote a file"
expect "an xlsx workbook without --out" 3 'written to a file' "$cli" indicators export "$db" --format xlsx --period 2025
expect "the database as the output" 2 "the database's own file" "$cli" indicators export "$db" --format csv --period 2025 --out "$db" --force
expect "an existing file without --force" 6 'exists' "$cli" indicators export "$db" --format csv --period 2025 --out "$dir/c.txt"
expect "a month that cannot exist" 3 'a month is 01 to 12' "$cli" indicators export "$db" --format sdmx-csv --period 2025-13 --out "$dir/y.out"
[ ! -e "$dir/y.out" ] || fail "a refused export left a file"
expect "a dimension C1 does not have" 3 'not disaggregated by sex' "$cli" indicators export "$db" --format ilostat --period 2025 --indicator C1 --by sex
echo "cli indicators export: ok"
