import Foundation
import LumenModel

@testable import LumenEngine

/// What the storage cases start from: a small shop's telemetry (as the engine tests' fixtures), encoded as a
/// WAL record, a segment, metric chunks of each encoding and a block; written into
/// Tests/Fuzz/Corpus/FuzzStorage by `Scripts/fuzz.sh --seeds`.
enum StorageSeeds {
    static let base: Int64 = 1_763_000_000_000_000_000
    static let second: Int64 = 1_000_000_000

    static func traceID(_ number: Int) -> TraceID { TraceID(high: 0xabc, low: UInt64(number)) }

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service)), Attribute("host.name", .string("node-1"))])
    }

    /// Ten traces of two spans a second apart, a log line under each, two counters with exemplars.
    static let batch: Batch = {
        var batch = Batch(tenant: Tenant("fuzz")!)
        for number in 0..<10 {
            let start = base + Int64(number) * second
            let root = Span(
                traceID: traceID(number), spanID: SpanID(UInt64(number) * 2 + 1), name: "GET /cart", kind: .server,
                startTime: start, endTime: start + 300_000_000, status: SpanStatus(code: number % 7 == 0 ? .error : .unset),
                attributes: [Attribute("http.route", .string("/cart"))], resource: resource("frontend"))
            let child = Span(
                traceID: traceID(number), spanID: SpanID(UInt64(number) * 2 + 2), parentSpanID: root.spanID,
                name: "GetCart", kind: .server, startTime: start + 10_000_000, endTime: start + 200_000_000,
                events: [SpanEvent(time: start + 20_000_000, name: "cache miss")], resource: resource("cart"))
            batch.spans += [root, child]
            batch.logs.append(LogRecord(
                time: start + 50_000_000, severity: Severity(number % 7 == 0 ? .error : .info),
                body: .string("cart \(number) loaded in \(number % 13) ms" + (number % 7 == 0 ? " timeout" : "")),
                attributes: [Attribute("items", .int(Int64(number % 5)))], traceID: traceID(number),
                spanID: child.spanID, resource: resource("cart")))
        }
        let samples = (0..<10).map { Sample(timestamp: base + Int64($0) * second, value: Double($0)) }
        batch.series = [
            TimeSeries(
                labels: Labels(["__name__": "requests_total", "service": "cart"]), samples: samples,
                exemplars: samples.enumerated().map { index, sample in
                    Exemplar(labels: Labels(["trace_id": traceID(index).hex]), timestamp: sample.timestamp, value: sample.value)
                }),
            TimeSeries(
                labels: Labels(["__name__": "latency_seconds", "service": "frontend"]),
                samples: samples.map { Sample(timestamp: $0.timestamp + 123, value: $0.value * 0.37) }),
        ]
        return batch
    }()

    /// One chunk per value shape, so each codec the writer chooses is seeded.
    static var chunks: [[UInt8]] {
        let times = (0..<20).map { base + Int64($0) * 15 * second }
        let shapes: [[Double]] = [
            Array(repeating: 1, count: 20), (0..<20).map { Double($0 * 10) }, (0..<20).map { Double($0) * 0.37 },
            (0..<20).map { $0 == 7 ? .nan : Double($0 % 3) * 1.5 },
        ]
        return shapes.map { values in MetricChunk(encoding: zip(times, values).map(Sample.init)).bytes }
            + [MetricChunk(encoding: times.map { Sample(timestamp: $0 + 17, value: 2) }).bytes]
    }

    /// A segment of the current version holding two records.
    static var walSegment: [UInt8] {
        var bytes = WALSegment.header
        for payload in [BatchRecord.encode(batch), BatchRecord.encode(Batch(tenant: .anonymous, logs: batch.logs))] {
            WALRecordHeader(payload: payload).write(to: &bytes)
            bytes += payload
        }
        return bytes
    }

    /// The files of a block, relative to its directory.
    static let blockFiles = [
        Block.metaFileName, "metrics/" + MetricPart.chunksFileName, "metrics/" + MetricPart.indexFileName,
        "metrics/" + MetricPart.metaFileName, "logs/" + LogPart.pagesFileName, "logs/" + LogPart.indexFileName,
        "spans/" + SpanPart.pagesFileName, "spans/" + SpanPart.indexFileName, ExemplarPart.fileName,
    ]

    /// `batch` as a block in `directory`, under a fixed ID so that its files are the same on every run.
    static func writeBlock(into directory: String) throws -> BlockMeta {
        let head = Head()
        _ = head.append(batch)
        let id = BlockID(milliseconds: 1_763_000_000_000, randomHigh: 1, randomLow: 2)
        return try BlockWriter().write(head.contents(of: batch.tenant), into: directory, id: id, walSegmentsBefore: 1)
    }

    /// Each file of the block, as written.
    static let template: [String: [UInt8]] = {
        let directory = NSTemporaryDirectory() + "lumen-fuzz-template-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let meta = try! writeBlock(into: directory)
        return Dictionary(uniqueKeysWithValues: blockFiles.map { file in
            (file, Array(FileManager.default.contents(atPath: directory + "/" + meta.id + "/" + file)!))
        })
    }()
}
