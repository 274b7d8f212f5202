#!/usr/bin/env bash
# Survey and partner data from the command line (issue 17): the hand-written ILOSTAT file of KNA
# imported for the statistics office, listed with its unit multiplier, imported again unchanged,
# revised; a partner agency's user reaches its own agency only; bad files refused with their line
# and column and nothing changed.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-series-pass CLMIS_USER=admin
db="$dir/s.db"
new_db "$db"
fixture="$(dirname "$0")/fixtures/series/kna_ilostat.csv"

"$cli" series import "$db" "$fixture" --format ilostat --agency NSO > "$dir/out"
grep -q "^imported batch 1 of NSO: 24 added, 0 revised, 0 unchanged (2 series, 2 new)$" "$dir/out" || fail "import: $(cat "$dir/out")"
"$cli" series list "$db" --indicator POP_XWAP_SEX_AGE_NB > "$dir/out"
[ "$(wc -l < "$dir/out")" -eq 12 ] || fail "list: $(cat "$dir/out")"
# 19.211 thousand women of working age in 2023 (line 4 of the fixture).
grep -q "^NSO POP_XWAP_SEX_AGE_NB \[BA:3121\] sex=F age=Y_GE15 2023 19.211 x10^3 A rev 1$" "$dir/out" || fail "list: $(cat "$dir/out")"
"$cli" series list "$db" --json > "$dir/out"
[ "$(/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), r[0]["value"], r[0]["unit_mult"])' < "$dir/out")" = "24 3.352 3" ] ||
  fail "list --json: $(head -c 400 "$dir/out")"

state() { sqlite3 "$db" "SELECT * FROM clmis_observation; SELECT * FROM clmis_series; SELECT * FROM clmis_series_batch; SELECT count(*) FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
before=$(state)
"$cli" series import "$db" "$fixture" --format ilostat --agency NSO > "$dir/out"
grep -q "^unchanged: 24 observations of NSO as stored already$" "$dir/out" || fail "re-import: $(cat "$dir/out")"
[ "$(state)" = "$before" ] || fail "an unchanged re-import changed the database"

# A revision: the final 2024 total of the unemployed 15+.
sed 's/SEX_T,AGE_YTHADULT_YGE15,,2024,1.802,P/SEX_T,AGE_YTHADULT_YGE15,,2024,1.815,A/' "$fixture" > "$dir/final.csv"
"$cli" series import "$db" "$dir/final.csv" --format ilostat --agency NSO > "$dir/out"
grep -q "^imported batch 2 of NSO: 0 added, 1 revised, 23 unchanged (2 series, 0 new)$" "$dir/out" || fail "revision: $(cat "$dir/out")"
"$cli" series list "$db" --indicator UNE_TUNE_SEX_AGE_NB --revisions > "$dir/out"
grep -q "sex=_T age=Y_GE15 2024 1.802 x10^3 P rev 1$" "$dir/out" || fail "revisions: $(cat "$dir/out")"
grep -q "sex=_T age=Y_GE15 2024 1.815 x10^3 A rev 2$" "$dir/out" || fail "revisions: $(cat "$dir/out")"

# Bad files: exit 3, the line and column named, nothing changed.
head -1 "$fixture" > "$dir/bad.csv"
echo "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024M13,0.5,,,," >> "$dir/bad.csv"
expect "a 13th month" 3 'line 2, column 7 (time): "2024M13" is not a period that exists' \
  "$cli" series import "$db" "$dir/bad.csv" --format ilostat --agency NSO
sed 's/^KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_M,AGE_YTHADULT_Y15-24,,2023/LCA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_M,AGE_YTHADULT_Y15-24,,2023/' \
  "$fixture" > "$dir/lca.csv"
expect "another country" 3 "line 18, column 1 (ref_area): a series of LCA; this database is KNA's" \
  "$cli" series import "$db" "$dir/lca.csv" --format ilostat --agency NSO
printf 'indicator,period,value\nD1,2024-02-30,5\n' > "$dir/feb.csv"
expect "30 February" 3 'line 2, column 2 (period)' "$cli" series import "$db" "$dir/feb.csv" --format csv --agency DOL --source registry
printf 'ref_area,source,indicator\nKNA,"BA,3121\n' > "$dir/quote.csv"
expect "malformed CSV" 3 'line 2, column 2: a quote that is never closed' \
  "$cli" series import "$db" "$dir/quote.csv" --format ilostat --agency NSO
expect "no agency named" 3 'name the agency' "$cli" series import "$db" "$fixture" --format ilostat
expect "an unknown format" 2 'format' "$cli" series import "$db" "$fixture" --format xlsx --agency NSO
expect "a missing file" 4 'cannot read the file' "$cli" series import "$db" "$dir/none.csv" --format csv --agency NSO

# A partner agency's user: its own agency, nothing else.
CLMIS_NEW_PASSWORD=first-pass-nis1 "$cli" users add "$db" nis --role partner_agency --agency NIS > /dev/null
CLMIS_USER=nis CLMIS_PASSWORD=first-pass-nis1 CLMIS_NEW_PASSWORD=national-insurance-2 "$cli" passwd "$db" > /dev/null
printf 'indicator,period,sex,value,status\nINSURED,2024-12,F,10211,P\nINSURED,2024-12,M,10823,P\n' > "$dir/nis.csv"
CLMIS_USER=nis CLMIS_PASSWORD=national-insurance-2 "$cli" series import "$db" "$dir/nis.csv" --format csv --source register > "$dir/out"
grep -q "^imported batch 3 of NIS: 2 added" "$dir/out" || fail "partner import: $(cat "$dir/out")"
CLMIS_USER=nis CLMIS_PASSWORD=national-insurance-2 "$cli" series list "$db" > "$dir/out"
[ "$(wc -l < "$dir/out")" -eq 2 ] && ! grep -q NSO "$dir/out" || fail "partner list: $(cat "$dir/out")"
export CLMIS_USER=nis CLMIS_PASSWORD=national-insurance-2
expect "another agency's import" 5 'imports its own agency' "$cli" series import "$db" "$fixture" --format ilostat --agency NSO
expect "another agency's list" 5 'reads its own agency' "$cli" series list "$db" --agency NSO
expect "records" 5 'permission denied' "$cli" query "$db" employer
export CLMIS_USER=admin CLMIS_PASSWORD=cli-series-pass
expect "a partner without agency" 3 'belongs to an agency' \
  env CLMIS_NEW_PASSWORD=first-pass-xyz1 "$cli" users add "$db" nobody --role partner_agency
echo "cli series: ok"
