#!/usr/bin/env bash
# clmis export --format xlsx (issue 14, "Excel"): a workbook with typed cells, code labels in the
# country's first language or --lang, a sheet per section, read back with Python's zipfile and
# xml.etree; values Excel cannot hold reported on standard error (the first 20, then how many).
# Refusals exit with a clear error, leave no file (nor a temporary one) and change nothing
# (judged with the sqlite3 shell), in every format.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-xlsx-password CLMIS_USER=admin
fixtures="$(cd "$(dirname "$0")" && pwd)/fixtures/data"
db="$dir/sur.db"
"$cli" init "$db" --country SUR > /dev/null  # Suriname: Dutch first, then English
state() {
  sqlite3 "$db" "SELECT * FROM employer; SELECT * FROM employer__contacts; SELECT * FROM clmis_change;
                 SELECT * FROM clmis_history; SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
cat > "$dir/e.jsonl" <<'EOF'
{"name": "Paramaribo Bouw NV", "isic_class": "4100", "parish": "SR-PM", "ownership": "private", "workers_male": 1234, "contacts": [{"name": "Anita Pinas", "position": "HR"}, {"name": "Ro Kromo"}]}
{"name": "Nickerie Rijst", "isic_class": "0112", "parish": "SR-NI", "ownership": "public"}
EOF
"$cli" import "$db" employer "$dir/e.jsonl" > /dev/null

# The workbook, its labels in Dutch by default.
"$cli" export "$db" employer --format xlsx --out "$dir/e.xlsx" 2> "$dir/err"
grep -q 'exported 2 record(s) to' "$dir/err" || fail "export xlsx: $(cat "$dir/err")"
grep -q 'warning' "$dir/err" && fail "export xlsx warned: $(cat "$dir/err")"
[ "$(stat -c %a "$dir/e.xlsx")" = 600 ] || fail "the workbook is not 0600"
"$cli" export "$db" employer --format xlsx --lang en --out "$dir/e-en.xlsx" 2> /dev/null
/usr/bin/python3 - "$dir/e.xlsx" "$dir/e-en.xlsx" <<'PY' || fail "the workbook read back"
import sys, zipfile
from xml.etree import ElementTree as ET
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

def sheets(path):
    z = zipfile.ZipFile(path)
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for s in ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet"):
        root = ET.fromstring(z.read("xl/" + rels[s.get(R + "id")]))
        rows = []
        for row in root.iter(M + "row"):
            cells = {}
            for c in row.iter(M + "c"):
                v, t = c.find(M + "v"), c.find(f"{M}is/{M}t")
                cells[c.get("r").rstrip("0123456789")] = (c.get("t"), v.text if v is not None else t.text)
            rows.append(cells)
        header = {v: col for col, (_, v) in rows[0].items()}
        out[s.get("name")] = (header, rows, root)
    return out

nl, en = sheets(sys.argv[1]), sheets(sys.argv[2])
assert list(nl) == ["employer", "contacts"], list(nl)
header, rows, root = nl["employer"]
assert root.find(f"{M}sheetViews/{M}sheetView/{M}pane").get("state") == "frozen"
cell = lambda name, r: rows[r].get(header[name], (None, None))
assert len(rows) == 3
assert cell("name", 1) == ("inlineStr", "Paramaribo Bouw NV")
assert cell("workers_male", 1) == (None, "1234")            # a number
assert cell("archived", 1) == ("b", "0")                    # a boolean
assert cell("ownership", 1) == ("inlineStr", "private")
assert cell("ownership_label", 1)[1] == "Particulier (nationaal)", cell("ownership_label", 1)
assert cell("ownership_label", 2)[1] == "Overheid"
assert cell("parish_label", 1)[1] == "Paramaribo"
created = float(cell("created_at", 1)[1])                   # a day number of today's
assert 45000 < created < 2958466, created
eh, erows, _ = en["employer"]
assert erows[1][eh["ownership_label"]][1] == "Private (national)"
ch, crows, _ = nl["contacts"]
assert list(ch) == ["employer_id", "item_no", "name", "position", "telephone", "email"], ch
assert [(r[ch["employer_id"]][1], r[ch["item_no"]][1], r[ch["name"]][1]) for r in crows[1:]] == \
    [("1", "1", "Anita Pinas"), ("1", "2", "Ro Kromo")]
PY

# Refusals: a clear error, no file, nothing changed or audited.
expect "xlsx to standard output" 2 'written to a file' "$cli" export "$db" employer --format xlsx
expect "a language the country has not" 2 'not one of the country' \
  "$cli" export "$db" employer --format xlsx --lang es --out "$dir/bad.xlsx"
for f in csv jsonl json; do
  expect "$f with --lang" 2 'a language is for the labels of an xlsx export' \
    "$cli" export "$db" employer --format "$f" --lang nl --out "$dir/bad.$f"
done
for f in csv jsonl json xlsx; do
  expect "$f over the database" 2 "is the database's own file" "$cli" export "$db" employer --format "$f" --out "$db" --force
  expect "$f over a directory" 2 'is a directory' "$cli" export "$db" employer --format "$f" --out "$dir" --force
  expect "$f of an unknown field" 3 'has no field "colour"' \
    "$cli" export "$db" employer --format "$f" --fields name,colour --out "$dir/bad.$f"
  expect "$f over an existing file" 6 'exists' "$cli" export "$db" employer --format "$f" --out "$dir/e.xlsx"
done
expect "an unknown format" 2 'xls not in' "$cli" export "$db" employer --format xls --out "$dir/bad.xls"
ls "$dir" | grep -q '^bad' && fail "a refused export left a file: $(ls "$dir")"
ls -a "$dir" | grep -q '\.tmp-' && fail "a temporary file was left: $(ls -a "$dir")"

# Values Excel cannot hold: written as text, each reported; past 20, how many.
fdb="$dir/fixture.db"
"$cli" init "$fdb" --country KNA --data-dir "$fixtures" > /dev/null
for i in $(seq 1 25); do
  echo "{\"title\": \"big $i\", \"pay\": {\"amount\": \"123456789012345$i.78\", \"currency\": \"XCD\"}}"
done > "$dir/big.jsonl"
"$cli" import "$fdb" sample "$dir/big.jsonl" > /dev/null
"$cli" export "$fdb" sample --format xlsx --fields id,pay --out "$dir/big.xlsx" 2> "$dir/err"
[ "$(grep -c '^warning: ' "$dir/err")" = 20 ] || fail "warnings shown: $(cat "$dir/err")"
grep -q '^warning: sheet sample, row 2, pay (record 1): a number of more than 15 significant digits, which Excel does not keep: written as text: 1234567890123451.78$' "$dir/err" \
  || fail "the first warning: $(head -2 "$dir/err")"
grep -q 'exported 25 record(s) to .*; 25 value(s) written another way (the first 20 shown above)$' "$dir/err" \
  || fail "the summary: $(tail -1 "$dir/err")"
/usr/bin/python3 - "$dir/big.xlsx" <<'PY' || fail "the big numbers read back"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
xml = z.read("xl/worksheets/sheet1.xml").decode()
assert '<c r="B2" t="inlineStr"><is><t>1234567890123451.78</t></is></c>' in xml, xml[:2000]
PY
echo "cli xlsx: ok"
