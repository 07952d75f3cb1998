import LumenModel

extension SpanPage {
    /// The page's spans, or only those of `traceID` when given (the other traces' rows are stepped over, not built).
    static func decode(_ bytes: [UInt8], only traceID: TraceID? = nil) throws(BatchRecordError) -> [Span] {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try decode(buffer, only: traceID) }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }

    private struct Trace {
        let id: TraceID
        let spans: Int
        let start: Int64
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>, only wanted: TraceID?) throws(BatchRecordError)
        -> [Span]
    {
        var reader = ByteReader(buffer)
        let tables = try PageTables(from: &reader)
        var page = try ColumnPageReader(
            UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: Column.allCases.count...)
        var attributes = try AttributeColumnsReader(
            keys: page.columns[Column.attributeKeys.rawValue], values: page.columns[Column.allCases.count...],
            tables: tables)
        let traces = try self.traces(&page)
        let starts = try BytePlanes.Reader(&page.columns[Column.start.rawValue], count: page.rows - traces.count)
        let ends = try BytePlanes.Reader(&page.columns[Column.end.rawValue], count: page.rows)
        var spans: [Span] = []
        spans.reserveCapacity(wanted == nil ? page.rows : 0)
        var firstRow = 0
        for (index, trace) in traces.enumerated() {
            if let wanted, trace.id != wanted {
                for _ in 0..<trace.spans { try skipRow(&page, &attributes) }
            } else {
                // Before this trace: `firstRow` rows, `index` of them first rows without a start offset.
                let startBase = firstRow - index - 1
                let (ids, parents, parentIDs) = try readParents(&page, spans: trace.spans)
                let times = TraceTimes.times(
                    traceStart: trace.start, parents: parents, startOffset: { starts[startBase + $0] },
                    endOffset: { ends[firstRow + $0] })
                for row in 0..<trace.spans {
                    spans.append(try span(
                        &page, &attributes, tables: tables, trace: trace.id, id: ids[row], parent: parentIDs[row],
                        start: times.starts[row], end: times.ends[row]))
                }
            }
            firstRow += trace.spans
        }
        return spans
    }

    private static func traces(_ page: inout ColumnPageReader) throws(BatchRecordError) -> [Trace] {
        var traces: [Trace] = []
        var rows = 0
        var start: Int64 = 0
        for _ in 0..<(try page.columns[Column.traces.rawValue].count("trace", minimumSize: 18)) {
            let id = try page.columns[Column.traces.rawValue].traceID("trace ID")
            let spans = try page.columns[Column.traces.rawValue].int("trace span count")
            start &+= try page.columns[Column.traces.rawValue].varint("trace start")
            guard spans > 0, spans <= page.rows - rows else {
                throw page.columns[Column.traces.rawValue].error(
                    "trace of \(spans) spans after \(rows) of the page's \(page.rows) rows")
            }
            traces.append(Trace(id: id, spans: spans, start: start))
            rows += spans
        }
        guard rows == page.rows else {
            throw page.columns[Column.traces.rawValue].error("traces cover \(rows) of \(page.rows) rows")
        }
        return traces
    }

    /// The span IDs and parents of a trace's rows: a parent's row in the trace (for `TraceTimes`) and its ID.
    private static func readParents(_ page: inout ColumnPageReader, spans: Int) throws(BatchRecordError)
        -> (ids: [SpanID], parents: [Int?], parentIDs: [SpanID?])
    {
        var ids: [SpanID] = []
        var parents: [Int?] = []
        var parentIDs: [SpanID?] = []
        for row in 0..<spans {
            ids.append(SpanID(try page.columns[Column.spanID.rawValue].bigEndian64("span ID")))
            let offset = page.columns[Column.parent.rawValue].offset
            switch Parent(rawValue: try page.columns[Column.parent.rawValue].byte("parent kind")) {
            case .root:
                parents.append(nil)
                parentIDs.append(nil)
            case .rowsBack:
                let back = try page.columns[Column.parent.rawValue].int("parent rows back")
                guard back > 0, back <= row else {
                    throw page.columns[Column.parent.rawValue].error(
                        "parent \(back) rows back from row \(row) of its trace is outside the trace", at: offset)
                }
                parents.append(row - back)
                parentIDs.append(ids[row - back])
            case .external:
                parents.append(nil)
                parentIDs.append(SpanID(try page.columns[Column.parent.rawValue].bigEndian64("parent span ID")))
            case nil:
                throw page.columns[Column.parent.rawValue].error("unknown parent kind", at: offset)
            }
        }
        return (ids, parents, parentIDs)
    }

    /// The rest of a span from the columns after its times.
    private static func span(
        _ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader, tables: PageTables, trace: TraceID,
        id: SpanID, parent: SpanID?, start: Int64, end: Int64
    ) throws(BatchRecordError) -> Span {
        let name = try tables.string(&page.columns[Column.name.rawValue])
        let kindAndStatus = try page.columns[Column.kindAndStatus.rawValue].byte("kind and status")
        guard let kind = SpanKind(rawValue: kindAndStatus >> 4),
            let code = SpanStatus.Code(rawValue: kindAndStatus & 0xf)
        else {
            throw page.columns[Column.kindAndStatus.rawValue].error("unknown span kind or status \(kindAndStatus)",
                at: page.columns[Column.kindAndStatus.rawValue].offset - 1)
        }
        let message = try tables.string(&page.columns[Column.statusMessage.rawValue])
        return Span(
            traceID: trace, spanID: id, parentSpanID: parent, name: name, kind: kind, startTime: start, endTime: end,
            status: SpanStatus(code: code, message: message), attributes: try attributes.next(),
            events: try page.columns[Column.events.rawValue].events(start: start),
            links: try page.columns[Column.links.rawValue].links(),
            resource: try tables.resource(&page.columns[Column.references.rawValue]),
            scope: try tables.scope(&page.columns[Column.references.rawValue]))
    }

    /// Steps over a row of another trace in every column read row by row (times are read by position).
    private static func skipRow(_ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader)
        throws(BatchRecordError)
    {
        try page.columns[Column.spanID.rawValue].skip(8)
        let offset = page.columns[Column.parent.rawValue].offset
        switch Parent(rawValue: try page.columns[Column.parent.rawValue].byte("parent kind")) {
        case .root: break
        case .rowsBack: _ = try page.columns[Column.parent.rawValue].uvarint("parent rows back")
        case .external: try page.columns[Column.parent.rawValue].skip(8)
        case nil: throw page.columns[Column.parent.rawValue].error("unknown parent kind", at: offset)
        }
        _ = try page.columns[Column.name.rawValue].uvarint("name")
        try page.columns[Column.kindAndStatus.rawValue].skip(1)
        _ = try page.columns[Column.statusMessage.rawValue].uvarint("status message")
        try attributes.skip()
        try page.columns[Column.events.rawValue].skipEvents()
        try page.columns[Column.links.rawValue].skipLinks()
        _ = try page.columns[Column.references.rawValue].uvarint("resource index")
        _ = try page.columns[Column.references.rawValue].uvarint("scope index")
    }
}
