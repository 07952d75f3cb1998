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

    /// The flushes that hold the partition's data, in sequence order: a path of flushes each starting right after
    /// the last one taken, from `start` (1, or the first sequence retention kept: `SharedRetention`). At each step
    /// it takes, of the flushes starting there, the one whose path reaches furthest; of those, the highest epoch,
    /// then the longest (a merged flush over its sources), then the newest ID.
    ///
    /// Why that path is the committed data: an owner claims the flushed sequence `S` under its epoch when it takes
    /// the partition, and its flushes continue from `S + 1`, so a stale owner's flush at the same start has a lower
    /// epoch; a merged flush (`SharedCompaction`) starts where its run starts and carries the compacting owner's
    /// epoch, so it wins over its sources, which are then off the path. Reach comes first so that no leftover can
    /// lead the path into a dead end: a merged flush whose owner was fenced (or crashed) before it removed it
    /// again, overlapping a run the real owner merged and whose sources are gone, ends where nothing starts; the
    /// committed data always forms a path reaching at least the flushed sequence, since sources are removed only
    /// once a merged flush covering them is durable. Every flush holds exactly its sequences' messages, so any
    /// path reads each sequence once. The newest flush on the path may not be committed yet (written, its flushed
    /// sequence not advanced): its data is also in the owner's head, and the querier drops what two sources hold
    /// alike.
    public static func chain(_ flushes: [SharedFlush], from start: UInt64 = 1) -> [SharedFlush] {
        let byFirst = Dictionary(grouping: flushes.filter { $0.first >= start }, by: \.first)
        // How far a path from each start reaches, computed from the highest start down.
        var furthest: [UInt64: UInt64] = [:]
        func reach(after flush: SharedFlush) -> UInt64 {
            flush.last < .max ? furthest[flush.last + 1] ?? flush.last : flush.last
        }
        for first in byFirst.keys.sorted(by: >) {
            let reached = byFirst[first]!.map(reach(after:)).max()!
            furthest[first] = reached
        }
        var chain: [SharedFlush] = []
        var next = start
        while let candidates = byFirst[next],
            let chosen = candidates.max(by: {
                (reach(after: $0), $0.epoch, $0.last, $0.id) < (reach(after: $1), $1.epoch, $1.last, $1.id)
            })
        {
            chain.append(chosen)
            guard chosen.last < .max else { break }
            next = chosen.last + 1
        }
        return chain
    }
}
