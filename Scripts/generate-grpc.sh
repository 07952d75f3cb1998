#!/usr/bin/env bash
# Regenerates the OTLP/gRPC service stubs of LumenGRPC (Sources/LumenGRPC/Generated) from the collector
# service protos in Sources/LumenWire/OTLP/Proto. The messages themselves live in LumenWire
# (Scripts/generate-protos.sh); a module mapping tells the generator so.
#
# Needs `protoc` on PATH. The plugin is taken from $PROTOC_GEN_GRPC_SWIFT when set; otherwise it is built from
# the grpc-swift-protobuf checkout SwiftPM resolved for this package (about 2 minutes, release).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_dir="$root/Sources/LumenWire/OTLP/Proto"
out_dir="$root/Sources/LumenGRPC/Generated"
command -v protoc >/dev/null || { echo "error: protoc not found on PATH" >&2; exit 1; }

plugin="${PROTOC_GEN_GRPC_SWIFT:-}"
if [[ -z "$plugin" ]]; then
    checkout="$root/.build/checkouts/grpc-swift-protobuf"
    [[ -d "$checkout" ]] || { echo "error: $checkout missing; run 'swift package resolve' or set PROTOC_GEN_GRPC_SWIFT" >&2; exit 1; }
    (cd "$checkout" && swift build -c release --product protoc-gen-grpc-swift-2 >&2)
    plugin="$(cd "$checkout" && swift build -c release --show-bin-path)/protoc-gen-grpc-swift-2"
fi

services=(opentelemetry/proto/collector/trace/v1/trace_service.proto
          opentelemetry/proto/collector/metrics/v1/metrics_service.proto
          opentelemetry/proto/collector/logs/v1/logs_service.proto)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
{
    for proto in "${services[@]}"; do
        printf 'mapping {\n  module_name: "LumenWire"\n  proto_file_path: "%s"\n}\n' "$proto"
    done
} >"$scratch/mapping.asciipb"
protoc --proto_path="$proto_dir" --plugin=protoc-gen-grpc-swift-2="$plugin" \
    --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=DropPath \
    --grpc-swift-2_opt=ProtoPathModuleMappings="$scratch/mapping.asciipb" \
    --grpc-swift-2_out="$scratch" "${services[@]}"
mkdir -p "$out_dir"
rm -f "$out_dir"/*.grpc.swift
for file in "$scratch"/*.grpc.swift; do
    # The messages are LumenWire's; the generator assumes they share the stubs' module, so say where they are.
    sed 's/^import GRPCProtobuf$/import GRPCProtobuf\nimport LumenWire/' "$file" >"$out_dir/$(basename "$file")"
done
echo "generated $(ls "$out_dir" | wc -l | tr -d ' ') files in ${out_dir#"$root"/}" >&2
