import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Pins the log and span part formats (`docs/format/logs.md`, `docs/format/spans.md`): the uncompressed page
/// bytes and the index bytes. (Compressed bytes are libzstd's business and may differ between its versions.)
/// If this fails, the format changed: if that was deliberate, bump `LogPart.version` / `SpanPart.version`,
/// update the docs, and regenerate with `LUMEN_UPDATE_GOLDEN=1 swift test --filter PartGoldenTests`.
@Suite(.serialized)
struct PartGoldenTests {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    private func check(_ bytes: [UInt8], _ name: String) throws {
        let path = Self.golden.appendingPathComponent(name).path
        if ProcessInfo.processInfo.environment["LUMEN_UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let committed = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        #expect(Array(committed) == bytes, "\(name) changed; see PartGoldenTests")
    }

    private var rich: Batch { BatchRecordFixtures.rich }

    @Test func aLogPageOfTheFixtureGivesTheCommittedBytesAndReadsBack() throws {
        let records = rich.logs.sorted { $0.time < $1.time }
        var templates = LogTemplateTable()
        let page = LogPage.encode(records[...], templates: &templates)
        try check(page, "log-page-v2.bin")
        #expect(try LogPage.decode(page, templates: nil) == records)
    }

    /// Blocks written before templates (log part version 1) are still read.
    @Test func aVersion1LogPageAndIndexStillRead() throws {
        let page = try #require(FileManager.default.contents(atPath: Self.golden.appendingPathComponent("log-page-v1.bin").path))
        let records = rich.logs.sorted { $0.time < $1.time }
        #expect(try LogPage.decode(Array(page), version: 1, templates: nil) == records)
        let timeouts = try LogPage.lines(Array(page), version: 1, templates: nil,
            lineContains: LogLineFilter([Array("slow".utf8)], templates: nil))
        #expect(timeouts.times == records.filter { $0.line.contains("slow") }.map(\.time))
        let index = try IndexFile.read(
            Self.golden.appendingPathComponent("log-index-v1.bin").path, magic: LogPart.indexMagic,
            versions: LogPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try LogPartReader.parseIndex(&reader, version: version) }
        #expect(index.version == 1)
        #expect(index.templatesOffset == nil)
        #expect(index.streams.map(\.labels) == [Labels(["service": "cart", "severity": "warn"])])
        #expect(index.streams[0].pages.map(\.records) == [3])
    }

    @Test func templatedBodiesAndTheirTemplateTableGiveTheCommittedBytes() throws {
        let (column, table) = LogTemplateTests.templated(LogTemplateTests.tricky)
        try check(column, "log-templated-bodies-v2.bin")
        try check(table, "log-templates-v2.bin")
    }

    @Test func fieldColumnsGiveTheCommittedBytes() throws {
        var out = ByteWriter()
        out.byte(LogBodyColumn.Encoding.fields.rawValue)
        LogFieldColumns.Split(LogTemplateTests.tricky).write(fields: 3, to: &out)
        try check(out.bytes, "log-field-columns-v2.bin")
    }

    @Test func aSpanPageOfTheFixtureGivesTheCommittedBytesAndReadsBack() throws {
        let spans = rich.spans.sorted { ($0.traceID, $0.startTime) < ($1.traceID, $1.startTime) }
        let page = SpanPage.encode(spans[...]).bytes
        try check(page, "span-page-v2.bin")
        #expect(try SpanPage.decode(page) == spans)
        #expect(try SpanPage.decode(page, only: [BatchRecordFixtures.traceID]) == spans.filter {
            $0.traceID == BatchRecordFixtures.traceID
        })
    }

    @Test func theIndexesOfFixedPagesGiveTheCommittedBytes() throws {
        let logs = LogPartWriter.encodeIndex(fixedLogIndex(tenant: "golden"))
        try check(logs, "log-index-v3.bin")
        let spans = SpanPartWriter.encodeIndex(fixedSpanIndex(tenant: "golden"))
        try check(spans, "span-index-v3.bin")
        let readLogs = try readLogIndex("log-index-v3.bin")
        #expect(readLogs.tenant == "golden")
        #expect(readLogs.templatesOffset == 300)
        #expect(try readSpanIndex("span-index-v3.bin").tenant == "golden")
    }

    /// Indexes written before they recorded the tenant (log part version 2, span part version 2) still read.
    @Test func version2IndexesStillRead() throws {
        let logs = try readLogIndex("log-index-v2.bin")
        #expect(logs.version == 2)
        #expect(logs.tenant == nil)
        #expect(logs.templatesOffset == 300)
        #expect(logs.streams.map(\.labels) == fixedLogIndex(tenant: nil).streams.map(\.labels))
        let spans = try readSpanIndex("span-index-v2.bin")
        #expect(spans.tenant == nil)
        #expect(spans.dictionary == Array("tables".utf8))
        #expect(spans.pages.map(\.maxDuration) == [250])
    }

    private func readLogIndex(_ name: String) throws -> LogPart.Index {
        try IndexFile.read(
            Self.golden.appendingPathComponent(name).path, magic: LogPart.indexMagic,
            versions: LogPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try LogPartReader.parseIndex(&reader, version: version) }
    }

    private func readSpanIndex(_ name: String) throws -> SpanPart.Index {
        try IndexFile.read(
            Self.golden.appendingPathComponent(name).path, magic: SpanPart.indexMagic,
            versions: SpanPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try SpanPartReader.parseIndex(&reader, version: version) }
    }

    private var traceFilter: BloomFilter {
        var traceFilter = BloomFilter(capacity: 1)
        traceFilter.insert(BloomFilter.hash(BatchRecordFixtures.traceID))
        return traceFilter
    }

    private func fixedLogIndex(tenant: String?) -> LogPart.Index {
        var trigrams = Set<UInt64>()
        var lineFilter = BloomFilter(capacity: 5)
        BloomFilter.trigramHashes(Array("timeout".utf8), into: &trigrams)
        for hash in trigrams { lineFilter.insert(hash) }
        return LogPart.Index(tenant: tenant, streams: [
            LogPart.StreamEntry(labels: Labels(["service": "cart", "severity": "warn"]), pages: [
                LogPart.PageEntry(offset: 8, records: 3, minTime: 100, maxTime: 250, lineFilter: lineFilter,
                    traceFilter: traceFilter),
            ]),
        ], templatesOffset: 300)
    }

    private func fixedSpanIndex(tenant: String?) -> SpanPart.Index {
        let page = SpanPart.PageEntry(offset: 8, spans: 2, firstTraceID: BatchRecordFixtures.traceID,
            lastTraceID: BatchRecordFixtures.traceID, minStart: 100, maxStart: 110, minDuration: -5, maxDuration: 250)
        return SpanPart.Index(tenant: tenant, dictionary: Array("tables".utf8), traceFilter: traceFilter, pages: [page])
    }
}
