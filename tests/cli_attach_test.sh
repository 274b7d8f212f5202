#!/usr/bin/env bash
# Attachments from the command line: attach a file to a complaint, list the documents, write one
# back byte for byte (compared with cmp and its digest with sha256sum), withdraw it; refusals with
# their exit codes and nothing changed — an output file over the database or its key, a file
# that exists without --force, a type the content contradicts, an empty file.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-attach-pass CLMIS_USER=admin
db="$dir/a.db"
new_db "$db"
"$cli" create "$db" complaint --set date_received=2025-03-03 --set first_name=Ann --set family_name=Hodge --set sex=F > /dev/null
# A PNG's first bytes, NUL bytes among them.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000' > "$dir/pay slip.png"
sum=$(sha256sum < "$dir/pay slip.png" | cut -d' ' -f1)
"$cli" attach "$db" complaint 1 "$dir/pay slip.png" --note "from the complainant" > "$dir/out"
grep -q "^complaint 1: attached document 1 pay slip.png (image/png, 29 bytes, sha256 $sum)$" "$dir/out" || fail "attach: $(cat "$dir/out")"
printf 'The employer did not attend.\n' > "$dir/notes.txt"
"$cli" attach "$db" complaint 1 "$dir/notes.txt" --type text/plain --json > "$dir/out"
grep -q '"media_type": "text/plain"' "$dir/out" || fail "attach --json: $(cat "$dir/out")"
"$cli" documents "$db" complaint 1 > "$dir/out"
# (the table cuts the digest short; --json below has it whole)
grep -q "^1   attachment  pay slip.png  image/png   29     ${sum:0:37}\.\.\.  admin" "$dir/out" || fail "documents: $(cat "$dir/out")"
grep -q "^2   attachment  notes.txt " "$dir/out" || fail "documents: notes.txt"
"$cli" documents "$db" complaint 1 --json > "$dir/out"
[ "$(/usr/bin/python3 -c "import json; d = json.load(open('$dir/out')); print(d[0]['sha256'], d[0]['size'], d[0]['note'])")" = "$sum 29 from the complainant" ] ||
  fail "documents --json: $(cat "$dir/out")"
"$cli" document "$db" 1 --output "$dir/copy.png" 2> "$dir/err"
cmp "$dir/pay slip.png" "$dir/copy.png" || fail "document: the bytes differ"
grep -q 'document 1 (29 bytes) written to' "$dir/err" || fail "document: $(cat "$dir/err")"

# Refusals: exit code, message, and the database unchanged.
state() { sqlite3 "$db" "SELECT id, record_type, record_id, kind, name, media_type, size, sha256, withdrawn_reason, hex(content) FROM clmis_document; SELECT * FROM clmis_change; SELECT * FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
before=$(state)
: > "$dir/empty.pdf"
expect "an empty file" 3 'the file is empty' "$cli" attach "$db" complaint 1 "$dir/empty.pdf"
expect "a type the content contradicts" 3 'the content is image/png, not "application/pdf"' \
  "$cli" attach "$db" complaint 1 "$dir/pay slip.png" --type application/pdf
printf 'MZ\220\000\003' > "$dir/setup.exe"
expect "a type not accepted" 3 'accepted: application/pdf, image/jpeg' "$cli" attach "$db" complaint 1 "$dir/setup.exe"
expect "a name with a path" 3 'a file name, not a path' "$cli" attach "$db" complaint 1 "$dir/notes.txt" --name ../notes.txt
expect "a missing file" 4 'cannot read the file' "$cli" attach "$db" complaint 1 "$dir/missing.pdf"
expect "a missing complaint" 4 'complaint 9 does not exist' "$cli" attach "$db" complaint 9 "$dir/notes.txt"
expect "an unknown document" 4 'no document with id 99' "$cli" document "$db" 99 --output "$dir/x.bin"
# The output file: never the database or its files, never an existing file without --force.
for target in "$db" "$db.key" "$db-wal" "$db-shm" "$db-journal"; do
  expect "output over $target" 2 "is the database's own file" "$cli" document "$db" 1 --output "$target" --force
done
expect "output over an existing file" 6 'exists' "$cli" document "$db" 1 --output "$dir/copy.png"
[ "$(state)" = "$before" ] || fail "a refusal changed the database"
"$cli" document "$db" 2 --output "$dir/copy.png" --force 2> /dev/null
cmp "$dir/notes.txt" "$dir/copy.png" || fail "document --force: the bytes differ"

# Withdrawn (supervisors and the administrator), kept, in the timeline; twice is a conflict.
"$cli" withdraw-document "$db" 1 --reason "filed on the wrong case" > "$dir/out"
grep -q '^document 1 (pay slip.png) withdrawn$' "$dir/out" || fail "withdraw: $(cat "$dir/out")"
"$cli" documents "$db" complaint 1 > "$dir/out"
grep -q 'withdrawn: filed on the wrong case' "$dir/out" || fail "documents after withdrawal: $(cat "$dir/out")"
"$cli" timeline "$db" complaint 1 > "$dir/out"
# (the table cuts long cells short; documents are "#ID NAME")
grep -q '  attached  *#1 pay slip.png (image/png, 29 bytes)  *admin' "$dir/out" || fail "timeline: $(cat "$dir/out")"
grep -q '  document withdrawn  *#1 pay slip.png; filed on the' "$dir/out" || fail "timeline: withdrawal"
before=$(state)
expect "withdrawn twice" 6 'was already withdrawn' "$cli" withdraw-document "$db" 1 --reason again
[ "$(state)" = "$before" ] || fail "a refusal changed the database"
echo "cli attach: ok"
