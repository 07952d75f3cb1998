import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// The streamed merge of metric parts (`MetricPartMerge`) holds exactly what decoding every source whole and
/// writing it again held (the way compaction merged before), copies what it need not decode, and reports damage.
struct MetricPartMergeTests {
    typealias Series = (labels: Labels, samples: [Sample])
    private static let t0 = MetricBlockFixtures.t0
    private static let second = MetricBlockFixtures.second

    /// Parts written from `sources` (each at `samplesPerChunk`) under a fresh scratch directory, opened.
    private struct Parts {
        let scratch: String
        let readers: [MetricPartReader]
        let samplesPerChunk: Int

        init(_ sources: [[Series]], samplesPerChunk: Int = 16) throws {
            self.samplesPerChunk = samplesPerChunk
            let scratch = try MetricBlockFixtures.scratchDirectory()
            self.scratch = scratch
            readers = try sources.enumerated().map { index, series in
                let directory = scratch + "/source\(index)"
                try MetricPartWriter(maxSamplesPerChunk: samplesPerChunk).write(series, to: directory)
                return try MetricPartReader(directory: directory)
            }
        }

        /// The streamed merge, opened.
        func merged(samplesPerChunk: Int = 16) throws -> MetricPartReader? {
            let directory = scratch + "/merged"
            guard try MetricPartMerge(maxSamplesPerChunk: samplesPerChunk).write(
                readers, to: directory, id: .generate(), tenant: .anonymous) != nil
            else { return nil }
            return try MetricPartReader(directory: directory)
        }

        /// The merge as compaction did it before: every source decoded whole, then written by `MetricPartWriter`.
        func mergedWhole() throws -> MetricPartReader {
            let directory = scratch + "/whole"
            let series = try readers.flatMap { try $0.series(matching: [], from: .min, to: .max) }
            try MetricPartWriter().write(series.map { ($0.labels, $0.samples) }, to: directory)
            return try MetricPartReader(directory: directory)
        }

        func remove() { try? FileManager.default.removeItem(atPath: scratch) }
    }

    private static func series(_ name: String, _ times: some Sequence<Int64>, value: (Int64) -> Double) -> Series {
        (Labels([Label(Labels.metricName, name)]), times.map { Sample(timestamp: t0 + $0 * second, value: value($0)) })
    }

