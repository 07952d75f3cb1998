import Foundation
import LumenModel

/// Answers queries from one metric block directory.
///
/// The index is read whole and parsed at open (`MetricIndexReader`); the chunks file is memory-mapped, so
/// a query pages in only the chunks it decodes. Immutable after `init`, so one reader may serve any number
/// of concurrent queries. Damage found later (a chunk's checksum, a postings list) is thrown as a
/// `BlockError` with the file and offset.
public final class MetricBlockReader: Sendable {
    public let directory: String
    public let meta: MetricBlockMeta
    private let index: MetricIndexReader
    private let chunks: Data
    private let chunksPath: String

    public init(directory: String) throws(BlockError) {
        self.directory = directory
        let metaPath = directory + "/" + BlockFormat.metaFileName
        do {
            meta = try JSONDecoder().decode(MetricBlockMeta.self, from: Data(BlockFile.readAll(metaPath)))
        } catch let error as BlockError {
            throw error
        } catch {
            throw BlockError(.corrupt, "meta.json does not decode: \(error)", path: metaPath)
        }
        guard meta.version == Int(BlockFormat.version) else {
            throw BlockError(.unsupportedVersion, "block format version \(meta.version)", path: metaPath)
        }
        let indexPath = directory + "/" + BlockFormat.indexFileName
        index = try MetricIndexReader(bytes: BlockFile.readAll(indexPath), path: indexPath)
        chunksPath = directory + "/" + BlockFormat.chunksFileName
        chunks = try BlockFile.map(chunksPath)
        guard chunks.count >= BlockFormat.headerSize, Array(chunks.prefix(4)) == BlockFormat.chunksMagic else {
            throw BlockError(.corrupt, "not a Lumen chunks file (bad magic or too short)", path: chunksPath, offset: 0)
        }
        guard chunks[chunks.startIndex + 4] == BlockFormat.version else {
            throw BlockError(.unsupportedVersion, "chunks format version \(chunks[chunks.startIndex + 4])",
                path: chunksPath, offset: 4)
        }
    }

    public var seriesCount: Int { index.series.count }

    /// Label names present in the block, sorted.
    public func labelNames() -> [String] { index.table.keys.sorted() }

    /// Values present for `name`, sorted (by UTF-8 bytes, as stored).
    public func labelValues(_ name: String) -> [String] { (index.table[name] ?? []).map(\.value) }

    /// Series selected by every matcher, with their samples in `[from, to]` (inclusive), sorted by labels;
    /// series with no sample in the range are left out. No matchers select every series.
    public func series(matching matchers: [LabelMatcher], from: Int64, to: Int64) throws(BlockError) -> [TimeSeries] {
        guard from <= to, meta.stats.series > 0, from <= meta.maxTime, to >= meta.minTime else { return [] }
        // Series are decoded on every core: each one's chunks are independent of the others'.
        return try select(matchers).concurrentMap { id throws(BlockError) -> TimeSeries? in
            let entry = index.series[id]
            var samples: [Sample] = []
            for reference in entry.chunks where reference.maxTime >= from && reference.minTime <= to {
                let chunk = try chunk(reference)
                let decoded: [Sample]
                do throws(ChunkError) {
                    decoded = try chunk.samples()
                } catch {
                    throw chunkError(error, chunkAt: reference.offset)
                }
                // A chunk reaching past the range is decoded whole all the same: decoding is sequential.
                if reference.minTime >= from, reference.maxTime <= to {
                    samples += decoded
                } else {
                    samples += decoded.filter { $0.timestamp >= from && $0.timestamp <= to }
                }
            }
            return samples.isEmpty ? nil : TimeSeries(labels: entry.labels, samples: samples)
        }.compactMap { $0 }
    }

    /// The chunks of the selected series that overlap `[from, to]`, checksums verified but not decoded:
    /// for callers that iterate lazily (`MetricChunk.makeIterator()`) or merge blocks.
    public func chunks(matching matchers: [LabelMatcher], from: Int64, to: Int64) throws(BlockError)
        -> [(labels: Labels, chunks: [MetricChunk])]
    {
        guard from <= to else { return [] }
        var result: [(labels: Labels, chunks: [MetricChunk])] = []
        for id in try select(matchers) {
            let entry = index.series[id]
            var chunks: [MetricChunk] = []
            for reference in entry.chunks where reference.maxTime >= from && reference.minTime <= to {
                chunks.append(try chunk(reference))
            }
            if !chunks.isEmpty { result.append((entry.labels, chunks)) }
        }
        return result
    }

    /// IDs of the series every matcher selects, sorted. Matchers that need a value intersect postings
    /// lists; matchers that also select series without the label (`a=""`, `a!="x"`, `a=~".*"`) subtract
    /// the series whose value they reject.
    func select(_ matchers: [LabelMatcher]) throws(BlockError) -> [Int] {
        var result: [Int]? = nil
        for matcher in matchers.sorted(by: { !$0.matchesEmpty && $1.matchesEmpty }) {
            let values = index.table[matcher.name] ?? []
            if matcher.matchesEmpty {
                var excluded: [[Int]] = []
                for entry in values where !matcher.matches(entry.value) { excluded.append(try index.postingsList(at: entry.offset)) }
                result = Postings.subtract(result ?? Array(0..<index.series.count), Postings.union(excluded))
            } else {
                var included: [[Int]] = []
                for entry in values where matcher.matches(entry.value) { included.append(try index.postingsList(at: entry.offset)) }
                let ids = included.isEmpty ? [] : Postings.union(included)
                result = result.map { Postings.intersect($0, ids) } ?? ids
            }
            if result!.isEmpty { return [] }
        }
        return result ?? Array(0..<index.series.count)
    }

    /// The chunk `reference` points to, its checksum verified; its times are the index's.
    func chunk(_ reference: MetricIndexWriter.ChunkReference) throws(BlockError) -> MetricChunk {
        let record = try ChecksummedRecord.read(
            chunks, at: reference.offset, headerSize: BlockFormat.headerSize, path: chunksPath, what: "chunk")
        do throws(ChunkError) {
            return try MetricChunk(bytes: record.bytes, minTime: reference.minTime, maxTime: reference.maxTime)
        } catch {
            throw chunkError(error, chunkAt: reference.offset)
        }
    }

    /// A chunk's decoding error, placed in the file: the record's header, then the error's offset in the chunk.
    private func chunkError(_ error: ChunkError, chunkAt offset: Int) -> BlockError {
        var cursor = ByteCursor([UInt8](chunks[chunks.startIndex + offset..<min(chunks.endIndex, chunks.startIndex + offset + 10)]),
            path: chunksPath)
        let headerLength = ((try? cursor.uvarint("length")) != nil) ? cursor.position : 0
        return BlockError(.corrupt, "chunk at \(offset): \(error.message)", path: chunksPath,
            offset: offset + headerLength + error.offset)
    }
}
