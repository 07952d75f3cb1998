// swift-tools-version:6.2
import Foundation
import PackageDescription

// The commit and date `lumen version` reports: `Scripts/stamp.sh` writes them into a git-ignored Swift file and
// exports LUMEN_BUILD_STAMP=1 for the build it precedes (Scripts/run.sh, Scripts/test.sh); the file is compiled in
// with `-D LUMEN_BUILD_STAMP` only then. SwiftPM re-reads this manifest when the environment changes, not when a
// file appears, so the variable, not the file alone, decides. A plain `swift build` says "unknown".
let buildStampSettings: [SwiftSetting] =
    ProcessInfo.processInfo.environment["LUMEN_BUILD_STAMP"] == "1"
        && FileManager.default.fileExists(
            atPath: Context.packageDirectory + "/Sources/LumenServer/API/BuildStamp+Generated.swift")
    ? [.define("LUMEN_BUILD_STAMP")] : []

// The folder tree is the architecture (see "How it is built" in README.md):
// model → wire formats / engine → query → server → the `lumen` CLI.
let package = Package(
    name: "lumen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lumen", targets: ["LumenCLI"]),
        .executable(name: "lumen-bench", targets: ["LumenBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // TLS on every TCP listener (docs/configuration.md, "TLS").
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Spans, log records, samples, labels, IDs, tenants. Depends on nothing.
        .target(name: "LumenModel"),

        // Snappy, from the system (libsnappy-dev): remote write and Loki push bodies use its block format.
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),

        // Zstandard, from the system (libzstd-dev): the page compression of log and span blocks.
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),

        // glibc's memmem, declared: log pages search their text a column at a time.
        .systemLibrary(name: "CMemmem"),

        // nats.c, from the system (libnats-dev): JetStream and Key-Value for the cluster (docs/cluster.md).
        .systemLibrary(name: "CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),

        // CRC-32C by the CPU's instruction (SSE 4.2): the checksum of WAL records and block pages.
        .target(name: "CCRC32C"),

        // Pure decoders: bytes → Batch. OTLP protobuf/JSON, gzip with a size ceiling.
        .target(
            name: "LumenWire",
            dependencies: [
                "LumenModel", "CSnappy",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            exclude: ["OTLP/Proto"]
        ),

        // Write-ahead log, head, blocks, compaction and retention, behind the storage facade.
        .target(
            name: "LumenEngine",
            dependencies: [
                "LumenModel", "CZstd", "CMemmem", "CCRC32C",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Lexer, parser and evaluator of the query language.
        .target(name: "LumenQuery", dependencies: ["LumenModel", "LumenEngine"]),

        // Recording and alerting rules: rule files, evaluation per group, alert state (issue 21).
        .target(
            name: "LumenRules",
            dependencies: [
                "LumenModel", "LumenQuery", "LumenEngine", "LumenPromQLTest",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                // The Alertmanager notifier (Notify/): HTTP, its metrics, its place in the server's lifecycle.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // Lumen on many machines: NATS JetStream ingest, partitions, leases, the storage nodes' apply path.
        .target(
            name: "LumenCluster",
            dependencies: [
                "LumenModel", "LumenEngine", "CNATS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Query fan-out: reads sent to the nodes that own the data (Query/).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),

        // Terminal rendering: charts, tables, trace waterfalls, dashboard files (YAML through Yams).
        .target(name: "LumenRender", dependencies: ["LumenModel", .product(name: "Yams", package: "Yams")]),

        // HTTP listeners, routing, lifecycle.
        .target(
            name: "LumenServer",
            dependencies: [
                "LumenModel", "LumenWire", "LumenEngine", "LumenQuery", "LumenRules", "LumenCluster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // Loki's `tail` over WebSocket (API/Loki/Tail).
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: buildStampSettings
        ),

        // OTLP over gRPC (grpc-swift-2). Its own target: gRPC's build cost stays out of everything else.
        .target(
            name: "LumenGRPC",
            dependencies: [
                "LumenModel", "LumenWire", "LumenServer",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                // The message-size check reads gRPC frames on the HTTP/2 stream itself.
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // The seeded demo workload: a small shop of services emitting correlated telemetry, over OTLP/HTTP or
        // OTLP/gRPC (the generated clients of LumenGRPC).
        .target(
            name: "LumenLoad",
            dependencies: [
                "LumenModel", "LumenWire", "LumenGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // `lumen load --ca-file`: the trust roots of an https endpoint.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),

        // The promqltest harness: Prometheus' test scripts against Lumen's PromQL engine (tests, `lumen-bench promqltest`).
        .target(name: "LumenPromQLTest", dependencies: ["LumenModel", "LumenEngine", "LumenQuery"]),

        // `lumen-bench`: the project's own tools, out of the product — the benchmarks behind docs/BENCHMARKS.md
        // (run by Scripts/bench/*.sh) and `lumen-bench promqltest`.
        .executableTarget(
            name: "LumenBench",
            dependencies: [
                "LumenModel", "LumenWire", "LumenEngine", "LumenQuery", "LumenLoad", "LumenPromQLTest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        // The `lumen` binary: argument parsing and wiring only.
        .executableTarget(
            name: "LumenCLI",
            dependencies: [
                "LumenModel", "LumenWire", "LumenEngine", "LumenQuery", "LumenRender", "LumenServer", "LumenGRPC",
                "LumenLoad", "LumenRules", "LumenCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        .testTarget(name: "LumenModelTests", dependencies: ["LumenModel"]),
        // The CLI's pure logic: table layout of answers, number formatting, arguments.
        .testTarget(
            name: "LumenCLITests", dependencies: ["LumenCLI", "LumenQuery", "LumenModel", "LumenRender", "LumenLoad"]),
        .testTarget(
            name: "LumenWireTests",
            dependencies: [
                "LumenWire", "LumenModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]),
        .testTarget(
            name: "LumenEngineTests",
            dependencies: ["LumenEngine", "LumenModel", .product(name: "Logging", package: "swift-log")],
            exclude: ["Golden"]),
        .testTarget(
            name: "LumenQueryTests", dependencies: ["LumenQuery", "LumenEngine", "LumenModel", "LumenPromQLTest"]),
        .testTarget(
            name: "LumenRulesTests",
            dependencies: [
                "LumenRules", "LumenQuery", "LumenEngine", "LumenModel",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LumenClusterTests",
            dependencies: ["LumenCluster", "LumenEngine", "LumenModel", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LumenRenderTests", dependencies: ["LumenRender", "LumenModel"], exclude: ["Golden"]),
        .testTarget(
            name: "LumenServerTests",
            dependencies: [
                "LumenServer", "LumenEngine", "LumenWire", "LumenModel", "LumenQuery", "LumenLoad", "LumenCluster",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per family of decoders (Tests/Fuzz, docs/fuzzing.md). They exist only with
// LUMEN_FUZZ=1, which Scripts/fuzz.sh sets for its `--sanitize fuzzer --sanitize address` build: without
// libFuzzer's `main` they cannot link, so the ordinary build and CI's test build leave them out.
if ProcessInfo.processInfo.environment["LUMEN_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzSupport", path: "Tests/Fuzz/FuzzSupport"),
        .executableTarget(
            name: "FuzzWire",
            dependencies: ["FuzzSupport", "LumenWire", "LumenModel", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/FuzzWire"),
        .executableTarget(
            name: "FuzzQuery", dependencies: ["FuzzSupport", "LumenQuery", "LumenModel"], path: "Tests/Fuzz/FuzzQuery"),
        // The server's configuration lives in LumenServer, so this target builds most of Lumen.
        .executableTarget(
            name: "FuzzConfig", dependencies: ["FuzzSupport", "LumenRender", "LumenRules", "LumenServer"],
            path: "Tests/Fuzz/FuzzConfig"),
        .executableTarget(
            name: "FuzzStorage",
            dependencies: ["FuzzSupport", "LumenEngine", "LumenModel", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Fuzz/FuzzStorage"),
    ]
}
