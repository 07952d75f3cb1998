#!/usr/bin/env bash
# One command from a fresh clone to a running Lumen: installs what is missing, builds a release binary and
# starts `lumen serve` on the embedded store (./lumen-data). Extra arguments go to `lumen serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/bootstrap.sh
echo "== building lumen (release)"
Scripts/stamp.sh
export LUMEN_BUILD_STAMP=1  # compiles the stamp in (see Package.swift)
swift build -c release --product lumen
exec .build/release/lumen serve "$@"
