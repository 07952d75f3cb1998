/// Constants of the metric block format, mirroring `docs/format/index.md`. A change here changes bytes on
/// disk: bump `version`, update the doc and the golden files (`Tests/LumenEngineTests/Golden/block-*`).
public enum MetricPart {
    public static let version: UInt8 = 2
    /// Version 1's index does not record the tenant (version 2's symbols section starts with it); its chunks are
    /// the same.
    public static let readableVersions: ClosedRange<UInt8> = 1...version

    /// `LCHK`: first bytes of the chunks file.
    static let chunksMagic: [UInt8] = Array("LCHK".utf8)
    /// `LIDX`: first bytes of the index file.
    static let indexMagic: [UInt8] = Array("LIDX".utf8)
    /// Magic (4), version (1), reserved zero bytes (3).
    static let headerSize = 8
    /// Four u64 section offsets and the CRC-32C of those 32 bytes.
    static let tocSize = 36
    /// A section: u32 body length, body, u32 CRC-32C of the body.
    static let sectionOverhead = 8

    /// Samples per chunk when the writer is not told otherwise: large enough that per-chunk headers
    /// cost little (~0.02 byte/sample), small enough that a seek decodes at most this many samples.
    public static let defaultMaxSamplesPerChunk = 1024
}
