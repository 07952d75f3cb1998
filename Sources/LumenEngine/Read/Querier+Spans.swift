import LumenModel

/// Span and trace reads: pages of every source, decoded newest first until the limit; traces by ID merged.
extension Querier {
    public func spans(_ request: ReadRequest) -> InTimeOrder<Span> {
        newestFirst(readSources(request).spans, request) { source throws(BlockError) in try source.pages(request) }
    }

    public func everySpan(_ request: ReadRequest) -> AnyOrder<Span> {
        anyOrder(readSources(request).spans) { source throws(BlockError) in try source.pages(request) }
    }

    public func spanCalls(_ request: ReadRequest) -> AnyOrder<SpanCallFields> {
        anyOrder(readSources(request).spans) { source throws(BlockError) in try source.callPages(request) }
    }

    public func traces(_ ids: Set<TraceID>, _ request: ReadRequest) -> [TraceID: [Span]] {
        var seen = Set<SpanKey>()
        var byTrace: [TraceID: [Span]] = [:]
        for source in readSources(request).spans {
            for span in answer({ () throws(BlockError) in try source.spans(ofTraces: ids, request) { readFailed($0) } })
                ?? []
            where seen.insert(SpanKey(span)).inserted {
                byTrace[span.traceID, default: []].append(span)
            }
        }
        return byTrace.mapValues { $0.sorted { $0.startTime < $1.startTime } }
    }

    public func trace(_ tenant: Tenant, id: TraceID) -> (spans: [Span], logs: [LogRecord]) {
        let request = ReadRequest(tenant: tenant)
        var seen = Set<ItemIdentity>()
        var streams: [Labels: Int] = [:]
        var logs: [LogRecord] = []
        for source in readSources(request).logs {
            for record in answer({ () throws(BlockError) in try source.records(of: id, request) { readFailed($0) } }) ?? [] {
                // A retried delivery may sit in a block and in the head: keep one of each record.
                let labels = record.streamLabels
                let stream = streams[labels] ?? streams.count
                streams[labels] = stream
                if seen.insert(record.identity(stream: stream)).inserted { logs.append(record) }
            }
        }
        return (traces([id], request)[id] ?? [], logs.sorted { $0.time < $1.time })
    }
}
