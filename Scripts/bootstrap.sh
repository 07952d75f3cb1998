#!/usr/bin/env bash
# Installs what Lumen's build needs and a fresh machine may lack: zlib's, snappy's and zstd's headers and the NATS C
# client (Debian). With --test-peers, also what the tests drive: Prometheus, Alertmanager, nats-server and
# util-linux's `logger` (Debian), and a virtualenv with the real clients (PyPI). Idempotent and quiet when all is
# there. (Debian's Alertmanager unit, where systemd runs it, listens on :9093/:9094; the tests start their own on
# ports the OS picks, so it does not interfere.)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || { echo "Swift 6.2 or newer is required: https://swift.org/install" >&2; exit 1; }

packages=(zlib1g-dev libsnappy-dev libzstd-dev libnats-dev)
[ "${1:-}" = "--test-peers" ] && packages+=(prometheus prometheus-alertmanager bsdutils nats-server openssl)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "== installing ${missing[*]}"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}"
fi

[ "${1:-}" = "--test-peers" ] || exit 0
# The requirements installed last are kept in the venv: a changed list installs again.
if [ ! -x .venv/bin/pytest ] || ! cmp -s Tests/Interop/requirements.txt .venv/requirements.installed; then
    echo "== installing the Python test clients into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
    cp Tests/Interop/requirements.txt .venv/requirements.installed
fi
