import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Compaction merges log and span parts page by page (`LogPartMerge`, `SpanPartMerge`), holding one decoded page
/// per source: what it writes is what writing the union of the sources in one go writes (byte for byte), with
/// what two sources hold alike kept once, and a damaged source page stops it with that page's location.
struct StreamingMergeTests {
    typealias F = StorageFixtures
    private static let tenant = Tenant("alpha")!

    // MARK: Logs

    /// Source `source` of 3: 40 small streams, each record's time unique in its stream, a third of them repeated by
    /// the next source; plus one big stream of long lines spread over the three (several pages a source).
    private static func logBlock(_ source: Int) -> BlockContents {
        var contents = BlockContents(tenant: tenant)
        for stream in 0..<40 {
            let labels = Labels(["service": "svc-\(stream)", "severity": "info"])
            // Records 0..<300 of source 0, 200..<500 of source 1, 400..<700 of source 2: 100 shared by neighbours.
            var records = (source * 200..<source * 200 + 300).map { index in
                LogRecord(
                    time: F.base + Int64(index) * F.second + Int64(stream), severity: Severity(.info),
                    body: .string("svc-\(stream) request \(index) took \(index % 17) ms"),
                    traceID: index % 5 == 0 ? F.traceID(index) : nil, resource: F.resource("svc-\(stream)"))
            }
            // At the time of a record of source 0 only, another line: not a repeat, kept after it.
            if source == 2 && stream == 0 {
                records.append(LogRecord(
                    time: F.base + 100 * F.second, severity: Severity(.info), body: .string("svc-0 zzz another line"),
                    resource: F.resource("svc-0")))
            }
            contents.logStreams.append((labels, records))
        }
        // Interleaved in time across sources, 6000 lines of ~165 bytes each: pages cut by their bytes of lines.
        let big = (0..<6000).map { index in
            let time = F.base + Int64(index * 3 + source) * 1_000_000
            return LogRecord(
                time: time, severity: Severity(.warn),
                body: .string("big \(source) \(index) " + String(repeating: "payload-\(index % 97) ", count: 14)),
                resource: F.resource("big"))
        }
        contents.logStreams.append((Labels(["service": "big", "severity": "warn"]), big))
        return contents
    }

    @Test func mergedLogPartIsTheUnionWrittenInOneGoWithRepeatedRecordsOnce() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blocks = try (0..<3).map { try Self.write(Self.logBlock($0), into: directory) }
        #expect(blocks.allSatisfy { ($0.meta.logs?.pages ?? 0) > 40 })

        let merged = try BlockMerge.write(blocks, into: directory)

        // The old merge: every source's records of a stream together, sorted; here a repeat is dropped too.
        var union: [Labels: [LogRecord]] = [:]
        for block in blocks {
            for stream in try #require(block.logs).allStreams() { union[stream.labels, default: []] += stream.records }
        }
        let expected = union.mapValues { Array(Set($0)).sorted { ($0.time, $0.line) < ($1.time, $1.line) } }
        let read = try #require(merged.logs).allStreams()
        #expect(Dictionary(uniqueKeysWithValues: read.map { ($0.labels, $0.records) }) == expected)
        #expect(read.map(\.labels) == expected.keys.sorted())
        let records = expected.values.reduce(0) { $0 + $1.count }
        #expect(records == 40 * 700 + 1 + 3 * 6000)
        #expect(merged.meta.logs?.records == records && merged.meta.logs?.streams == 41)
        #expect(merged.meta.sources == blocks.map(\.meta.id) && merged.meta.level == 2)
        #expect(merged.logs?.tenant == Self.tenant.id)

