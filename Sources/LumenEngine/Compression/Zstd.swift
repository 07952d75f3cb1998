import CZstd

/// Zstandard frames, through the system libzstd: the page compression of log and span blocks. Chosen over zlib
/// for smaller pages at several times zlib's decompression speed (docs/BENCHMARKS.md).
public enum Zstd {
    /// The level of pages cut from the head: about 20 MB/s on one core, so a cut keeps up with ingest.
    public static let cutLevel: Int32 = 9
    /// The level compaction rewrites pages with: about 1 MB/s, 8–10 % smaller than `cutLevel` on logs. Data at
    /// rest is written once more and read many times; decompression speed barely depends on the level.
    public static let compactionLevel: Int32 = 19

    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        let capacity = ZSTD_compressBound(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            let written = bytes.withUnsafeBytes { input in
                ZSTD_compress(output.baseAddress, capacity, input.baseAddress, input.count, level)
            }
            // With an output of ZSTD_compressBound bytes, compression cannot fail.
            precondition(ZSTD_isError(written) == 0, "ZSTD_compress failed with a bound-sized output")
            count = written
        }
    }

    /// Decompresses one frame whose content size is in its header (as `compress` writes it), refusing a frame
    /// over `limit` bytes before allocating. Returns nil for bytes that are not such a frame.
    static func decompress(_ bytes: ArraySlice<UInt8>, limit: Int) -> [UInt8]? {
        bytes.withUnsafeBytes { input -> [UInt8]? in
            let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            guard size != ZSTD_CONTENTSIZE_UNKNOWN, size != ZSTD_CONTENTSIZE_ERROR, size <= UInt64(limit) else {
                return nil
            }
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: Int(size)) { output, count in
                let read = ZSTD_decompress(output.baseAddress, Int(size), input.baseAddress, input.count)
                failed = ZSTD_isError(read) != 0 || read != Int(size)
                count = failed ? 0 : read
            }
            return failed ? nil : output
        }
    }
}
