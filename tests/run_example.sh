#!/bin/sh
# Runs example programs, one after the other, on one fresh database in a temporary directory
# (the first creates it).
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for program in "$@"; do
  "$program" "$dir/example.db"
done
