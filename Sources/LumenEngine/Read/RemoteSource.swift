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
        fanOut.answer(read, request, node: node)
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
        guard case .logs(let records) = answer(.logPages, request) else { return [] }
        return Dictionary(grouping: records, by: \.streamLabels).map { stream, records in
            SourcePage(newest: records.map(\.time).max() ?? .min, stream: stream, decode: { records })
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

    /// The node's newest `firstPage` spans, and, when the read may take more, the rest of its spans starting at or
    /// before the oldest of those, asked for only if the read gets to them: a search that stops at its limit then
    /// never carries the node's whole range.
    func pages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<Span>] {
        var first = request
        first.limit = min(request.limit, Self.firstPage)
        guard case .spans(let newest) = answer(.spanPages, first), let boundary = newest.map(\.startTime).min() else {
            return []
        }
        var pages = [SourcePage(newest: newest.map(\.startTime).max()!, stream: nil, decode: { newest })]
        guard newest.count == first.limit, request.limit > first.limit else { return pages }
        var rest = request
        rest.to = boundary
        // The rest starts with the spans of the first page's oldest time: those are not taken twice.
        let taken = Set(newest.filter { $0.startTime == boundary }.map(SpanKey.init))
        let (fanOut, node, older) = (fanOut, node, rest)
        pages.append(SourcePage(newest: boundary, stream: nil) {
            guard case .spans(let spans) = fanOut.answer(.spanPages, older, onlyNode: node) else { return [] }
            return spans.filter { !taken.contains(SpanKey($0)) }
        })
        return pages
    }

    /// Spans a node sends before the read says it wants more.
    static var firstPage: Int { 1000 }

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
    private let answers = Mutex<[Key: [RemoteAnswer?]]>([:])

    private struct Key: Hashable {
        let read: RemoteRead
        let request: ReadRequest
    }

    init(nodes: [any RemoteNode], signal: Signal, scope: ReadScope) {
        self.nodes = nodes
        self.signal = signal
        self.scope = scope
    }

    /// `node`'s answer to `read`, nil if it failed (reported to the scope) or holds nothing the read wants.
    func answer(_ read: RemoteRead, _ request: ReadRequest, node: Int) -> RemoteAnswer? {
        let key = Key(read: read, request: request)
        if let known = answers.withLock({ $0[key] }) { return known[node] }
        let waits = nodes.map { $0.start(read, request, scope: scope) }
        let found = zip(nodes, waits).map { node, wait in self.wait(wait, of: node) }
        answers.withLock { $0[key] = found }
        return found[node]
    }

    /// `node`'s answer to a read asked of it alone: the rest of one of its earlier answers.
    func answer(_ read: RemoteRead, _ request: ReadRequest, onlyNode node: Int) -> RemoteAnswer? {
        wait(nodes[node].start(read, request, scope: scope), of: nodes[node])
    }

    private func wait(_ wait: (@Sendable () throws -> RemoteAnswer)?, of node: any RemoteNode) -> RemoteAnswer? {
        guard let wait else { return nil }
        do {
            return try wait()
        } catch {
            scope.nodeFailed("node \(node.name) did not answer: \(error)")
            return nil
        }
    }
}
