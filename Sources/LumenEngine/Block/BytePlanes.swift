/// A column of unsigned integers stored as byte planes: every value's lowest byte, then every value's next
/// byte …, as many planes as the widest value needs.
///
/// ```
/// u8 width · width × (values bytes)
/// ```
///
/// Time offsets are mostly random low bits under a few high bits that vary little. As varints the two are
/// interleaved with continuation bits; as planes the random bytes sit together and the high bytes sit together,
/// where zstd's entropy coder finds their skew. A value is read by its position, without reading those before it.
enum BytePlanes {
    static func write(_ values: [UInt64], to out: inout ByteWriter) {
        let widest = values.reduce(0, |)
        let width = (UInt64.bitWidth - widest.leadingZeroBitCount + 7) / 8
        out.byte(UInt8(width))
        out.bytes.reserveCapacity(out.bytes.count + width * values.count)
        for plane in 0..<width {
            for value in values { out.byte(UInt8(truncatingIfNeeded: value >> (8 * plane))) }
        }
    }

    /// Reads a column written by `write`. Holds pointers into the page: use it only while the page's buffer lives.
    struct Reader {
        let count: Int
        private let width: Int
        private let planes: UnsafeBufferPointer<UInt8>

        /// Reads a column that is all planes, to its end.
        init(_ column: inout ByteReader, count: Int) throws(BatchRecordError) {
            let width = Int(try column.byte("plane width"))
            guard width <= 8, column.remaining == width * count else {
                throw column.error("\(column.remaining) bytes are not \(count) values of \(width) planes")
            }
            try self.init(width: width, count: count, from: &column)
        }

        /// Reads planes that other data follows, leaving `column` after them.
        init(prefixOf column: inout ByteReader, count: Int) throws(BatchRecordError) {
            let width = Int(try column.byte("plane width"))
            guard width <= 8, column.remaining >= width * count else {
                throw column.error("fewer than \(count) values of \(width) planes left")
            }
            try self.init(width: width, count: count, from: &column)
        }

        private init(width: Int, count: Int, from column: inout ByteReader) throws(BatchRecordError) {
            self.count = count
            self.width = width
            let start = column.offset
            try column.skip(width * count)
            planes = UnsafeBufferPointer(rebasing: column.buffer[start..<start + width * count])
        }

        /// Every value, a plane at a time.
        func values() -> [UInt64] {
            var values = [UInt64](repeating: 0, count: count)
            values.withUnsafeMutableBufferPointer { values in
                for plane in 0..<width {
                    let base = plane * count
                    let shift = UInt64(8 * plane)
                    for index in 0..<count { values[index] |= UInt64(planes[base + index]) << shift }
                }
            }
            return values
        }

        /// The value at `index`, which must be below `count`.
        subscript(index: Int) -> UInt64 {
            var value: UInt64 = 0
            for plane in 0..<width { value |= UInt64(planes[plane * count + index]) << (8 * plane) }
            return value
        }
    }
}
