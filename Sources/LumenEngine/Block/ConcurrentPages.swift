import Foundation

/// How reads spread page decoding over every core: a read decompresses and decodes a group of pages at once
/// (`concurrentMap`), then judges their rows serially, since the caller's filter need not be thread-safe.
enum ConcurrentPages {
    /// Pages decoded per group: enough to keep every core busy, few enough that a read with a limit stops soon.
    static var groupSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    /// The newest `limit` items of `pages` whose `time` lies in `[from, to]` and that pass `filter`, newest first.
    /// Pages are read newest first by `newest` (the latest time a page holds), a group at a time, and reading stops
    /// once no unread page can hold an item newer than the `limit` found.
    static func newest<Page: Sendable, Item: Sendable>(
        _ pages: [Page], newest: (Page) -> Int64, limit: Int, from: Int64, to: Int64, time: (Item) -> Int64,
        decode: @Sendable (Page) throws(BlockError) -> [Item], filter: (Item) -> Bool
    ) throws(BlockError) -> [Item] {
        let pages = pages.sorted { newest($0) > newest($1) }
        var found: [Item] = []
        var next = 0
        while next < pages.count {
            // `found` is sorted, newest first, whenever it holds `limit` items.
            if found.count >= limit, let oldestKept = found.last.map(time), newest(pages[next]) < oldestKept { break }
            let group = Array(pages[next..<min(next + groupSize, pages.count)])
            next += group.count
            for items in try group.concurrentMap(minimumPerThread: 1, decode) {
                // By index, so that an item the filter turns down is only borrowed, never copied: a read that
                // collects through its filter (a metric, the service graph) turns every item down.
                for index in items.indices
                where time(items[index]) >= from && time(items[index]) <= to && filter(items[index]) {
                    found.append(items[index])
                }
            }
            if found.count >= limit { found = newestFirst(found, time: time, limit: limit) }
        }
        return newestFirst(found, time: time, limit: found.count)
    }

    /// The newest `limit` of `items`, newest first, equal times in their order in `items`. The times are sorted
    /// with each item's position and the items gathered once: moving items as large as a span or a log record
    /// through a sort took seven times longer than decoding them.
    static func newestFirst<Item>(_ items: [Item], time: (Item) -> Int64, limit: Int) -> [Item] {
        var order = items.indices.map { (time: time(items[$0]), position: $0) }
        order.sort { $0.time != $1.time ? $0.time > $1.time : $0.position < $1.position }
        return order.prefix(limit).map { items[$0.position] }
    }
}
