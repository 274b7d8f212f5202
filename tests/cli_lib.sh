# Sourced by the command-line tests (tests/cli_*.sh), after `set -euo pipefail`, with the clmis
# program as $1. Gives them:
#   $cli    the program;  $dir  a temporary directory, removed on exit;
#   fail MESSAGE          stops the test;
#   new_db FILE           a KNA database at FILE (CLMIS_USER and CLMIS_PASSWORD set first);
#   expect NAME CODE PATTERN COMMAND...
#                         runs the command: it must exit CODE, its standard error must match
#                         PATTERN, and the test's own `state` (a digest of what a refusal must not
#                         change, read with the sqlite3 shell) must be the same after.
cli="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
new_db() { "$cli" init "$1" --country KNA > /dev/null; }
expect() {
  local name="$1" code="$2" pattern="$3"
  shift 3
  local before rc=0
  before=$(state)
  "$@" > "$dir/out" 2> "$dir/err" || rc=$?
  [ "$rc" -eq "$code" ] || fail "$name: exit $rc, expected $code; $(head -c 600 "$dir/err")"
  grep -q -- "$pattern" "$dir/err" || fail "$name: no \"$pattern\" in: $(head -c 600 "$dir/err")"
  [ "$(state)" = "$before" ] || fail "$name: the database changed"
}
