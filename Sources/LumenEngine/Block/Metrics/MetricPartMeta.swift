import Foundation

/// `meta.json` of a metric block: what a store needs to plan queries and compactions without opening the
/// index. Times are nanoseconds since the epoch, inclusive.
public struct MetricPartMeta: Codable, Hashable, Sendable {
    public struct Stats: Codable, Hashable, Sendable {
        public var series: Int
        public var samples: Int
        public var chunks: Int
    }

    /// The block's `BlockID`, as text.
    public var id: String
    /// `MetricPart.version` of the chunks and index files.
    public var version: Int
    public var minTime: Int64
    public var maxTime: Int64
    public var stats: Stats

    /// The bytes of `meta.json`: pretty-printed with sorted keys, then a newline.
    var fileBytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Integers and strings only: encoding cannot fail.
        return Array(try! encoder.encode(self)) + [UInt8(ascii: "\n")]
    }
}
