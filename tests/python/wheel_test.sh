#!/bin/sh
# Builds the wheel offline exactly as docs/python.md says (pip wheel --no-build-isolation on
# bindings/python), installs it into a fresh plain venv (no system site-packages, so no pandas)
# and uses it there. The build runs in a copy of bindings/python, in a temporary directory:
# pip builds in-tree, and the source tree must stay clean.
#   usage: wheel_test.sh PYTHON SOURCE_DIR
set -eu
python="$1"; src="$2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -R "$src/bindings/python" "$dir/pkg"
rm -rf "$dir/pkg/build" "$dir/pkg/dist" "$dir"/pkg/*.egg-info
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INDEX=1
# The test checks the packaging, not the optimiser: unoptimised (-O0) objects compile in two
# thirds of the release's -O3 time (the wheel a user builds keeps -O3), through the documented
# hook. It starts first (its COST) and builds with two jobs, as users do.
export CLMIS_CMAKE_ARGS="-DCMAKE_CXX_FLAGS_RELEASE=-O0 -DCMAKE_C_FLAGS_RELEASE=-O0"
CLMIS_SOURCE_DIR="$src" "$python" -m pip wheel --no-build-isolation --no-deps \
  --wheel-dir "$dir/wheels" "$dir/pkg" > "$dir/pip-wheel.log" 2>&1 || {
  cat "$dir/pip-wheel.log"; exit 1; }
set -- "$dir"/wheels/clmis-*.whl
[ "$#" -eq 1 ] && [ -f "$1" ] || { echo "no wheel in $dir/wheels"; ls -l "$dir/wheels"; exit 1; }
echo "built $(basename "$1")"
"$python" -m venv "$dir/venv"
"$dir/venv/bin/python" -m pip install --no-deps "$1" > "$dir/pip-install.log" 2>&1 || {
  cat "$dir/pip-install.log"; exit 1; }
cd "$dir"
CLMIS_EXPECTED_VERSION=$("$python" -c "import re,sys; print(re.search(r'#define CLMIS_VERSION \"([0-9.]+)\"', open(sys.argv[1]).read()).group(1))" "$src/include/clmis/version.h") \
  "$dir/venv/bin/python" -W error "$src/tests/python/wheel_smoke.py" "$dir/smoke.db"
