#!/usr/bin/env bash
# One command from a fresh clone to a running Lumen: installs what is missing, builds a release binary and
# starts `lumen serve` on the embedded store (./lumen-data). Extra arguments go to `lumen serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/bootstrap.sh
echo "== building lumen (release)"
swift build -c release --product lumen
exec .build/release/lumen serve "$@"
