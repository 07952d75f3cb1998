import CMemmem
import LumenModel

/// One page of a log stream: up to `LogPart.maxRecordsPerPage` records in time order, as columns
/// (`docs/format/logs.md`). Resources, scopes and severity texts are page tables referred to by index.
enum LogPage {
    private enum Column: Int, CaseIterable {
        case time, observedTime, severity, ids, traceID, spanID, body, attributes, references
    }

    private static let hasTraceID: UInt8 = 1
    private static let hasSpanID: UInt8 = 2

    static func encode(_ records: ArraySlice<LogRecord>) -> [UInt8] {
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
            page.columns[Column.body.rawValue].value(record.body)
            page.columns[Column.attributes.rawValue].attributes(record.attributes)
            page.columns[Column.references.rawValue].count(resources.index(of: record.resource))
            page.columns[Column.references.rawValue].count(scopes.index(of: record.scope))
        }
        var tables = ByteWriter(capacity: 1024)
        PageTables.write(resources: resources.items, scopes: scopes.items, strings: severityTexts.items, to: &tables)
        return tables.bytes + page.bytes(rows: records.count)
    }

    /// The page's records; with `lineContains`, only those whose line contains every one of its byte strings
    /// (`bodies(_:rows:containing:)`). A page where no line matches costs a pass over its body column; rows that
    /// do not match are stepped over, not built.
    static func decode(_ bytes: [UInt8], lineContains needles: [[UInt8]] = []) throws(BatchRecordError)
        -> [LogRecord]
    {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try decode(buffer, needles: needles) }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>, needles: [[UInt8]]) throws(BatchRecordError)
        -> [LogRecord]
    {
        var reader = ByteReader(buffer)
        let tables = try PageTables(from: &reader)
        let columns = Column.allCases.count
        var page = try ColumnPageReader(UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: columns...columns)
        var wanted: [Bool]?
        if !needles.isEmpty {
            let matches = try bodies(page.columns[Column.body.rawValue], rows: page.rows, containing: needles).matches
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
                continue
            }
            let observed = time &+ (try page.columns[Column.observedTime.rawValue].varint("observed time"))
            let number = try page.columns[Column.severity.rawValue].byte("severity number")
            let text = try tables.string(&page.columns[Column.severity.rawValue])
            let flags = try page.columns[Column.ids.rawValue].byte("id flags")
            let traceID = flags & hasTraceID != 0 ? try page.columns[Column.traceID.rawValue].traceID("trace ID") : nil
            let spanID = flags & hasSpanID != 0
                ? SpanID(try page.columns[Column.spanID.rawValue].bigEndian64("span ID")) : nil
            let body = try page.columns[Column.body.rawValue].value(depth: 0)
            let attributes = try page.columns[Column.attributes.rawValue].attributes(depth: 0)
            let resource = try tables.resource(&page.columns[Column.references.rawValue])
            let scope = try tables.scope(&page.columns[Column.references.rawValue])
            records.append(LogRecord(
                time: time, observedTime: observed, severity: Severity(number: number, text: text), body: body,
                attributes: attributes, traceID: traceID, spanID: spanID, resource: resource, scope: scope))
        }
        return records
    }

    /// The time and size in bytes of each line of the page that contains every one of `needles`, from the time
    /// and body columns alone: nothing else is read and no record is built.
    static func lines(_ bytes: [UInt8], lineContains needles: [[UInt8]]) throws(BatchRecordError)
        -> (times: [Int64], sizes: [Int])
    {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(buffer)
                _ = try PageTables(from: &reader)
                let columns = Column.allCases.count
                var page = try ColumnPageReader(
                    UnsafeBufferPointer(rebasing: buffer[reader.offset...]), columns: columns...columns)
                let bodies = try bodies(page.columns[Column.body.rawValue], rows: page.rows, containing: needles)
                var times: [Int64] = []
                var sizes: [Int] = []
                var time: Int64 = 0
                for row in 0..<page.rows {
                    time &+= try page.columns[Column.time.rawValue].varint("time")
                    guard bodies.matches[row] else { continue }
                    times.append(time)
                    sizes.append(bodies.sizes[row])
                }
                return (times, sizes)
            }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }

    /// Which rows' bodies contain every one of `needles`, and each body's size in bytes as a line.
    ///
    /// String bodies are searched a needle at a time over the whole column with `memmem`, not line by line: each
    /// occurrence is mapped to the row it lies in (one straddling two rows is no match), and the rest of that row
    /// is skipped. A rare word then costs one vectorised pass over the page's text. A body of another kind is
    /// judged and measured as the text a query shows for it.
    private static func bodies(_ column: ByteReader, rows: Int, containing needles: [[UInt8]])
        throws(BatchRecordError) -> (matches: [Bool], sizes: [Int])
    {
        var reader = column
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(rows)
        ends.reserveCapacity(rows)
        var matches = [Bool](repeating: true, count: rows)
        var isString = [Bool](repeating: true, count: rows)
        var sizes: [Int] = []
        sizes.reserveCapacity(rows)
        for row in 0..<rows {
            let before = reader.offset
            if let line = try reader.stringValueBytes() {
                let start = reader.offset - line.count
                starts.append(start)
                ends.append(start + line.count)
                sizes.append(line.count)
            } else {
                let text = try reader.value(depth: 0).text
                matches[row] = needles.allSatisfy { LineSearch.contains(text, $0) }
                isString[row] = false
                starts.append(before)  // an empty range, so that `ends` stays in order for the search below
                ends.append(before)
                sizes.append(text.utf8.count)
            }
        }
        guard let base = column.buffer.baseAddress else { return (matches, sizes) }
        let end = reader.offset
        for needle in needles where !needle.isEmpty {
            var found = [Bool](repeating: false, count: rows)
            var position = 0
            var row = 0
            needle.withUnsafeBufferPointer { needle in
                while position < end, let hit = memmem(base + position, end - position, needle.baseAddress!, needle.count) {
                    let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                    while row < rows, ends[row] < at + needle.count { row += 1 }
                    guard row < rows else { break }
                    if starts[row] <= at {
                        found[row] = true
                        position = ends[row]
                    } else {
                        position = at + 1
                    }
                }
            }
            for row in 0..<rows where isString[row] { matches[row] = matches[row] && found[row] }
        }
        return (matches, sizes)
    }

    /// Steps over the current row in every column but the time column (already read).
    private static func skipRow(_ page: inout ColumnPageReader) throws(BatchRecordError) {
        _ = try page.columns[Column.observedTime.rawValue].varint("observed time")
        try page.columns[Column.severity.rawValue].skip(1)
        _ = try page.columns[Column.severity.rawValue].uvarint("severity text")
        let flags = try page.columns[Column.ids.rawValue].byte("id flags")
        if flags & hasTraceID != 0 { try page.columns[Column.traceID.rawValue].skip(16) }
        if flags & hasSpanID != 0 { try page.columns[Column.spanID.rawValue].skip(8) }
        try page.columns[Column.body.rawValue].skipValue()
        try page.columns[Column.attributes.rawValue].skipAttributes()
        _ = try page.columns[Column.references.rawValue].uvarint("resource index")
        _ = try page.columns[Column.references.rawValue].uvarint("scope index")
    }
}
