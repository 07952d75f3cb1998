import LumenModel

/// One page of a log stream: up to `LogPart.maxRecordsPerPage` records in time order, as columns
/// (`docs/format/logs.md`). Resources, scopes and severity texts are page tables referred to by index.
enum LogPage {
    private enum Column: Int, CaseIterable {
        case time, observedTime, severity, ids, traceID, spanID, body, attributes, references
    }

    private static let hasTraceID: UInt8 = 1
    private static let hasSpanID: UInt8 = 2

    /// The page of `records`; a templated body column adds its templates to the part's `templates`.
    static func encode(_ records: ArraySlice<LogRecord>, templates: inout LogTemplateTable) -> [UInt8] {
        var resources = Interner<Resource>()
        var scopes = Interner<InstrumentationScope>()
        var severityTexts = Interner<String>()
        var page = ColumnPageWriter(columns: Column.allCases.count)
        var previous: Int64 = 0
        for record in records {
            page.columns[Column.time.rawValue].varint(record.time &- previous)
            previous = record.time
            page.columns[Column.observedTime.rawValue].varint(record.observedTime &- record.time)
            page.columns[Column.severity.rawValue].byte(record.severity.number)
            page.columns[Column.severity.rawValue].count(severityTexts.index(of: record.severity.text))
            var flags: UInt8 = 0
            if let traceID = record.traceID {
                flags |= hasTraceID
                page.columns[Column.traceID.rawValue].traceID(traceID)
            }
            if let spanID = record.spanID {
                flags |= hasSpanID
                page.columns[Column.spanID.rawValue].bigEndian64(spanID.value)
            }
            page.columns[Column.ids.rawValue].byte(flags)
            page.columns[Column.attributes.rawValue].attributes(record.attributes)
            page.columns[Column.references.rawValue].count(resources.index(of: record.resource))
            page.columns[Column.references.rawValue].count(scopes.index(of: record.scope))
        }
        LogBodyColumn.write(records.map(\.body), templates: &templates, to: &page.columns[Column.body.rawValue])
        var tables = ByteWriter(capacity: 1024)
        PageTables.write(resources: resources.items, scopes: scopes.items, strings: severityTexts.items, to: &tables)
        return tables.bytes + page.bytes(rows: records.count)
    }

    /// The page's records; with `lineContains`, only those whose line contains every one of its strings
    /// (`LogBodyColumn.Reader.search`). A page where no line matches costs a pass over its body column; rows that
    /// do not match are stepped over, not built.
    static func decode(
        _ bytes: [UInt8], version: UInt8 = LogPart.version, templates: LogTemplates?,
        lineContains filter: LogLineFilter = .none
    ) throws(BatchRecordError) -> [LogRecord] {
        try open(bytes, version: version, templates: templates) { tables, page, bodies throws(BatchRecordError) in
            var wanted: [Bool]?
            if !filter.isEmpty {
                let matches = try bodies.search(filter, sizes: false).matches
                guard matches.contains(true) else { return [] }
                wanted = matches
            }
            var records: [LogRecord] = []
            records.reserveCapacity(wanted == nil ? page.rows : 64)
            var time: Int64 = 0
            for row in 0..<page.rows {
                time &+= try page.columns[Column.time.rawValue].varint("time")
                if let wanted, !wanted[row] {
                    try skipRow(&page)
                    try bodies.skip()
                    continue
                }
                let observed = time &+ (try page.columns[Column.observedTime.rawValue].varint("observed time"))
                let number = try page.columns[Column.severity.rawValue].byte("severity number")
                let text = try tables.string(&page.columns[Column.severity.rawValue])
                let flags = try page.columns[Column.ids.rawValue].byte("id flags")
                let traceID = flags & hasTraceID != 0
                    ? try page.columns[Column.traceID.rawValue].traceID("trace ID") : nil
                let spanID = flags & hasSpanID != 0
                    ? SpanID(try page.columns[Column.spanID.rawValue].bigEndian64("span ID")) : nil
                let body = try bodies.next()
                let attributes = try page.columns[Column.attributes.rawValue].attributes(depth: 0)
                let resource = try tables.resource(&page.columns[Column.references.rawValue])
                let scope = try tables.scope(&page.columns[Column.references.rawValue])
                records.append(LogRecord(
                    time: time, observedTime: observed, severity: Severity(number: number, text: text), body: body,
                    attributes: attributes, traceID: traceID, spanID: spanID, resource: resource, scope: scope))
            }
            return records
        }
    }

    /// The time and (with `sizes`) the size in bytes of each line of the page that holds every string of `filter`,
    /// from the time and body columns alone: nothing else is read and no record is built.
    static func lines(
        _ bytes: [UInt8], version: UInt8 = LogPart.version, templates: LogTemplates?, lineContains filter: LogLineFilter,
        sizes wantSizes: Bool = true
    ) throws(BatchRecordError) -> (times: [Int64], sizes: [Int]) {
        try open(bytes, version: version, templates: templates) { _, page, bodies throws(BatchRecordError) in
            let found = try bodies.search(filter, sizes: wantSizes)
            var times: [Int64] = []
            var sizes: [Int] = []
            var time: Int64 = 0
            for row in 0..<page.rows {
                time &+= try page.columns[Column.time.rawValue].varint("time")
                guard found.matches[row] else { continue }
                times.append(time)
                if wantSizes { sizes.append(found.sizes[row]) }
            }
            return (times, sizes)
        }
    }

    /// Opens the page in `bytes` for `read`: its tables, its columns and a reader of its body column.
    private static func open<Result>(
        _ bytes: [UInt8], version: UInt8, templates: LogTemplates?,
        _ read: (PageTables, inout ColumnPageReader, inout LogBodyColumn.Reader) throws(BatchRecordError) -> Result
    ) throws(BatchRecordError) -> Result {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(buffer)
                let tables = try PageTables(from: &reader)
                let columns = Column.allCases.count
                var page = try ColumnPageReader(
                    UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: columns...columns)
                var bodies = try LogBodyColumn.Reader(
                    page.columns[Column.body.rawValue], rows: page.rows, version: version, templates: templates)
                return try read(tables, &page, &bodies)
            }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }

    /// Steps over the current row in every column but the time and body columns.
    private static func skipRow(_ page: inout ColumnPageReader) throws(BatchRecordError) {
        _ = try page.columns[Column.observedTime.rawValue].varint("observed time")
        try page.columns[Column.severity.rawValue].skip(1)
        _ = try page.columns[Column.severity.rawValue].uvarint("severity text")
        let flags = try page.columns[Column.ids.rawValue].byte("id flags")
        if flags & hasTraceID != 0 { try page.columns[Column.traceID.rawValue].skip(16) }
        if flags & hasSpanID != 0 { try page.columns[Column.spanID.rawValue].skip(8) }
        try page.columns[Column.attributes.rawValue].skipAttributes()
        _ = try page.columns[Column.references.rawValue].uvarint("resource index")
        _ = try page.columns[Column.references.rawValue].uvarint("scope index")
    }
}
