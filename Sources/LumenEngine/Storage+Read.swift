import LumenModel

/// Reads over everything the store holds: the head, a head being cut, and the tenant's blocks that overlap the
/// time range, merged. A block that turns out damaged is logged and left out of the answer, never fatal.
extension Storage: TelemetryReader {
    /// The sources a read sees, taken together so that a head cut finishing meanwhile neither hides nor doubles
    /// data.
    private func sources(_ tenant: Tenant, from: Int64 = .min, to: Int64 = .max) -> (heads: [Head], blocks: [Block]) {
        state.withLock { state in
            (
                [state.head] + (state.cutting.map { [$0.head] } ?? []),
                state.blocks.filter { $0.tenant == tenant && $0.overlaps(from, to) }
            )
        }
    }

    private func fromBlock<T>(_ block: Block, _ read: () throws(BlockError) -> T?) -> T? {
        do {
            return try read()
        } catch {
            logger.error("a block read failed; its data is left out of this answer", metadata: [
                "block": "\(block.meta.id)", "error": "\(error)",
            ])
            return nil
        }
    }

    public func series(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        let (samples, merged) = gather(tenant, from: from, to: to, \.samples) { block throws(BlockError) in
            try block.metrics?.series(matching: matchers, from: from, to: to)
        } head: { head in
            head.series(tenant, matching: matchers, from: from, to: to)
        }
        // Where two sources hold the same timestamp, the first value written (the oldest source's) stays.
        return samples.map { labels, samples in
            TimeSeries(labels: labels, samples: merged ? MetricBlockWriter.sortedUnique(samples) : samples)
        }.sorted { $0.labels < $1.labels }
    }

    public func exemplars(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        let (exemplars, _) = gather(tenant, from: from, to: to, \.exemplars) { block throws(BlockError) in
            try block.exemplars?.exemplars(matching: matchers, from: from, to: to)
        } head: { head in
            head.exemplars(tenant, matching: matchers, from: from, to: to)
        }
        // A retried exemplar may sit in a block and in the head (or in two blocks): keep one of each.
        return exemplars.map { labels, exemplars in
            var seen = Set<Exemplar>()
            let unique = exemplars.sorted { $0.timestamp < $1.timestamp }.filter { seen.insert($0).inserted }
            return TimeSeries(labels: labels, samples: [], exemplars: unique)
        }.sorted { $0.labels < $1.labels }
    }

    /// One part of the selected series (samples or exemplars) from every source by labels, oldest source first;
    /// `merged` is false when a single head answered, so its series need no merging.
    private func gather<Element>(
        _ tenant: Tenant, from: Int64, to: Int64, _ part: KeyPath<TimeSeries, [Element]>,
        block read: (Block) throws(BlockError) -> [TimeSeries]?, head select: (Head) -> [TimeSeries]
    ) -> (parts: [Labels: [Element]], merged: Bool) {
        let (heads, blocks) = sources(tenant, from: from, to: to)
        var parts: [Labels: [Element]] = [:]
        for block in blocks {
            for series in fromBlock(block, { () throws(BlockError) in try read(block) }) ?? [] {
                parts[series.labels, default: []] += series[keyPath: part]
            }
        }
        for head in heads.reversed() {
            for series in select(head) { parts[series.labels, default: []] += series[keyPath: part] }
        }
        return (parts, !(blocks.isEmpty && heads.count == 1))
    }

    public func metricLabelNames(_ tenant: Tenant) -> [String] {
        let (heads, blocks) = sources(tenant)
        return union(heads.map { $0.metricLabelNames(tenant) } + blocks.map { $0.metrics?.labelNames() ?? [] })
    }

    public func metricLabelValues(_ tenant: Tenant, name: String) -> [String] {
        let (heads, blocks) = sources(tenant)
        return union(heads.map { $0.metricLabelValues(tenant, name: name) }
            + blocks.map { $0.metrics?.labelValues(name) ?? [] })
    }

    public func logs(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int,
        lineContains: [String], filter: (LogRecord) -> Bool
    ) -> [LogRecord] {
        let (heads, blocks) = sources(tenant, from: from, to: to)
        var records: [LogRecord] = []
        for head in heads {
            records += head.logs(
                tenant, matching: matchers, from: from, to: to, limit: limit, lineContains: lineContains, filter: filter)
        }
        for block in blocks.reversed() {
            // Blocks newest first: once `limit` records are newer than a block's newest, it cannot contribute.
            if limit > 0, records.count >= limit {
                records.sort { $0.time > $1.time }
                if let oldestKept = records.dropFirst(limit - 1).first?.time, block.meta.maxTime < oldestKept {
                    continue
                }
            }
            records += fromBlock(block) { () throws(BlockError) in
                try block.logs?.logs(
                    matching: matchers, from: from, to: to, limit: limit, lineContains: lineContains, filter: filter)
            } ?? []
        }
        records.sort { $0.time > $1.time }
        return Array(records.prefix(limit))
    }

