import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// A block written from series answers matcher queries over time ranges exactly as the series say.
struct MetricBlockTests {
    /// Writes a block into a fresh scratch directory; the caller removes `scratch`.
    private func makeBlock(
        _ series: [(labels: Labels, samples: [Sample])] = MetricBlockFixtures.small, maxSamplesPerChunk: Int = 1024
    ) throws -> (reader: MetricPartReader, directory: String, scratch: String) {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        let directory = scratch + "/block"
        try MetricPartWriter(maxSamplesPerChunk: maxSamplesPerChunk).write(series, to: directory)
        return (try MetricPartReader(directory: directory), directory, scratch)
    }

    private func names(_ result: [TimeSeries]) -> [String] { result.map(\.labels.description) }

    private func select(_ reader: MetricPartReader, _ matchers: [(String, LabelMatcher.Operator, String)]) throws -> [String] {
        names(try reader.series(matching: matchers.map { try LabelMatcher($0.0, $0.1, $0.2) }, from: .min, to: .max))
    }

    @Test func everySeriesComesBackWithEverySample() throws {
        do {
            let (reader, directory, scratch) = try makeBlock()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let all = try reader.series(matching: [], from: .min, to: .max)
            let expected = MetricBlockFixtures.small.sorted { $0.labels < $1.labels }
            #expect(all.map(\.labels) == expected.map(\.labels))
            #expect(all.map(\.samples) == expected.map(\.samples))
            #expect(reader.meta.stats.series == 6)
            #expect(reader.meta.stats.samples == 30)
            #expect(reader.meta.minTime == MetricBlockFixtures.t0)
            #expect(reader.meta.maxTime == MetricBlockFixtures.t0 + 4 * MetricBlockFixtures.second)
            #expect(BlockID(reader.meta.id) != nil)
            #expect(!FileManager.default.fileExists(atPath: directory + Block.temporarySuffix))
        }
    }

    @Test func matchersIntersectPostingsWithPrometheusSemantics() throws {
        do {
            let (reader, _, scratch) = try makeBlock()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            func select(_ matchers: [(String, LabelMatcher.Operator, String)]) throws -> [String] {
                try self.select(reader, matchers)
            }
            #expect(try select([("__name__", .equal, "up")]) == ["up{job=\"node\"}", "up{job=\"prometheus\"}"])
            #expect(try select([("__name__", .equal, "up"), ("job", .notEqual, "node")]) == ["up{job=\"prometheus\"}"])
            #expect(try select([("mode", .matchesRegex, "id.*"), ("cpu", .equal, "1")])
                == ["node_cpu_seconds_total{cpu=\"1\", job=\"node\", mode=\"idle\"}"])
            #expect(try select([("__name__", .equal, "node_cpu_seconds_total"), ("mode", .notMatchesRegex, "idle")])
                == ["node_cpu_seconds_total{cpu=\"0\", job=\"node\", mode=\"user\"}"])
            // Matchers that match the empty string select series without the label.
            #expect(try select([("mode", .equal, ""), ("job", .equal, "node")]) == ["up{job=\"node\"}"])
            #expect(try select([("job", .equal, "prometheus"), ("mode", .matchesRegex, ".*")]).count == 2)
            #expect(try select([("nosuch", .equal, "")]).count == 6)
            #expect(try select([("nosuch", .notEqual, "")]).isEmpty)
            #expect(try select([("nosuch", .equal, "x")]).isEmpty)
            #expect(try select([("job", .matchesRegex, "node|prometheus"), ("__name__", .notEqual, "node_cpu_seconds_total")])
                .count == 3)
        }
    }

    @Test func timeRangesCutSamplesAndDropEmptySeries() throws {
        let t0 = MetricBlockFixtures.t0
        let second = MetricBlockFixtures.second
        for maxSamples in [1, 2, 1024] {
            do {
                let (reader, _, scratch) = try makeBlock(maxSamplesPerChunk: maxSamples)
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                let up = [try LabelMatcher("__name__", .equal, "up")]
                let middle = try reader.series(matching: up, from: t0 + second, to: t0 + 3 * second)
                #expect(middle.map { $0.samples.map(\.timestamp) } == Array(repeating: [1, 2, 3].map { t0 + $0 * second }, count: 2))
                #expect(middle[1].samples[1].isStaleMarker)
                #expect(try reader.series(matching: up, from: t0 + second / 2, to: t0 + second / 2).isEmpty)
                #expect(try reader.series(matching: up, from: t0 + 10 * second, to: .max).isEmpty)
                #expect(try reader.series(matching: up, from: .min, to: t0).map(\.samples.count) == [1, 1])
            }
        }
    }

    @Test func labelNamesAndValuesAreListedSorted() throws {
        do {
            let (reader, _, scratch) = try makeBlock()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            #expect(reader.labelNames() == ["__name__", "cpu", "job", "mode"])
            #expect(reader.labelValues("job") == ["node", "prometheus"])
            #expect(reader.labelValues("__name__") == ["node_cpu_seconds_total", "process_resident_memory_bytes", "up"])
            #expect(reader.labelValues("nosuch").isEmpty)
        }
    }

    @Test func repeatedSeriesAndTimestampsAreMergedKeepingTheFirstValue() throws {
        let labels = Labels(["__name__": "x"])
        let input: [(labels: Labels, samples: [Sample])] = [
            (labels, [Sample(timestamp: 3, value: 3), Sample(timestamp: 1, value: 1)]),
            (labels, [Sample(timestamp: 1, value: 9), Sample(timestamp: 2, value: 2)]),
            (Labels(["__name__": "empty"]), []),
        ]
        do {
            let (reader, _, scratch) = try makeBlock(input)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let all = try reader.series(matching: [], from: .min, to: .max)
            #expect(all.count == 1)
            #expect(all.first?.samples == [1, 2, 3].map { Sample(timestamp: Int64($0), value: Double($0)) })
        }
    }

    @Test func manyChunksPerSeriesAreFoundByTime() throws {
        var random = CodecFixtures.Random(seed: 5)
        let times = CodecFixtures.jitteredTimes(5000, random: &random)
        let samples = CodecFixtures.samples(times, CodecFixtures.cpuCounter(5000, random: &random))
        do {
            let (reader, _, scratch) = try makeBlock([(Labels(["__name__": "cpu"]), samples)], maxSamplesPerChunk: 128)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            #expect(reader.meta.stats.chunks == 40)
            let slice = try reader.series(matching: [], from: times[1000], to: times[3999])
            #expect(slice.first?.samples == Array(samples[1000...3999]))
        }
    }

    @Test func writingOverAnExistingBlockFailsAndALeftoverTemporaryDirectoryIsReplaced() throws {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let directory = scratch + "/block"
        try FileManager.default.createDirectory(atPath: directory + ".tmp", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + ".tmp/chunks", contents: Data([1, 2, 3]))
        try MetricPartWriter().write(MetricBlockFixtures.small, to: directory)
        #expect(try MetricPartReader(directory: directory).meta.stats.series == 6)
        let error = try #require(throws: BlockError.self) {
            try MetricPartWriter().write(MetricBlockFixtures.small, to: directory)
        }
        #expect(error.code == .invalidArgument)
    }
}
