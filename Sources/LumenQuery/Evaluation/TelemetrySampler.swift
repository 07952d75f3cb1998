import LumenEngine
import LumenModel

/// Turns the log lines or spans a range selects into series of samples, one sample per line or span at its
/// time, for the metric functions to read.
///
/// The store's filter collects the samples and passes nothing on, so no record is held beyond its sample.
struct TelemetrySampler {
    let store: any TelemetryReader
    let tenant: Tenant
    let budget: QueryBudget
    let grouping: Aggregation.Grouping?

    /// A line's labels are its stream's plus the fields its parsers extracted (not the unwrapped one; one named
    /// like a stream label as `<name>_extracted`); its value
    /// is the unwrapped field, else its size in bytes (0 without `sizes`, for functions that only count). A line
    /// whose field doesn't convert gives no sample.
    func logs(_ query: LogQuery, from: Int64, to: Int64, sizes: Bool) throws(QueryError) -> [TimeSeries] {
        var collector = Collector(budget: budget, grouping: grouping)
        if query.unwrap == nil, let dropped = Self.labelsOnly(query) {
            // Only `|=` filters (and `| drop` of labels): the store answers with each line's time and size, no
            // record built.
            let streams = store.logLines(
                tenant, matching: query.matchers, from: from, to: to, lineContains: query.lineContains, sizes: sizes,
                wanted: budget.samplesLeft)
            for stream in streams where !collector.isStopped {
                var labels = query.levelLabels ? StreamLabels.withLevels(stream.labels.labels) : stream.labels.labels
                if !dropped.isEmpty { labels.removeAll { dropped.contains($0.name) } }
                collector.add(labels, stream.times.indices.map { index in
                    Sample(timestamp: stream.times[index], value: sizes ? Double(stream.sizes[index]) : 0)
                })
            }
            return try collector.series()
        }
        let pipeline = try LogPipeline(query.stages)
        var streams = StreamLabels()
        _ = store.logs(
            tenant, matching: query.matchers, from: from, to: to, limit: .max, lineContains: query.lineContains
        ) { record in
            guard !collector.isStopped, var entry = pipeline.run(record) else { return false }
            let value: Double
            if let unwrap = query.unwrap {
                guard let text = entry.value(of: unwrap.field), let converted = Self.convert(text, unwrap.conversion)
                else { return false }
                value = converted
            } else {
                value = Double(record.line.utf8.count)
            }
            if let unwrap = query.unwrap { entry.extracted.removeAll { $0.name == unwrap.field } }
            collector.add(streams.series(entry, levels: query.levelLabels), Sample(timestamp: record.time, value: value))
            return false
        }
        return try collector.series()
    }

    /// A span's labels are `service` and `name`, plus each other field `by (…)` names; its value is the
    /// unwrapped field (`duration` in seconds), else 1. With structure or trace aggregates, the spans are those
    /// the query matches in whole traces (as a search would show them).
    func spans(_ query: SpanQuery, from: Int64, to: Int64) throws(QueryError) -> [TimeSeries] {
        let unwrapField = query.unwrap.flatMap { Parser.spanField($0.field) }
        var extra: [(name: String, field: SpanField)] = []
        if case .by(let names) = grouping {
            for name in names where name != "service" && name != "name" {
                if let field = Parser.spanField(name) { extra.append((name, field)) }
            }
        }
        var collector = Collector(budget: budget, grouping: grouping)
        func sample(_ span: Span) {
            var value = 1.0
            if let unwrapField {
                guard let number = SpanValues.number(unwrapField, of: span) else { return }
                value = unwrapField == .duration ? number / 1e9 : number
            }
            var labels = [Label("service", span.serviceName), Label("name", span.name)]
            for (name, field) in extra { labels.append(Label(name, SpanValues.text(field, of: span))) }
            collector.add(labels, Sample(timestamp: span.startTime, value: value))
        }
        if query.isSimple {
            let predicate = try SpanPredicate(query.spans.resultCondition)
            _ = store.spans(tenant, from: from, to: to, limit: .max, prefilter: predicate.prefilter) { span in
                if !collector.isStopped, predicate.matches(span) { sample(span) }
                return false
            }
        } else {
            let search = TraceSearch(store: store, tenant: tenant, budget: budget)
            for span in try search.matchedSpans(query, from: from, to: to) where !collector.isStopped { sample(span) }
        }
        return try collector.series()
    }

    /// The labels `| drop` removes when every stage is a `|=` filter or a `| drop` of whole labels (so the
    /// store's line times suffice), else `nil`.
    private static func labelsOnly(_ query: LogQuery) -> Set<String>? {
        var dropped: Set<String> = []
        for stage in query.stages {
            switch stage {
            case .line(let filter) where filter.op == .contains: continue
            case .drop(let selections) where selections.allSatisfy({ $0.matcher == nil }):
                dropped.formUnion(selections.map(\.name))
            default: return nil
            }
        }
        return dropped
    }

    static func convert(_ text: String, _ conversion: Unwrap.Conversion) -> Double? {
        switch conversion {
        case .auto: Double(text) ?? DurationText.parse(text).map { Double($0) / 1e9 } ?? ByteSize.parse(text)
        case .duration: DurationText.parse(text).map { Double($0) / 1e9 } ?? Double(text)
        case .bytes: ByteSize.parse(text) ?? Double(text)
        }
    }

    /// Samples by series, merged on the grouping's labels; stops taking more once the budget is spent.
    private struct Collector {
        let budget: QueryBudget
        /// The grouping's names, and whether they are kept (`by`) or dropped (`without`).
        let names: Set<String>?
        let keeps: Bool
        var entries: [(labels: Labels, samples: [Sample])] = []
        var positions: [Labels: Int] = [:]
        /// The labels last added and their entry's position: lines and spans come a page of one stream at a
        /// time, so most samples go where the previous one went, found without hashing the labels.
        var last: (labels: [Label], position: Int)?
        var count = 0
        var isStopped = false

        init(budget: QueryBudget, grouping: Aggregation.Grouping?) {
            self.budget = budget
            switch grouping {
            case .by(let names): (self.names, keeps) = (Set(names), true)
            case .without(let names): (self.names, keeps) = (Set(names), false)
            case nil: (names, keeps) = (nil, true)
            }
        }

        /// Many samples of one series at once.
        mutating func add(_ labels: [Label], _ samples: [Sample]) {
            entries[position(of: labels)].samples += samples
            budget.record(samples: samples.count)
            isStopped = budget.isExhausted || budget.isPastDeadline
        }

        mutating func add(_ labels: [Label], _ sample: Sample) {
            entries[position(of: labels)].samples.append(sample)
            count += 1
            if count % 1024 == 0 {
                budget.record(samples: 1024)
                isStopped = budget.isExhausted || budget.isPastDeadline
            }
        }

        private mutating func position(of labels: [Label]) -> Int {
            if let last, last.labels == labels { return last.position }
            let key = Labels(names.map { names in labels.filter { names.contains($0.name) == keeps } } ?? labels)
            let position: Int
            if let known = positions[key] {
                position = known
            } else {
                position = entries.count
                entries.append((key, []))
                positions[key] = position
                budget.record(samples: 0, series: 1)
            }
            last = (labels, position)
            return position
        }

        func series() throws(QueryError) -> [TimeSeries] {
            budget.record(samples: count % 1024)
            try budget.check()
            return entries.map { entry in
                TimeSeries(labels: entry.labels, samples: entry.samples.sorted { $0.timestamp < $1.timestamp })
            }.sorted { $0.labels < $1.labels }
        }
    }
}