        // Writing the deduplicated union in one go gives the same files: same pages, cuts, filters and templates.
        let reference = directory + "/reference"
        _ = try LogPartWriter.write(
            expected.map { ($0.key, $0.value) }, tenant: Self.tenant, level: Zstd.compactionLevel, to: reference)
        for file in [LogPart.pagesFileName, LogPart.indexFileName] {
            #expect(try Self.bytes(reference + "/" + file) == Self.bytes(merged.directory + "/logs/" + file))
        }
        let bigPages = try #require(merged.logs?.streams.first { $0.labels["service"] == "big" }?.pages)
        #expect(bigPages.count >= 3 && bigPages.allSatisfy { $0.records < LogPart.maxRecordsPerPage })
    }

    // MARK: Spans

    /// Source `source` of 3: 900 traces of a root and a child, a third of them also in the next source: the same
    /// root, and for an odd trace a child of its own, for an even one a child with the same key (a later start);
    /// and one trace of 1500 spans a source, bigger than a page.
    private static func spanBlock(_ source: Int) -> BlockContents {
        var contents = BlockContents(tenant: tenant)
        for number in source * 600..<source * 600 + 900 {
            let start = F.base + Int64(number) * F.second
            let root = Span(
                traceID: F.traceID(number), spanID: SpanID(UInt64(number) * 4 + 1), name: "GET /cart", kind: .server,
                startTime: start, endTime: start + 300_000_000, resource: F.resource("frontend"))
            contents.spans.append(root)
            contents.spans.append(Span(
                traceID: F.traceID(number), spanID: SpanID(UInt64(number) * 4 + 2 + UInt64(number % 2 * source)),
                parentSpanID: root.spanID, name: "GetCart \(source)", kind: .client,
                startTime: start + 10_000_000 + Int64(source), endTime: start + 200_000_000, resource: F.resource("cart")))
        }
        for index in 0..<1500 {
            let start = F.base + Int64(index) * 1_000_000
            contents.spans.append(Span(
                traceID: F.traceID(1_000_000), spanID: SpanID(UInt64(10_000_000 + source * 1500 + index)),
                name: "step", kind: .internal, startTime: start, endTime: start + 1_000, resource: F.resource("batch")))
        }
        return contents
    }

    @Test func mergedSpanPartIsTheUnionWrittenInOneGoWithRepeatedSpansOnce() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blocks = try (0..<3).map { try Self.write(Self.spanBlock($0), into: directory) }
        #expect(blocks.allSatisfy { ($0.meta.spans?.pages ?? 0) >= 2 })

        let merged = try BlockMerge.write(blocks, into: directory)

        // The old merge: every source's spans, a span with one key kept once, the first source's (which here also
        // starts first).
        var seen = Set<SpanKey>()
        let expected = try blocks.flatMap { try #require($0.spans).allSpans() }.filter { seen.insert(SpanKey($0)).inserted }
        let read = try #require(merged.spans).allSpans()
        #expect(read == expected.sorted(by: SpanPartWriter.precedes))
        #expect(merged.meta.spans?.spans == expected.count)
        #expect(merged.meta.spans?.traces == Set(expected.map(\.traceID)).count)
        #expect(merged.spans?.index.tenant == Self.tenant.id)
        #expect(try merged.spans(of: F.traceID(701)).count == 3)  // the root once, and the child of sources 0 and 1
        #expect(try merged.spans(of: F.traceID(1_000_000)).count == 4500)

        // The same pages as writing the union in one go; the index differs only in the trace filter's size (the
        // sources' trace counts summed, an upper bound).
        let reference = directory + "/reference"
        _ = try SpanPartWriter.write(expected, tenant: Self.tenant, level: Zstd.compactionLevel, to: reference)
        #expect(try Self.bytes(reference + "/" + SpanPart.pagesFileName)
            == Self.bytes(merged.directory + "/spans/" + SpanPart.pagesFileName))
        let referenceIndex = try SpanPartReader(directory: reference).index
        let mergedIndex = try #require(merged.spans?.index)
        #expect(mergedIndex.dictionary == referenceIndex.dictionary)
        #expect(mergedIndex.pages.map(\.offset) == referenceIndex.pages.map(\.offset))
        #expect(mergedIndex.pages.map(\.lastTraceID) == referenceIndex.pages.map(\.lastTraceID))
    }

    // MARK: Damage

    @Test(arguments: ["logs", "spans"])
    func aDamagedSourcePageStopsTheMergeWithItsLocationAndLeavesNothingBehind(part: String) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blocks = try (0..<3).map { source in
            var contents = Self.logBlock(source)
            contents.spans = Self.spanBlock(source).spans
            return try Self.write(contents, into: directory)
        }
        let damaged = blocks[1]
        let offset = part == "logs"
            ? try #require(damaged.logs?.streams[7].pages.first?.offset)
            : try #require(damaged.spans?.index.pages[1].offset)
        try Self.flipByte(in: damaged.directory + "/" + part + "/pages", at: offset + 8)
        let before = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()

        #expect {
            try BlockMerge.write(blocks, into: directory)
        } throws: { error in
            guard let error = error as? BlockError else { return false }
            return error.code == .corrupt && error.offset == offset
                && error.location?.block == damaged.meta.id && error.location?.part == part
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == before)
    }

    // MARK: Helpers

    private static func scratch() throws -> String {
        let directory = F.scratch()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func write(_ contents: BlockContents, into directory: String) throws -> Block {
        let meta = try BlockWriter().write(contents, into: directory, walSegmentsBefore: 0)
        return try Block(directory: directory + "/" + meta.id)
    }

    private static func bytes(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private static func flipByte(in path: String, at offset: Int) throws {
        var bytes = try bytes(path)
        bytes[offset] ^= 0x5a
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
