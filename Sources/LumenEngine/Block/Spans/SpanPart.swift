import LumenModel

/// Constants of a block's span part, mirroring `docs/format/spans.md`: the `spans` page file and its `index`.
enum SpanPart {
    /// `LSPN`: first bytes of the page file.
    static let pagesMagic: [UInt8] = Array("LSPN".utf8)
    /// `LSPI`: first bytes of the index file.
    static let indexMagic: [UInt8] = Array("LSPI".utf8)
    static let version: UInt8 = 3
    /// Version 2's index does not record the tenant; its pages are the same.
    static let readableVersions: ClosedRange<UInt8> = 2...version

    /// Pages are cut between traces once they hold this many spans (a bigger trace gets pages of its own):
    /// a lookup by trace ID decompresses one page of about this size.
    static let maxSpansPerPage = 1024

    /// What the index keeps of one page: its trace-ID range (pages are in trace-ID order, so a lookup is a
    /// binary search) and the min/max of start time and duration, so searches skip pages without reading them.
    struct PageEntry {
        var offset: Int
        var spans: Int
        var firstTraceID: TraceID
        var lastTraceID: TraceID
        var minStart: Int64
        var maxStart: Int64
        var minDuration: Int64
        var maxDuration: Int64
    }

    struct Index {
        /// The tenant the part was written for (version 3 on), checked at open against the block's `meta.json`.
        var tenant: String?
        /// What every page is compressed against: the first page's tables, which the other pages mostly repeat.
        var dictionary: [UInt8]
        /// Every trace ID of the part: a lookup for a trace that is not here costs no binary search.
        var traceFilter: BloomFilter
        var pages: [PageEntry]
    }
}
