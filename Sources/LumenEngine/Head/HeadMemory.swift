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
    /// The struct (labels array, timestamp, value) and each label's two strings; estimated, not calibrated:
    /// exemplars are few beside samples.
    static let perExemplar = 48
    static let perExemplarLabel = 32

    /// The batch's log records, spans and exemplars. Pure: computed before the head's lock is taken, so appends hold the
    /// lock no longer for it. (A duplicate span, stored once, is counted anyway: retries are rare.)
    static func records(of batch: Batch) -> Int {
        var total = 0
        for record in batch.logs {
            total += perLogRecord + value(record.body) + attributes(record.attributes)
        }
        for span in batch.spans {
            total += perSpan + span.name.utf8.count + attributes(span.attributes)
                + span.events.reduce(0) { $0 + 64 + attributes($1.attributes) }
        }
        for series in batch.series {
            for exemplar in series.exemplars {
                total += perExemplar + exemplar.labels.reduce(0) {
                    $0 + perExemplarLabel + $1.name.utf8.count + $1.value.utf8.count
                }
            }
        }
        return total
    }

    /// New series and the samples added.
    static func series(_ newSeries: some Sequence<Labels>, samples: Int) -> Int {
        var total = samples * perSample
        for labels in newSeries {
            total += perSeries + labels.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        }
        return total
    }

    private static func attributes(_ attributes: [Attribute]) -> Int {
        attributes.reduce(0) { $0 + perAttribute + $1.key.utf8.count + value($1.value) }
    }

    private static func value(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let string): string.utf8.count
        case .bytes(let bytes): bytes.count
        case .array(let values): values.reduce(8) { $0 + self.value($1) }
        case .map(let entries): 8 + attributes(entries)
        default: 8
        }
    }
}
