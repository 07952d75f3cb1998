import Foundation
import LumenModel
import Synchronization
import Testing

@testable import LumenEngine

/// The log and span parts read back what was written, prune by their filters, and refuse damage with an error.
struct PartReaderTests {
    typealias F = StorageFixtures

    private func writtenBlock(_ batch: Batch) throws -> (Block, String) {
        let directory = F.scratch()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let head = Head()
        head.append(batch)
        let meta = try BlockWriter().write(head.contents(of: batch.tenant), into: directory, walSegmentsBefore: 1)
        return (try Block(directory: directory + "/" + meta.id), directory)
    }

    @Test func aLineFilterSkipsPagesWithoutItsTrigramsAndFindsTheRest() throws {
        let (block, directory) = try writtenBlock(F.batch(traces: 20_000))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = try #require(block.logs)
        let pages = logs.streams.flatMap(\.pages)
        #expect(pages.count > 2, "several pages per stream at this size")
        #expect(pages.allSatisfy { !$0.lineFilter.mayContainSubstring("no such text here") })
        let candidates = logs.pages(ReadRequest(tenant: .anonymous, lineContains: ["timeout"]))
        let timeouts = InTimeOrder(candidates, limit: .max, dedupe: false) { Issue.record($0) }.filter {
            $0.line.contains("timeout")
        }
        #expect(timeouts.count == (0..<20_000).filter { $0 % 7 == 0 }.count)
        #expect(zip(timeouts, timeouts.dropFirst()).allSatisfy { $0.time >= $1.time }, "newest first")
    }

    @Test func aTraceIsFoundByIDInAPartOfManyPages() throws {
        let (block, directory) = try writtenBlock(F.batch(traces: 5_000))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spans = try #require(block.spans)
        #expect(spans.index.pages.count >= 4)
        for number in [0, 1_234, 4_999] {
            let trace = try spans.traces([F.traceID(number)])
            #expect(trace.map(\.name).sorted() == ["GET /cart", "GetCart"])
        }
        #expect(try spans.traces([F.traceID(5_000)]).isEmpty)
        let logs = try #require(block.logs)
        #expect(logs.records(of: F.traceID(1_234), ReadRequest(tenant: .anonymous)) { _ in }.count == 1)
    }

    @Test func manyTracesAreReadTogetherFromThePagesHoldingThem() throws {
        let (block, directory) = try writtenBlock(F.batch(traces: 5_000))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spans = try #require(block.spans)
        let numbers = Array(stride(from: 3, to: 5_000, by: 97)) + [5_001, 7_000]
        let together = try spans.traces(Set(numbers.map(F.traceID)))
        #expect(Dictionary(grouping: together, by: \.traceID).count == numbers.count - 2)
        for number in numbers.prefix(5) {
            let alone = try spans.traces([F.traceID(number)])
            #expect(together.filter { $0.traceID == F.traceID(number) } == alone)
        }
    }

    /// A head cut sorts positions, not copies: records by time (equal times as they came), spans by trace and start.
    @Test func aCutWritesRecordsAndSpansInOrderWhateverOrderTheyCameIn() throws {
        let resource = F.resource("cart")
        func record(_ second: Int64, _ line: String) -> LogRecord {
            LogRecord(time: F.base + second * F.second, body: .string(line), resource: resource)
        }
        func span(_ trace: Int, _ number: UInt64, _ second: Int64) -> Span {
            Span(traceID: F.traceID(trace), spanID: SpanID(number), name: "step \(number)",
                startTime: F.base + second * F.second, endTime: F.base + (second + 1) * F.second, resource: resource)
        }
        var contents = BlockContents(tenant: .anonymous)
        let (early, late) = (Labels(["service": "a"]), Labels(["service": "b"]))
        contents.logStreams = [
            (late, [record(3, "third"), record(1, "first"), record(2, "second"), record(1, "first again")]),
            (early, [record(4, "in order"), record(5, "already")]),
        ]
        contents.spans = [span(9, 1, 2), span(3, 2, 5), span(9, 3, 1), span(3, 4, 4), span(7, 5, 0), span(9, 6, 1)]
        let directory = F.scratch()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let meta = try BlockWriter().write(contents, into: directory, walSegmentsBefore: 1)
        #expect(meta.spans?.traces == 3)
        let read = try Block(directory: directory + "/" + meta.id).contents()
        #expect(read.logStreams.map(\.labels) == [early, late])
        #expect(read.logStreams.map { $0.records.map(\.line) } == [
            ["in order", "already"], ["first", "first again", "second", "third"],
        ])
        #expect(read.spans.map(\.spanID) == [4, 2, 5, 3, 6, 1].map { SpanID(UInt64($0)) })
    }

    @Test func damagedPagesAreRefusedWithTheFileAndOffsetNeverACrash() throws {
        let (block, directory) = try writtenBlock(F.batch(traces: 300))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for part in [LogPart.directoryName, SpanPart.directoryName] {
            let path = block.directory + "/" + part + "/pages"
            let original = try #require(FileManager.default.contents(atPath: path))
            for position in stride(from: 8, to: original.count, by: max(1, original.count / 40)) {
                var damaged = [UInt8](original)
                damaged[position] ^= 0x5a
                try Data(damaged).write(to: URL(fileURLWithPath: path))
                // Refused when the block opens (the part's template table is read then) or when the page is read.
                #expect(throws: BlockError.self) {
                    _ = try Block(directory: block.directory).contents()
                }
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
    }
}

