#!/usr/bin/env bash
# Builds every installer into dist/: the Linux .deb (packaging/linux/build.sh) and, when its builder is present,
# the Windows setup.exe (packaging/windows/build.sh). Run from anywhere: bash packaging/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/linux/build.sh"
if [ -f "$here/windows/build.sh" ]; then
  bash "$here/windows/build.sh"
fi
