import LumenModel

/// What the head's data costs in memory, estimated as it is appended: a series' labels and index entries, 16
/// bytes a sample (two parallel arrays), a record's strings and attributes plus the fixed part of its struct.
/// The constants are calibrated on `lumen load` data against resident memory (`lumen bench head-memory`,
/// docs/BENCHMARKS.md).
enum HeadMemory {
    static let perSeries = 280
    static let perSample = 16
    static let perLogRecord = 690
    static let perSpan = 630
    static let perAttribute = 48

    static func bytes(of batch: Batch, newSeries: some Sequence<Labels>, report: AppendReport) -> Int {
        var total = report.samples * perSample
        for labels in newSeries {
            total += perSeries + labels.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        }
        if report.logs > 0 {
            for record in batch.logs {
                total += perLogRecord + record.line.utf8.count + attributes(record.attributes)
            }
        }
        if report.spans > 0 {
            for span in batch.spans {
                total += perSpan + span.name.utf8.count + attributes(span.attributes)
                    + span.events.reduce(0) { $0 + 64 + attributes($1.attributes) }
            }
        }
        return total
    }

    private static func attributes(_ attributes: [Attribute]) -> Int {
        attributes.reduce(0) { total, attribute in
            let value: Int
            switch attribute.value {
            case .string(let string): value = string.utf8.count
            case .bytes(let bytes): value = bytes.count
            default: value = 8
            }
            return total + perAttribute + attribute.key.utf8.count + value
        }
    }
}
