import LumenModel

/// Writes one batch record (layout in `docs/format/wal.md`). A pre-pass numbers the distinct resources and
/// scopes so their tables can precede the spans and logs that refer to them, without a second buffer.
struct BatchRecordEncoder {
    private let batch: Batch
    private var out: ByteWriter
    private var resources = Interner<Resource>()
    private var scopes = Interner<InstrumentationScope>()

    init(batch: Batch) {
        self.batch = batch
        let estimate = 64 + batch.spans.count * 160 + batch.logs.count * 160 + batch.series.count * 64
            + batch.sampleCount * 10
        self.out = ByteWriter(capacity: estimate)
    }

    mutating func encode() -> [UInt8] {
        var spanRefs: [(resource: Int, scope: Int)] = []
        spanRefs.reserveCapacity(batch.spans.count)
        for span in batch.spans {
            spanRefs.append((resources.index(of: span.resource), scopes.index(of: span.scope)))
        }
        var logRefs: [(resource: Int, scope: Int)] = []
        logRefs.reserveCapacity(batch.logs.count)
        for log in batch.logs {
            logRefs.append((resources.index(of: log.resource), scopes.index(of: log.scope)))
        }

        out.byte(BatchRecord.version)
        out.string(batch.tenant.id)
        out.count(resources.items.count)
        for resource in resources.items { out.attributes(resource.attributes) }
        out.count(scopes.items.count)
        for scope in scopes.items {
            out.string(scope.name)
            out.string(scope.version)
        }
        out.count(batch.spans.count)
        for (span, refs) in zip(batch.spans, spanRefs) { self.span(span, refs) }
        out.count(batch.logs.count)
        for (log, refs) in zip(batch.logs, logRefs) { self.log(log, refs) }
        out.count(batch.series.count)
        for series in batch.series { self.series(series) }
        return out.bytes
    }

    private mutating func span(_ span: Span, _ refs: (resource: Int, scope: Int)) {
        out.traceID(span.traceID)
        out.bigEndian64(span.spanID.value)
        if let parent = span.parentSpanID {
            out.byte(BatchRecord.Flag.hasParentSpanID)
            out.bigEndian64(parent.value)
        } else {
            out.byte(0)
        }
        out.string(span.name)
        out.byte(span.kind.rawValue)
        out.fixed64(UInt64(bitPattern: span.startTime))
        out.varint(span.endTime &- span.startTime)
        out.byte(span.status.code.rawValue)
        out.string(span.status.message)
        out.count(refs.resource)
        out.count(refs.scope)
        out.attributes(span.attributes)
        out.events(span.events, start: span.startTime)
        out.links(span.links)
    }

    private mutating func log(_ log: LogRecord, _ refs: (resource: Int, scope: Int)) {
        out.fixed64(UInt64(bitPattern: log.time))
        out.varint(log.observedTime &- log.time)
        out.byte(log.severity.number)
        out.string(log.severity.text)
        out.value(log.body)
        out.attributes(log.attributes)
        var flags: UInt8 = 0
        if log.traceID != nil { flags |= BatchRecord.Flag.hasTraceID }
        if log.spanID != nil { flags |= BatchRecord.Flag.hasSpanID }
        out.byte(flags)
        if let traceID = log.traceID { out.traceID(traceID) }
        if let spanID = log.spanID { out.bigEndian64(spanID.value) }
        out.count(refs.resource)
        out.count(refs.scope)
    }

    private mutating func series(_ series: TimeSeries) {
        out.labels(series.labels)
        out.count(series.samples.count)
        // A sample takes at most 18 bytes: its time (8 for the first, then a varint difference of up to 10) and
        // its value (8).
        out.run(maximum: series.samples.count * 18) { cursor in
            var previous: Int64 = 0
            for (index, sample) in series.samples.enumerated() {
                if index == 0 {
                    cursor.fixed64(UInt64(bitPattern: sample.timestamp))
                } else {
                    cursor.varint(sample.timestamp &- previous)
                }
                previous = sample.timestamp
                cursor.fixed64(sample.value.bitPattern)
            }
        }
        out.count(series.exemplars.count)
        for exemplar in series.exemplars {
            out.fixed64(UInt64(bitPattern: exemplar.timestamp))
            out.fixed64(exemplar.value.bitPattern)
            out.labels(exemplar.labels)
        }
    }
}