extension PartReaderTests {
    /// A page of `records` as a part writes it, with the part's templates if the page is templated.
    private func encoded(_ records: [LogRecord]) throws -> (page: [UInt8], templates: LogTemplates?) {
        var table = LogTemplateTable()
        let page = LogPage.encode(records[...], templates: &table)
        return (page, table.isEmpty ? nil : try LogTemplates(table.bytes))
    }

    private func filter(_ needles: [String], _ templates: LogTemplates?) -> LogLineFilter {
        LogLineFilter(needles.map { Array($0.utf8) }, templates: templates)
    }

    @Test func aPagesLinesAreTheTimesAndSizesOfItsMatchingRecords() throws {
        var unusedTable = LogTemplateTable()  // a page with a body that is not a string is never templated
        var records = F.batch(traces: 100).logs
        records[3].body = .int(42)  // a body that is not a string is measured as its text
        let page = LogPage.encode(records[...], templates: &unusedTable)
        for needles in [[], ["timeout"], ["cart 4", "loaded"], ["42"], ["absent"]] {
            let lines = try LogPage.lines(page, templates: nil, lineContains: filter(needles, nil))
            let matching = records.filter { record in needles.allSatisfy { record.line.contains($0) } }
            #expect(lines.times == matching.map(\.time))
            #expect(lines.sizes == matching.map(\.line.utf8.count))
        }
    }

    @Test func aWordIsFoundInsideLinesAndNeverAcrossTwo() throws {
        let bodies: [AttributeValue] = [.string("ab"), .string("cd"), .string(""), .string("abcd"), .string("xcdxcd"),
            .int(1234), .string("bc")]
        let records = bodies.enumerated().map { index, body in
            var record = F.batch(traces: 1).logs[0]
            record.time += Int64(index)
            record.body = body
            return record
        }
        var unusedTable = LogTemplateTable()
        let page = LogPage.encode(records[...], templates: &unusedTable)
        for (needle, rows) in [("cd", [1, 3, 4]), ("bc", [3, 6]), ("b", [0, 3, 6]), ("23", [5]), ("abcdx", [])] {
            let lines = try LogPage.lines(page, templates: nil, lineContains: filter([needle], nil))
            #expect(lines.times == rows.map { records[$0].time }, "\(needle)")
            #expect(try LogPage.decode(page, templates: nil, lineContains: filter([needle], nil)).map(\.time)
                == records.filter { $0.line.contains(needle) }.map(\.time))
        }
    }

    @Test func aPageDecodedForALineFilterBuildsOnlyTheLinesThatHoldIt() throws {
        let records = F.batch(traces: 100).logs
        let (page, templates) = try encoded(records)
        let timeouts = try LogPage.decode(page, templates: templates, lineContains: filter(["timeout"], templates))
        #expect(timeouts == records.filter { $0.line.contains("timeout") })
        #expect(try LogPage.decode(page, templates: templates, lineContains: filter(["cart 4", "loaded"], templates))
            == records.filter { $0.line.contains("cart 4") && $0.line.contains("loaded") })
        #expect(try LogPage.decode(page, templates: templates, lineContains: filter(["absent"], templates)).isEmpty)
        #expect(try LogPage.decode(page, templates: templates) == records)
        let lines = try LogPage.lines(page, templates: templates, lineContains: filter(["cart 4"], templates))
        #expect(lines.sizes == records.filter { $0.line.contains("cart 4") }.map(\.line.utf8.count))
    }

    @Test func aSpanPageDecodedWithAPrefilterBuildsOnlyTheSpansItAdmits() throws {
        let spans = F.batch(traces: 100).spans.sorted { ($0.traceID, $0.startTime) < ($1.traceID, $1.startTime) }
        let page = SpanPage.encode(spans[...]).bytes
        let millisecond: Int64 = 1_000_000
        #expect(try SpanPage.decode(page, prefilter: SpanPrefilter(services: ["cart"])) == spans.filter {
            $0.serviceName == "cart"
        })
        #expect(try SpanPage.decode(page, prefilter: SpanPrefilter(statuses: [.error])) == spans.filter {
            $0.status.code == .error
        })
        #expect(try SpanPage.decode(page, prefilter: SpanPrefilter(minDuration: 250 * millisecond)) == spans.filter {
            $0.name == "GET /cart"
        })
        let named = SpanPrefilter(names: ["GetCart", "GET /cart"], kinds: [.server], maxDuration: 190 * millisecond)
        #expect(try SpanPage.decode(page, prefilter: named) == spans.filter { $0.name == "GetCart" })
        #expect(try SpanPage.decode(page, only: [F.traceID(7)], prefilter: SpanPrefilter(statuses: [.error]))
            == spans.filter { $0.traceID == F.traceID(7) && $0.status.code == .error })
        #expect(try SpanPage.decode(page, prefilter: SpanPrefilter(kinds: [.client])).isEmpty)
        #expect(try SpanPage.decode(page, prefilter: SpanPrefilter(minDuration: 2, maxDuration: 1)).isEmpty)
    }
}