    /// Checks that the streamed merge of `parts` reads back as the whole merge does, sample for sample (bit for
    /// bit), with the same statistics but for the cut of chunks; returns it.
    @discardableResult
    private func expectEqualToWholeMerge(_ parts: Parts, samplesPerChunk: Int = 16) throws -> MetricPartReader {
        let streamed = try #require(try parts.merged(samplesPerChunk: samplesPerChunk))
        let whole = try parts.mergedWhole()
        let got = try streamed.series(matching: [], from: .min, to: .max)
        let expected = try whole.series(matching: [], from: .min, to: .max)
        #expect(got.map(\.labels) == expected.map(\.labels))
        for (a, b) in zip(got, expected) { #expect(a.samples == b.samples, "\(a.labels)") }
        #expect(streamed.meta.stats.series == whole.meta.stats.series)
        #expect(streamed.meta.stats.samples == whole.meta.stats.samples)
        #expect(streamed.meta.minTime == whole.meta.minTime && streamed.meta.maxTime == whole.meta.maxTime)
        let chunks = try streamed.chunks(matching: [], from: .min, to: .max)
        #expect(streamed.meta.stats.chunks == chunks.reduce(0) { $0 + $1.chunks.count })
        // Copied chunks keep their sources' cut, merged ones get the merge's.
        #expect(chunks.allSatisfy { $0.chunks.allSatisfy { $0.count <= max(samplesPerChunk, parts.samplesPerChunk) } })
        return streamed
    }

    @Test func aSeriesInOneSourceKeepsItsChunksByteForByte() throws {
        let parts = try Parts([
            [Self.series("only_here", 0..<100) { Double($0) }],
            [Self.series("elsewhere", 0..<50) { -Double($0) }],
        ])
        defer { parts.remove() }
        let merged = try expectEqualToWholeMerge(parts)
        let source = try parts.readers[0].chunks(matching: [], from: .min, to: .max)[0].chunks
        let only = try LabelMatcher(Labels.metricName, .equal, "only_here")
        let copied = try merged.chunks(matching: [only], from: .min, to: .max)
        #expect(copied.first?.chunks.map(\.bytes) == source.map(\.bytes))
        #expect(source.count == 7, "100 samples at 16 a chunk")
    }

    @Test func chunksOfOneSeriesDisjointInTimeAreCopiedAndInterleavedInTimeOrder() throws {
        // Source 1's range lies between two of source 0's: no chunk overlaps another.
        let parts = try Parts([
            [Self.series("up", Array(0..<32) + Array(200..<232)) { _ in 1 }],
            [Self.series("up", 100..<148) { _ in 0 }],
        ])
        defer { parts.remove() }
        let merged = try expectEqualToWholeMerge(parts)
        let sourceChunks = try parts.readers.flatMap { try $0.chunks(matching: [], from: .min, to: .max)[0].chunks }
        let mergedChunks = try merged.chunks(matching: [], from: .min, to: .max)[0].chunks
        #expect(Set(mergedChunks.map(\.bytes)) == Set(sourceChunks.map(\.bytes)))
        #expect(mergedChunks.map(\.minTime) == mergedChunks.map(\.minTime).sorted())
    }

    @Test func overlappingSourcesKeepTheEarlierSourcesValueAtARepeatedTime() throws {
        // Source 0: 0…99 s; source 1: 50…149 s at other values; source 2 every other second 40…160 s.
        let parts = try Parts([
            [Self.series("temperature", 0..<100) { Double($0) }],
            [Self.series("temperature", 50..<150) { 1000 + Double($0) }],
            [Self.series("temperature", stride(from: 40, to: 160, by: 2)) { 5000 + Double($0) }],
        ])
        defer { parts.remove() }
        let merged = try expectEqualToWholeMerge(parts)
        let samples = try merged.series(matching: [], from: .min, to: .max)[0].samples
        #expect(samples.count == 155, "0…149 s, then 150…158 s every other second")
        #expect(samples[60].value == 60, "source 0 holds 60 s, so its value wins over sources 1 and 2")
        #expect(samples[120].value == 1120, "source 1 holds 120 s; source 2 came later")
        #expect(samples[151].timestamp == Self.t0 + 152 * Self.second && samples[151].value == 5152)
    }

    @Test func samplesInterleavedAcrossSourcesAreReencodedInFullChunks() throws {
        let parts = try Parts([
            [Self.series("even", stride(from: 0, to: 400, by: 2)) { Double($0) }],
            [Self.series("even", stride(from: 1, to: 400, by: 2)) { Double($0) }],
        ])
        defer { parts.remove() }
        let merged = try expectEqualToWholeMerge(parts, samplesPerChunk: 64)
        let chunks = try merged.chunks(matching: [], from: .min, to: .max)[0].chunks
        // Each chunk overlaps one of the other source's; those pairs merged one after another fill chunks together.
        #expect(chunks.map(\.count) == [64, 64, 64, 64, 64, 64, 16])
    }

    @Test func randomOverlappingPartsMergeAsTheWholeMergeDoes() throws {
        var random = SplitMix64(seed: 22)
        let names = (0..<12).map { "series_\($0)" }
        let specialValues = [Double.nan, Double(bitPattern: Sample.staleMarkerBits), .infinity, -0.0]
        for round in 0..<8 {
            let sources = (0..<Int.random(in: 2...4, using: &random)).map { _ in
                names.filter { _ in Bool.random(using: &random) }.map { name in
                    let start = Int64.random(in: 0..<300, using: &random)
                    let count = Int64.random(in: 1..<200, using: &random)
                    let step = Int64.random(in: 1...3, using: &random)
                    return Self.series(name, stride(from: start, to: start + count * step, by: Int(step))) { _ in
                        random.next() % 10 == 0 ? specialValues.randomElement(using: &random)!
                            : Double(Int.random(in: -1000...1000, using: &random)) / 8
                    }
                }
            }
            guard sources.contains(where: { !$0.isEmpty }) else { continue }
            let parts = try Parts(sources, samplesPerChunk: Int.random(in: 1...40, using: &random))
            defer { parts.remove() }
            try expectEqualToWholeMerge(parts, samplesPerChunk: [1, 7, 16, 1024][round % 4])
        }
    }

    @Test func partsWithoutSamplesMergeIntoNothing() throws {
        let parts = try Parts([[], []])
        defer { parts.remove() }
        #expect(try parts.merged() == nil)
        #expect(!FileManager.default.fileExists(atPath: parts.scratch + "/merged"))
    }

    @Test func aDamagedSourceChunkThrowsWithItsPathAndOffsetAndLeavesNothingBehind() throws {
        // Source 1's "alone" is copied; its "shared" overlaps source 0's, so those chunks are decoded. A flipped
        // byte fails the checksum (at the record); a zero sample count under a good checksum fails the chunk's
        // header (at its first byte).
        for series in ["alone", "shared"] {
            for recomputeChecksum in [false, true] {
                let parts = try Parts([
                    [Self.series("shared", 0..<40) { Double($0) }],
                    [Self.series("alone", 0..<40) { Double($0) }, Self.series("shared", 20..<60) { -Double($0) }],
                ])
                defer { parts.remove() }
                let source = parts.readers[1]
                let chunk = try #require(source.index.series.first { $0.labels[Labels.metricName] == series }?.chunks[1])
                let path = source.directory + "/" + MetricPart.chunksFileName
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                let length = Int(bytes[chunk.offset])
                #expect(length < 0x80, "a one-byte length")
                let body = chunk.offset + 1
                if recomputeChecksum {
                    bytes[body] = 0
                    var checksum: [UInt8] = []
                    checksum.appendU32(CRC32C.checksum(Array(bytes[body..<body + length])))
                    bytes.replaceSubrange(body + length..<body + length + 4, with: checksum)
                } else {
                    bytes[body + 3] ^= 0x20
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let damaged = try MetricPartReader(directory: source.directory)
                let error = try #require(throws: BlockError.self, "\(series)") {
                    try MetricPartMerge().write(
                        [parts.readers[0], damaged], to: parts.scratch + "/merged", id: .generate(), tenant: .anonymous)
                }
                #expect(error.code == .corrupt)
                #expect(error.path == path)
                #expect(error.offset == (recomputeChecksum ? body : chunk.offset), "\(series) \(recomputeChecksum)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: parts.scratch).sorted() == ["source0", "source1"])
            }
        }
    }
}
