import Foundation

/// The file of a log, span or exemplar part: a header, then pages, each a zstd frame with its length and checksum
/// (`docs/format/logs.md`, `docs/format/spans.md`).
///
/// ```
/// ┌───────────┬─────────────┬──────────────┬─────────────────────────────────────────────┬───
/// │ magic (4) │ version (1) │ reserved (3) │ page: uvarint length · zstd frame · CRC-32C │ …
/// └───────────┴─────────────┴──────────────┴─────────────────────────────────────────────┴───
/// ```
enum PageFile {
    static let version: UInt8 = 1
    static let headerSize = 8
    /// A page never decompresses to more than this: a corrupt length cannot make a reader allocate more.
    static let maxPageBytes = 64 << 20

    /// The file's first bytes.
    static func header(_ magic: [UInt8]) -> [UInt8] { magic + [version, 0, 0, 0] }

    /// Writes a page file front to back, each page appended to the file as it is made (`FileSystem.Appender`): memory
    /// holds a page and a bounded buffer however big the file grows. One owner at a time.
    final class FileWriter {
        private let file: BlockFile.Appender
        let level: Int32

        /// Creates the file at `path`, which must not exist, and writes its header.
        init(path: String, magic: [UInt8], level: Int32) throws(BlockError) {
            file = try BlockFile.Appender(creating: path)
            self.level = level
            try file.append(PageFile.header(magic))
        }

        /// Compresses `page` (against `dictionary`, which a reader must then pass back) and appends it; returns its
        /// offset, the reference an index keeps.
        func append(_ page: [UInt8], dictionary: [UInt8] = []) throws(BlockError) -> Int {
            let offset = file.count
            let frame = Zstd.compress(page, level: level, dictionary: dictionary)
            try file.append { ChecksummedRecord.append(frame, to: &$0) }
            return offset
        }

        /// Writes what is buffered, fsyncs and closes the file.
        func finish() throws(BlockError) {
            try file.finish()
        }
    }

    /// Reads pages from a mapped file. Immutable: safe to share between concurrent queries.
    final class Reader: Sendable {
        let path: String
        private let data: Data

        init(path: String, magic: [UInt8]) throws(BlockError) {
            self.path = path
            data = try BlockFile.map(path)
            guard data.count >= PageFile.headerSize, Array(data.prefix(4)) == magic else {
                throw BlockError(.corrupt, "bad magic or a short header", path: path, offset: 0)
            }
            guard data[data.startIndex + 4] == PageFile.version else {
                throw BlockError(.unsupportedVersion, "page file version \(data[data.startIndex + 4])", path: path,
                    offset: 4)
            }
        }

        /// The page starting at `offset`, checksum verified, decompressed with the `dictionary` it was written with.
        func page(at offset: Int, dictionary: [UInt8] = []) throws(BlockError) -> [UInt8] {
            try read(at: offset, dictionary: dictionary).page
        }

        /// Every page in file order, for a part small enough to need no index. A damaged page throws, or with
        /// `skipDamaged` is reported there and stepped over when its length can still be read (the pages after
        /// it are read); past a damaged length nothing more can be found.
        func allPages(skipDamaged: ((BlockError) -> Void)? = nil) throws(BlockError) -> [(offset: Int, page: [UInt8])] {
            var pages: [(offset: Int, page: [UInt8])] = []
            var offset = PageFile.headerSize
            while offset < data.count {
                do throws(BlockError) {
                    let (page, next) = try read(at: offset, dictionary: [])
                    pages.append((offset, page))
                    offset = next
                } catch {
                    guard let skipDamaged else { throw error }
                    skipDamaged(error)
                    guard let next = ChecksummedRecord.end(of: data, at: offset), next > offset else { break }
                    offset = next
                }
            }
            return pages
        }

        private func read(at offset: Int, dictionary: [UInt8]) throws(BlockError) -> (page: [UInt8], next: Int) {
            let frame = try ChecksummedRecord.read(
                data, at: offset, headerSize: PageFile.headerSize, path: path, what: "page")
            let page = Zstd.decompress(frame.bytes[...], limit: PageFile.maxPageBytes, dictionary: dictionary)
            guard let page else {
                throw BlockError(.corrupt, "page is not a valid zstd frame", path: path, offset: frame.start)
            }
            let next = frame.start + frame.bytes.count + ChecksummedRecord.checksumSize
            releaseResidentPages(offset..<next)
            return (page, next)
        }

        /// Drops the mapped pages around `range` — read, checked and decompressed — from the resident set. They stay
        /// in the page cache, so reading them again maps them back without I/O, but they stop counting against the
        /// memory ceiling, which bounds the resident set: merges and queries that touched every page of large blocks
        /// kept 160–175 MB of them resident in the overload soak. Safe only on a file mapping: `BlockFile.map` maps
        /// every non-empty file private and read-only (a page file always holds its header), so dropping its pages
        /// loses nothing, where on heap memory it would zero them.
        ///
        /// A fault maps a whole folio of the page cache, up to `releaseSpan` (ext4 and XFS cache files in large
        /// folios), not the one page touched: released page by page, a soak still kept 1.5–2 of a 3.5 MB file's
        /// megabytes resident for each of 54 blocks (114 MiB). So the span released is `range` widened to that size.
        private func releaseResidentPages(_ range: Range<Int>) {
            let start = range.lowerBound / Self.releaseSpan * Self.releaseSpan
            let end = min(data.count, (range.upperBound + Self.releaseSpan - 1) / Self.releaseSpan * Self.releaseSpan)
            data.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress, start < end else { return }
                _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
            }
        }

        /// The largest folio the page cache maps at once (a PMD: 2 MiB on x86-64 and arm64 with 4 KiB pages).
        private static let releaseSpan = 2 << 20
    }
}
