#!/bin/sh
# clmis init: password from a file or CLMIS_PASSWORD, never an argument; refuses existing files.
set -eu
cli="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'a-long-password\n' > "$dir/pw"
"$cli" init "$dir/a.db" --country KNA --password-file "$dir/pw" | grep -q 'Created'
test -f "$dir/a.db"
# A second init on the same file is refused and leaves the file as it was.
before=$(sha256sum "$dir/a.db" | cut -d' ' -f1)
if "$cli" init "$dir/a.db" --country KNA --password-file "$dir/pw" 2>"$dir/err"; then
  echo "init over an existing database succeeded"; exit 1
fi
grep -q 'already exists' "$dir/err"
after=$(sha256sum "$dir/a.db" | cut -d' ' -f1)
test "$before" = "$after"
# No password anywhere and no terminal: refused, no file left.
if env -u CLMIS_PASSWORD "$cli" init "$dir/b.db" --country KNA </dev/null 2>"$dir/err"; then
  echo "init without a password succeeded"; exit 1
fi
grep -q 'no password' "$dir/err"
test ! -e "$dir/b.db"
# A short password is refused.
if CLMIS_PASSWORD=short "$cli" init "$dir/c.db" --country KNA 2>"$dir/err"; then
  echo "init with a short password succeeded"; exit 1
fi
grep -q 'at least 8' "$dir/err"
test ! -e "$dir/c.db"
# An unknown country is refused.
if CLMIS_PASSWORD=a-long-password "$cli" init "$dir/d.db" --country XYZ 2>"$dir/err"; then
  echo "init with an unknown country succeeded"; exit 1
fi
grep -q 'no country profile' "$dir/err"
# The admin name can be chosen.
CLMIS_PASSWORD=a-long-password "$cli" init "$dir/e.db" --country KNA --admin registrar | grep -q '"registrar"'
"$cli" --version | grep -q '^clmis [0-9]'
# profile check lists the unverified values of the database's country: 4 in the profile (three
# legal parameters and the department), every unverified value of its calendar file (the
# substitution rule and each holiday rule) and the pack's default deadlines; and what is
# missing: the redundancy notice period, which the KNA profile does not give (issue 17).
"$cli" profile check "$dir/a.db" > "$dir/check"
calendar_unverified=$(grep -c '"verified": false' "$(dirname "$0")/../data/calendars/KNA.json")
pack_unverified=$(grep -c '"verified": false' "$(dirname "$0")/../data/packs/standard/pack.json")
# minimum_working_age, nis_number_pattern, severance (issue 16) and the department, then the calendar.
grep -q "^KNA (Saint Kitts and Nevis): 1 missing and $((4 + calendar_unverified + pack_unverified)) unverified value(s) in the country profile" "$dir/check"
grep -q '^  redundancy.notice: MISSING' "$dir/check"
grep -q '^  severance = {"minimum_service_months":12,' "$dir/check"
grep -q '^  calendar.rules.good_friday = "Good Friday"' "$dir/check"
grep -q '^  department = ' "$dir/check"
grep -q 'minimum_working_age = 14' "$dir/check"
"$cli" profile check --json "$dir/a.db" | grep -q '"parameter": "nis_number_pattern"'
if "$cli" profile check "$dir/missing.db" 2>"$dir/err"; then echo "check of a missing database succeeded"; exit 1; fi
grep -q 'no database file' "$dir/err"
# upgrade: a database made with the built-in pack is current.
"$cli" upgrade "$dir/a.db" | grep -q 'is current; nothing to do'
if "$cli" upgrade "$dir/missing.db" 2>"$dir/err"; then echo "upgrade of a missing database succeeded"; exit 1; fi
echo "cli init: ok"
