import LumenModel

/// One page of a block's span part: whole traces, spans ordered by trace ID then start, as columns
/// (`docs/format/spans.md`). The trace ID column is run-length encoded: each trace's ID once, with its span count.
/// A parent in the same trace is written as how many rows back it is, not as its 8 random bytes.
enum SpanPage {
    private enum Parent: UInt8 {
        case root = 0, rowsBack = 1, external = 2
    }

    private enum Column: Int, CaseIterable {
        case traces, spanID, parent, name, kindAndStatus, statusMessage, start, duration, attributes, events, links,
            references
    }

    static func encode(_ spans: ArraySlice<Span>) -> [UInt8] {
        var resources = Interner<Resource>()
        var scopes = Interner<InstrumentationScope>()
        var names = Interner<String>()
        var page = ColumnPageWriter(columns: Column.allCases.count)
        var runs: [(TraceID, Int)] = []
        var previousStart: Int64 = 0
        var rowOfSpan: [SpanID: Int] = [:]  // within the current trace
        for (row, span) in spans.enumerated() {
            if runs.last?.0 == span.traceID {
                runs[runs.count - 1].1 += 1
            } else {
                runs.append((span.traceID, 1))
                rowOfSpan.removeAll(keepingCapacity: true)
            }
            page.columns[Column.spanID.rawValue].bigEndian64(span.spanID.value)
            if let parent = span.parentSpanID, let parentRow = rowOfSpan[parent] {
                page.columns[Column.parent.rawValue].byte(Parent.rowsBack.rawValue)
                page.columns[Column.parent.rawValue].count(row - parentRow)
            } else if let parent = span.parentSpanID {
                page.columns[Column.parent.rawValue].byte(Parent.external.rawValue)
                page.columns[Column.parent.rawValue].bigEndian64(parent.value)
            } else {
                page.columns[Column.parent.rawValue].byte(Parent.root.rawValue)
            }
            if rowOfSpan[span.spanID] == nil { rowOfSpan[span.spanID] = row }
            page.columns[Column.name.rawValue].count(names.index(of: span.name))
            page.columns[Column.kindAndStatus.rawValue].byte(span.kind.rawValue << 4 | span.status.code.rawValue)
            page.columns[Column.statusMessage.rawValue].string(span.status.message)
            page.columns[Column.start.rawValue].varint(span.startTime &- previousStart)
            previousStart = span.startTime
            page.columns[Column.duration.rawValue].varint(span.endTime &- span.startTime)
            page.columns[Column.attributes.rawValue].attributes(span.attributes)
            page.columns[Column.events.rawValue].count(span.events.count)
            for event in span.events {
                page.columns[Column.events.rawValue].varint(event.time &- span.startTime)
                page.columns[Column.events.rawValue].string(event.name)
                page.columns[Column.events.rawValue].attributes(event.attributes)
            }
            page.columns[Column.links.rawValue].count(span.links.count)
            for link in span.links {
                page.columns[Column.links.rawValue].traceID(link.traceID)
                page.columns[Column.links.rawValue].bigEndian64(link.spanID.value)
                page.columns[Column.links.rawValue].string(link.traceState)
                page.columns[Column.links.rawValue].attributes(link.attributes)
            }
            page.columns[Column.references.rawValue].count(resources.index(of: span.resource))
            page.columns[Column.references.rawValue].count(scopes.index(of: span.scope))
        }
        page.columns[Column.traces.rawValue].count(runs.count)
        for (traceID, count) in runs {
            page.columns[Column.traces.rawValue].traceID(traceID)
            page.columns[Column.traces.rawValue].count(count)
        }
        var tables = ByteWriter(capacity: 1024)
        PageTables.write(resources: resources.items, scopes: scopes.items, strings: names.items, to: &tables)
        return tables.bytes + page.bytes(rows: spans.count)
    }

