#!/usr/bin/env bash
# Runs every test: the Swift suites (unit and real-socket server tests), then the interop and crash tests
# against a real `lumen serve` with real clients (OpenTelemetry SDK, StatsD client, logger, Prometheus, Zipkin
# exporter, Loki push), and each fuzz target for 30 s. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/bootstrap.sh --test-peers

echo "== swift build"
Scripts/stamp.sh
export LUMEN_BUILD_STAMP=1  # compiles the stamp in (see Package.swift)
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== the project's PromQL cases through lumen-bench promqltest"
.build/debug/lumen-bench promqltest Tests/PromQL/*.test

echo "== rule unit tests through promtool and lumen rules test (the oracle)"
Scripts/rules-oracle.sh

echo "== interop and crash tests (real clients, real process)"
.venv/bin/python -m pytest -q -p no:cacheprovider Tests/Interop

echo "== every decoder fuzzed for 30 s under AddressSanitizer (docs/fuzzing.md)"
Scripts/fuzz.sh --seconds 30
