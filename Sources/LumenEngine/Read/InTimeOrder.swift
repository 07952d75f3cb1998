import LumenModel

/// What `InTimeOrder` orders and tells apart: a log record by stream, time and line (as Loki drops a line equal
/// in all three), a span by trace and span ID (a retried delivery).
protocol TimeOrderedItem: Sendable {
    /// The time that orders items, newest first: a record's time, a span's start.
    var orderTime: Int64 { get }
    /// What makes the item itself; `stream` numbers its page's stream.
    func identity(stream: Int) -> ItemIdentity
}

enum ItemIdentity: Hashable {
    case log(stream: Int, time: Int64, line: String)
    case span(SpanKey)
}

/// What tells spans apart: a span delivered twice (in a block and the head, or in two blocks, after a retry)
/// has the same trace and span ID.
struct SpanKey: Hashable {
    let traceID: TraceID
    let spanID: SpanID

    init(_ span: Span) {
        self.init(traceID: span.traceID, spanID: span.spanID)
    }

    init(traceID: TraceID, spanID: SpanID) {
        self.traceID = traceID
        self.spanID = spanID
    }
}

extension LogRecord: TimeOrderedItem {
    var orderTime: Int64 { time }
    func identity(stream: Int) -> ItemIdentity { .log(stream: stream, time: time, line: line) }
}

extension Span: TimeOrderedItem {
    var orderTime: Int64 { startTime }
    func identity(stream: Int) -> ItemIdentity { .span(SpanKey(self)) }
}

/// The items of many sources' pages, newest first, decoded as the iteration gets to them: pages are read newest
/// first by their newest time, a group at a time on every core, and an item is handed out once no unread page
/// can hold a newer one. So a caller that stops after the items it wants (a query's `limit`) leaves the older
/// pages undecoded. An item two sources hold alike is handed out once.
///
/// With `oldestFirst` the same, mirrored: pages by their oldest time, the oldest item first (Loki's `forward`).
/// It runs the newest-first merge over times complemented (`~t`, which reverses their order without overflow).
///
/// A page that fails to decode (a damaged block) is reported to `failed` and left out.
public struct InTimeOrder<Item: Sendable>: Sequence, IteratorProtocol {
    private var groups: PageGroups<Item>
    /// Decoded items not handed out yet, with their streams and times, and `order`: their positions sorted by
    /// time, the newest last.
    private var items: [Item] = []
    private var streams: [Int] = []
    private var times: [Int64] = []
    private var order: [Int] = []
    private var remaining: Int
    private let identify: ((Item, Int) -> ItemIdentity)?
    private var seen = Set<ItemIdentity>()
    private let time: (Item) -> Int64

    static var groupSize: Int { PageGroups<Item>.groupSize }

    /// - Parameter dedupe: whether several sources contributed, so that an item may come twice.
    init(
        _ pages: [SourcePage<Item>], limit: Int, dedupe: Bool, oldestFirst: Bool = false,
        failed: @escaping (BlockError) -> Void
    ) where Item: TimeOrderedItem {
        let key: (SourcePage<Item>) -> Int64 = oldestFirst ? { ~$0.oldest } : { $0.newest }
        groups = PageGroups(pages.sorted { key($0) > key($1) }, key: key, numbersStreams: dedupe, failed: failed)
        remaining = Swift.max(limit, 0)
        identify = dedupe ? { $0.identity(stream: $1) } : nil
        time = oldestFirst ? { ~$0.orderTime } : { $0.orderTime }
    }

    public mutating func next() -> Item? {
        while remaining > 0 {
            if let position = order.last, groups.isFinished || times[position] >= groups.nextKey {
                order.removeLast()
                if let identify, !seen.insert(identify(items[position], streams[position])).inserted { continue }
                remaining -= 1
                return items[position]
            }
            guard !groups.isFinished else { return nil }
            decodeGroup()
        }
        return nil
    }

    private mutating func decodeGroup() {
        if order.isEmpty {
            items.removeAll(keepingCapacity: true)
            streams.removeAll(keepingCapacity: true)
            times.removeAll(keepingCapacity: true)
        }
        let firstNew = items.count
        groups.decodeNext(into: &items, streams: &streams)
        // Positions, not items, are sorted: moving items as large as a span or a log record through a sort took
        // seven times longer than decoding them. Equal times keep their page order. Only the new positions are
        // sorted, then merged into the ones waiting: the pages of a span block each reach its newest time, so a
        // whole block waits until its last page is decoded, and sorting all of it again per group was quadratic.
        times += items[firstNew...].lazy.map(time)
        let times = self.times
        let fresh = (firstNew..<items.count).sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 > $1 }
        order = Self.merge(order, fresh, times: times)
    }

    /// `waiting` and `fresh`, each sorted by time (the newest last), as one sorted list; at equal times a fresh
    /// position, from a later page, comes before (is handed out after) a waiting one.
    private static func merge(_ waiting: [Int], _ fresh: [Int], times: [Int64]) -> [Int] {
        guard !waiting.isEmpty else { return fresh }
        var merged: [Int] = []
        merged.reserveCapacity(waiting.count + fresh.count)
        var w = 0
        var f = 0
        while w < waiting.count, f < fresh.count {
            if times[fresh[f]] <= times[waiting[w]] {
                merged.append(fresh[f])
                f += 1
            } else {
                merged.append(waiting[w])
                w += 1
            }
        }
        merged += waiting[w...]
        merged += fresh[f...]
        return merged
    }
}
