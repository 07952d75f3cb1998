/// The items of many sources' pages in the order they are decoded, each once: for reads that take every item in
/// a range (the service graph, a trace search's candidates). Newest-first order would hold all of a span block's
/// items until its last page is decoded, since every page of a span block reaches the block's newest time; this
/// holds one group of pages at a time.
public struct AnyOrder<Item: Sendable>: Sequence, IteratorProtocol {
    private var groups: PageGroups<Item>
    private var items: [Item] = []
    private var streams: [Int] = []
    private var position = 0
    private let identify: ((Item, Int) -> ItemIdentity)?
    private var seen = Set<ItemIdentity>()

    /// - Parameter dedupe: whether several sources contributed, so that an item may come twice.
    init(_ pages: [SourcePage<Item>], dedupe: Bool, failed: @escaping (BlockError) -> Void)
    where Item: TimeOrderedItem {
        groups = PageGroups(pages, numbersStreams: dedupe, failed: failed)
        identify = dedupe ? { $0.identity(stream: $1) } : nil
    }

    public mutating func next() -> Item? {
        while true {
            while position < items.count {
                defer { position += 1 }
                if let identify, !seen.insert(identify(items[position], streams[position])).inserted { continue }
                return items[position]
            }
            guard !groups.isFinished else { return nil }
            items.removeAll(keepingCapacity: true)
            streams.removeAll(keepingCapacity: true)
            position = 0
            groups.decodeNext(into: &items, streams: &streams)
            if identify != nil, seen.isEmpty {
                // Room for the whole read at the first group's items per page: the set is then not rehashed
                // each time it doubles.
                seen.reserveCapacity(items.count * groups.pages.count / groups.next)
            }
        }
    }
}
