import LumenModel

/// A Bloom filter over 64-bit hashes: "certainly absent" or "maybe present". Blocks keep one per log page (the
/// trigrams of its lines, and its trace IDs) and one per span part (its trace IDs), so a search or a lookup
/// skips pages without decompressing them.
///
/// 7 probes by double hashing; 10 bits per distinct item by default, about 1 % false positives.
struct BloomFilter: Equatable {
    static let bitsPerItem = 10
    /// A log page's trigrams take 8 bits each, about 2.3 % false positives: a needle is pruned when any one of its
    /// trigrams is missing, and most needles have several, while the filter is a sizeable share of a page of
    /// varied text (a sixth of this machine's dpkg log at 10 bits).
    static let trigramBitsPerItem = 8
    static let probes = 7

    private(set) var words: [UInt64]

    /// An empty filter for about `capacity` distinct items.
    init(capacity: Int, bitsPerItem: Int = Self.bitsPerItem) {
        words = [UInt64](repeating: 0, count: max(1, (capacity * bitsPerItem + 63) / 64))
    }

    init(words: [UInt64]) {
        self.words = words.isEmpty ? [0] : words
    }

    mutating func insert(_ hash: UInt64) {
        let bits = UInt64(words.count * 64)
        var probe = hash & 0xffff_ffff
        let step = (hash >> 32) | 1
        for _ in 0..<Self.probes {
            let bit = probe % bits
            words[Int(bit >> 6)] |= 1 << (bit & 63)
            probe &+= step
        }
    }

    func mayContain(_ hash: UInt64) -> Bool {
        let bits = UInt64(words.count * 64)
        var probe = hash & 0xffff_ffff
        let step = (hash >> 32) | 1
        for _ in 0..<Self.probes {
            let bit = probe % bits
            guard words[Int(bit >> 6)] & (1 << (bit & 63)) != 0 else { return false }
            probe &+= step
        }
        return true
    }

    /// SplitMix64's finaliser: spreads any 64-bit key over all bits, so both probe halves are independent enough.
    static func mix(_ key: UInt64) -> UInt64 {
        var z = key &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static func hash(_ traceID: TraceID) -> UInt64 { mix(traceID.high ^ mix(traceID.low)) }

    /// The hashes of every three-byte window of `text` (the unit a substring search can prune on), but those with
    /// a decimal digit in them and those of three lowercase hex digits. IDs, numbers and versions make thousands
    /// of those in every page: they tripled the filter on ID-heavy pages and made a third of it on this machine's
    /// dpkg log, while telling pages apart by little. A needle made only of such windows prunes nothing.
    static func trigramHashes(_ text: some Collection<UInt8>, into hashes: inout Set<UInt64>) {
        var window: UInt64 = 0
        var hexRun = 0
        var sinceDigit = 3
        for (position, byte) in text.enumerated() {
            window = (window << 8 | UInt64(byte)) & 0xff_ffff
            hexRun = HexCoding.isLowercaseDigit(byte) ? hexRun + 1 : 0
            sinceDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? 0 : sinceDigit + 1
            if position >= 2, hexRun < 3, sinceDigit >= 3 { hashes.insert(mix(window)) }
        }
    }

    /// True if a line containing `needle` could be among the lines whose trigrams the filter holds. Needles under
    /// three bytes have no trigram and always may.
    func mayContainSubstring(_ needle: String) -> Bool {
        var hashes = Set<UInt64>()
        Self.trigramHashes(needle.utf8, into: &hashes)
        return hashes.allSatisfy(mayContain)
    }
}

extension BloomFilter {
    func write(to out: inout ByteWriter) {
        out.count(words.count)
        for word in words { out.fixed64(word) }
    }

    init(from reader: inout ByteReader) throws(BatchRecordError) {
        let count = try reader.count("filter word", minimumSize: 8)
        var words: [UInt64] = []
        words.reserveCapacity(count)
        for _ in 0..<count { words.append(try reader.fixed64("filter word")) }
        self.init(words: words)
    }
}
