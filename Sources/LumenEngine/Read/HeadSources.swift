import LumenModel

// The head as read sources, a view per signal. Each call takes the head's read lock once, so a query sees each
// batch whole or not at all. Log and span pages are runs of a stream's records (or of the spans) in arrival
// order, cut while the lock is held and copied out only when the querier decodes them: the head only ever
// appends, so a run's items do not change, and a read with a limit copies only the newest runs.

/// The head's series and exemplars.
struct HeadMetricSource: MetricSource, ExemplarSource {
    let head: Head

    func series(_ request: ReadRequest) -> [SourceSeries] {
        head.read(request.tenant) { partition in
            partition.metrics.select(request.matchers, from: request.from, to: request.to).map {
                SourceSeries(labels: $0.labels, samples: .decoded($0.samples))
            }
        }
    }

    func exemplars(_ request: ReadRequest, skipDamaged: (BlockError) -> Void) -> [TimeSeries] {
        head.read(request.tenant) { $0.metrics.exemplars(request.matchers, from: request.from, to: request.to) }
    }

    func labelNames(_ request: ReadRequest) -> [String] { head.read(request.tenant) { $0.metrics.labelNames() } }

    func labelValues(_ name: String, _ request: ReadRequest) -> [String] {
        head.read(request.tenant) { $0.metrics.labelValues(name) }
    }
}

/// The head's log streams.
struct HeadLogSource: LogSource {
    let head: Head

    func pages(_ request: ReadRequest) -> [SourcePage<LogRecord>] {
        let (head, needles) = (head, request.needles)
        return head.read(request.tenant) { partition in
            partition.logs.select(request.matchers).flatMap { id in
                let stream = partition.logs.streams[id]
                return HeadRuns.pages(of: stream.records, time: \.time, request, stream: stream.labels) { run in
                    head.read(request.tenant) { partition in
                        let records = partition.logs.streams[id].records[run]
                        return records.filter { record in
                            record.time >= request.from && record.time <= request.to
                                && needles.allSatisfy { LineSearch.contains(record.line, $0) }
                        }
                    }
                }
            }
        }
    }

    func lines(_ request: ReadRequest, sizes: Bool, skipDamaged: (BlockError) -> Void) -> [LogStreamLines] {
        let needles = request.needles
        return head.read(request.tenant) {
            $0.logs.lines(request.matchers, from: request.from, to: request.to, needles: needles, sizes: sizes)
        }
    }

    func records(of traceID: TraceID, _ request: ReadRequest, skipDamaged: (BlockError) -> Void) -> [LogRecord] {
        head.read(request.tenant) { $0.logs.records(of: traceID) }
    }

    func labelNames(_ request: ReadRequest) -> [String] { head.read(request.tenant) { $0.logs.labelNames() } }

    func labelValues(_ name: String, _ request: ReadRequest) -> [String] {
        head.read(request.tenant) { $0.logs.labelValues(name) }
    }
}

/// The head's spans. They are built already, so the prefilter saves nothing here; the query judges every span.
struct HeadSpanSource: SpanSource {
    let head: Head

    func pages(_ request: ReadRequest) -> [SourcePage<Span>] {
        let head = head
        return head.read(request.tenant) { partition in
            HeadRuns.pages(of: partition.spans.spans, time: \.startTime, request, stream: nil) { run in
                head.read(request.tenant) { partition in
                    partition.spans.spans[run].filter { $0.startTime >= request.from && $0.startTime <= request.to }
                }
            }
        }
    }

    func spans(ofTraces ids: Set<TraceID>, _ request: ReadRequest, skipDamaged: (BlockError) -> Void) -> [Span] {
        head.read(request.tenant) { partition in ids.flatMap { partition.spans.trace($0) } }
    }
}

/// How the head's items are cut into pages.
enum HeadRuns {
    /// Items per run: small enough that a read with a limit copies few, large enough that pages stay few.
    static let length = 4096

    /// Pages of the runs of `items` that hold an item in the request's range, each decoded by `copy`.
    static func pages<Item: Sendable>(
        of items: [Item], time: (Item) -> Int64, _ request: ReadRequest, stream: Labels?,
        copy: @escaping @Sendable (Range<Int>) -> [Item]
    ) -> [SourcePage<Item>] {
        stride(from: 0, to: items.count, by: length).compactMap { start in
            let run = start..<min(start + length, items.count)
            var newest = Int64.min
            var oldest = Int64.max
            var overlaps = false
            for index in run {
                let itemTime = time(items[index])
                if itemTime >= request.from && itemTime <= request.to {
                    overlaps = true
                    newest = max(newest, itemTime)
                    oldest = min(oldest, itemTime)
                }
            }
            return overlaps ? SourcePage(newest: newest, oldest: oldest, stream: stream) { copy(run) } : nil
        }
    }
}

extension Head: Querier {
    public func readSources(_ request: ReadRequest) -> ReadSources {
        ReadSources(
            metrics: [HeadMetricSource(head: self)], exemplars: [HeadMetricSource(head: self)],
            logs: [HeadLogSource(head: self)], spans: [HeadSpanSource(head: self)])
    }

    /// The head holds no blocks, so nothing it reads fails.
    public func readFailed(_ error: BlockError) {}
}
