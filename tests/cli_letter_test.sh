#!/usr/bin/env bash
# Letters from the command line: a complaint's acknowledgement to standard output (HTML) and to a
# file (text), in English and Dutch; the output paths that are refused (the database and its
# companion files, an existing file without --force) and bad input, each with its exit code and
# nothing stored.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=example-password-1 CLMIS_USER=admin
db="$dir/l.db"
new_db "$db"
"$cli" create "$db" complaint --set date_received=2025-03-05 --set first_name=Ann --set family_name=Hodge --set sex=F \
  --set 'employer_name=Sugar Bay <Hotel> & Co' > /dev/null
# To standard output: a full HTML document, the values escaped.
"$cli" letter "$db" complaint 1 complaint.acknowledgement > "$dir/out" 2> "$dir/err"
head -1 "$dir/out" | grep -q '^<!DOCTYPE html>$' || fail "html: $(head -3 "$dir/out")"
grep -q 'against Sugar Bay &lt;Hotel&gt; &amp; Co, received on 5 March 2025' "$dir/out" || fail "html body: $(cat "$dir/out")"
grep -q 'stored with complaint 1 as document 1' "$dir/err" || fail "stderr: $(cat "$dir/err")"
# To a file, as text, in Dutch.
"$cli" letter "$db" complaint 1 complaint.acknowledgement --lang nl --format text --output "$dir/ack.txt" > "$dir/out" 2> /dev/null
[ ! -s "$dir/out" ] || fail "with --output nothing goes to standard output"
grep -q '^Geachte Ann Hodge,$' "$dir/ack.txt" || fail "text: $(cat "$dir/ack.txt")"
tr '\n' ' ' < "$dir/ack.txt" | grep -q 'tegen Sugar Bay <Hotel> & Co op 5 maart 2025 hebben ontvangen' || fail "text body: $(cat "$dir/ack.txt")"
! grep -q '<p>' "$dir/ack.txt" || fail "text holds HTML"
# --json: the document's description (the content stays in the file).
"$cli" letter "$db" complaint 1 complaint.status_statement --format text --output "$dir/status.txt" --json > "$dir/out" 2> /dev/null
grep -q '"media_type": "text/plain; charset=utf-8"' "$dir/out" || fail "json: $(cat "$dir/out")"
! grep -q '"content"' "$dir/out" || fail "json with --output carries no content"
[ "$(sqlite3 "$db" "SELECT count(*) FROM clmis_document WHERE kind = 'letter'")" = 3 ] || fail "three letters stored"
# Refusals: exit code, message, and nothing stored or audited.
state() { sqlite3 "$db" "SELECT id, sha256 FROM clmis_document; SELECT * FROM clmis_audit WHERE action <> 'login'" | sha256sum; }
expect "over the database" 2 "database's own file" "$cli" letter "$db" complaint 1 complaint.acknowledgement --output "$db"
expect "over its -wal" 2 "database's own file" "$cli" letter "$db" complaint 1 complaint.acknowledgement --output "$db-wal" --force
expect "over its -journal" 2 "database's own file" "$cli" letter "$db" complaint 1 complaint.acknowledgement --output "$db-journal"
if [ -e "$db.key" ]; then
  expect "over its key" 2 "database's own file" "$cli" letter "$db" complaint 1 complaint.acknowledgement --output "$db.key" --force
fi
expect "over a file without --force" 6 'exists; remove it or ask to replace it' "$cli" letter "$db" complaint 1 complaint.acknowledgement --output "$dir/ack.txt"
grep -q '^Geachte Ann Hodge,$' "$dir/ack.txt" || fail "the refused output changed the file"
expect "an unknown letter" 4 'no letter "complaint.reminder" for complaint' "$cli" letter "$db" complaint 1 complaint.reminder
expect "a letter of another type" 4 'no letter "complaint.acknowledgement" for employer' "$cli" letter "$db" employer 1 complaint.acknowledgement
expect "a language it is not written in" 3 'is written in en, nl only' "$cli" letter "$db" complaint 1 complaint.acknowledgement --lang fr
expect "a format" 3 '"html" or "text"' "$cli" letter "$db" complaint 1 complaint.acknowledgement --format pdf
expect "a record that does not exist" 4 'no complaint with id 9' "$cli" letter "$db" complaint 9 complaint.acknowledgement
CLMIS_NEW_PASSWORD=first-pass-123 "$cli" users add "$db" ro1 --role read_only > /dev/null
CLMIS_USER=ro1 CLMIS_PASSWORD=first-pass-123 CLMIS_NEW_PASSWORD=pw-long-ro1 "$cli" passwd "$db" > /dev/null
expect "a user who may not produce letters" 5 'no role of this user grants letter on complaint' env CLMIS_USER=ro1 CLMIS_PASSWORD=pw-long-ro1 "$cli" letter "$db" complaint 1 complaint.acknowledgement
[ ! -e "$dir/refused.html" ] || fail "a refused letter left a file"
expect "refused with an output file" 4 'no letter' "$cli" letter "$db" complaint 1 complaint.reminder --output "$dir/refused.html"
[ ! -e "$dir/refused.html" ] || fail "a refused letter left a file"
echo "cli letter: ok"
