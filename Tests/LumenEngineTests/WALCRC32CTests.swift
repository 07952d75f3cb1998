import Testing
@testable import LumenEngine

struct WALCRC32CTests {
    /// Bit-at-a-time CRC-32C, the definition the instruction and the tables must match.
    private func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func theCheckValueOf123456789IsE3069283() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func theChecksumOfNothingIsZero() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func thirtyTwoZeroBytesMatchTheRFC3720Vector() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func everyLengthAndAlignmentMatchesTheBitwiseDefinition() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        for start in 0..<9 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200] where start + length <= data.count {
                let slice = Array(data[start..<start + length])
                #expect(CRC32C.checksum(data[start..<start + length]) == reference(slice))
                // The tables, which CPUs without the instruction use, agree too.
                #expect(slice.withUnsafeBytes { CRC32C.updateByTables(0, buffer: $0) } == reference(slice))
            }
        }
    }

    @Test func updatingInPiecesEqualsTheWhole() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let pieces = CRC32C.update(CRC32C.update(CRC32C.checksum(data[0..<13]), with: data[13..<500]), with: data[500...])
        #expect(pieces == CRC32C.checksum(data))
    }
}
