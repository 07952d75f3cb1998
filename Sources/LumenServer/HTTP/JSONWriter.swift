import Foundation
import Hummingbird

/// Appends JSON text, for answers too large to build through `JSONEncoder`'s intermediate tree. The caller writes
/// the structure (`raw` punctuation and keys); strings are escaped here.
///
/// The text is kept in chunks of about `chunkSize` bytes and sent one after the other (`body`). A range answer of
/// hundreds of megabytes is then never one allocation: it is not copied each time it outgrows its capacity, and the
/// allocator reuses chunks instead of mapping and unmapping the whole: beside six such queries at once, the peak
/// resident set fell from 4–5 to 3 GB (`Scripts/bench/query-pressure.py`, docs/BENCHMARKS.md).
struct JSONWriter {
    static let chunkSize = 1 << 20

    private var full: [ByteBuffer] = []
    /// The chunk being written. An array, whose appends cost less than a `ByteBuffer`'s (a 10,800-step range query
    /// took about a third longer writing into one); a full chunk is copied into a buffer and the array reused.
    private var bytes: [UInt8] = []

    /// The whole text as one buffer: for small answers (a WebSocket message) and tests.
    var buffer: ByteBuffer {
        var joined = ByteBufferAllocator().buffer(capacity: full.count * Self.chunkSize + bytes.count)
        for part in full { joined.writeImmutableBuffer(part) }
        joined.writeBytes(bytes)
        return joined
    }

    /// The text as an HTTP body, chunk by chunk, with its length.
    var body: ResponseBody { ResponseBody(contentsOf: full + [ByteBuffer(bytes: bytes)]) }

    /// Called after each write: a chunk that reached `chunkSize` is put aside and the array emptied for the next.
    private mutating func wrote() {
        guard bytes.count >= Self.chunkSize else { return }
        full.append(ByteBuffer(bytes: bytes))
        // The slack keeps the write that crosses the size from growing (and copying) the array.
        bytes.reserveCapacity(Self.chunkSize + 4096)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Keys and punctuation, already JSON.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        wrote()
    }

    /// One character of punctuation: cheaper than `raw` where every point writes a few.
    mutating func byte(_ character: Unicode.Scalar) {
        bytes.append(UInt8(ascii: character))
        wrote()
    }

    /// Text that needs no escaping, such as a number's.
    mutating func plain(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        wrote()
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    mutating func string(_ text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
        wrote()
    }

    /// A whole number, without going through `String`: range answers write one per point.
    mutating func integer(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: digits[start...])
        }
        wrote()
    }

    /// `value` through `JSONEncoder` (sorted keys, as `Response.json`): for the small parts of a written answer.
    mutating func encoded(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        bytes += (try? encoder.encode(value)).map(Array.init) ?? Array("null".utf8)
        wrote()
    }

    /// `[a,b,…]`, each element written by `element`.
    mutating func array<Element>(_ elements: some Sequence<Element>, _ element: (inout JSONWriter, Element) -> Void) {
        byte("[")
        var first = true
        for item in elements {
            if !first { byte(",") }
            first = false
            element(&self, item)
        }
        byte("]")
    }
}
