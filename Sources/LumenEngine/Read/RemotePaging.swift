import LumenModel

/// How log and span pages travel between nodes: a node sends a bounded page of its merged items in the read's
/// order, and the asking node asks for the next page, after the last time it received, only if its read gets
/// there. So a query with a limit carries about that limit from each node, and a read of everything comes in
/// bounded replies rather than one of unbounded size.
///
/// A page holds at most its request's `limit` items, then every item at the last one's time, so the next page
/// starts strictly after that time (a cursor that is just the range, narrowed); or it stops early once its items
/// reach `pageBytes`, again after completing the last time.
enum RemotePaging {
    /// The most items a page asks for: where a read wants more, it takes several pages.
    static var pageItems: Int { 10_000 }
    /// The first page's size when the read does not say how many items it wants (it filters them all).
    static var unknownFirstPage: Int { 1000 }
    /// About the most bytes of items a page holds (the line and attributes of a log record, a span's fields).
    static var pageBytes: Int { 8 << 20 }

    /// The size of a read's first page of another node's items: about what it wants.
    static func firstPage(_ request: ReadRequest) -> Int {
        request.wanted == .max ? unknownFirstPage : min(max(request.wanted, 1), pageItems)
    }

    /// The next page's request after a page of `items` (in the request's order, not empty): the range after the
    /// last item's time, twice as many items (up to `pageItems`); nil when the range holds nothing after it.
    static func next<Item: RemotePagedItem>(after items: [Item], _ request: ReadRequest) -> ReadRequest? {
        var next = request
        next.limit = min(request.limit.multipliedReportingOverflow(by: 2).partialValue, pageItems)
        if request.oldestFirst {
            guard let last = items.last?.orderTime, last < request.to else { return nil }
            next.from = last + 1
        } else {
            guard let last = items.last?.orderTime, last > request.from else { return nil }
            next.to = last - 1
        }
        return next
    }

    /// A page of `items` (a merged read in its order): see the type's comment. `more` says whether items are left
    /// after it; `shouldStop` is asked every 1,024 items, and once it says yes the page ends there.
    static func page<Items: Sequence>(_ items: Items, limit: Int, shouldStop: () -> Bool)
        -> (items: [Items.Element], more: Bool) where Items.Element: RemotePagedItem
    {
        guard limit > 0 else { return ([], false) }
        var found: [Items.Element] = []
        var bytes = 0
        var iterator = items.makeIterator()
        while let item = iterator.next() {
            if let last = found.last, found.count >= limit || bytes >= pageBytes, item.orderTime != last.orderTime {
                return (found, true)
            }
            found.append(item)
            bytes += item.pagedBytes
            if found.count % 1024 == 0, shouldStop() { return (found, true) }
        }
        return (found, false)
    }
}

/// An item that travels in pages: its time orders it, its stream (log records) groups it into source pages, its
/// size bounds a page.
protocol RemotePagedItem: TimeOrderedItem {
    var pageStream: Labels? { get }
    /// About the bytes it takes in a reply.
    var pagedBytes: Int { get }
}

extension LogRecord: RemotePagedItem {
    var pageStream: Labels? { streamLabels }
    var pagedBytes: Int { 64 + line.utf8.count + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.text.utf8.count } }
}

extension Span: RemotePagedItem {
    var pageStream: Labels? { nil }
    var pagedBytes: Int {
        128 + name.utf8.count + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.text.utf8.count }
            + events.count * 64
    }
}
