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
    /// Log records of the selected streams, newest first, at most the request's limit.
    case logPages
    case logLines(sizes: Bool)
    /// Every record carrying the trace ID (32 hexadecimal digits).
    case logsOfTrace(traceID: String)
    case logLabelNames
    case logLabelValues(name: String)
    /// Spans the prefilter admits, newest first, at most the request's limit.
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
/// `RemoteAnswer+Encoding`).
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
}

extension Querier {
    /// This node's answer to `read` for `request`: what its own sources hold, merged by the one read path.
    /// `shouldStop` is asked between items of the reads that iterate (logs, spans); once it says yes the answer
    /// holds what was gathered (the asking query stops anyway).
    public func answer(_ read: RemoteRead, _ request: ReadRequest, shouldStop: () -> Bool = { false })
        -> RemoteAnswer
    {
        switch read {
        case .metricSeries:
            do throws(ReadLimitExceeded) {
                return .series(try series(request))
            } catch {
                return .overLimit(error.limit)
            }
        case .exemplars: return .series(exemplars(request))
        case .metricLabelNames: return .strings(metricLabelNames(request))
        case .metricLabelValues(let name): return .strings(metricLabelValues(name, request))
        case .logPages: return .logs(Self.gathered(logs(request), shouldStop: shouldStop))
        case .logLines(let sizes): return .lines(logLines(request, sizes: sizes))
        case .logsOfTrace(let hex):
            guard let id = TraceID(hex: hex) else { return .logs([]) }
            return .logs(trace(request.tenant, id: id).logs)
        case .logLabelNames: return .strings(logLabelNames(request))
        case .logLabelValues(let name): return .strings(logLabelValues(name, request))
        case .spanPages: return .spans(Self.gathered(spans(request), shouldStop: shouldStop))
        case .spansOfTraces(let hexes):
            let ids = Set(hexes.compactMap { TraceID(hex: $0) })
            return .spans(traces(ids, request).values.flatMap { $0 })
        }
    }

    /// The items of `items` until `shouldStop`, asked every 1,024.
    private static func gathered<Items: Sequence>(_ items: Items, shouldStop: () -> Bool) -> [Items.Element] {
        var found: [Items.Element] = []
        for item in items {
            found.append(item)
            if found.count % 1024 == 0, shouldStop() { break }
        }
        return found
    }
}
