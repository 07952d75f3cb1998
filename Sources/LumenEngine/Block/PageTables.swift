import LumenModel

/// The tables at the head of a log or span page: its distinct resources, scopes and strings (severity texts,
/// span names), which rows refer to by index.
struct PageTables {
    let resources: [Resource]
    let scopes: [InstrumentationScope]
    let strings: [String]

    static func write(
        resources: [Resource], scopes: [InstrumentationScope], strings: [String], to out: inout ByteWriter
    ) {
        out.count(resources.count)
        for resource in resources { out.attributes(resource.attributes) }
        out.count(scopes.count)
        for scope in scopes {
            out.string(scope.name)
            out.string(scope.version)
        }
        out.count(strings.count)
        for string in strings { out.string(string) }
    }

    init(from reader: inout ByteReader) throws(BatchRecordError) {
        var resources: [Resource] = []
        for _ in 0..<(try reader.count("resource")) {
            var resource = Resource()
            resource.attributes = try reader.attributes(depth: 0)
            resources.append(resource)
        }
        var scopes: [InstrumentationScope] = []
        for _ in 0..<(try reader.count("scope", minimumSize: 2)) {
            let name = try reader.string("scope name")
            scopes.append(InstrumentationScope(name: name, version: try reader.string("scope version")))
        }
        var strings: [String] = []
        for _ in 0..<(try reader.count("string")) { strings.append(try reader.string("string")) }
        self.resources = resources
        self.scopes = scopes
        self.strings = strings
    }

    func resource(_ reader: inout ByteReader) throws(BatchRecordError) -> Resource {
        resources[try resourceIndex(&reader)]
    }

    func scope(_ reader: inout ByteReader) throws(BatchRecordError) -> InstrumentationScope {
        scopes[try scopeIndex(&reader)]
    }

    /// A row's reference into `resources`, checked.
    func resourceIndex(_ reader: inout ByteReader) throws(BatchRecordError) -> Int {
        try index(&reader, below: resources.count, "resource index")
    }

    func scopeIndex(_ reader: inout ByteReader) throws(BatchRecordError) -> Int {
        try index(&reader, below: scopes.count, "scope index")
    }

    func string(_ reader: inout ByteReader) throws(BatchRecordError) -> String {
        strings[try index(&reader, below: strings.count, "string index")]
    }

    private func index(_ reader: inout ByteReader, below count: Int, _ what: StaticString) throws(BatchRecordError)
        -> Int
    {
        let offset = reader.offset
        let index = try reader.uvarint(what)
        guard index < UInt64(count) else { throw reader.error("\(what) \(index) is not below \(count)", at: offset) }
        return Int(index)
    }
}
