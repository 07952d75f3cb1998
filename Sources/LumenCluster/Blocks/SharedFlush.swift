/// One flush of a partition in the shared block store: the blocks (one per tenant) of the stream sequences
/// `first...last` of the partition, written by the owner of lease epoch `epoch`, in a directory named
/// `<first>-<last>-e<epoch>-<ULID>` (the ULID tells two attempts apart).
public struct SharedFlush: Hashable, Sendable {
    public var first: UInt64
    public var last: UInt64
    public var epoch: UInt64
    public var id: String

    public init(first: UInt64, last: UInt64, epoch: UInt64, id: String) {
        self.first = first
        self.last = last
        self.epoch = epoch
        self.id = id
    }

    public var name: String { "\(first)-\(last)-e\(epoch)-\(id)" }

    /// Parses a directory name; nil for anything else (an unfinished `.tmp`, a stray file).
    public init?(name: String) {
        let fields = name.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 4, let first = UInt64(fields[0]), let last = UInt64(fields[1]), first >= 1,
            first <= last, fields[2].first == "e", let epoch = UInt64(fields[2].dropFirst()),
            fields[3].count == 26, fields[3].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        self.init(first: first, last: last, epoch: epoch, id: String(fields[3]))
    }

    /// The flushes that hold the partition's data, in sequence order: from sequence 1, at each step the flush
    /// that starts right after the last one taken, of the highest epoch where several do.
    ///
    /// Why that is the committed one: an owner claims the flushed sequence `S` under its epoch when it takes the
    /// partition, and its flushes continue from `S + 1`; a stale owner's flush at the same start has a lower
    /// epoch (it claimed earlier), and one that started elsewhere is not on the path. The newest flush on the
    /// path may not be committed yet (written, its flushed sequence not advanced): its data is also in the
    /// owner's head, and the querier drops what two sources hold alike.
    public static func chain(_ flushes: [SharedFlush]) -> [SharedFlush] {
        let byFirst = Dictionary(grouping: flushes, by: \.first)
        var chain: [SharedFlush] = []
        var next: UInt64 = 1
        while let candidates = byFirst[next],
            let chosen = candidates.max(by: { ($0.epoch, $0.id) < ($1.epoch, $1.id) })
        {
            chain.append(chosen)
            guard chosen.last < .max else { break }
            next = chosen.last + 1
        }
        return chain
    }
}
