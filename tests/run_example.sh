#!/bin/sh
# Runs an example program on a fresh database in a temporary directory.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$1" "$dir/example.db"
