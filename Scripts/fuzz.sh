#!/usr/bin/env bash
# Fuzzes Lumen's decoders with libFuzzer under AddressSanitizer (docs/fuzzing.md).
#
#   Scripts/fuzz.sh [TARGET...] [--runs N | --seconds S] [--seeds]
#
# TARGET: FuzzWire, FuzzQuery, FuzzConfig, FuzzStorage (default: all). Each runs N executions (default
# 1,000,000) or S seconds (CI: --seconds 30), starting from its committed corpus Tests/Fuzz/Corpus/TARGET; new
# inputs that reach new code go to .build-fuzz/corpus/TARGET (not committed). A crash, a sanitizer report or
# an input that runs over 20 s stops the target, keeps the input in .build-fuzz/artifacts/TARGET/ and makes
# the script fail after the other targets have run. --seeds rewrites the committed seeds from the targets' code
# (crash inputs, named crash-*, are kept).
#
# The targets link only with `--sanitize fuzzer`, so they exist in Package.swift only with LUMEN_FUZZ=1, and
# build in their own build path. LUMEN_BUILD_LOCK=FILE makes every build take `flock FILE` (machines where
# builds share CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(FuzzWire FuzzQuery FuzzConfig FuzzStorage)
targets=()
limit=(-runs=1000000)
describe="1000000 executions"
write_seeds=false
while (($#)); do
    case "$1" in
        --runs) limit=(-runs="$2"); describe="$2 executions"; shift 2 ;;
        --seconds) limit=(-max_total_time="$2"); describe="$2 s"; shift 2 ;;
        --seeds) write_seeds=true; shift ;;
        Fuzz*) targets+=("$1"); shift ;;
        *) echo "usage: $0 [${all_targets[*]}] [--runs N | --seconds S] [--seeds]" >&2; exit 2 ;;
    esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")

build_path=.build-fuzz
export LUMEN_FUZZ=1
# Swift's backtracer would take over the crash report from the sanitizer. LeakSanitizer is off: it cannot see
# through Swift's tagged pointers (a native String's storage), so it reports live objects as leaks.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=detect_leaks=0
# The storage target writes a block and a WAL per input: on tmpfs when there is one.
[[ -d /dev/shm && -w /dev/shm ]] && export TMPDIR=/dev/shm

for target in "${targets[@]}"; do
    echo "== build $target (--sanitize fuzzer --sanitize address)"
    mkdir -p "$build_path"
    build_log=$build_path/build-$target.log
    # SwiftPM passes `-sanitize=fuzzer -sanitize=address` to swiftc, whose driver keeps only the last one for
    # compiling: the Swift code would get no coverage counters and libFuzzer would fuzz it blind. The joined
    # flag, last, gives the compiler both. The linker's "Cannot export local symbol" lines say nothing: left out.
    if ! ${LUMEN_BUILD_LOCK:+flock "$LUMEN_BUILD_LOCK"} swift build --build-path "$build_path" \
        --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address --product "$target" \
        >"$build_log" 2>&1; then
        grep -v "Cannot export local symbol" "$build_log" | tail -n 60
        echo "$target did not build (full log $build_log)" >&2
        exit 1
    fi
    grep -E "error:|warning: .*Tests/Fuzz|^Build" "$build_log" || true
done

failed=()
for target in "${targets[@]}"; do
    seeds=Tests/Fuzz/Corpus/$target
    if $write_seeds; then
        LUMEN_FUZZ_WRITE_SEEDS="$PWD/$seeds" "$build_path/debug/$target"
        echo "== $target: $(ls "$seeds" | wc -l) files in $seeds"
        continue
    fi
    corpus=$build_path/corpus/$target
    artifacts=$build_path/artifacts/$target/
    log=$build_path/$target.log
    mkdir -p "$corpus" "$artifacts"
    echo "== fuzz $target for $describe"
    status=0
    "$build_path/debug/$target" "${limit[@]}" -timeout=20 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
    # A binary built without coverage counters fuzzes blind: libFuzzer says so, and that is a failure too.
    if grep -q "no interesting inputs were found" "$log"; then
        echo "$target has no coverage instrumentation: rebuild it (rm -r $build_path/debug/$target*)" >&2
        status=1
    fi
    if ((status != 0)); then
        failed+=("$target")
        # The report: the sanitizer's or Swift's message and the frames that name Lumen's code.
        grep -E 'ERROR|SUMMARY|Fatal error|deadly signal|timeout|Test unit written|^    #[0-9]+ .*/(Sources|Tests)/' "$log" \
            | grep -v '^    #.*FuzzSupport' | cut -c1-300 | sed -n '1,40p'
        echo "$target FAILED (status $status): full log $log; reproduce with $build_path/debug/$target ARTIFACT"
    fi
done
if ((${#failed[@]})); then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
