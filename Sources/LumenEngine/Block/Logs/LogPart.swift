import LumenModel

/// Constants of a block's log part, mirroring `docs/format/logs.md`: the `logs` page file and its `index`.
enum LogPart {
    /// `LLOG`: first bytes of the page file.
    static let pagesMagic: [UInt8] = Array("LLOG".utf8)
    /// `LLGI`: first bytes of the index file.
    static let indexMagic: [UInt8] = Array("LLGI".utf8)
    static let version: UInt8 = 3
    /// Version 1 (before templates) is still read: its body column is version 2's `values` encoding without the
    /// encoding byte, and its index has no templates offset. Version 2's index does not record the tenant.
    /// Pages are the same from version 2 on.
    static let readableVersions: ClosedRange<UInt8> = 1...version

    /// A page is cut after this many records or this many bytes of lines, whichever comes first: large enough
    /// for zstd to find the repetition across lines, small enough that a hit decompresses little.
    static let maxRecordsPerPage = 8192
    static let maxLineBytesPerPage = 1 << 20

    /// What the index keeps of one page: enough to skip it without reading it.
    struct PageEntry {
        var offset: Int
        var records: Int
        var minTime: Int64
        var maxTime: Int64
        /// Trigrams of the page's lines: a line filter `|= "text"` skips pages missing any of its trigrams.
        var lineFilter: BloomFilter
        /// Trace IDs of the page's records: a trace lookup skips pages without it.
        var traceFilter: BloomFilter
    }

    struct StreamEntry {
        var labels: Labels
        var pages: [PageEntry]
    }

    struct Index {
        var version = LogPart.version
        /// The tenant the part was written for (version 3 on), checked at open against the block's `meta.json`.
        var tenant: String?
        var streams: [StreamEntry]
        /// Where in `pages` the part's template table is (a page of its own, after the others); nil if no page
        /// is templated.
        var templatesOffset: Int?
    }
}
