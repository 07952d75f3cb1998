#!/usr/bin/env bash
# Regenerates the generated protobuf code of LumenWire from the .proto files in Sources/LumenWire/OTLP/Proto
# (the one folder Package.swift excludes from the build). Each top-level proto folder has its own output:
#   opentelemetry/ → OTLP/Generated   prometheus/ → RemoteWrite/Generated   logproto/ → Loki/Generated
# Idempotent: running it twice yields the same files.
#
# Needs `protoc` on PATH (Debian: apt-get install protobuf-compiler). The Swift plugin is taken from
# $PROTOC_GEN_SWIFT when set; otherwise it is built from the swift-protobuf checkout SwiftPM resolved for
# this package (run `swift package resolve` first), so the generator always matches the runtime library.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_dir="$root/Sources/LumenWire/OTLP/Proto"
wire_dir="$root/Sources/LumenWire"
# proto folder (under $proto_dir) → output folder (under $wire_dir)
groups=("opentelemetry:OTLP/Generated" "prometheus:RemoteWrite/Generated" "logproto:Loki/Generated")
# Well-known types (google/protobuf/timestamp.proto) ship with protoc; swift-protobuf provides their Swift types.
include_dir="${PROTOC_INCLUDE:-/usr/include}"

command -v protoc >/dev/null || { echo "error: protoc not found on PATH" >&2; exit 1; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
    checkout="$root/.build/checkouts/swift-protobuf"
    [[ -d "$checkout" ]] || { echo "error: $checkout missing; run 'swift package resolve' or set PROTOC_GEN_SWIFT" >&2; exit 1; }
    echo "building protoc-gen-swift in $checkout …" >&2
    (cd "$checkout" && swift build -c release --product protoc-gen-swift >&2)
    plugin="$(cd "$checkout" && swift build -c release --show-bin-path)/protoc-gen-swift"
fi
[[ -x "$plugin" ]] || { echo "error: protoc-gen-swift not executable at $plugin" >&2; exit 1; }

# Generate into a scratch directory, then replace the old files, so a failed run leaves them intact.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for group in "${groups[@]}"; do
    folder="${group%%:*}"
    out_dir="$wire_dir/${group#*:}"
    protos=()
    while IFS= read -r file; do protos+=("${file#"$proto_dir"/}"); done \
        < <(find "$proto_dir/$folder" -name '*.proto' | LC_ALL=C sort)
    mkdir -p "$scratch/$folder"
    protoc --proto_path="$proto_dir" --proto_path="$include_dir" --plugin=protoc-gen-swift="$plugin" \
        --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath --swift_out="$scratch/$folder" "${protos[@]}"
done

for group in "${groups[@]}"; do
    folder="${group%%:*}"
    out_dir="$wire_dir/${group#*:}"
    mkdir -p "$out_dir"
    rm -f "$out_dir"/*.pb.swift
    cp "$scratch/$folder"/*.pb.swift "$out_dir"/
    echo "generated $(ls "$out_dir" | wc -l | tr -d ' ') files in ${out_dir#"$root"/}" >&2
done
