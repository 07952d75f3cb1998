import Foundation

/// One input format of a fuzz target: a name, the code under test, and real inputs to start from.
///
/// A target serves several formats: the first byte of libFuzzer's input chooses one (modulo their count) and
/// the rest is that format's input, so a single sanitized binary per family covers all of its decoders.
/// `run` must never crash, hang or leak whatever the bytes; errors thrown by the decoder are the expected
/// answer to a bad input and are ignored.
public struct FuzzCase: Sendable {
    public let name: String
    public let seeds: @Sendable () -> [[UInt8]]
    public let run: @Sendable ([UInt8]) -> Void

    public init(_ name: String, seeds: @escaping @Sendable () -> [[UInt8]], run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.seeds = seeds
        self.run = run
    }
}

/// What `LLVMFuzzerTestOneInput` and `LLVMFuzzerInitialize` of every target call.
public enum FuzzTarget {
    /// Runs the case the input's first byte selects on the rest of the input.
    public static func run(_ cases: [FuzzCase], _ start: UnsafeRawPointer, _ count: Int) {
        guard count > 0 else { return }
        let input = UnsafeRawBufferPointer(start: start, count: count)
        let selected = cases[Int(input[0]) % cases.count]
        selected.run(Array(input.dropFirst()))
    }

    /// With `LUMEN_FUZZ_WRITE_SEEDS=DIR` in the environment, writes every case's seeds into `DIR` (each file
    /// prefixed with its case's selector byte, named `<case>-<n>`) and exits: how `Scripts/fuzz.sh --seeds`
    /// regenerates the committed corpus. Otherwise returns.
    public static func writeSeedsIfAsked(_ cases: [FuzzCase]) {
        guard let directory = ProcessInfo.processInfo.environment["LUMEN_FUZZ_WRITE_SEEDS"] else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (selector, fuzzCase) in cases.enumerated() {
                for (n, seed) in fuzzCase.seeds().enumerated() {
                    let path = "\(directory)/\(fuzzCase.name)-\(n)"
                    try Data([UInt8(selector)] + seed).write(to: URL(fileURLWithPath: path))
                }
            }
            _exit(0)  // not exit: LeakSanitizer would report the seeds still held as leaks
        } catch {
            FileHandle.standardError.write(Data("cannot write seeds into \(directory): \(error)\n".utf8))
            exit(1)
        }
    }
}
