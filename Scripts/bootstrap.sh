#!/usr/bin/env bash
# Installs what Lumen's build and tests need and a fresh machine may lack: zlib's headers (Debian) and a
# virtualenv with the real clients the interop tests drive (PyPI). Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || { echo "Swift 6.2 or newer is required: https://swift.org/install" >&2; exit 1; }

missing=()
for package in zlib1g-dev libsnappy-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "== installing ${missing[*]}"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x .venv/bin/pytest ] || ! .venv/bin/python -c "import opentelemetry.exporter.otlp.proto.http, requests" 2>/dev/null; then
    echo "== installing the Python test clients into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
fi
