import LumenModel

/// The model's values read back from the codec's primitives, every tag, count and depth checked.
extension ByteReader {
    mutating func traceID(_ what: StaticString) throws(BatchRecordError) -> TraceID {
        let high = try bigEndian64(what)
        return TraceID(high: high, low: try bigEndian64(what))
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
