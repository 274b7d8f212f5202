#!/usr/bin/env bash
# Installs the Debian 12 packages clmis needs to build and test, and only those that are missing.
# Idempotent: a second run installs nothing. Uses sudo when not run as root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libsqlite3-dev sqlite3
  libboost-dev
  libhowardhinnant-date-dev libdate-tz3 tzdata
  nlohmann-json3-dev
  libsodium-dev
  libxlsxwriter-dev zlib1g-dev  # xlsx exports (zlib: its static link, the tests' workbook reader)
  libcli11-dev
  libmstch-dev  # letter templates (mustache); see third_party/mstch/README.md
  libglpk-dev  # disclosure control's audit: linear programs (src/indicators/disclosure.cpp)
  catch2
  locales  # a test compiles a locale with a decimal comma (localedef)
  binutils
  clang-14 libclang-rt-14-dev
  pybind11-dev python3-dev python3-pytest python3-pandas python3-venv python3-pip python3-setuptools python3-wheel
  python3-openpyxl  # the Python tests read exported workbooks back with it too
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
