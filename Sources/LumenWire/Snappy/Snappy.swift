import CSnappy

/// Snappy's block format (not the framed/streaming one): what Prometheus remote write and Loki's protobuf
/// push bodies are compressed with. Backed by the system libsnappy.
///
/// Decompression is bounded: the block's header states its uncompressed length, and that length is checked
/// against `limit` *before* any output is allocated, so a small "snappy bomb" costs nothing.
public enum Snappy {
    /// Decompresses one snappy block. Throws `.tooLarge` when the stated uncompressed length is over `limit`
    /// (nothing is allocated), `.malformed` when the bytes are not a valid block.
    public static func decompress(_ bytes: some Collection<UInt8>, limit: Int) throws(WireError) -> [UInt8] {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(WireError) in try decompress(buffer, limit: limit) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(WireError) in try decompress(buffer, limit: limit) }
    }

    /// Compresses `bytes` into one snappy block (for tests, the load generator and clients).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        let capacity = snappy_max_compressed_length(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            var length = capacity
            // An empty array may have no storage; libsnappy still wants a valid pointer.
            let input = bytes.isEmpty ? [0] : bytes
            let status = input.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: CChar.self) { input in
                    output.withMemoryRebound(to: CChar.self) { output in
                        snappy_compress(input.baseAddress!, bytes.count, output.baseAddress!, &length)
                    }
                }
            }
            // snappy_compress only fails when the output is smaller than snappy_max_compressed_length.
            precondition(status == SNAPPY_OK, "snappy_compress failed with an output of its maximum size")
            count = length
        }
    }

    private static func decompress(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(WireError) -> [UInt8] {
        guard let base = input.baseAddress, !input.isEmpty else {
            throw .malformed("snappy body is empty; expected a snappy block (at least its length header)")
        }
        return try base.withMemoryRebound(to: CChar.self, capacity: input.count) { compressed throws(WireError) in
            var length = 0
            guard snappy_uncompressed_length(compressed, input.count, &length) == SNAPPY_OK else {
                throw .malformed("body is not snappy block-compressed: its length header is invalid")
            }
            guard length <= limit else {
                throw .tooLarge(
                    "snappy body would decompress to \(length) bytes, over the limit of \(limit) bytes")
            }
            guard length > 0 else {
                guard snappy_validate_compressed_buffer(compressed, input.count) == SNAPPY_OK else {
                    throw .malformed("body is not a valid snappy block")
                }
                return []
            }
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: length) { output, count in
                var written = length
                let status = output.withMemoryRebound(to: CChar.self) { output in
                    snappy_uncompress(compressed, input.count, output.baseAddress!, &written)
                }
                if status == SNAPPY_OK && written == length {
                    count = written
                } else {
                    failed = true
                    count = 0
                }
            }
            guard !failed else { throw .malformed("body is not a valid snappy block (corrupt or truncated)") }
            return output
        }
    }
}
