#!/bin/sh
# Installs the build into a temporary prefix, then builds examples/c against it twice: with
# find_package(clmis CONFIG) and with pkg-config; runs both.
set -eu
build="$1"; src="$2"; cmake="$3"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cmake" --install "$build" --prefix "$dir/prefix" >/dev/null
# 1. CMake package
mkdir -p "$dir/proj"
cp "$src/examples/c/employers.c" "$dir/proj/"
cat > "$dir/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(uses_clmis C)
find_package(clmis 0.1 CONFIG REQUIRED)
add_executable(employers employers.c)
target_link_libraries(employers PRIVATE clmis::clmis)
CM
"$cmake" -S "$dir/proj" -B "$dir/proj/build" -DCMAKE_PREFIX_PATH="$dir/prefix" >/dev/null
"$cmake" --build "$dir/proj/build" >/dev/null
LD_LIBRARY_PATH="$dir/prefix/lib" "$dir/proj/build/employers" "$dir/a.db" | grep -q 'done\.'
# 2. pkg-config
PKG_CONFIG_PATH="$dir/prefix/lib/pkgconfig"
export PKG_CONFIG_PATH
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$dir/employers_pc" "$src/examples/c/employers.c" \
  $(pkg-config --cflags --libs clmis)
LD_LIBRARY_PATH="$dir/prefix/lib" "$dir/employers_pc" "$dir/b.db" | grep -q 'done\.'
# 3. The installed shared library exports only clmis_*.
"$src/tests/check_exports.sh" "$dir/prefix/lib/libclmis.so"
# 4. The build tree's clmis.pc (issue 14: it pointed two levels above the build directory):
#    the source headers and the built library, found without installing.
[ "$(PKG_CONFIG_PATH="$build" pkg-config --variable=includedir clmis)" = "$src/include" ]
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$dir/employers_tree" "$src/examples/c/employers.c" \
  $(PKG_CONFIG_PATH="$build" pkg-config --cflags --libs clmis)
"$dir/employers_tree" "$dir/c.db" | grep -q 'done\.'
echo "install: find_package and pkg-config (installed and build tree) build and run the example"
