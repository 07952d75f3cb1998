/// The unsigned varint of the engine's formats (LEB128): seven bits a byte, low bits first, the top bit set on
/// every byte but the last. One definition for every writer: arrays, scratch memory and bit streams.
enum LEB128 {
    @inline(__always)
    static func encode(_ value: UInt64, _ emit: (UInt8) -> Void) {
        var value = value
        while value >= 0x80 {
            emit(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        emit(UInt8(value))
    }
}
