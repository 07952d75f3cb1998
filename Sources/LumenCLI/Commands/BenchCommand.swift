import ArgumentParser
import Foundation
import LumenEngine
import LumenModel

/// `lumen bench …`: measurements behind `docs/BENCHMARKS.md`, run by the scripts in `Scripts/bench/`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks behind docs/BENCHMARKS.md (run by Scripts/bench/*.sh).",
        subcommands: [
            MetricBlock.self, RemoteWriteBenchCommand.self, LogBlockBenchCommand.self, LogQueriesBenchCommand.self,
            SpanBlockBenchCommand.self, SpanQueriesBenchCommand.self, HeadMemoryBenchCommand.self,
        ])

    /// Prints one result as a line of JSON with sorted keys, what the `Scripts/bench/` scripts parse.
    static func printJSON(_ object: [String: Any]) throws {
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: json, as: UTF8.self))
    }

    /// `lumen bench metric-block FILE DIR` (Scripts/bench/metrics-size.sh): writes the samples of a
    /// `promtool tsdb dump` file as a Lumen metric block and reports its size and decode speed.
    struct MetricBlock: ParsableCommand {
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
}

/// Reads `promtool tsdb dump` output: `{name="value", …} value timestamp_ms` per line.
enum DumpFile {
    struct Error: Swift.Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "dump line \(line): \(message)" }
    }

    static func parse(path: String) throws -> [(labels: Labels, samples: [Sample])] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Error(line: 0, message: "cannot read \(path)") }
        var order: [String] = []
        var bySeries: [String: (labels: Labels, samples: [Sample])] = [:]
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            lineNumber += 1
            guard let close = line.lastIndex(of: UInt8(ascii: "}")) else { throw Error(line: lineNumber, message: "no labels") }
            let key = String(decoding: line[line.startIndex...close], as: UTF8.self)
            let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "))
            guard fields.count == 2, let time = Int64(String(decoding: fields[1], as: UTF8.self)),
                let value = parseValue(String(decoding: fields[0], as: UTF8.self))
            else { throw Error(line: lineNumber, message: "expected `value timestamp_ms` after the labels") }
            if bySeries[key] == nil {
                bySeries[key] = (try parseLabels(key, line: lineNumber), [])
                order.append(key)
            }
            bySeries[key]!.samples.append(Sample(timestamp: time * Timestamp.nanosecondsPerMillisecond, value: value))
        }
        return order.map { bySeries[$0]! }
    }

    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    /// `{a="x", b="y\"z"}` with Go's escapes for quotes, backslashes, newlines and tabs.
    static func parseLabels(_ text: String, line: Int) throws -> Labels {
        var labels: [Label] = []
        var characters = Array(text.unicodeScalars)
        guard characters.first == "{", characters.last == "}" else { throw Error(line: line, message: "labels not in braces") }
        characters = Array(characters.dropFirst().dropLast())
        var index = 0
        while index < characters.count {
            while index < characters.count, characters[index] == " " || characters[index] == "," { index += 1 }
            guard index < characters.count else { break }
            var name = ""
            while index < characters.count, characters[index] != "=" { name.unicodeScalars.append(characters[index]); index += 1 }
            guard index + 1 < characters.count, characters[index + 1] == "\"" else { throw Error(line: line, message: "bad label \(name)") }
            index += 2
            var value = ""
            while index < characters.count, characters[index] != "\"" {
                if characters[index] == "\\", index + 1 < characters.count {
                    index += 1
                    switch characters[index] {
                    case "n": value += "\n"
                    case "t": value += "\t"
                    default: value.unicodeScalars.append(characters[index])
                    }
                } else {
                    value.unicodeScalars.append(characters[index])
                }
                index += 1
            }
            guard index < characters.count else { throw Error(line: line, message: "unterminated value of \(name)") }
            index += 1
            labels.append(Label(name, value))
        }
        return Labels(labels)
    }
}
