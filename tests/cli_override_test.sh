#!/usr/bin/env bash
# Computed fields from the command line (issue 16): an industrial action's days not worked as
# computed, overridden with a reason, listed, cleared; refusals with their exit codes and nothing
# changed. Mon 2025-07-28 to Fri 2025-08-08 in KNA: 5 working days, the weekend, Emancipation
# Day and Culturama Day - Last Lap (Aug 4-5), 3 more: 8 working days × 60 workers = 480.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh" "$1"
export CLMIS_PASSWORD=cli-override-pass CLMIS_USER=admin
db="$dir/o.db"
new_db "$db"
"$cli" create "$db" industrial_action --set date_reported=2025-07-25 --set action_type=strike \
  --set workers_direct_male=30 --set workers_direct_female=20 --set workers_indirect_male=5 --set workers_indirect_female=5 > /dev/null
"$cli" transition "$db" industrial_action 1 start --version 1 --date 2025-07-28 --set start_date=2025-07-28 > /dev/null
"$cli" transition "$db" industrial_action 1 end --version 2 --date 2025-08-08 --set end_date=2025-08-08 --set outcome=ended_agreement > /dev/null
[ "$("$cli" get "$db" industrial_action 1 --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["days_not_worked"])')" = 480 ] ||
  fail "days_not_worked is not 480"
"$cli" override "$db" industrial_action 1 days_not_worked 420 --version 3 --reason "20 returned on Aug 6" > "$dir/out"
grep -q "^overridden industrial_action 1 days_not_worked = 420 (version 4)$" "$dir/out" || fail "override: $(cat "$dir/out")"
"$cli" overrides "$db" industrial_action 1 > "$dir/out"
grep -q "days_not_worked  20 returned on Aug 6  admin" "$dir/out" || fail "overrides: $(cat "$dir/out")"
grep -q "in force" "$dir/out" || fail "overrides: not in force"

state() { sqlite3 "$db" "SELECT * FROM industrial_action; SELECT * FROM clmis_override; SELECT * FROM clmis_change" | sha256sum; }
expect "a blank reason" 3 'needs its reason' "$cli" override "$db" industrial_action 1 days_not_worked 400 --version 4 --reason " "
expect "a field that is not computed" 3 'is entered, not computed' \
  "$cli" override "$db" industrial_action 1 workers_direct_male 3 --version 4 --reason "typo"
expect "overridden already" 6 'already overridden' "$cli" override "$db" industrial_action 1 days_not_worked 400 --version 4 --reason "again"
expect "a stale version" 6 'is at version 4' "$cli" override "$db" industrial_action 1 days_not_worked 400 --version 3 --reason "stale"
expect "entered by --set" 3 'is computed by clmis' "$cli" update "$db" industrial_action 1 --version 4 --set days_not_worked=1

"$cli" clear-override "$db" industrial_action 1 days_not_worked --version 4 --reason "register corrected" > "$dir/out"
grep -q "^computed again industrial_action 1 days_not_worked = 480 (version 5)$" "$dir/out" || fail "clear-override: $(cat "$dir/out")"
expect "nothing to clear" 6 'is not overridden' "$cli" clear-override "$db" industrial_action 1 days_not_worked --version 5 --reason "x"
echo "cli override: ok"
