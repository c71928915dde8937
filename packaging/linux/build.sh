#!/usr/bin/env bash
# Builds the Linux package dist/cds-desktop_<version>_amd64.deb (see build_deb.py and packaging/README.md).
set -euo pipefail
exec python3 "$(dirname "$0")/build_deb.py" "$@"
