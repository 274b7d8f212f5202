#!/usr/bin/env bash
# Masking keeps types through the command line (issue 14): a statistician's `query --json` shows
# a masked birth date as null and every job seeker's age_group at --as-of; `export --as-of` the
# same; a bad --as-of is refused (exit 3, naming as_of) and changes nothing. Expected groups
# worked by hand: age = as_of's year - birth year, one less while as_of's (month, day) is before
# the birth's.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-age-password CLMIS_USER=admin
db="$dir/a.db"
new_db "$db"
state() {
  sqlite3 "$db" "SELECT * FROM job_seeker; SELECT * FROM clmis_change; SELECT * FROM clmis_history;
                 SELECT * FROM clmis_audit WHERE action <> 'login';" | sha256sum
}
printf 'registration_date,first_name,family_name,sex,date_of_birth,parish\n%s\n%s\n%s\n' \
  2025-03-03,June,Liburd,F,2000-06-30,KN-03 2025-03-03,July,Liburd,F,2000-07-01,KN-03 \
  2025-03-03,Leap,Liburd,F,2000-02-29,KN-03 > "$dir/js.csv"
"$cli" import "$db" job_seeker "$dir/js.csv" > /dev/null
CLMIS_NEW_PASSWORD=first-pass-123 "$cli" users add "$db" stat --role statistician > /dev/null
CLMIS_USER=stat CLMIS_PASSWORD=first-pass-123 CLMIS_NEW_PASSWORD=stat-pass-456 "$cli" passwd "$db" > /dev/null
st() { CLMIS_USER=stat CLMIS_PASSWORD=stat-pass-456 "$cli" "$@"; }

# groups AS_OF: the age groups of June, July and Leap (ids 1, 2, 3) in a statistician's query.
groups() {
  st query "$db" job_seeker --fields date_of_birth,age_group --json --as-of "$1" > "$dir/q.json"
  [ "$(grep -c '"date_of_birth": null' "$dir/q.json")" = 3 ] || fail "birth dates not null: $(cat "$dir/q.json")"
  grep '"age_group"' "$dir/q.json" | sed 's/.*"age_group": //; s/,$//' | tr '\n' ' '
}
check() {  # check AS_OF "JUNE JULY LEAP"
  local got
  got=$(groups "$1")
  [ "$got" = "$2 " ] || fail "as of $1: $got, expected $2"
}
# 2024-12-31: all three 24 → 20-24.
check 2024-12-31 '"20-24" "20-24" "20-24"'
# 2025-06-30: June's birthday (25), July the day before hers (24), Leap 25 since 1 March.
check 2025-06-30 '"25-29" "20-24" "25-29"'
# 2025-07-01: all 25.
check 2025-07-01 '"25-29" "25-29" "25-29"'
# No 29 February in 2025: Leap 24 on the 28th, 25 on 1 March.
check 2025-02-28 '"20-24" "20-24" "20-24"'
check 2025-03-01 '"20-24" "20-24" "25-29"'
# Masked fields are still named.
grep -q '"date_of_birth"' <(sed -n '/"masked"/,/]/p' "$dir/q.json") || fail "masked does not name date_of_birth"

# export --as-of: the age group after the (empty) birth date.
st export "$db" job_seeker --format csv --fields id,date_of_birth,age_group --as-of 2024-12-31 > "$dir/e.csv"
[ "$(cat "$dir/e.csv")" = "$(printf 'id,date_of_birth,age_group\r\n1,,20-24\r\n2,,20-24\r\n3,,20-24\r')" ] \
  || fail "export: $(cat -A "$dir/e.csv")"

# Bad dates: exit 3 naming as_of, nothing changed, no file.
for bad in 2025-02-30 2025-13-01 31/12/2024 tomorrow; do
  expect "query --as-of $bad" 3 "as_of" st query "$db" job_seeker --as-of "$bad"
  expect "export --as-of $bad" 3 "as_of" st export "$db" job_seeker --format csv --as-of "$bad" --out "$dir/bad.csv"
  [ ! -e "$dir/bad.csv" ] || fail "a refused export left a file"
done
echo "cli age_group: ok"
