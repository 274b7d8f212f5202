#!/usr/bin/env bash
# clmis import / export / query through the command line, with hostile files: each gives its
# documented outcome — imported verbatim, or refused with the row and column named and the
# database unchanged.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-test-password CLMIS_USER=admin
db="$dir/t.db"
new_db "$db"
# The state "unchanged" is judged on: the schema (an import may drop and build indexes inside its
# transaction), every job seeker row, the change sequence, the history and the audit trail, read
# with the sqlite3 shell (a different code path from clmis). Each command logs in, and a login is
# an audit entry of its own: those entries are left out.
state() {
  sqlite3 "$db" "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name; SELECT * FROM job_seeker;
                 SELECT * FROM job_seeker__experience; SELECT * FROM clmis_change; SELECT * FROM clmis_history;
                 SELECT * FROM clmis_status__job_seeker; SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
# expect_refused NAME EXIT_CODE PATTERN FILE [import options...]: refused, message matches, unchanged.
expect_refused() {
  local name="$1" code="$2" pattern="$3" file="$4"
  shift 4
  expect "$name" "$code" "$pattern" "$cli" import "$db" job_seeker "$file" "$@"
}
header='registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish'

# 1. A good file with a BOM, CRLF line ends, quoted commas, quotes and a newline, imported verbatim.
printf '\xEF\xBB\xBF%s\r\n2025-03-03,"Keisha ""Kay""",Liburd,1846398,F,1999-07-14,KN-03\r\n2025-03-04,"Browne, Jr.","Two\nLines",2200456,M,2000-01-01,KN-01\r\n' "$header" > "$dir/good.csv"
"$cli" import "$db" job_seeker "$dir/good.csv" > "$dir/out"
grep -q 'imported 2 of 2 rows into job_seeker (2 created' "$dir/out" || fail "good file: $(cat "$dir/out")"
[ "$(sqlite3 "$db" "SELECT first_name FROM job_seeker WHERE id = 1")" = 'Keisha "Kay"' ] || fail "quotes not verbatim"
[ "$(sqlite3 "$db" "SELECT first_name || '|' || family_name FROM job_seeker WHERE id = 2")" = "Browne, Jr.|Two
Lines" ] || fail "comma or newline not verbatim"
[ "$(sqlite3 "$db" "SELECT registration_no FROM job_seeker WHERE id = 2")" = "JS-000002" ] || fail "registration numbers"
# One audit entry for the whole import, with the file's SHA-256 (computed here by sha256sum).
sum=$(sha256sum "$dir/good.csv" | cut -d' ' -f1)
[ "$(sqlite3 "$db" "SELECT count(*) FROM clmis_audit WHERE action = 'import' AND json_extract(detail, '$.sha256') = '$sum' AND json_extract(detail, '$.created') = 2")" = 1 ] \
  || fail "audit entry of the import"
[ "$(sqlite3 "$db" "SELECT count(*) FROM clmis_audit WHERE action = 'create'")" = 0 ] || fail "per-row audit entries"

# 1b. --index-build: a bad value is a usage error; "after" and "during" leave the same indexes.
expect_refused "bad --index-build" 2 'index-build' "$dir/good.csv" --index-build later
indexes() { sqlite3 "$db" "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name"; }
before_indexes=$(indexes)
printf '%s\n2025-03-05,Cara,Mills,5500001,F,1995-05-05,KN-04\n' "$header" > "$dir/after.csv"
"$cli" import "$db" job_seeker "$dir/after.csv" --index-build after > /dev/null
[ "$(indexes)" = "$before_indexes" ] || fail "--index-build after changed the indexes"
printf '%s\n2025-03-05,Dion,Mills,5500002,M,1995-05-05,KN-04\n' "$header" > "$dir/during.csv"
"$cli" import "$db" job_seeker "$dir/during.csv" --index-build during > /dev/null
[ "$(indexes)" = "$before_indexes" ] || fail "--index-build during changed the indexes"
[ "$(sqlite3 "$db" "SELECT count(*) FROM job_seeker WHERE family_name = 'Mills'")" = 2 ] || fail "--index-build imports"
# --json says how many were built after loading: job_seeker's indexes but those the checks read
# (the NIS number's, the possible-duplicate key's, external_id's), counted from the schema.
deferrable=$(sqlite3 "$db" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'job_seeker' AND sql IS NOT NULL
  AND name NOT IN ('job_seeker_ix_nis_number', 'job_seeker_ux_external_id') AND name NOT GLOB 'job_seeker_dup_*'")
[ "$deferrable" -gt 0 ] || fail "no deferrable index counted"
printf '%s
2025-03-05,Edna,Mills,5500003,F,1995-05-05,KN-04
' "$header" > "$dir/after2.csv"
"$cli" import "$db" job_seeker "$dir/after2.csv" --index-build after --json > "$dir/after2.json"
grep -q "\"indexes_built_after_load\": $deferrable,\$" "$dir/after2.json" || fail "--json: indexes built after loading ($deferrable)"
printf '%s
2025-03-05,Fitz,Mills,5500004,M,1995-05-05,KN-04
' "$header" > "$dir/during2.csv"
"$cli" import "$db" job_seeker "$dir/during2.csv" --index-build during --json > "$dir/during2.json"
grep -q '"indexes_built_after_load": 0,$' "$dir/during2.json" || fail "--json: no index built after loading with during"
[ "$(indexes)" = "$before_indexes" ] || fail "--index-build with --json changed the indexes"

# 2. Legacy dates (6/12/2013 is 6 December with D/M/YYYY) with --date-format; refused without.
printf '%s\n6/12/2013,Ann,Hodge,3300001,F,14/7/1990,KN-02\n' "$header" > "$dir/legacy.csv"
expect_refused "legacy date without --date-format" 3 'row 2, registration_date: not a date YYYY-MM-DD' "$dir/legacy.csv"
"$cli" import "$db" job_seeker "$dir/legacy.csv" --date-format D/M/YYYY > /dev/null
[ "$(sqlite3 "$db" "SELECT registration_date || ' ' || date_of_birth FROM clmis_view_job_seeker WHERE nis_number = '3300001'")" = "2013-12-06 1990-07-14" ] \
  || fail "D/M/YYYY read wrongly"
printf '%s\n12/6/2013,Ben,Hodge,3300002,M,7/14/1990,KN-02\n' "$header" > "$dir/us.csv"
"$cli" import "$db" job_seeker "$dir/us.csv" --date-format M/D/YYYY > /dev/null
[ "$(sqlite3 "$db" "SELECT registration_date FROM clmis_view_job_seeker WHERE nis_number = '3300002'")" = "2013-12-06" ] || fail "M/D/YYYY"
printf '%s\n13/13/2013,Cy,Hodge,3300003,M,1/1/1990,KN-02\n' "$header" > "$dir/baddate.csv"
expect_refused "impossible date" 3 'row 2, registration_date' "$dir/baddate.csv" --date-format D/M/YYYY

# 3. Every bad row is reported (row and column), and nothing is imported (abort is the default).
printf '%s\n2025-03-03,Dee,Smith,4400001,F,1990-01-01,KN-03\n2025-03-03,Eve,Smith,44-01,X,1990-01-01,LC-01\n2025-03-03,,Smith,4400003,F,2015-01-01,KN-03\n' "$header" > "$dir/bad.csv"
expect_refused "bad rows" 3 'row 3, nis_number' "$dir/bad.csv"
grep -q 'row 3, sex' "$dir/err" || fail "sex not reported"
grep -q 'row 3, parish' "$dir/err" || fail "foreign parish not reported"
grep -q 'row 4, first_name' "$dir/err" || fail "missing first name not reported"
grep -q 'row 4, date_of_birth.*min_age_at' "$dir/err" || fail "under-age registration not reported"
# --on-error skip: the good row goes in; the bad ones go to the report with their reasons.
"$cli" import "$db" job_seeker "$dir/bad.csv" --on-error skip > "$dir/out" 2> /dev/null
grep -q 'imported 1 of 3 rows' "$dir/out" || fail "skip: $(cat "$dir/out")"
grep -q '^3,"parish","LC-01",code_list,' "$dir/bad.csv.report.csv" || fail "report: $(cat "$dir/bad.csv.report.csv")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM job_seeker WHERE family_name = 'Smith'")" = 1 ] || fail "skip imported the wrong rows"

# 4. Duplicate keys inside one file name both rows; the NIS number already in the database too.
printf '%s\n2025-03-03,Fay,Jones,5500001,F,1990-01-01,KN-03\n2025-03-03,Gus,Jones,5500001,M,1991-01-01,KN-03\n' "$header" > "$dir/dup.csv"
expect_refused "duplicate inside the file" 3 'row 3, nis_number: the same nis_number as row 2 of this file' "$dir/dup.csv"
printf '%s\n2025-03-03,Hal,Jones,1846398,M,1991-01-01,KN-03\n' "$header" > "$dir/dupdb.csv"
expect_refused "duplicate of a stored record" 3 'row 2, nis_number.*unique_active' "$dir/dupdb.csv"

# 5. The header: unknown and missing columns, columns set by clmis, repeated columns.
printf 'registration_date,first_name,family_name,sex,date_of_birth,shoe_size\n' > "$dir/unknown.csv"
expect_refused "unknown column" 3 'has no field "shoe_size"' "$dir/unknown.csv"
printf 'first_name,family_name,sex\nA,B,F\n' > "$dir/missing.csv"
expect_refused "missing required columns" 3 'the required column "registration_date" is missing' "$dir/missing.csv"
printf '%s,registration_no\n2025-03-03,A,B,1,F,1990-01-01,KN-03,JS-9\n' "$header" > "$dir/regno.csv"
expect_refused "registration_no column" 3 'is set by clmis' "$dir/regno.csv"
# A status column is a legacy lifecycle (form b): a state other than the initial one needs its date.
printf '%s,status\n2025-03-03,A,B,1,F,1990-01-01,KN-03,active\n' "$header" > "$dir/status.csv"
expect_refused "status without status_date" 3 'row 2, status_date: status_date is required with status active' "$dir/status.csv"
printf '%s,status_date\n2025-03-03,A,B,1,F,1990-01-01,KN-03,2025-03-04\n' "$header" > "$dir/status_date.csv"
expect_refused "status_date without status" 3 'a status_date column needs a status column' "$dir/status_date.csv"
printf '%s,sex\n' "$header" > "$dir/twice.csv"
expect_refused "repeated column" 3 'appears twice' "$dir/twice.csv"

# 6. Ragged rows, broken quoting, NUL bytes, UTF-16, Latin-1 text, an empty file.
printf '%s\n2025-03-03,Ida,Bell,6600001,F\n' "$header" > "$dir/ragged.csv"
expect_refused "ragged row" 3 'row 2: row has 5 fields, the header 7' "$dir/ragged.csv"
printf '%s\n2025-03-03,"Ida,Bell,6600001,F,1990-01-01,KN-03\n' "$header" > "$dir/quote.csv"
expect_refused "unterminated quote" 3 'unterminated quote' "$dir/quote.csv"
# A quoting error stops the reading: nothing is imported even with --on-error skip (the good
# row after it would otherwise be lost without a word; the fuzzer found it).
printf '%s\n2025-03-03,Good,Before,6600011,F,1990-01-01,KN-03\n2025-03-03,"Ida ""K"x,Bell,6600012,F,1990-01-01,KN-03\n2025-03-04,Good,After,6600013,M,1990-01-01,KN-01\n' "$header" > "$dir/quote2.csv"
expect_refused "quoting error with skip" 3 'cannot be read past the quoting error' "$dir/quote2.csv" --on-error skip --report "$dir/quote2.report.csv"
grep -q '^row 3: line 3: text after closing quote; the file cannot be read past this point' "$dir/err" || fail "quoting error: $(cat "$dir/err")"
# JSON Lines with a NUL byte is not text: the reading stops there, nothing is imported, and an
# endless input (/dev/zero) ends at once instead of holding the write lock forever. The digest is
# of the bytes read: here the whole small file (read in 64 KiB blocks), checked with sha256sum.
printf '{"first_name": "A\0B"}\n' > "$dir/nul.jsonl"
expect_refused "NUL in JSON Lines" 3 'holds a NUL byte' "$dir/nul.jsonl" --format jsonl --on-error skip --report "$dir/nul.report.csv"
"$cli" import "$db" job_seeker "$dir/nul.jsonl" --format jsonl --json > "$dir/nul.json" 2> /dev/null || true
[ "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"])' "$dir/nul.json")" = \
  "$(sha256sum "$dir/nul.jsonl" | cut -d' ' -f1)" ] || fail "NUL in JSON Lines: digest"
expect_refused "/dev/zero as JSON Lines" 3 'holds a NUL byte' /dev/zero --format jsonl
# The report never replaces the file being imported, even with --force (it did: the source was lost).
cp "$dir/quote2.csv" "$dir/source.csv"
expect_refused "report over the input" 2 'is the file being imported' "$dir/source.csv" --on-error skip --report "$dir/source.csv" --force
cmp -s "$dir/quote2.csv" "$dir/source.csv" || fail "the source file was changed"
printf '%s\n2025-03-03,Ida\0,Bell,6600001,F,1990-01-01,KN-03\n' "$header" > "$dir/nul.csv"
expect_refused "NUL byte" 3 'NUL byte' "$dir/nul.csv"
printf '\xff\xfer\x00e\x00g\x00\n\x00' > "$dir/utf16.csv"
expect_refused "UTF-16" 3 'UTF-16' "$dir/utf16.csv"
printf '%s\n2025-03-03,Jos\xe9,Bell,6600002,M,1990-01-01,KN-03\n' "$header" > "$dir/latin1.csv"
expect_refused "Latin-1" 3 'row 2, first_name: the text is not valid UTF-8' "$dir/latin1.csv"
grep -q -- '--encoding windows-1252' "$dir/err" || fail "no advice to name the encoding: $(cat "$dir/err")"
# --encoding: a windows-1252 file (é E9, ë EB, Ñ D1, ú FA, € 80) is read as UTF-8; the audit's
# digest is of the file's own bytes (sha256sum); an unknown name and an undefined byte (0x81) are
# refused with the database unchanged.
printf '%s\n2025-03-03,M\xe9rida,Zo\xeb,6600021,F,1990-01-01,KN-03\n2025-03-03,\xd1and\xfa,\x80uro,6600022,M,1990-01-01,KN-03\n' "$header" > "$dir/cp1252.csv"
expect_refused "unknown encoding" 3 'unknown encoding "windows1252" (did you mean windows-1252?)' "$dir/cp1252.csv" --encoding windows1252
printf '%s\n2025-03-03,Ok,Row,6600023,F,1990-01-01,KN-03\n2025-03-03,A\x81n,Bell,6600024,F,1990-01-01,KN-03\n' "$header" > "$dir/undefined.csv"
expect_refused "undefined windows-1252 byte" 3 'row 3, first_name: byte 0x81 is not a character in windows-1252' "$dir/undefined.csv" --encoding windows-1252
"$cli" import "$db" job_seeker "$dir/cp1252.csv" --encoding Windows-1252 > "$dir/out"
grep -q 'imported 2 of 2 rows' "$dir/out" || fail "windows-1252 import: $(cat "$dir/out")"
[ "$(sqlite3 "$db" "SELECT first_name || '|' || family_name FROM job_seeker WHERE nis_number IN ('6600021', '6600022') ORDER BY id")" = "Mérida|Zoë
Ñandú|€uro" ] || fail "windows-1252 names: $(sqlite3 "$db" "SELECT first_name, family_name FROM job_seeker WHERE nis_number IN ('6600021', '6600022')")"
sum=$(sha256sum "$dir/cp1252.csv" | cut -d' ' -f1)
[ "$(sqlite3 "$db" "SELECT count(*) FROM clmis_audit WHERE action = 'import' AND json_extract(detail, '$.sha256') = '$sum'")" = 1 ] \
  || fail "windows-1252 import: the digest is not of the file's bytes"
# Header names ignoring case, codes ignoring case where one code is meant (f is F, kn-03 KN-03).
printf 'Registration_Date,First_Name,Family_Name,NIS_Number,Sex,Date_Of_Birth,PARISH\n2025-03-03,Case,Fold,6600025,f,1990-01-01,kn-03\n' > "$dir/case.csv"
"$cli" import "$db" job_seeker "$dir/case.csv" > /dev/null
[ "$(sqlite3 "$db" "SELECT sex || ' ' || parish FROM clmis_view_job_seeker WHERE nis_number = '6600025'")" = "F KN-03" ] \
  || fail "codes ignoring case"
printf 'registration_date,first_name,family_name,nis_number,sex,date_of_birth,Parish,parish\n' > "$dir/twice.csv"
expect_refused "header twice ignoring case" 3 'column "parish" appears twice' "$dir/twice.csv"
# A malformed --json file: the place, not the parser's internals.
printf '{"first_name": x}' > "$dir/bad.json"
expect "malformed --json" 3 'malformed JSON at line 1, column 16: invalid literal' "$cli" create "$db" job_seeker --json "$dir/bad.json"
if grep -q 'json.exception\|syntax error' "$dir/err"; then fail "parser internals: $(cat "$dir/err")"; fi
: > "$dir/empty.csv"
expect_refused "empty file" 3 'the file is empty' "$dir/empty.csv"

# 7. A huge field is refused by the field's maximum length, naming the row.
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
printf '%s,counsellor_assessment\n2025-03-03,Kim,Bell,6600003,F,1990-01-01,KN-03,%s%s\n' "$header" "$long" "$long" > "$dir/huge.csv"
expect_refused "huge field" 3 'row 2, counsellor_assessment: at most 4000 characters' "$dir/huge.csv"

# 8. Formula text is stored verbatim and neutralised in CSV exports.
printf '%s,counsellor_assessment\n2025-03-03,=HYPERLINK("x"),Bell,6600004,F,1990-01-01,KN-03,+1 call back\n' "$header" > "$dir/formula.csv"
"$cli" import "$db" job_seeker "$dir/formula.csv" > /dev/null
[ "$(sqlite3 "$db" "SELECT first_name FROM job_seeker WHERE nis_number = '6600004'")" = '=HYPERLINK("x")' ] || fail "formula not verbatim"
"$cli" export "$db" job_seeker --format csv --where nis_number=6600004 > "$dir/out.csv"
grep -q "\"'=HYPERLINK(\"\"x\"\")\"" "$dir/out.csv" || fail "formula not neutralised: $(cat "$dir/out.csv")"
grep -q ",'+1 call back," "$dir/out.csv" || fail "+ not neutralised"

# 9. JSON Lines with sections; external_id makes a second run change nothing.
cat > "$dir/js.jsonl" <<'JSONL'
{"external_id": "old-17", "registration_date": "2025-03-03", "first_name": "Lee", "family_name": "Ward", "sex": "M", "date_of_birth": "1990-01-01", "experience": [{"occupation": "7411", "from": "2015-01-01", "to": "2019-12-31"}]}

{"external_id": "old-18", "registration_date": "2025-03-03", "first_name": "Mo", "family_name": "Ward", "sex": "F", "date_of_birth": "1991-01-01"}
JSONL
"$cli" import "$db" job_seeker "$dir/js.jsonl" > "$dir/out"
grep -q 'imported 2 of 2 rows into job_seeker (2 created' "$dir/out" || fail "jsonl: $(cat "$dir/out")"
[ "$(sqlite3 "$db" "SELECT occupation FROM job_seeker__experience")" = 7411 ] || fail "jsonl section"
before=$(state)
"$cli" import "$db" job_seeker "$dir/js.jsonl" > "$dir/out"
grep -q '(0 created, 0 updated, 2 unchanged)' "$dir/out" || fail "re-import: $(cat "$dir/out")"
printf '{"first_name": "x"\n' > "$dir/broken.jsonl"
expect_refused "broken JSON line" 3 'row 1: the line is not one JSON object' "$dir/broken.jsonl"

# 10. query and export agree with SQL.
"$cli" query "$db" job_seeker --where family_name=Ward --json > "$dir/q.json"
[ "$(grep -c '"registration_no"' "$dir/q.json")" = 2 ] || fail "query"
"$cli" export "$db" job_seeker --format jsonl > "$dir/all.jsonl"
[ "$(wc -l < "$dir/all.jsonl")" = "$(sqlite3 "$db" "SELECT count(*) FROM job_seeker WHERE archived = 0")" ] || fail "export count"
"$cli" export "$db" job_seeker --format json --out "$dir/all.json" 2> /dev/null
/usr/bin/python3 -c "import json,sys; assert len(json.load(open('$dir/all.json'))) == $(wc -l < "$dir/all.jsonl")" || fail "json export"

# 11. A transition from the command line; a refused one changes nothing.
"$cli" transition "$db" job_seeker 1 activate --version 1 --date 2025-03-05 | grep -q 'activate (version 2)' || fail "transition"
before=$(state)
rc=0; "$cli" transition "$db" job_seeker 1 close --version 2 2> "$dir/err" || rc=$?
[ $rc -eq 3 ] && grep -q 'outcome is required' "$dir/err" || fail "close without outcome: exit $rc $(cat "$dir/err")"
rc=0; "$cli" transition "$db" job_seeker 1 activate --version 2 2> /dev/null || rc=$?
[ $rc -eq 6 ] || fail "activate twice: exit $rc"
[ "$(state)" = "$before" ] || fail "a refused transition changed the database"
"$cli" transition "$db" job_seeker 1 close --version 2 --date 2025-06-30 --set outcome=placed > /dev/null
[ "$(sqlite3 "$db" "SELECT status || ' ' || outcome FROM job_seeker WHERE id = 1")" = "closed placed" ] || fail "close"

# 11b. Counts on a day (--as-of), from the dated history, on a database of their own. By hand:
# job seeker 1 registered 2025-03-03, active from 2025-03-05, closed 2025-06-30; job seeker 2
# registered 2025-04-01.
cdb="$dir/counts.db"
"$cli" init "$cdb" --country KNA > /dev/null
printf '%s
2025-03-03,Ann,Hill,7700001,F,1990-01-01,KN-03
2025-04-01,Bea,Hill,7700002,F,1991-01-01,KN-01
' "$header" > "$dir/two.csv"
"$cli" import "$cdb" job_seeker "$dir/two.csv" > /dev/null
"$cli" transition "$cdb" job_seeker 1 activate --version 1 --date 2025-03-05 > /dev/null
"$cli" transition "$cdb" job_seeker 1 close --version 2 --date 2025-06-30 --set outcome=placed > /dev/null
counts() {  # counts DAY: "registered active inactive closed" on that day ("" = today)
  local opt=()
  [ -n "$1" ] && opt=(--as-of "$1")
  "$cli" counts "$cdb" job_seeker "${opt[@]}" > "$dir/counts" || fail "counts $1: exit $?"
  local line=""
  for st in registered active inactive closed; do
    line="$line $(awk -v s="$st" '$1 == s {print $2}' "$dir/counts")"
  done
  echo "${line# }"
}
[ "$(counts 2025-03-02)" = "0 0 0 0" ] || fail "counts before any registration: $(counts 2025-03-02)"
[ "$(counts 2025-03-04)" = "1 0 0 0" ] || fail "counts on 2025-03-04: $(counts 2025-03-04)"
[ "$(counts 2025-04-01)" = "1 1 0 0" ] || fail "counts on 2025-04-01: $(counts 2025-04-01)"
[ "$(counts 2025-06-30)" = "1 0 0 1" ] || fail "counts on 2025-06-30: $(counts 2025-06-30)"
d1=$(TZ=America/St_Kitts date +%F)
[ "$(counts "")" = "1 0 0 1" ] || fail "counts today: $(counts "")"
d2=$(TZ=America/St_Kitts date +%F)  # today in Saint Kitts, before and after (midnight may pass)
grep -qx "job_seeker on \($d1\|$d2\)" "$dir/counts" || fail "counts today names another day: $(head -1 "$dir/counts")"
"$cli" counts "$cdb" job_seeker --as-of 2025-04-01 --json | grep -q '"date": "2025-04-01"' || fail "counts --json"
rc=0; "$cli" counts "$cdb" job_seeker --as-of 2025-02-30 2> "$dir/err" || rc=$?
[ $rc -eq 3 ] && grep -q 'expected a date' "$dir/err" || fail "counts on 2025-02-30: exit $rc $(cat "$dir/err")"
rc=0; "$cli" counts "$cdb" employer 2> "$dir/err" || rc=$?
[ $rc -eq 4 ] && grep -q 'has no workflow' "$dir/err" || fail "counts of employers: exit $rc $(cat "$dir/err")"

# 12. Exit codes: unknown record, unknown type, wrong password, usage.
rc=0; "$cli" get "$db" job_seeker 999 2> /dev/null || rc=$?; [ $rc -eq 4 ] || fail "not found exit $rc"
rc=0; "$cli" import "$db" ghost "$dir/good.csv" 2> /dev/null || rc=$?; [ $rc -eq 4 ] || fail "unknown type exit $rc"
rc=0; CLMIS_PASSWORD=wrong-password "$cli" get "$db" job_seeker 1 2> /dev/null || rc=$?; [ $rc -eq 5 ] || fail "auth exit $rc"
rc=0; "$cli" query 2> /dev/null || rc=$?; [ $rc -eq 2 ] || fail "usage exit $rc"
echo "cli import: ok"
