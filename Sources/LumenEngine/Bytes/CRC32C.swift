import CCRC32C

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every WAL record and block page.
///
/// By the CPU's instruction where it has one (`CCRC32C`), else table-driven, eight bytes per step
/// ("slicing-by-8"): the WAL checksums every byte it writes and replays, and block reads every page they
/// decompress. Check value: `"123456789"` → `0xE3069283`.
public enum CRC32C {
    static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight tables of 256 entries, flattened: `tables[k * 256 + b]` is the CRC of byte `b` followed by `k` zeros.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = tables[Int(crc & 0xff)] ^ (crc >> 8)
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        update(0, with: bytes)
    }

    /// Continues `crc` (a previous result, or 0 to start) over more bytes.
    public static func update(_ crc: UInt32, with bytes: some Collection<UInt8>) -> UInt32 {
        if let result = bytes.withContiguousStorageIfAvailable({ update(crc, buffer: UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { update(crc, buffer: $0) }
    }

    /// Whether the CPU computes it (SSE 4.2's `crc32`), about ten times faster than the tables: reading a block
    /// checks every page it decompresses.
    private static let inHardware = lumen_crc32c_available() != 0

    /// Continues `crc` over raw memory.
    public static func update(_ crc: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        if inHardware, let base = buffer.baseAddress { return lumen_crc32c_update(crc, base, buffer.count) }
        return updateByTables(crc, buffer: buffer)
    }

    /// `update` without the CPU's instruction.
    static func updateByTables(_ crc: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = ~crc
        var index = 0
        let count = buffer.count
        tables.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = crc ^ buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian
                let high = buffer.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                crc = table[7 * 256 + Int(low & 0xff)] ^ table[6 * 256 + Int((low >> 8) & 0xff)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xff)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xff)] ^ table[2 * 256 + Int((high >> 8) & 0xff)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xff)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(buffer[index])) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }
}
