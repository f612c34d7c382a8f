#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the full test suite (CTest).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$build"
ctest --output-on-failure --timeout 900 -j2
