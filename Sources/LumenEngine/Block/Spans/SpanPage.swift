import LumenModel

/// One page of a block's span part: whole traces, spans ordered by trace ID then start, as columns
/// (`docs/format/spans.md`). Each trace is written once with its span count and start; within it, a parent is
/// how many rows back it is rather than its 8 random bytes, and times are offsets from the parent's and children's
/// (`TraceTimes`). Names, status messages, attribute keys and string values are indices into the page's strings.
enum SpanPage {
    enum Parent: UInt8 {
        case root = 0, rowsBack = 1, external = 2
    }

    /// The fixed columns; one column per attribute key of the page follows them (`AttributeColumnsWriter`).
    enum Column: Int, CaseIterable {
        case traces, spanID, parent, name, kindAndStatus, statusMessage, start, end, attributeKeys, events, links,
            references
    }

    /// The page's bytes, and how many of them are its tables (the part's zstd dictionary, `SpanPartWriter`).
    static func encode(_ spans: ArraySlice<Span>) -> (bytes: [UInt8], tablesSize: Int) {
        let (tables, page) = columns(of: spans)
        return (tables.bytes + page.bytes(rows: spans.count), tables.bytes.count)
    }

    /// The page's tables and its columns, before they are laid end to end.
    static func columns(of spans: ArraySlice<Span>) -> (tables: ByteWriter, columns: ColumnPageWriter) {
        var resources = Interner<Resource>()
        var scopes = Interner<InstrumentationScope>()
        var strings = Interner<String>()
        var page = ColumnPageWriter(columns: Column.allCases.count)
        var attributes = AttributeColumnsWriter()
        var startOffsets: [UInt64] = []
        var endOffsets: [UInt64] = []
        let traces = self.traces(in: spans)
        page.columns[Column.traces.rawValue].count(traces.count)
        var previousTraceStart: Int64 = 0
        for trace in traces {
            page.columns[Column.traces.rawValue].traceID(trace.first!.traceID)
            page.columns[Column.traces.rawValue].count(trace.count)
            page.columns[Column.traces.rawValue].varint(trace.first!.startTime &- previousTraceStart)
            previousTraceStart = trace.first!.startTime
            let parents = writeParents(of: trace, to: &page.columns[Column.parent.rawValue])
            let offsets = TraceTimes.offsets(of: trace, parents: parents)
            startOffsets += offsets.starts
            endOffsets += offsets.ends
            for span in trace {
                page.columns[Column.spanID.rawValue].bigEndian64(span.spanID.value)
                page.columns[Column.name.rawValue].count(strings.index(of: span.name))
                page.columns[Column.kindAndStatus.rawValue].byte(span.kind.rawValue << 4 | span.status.code.rawValue)
                page.columns[Column.statusMessage.rawValue].count(strings.index(of: span.status.message))
                attributes.append(span.attributes, strings: &strings)
                page.columns[Column.events.rawValue].events(span.events, start: span.startTime)
                page.columns[Column.links.rawValue].links(span.links)
                page.columns[Column.references.rawValue].count(resources.index(of: span.resource))
                page.columns[Column.references.rawValue].count(scopes.index(of: span.scope))
            }
        }
        BytePlanes.write(startOffsets, to: &page.columns[Column.start.rawValue])
        BytePlanes.write(endOffsets, to: &page.columns[Column.end.rawValue])
        page.columns[Column.attributeKeys.rawValue] = attributes.keys
        page.columns += attributes.values
        var tables = ByteWriter(capacity: 1024)
        PageTables.write(resources: resources.items, scopes: scopes.items, strings: strings.items, to: &tables)
        return (tables, page)
    }

    /// The runs of consecutive spans of one trace.
    private static func traces(in spans: ArraySlice<Span>) -> [ArraySlice<Span>] {
        var traces: [ArraySlice<Span>] = []
        var start = spans.startIndex
        for index in spans.indices.dropFirst() where spans[index].traceID != spans[start].traceID {
            traces.append(spans[start..<index])
            start = index
        }
        if start < spans.endIndex { traces.append(spans[start...]) }
        return traces
    }

    /// Writes each span's parent and returns its row in the trace, for a parent that is an earlier row.
    private static func writeParents(of trace: ArraySlice<Span>, to column: inout ByteWriter) -> [Int?] {
        var rowOfSpan: [SpanID: Int] = [:]
        var parents: [Int?] = []
        parents.reserveCapacity(trace.count)
        for (row, span) in trace.enumerated() {
            if let parent = span.parentSpanID, let parentRow = rowOfSpan[parent] {
                column.byte(Parent.rowsBack.rawValue)
                column.count(row - parentRow)
                parents.append(parentRow)
            } else if let parent = span.parentSpanID {
                column.byte(Parent.external.rawValue)
                column.bigEndian64(parent.value)
                parents.append(nil)
            } else {
                column.byte(Parent.root.rawValue)
                parents.append(nil)
            }
            if rowOfSpan[span.spanID] == nil { rowOfSpan[span.spanID] = row }
        }
        return parents
    }

}
