import LumenModel

/// The model's values in the codec's primitives: shared by the WAL's batch records and the blocks' pages.
extension ByteWriter {
    /// Sixteen bytes, most significant first.
    mutating func traceID(_ id: TraceID) {
        bigEndian64(id.high)
        bigEndian64(id.low)
    }

    /// `count (name:string value:string)*`, in the labels' (sorted) order. Written as one run: every batch
    /// record carries each series' labels, and appending each string with its own checks showed in profiles.
    mutating func labels(_ labels: Labels) {
        // A count takes at most 10 bytes; a native string's UTF-8 count is known without reading it.
        var maximum = 10
        for label in labels { maximum += 20 + label.name.utf8.count + label.value.utf8.count }
        run(maximum: maximum) { cursor in
            cursor.uvarint(UInt64(labels.count))
            for label in labels {
                cursor.string(label.name)
                cursor.string(label.value)
            }
        }
    }

    /// A span's events, their times from the span's `start`.
    mutating func events(_ events: [SpanEvent], start: Int64) {
        count(events.count)
        for event in events {
            varint(event.time &- start)
            string(event.name)
            attributes(event.attributes)
        }
    }

    mutating func links(_ links: [SpanLink]) {
        count(links.count)
        for link in links {
            traceID(link.traceID)
            bigEndian64(link.spanID.value)
            string(link.traceState)
            attributes(link.attributes)
        }
    }

    mutating func attributes(_ attributes: [Attribute]) {
        count(attributes.count)
        for attribute in attributes {
            string(attribute.key)
            value(attribute.value)
        }
    }

    /// A tag byte (`BatchRecord.ValueTag`), then the value.
    mutating func value(_ value: AttributeValue) {
        switch value {
        case .string(let string):
            byte(BatchRecord.ValueTag.string.rawValue)
            self.string(string)
        case .bool(let bool):
            byte(BatchRecord.ValueTag.bool.rawValue)
            byte(bool ? 1 : 0)
        case .int(let int):
            byte(BatchRecord.ValueTag.int.rawValue)
            varint(int)
        case .double(let double):
            byte(BatchRecord.ValueTag.double.rawValue)
            fixed64(double.bitPattern)
        case .bytes(let bytes):
            byte(BatchRecord.ValueTag.bytes.rawValue)
            blob(bytes)
        case .array(let values):
            byte(BatchRecord.ValueTag.array.rawValue)
            count(values.count)
            for element in values { self.value(element) }
        case .map(let attributes):
            byte(BatchRecord.ValueTag.map.rawValue)
            self.attributes(attributes)
        }
    }
}
