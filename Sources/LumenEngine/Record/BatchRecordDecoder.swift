import LumenModel

/// Reads one batch record (layout in `docs/format/wal.md`), validating every count, index, enum value and
/// string; the first problem becomes a `BatchRecordError` with its offset.
struct BatchRecordDecoder {
    var reader: ByteReader
    private var resources: [Resource] = []
    private var scopes: [InstrumentationScope] = []
    private var version = BatchRecord.version

    init(reader: ByteReader) {
        self.reader = reader
    }

    mutating func decode() throws(BatchRecordError) -> Batch {
        version = try reader.byte("version")
        guard (BatchRecord.oldestReadableVersion...BatchRecord.version).contains(version) else {
            throw reader.error(
                "unsupported batch record version \(version) (this build reads \(BatchRecord.oldestReadableVersion) "
                    + "to \(BatchRecord.version))", at: 0)
        }
        let tenantStart = reader.offset
        let tenantID = try reader.string("tenant")
        guard let tenant = Tenant(tenantID) else { throw reader.error("invalid tenant \"\(tenantID)\"", at: tenantStart) }

        let resourceCount = try reader.count("resource", minimumSize: 1)
        resources.reserveCapacity(resourceCount)
        for _ in 0..<resourceCount {
            var resource = Resource()
            resource.attributes = try reader.attributes(depth: 0)  // exactly as written, no defaulting
            resources.append(resource)
        }
        let scopeCount = try reader.count("scope", minimumSize: 2)
        scopes.reserveCapacity(scopeCount)
        for _ in 0..<scopeCount {
            let name = try reader.string("scope name")
            let version = try reader.string("scope version")
            scopes.append(InstrumentationScope(name: name, version: version))
        }

        var batch = Batch(tenant: tenant)
        let spanCount = try reader.count("span", minimumSize: 40)
        batch.spans.reserveCapacity(spanCount)
        for _ in 0..<spanCount { batch.spans.append(try span()) }
        let logCount = try reader.count("log record", minimumSize: 14)
        batch.logs.reserveCapacity(logCount)
        for _ in 0..<logCount { batch.logs.append(try log()) }
        let seriesCount = try reader.count("series", minimumSize: 2)
        batch.series.reserveCapacity(seriesCount)
        for _ in 0..<seriesCount { batch.series.append(try series()) }

        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) trailing bytes after the batch") }
        return batch
    }

    private mutating func span() throws(BatchRecordError) -> Span {
        let trace = try reader.traceID("span trace ID")
        let spanID = SpanID(try reader.bigEndian64("span ID"))
        let flagsOffset = reader.offset
        let flags = try reader.byte("span flags")
        guard flags & ~BatchRecord.Flag.hasParentSpanID == 0 else {
            throw reader.error("unknown span flags 0x\(String(flags, radix: 16))", at: flagsOffset)
        }
        let parent = flags & BatchRecord.Flag.hasParentSpanID != 0 ? SpanID(try reader.bigEndian64("parent span ID")) : nil
        let name = try reader.string("span name")
        let kindOffset = reader.offset
        guard let kind = SpanKind(rawValue: try reader.byte("span kind")) else {
            throw reader.error("unknown span kind", at: kindOffset)
        }
        let start = Int64(bitPattern: try reader.fixed64("span start time"))
        let end = start &+ (try reader.varint("span duration"))
        let codeOffset = reader.offset
        guard let code = SpanStatus.Code(rawValue: try reader.byte("span status code")) else {
            throw reader.error("unknown span status code", at: codeOffset)
        }
        let message = try reader.string("span status message")
        let resource = try resourceReference()
        let scope = try scopeReference()
        let attributes = try reader.attributes(depth: 0)
        let events = try reader.events(start: start)
        let links = try reader.links()
        return Span(traceID: trace, spanID: spanID, parentSpanID: parent, name: name, kind: kind, startTime: start,
            endTime: end, status: SpanStatus(code: code, message: message), attributes: attributes, events: events,
            links: links, resource: resource, scope: scope)
    }

    private mutating func log() throws(BatchRecordError) -> LogRecord {
        let time = Int64(bitPattern: try reader.fixed64("log time"))
        let observed = time &+ (try reader.varint("log observed time"))
        let severityOffset = reader.offset
        let number = try reader.byte("severity number")
        guard number <= 24 else { throw reader.error("severity number \(number) is over 24", at: severityOffset) }
        let severity = Severity(number: number, text: try reader.string("severity text"))
        let body = try reader.value(depth: 0)
        let attributes = try reader.attributes(depth: 0)
        let flagsOffset = reader.offset
        let flags = try reader.byte("log flags")
        guard flags & ~(BatchRecord.Flag.hasTraceID | BatchRecord.Flag.hasSpanID) == 0 else {
            throw reader.error("unknown log flags 0x\(String(flags, radix: 16))", at: flagsOffset)
        }
        let trace = flags & BatchRecord.Flag.hasTraceID != 0 ? try reader.traceID("log trace ID") : nil
        let span = flags & BatchRecord.Flag.hasSpanID != 0 ? SpanID(try reader.bigEndian64("log span ID")) : nil
        return LogRecord(time: time, observedTime: observed, severity: severity, body: body, attributes: attributes,
            traceID: trace, spanID: span, resource: try resourceReference(), scope: try scopeReference())
    }

    private mutating func series() throws(BatchRecordError) -> TimeSeries {
        let labels = try reader.labels()
        let sampleCount = try reader.count("sample", minimumSize: 9)
        var samples: [Sample] = []
        samples.reserveCapacity(sampleCount)
        var previous: Int64 = 0
        for index in 0..<sampleCount {
            let timestamp = index == 0
                ? Int64(bitPattern: try reader.fixed64("sample timestamp"))
                : previous &+ (try reader.varint("sample timestamp delta"))
            previous = timestamp
            samples.append(Sample(timestamp: timestamp, value: Double(bitPattern: try reader.fixed64("sample value"))))
        }
        guard version >= 2 else { return TimeSeries(labels: labels, samples: samples) }
        let exemplarCount = try reader.count("exemplar", minimumSize: 17)
        var exemplars: [Exemplar] = []
        exemplars.reserveCapacity(exemplarCount)
        for _ in 0..<exemplarCount {
            let timestamp = Int64(bitPattern: try reader.fixed64("exemplar timestamp"))
            let value = Double(bitPattern: try reader.fixed64("exemplar value"))
            exemplars.append(Exemplar(labels: try reader.labels(), timestamp: timestamp, value: value))
        }
        return TimeSeries(labels: labels, samples: samples, exemplars: exemplars)
    }

    private mutating func resourceReference() throws(BatchRecordError) -> Resource {
        let offset = reader.offset
        let index = try reader.uvarint("resource index")
        guard index < UInt64(resources.count) else {
            throw reader.error("resource index \(index) is not below the \(resources.count) resources", at: offset)
        }
        return resources[Int(index)]
    }

    private mutating func scopeReference() throws(BatchRecordError) -> InstrumentationScope {
        let offset = reader.offset
        let index = try reader.uvarint("scope index")
        guard index < UInt64(scopes.count) else {
            throw reader.error("scope index \(index) is not below the \(scopes.count) scopes", at: offset)
        }
        return scopes[Int(index)]
    }
}
