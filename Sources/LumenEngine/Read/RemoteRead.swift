import LumenModel

/// One source read another node answers: each case is a method of a source protocol (`MetricSource`,
/// `ExemplarSource`, `LogSource`, `SpanSource`), which a node answers with its own querier's merged answer to the
/// same request (`Querier.answer`). A query node puts each node's answers beside its own sources, so the one
/// read path merges, dedupes and limits them as it does a block's. Codable: it travels with its `ReadRequest`.
public enum RemoteRead: Sendable, Hashable, Codable {
    case metricSeries
    case exemplars
    case metricLabelNames
    case metricLabelValues(name: String)
    /// A page of log records of the selected streams, newest first (or oldest first, as the request says), at
    /// most about the request's limit (`RemotePaging`).
    case logPages
    case logLines(sizes: Bool)
    /// Every record carrying the trace ID (32 hexadecimal digits).
    case logsOfTrace(traceID: String)
    case logLabelNames
    case logLabelValues(name: String)
    /// A page of the spans the prefilter admits, newest first, at most about the request's limit.
    case spanPages
    /// The spans of the traces (32 hexadecimal digits each) the prefilter admits.
    case spansOfTraces(traceIDs: [String])

    /// The trace IDs a read by trace wants, or nil for a read of a range: a read by trace goes only to the nodes
    /// holding those traces' partitions.
    public var traceIDs: [TraceID]? {
        switch self {
        case .logsOfTrace(let id): [id].compactMap { TraceID(hex: $0) }
        case .spansOfTraces(let ids): ids.compactMap { TraceID(hex: $0) }
        default: nil
        }
    }
}

/// A node's answer to a `RemoteRead`, in the model's values (sent in the WAL's batch record encoding,
/// `RemoteReply+Encoding`).
public enum RemoteAnswer: Sendable, Equatable {
    /// Series with their samples or exemplars.
    case series([TimeSeries])
    /// Label names or values, sorted.
    case strings([String])
    case logs([LogRecord])
    case lines([LogStreamLines])
    case spans([Span])
    /// The node's metric read would gather more samples than the request's limit: so would the whole read.
    case overLimit(Int)

    /// How many items it carries: samples (or exemplars) of its series, strings, log records, line times, spans.
    public var items: Int {
        switch self {
        case .series(let series): series.reduce(0) { $0 + $1.samples.count + $1.exemplars.count }
        case .strings(let strings): strings.count
        case .logs(let records): records.count
        case .lines(let streams): streams.reduce(0) { $0 + $1.times.count }
        case .spans(let spans): spans.count
        case .overLimit: 0
        }
    }
}

extension Querier {
    /// This node's reply to `read` for `request`: what its own sources hold, merged by the one read path, with the
    /// warnings its read raised (bound to a `ReadScope` of its own). `shouldStop` is asked between items of the
    /// reads that iterate (logs, spans); once it says yes the reply holds what was gathered (the asking query
    /// stops anyway).
    ///
    /// Log and span pages are paged (`RemotePaging`): at most `request.limit` items (and `RemotePaging.pageItems`)
    /// in the request's order, then every item at the last one's time, or fewer once they reach
    /// `RemotePaging.pageBytes`; `more` says whether the node holds more.
    public func reply(_ read: RemoteRead, _ request: ReadRequest, shouldStop: () -> Bool = { false }) -> RemoteReply {
        let scope = ReadScope()
        var reply = ReadScope.$current.withValue(scope) { unscopedReply(read, request, shouldStop: shouldStop) }
        reply.warnings = scope.warnings
        return reply
    }

    private func unscopedReply(_ read: RemoteRead, _ request: ReadRequest, shouldStop: () -> Bool) -> RemoteReply {
        // A page completes its last item's time, so the read under it has no limit; the page has one, whatever
        // the asker asked.
        var unbounded = request
        unbounded.limit = .max
        let pageLimit = min(request.limit, RemotePaging.pageItems)
        switch read {
        case .metricSeries:
            do throws(ReadLimitExceeded) {
                return RemoteReply(.series(try series(request)))
            } catch {
                return RemoteReply(.overLimit(error.limit))
            }
        case .exemplars: return RemoteReply(.series(exemplars(request)))
        case .metricLabelNames: return RemoteReply(.strings(metricLabelNames(request)))
        case .metricLabelValues(let name): return RemoteReply(.strings(metricLabelValues(name, request)))
        case .logPages:
            let (records, more) = RemotePaging.page(logs(unbounded), limit: pageLimit, shouldStop: shouldStop)
            return RemoteReply(.logs(records), more: more)
        case .logLines(let sizes): return RemoteReply(.lines(logLines(request, sizes: sizes)))
        case .logsOfTrace(let hex):
            guard let id = TraceID(hex: hex) else { return RemoteReply(.logs([])) }
            return RemoteReply(.logs(trace(request.tenant, id: id).logs))
        case .logLabelNames: return RemoteReply(.strings(logLabelNames(request)))
        case .logLabelValues(let name): return RemoteReply(.strings(logLabelValues(name, request)))
        case .spanPages:
            let (spans, more) = RemotePaging.page(spans(unbounded), limit: pageLimit, shouldStop: shouldStop)
            return RemoteReply(.spans(spans), more: more)
        case .spansOfTraces(let hexes):
            let ids = Set(hexes.compactMap { TraceID(hex: $0) })
            return RemoteReply(.spans(traces(ids, request).values.flatMap { $0 }))
        }
    }
}
