import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Testing

@testable import LumenServer

/// `JSONWriter` keeps a large text in chunks: the body sent and the buffer joined are the whole text, in order.
struct JSONWriterTests {
    @Test func aTextOfSeveralChunksIsSentWholeAndInOrder() async throws {
        var writer = JSONWriter()
        var expected = "["
        writer.byte("[")
        for index in 0..<100_000 {
            if index > 0 {
                writer.byte(",")
                expected += ","
            }
            writer.raw("{\"i\":")
            writer.integer(Int64(index) - 7)
            writer.raw(",\"s\":")
            writer.string("a \"quoted\"\n\(index)")
            writer.byte("}")
            expected += "{\"i\":\(index - 7),\"s\":\"a \\\"quoted\\\"\\n\(index)\"}"
        }
        writer.byte("]")
        expected += "]"
        #expect(expected.utf8.count > 3 * JSONWriter.chunkSize)
        let sent = Sent()
        try await writer.body.write(sent)
        #expect(writer.body.contentLength == expected.utf8.count)
        #expect(sent.parts.withLock { $0.count } > 3)
        #expect(sent.parts.withLock { $0.map { String(buffer: $0) }.joined() } == expected)
        #expect(String(buffer: writer.buffer) == expected)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [[String: Any]])
        #expect(decoded.count == 100_000)
    }
}

/// Collects what a response body writes, part by part. A class: the body is given the writer `consuming`.
private final class Sent: ResponseBodyWriter {
    let parts = Mutex<[ByteBuffer]>([])

    func write(_ buffer: ByteBuffer) async throws {
        parts.withLock { $0.append(buffer) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
