/// Zig-zag maps signed integers to unsigned ones so that small magnitudes stay small:
/// 0, -1, 1, -2 … → 0, 1, 2, 3 … Every `Int64` round-trips.
enum ZigZag {
    @inline(__always)
    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inline(__always)
    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
