/// A k-way merge of sources that each give their items in order, a page at a time: all the items in that order,
/// holding one decoded page per source (what compaction reads blocks with, `LogPartMerge`, `SpanPartMerge`). Of
/// items that neither precedes, the earlier source's comes first.
struct PageMerge<Item> {
    /// Reads one page of a source, by its number.
    typealias ReadPage = (Int) throws(BlockError) -> [Item]

    private struct Source {
        let pages: Int
        let read: ReadPage
        var nextPage = 0
        var items: [Item] = []
        var position = 0

        /// Whether an item is at `position`: when the page is done, the next one with items is read.
        mutating func fill() throws(BlockError) -> Bool {
            while position == items.count {
                guard nextPage < pages else { return false }
                items = []  // the page read is not held beside the next
                items = try read(nextPage)
                nextPage += 1
                position = 0
            }
            return true
        }
    }

    private var sources: [Source]
    private let precedes: (Item, Item) -> Bool

    /// Merges `sources`, each its number of pages and how to read one; every source's items are in `precedes`
    /// order, across its pages.
    init(_ sources: [(pages: Int, read: ReadPage)], by precedes: @escaping (Item, Item) -> Bool) {
        self.sources = sources.map { Source(pages: $0.pages, read: $0.read) }
        self.precedes = precedes
    }

    /// The next item in order, or nil when every source is done. A page that cannot be read throws its error.
    mutating func next() throws(BlockError) -> Item? {
        var first: Int?
        for index in sources.indices {
            guard try sources[index].fill() else { continue }
            if let best = first, !precedes(current(index), current(best)) { continue }
            first = index
        }
        guard let first else { return nil }
        defer { sources[first].position += 1 }
        return current(first)
    }

    /// Calls `body` with each item in order, except one whose `key` an earlier item of its `group` had: a group is
    /// a run of items contiguous in this order (a log stream's records at one time, a trace's spans), so only one
    /// group's keys are held.
    mutating func forEachOnce<Group: Equatable, Key: Hashable>(
        group: (Item) -> Group, key: (Item) -> Key, _ body: (Item) throws(BlockError) -> Void
    ) throws(BlockError) {
        var current: Group?
        var keys = Set<Key>()
        while let item = try next() {
            if group(item) != current {
                current = group(item)
                keys.removeAll(keepingCapacity: true)
            }
            if keys.insert(key(item)).inserted { try body(item) }
        }
    }

    private func current(_ source: Int) -> Item { sources[source].items[sources[source].position] }
}
