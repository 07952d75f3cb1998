import LumenModel
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The labels of series already seen, keyed by their label fields' bytes on the wire. A sender writes the same
/// bytes for a series in every request, so a known series skips reading, validating, sorting and hashing its
/// strings; and it gets back the very `Labels` the head stored, which compare equal by identity.
///
/// Bounded: two generations of at most `capacity` entries. A hit in the older one moves the entry to the newer;
/// when the newer fills, the older is dropped. Series still being sent stay, series no longer sent age out.
/// Only valid labels are kept: a refused series is checked again each time, and so refused again with its reason.
final class SeriesLabelsCache: Sendable {
    /// Where one series' label fields lie in a request, and their hash.
    struct Key {
        let range: Range<Int>
        let hash: UInt64

        init(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
            self.range = range
            hash = Self.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range])))
        }

        /// A multiply–xorshift over 8-byte words, finished by SplitMix64's mixer: fast on the short runs of label
        /// bytes a series has, and good enough for a table whose entries are confirmed by comparing the bytes.
        private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            var hash = UInt64(truncatingIfNeeded: bytes.count) &* 0x9e37_79b9_7f4a_7c15
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                hash = (hash ^ word) &* 0xff51_afd7_ed55_8ccd
                hash ^= hash >> 29
                offset += 8
            }
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail = tail << 8 | UInt64(bytes[index]) }
            hash = (hash ^ tail) &* 0xc4ce_b9fe_1a85_ec53
            hash ^= hash >> 32
            return hash
        }
    }

    private struct Entry {
        let bytes: [UInt8]
        let labels: Labels

        func matches(_ wire: UnsafeBufferPointer<UInt8>) -> Bool {
            bytes.count == wire.count
                && (wire.isEmpty || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, wire.baseAddress!, wire.count) == 0 })
        }
    }

    private struct Generations {
        var newer: [UInt64: Entry] = [:]
        var older: [UInt64: Entry] = [:]
    }

    let capacity: Int
    private let generations = Mutex(Generations())

    /// 100,000 series a generation: a few tens of megabytes at most, most of it shared with the head's labels.
    init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// The cached labels of each key (`nil` where unknown or without a key), under one lock for the whole request.
    func labels(for keys: [Key?], in bytes: UnsafeBufferPointer<UInt8>) -> [Labels?] {
        generations.withLock { generations in
            keys.map { key in
                guard let key else { return nil }
                let wire = UnsafeBufferPointer(rebasing: bytes[key.range])
                if let entry = generations.newer[key.hash] {
                    return entry.matches(wire) ? entry.labels : nil
                }
                guard let entry = generations.older[key.hash], entry.matches(wire) else { return nil }
                Self.insert(entry, hash: key.hash, into: &generations, capacity: capacity)
                return entry.labels
            }
        }
    }

    /// Remembers the labels of series read and found valid.
    func remember(_ found: [(key: Key, labels: Labels)], in bytes: UnsafeBufferPointer<UInt8>) {
        guard !found.isEmpty else { return }
        let entries = found.map { (hash: $0.key.hash, entry: Entry(bytes: Array(bytes[$0.key.range]), labels: $0.labels)) }
        generations.withLock { generations in
            for (hash, entry) in entries { Self.insert(entry, hash: hash, into: &generations, capacity: capacity) }
        }
    }

    var count: Int {
        generations.withLock { $0.newer.count + $0.older.count }
    }

    private static func insert(_ entry: Entry, hash: UInt64, into generations: inout Generations, capacity: Int) {
        if generations.newer.count >= capacity {
            generations.older = generations.newer
            generations.newer = [:]
        }
        generations.newer[hash] = entry
    }
}
