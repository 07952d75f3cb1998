import LumenModel

/// The binary form of a whole `Batch`, as the WAL stores it: versioned, compact, fast both ways.
/// The layout is specified in `docs/format/wal.md` ("Batch record") and pinned by a golden-file test.
///
/// Every field of the model survives a round trip exactly, float bits (NaN payloads, the stale marker)
/// included. Resources and instrumentation scopes are written once per record and referred to by index.
public enum BatchRecord {
    /// The record format this code writes. Bump it for any layout change.
    public static let version: UInt8 = 2
    /// The oldest format this code still reads: version 1 is version 2 without exemplars, so a log written
    /// before exemplars were stored replays.
    public static let oldestReadableVersion: UInt8 = 1

    /// Nested arrays and maps deeper than this are refused when decoding, so hostile input cannot
    /// exhaust the stack. (swift-protobuf's default recursion limit is the same.)
    public static let maxValueDepth = 100

    /// Tags of the `AttributeValue` cases.
    enum ValueTag: UInt8 {
        case string = 0, bool = 1, int = 2, double = 3, bytes = 4, array = 5, map = 6
    }

    /// Bits of a span's and a log record's flags byte.
    enum Flag {
        static let hasParentSpanID: UInt8 = 1
        static let hasTraceID: UInt8 = 1
        static let hasSpanID: UInt8 = 2
    }

    /// Encodes `batch`. Never fails: every model value has an encoding.
    public static func encode(_ batch: Batch) -> [UInt8] {
        var encoder = BatchRecordEncoder(batch: batch)
        return encoder.encode()
    }

    /// Decodes a record made by `encode`; throws `BatchRecordError` (with the byte offset) for anything else.
    public static func decode(_ bytes: [UInt8]) throws(BatchRecordError) -> Batch {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var decoder = BatchRecordDecoder(reader: ByteReader(buffer))
                return try decoder.decode()
            }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 0, message: "\(error)")
        }
    }
}
