import LumenModel

/// The model's values read back from the codec's primitives, every tag, count and depth checked.
extension ByteReader {
    mutating func traceID(_ what: StaticString) throws(BatchRecordError) -> TraceID {
        let high = try bigEndian64(what)
        return TraceID(high: high, low: try bigEndian64(what))
    }

    mutating func labels() throws(BatchRecordError) -> Labels {
        let count = try count("label", minimumSize: 2)
        var labels: [Label] = []
        labels.reserveCapacity(count)
        for _ in 0..<count {
            let name = try string("label name")
            labels.append(Label(name, try string("label value")))
        }
        return Labels(labels)
    }

    /// A span's events, their times from the span's `start`.
    mutating func events(start: Int64) throws(BatchRecordError) -> [SpanEvent] {
        let count = try count("span event", minimumSize: 3)
        var events: [SpanEvent] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let time = start &+ (try varint("span event time"))
            let name = try string("span event name")
            events.append(SpanEvent(time: time, name: name, attributes: try attributes(depth: 0)))
        }
        return events
    }

    mutating func links() throws(BatchRecordError) -> [SpanLink] {
        let count = try count("span link", minimumSize: 26)
        var links: [SpanLink] = []
        links.reserveCapacity(count)
        for _ in 0..<count {
            let trace = try traceID("span link trace ID")
            let span = SpanID(try bigEndian64("span link span ID"))
            let state = try string("span link trace state")
            links.append(
                SpanLink(traceID: trace, spanID: span, traceState: state, attributes: try attributes(depth: 0)))
        }
        return links
    }

    mutating func attributes(depth: Int) throws(BatchRecordError) -> [Attribute] {
        let count = try count("attribute", minimumSize: 2)
        var attributes: [Attribute] = []
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let key = try string("attribute key")
            attributes.append(Attribute(key, try value(depth: depth)))
        }
        return attributes
    }

    mutating func value(depth: Int) throws(BatchRecordError) -> AttributeValue {
        let tagOffset = offset
        let tag = try byte("value tag")
        switch BatchRecord.ValueTag(rawValue: tag) {
        case .string:
            return .string(try string("string value"))
        case .bool:
            let byte = try byte("bool value")
            guard byte <= 1 else { throw error("bool value \(byte) is neither 0 nor 1", at: offset - 1) }
            return .bool(byte == 1)
        case .int:
            return .int(try varint("int value"))
        case .double:
            return .double(Double(bitPattern: try fixed64("double value")))
        case .bytes:
            return .bytes(try blob("bytes value"))
        case .array:
            guard depth < BatchRecord.maxValueDepth else {
                throw error("values nested deeper than \(BatchRecord.maxValueDepth)", at: tagOffset)
            }
            let count = try count("array element", minimumSize: 2)
            var values: [AttributeValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try value(depth: depth + 1)) }
            return .array(values)
        case .map:
            guard depth < BatchRecord.maxValueDepth else {
                throw error("values nested deeper than \(BatchRecord.maxValueDepth)", at: tagOffset)
            }
            return .map(try attributes(depth: depth + 1))
        case nil:
            throw error("unknown value tag \(tag)", at: tagOffset)
        }
    }
}

extension ByteReader {
    /// Steps over a value without building it: the columns a query does not need are skipped this way.
    mutating func skipValue(depth: Int = 0) throws(BatchRecordError) {
        let tagOffset = offset
        let tag = try byte("value tag")
        switch BatchRecord.ValueTag(rawValue: tag) {
        case .string, .bytes: try skip(try count("value length"))
        case .bool: try skip(1)
        case .int: _ = try uvarint("int value")
        case .double: try skip(8)
        case .array:
            guard depth < BatchRecord.maxValueDepth else { throw error("values nested too deep", at: tagOffset) }
            for _ in 0..<(try count("array element", minimumSize: 2)) { try skipValue(depth: depth + 1) }
        case .map:
            guard depth < BatchRecord.maxValueDepth else { throw error("values nested too deep", at: tagOffset) }
            try skipAttributes(depth: depth + 1)
        case nil:
            throw error("unknown value tag \(tag)", at: tagOffset)
        }
    }

    mutating func skipEvents() throws(BatchRecordError) {
        for _ in 0..<(try count("span event", minimumSize: 3)) {
            _ = try uvarint("span event time")
            try skip(try count("span event name"))
            try skipAttributes()
        }
    }

    mutating func skipLinks() throws(BatchRecordError) {
        for _ in 0..<(try count("span link", minimumSize: 26)) {
            try skip(24)
            try skip(try count("span link trace state"))
            try skipAttributes()
        }
    }

    mutating func skipAttributes(depth: Int = 0) throws(BatchRecordError) {
        for _ in 0..<(try count("attribute", minimumSize: 2)) {
            try skip(try count("attribute key length"))
            try skipValue(depth: depth)
        }
    }

    /// The bytes of a string value next in the buffer, stepped over; nil (and nothing consumed) for any other
    /// kind of value.
    mutating func stringValueBytes() throws(BatchRecordError) -> UnsafeBufferPointer<UInt8>? {
        guard offset < buffer.count, buffer[offset] == BatchRecord.ValueTag.string.rawValue else { return nil }
        try skip(1)
        let length = try count("string value")
        let start = offset
        try skip(length)
        return UnsafeBufferPointer(rebasing: buffer[start..<start + length])
    }
}
