#!/usr/bin/env bash
# Installs what CKernels needs on Debian 12 (apt-get; only missing packages) and builds it in
# build/ (Release). Sourced by scripts/demo.sh and scripts/test.sh; also runnable on its own.
# Environment: CK_BUILD_DIR (default build), CK_CMAKE_ARGS (extra configure arguments).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CK_BUILD_DIR:-$root/build}

packages=(build-essential cmake ninja-build pkg-config libjansson-dev libsodium-dev libcriterion-dev
          libopenblas-dev libreaderwriterqueue-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "==> configuring and building in $build"
mkdir -p "$build"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CK_CMAKE_ARGS:-} >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log"; exit 1; }
cmake --build "$build" --parallel
