#!/usr/bin/env bash
# The promtool oracle for rule semantics (issue 21): every rule unit-test file runs through promtool and through
# `lumen rules test`, which must agree — the good files pass in both, Tests/Rules/failing_test.yaml fails in both.
set -euo pipefail
cd "$(dirname "$0")/.."
LUMEN=${LUMEN_BIN:-.build/debug/lumen}
command -v promtool >/dev/null || { echo "promtool is missing: Scripts/bootstrap.sh --test-peers installs prometheus"; exit 1; }
for file in Tests/Rules/oracle_test.yaml Rules/tests/*_test.yaml; do
    promtool test rules "$file" >/dev/null || { echo "promtool fails $file"; exit 1; }
    "$LUMEN" rules test "$file" || { echo "lumen rules test fails $file, which promtool passes"; exit 1; }
done
if promtool test rules Tests/Rules/failing_test.yaml >/dev/null 2>&1; then echo "promtool passes failing_test.yaml"; exit 1; fi
if "$LUMEN" rules test Tests/Rules/failing_test.yaml >/dev/null; then echo "lumen passes failing_test.yaml"; exit 1; fi
echo "rules oracle: promtool and lumen agree"
