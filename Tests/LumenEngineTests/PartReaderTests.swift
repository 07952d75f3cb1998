import Foundation
import LumenModel
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
        let timeouts = try logs.logs(matching: [], from: .min, to: .max, limit: .max, lineContains: ["timeout"]) {
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
        #expect(try logs.records(of: F.traceID(1_234)).count == 1)
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
                let reopened = try Block(directory: block.directory)
                #expect(throws: BlockError.self) {
                    _ = try reopened.contents()
                }
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
    }
}

extension PartReaderTests {
    @Test func aPagesLinesAreTheTimesAndSizesOfItsMatchingRecords() throws {
        var records = F.batch(traces: 100).logs
        records[3].body = .int(42)  // a body that is not a string is measured as its text
        let page = LogPage.encode(records[...])
        for needles in [[], ["timeout"], ["cart 4", "loaded"], ["42"], ["absent"]] {
            let lines = try LogPage.lines(page, lineContains: needles.map { Array($0.utf8) })
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
        let page = LogPage.encode(records[...])
        for (needle, rows) in [("cd", [1, 3, 4]), ("bc", [3, 6]), ("b", [0, 3, 6]), ("23", [5]), ("abcdx", [])] {
            let lines = try LogPage.lines(page, lineContains: [Array(needle.utf8)])
            #expect(lines.times == rows.map { records[$0].time }, "\(needle)")
            #expect(try LogPage.decode(page, lineContains: [Array(needle.utf8)]).map(\.time)
                == records.filter { $0.line.contains(needle) }.map(\.time))
        }
    }

    @Test func aPageDecodedForALineFilterBuildsOnlyTheLinesThatHoldIt() throws {
        let records = F.batch(traces: 100).logs
        let page = LogPage.encode(records[...])
        let timeouts = try LogPage.decode(page, lineContains: [Array("timeout".utf8)])
        #expect(timeouts == records.filter { $0.line.contains("timeout") })
        #expect(try LogPage.decode(page, lineContains: [Array("cart 4".utf8), Array("loaded".utf8)]) == records.filter {
            $0.line.contains("cart 4") && $0.line.contains("loaded")
        })
        #expect(try LogPage.decode(page, lineContains: [Array("absent".utf8)]).isEmpty)
        #expect(try LogPage.decode(page) == records)
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
