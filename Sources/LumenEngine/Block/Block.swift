import Foundation
import LumenModel

/// One block on disk, opened: its meta and a reader for each part it has. Opening reads the parts' indexes
/// whole and maps their data files. Immutable: shared by any number of concurrent queries.
public final class Block: Sendable {
    public let directory: String
    public let meta: BlockMeta
    let metrics: MetricBlockReader?
    let logs: LogPartReader?
    let spans: SpanPartReader?
    let exemplars: ExemplarPartReader?

    public init(directory: String) throws(BlockError) {
        self.directory = directory
        let metaPath = directory + "/" + BlockFormat.metaFileName
        do {
            meta = try JSONDecoder().decode(BlockMeta.self, from: Data(BlockFile.readAll(metaPath)))
        } catch let error as BlockError {
            throw error
        } catch {
            throw BlockError(.corrupt, "meta.json does not decode: \(error)", path: metaPath)
        }
        guard meta.version == BlockMeta.currentVersion else {
            throw BlockError(.unsupportedVersion, "block layout version \(meta.version)", path: metaPath)
        }
        metrics = meta.metrics == nil ? nil : try MetricBlockReader(directory: directory + "/metrics")
        logs = meta.logs == nil ? nil : try LogPartReader(directory: directory + "/" + LogPart.directoryName)
        spans = meta.spans == nil ? nil : try SpanPartReader(directory: directory + "/" + SpanPart.directoryName)
        exemplars = meta.exemplars == nil ? nil : try ExemplarPartReader(path: directory + "/" + ExemplarPart.fileName)
    }

    public var tenant: Tenant { Tenant(meta.tenant) ?? .anonymous }

    /// Whether the block's data may fall in `[from, to]`.
    func overlaps(_ from: Int64, _ to: Int64) -> Bool { meta.maxTime >= from && meta.minTime <= to }

    /// Everything in the block, for compaction.
    func contents() throws(BlockError) -> BlockContents {
        var contents = BlockContents(tenant: tenant)
        contents.series = try metrics?.series(matching: [], from: .min, to: .max).map { ($0.labels, $0.samples) } ?? []
        contents.logStreams = try logs?.allStreams() ?? []
        contents.spans = try spans?.allSpans() ?? []
        contents.exemplars = try exemplars?.allSeries().map { ($0.labels, $0.exemplars) } ?? []
        return contents
    }

    /// The block's log records of the selected streams in `[from, to]` passing `filter`, newest first, at
    /// most `limit` (`lineContains` prunes pages, as in `TelemetryReader.logs`).
    public func logs(
        matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int, lineContains: [String],
        filter: (LogRecord) -> Bool
    ) throws(BlockError) -> [LogRecord] {
        try logs?.logs(matching: matchers, from: from, to: to, limit: limit, lineContains: lineContains, filter: filter)
            ?? []
    }

    /// The block's spans starting in `[from, to]`, newest first.
    public func spansStarting(from: Int64, to: Int64, limit: Int = .max) throws(BlockError) -> [Span] {
        try spans?.spans(from: from, to: to, limit: limit, prefilter: .none) { _ in true } ?? []
    }

    /// The block's spans of one trace.
    public func spans(of traceID: TraceID) throws(BlockError) -> [Span] {
        try spans(ofTraces: [traceID])
    }

    /// The block's spans of every trace in `traceIDs` that `prefilter` admits, each page holding some read once.
    public func spans(ofTraces traceIDs: Set<TraceID>, prefilter: SpanPrefilter = .none) throws(BlockError) -> [Span] {
        try spans?.traces(traceIDs, prefilter: prefilter) ?? []
    }

    /// On-disk bytes of every file under `part` (`metrics`, `logs`, `spans`), or of the whole block.
    public func bytes(of part: String? = nil) -> Int {
        let root = part.map { directory + "/" + $0 } ?? directory
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        var total = 0
        while let path = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                total += (attributes?[.size] as? Int) ?? 0
            }
        }
        return total
    }
}
