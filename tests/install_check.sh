#!/usr/bin/env bash
# usage: tests/install_check.sh SOURCE_DIR BUILD_DIR
# Install the built tree into a fresh prefix, then build and run the
# consumer of docs/api.md exactly as written there (main.c, CMakeLists.txt
# and build.sh, cut from the page): find_package(myriad) with the shared and
# the static target, and pkg-config with myriad and myriad-static.  Then the
# same program from a project that add_subdirectory()s the source tree.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/myriad-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# cut the block that follows "<!-- consumer: NAME -->" out of docs/api.md
cut_block() {
  awk -v name="$1" '
    $0 == "<!-- consumer: " name " -->" { want = 1; next }
    want && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$src/docs/api.md"
}

export PREFIX="$work/prefix"
cmake --install "$build" --prefix "$PREFIX" >/dev/null
for f in include/myriad/myriad.h lib/libmyriad.a lib/libmyriad.so bin/myriad \
         lib/cmake/myriad/myriadConfig.cmake lib/pkgconfig/myriad.pc \
         lib/pkgconfig/myriad-static.pc; do
  [ -e "$PREFIX/$f" ] || { echo "install_check: $f not installed"; exit 1; }
done
"$PREFIX/bin/myriad" version >/dev/null

mkdir "$work/consumer"
cd "$work/consumer"
for f in main.c CMakeLists.txt build.sh; do
  cut_block "$f" >"$f"
  [ -s "$f" ] || { echo "install_check: docs/api.md has no '$f' block"; exit 1; }
done
echo "install_check: build.sh of docs/api.md against $PREFIX"
out=$(bash -e build.sh 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -E 'env-steps'
[ "$(echo "$out" | grep -c 'episodes, mean length')" -eq 4 ] ||
  { echo "install_check: expected 4 runs of the example:"; echo "$out"; exit 1; }
# the static binaries do not need libmyriad.so at run time
for exe in build/hello_static hello-pc-static; do
  if ldd "$exe" | grep -q libmyriad; then echo "install_check: $exe links libmyriad.so"; exit 1; fi
done
loaded=$(ldd hello-pc | awk '/libmyriad/ { print $3 }')
[ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$PREFIX/lib/libmyriad.so")" ] ||
  { echo "install_check: hello-pc loads '$loaded', not the installed libmyriad.so"; exit 1; }

echo "install_check: add_subdirectory()"
mkdir "$work/sub"
cd "$work/sub"
cp ../consumer/main.c .
cat >CMakeLists.txt <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(sub LANGUAGES C)
add_subdirectory("$src" myriad)
add_executable(hello main.c)
target_link_libraries(hello PRIVATE myriad::myriad_static)
CMAKE
cmake -S . -B build -DMYR_CUDA=OFF -DMYR_MPI=OFF >/dev/null
cmake --build build --target hello -j "$(nproc)" >build.log 2>&1 || { tail -30 build.log; exit 1; }
./build/hello
[ ! -e build/myriad/test_philox ] || { echo "install_check: tests built under add_subdirectory"; exit 1; }
echo "install_check: ok"
