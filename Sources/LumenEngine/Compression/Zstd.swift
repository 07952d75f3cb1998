import CZstd

/// Zstandard frames, through the system libzstd: the page compression of log and span blocks. Chosen over zlib
/// for smaller pages at several times zlib's decompression speed (docs/BENCHMARKS.md).
public enum Zstd {
    /// The level of pages cut from the head: about 20 MB/s on one core, so a cut keeps up with ingest.
    public static let cutLevel: Int32 = 9
    /// The level compaction rewrites pages with: about 1 MB/s, 8–10 % smaller than `cutLevel` on logs. Data at
    /// rest is written once more and read many times; decompression speed barely depends on the level.
    public static let compactionLevel: Int32 = 19

    /// One frame of `bytes`. With a `dictionary`, its bytes are a prefix the frame may refer back to (raw content,
    /// never parsed as a zstd dictionary); decompressing then needs the same bytes.
    static func compress(_ bytes: [UInt8], level: Int32, dictionary: [UInt8] = []) -> [UInt8] {
        let context = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(context) }
        let capacity = ZSTD_compressBound(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            let written = bytes.withUnsafeBytes { input in
                dictionary.withUnsafeBytes { prefix in
                    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
                    ZSTD_CCtx_refPrefix(context, prefix.baseAddress, prefix.count)
                    return ZSTD_compress2(context, output.baseAddress, capacity, input.baseAddress, input.count)
                }
            }
            // With an output of ZSTD_compressBound bytes, compression cannot fail.
            precondition(ZSTD_isError(written) == 0, "ZSTD_compress2 failed with a bound-sized output")
            count = written
        }
    }

    /// Decompresses one frame whose content size is in its header (as `compress` writes it), refusing a frame
    /// over `limit` bytes before allocating. Returns nil for bytes that are not such a frame. `dictionary` must be
    /// the bytes the frame was compressed with.
    static func decompress(_ bytes: ArraySlice<UInt8>, limit: Int, dictionary: [UInt8] = []) -> [UInt8]? {
        bytes.withUnsafeBytes { input -> [UInt8]? in
            let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            guard size != ZSTD_CONTENTSIZE_UNKNOWN, size != ZSTD_CONTENTSIZE_ERROR, size <= UInt64(limit) else {
                return nil
            }
            let context = ZSTD_createDCtx()
            defer { ZSTD_freeDCtx(context) }
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: Int(size)) { output, count in
                let read = dictionary.withUnsafeBytes { prefix in
                    ZSTD_DCtx_refPrefix(context, prefix.baseAddress, prefix.count)
                    return ZSTD_decompressDCtx(context, output.baseAddress, Int(size), input.baseAddress, input.count)
                }
                failed = ZSTD_isError(read) != 0 || read != Int(size)
                count = failed ? 0 : read
            }
            return failed ? nil : output
        }
    }
}
