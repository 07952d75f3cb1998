import Foundation
import LumenModel

/// One block on disk, opened: its meta and a reader for each part it has. Opening reads the parts' indexes
/// whole and maps their data files. Immutable: shared by any number of concurrent queries.
public final class Block: Sendable {
    public let directory: String
    public let meta: BlockMeta
    let metrics: MetricPartReader?
    let logs: LogPartReader?
    let spans: SpanPartReader?
    let exemplars: ExemplarPartReader?

    public init(directory: String) throws(BlockError) {
        self.directory = directory
        let metaPath = directory + "/" + Block.metaFileName
        meta = try BlockError.decodingJSON(BlockMeta.self, at: metaPath)
        guard meta.version == BlockMeta.currentVersion else {
            throw BlockError(.unsupportedVersion, "block layout version \(meta.version)", path: metaPath)
        }
        metrics = meta.metrics == nil ? nil : try MetricPartReader(directory: directory + "/" + MetricPart.directoryName)
        logs = meta.logs == nil ? nil : try LogPartReader(directory: directory + "/" + LogPart.directoryName)
        spans = meta.spans == nil ? nil : try SpanPartReader(directory: directory + "/" + SpanPart.directoryName)
        exemplars = meta.exemplars == nil ? nil : try ExemplarPartReader(path: directory + "/" + ExemplarPart.fileName)
        try checkTenant()
    }

    /// Refuses a block whose `meta.json` names another tenant than its parts' indexes record (checksummed, written
    /// with the data): a `meta.json` rewritten or mixed up must not hand one tenant's data to another. Parts
    /// written before the indexes recorded it are not checked.
    private func checkTenant() throws(BlockError) {
        let recorded: [(part: String, tenant: String?)] = [
            (MetricPart.directoryName + "/" + MetricPart.indexFileName, metrics?.tenant),
            (LogPart.directoryName + "/" + LogPart.indexFileName, logs?.tenant),
            (SpanPart.directoryName + "/" + SpanPart.indexFileName, spans?.index.tenant),
        ]
        for (part, tenant) in recorded {
            guard let tenant, tenant != meta.tenant else { continue }
            throw BlockError(.tenantMismatch,
                "\(Block.metaFileName) names tenant \"\(meta.tenant)\" but \(part) was written for tenant \"\(tenant)\"",
                path: directory + "/" + part)
        }
    }

    public var tenant: Tenant { Tenant(meta.tenant) ?? .anonymous }

    /// Whether the block's data may fall in `[from, to]`.
    func overlaps(_ from: Int64, _ to: Int64) -> Bool { meta.maxTime >= from && meta.minTime <= to }

    /// Everything in the block, decoded whole: for tests and the storage fuzzer. Compaction reads blocks part by
    /// part, in bounded memory (`BlockMerge`).
    func contents() throws(BlockError) -> BlockContents {
        var contents = BlockContents(tenant: tenant)
        contents.series = try metrics?.series(matching: [], from: .min, to: .max).map { ($0.labels, $0.samples) } ?? []
        contents.logStreams = try logs?.allStreams() ?? []
        contents.spans = try spans?.allSpans() ?? []
        contents.exemplars = try exemplars?.allSeries().map { ($0.labels, $0.exemplars) } ?? []
        return contents
    }

    /// The block's spans of one trace.
    public func spans(of traceID: TraceID) throws(BlockError) -> [Span] {
        try spans?.traces([traceID]) ?? []
    }

    /// The block's spans starting in `[from, to]`, newest first, at most `limit`.
    public func spansStarting(from: Int64, to: Int64, limit: Int = .max) throws(BlockError) -> [Span] {
        var failure: BlockError?
        let pages = spans?.pages(ReadRequest(tenant: tenant, from: from, to: to)) ?? []
        let found = Array(InTimeOrder(pages, limit: limit, dedupe: false) { failure = $0 })
        if let failure { throw failure }
        return found
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
