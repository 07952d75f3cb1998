/// Every name the engine gives a file or directory on disk, in one place (as VictoriaMetrics' `filenames.go`),
/// so the layout of a data directory reads at a glance:
///
/// ```
/// <data-dir>/lock                            DataDirectoryLock
///           /wal/00000001.wal …              WALSegment, and next-segment.tmp (WALSpareSegment)
///           /blocks/checkpoint               the last WAL segment the blocks hold
///           /quarantine/<id>/                blocks that would not open, or whose meta.json names another tenant
///           /blocks/<id>/meta.json           BlockMeta (<id>.tmp/ while it is written)
///                       /metrics/{meta.json,index,chunks}   MetricPart
///                       /logs/{index,pages}                 LogPart
///                       /spans/{index,pages}                SpanPart
///                       /exemplars                          ExemplarPart
/// ```
///
/// A name here is part of the on-disk format: changing one breaks reading existing data directories.
extension DataDirectoryLock {
    public static let fileName = "lock"
}

extension Storage {
    static let walDirectoryName = "wal"
    static let blocksDirectoryName = "blocks"
    static let checkpointFileName = "checkpoint"
    static let quarantineDirectoryName = "quarantine"
}

extension WALSegment {
    public static let fileExtension = ".wal"
}

extension WALSpareSegment {
    static let fileName = "next-segment.tmp"
}

extension Block {
    /// Suffix of the directory a block (or a file replaced whole) is written in before it is renamed into place.
    public static let temporarySuffix = ".tmp"
    public static let metaFileName = "meta.json"
}

extension MetricPart {
    public static let directoryName = "metrics"
    public static let chunksFileName = "chunks"
    public static let indexFileName = "index"
    public static let metaFileName = "meta.json"
}

extension LogPart {
    static let directoryName = "logs"
    static let pagesFileName = "pages"
    static let indexFileName = "index"
}

extension SpanPart {
    static let directoryName = "spans"
    static let pagesFileName = "pages"
    static let indexFileName = "index"
}

extension ExemplarPart {
    static let fileName = "exemplars"
}
