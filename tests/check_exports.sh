#!/bin/sh
# libclmis.so must export the C API (clmis_*) and nothing else.
set -eu
lib="$1"
syms=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^$')
count=$(printf '%s\n' "$syms" | wc -l)
bad=$(printf '%s\n' "$syms" | grep -v '^clmis_' || true)
if [ -n "$bad" ]; then
  echo "exported symbols that are not clmis_*:"
  printf '%s\n' "$bad" | head -n 20
  exit 1
fi
# The SONAME carries the major version only.
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
case "$soname" in
  libclmis.so.[0-9]*) ;;
  *) echo "unexpected SONAME: $soname"; exit 1 ;;
esac
echo "$count exported symbols, all clmis_*; SONAME $soname"
