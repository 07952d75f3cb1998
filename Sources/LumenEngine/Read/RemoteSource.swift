import LumenModel
import Synchronization

/// One other node as a source of every signal: each source method is answered by the node's own merged answer
/// to the same request (`RemoteRead`), handed to the querier as decoded series and pages so that the one read
/// path merges, dedupes and limits it with the local sources. A node that fails is reported to the read's
/// scope and contributes nothing.
struct RemoteSource: MetricSource, ExemplarSource, LogSource, SpanSource {
    let fanOut: RemoteFanOut
    let node: Int

    private func answer(_ read: RemoteRead, _ request: ReadRequest) -> RemoteAnswer? {
        fanOut.answer(read, request, node: node)?.answer
    }

    func series(_ request: ReadRequest) throws(BlockError) -> [SourceSeries] {
        switch answer(.metricSeries, request) {
        case .series(let series): series.map { SourceSeries(labels: $0.labels, samples: .decoded($0.samples)) }
        case .overLimit: [SourceSeries(labels: Labels([]), samples: .overLimit)]
        default: []
        }
    }

    func exemplars(_ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError) -> [TimeSeries] {
        guard case .series(let series) = answer(.exemplars, request) else { return [] }
        return series
    }

    func labelNames(_ request: ReadRequest) -> [String] {
        strings(fanOut.signal == .logs ? .logLabelNames : .metricLabelNames, request)
    }

    func labelValues(_ name: String, _ request: ReadRequest) -> [String] {
        strings(fanOut.signal == .logs ? .logLabelValues(name: name) : .metricLabelValues(name: name), request)
    }

    private func strings(_ read: RemoteRead, _ request: ReadRequest) -> [String] {
        guard case .strings(let strings) = answer(read, request) else { return [] }
        return strings
    }

    func pages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<LogRecord>] {
        paged(.logPages, request) { answer in
            guard case .logs(let records) = answer else { return nil }
            return records
        }
    }

    func lines(_ request: ReadRequest, sizes: Bool, skipDamaged: (BlockError) -> Void) throws(BlockError)
        -> [LogStreamLines]
    {
        guard case .lines(let lines) = answer(.logLines(sizes: sizes), request) else { return [] }
        return lines
    }

    func records(of traceID: TraceID, _ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError)
        -> [LogRecord]
    {
        guard case .logs(let records) = answer(.logsOfTrace(traceID: traceID.hex), request) else { return [] }
        return records
    }

    func pages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<Span>] {
        paged(.spanPages, request) { answer in
            guard case .spans(let spans) = answer else { return nil }
            return spans
        }
    }

    /// The node's first page of items for `read` (about as many as the read wants, `RemotePaging`), and, when it
    /// holds more, a page standing for the rest, fetched a page at a time only as the read gets to it: a read that
    /// stops at its limit never carries the node's whole range.
    private func paged<Item: RemotePagedItem>(
        _ read: RemoteRead, _ request: ReadRequest, items: @escaping @Sendable (RemoteAnswer) -> [Item]?
    ) -> [SourcePage<Item>] {
        var first = request
        first.limit = min(request.limit, RemotePaging.firstPage(request))
        guard let reply = fanOut.answer(read, first, node: node) else { return [] }
        return Self.pages(reply, of: first, read: read, fanOut: fanOut, node: node, items: items)
    }

    /// The pages of one reply to `request`: its items, by stream for logs, and a page for the rest when there is
    /// more (its time bounds are the next request's range, so the read fetches it only once nothing it holds may
    /// come first).
    private static func pages<Item: RemotePagedItem>(
        _ reply: RemoteReply, of request: ReadRequest, read: RemoteRead, fanOut: RemoteFanOut, node: Int,
        items: @escaping @Sendable (RemoteAnswer) -> [Item]?
    ) -> [SourcePage<Item>] {
        guard let found = items(reply.answer), !found.isEmpty else { return [] }
        var pages = Dictionary(grouping: found) { $0.pageStream }.map { stream, streamItems in
            SourcePage(
                newest: streamItems.lazy.map(\.orderTime).max()!, oldest: streamItems.lazy.map(\.orderTime).min()!,
                stream: stream, decode: { streamItems })
        }
        guard reply.more, let next = RemotePaging.next(after: found, request) else { return pages }
        pages.append(SourcePage(newest: next.to, oldest: next.from) {
            guard let reply = fanOut.answer(read, next, onlyNode: node) else { return [] }
            return Self.pages(reply, of: next, read: read, fanOut: fanOut, node: node, items: items)
        })
        return pages
    }

    func spans(ofTraces ids: Set<TraceID>, _ request: ReadRequest, skipDamaged: (BlockError) -> Void)
        throws(BlockError) -> [Span]
    {
        guard case .spans(let spans) = answer(.spansOfTraces(traceIDs: ids.map(\.hex).sorted()), request) else {
            return []
        }
        return spans
    }
}

/// The remote sources of one read: the first source asked for a read starts it on every node at once, and the
/// others take their node's answer from here, so a read waits for the slowest node, not for their sum.
final class RemoteFanOut: Sendable {
    /// Which signal's sources these are: label names and values are asked of metric and log sources alike.
    enum Signal { case metrics, logs, other }

    let nodes: [any RemoteNode]
    let signal: Signal
    let scope: ReadScope
    private let answers = Mutex<[Key: [RemoteReply?]]>([:])

    private struct Key: Hashable {
        let read: RemoteRead
        let request: ReadRequest
    }

    init(nodes: [any RemoteNode], signal: Signal, scope: ReadScope) {
        self.nodes = nodes
        self.signal = signal
        self.scope = scope
    }

    /// `node`'s reply to `read`, nil if it failed (reported to the scope) or holds nothing the read wants.
    func answer(_ read: RemoteRead, _ request: ReadRequest, node: Int) -> RemoteReply? {
        let key = Key(read: read, request: request)
        if let known = answers.withLock({ $0[key] }) { return known[node] }
        let waits = nodes.map { $0.start(read, request, scope: scope) }
        let found = zip(nodes, waits).map { node, wait in self.wait(wait, of: node) }
        answers.withLock { $0[key] = found }
        return found[node]
    }

    /// `node`'s reply to a read asked of it alone: the next page of one of its earlier replies.
    func answer(_ read: RemoteRead, _ request: ReadRequest, onlyNode node: Int) -> RemoteReply? {
        wait(nodes[node].start(read, request, scope: scope), of: nodes[node])
    }

    /// The node's reply; its warnings (a damaged page it left out) become the read's, each once however many
    /// nodes or pages report it.
    private func wait(_ wait: (@Sendable () throws -> RemoteReply)?, of node: any RemoteNode) -> RemoteReply? {
        guard let wait else { return nil }
        do {
            let reply = try wait()
            for warning in reply.warnings { scope.dataDamaged(warning) }
            return reply
        } catch {
            scope.nodeFailed("node \(node.name) did not answer: \(error)")
            return nil
        }
    }
}
