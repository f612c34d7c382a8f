#!/usr/bin/env bash
# Install CKernels from a build tree into a scratch prefix and build a program against the
# installed copy, as an outside user would, in three ways:
#   1. CMake: find_package(CKernels) + CKernels::ckernels (shared) and CKernels::ckernels_static;
#   2. pkg-config, shared: cc consumer.c $(pkg-config --cflags --libs ckernels);
#   3. pkg-config, static: the same with --static against libckernels.a.
# Each program must print the hand-checked values (see consumer.c).
#
# usage: test_install.sh SRC_DIR BUILD_DIR      (BUILD_DIR must be built already)
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 SRC_DIR BUILD_DIR" >&2
    exit 2
fi
SRC_DIR=$(cd "$1" && pwd)
BUILD_DIR=$(cd "$2" && pwd)
CONSUMER_DIR="$SRC_DIR/tests/install"
CC=${CC:-cc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ck-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# A sanitizer build installs an instrumented library: consumers must link the same runtime.
san_flags=""
san=$(sed -n 's/^CK_SANITIZE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
if [ -n "$san" ]; then
    san_flags="-fsanitize=${san//;/,} -fno-omit-frame-pointer"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
fi

echo "== cmake --install $BUILD_DIR --prefix $prefix"
cmake --install "$BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" || {
    cat "$tmp/install.log"
    echo "FAIL: cmake --install" >&2
    exit 1
}

# ---- the install tree
pc=$(find "$prefix" -name ckernels.pc -path '*/pkgconfig/*' | head -n 1)
config=$(find "$prefix" -name CKernelsConfig.cmake | head -n 1)
[ -n "$pc" ] || fail "no ckernels.pc installed"
[ -n "$config" ] || fail "no CKernelsConfig.cmake installed"
[ -f "$prefix/include/ckernels.h" ] || fail "include/ckernels.h not installed"
for h in "$SRC_DIR"/include/ckernels/*.h; do
    [ -f "$prefix/include/ckernels/$(basename "$h")" ] || fail "include/ckernels/$(basename "$h") not installed"
done
libdir=$(dirname "$(dirname "${pc:-$prefix/lib/pkgconfig/x}")")
ls "$libdir"/libckernels.so.* >/dev/null 2>&1 || fail "no versioned libckernels.so.* in $libdir"
[ -f "$libdir/libckernels.a" ] || fail "no libckernels.a in $libdir"
# Internal headers stay private; only CK_API symbols are exported from the shared library.
if find "$prefix" -name internal.h -o -name '*_internal.h' | grep -q .; then fail "internal headers installed"; fi
if [ -f "$libdir/libckernels.so" ]; then
    leaked=$(nm -D --defined-only "$libdir/libckernels.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^ck_/ {print $3}' |
             grep -v -E '^(_init|_fini|_edata|_end|__bss_start)$' || true)
    [ -z "$leaked" ] || fail "non-ck_ symbols exported from libckernels.so: $(echo "$leaked" | tr "\n" " " | head -c 300)"
fi
[ $failures -eq 0 ] || exit 1

run_consumer() { # name binary
    local name=$1 bin=$2 out
    if ! out=$(LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin" 2>&1); then
        echo "$out"
        fail "$name: the consumer exited with an error"
        return
    fi
    # shellcheck disable=SC2001
    echo "$out" | sed "s/^/    [$name] /"
    echo "$out" | grep -q '^reduce-sum: sum = 6\.5$' || fail "$name: reduce-sum did not give 6.5"
    echo "$out" | grep -q '^matmul: 19 22 43 50$' || fail "$name: matmul did not give 19 22 43 50"
    echo "$out" | grep -q '^consumer OK$' || fail "$name: no 'consumer OK'"
}

# ---- 1. CMake package
echo "== CMake consumer: find_package(CKernels) with CMAKE_PREFIX_PATH=$prefix"
if cmake -S "$CONSUMER_DIR" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_COMPILER="$CC" ${san_flags:+"-DCMAKE_C_FLAGS=$san_flags"} \
        ${san_flags:+"-DCMAKE_EXE_LINKER_FLAGS=$san_flags"} >"$tmp/cmake.log" 2>&1 &&
   cmake --build "$tmp/cmake-build" >>"$tmp/cmake.log" 2>&1; then
    run_consumer cmake-shared "$tmp/cmake-build/consumer"
    run_consumer cmake-static "$tmp/cmake-build/consumer_static"
else
    cat "$tmp/cmake.log"
    fail "the CMake consumer did not configure/build"
fi

# ---- 2./3. pkg-config
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
echo "== pkg-config consumer: PKG_CONFIG_PATH=$PKG_CONFIG_PATH"
pc_flags=$(pkg-config --cflags --libs ckernels) || fail "pkg-config --cflags --libs ckernels failed"
echo "    pkg-config --cflags --libs ckernels: $pc_flags"
# The include directory must be the installed one (a relocatable ${pcfiledir}-based prefix gives
# a path with "..", so compare resolved paths).
want_inc=$(realpath "$prefix/include")
found_inc=0
for f in $pc_flags; do
    case $f in -I*) [ "$(realpath -m "${f#-I}")" = "$want_inc" ] && found_inc=1 ;; esac
done
[ $found_inc -eq 1 ] ||
    fail "pkg-config: --cflags do not point into the install prefix $prefix/include (ckernels.pc has a fixed configure-time prefix?)"
# shellcheck disable=SC2086
if $CC -std=c11 -Wall -Wextra -Werror $san_flags "$CONSUMER_DIR/consumer.c" -o "$tmp/consumer_pc" $pc_flags \
        >"$tmp/pc.log" 2>&1; then
    run_consumer pkgconfig-shared "$tmp/consumer_pc"
else
    cat "$tmp/pc.log"
    fail "the pkg-config consumer did not build"
fi

pc_static=$(pkg-config --static --cflags --libs ckernels) || fail "pkg-config --static failed"
echo "    pkg-config --static --cflags --libs ckernels: $pc_static"
# -l:libckernels.a picks the archive even though the .so sits next to it.
# shellcheck disable=SC2086
if $CC -std=c11 -Wall -Wextra -Werror $san_flags "$CONSUMER_DIR/consumer.c" -o "$tmp/consumer_pc_static" \
        ${pc_static//-lckernels/-l:libckernels.a} >"$tmp/pcs.log" 2>&1; then
    run_consumer pkgconfig-static "$tmp/consumer_pc_static"
else
    cat "$tmp/pcs.log"
    fail "the static pkg-config consumer did not link (Libs.private / Requires.private incomplete?)"
fi

if [ $failures -ne 0 ]; then
    echo "test_install: $failures failure(s)" >&2
    exit 1
fi
echo "test_install: PASS (install tree, CMake shared+static, pkg-config shared+static)"