    /// The page's spans, or only those of `traceIDs` when given, and only those `prefilter` admits (the other
    /// rows are stepped over, not built).
    static func decode(
        _ bytes: [UInt8], only traceIDs: Set<TraceID>? = nil, prefilter: SpanPrefilter = .none
    ) throws(BatchRecordError) -> [Span] {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try decode(buffer, only: traceIDs, prefilter) }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }

    private static func decode(
        _ buffer: UnsafeBufferPointer<UInt8>, only wanted: Set<TraceID>?, _ prefilter: SpanPrefilter
    ) throws(BatchRecordError) -> [Span] {
        var reader = ByteReader(buffer)
        let tables = try PageTables(from: &reader)
        var page = try ColumnPageReader(
            UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: Column.allCases.count)
        var traceIDs: [TraceID] = []
        traceIDs.reserveCapacity(page.rows)
        var isWanted: [Bool] = []  // by row, when only some traces are wanted
        for _ in 0..<(try page.columns[Column.traces.rawValue].count("trace", minimumSize: 17)) {
            let traceID = try page.columns[Column.traces.rawValue].traceID("trace ID")
            let count = try page.columns[Column.traces.rawValue].int("trace span count")
            guard traceIDs.count + count <= page.rows else {
                throw page.columns[Column.traces.rawValue].error("trace runs exceed the page's \(page.rows) rows")
            }
            traceIDs += repeatElement(traceID, count: count)
            if let wanted { isWanted += repeatElement(wanted.contains(traceID), count: count) }
        }
        guard traceIDs.count == page.rows else {
            throw page.columns[Column.traces.rawValue].error("trace runs cover \(traceIDs.count) of \(page.rows) rows")
        }
        var spans: [Span] = []
        var spanIDs: [SpanID] = []
        spanIDs.reserveCapacity(page.rows)
        var start: Int64 = 0
        for row in 0..<page.rows {
            let spanID = SpanID(try page.columns[Column.spanID.rawValue].bigEndian64("span ID"))
            spanIDs.append(spanID)
            let parent: SpanID?
            let parentOffset = page.columns[Column.parent.rawValue].offset
            switch Parent(rawValue: try page.columns[Column.parent.rawValue].byte("parent kind")) {
            case .root: parent = nil
            case .rowsBack:
                let back = try page.columns[Column.parent.rawValue].int("parent rows back")
                guard back > 0, back <= row, traceIDs[row - back] == traceIDs[row] else {
                    throw page.columns[Column.parent.rawValue].error(
                        "parent \(back) rows back from row \(row) is outside its trace", at: parentOffset)
                }
                parent = spanIDs[row - back]
            case .external: parent = SpanID(try page.columns[Column.parent.rawValue].bigEndian64("parent span ID"))
            case nil: throw page.columns[Column.parent.rawValue].error("unknown parent kind", at: parentOffset)
            }
            start &+= try page.columns[Column.start.rawValue].varint("start")
            // The fields a prefilter tests come first: a row that is not wanted steps over the rest unbuilt.
            let name = try tables.string(&page.columns[Column.name.rawValue])
            let kindAndStatus = try page.columns[Column.kindAndStatus.rawValue].byte("kind and status")
            guard let kind = SpanKind(rawValue: kindAndStatus >> 4),
                let code = SpanStatus.Code(rawValue: kindAndStatus & 0xf)
            else {
                throw page.columns[Column.kindAndStatus.rawValue].error("unknown span kind or status \(kindAndStatus)")
            }
            let duration = try page.columns[Column.duration.rawValue].varint("duration")
            let resource = try tables.resource(&page.columns[Column.references.rawValue])
            let scope = try tables.scope(&page.columns[Column.references.rawValue])
            guard wanted == nil || isWanted[row], prefilter.admits(
                service: { resource.serviceName }, name: name, kind: kind, status: code, duration: duration)
            else {
                try skipDetails(&page)
                continue
            }
            let message = try page.columns[Column.statusMessage.rawValue].string("status message")
            let attributes = try page.columns[Column.attributes.rawValue].attributes(depth: 0)
            var events: [SpanEvent] = []
            for _ in 0..<(try page.columns[Column.events.rawValue].count("event", minimumSize: 3)) {
                let time = start &+ (try page.columns[Column.events.rawValue].varint("event time"))
                let eventName = try page.columns[Column.events.rawValue].string("event name")
                events.append(SpanEvent(time: time, name: eventName,
                    attributes: try page.columns[Column.events.rawValue].attributes(depth: 0)))
            }
            var links: [SpanLink] = []
            for _ in 0..<(try page.columns[Column.links.rawValue].count("link", minimumSize: 26)) {
                let linkTrace = try page.columns[Column.links.rawValue].traceID("link trace ID")
                let linkSpan = SpanID(try page.columns[Column.links.rawValue].bigEndian64("link span ID"))
                let state = try page.columns[Column.links.rawValue].string("link trace state")
                links.append(SpanLink(traceID: linkTrace, spanID: linkSpan, traceState: state,
                    attributes: try page.columns[Column.links.rawValue].attributes(depth: 0)))
            }
            spans.append(Span(
                traceID: traceIDs[row], spanID: spanID, parentSpanID: parent, name: name, kind: kind,
                startTime: start, endTime: start &+ duration, status: SpanStatus(code: code, message: message),
                attributes: attributes, events: events, links: links, resource: resource, scope: scope))
        }
        return spans
    }

    /// Steps over the current row in the columns not read before deciding whether it is wanted: status message,
    /// attributes, events and links.
    private static func skipDetails(_ page: inout ColumnPageReader) throws(BatchRecordError) {
        try page.columns[Column.statusMessage.rawValue].skip(
            try page.columns[Column.statusMessage.rawValue].count("status message"))
        try page.columns[Column.attributes.rawValue].skipAttributes()
        for _ in 0..<(try page.columns[Column.events.rawValue].count("event", minimumSize: 3)) {
            _ = try page.columns[Column.events.rawValue].uvarint("event time")
            try page.columns[Column.events.rawValue].skip(try page.columns[Column.events.rawValue].count("event name"))
            try page.columns[Column.events.rawValue].skipAttributes()
        }
        for _ in 0..<(try page.columns[Column.links.rawValue].count("link", minimumSize: 26)) {
            try page.columns[Column.links.rawValue].skip(24)
            try page.columns[Column.links.rawValue].skip(try page.columns[Column.links.rawValue].count("link trace state"))
            try page.columns[Column.links.rawValue].skipAttributes()
        }
    }
}
