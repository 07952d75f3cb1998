import Foundation
import LumenModel

/// Answers queries from one metric block directory.
///
/// The index is read whole and parsed at open (`MetricIndexReader`); the chunks file is memory-mapped, so
/// a query pages in only the chunks it decodes. Immutable after `init`, so one reader may serve any number
/// of concurrent queries. Damage found later (a chunk's checksum, a postings list) is thrown as a
/// `BlockError` with the file and offset.
public final class MetricPartReader: Sendable {
    public let directory: String
    public let meta: MetricPartMeta
    /// The parsed index: its series (sorted by labels) with their chunk references, which a merge walks.
    let index: MetricIndexReader
    private let chunks: Data
    private let chunksPath: String

    public init(directory: String) throws(BlockError) {
        self.directory = directory
        let metaPath = directory + "/" + MetricPart.metaFileName
        meta = try BlockError.decodingJSON(MetricPartMeta.self, at: metaPath)
        let version = meta.version
        guard MetricPart.readableVersions.contains(where: { Int($0) == version }) else {
            throw BlockError(.unsupportedVersion, "block format version \(meta.version)", path: metaPath)
        }
        let indexPath = directory + "/" + MetricPart.indexFileName
        index = try MetricIndexReader(bytes: BlockFile.readAll(indexPath), path: indexPath)
        chunksPath = directory + "/" + MetricPart.chunksFileName
        chunks = try BlockFile.map(chunksPath)
        guard chunks.count >= MetricPart.headerSize, Array(chunks.prefix(4)) == MetricPart.chunksMagic else {
            throw BlockError(.corrupt, "not a Lumen chunks file (bad magic or too short)", path: chunksPath, offset: 0)
        }
        guard MetricPart.readableVersions.contains(chunks[chunks.startIndex + 4]) else {
            throw BlockError(.unsupportedVersion, "chunks format version \(chunks[chunks.startIndex + 4])",
                path: chunksPath, offset: 4)
        }
    }

    public var seriesCount: Int { index.series.count }

    /// The tenant the index records (nil before version 2).
    var tenant: String? { index.tenant }

    /// Label names present in the part, sorted.
    public func labelNames() -> [String] { index.labelNames }

    /// Values present for `name`, sorted (by UTF-8 bytes, as stored).
    public func labelValues(_ name: String) -> [String] { index.labelValues(name) }

    /// Series selected by every matcher, with their samples in `[from, to]` (inclusive), sorted by labels;
    /// series with no sample in the range are left out. No matchers select every series.
    public func series(matching matchers: [LabelMatcher], from: Int64, to: Int64) throws(BlockError) -> [TimeSeries] {
        // Series are decoded on every core: each one's chunks are independent of the others'.
        try series(ReadRequest(tenant: .anonymous, from: from, to: to, matchers: matchers))
            .concurrentMap { series throws(BlockError) in TimeSeries(labels: series.labels, samples: try series.decode()) }
            .filter { !$0.samples.isEmpty }
    }

    /// The chunks of the selected series that overlap `[from, to]`, checksums verified but not decoded:
    /// for callers that iterate lazily (`MetricChunk.makeIterator()`).
    public func chunks(matching matchers: [LabelMatcher], from: Int64, to: Int64) throws(BlockError)
        -> [(labels: Labels, chunks: [MetricChunk])]
    {
        var result: [(labels: Labels, chunks: [MetricChunk])] = []
        for series in try series(ReadRequest(tenant: .anonymous, from: from, to: to, matchers: matchers)) {
            guard case .chunks(_, let references, _, _) = series.samples else { continue }
            var chunks: [MetricChunk] = []
            for reference in references { chunks.append(try chunk(reference)) }
            result.append((series.labels, chunks))
        }
        return result
    }

    /// The samples in `[from, to]` of `chunks` (one series' references, in time order). A damaged chunk throws,
    /// or with `skipDamaged` is reported there (its error covering its times) and left out: the series' other
    /// chunks are still read.
    func samples(
        of chunks: [ChunkReference], from: Int64, to: Int64, skipDamaged: ((BlockError) -> Void)? = nil
    ) throws(BlockError) -> [Sample] {
        var samples: [Sample] = []
        for reference in chunks {
            let decoded: [Sample]
            do throws(BlockError) {
                decoded = try self.decoded(reference)
            } catch {
                guard let skipDamaged else { throw error }
                skipDamaged(error.covering(reference.minTime, reference.maxTime))
                continue
            }
            // A chunk reaching past the range is decoded whole all the same: decoding is sequential.
            if reference.minTime >= from, reference.maxTime <= to {
                samples += decoded
            } else {
                samples += decoded.filter { $0.timestamp >= from && $0.timestamp <= to }
            }
        }
        return samples
    }

    /// Every sample of the chunk `reference` points to; damage is thrown with the file and offset.
    func decoded(_ reference: ChunkReference) throws(BlockError) -> [Sample] {
        let chunk = try chunk(reference)
        do throws(ChunkError) {
            return try chunk.samples()
        } catch {
            throw chunkError(error, chunkAt: reference.offset)
        }
    }

    /// The chunk `reference` points to, its checksum verified; its times are the index's.
    func chunk(_ reference: ChunkReference) throws(BlockError) -> MetricChunk {
        let record = try ChecksummedRecord.read(
            chunks, at: reference.offset, headerSize: MetricPart.headerSize, path: chunksPath, what: "chunk")
        do throws(ChunkError) {
            return try MetricChunk(bytes: record.bytes, minTime: reference.minTime, maxTime: reference.maxTime)
        } catch {
            throw chunkError(error, chunkAt: reference.offset)
        }
    }

    /// A chunk's decoding error, placed in the file: the record's header, then the error's offset in the chunk.
    private func chunkError(_ error: ChunkError, chunkAt offset: Int) -> BlockError {
        let head = [UInt8](chunks[chunks.startIndex + offset..<min(chunks.endIndex, chunks.startIndex + offset + 10)])
        let headerLength = (try? BlockError.reading(head, path: chunksPath) { reader throws(BatchRecordError) in
            _ = try reader.uvarint("length")
            return reader.offset
        }) ?? 0
        return BlockError(.corrupt, "chunk at \(offset): \(error.message)", path: chunksPath,
            offset: offset + headerLength + error.offset)
    }
}

/// The part as a read source: series selected through its index, chunks decoded when the querier gets to them.
extension MetricPartReader: MetricSource {
    func series(_ request: ReadRequest) throws(BlockError) -> [SourceSeries] {
        guard request.from <= request.to, meta.stats.series > 0, request.overlaps(meta.minTime, meta.maxTime) else {
            return []
        }
        return try index.select(request.matchers).compactMap { id in
            let entry = index.series[id]
            let chunks = entry.chunks.filter { request.overlaps($0.minTime, $0.maxTime) }
            return chunks.isEmpty
                ? nil : SourceSeries(labels: entry.labels, samples: .chunks(self, chunks, from: request.from, to: request.to))
        }
    }

    func labelNames(_ request: ReadRequest) -> [String] { labelNames() }

    func labelValues(_ name: String, _ request: ReadRequest) -> [String] { labelValues(name) }
}
