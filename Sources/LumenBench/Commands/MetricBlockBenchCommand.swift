import ArgumentParser
import Foundation
import LumenEngine
import LumenModel

/// `lumen-bench metric-block FILE DIR` (Scripts/bench/metrics-size.sh): writes the samples of a
/// `promtool tsdb dump` file as a Lumen metric block and reports its size and decode speed.
struct MetricBlockBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metric-block",
        abstract: "Write the samples of a `promtool tsdb dump` file into a metric block; report size and decode speed.",
        discussion: """
            FILE holds lines `{__name__="m", a="b"} value timestamp_ms`, as `promtool tsdb dump` prints them. \
            DIR must not exist. Prints bytes per sample of the chunks and index files, the chunk encodings \
            chosen, and single-threaded decode throughput (samples/s on one core).
            """)

    @Argument(help: "A `promtool tsdb dump` output file.")
    var file: String

    @Argument(help: "The block directory to create.")
    var directory: String

    @Option(name: .customLong("samples-per-chunk"), help: "Samples per chunk at most.")
    var samplesPerChunk = MetricPart.defaultMaxSamplesPerChunk

    @Option(help: "Decode passes to time (the best is reported).")
    var passes = 5

    func run() throws {
        let started = Date()
        let series = try DumpFile.parse(path: file)
        let samples = series.reduce(0) { $0 + $1.samples.count }
        let parsed = Date()
        let meta = try MetricPartWriter(maxSamplesPerChunk: samplesPerChunk).write(series, to: directory)
        let written = Date()
        let size = { (name: String) in
            ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[.size] as? Int) ?? 0
        }
        let chunksBytes = size(MetricPart.chunksFileName)
        let indexBytes = size(MetricPart.indexFileName)
        let metaBytes = size(MetricPart.metaFileName)
        print("parsed \(series.count) series, \(samples) samples in \(Self.seconds(parsed, started)); "
            + "wrote block \(meta.id) in \(Self.seconds(written, parsed))")
        print("lumen chunks \(chunksBytes) B, index \(indexBytes) B, meta \(metaBytes) B")
        print(String(format: "lumen bytes/sample: chunks %.3f, chunks+index+meta %.3f",
            Double(chunksBytes) / Double(samples), Double(chunksBytes + indexBytes + metaBytes) / Double(samples)))

        let reader = try MetricPartReader(directory: directory)
        let all = try reader.chunks(matching: [], from: .min, to: .max)
        var encodings: [String: (chunks: Int, samples: Int, bytes: Int)] = [:]
        for (_, chunks) in all {
            for chunk in chunks {
                let name = "\(chunk.timeEncoding)/\(chunk.timeUnit) + \(chunk.valueEncoding)"
                encodings[name, default: (0, 0, 0)].chunks += 1
                encodings[name, default: (0, 0, 0)].samples += chunk.count
                encodings[name, default: (0, 0, 0)].bytes += chunk.bytes.count
            }
        }
        print("chunk encodings (time/unit + values: chunks, samples, bytes/sample):")
        for (name, entry) in encodings.sorted(by: { $0.value.samples > $1.value.samples }) {
            print("  " + name.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: " %6d %10d %8.3f", entry.chunks, entry.samples, Double(entry.bytes) / Double(entry.samples)))
        }

        // Decode only: chunks are already in memory and checksummed.
        var best = Double.infinity
        var decoded = 0
        var checksum = 0.0
        for _ in 0..<max(passes, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            decoded = 0
            for (_, chunks) in all {
                for chunk in chunks {
                    for sample in try chunk.samples() {
                        decoded += 1
                        checksum += sample.value.isNaN ? 0 : 1
                    }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        guard decoded == samples else { throw ValidationError("decoded \(decoded) samples, wrote \(samples)") }
        print(String(format: "decode: %d samples in %.3f s = %.1f M samples/s on one core (checksum %.0f)",
            decoded, best, Double(decoded) / best / 1e6, checksum))

        // A whole-block query, including chunk reads and checksums, verified against the input.
        let queryStart = DispatchTime.now().uptimeNanoseconds
        let result = try reader.series(matching: [], from: .min, to: .max)
        let queryTime = Double(DispatchTime.now().uptimeNanoseconds - queryStart) / 1e9
        let expected = Dictionary(series.map { ($0.labels, $0.samples) }, uniquingKeysWith: { $0 + $1 })
        for entry in result where expected[entry.labels] != entry.samples {
            throw ValidationError("series \(entry.labels) did not round-trip")
        }
        guard result.count == expected.count else { throw ValidationError("\(result.count) series read back") }
        print(String(format: "query all series: %.3f s = %.1f M samples/s; every sample round-tripped",
            queryTime, Double(samples) / queryTime / 1e6))
    }

    private static func seconds(_ end: Date, _ start: Date) -> String {
        String(format: "%.2f s", end.timeIntervalSince(start))
    }
}