/// The newest-first order every page read yields: by time, newest first, equal times in their order read,
/// pages decoded only as far as the caller reads.
struct InTimeOrderTests {
    private static func record(_ time: Int64, _ body: String) -> LogRecord {
        LogRecord(time: time, body: .string(body), resource: Resource())
    }

    /// Counts the pages decoded, from the threads that decode them.
    private final class Counter: Sendable {
        let count = Mutex(0)
    }

    private static func page(_ records: [LogRecord], decoded: Counter? = nil) -> SourcePage<LogRecord> {
        SourcePage(newest: records.map(\.time).max() ?? .min, stream: Labels([Label("service", "test")])) {
            decoded?.count.withLock { $0 += 1 }
            return records
        }
    }

    @Test func itemsComeInTimeOrderWithEqualTimesInTheOrderRead() {
        let records = [(5, "a"), (9, "b"), (5, "c"), (1, "d"), (9, "e"), (7, "f")].map { Self.record(Int64($0), $1) }
        let all = InTimeOrder([Self.page(records)], limit: .max, dedupe: false) { Issue.record($0) }
        #expect(all.map(\.line) == ["b", "e", "f", "a", "c", "d"])
        let three = InTimeOrder([Self.page(records)], limit: 3, dedupe: false) { Issue.record($0) }
        #expect(three.map(\.line) == ["b", "e", "f"])
        #expect(Array(InTimeOrder([Self.page([])], limit: 0, dedupe: false) { Issue.record($0) }).isEmpty)
    }

    @Test func aReaderThatStopsEarlyLeavesOlderPagesUndecoded() {
        // More pages than one group decodes at once, newest first by page number.
        let decoded = Counter()
        let pages = (0..<(3 * InTimeOrder<LogRecord>.groupSize)).map { page in
            Self.page((0..<10).map { Self.record(Int64(page * 10 + $0), "\(page)-\($0)") }, decoded: decoded)
        }
        let newest = Array(InTimeOrder(pages, limit: .max, dedupe: false) { Issue.record($0) }.prefix(25))
        #expect(newest.map(\.time) == Array((0..<Int64(pages.count * 10)).reversed().prefix(25)))
        #expect(decoded.count.withLock { $0 } == InTimeOrder<LogRecord>.groupSize, "one group answers 25 records")
    }

    @Test func aRecordTwoSourcesHoldIsYieldedOnceAndDistinctLinesAtOneTimeAreKept() {
        let retried = [Self.record(3, "retried"), Self.record(3, "other line, same time"), Self.record(2, "b")]
        let read = InTimeOrder([Self.page(retried), Self.page([retried[0]])], limit: .max, dedupe: true) {
            Issue.record($0)
        }
        #expect(read.map(\.line) == ["retried", "other line, same time", "b"])
    }

    @Test func anyOrderYieldsEveryItemOnceHoldingOneGroupAtATime() {
        // Items come page by page as each group is decoded, so the first is handed out after one group.
        let decoded = Counter()
        let pages = (0..<(3 * PageGroups<LogRecord>.groupSize)).map { page in
            Self.page((0..<10).map { Self.record(Int64(page * 10 + $0), "\(page)-\($0)") }, decoded: decoded)
        }
        var read = AnyOrder(pages, dedupe: false) { Issue.record($0) }
        #expect(read.next()?.line == "0-0")
        #expect(decoded.count.withLock { $0 } == PageGroups<LogRecord>.groupSize)
        var lines = ["0-0"]
        while let record = read.next() { lines.append(record.line) }
        #expect(lines.count == pages.count * 10)
        #expect(Set(lines).count == lines.count)

        let retried = [Self.record(3, "retried"), Self.record(3, "other line, same time"), Self.record(2, "b")]
        let twice = AnyOrder([Self.page(retried), Self.page([retried[0]])], dedupe: true) { Issue.record($0) }
        #expect(twice.map(\.line) == ["retried", "other line, same time", "b"])
    }
}
