import LumenModel

extension SpanPage {
    /// The page's spans, or only those of `traceIDs` when given, and only those `prefilter` admits: the other
    /// traces' rows, and the rows the prefilter refuses, are stepped over, not built.
    static func decode(
        _ bytes: [UInt8], only traceIDs: Set<TraceID>? = nil, prefilter: SpanPrefilter = .none
    ) throws(BatchRecordError) -> [Span] {
        try decode(bytes, as: SpanRows.self, only: traceIDs, prefilter: prefilter)
    }

    /// The call fields of the page's spans that `prefilter` admits, read from the columns: no span is built, and
    /// of the attributes only a client or producer span's peer attributes are.
    static func decodeCalls(_ bytes: [UInt8], prefilter: SpanPrefilter = .none) throws(BatchRecordError)
        -> [SpanCallFields]
    {
        try decode(bytes, as: CallRows.self, only: nil, prefilter: prefilter)
    }

    private static func decode<Rows: SpanRowBuilder>(
        _ bytes: [UInt8], as rows: Rows.Type, only traceIDs: Set<TraceID>?, prefilter: SpanPrefilter
    ) throws(BatchRecordError) -> [Rows.Row] {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                try decode(buffer, as: rows, only: traceIDs, prefilter)
            }
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

    private static func decode<Rows: SpanRowBuilder>(
        _ buffer: UnsafeBufferPointer<UInt8>, as: Rows.Type, only wanted: Set<TraceID>?, _ prefilter: SpanPrefilter
    ) throws(BatchRecordError) -> [Rows.Row] {
        var reader = ByteReader(buffer)
        let tables = try PageTables(from: &reader)
        var page = try ColumnPageReader(
            UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: Column.allCases.count...)
        var attributes = try AttributeColumnsReader(
            keys: page.columns[Column.attributeKeys.rawValue], values: page.columns[Column.allCases.count...],
            tables: tables)
        var builder = Rows(tables: tables, attributes: attributes)
        let traces = try self.traces(&page)
        let starts = try BytePlanes.Reader(&page.columns[Column.start.rawValue], count: page.rows - traces.count)
        let ends = try BytePlanes.Reader(&page.columns[Column.end.rawValue], count: page.rows)
        var rows: [Rows.Row] = []
        rows.reserveCapacity(wanted == nil ? page.rows : 0)
        var firstRow = 0
        for (index, trace) in traces.enumerated() {
            if let wanted, !wanted.contains(trace.id) {
                for _ in 0..<trace.spans { try skipRow(&page, &attributes) }
            } else {
                // Before this trace: `firstRow` rows, `index` of them first rows without a start offset.
                let startBase = firstRow - index - 1
                let (ids, parents, parentIDs) = try readParents(&page, spans: trace.spans)
                let times = TraceTimes.times(
                    traceStart: trace.start, parents: parents, startOffset: { starts[startBase + $0] },
                    endOffset: { ends[firstRow + $0] })
                for row in 0..<trace.spans {
                    let fields = try self.fields(
                        &page, tables: tables, trace: trace.id, id: ids[row], parent: parentIDs[row],
                        start: times.starts[row], end: times.ends[row])
                    if prefilter.admits(
                        service: { tables.resources[fields.resource].serviceName }, name: fields.name,
                        kind: fields.kind, status: fields.status, duration: fields.end &- fields.start)
                    {
                        rows.append(try builder.row(fields, &page, &attributes))
                    } else {
                        try skipRest(&page, &attributes)
                    }
                }
            }
            firstRow += trace.spans
        }
        return rows
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

    /// A row's fields up to its attributes: what a prefilter tests, and what every span row builder takes.
    struct RowFields {
        let trace: TraceID
        let id: SpanID
        let parent: SpanID?
        let start: Int64
        let end: Int64
        let name: String
        let kind: SpanKind
        let status: SpanStatus.Code
        let message: String
        /// Indices into the page's tables.
        let resource: Int
        let scope: Int
    }

    private static func fields(
        _ page: inout ColumnPageReader, tables: PageTables, trace: TraceID, id: SpanID, parent: SpanID?,
        start: Int64, end: Int64
    ) throws(BatchRecordError) -> RowFields {
        let name = try tables.string(&page.columns[Column.name.rawValue])
        let kindAndStatus = try page.columns[Column.kindAndStatus.rawValue].byte("kind and status")
        guard let kind = SpanKind(rawValue: kindAndStatus >> 4),
            let code = SpanStatus.Code(rawValue: kindAndStatus & 0xf)
        else {
            throw page.columns[Column.kindAndStatus.rawValue].error("unknown span kind or status \(kindAndStatus)",
                at: page.columns[Column.kindAndStatus.rawValue].offset - 1)
        }
        return RowFields(
            trace: trace, id: id, parent: parent, start: start, end: end, name: name, kind: kind, status: code,
            message: try tables.string(&page.columns[Column.statusMessage.rawValue]),
            resource: try tables.resourceIndex(&page.columns[Column.references.rawValue]),
            scope: try tables.scopeIndex(&page.columns[Column.references.rawValue]))
    }

    /// Steps over a row's attributes, events and links, the columns after its fields.
    static func skipRest(_ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader)
        throws(BatchRecordError)
    {
        try attributes.skip()
        try page.columns[Column.events.rawValue].skipEvents()
        try page.columns[Column.links.rawValue].skipLinks()
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
        try skipRest(&page, &attributes)
        _ = try page.columns[Column.references.rawValue].uvarint("resource index")
        _ = try page.columns[Column.references.rawValue].uvarint("scope index")
    }
}