    public func logLines(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, lineContains: [String],
        sizes: Bool
    ) -> [LogStreamLines] {
        let (heads, blocks) = sources(tenant, from: from, to: to)
        var lines: [LogStreamLines] = []
        for head in heads {
            lines += head.logLines(
                tenant, matching: matchers, from: from, to: to, lineContains: lineContains, sizes: sizes)
        }
        for block in blocks {
            lines += fromBlock(block) { () throws(BlockError) in
                try block.logs?.lines(
                    matching: matchers, from: from, to: to, lineContains: lineContains, sizes: sizes)
            } ?? []
        }
        return LogStreamLines.merged(lines)
    }

    public func logLabelNames(_ tenant: Tenant) -> [String] {
        let (heads, blocks) = sources(tenant)
        return union(heads.map { $0.logLabelNames(tenant) } + blocks.map { $0.logs?.labelNames() ?? [] })
    }

    public func logLabelValues(_ tenant: Tenant, name: String) -> [String] {
        let (heads, blocks) = sources(tenant)
        return union(heads.map { $0.logLabelValues(tenant, name: name) } + blocks.map { $0.logs?.labelValues(name) ?? [] })
    }

    public func trace(_ tenant: Tenant, id: TraceID) -> (spans: [Span], logs: [LogRecord]) {
        let (heads, blocks) = sources(tenant)
        var logs: [LogRecord] = []
        for block in blocks {
            logs += fromBlock(block) { () throws(BlockError) in try block.logs?.records(of: id) } ?? []
        }
        for head in heads { logs += head.trace(tenant, id: id).logs }
        return (traces(tenant, ids: [id], prefilter: .none)[id] ?? [], logs.sorted { $0.time < $1.time })
    }

    public func traces(_ tenant: Tenant, ids: Set<TraceID>, prefilter: SpanPrefilter) -> [TraceID: [Span]] {
        let (heads, blocks) = sources(tenant)
        var spans: [Span] = []
        for block in blocks {
            spans += fromBlock(block) { () throws(BlockError) in try block.spans(ofTraces: ids, prefilter: prefilter) } ?? []
        }
        for head in heads { spans += head.traces(tenant, ids: ids, prefilter: prefilter).values.joined() }
        // A retried delivery may sit in a block and in the head, or in two blocks: keep one of each span.
        var seen = Set<SpanKey>()
        var byTrace: [TraceID: [Span]] = [:]
        for span in spans where seen.insert(SpanKey(span)).inserted { byTrace[span.traceID, default: []].append(span) }
        return byTrace.mapValues { $0.sorted { $0.startTime < $1.startTime } }
    }

    public func spans(
        _ tenant: Tenant, from: Int64, to: Int64, limit: Int, prefilter: SpanPrefilter, filter: (Span) -> Bool
    ) -> [Span] {
        let (heads, blocks) = sources(tenant, from: from, to: to)
        var spans: [Span] = []
        for head in heads { spans += head.spans(tenant, from: from, to: to, limit: limit, filter: filter) }
        for block in blocks.reversed() {
            // Blocks newest first: once `limit` spans are newer than a block's newest, it cannot contribute.
            if limit > 0, spans.count >= limit {
                spans = Self.newestUnique(spans, limit)
                if spans.count == limit, let oldestKept = spans.last?.startTime, block.meta.maxTime < oldestKept {
                    continue
                }
            }
            spans += fromBlock(block) { () throws(BlockError) in
                try block.spans?.spans(from: from, to: to, limit: limit, prefilter: prefilter, filter: filter)
            } ?? []
        }
        return Self.newestUnique(spans, limit)
    }

    /// The newest `limit` spans, newest first, a span delivered twice (in a block and the head, or in two
    /// blocks) kept once.
    private static func newestUnique(_ spans: [Span], _ limit: Int) -> [Span] {
        var seen = Set<SpanKey>()
        var unique: [Span] = []
        for span in spans.sorted(by: { $0.startTime > $1.startTime }) where unique.count < limit {
            if seen.insert(SpanKey(span)).inserted { unique.append(span) }
        }
        return unique
    }

    private func union(_ lists: [[String]]) -> [String] {
        lists.count == 1 ? lists[0] : Array(Set(lists.joined())).sorted()
    }
}
