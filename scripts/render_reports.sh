#!/usr/bin/env bash
# Render the sample reports (commune and office, Vietnamese and English) to PDF, and each page to PNG at 80 dpi,
# so that people can look at what will be printed.  Usage: scripts/render_reports.sh [OUTPUT_DIR]  (default out/reports)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$repo/out/reports}")
command -v pdftoppm >/dev/null || { echo "pdftoppm is missing (Debian/Ubuntu: apt install poppler-utils)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.pdf "$out"/*.png
cd "$repo"
uv run python -m cds_desktop.core.reports.samples "$out"
for pdf in "$out"/*.pdf; do
  pdftoppm -r 80 -png "$pdf" "${pdf%.pdf}"
done
ls -1 "$out"
