# Sourced by the bench scripts, from the repository's root.

# The lumen binary to measure: LUMEN_BIN when it names an already built release binary, else a fresh release build.
lumen_binary() {
    if [ -n "${LUMEN_BIN:-}" ]; then
        echo "$LUMEN_BIN"
    else
        swift build -c release --product lumen >/dev/null
        echo .build/release/lumen
    fi
}

# The benchmark tools (`lumen-bench`, Sources/LumenBench): LUMEN_BENCH_BIN when set, else a fresh release build.
lumen_bench_binary() {
    if [ -n "${LUMEN_BENCH_BIN:-}" ]; then
        echo "$LUMEN_BENCH_BIN"
    else
        swift build -c release --product lumen-bench >/dev/null
        echo .build/release/lumen-bench
    fi
}

# A virtual environment in .venv with chDB installed, made on first use; its Python is .venv/bin/python.
chdb_venv() {
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -c "import chdb" 2>/dev/null || .venv/bin/pip install -q --disable-pip-version-check chdb
}
