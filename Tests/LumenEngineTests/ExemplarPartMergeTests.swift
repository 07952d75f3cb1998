import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// The streamed merge of exemplar files (`ExemplarPartMerge`) holds what the whole merge held: every source's
/// exemplars of a series, an exemplar given twice kept once.
struct ExemplarPartMergeTests {
    typealias Series = (labels: Labels, exemplars: [Exemplar])

    /// Exemplar files written from `sources` under a fresh scratch directory, opened.
    private struct Files {
        let scratch: String
        let readers: [ExemplarPartReader]

        init(_ sources: [[Series]]) throws {
            let scratch = try MetricBlockFixtures.scratchDirectory()
            self.scratch = scratch
            readers = try sources.enumerated().map { index, series in
                let path = scratch + "/source\(index)"
                _ = try ExemplarPart.write(series, level: Zstd.cutLevel, to: path)
                return try ExemplarPartReader(path: path)
            }
        }

        func merged() throws -> (ExemplarPart.Statistics, [TimeSeries])? {
            let path = scratch + "/merged"
            guard let statistics = try ExemplarPartMerge.write(readers, to: path, level: Zstd.compactionLevel) else {
                return nil
            }
            return (statistics, try ExemplarPartReader(path: path).allSeries())
        }

        func remove() { try? FileManager.default.removeItem(atPath: scratch) }
    }

    private static func exemplar(_ time: Int64, _ value: Double, trace: String) -> Exemplar {
        Exemplar(labels: Labels([Label("trace_id", trace)]), timestamp: MetricBlockFixtures.t0 + time, value: value)
    }

    /// What the merge did before: every source decoded whole, each series' exemplars made a set.
    private static func wholeMerge(_ readers: [ExemplarPartReader]) throws -> [Labels: Set<Exemplar>] {
        var merged: [Labels: Set<Exemplar>] = [:]
        for reader in readers {
            for series in try reader.allSeries() { merged[series.labels, default: []].formUnion(series.exemplars) }
        }
        return merged.filter { !$0.value.isEmpty }
    }

    @Test func manyPagesOfOverlappingSourcesMergeAsTheWholeMergeDid() throws {
        var random = SplitMix64(seed: 6)
        // 3 sources × up to 1,500 series × 8 exemplars: several pages each; a third of each source repeats another's.
        let sources: [[Series]] = (0..<3).map { source in
            (0..<1500).filter { _ in random.next() % 4 != 0 }.map { index in
                let labels = Labels([Label(Labels.metricName, "latency_bucket"), Label("series", "\(index)")])
                return (labels, (0..<8).map { step in
                    let shared = random.next() % 3 == 0
                    return Self.exemplar(Int64(step), shared ? Double(step) : Double(source * 100 + step),
                        trace: shared ? "shared\(step)" : "\(source)-\(index)-\(step)")
                })
            }
        }
        let files = try Files(sources)
        defer { files.remove() }
        let (statistics, merged) = try #require(try files.merged())
        let expected = try Self.wholeMerge(files.readers)
        #expect(merged.map(\.labels) == expected.keys.sorted())
        for series in merged {
            #expect(Set(series.exemplars) == expected[series.labels], "\(series.labels)")
            #expect(series.exemplars.count == expected[series.labels]?.count, "no exemplar twice")
            #expect(series.exemplars.map(\.timestamp) == series.exemplars.map(\.timestamp).sorted())
        }
        #expect(statistics.series == expected.count)
        #expect(statistics.exemplars == expected.values.reduce(0) { $0 + $1.count })
        #expect(try files.readers[0].pageOffsets().count > 1, "the sources span pages")
    }

    @Test func sourcesWithoutExemplarsMergeIntoNoFile() throws {
        let files = try Files([[], [(Labels([Label(Labels.metricName, "up")]), [])]])
        defer { files.remove() }
        #expect(try files.merged() == nil)
        #expect(!FileManager.default.fileExists(atPath: files.scratch + "/merged"))
    }

    @Test func aDamagedSourcePageThrowsWithItsPathAndOffset() throws {
        let labels = (0..<3000).map { Labels([Label(Labels.metricName, "m"), Label("series", "\($0)")]) }
        let files = try Files([
            labels.map { ($0, [Self.exemplar(1, 1, trace: "a"), Self.exemplar(2, 2, trace: "b")]) },
            labels.map { ($0, [Self.exemplar(2, 2, trace: "b"), Self.exemplar(3, 3, trace: "c")]) },
        ])
        defer { files.remove() }
        let offsets = try files.readers[1].pageOffsets()
        #expect(offsets.count >= 2)
        let path = files.scratch + "/source1"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offsets[1] + 8] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try ExemplarPartReader(path: path)
        let error = try #require(throws: BlockError.self) {
            try ExemplarPartMerge.write([files.readers[0], damaged], to: files.scratch + "/merged", level: 1)
        }
        #expect(error.code == .corrupt)
        #expect(error.path == path)
        #expect(error.offset == offsets[1])
    }
}
