import LumenModel

/// A page's attributes as columns: one column of each row's keys, as numbers of value columns, and one column
/// per distinct key of the page, holding that key's values in row order.
///
/// ```
/// keys:           per row: uvarint n · n × uvarint value column (0 = the first value column)
/// value column:   uvarint key (index into the page's strings) · per value: u8 tag · payload
/// ```
///
/// A payload is that of the tagged `value` encoding, except that a string value is a `uvarint` index into the
/// page's strings. Values of one key sit together (status codes with status codes, URLs with URLs) and a repeated
/// string costs a small number, so zstd is left with little but the values' real variety. A rare key costs what
/// a generic column would: its name once, its values, and a one-byte column length.
struct AttributeColumnsWriter {
    private(set) var keys = ByteWriter(capacity: 4096)
    private(set) var values: [ByteWriter] = []
    private var columnOfKey: [String: Int] = [:]

    mutating func append(_ attributes: [Attribute], strings: inout Interner<String>) {
        keys.count(attributes.count)
        for attribute in attributes {
            let column = columnOfKey[attribute.key] ?? addColumn(for: attribute.key, strings: &strings)
            keys.count(column)
            if case .string(let text) = attribute.value {
                values[column].byte(BatchRecord.ValueTag.string.rawValue)
                values[column].count(strings.index(of: text))
            } else {
                values[column].value(attribute.value)
            }
        }
    }

    private mutating func addColumn(for key: String, strings: inout Interner<String>) -> Int {
        var column = ByteWriter(capacity: 1024)
        column.count(strings.index(of: key))
        values.append(column)
        columnOfKey[key] = values.count - 1
        return values.count - 1
    }
}

/// Reads the columns `AttributeColumnsWriter` wrote, a row at a time. Holds pointers into the page: use it only
/// inside the `withUnsafeBufferPointer` that made its readers.
struct AttributeColumnsReader {
    private var keys: ByteReader
    private var values: [ByteReader]
    private let names: [String]
    private let tables: PageTables

    init(keys: ByteReader, values: ArraySlice<ByteReader>, tables: PageTables) throws(BatchRecordError) {
        var values = Array(values)
        var names: [String] = []
        names.reserveCapacity(values.count)
        for column in values.indices { names.append(try tables.string(&values[column])) }
        self.keys = keys
        self.values = values
        self.names = names
        self.tables = tables
    }

    /// The next row's attributes.
    mutating func next() throws(BatchRecordError) -> [Attribute] {
        let count = try keys.count("attribute")
        var attributes: [Attribute] = []
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let column = try valueColumn()
            if try isStringNext(column) {
                attributes.append(Attribute(names[column], .string(try tables.string(&values[column]))))
            } else {
                attributes.append(Attribute(names[column], try values[column].value(depth: 0)))
            }
        }
        return attributes
    }

    /// For each value column, the position of its key in `keys`, or nil: what `next(selecting:_:)` takes.
    func positions(of keys: [String]) -> [Int?] { names.map { keys.firstIndex(of: $0) } }

    /// The next row's values of the keys `positions` (from `positions(of:)`) places, each handed to `found` with
    /// its key's position, in row order; the other values are stepped over without building them.
    mutating func next(selecting positions: [Int?], _ found: (Int, AttributeValue) -> Void)
        throws(BatchRecordError)
    {
        for _ in 0..<(try keys.count("attribute")) {
            let column = try valueColumn()
            let isString = try isStringNext(column)
            guard let position = positions[column] else {
                if isString { _ = try values[column].uvarint("string index") } else { try values[column].skipValue() }
                continue
            }
            let value = isString ? .string(try tables.string(&values[column])) : try values[column].value(depth: 0)
            found(position, value)
        }
    }

    /// Steps over the next row's attributes without building them.
    mutating func skip() throws(BatchRecordError) {
        for _ in 0..<(try keys.count("attribute")) {
            let column = try valueColumn()
            if try isStringNext(column) {
                _ = try values[column].uvarint("string index")
            } else {
                try values[column].skipValue()
            }
        }
    }

    private mutating func valueColumn() throws(BatchRecordError) -> Int {
        let offset = keys.offset
        let column = try keys.uvarint("attribute column")
        guard column < UInt64(values.count) else {
            throw keys.error("attribute column \(column) is not below \(values.count)", at: offset)
        }
        return Int(column)
    }

    /// Whether the column's next value is a string (an index into the page's strings), its tag then consumed.
    private mutating func isStringNext(_ column: Int) throws(BatchRecordError) -> Bool {
        guard values[column].offset < values[column].buffer.count,
            values[column].buffer[values[column].offset] == BatchRecord.ValueTag.string.rawValue
        else { return false }
        try values[column].skip(1)
        return true
    }
}
