import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// What a node sends another for a remote read comes back as the same values, with its warnings and whether more
/// pages follow, and a damaged reply is an error, never a crash.
struct RemoteReplyTests {
    static var replies: [RemoteReply] {
        let rich = BatchRecordFixtures.rich
        var lines = LogStreamLines(labels: Labels([Label("service", "cart"), Label("severity", "info")]))
        lines.times = [5, -3, .max, .min, 0]
        lines.sizes = [1, 0, 300_000, 7, 2]
        let counted = LogStreamLines(labels: Labels([Label("service", "checkout")]))
        var timesOnly = counted
        timesOnly.times = [1_700_000_000_000_000_000]
        let answers: [RemoteAnswer] = [
            .series(rich.series), .series([]), .strings(["a", "héllo", ""]), .strings([]), .logs(rich.logs),
            .spans(rich.spans), .lines([lines, timesOnly]), .lines([]), .overLimit(50_000_000),
        ]
        let warning = "damaged data in block 01J (logs) left out of this answer: missing … (bad page)"
        return answers.map { RemoteReply($0) } + [
            RemoteReply(.logs(rich.logs), warnings: [warning, "é"], more: true), RemoteReply(.spans([]), more: true),
            RemoteReply(.strings([]), warnings: [""]),
        ]
    }

    @Test(arguments: replies)
    func aReplyDecodesToWhatWasEncoded(_ reply: RemoteReply) throws {
        #expect(try RemoteReply(encoded: reply.encoded) == reply)
    }

    @Test func aReadTravelsAsJSONWithItsRequest() throws {
        let reads: [RemoteRead] = [
            .metricSeries, .metricLabelValues(name: "job"), .logLines(sizes: true),
            .logsOfTrace(traceID: BatchRecordFixtures.traceID.hex), .spansOfTraces(traceIDs: ["00", "ff"]), .spanPages,
        ]
        for read in reads {
            #expect(try JSONDecoder().decode(RemoteRead.self, from: JSONEncoder().encode(read)) == read)
        }
        #expect(RemoteRead.logsOfTrace(traceID: BatchRecordFixtures.traceID.hex).traceIDs == [BatchRecordFixtures.traceID])
        #expect(RemoteRead.logPages.traceIDs == nil)
    }

    @Test func everyTruncationOfAReplyIsAnErrorNotACrash() {
        for reply in Self.replies {
            let bytes = reply.encoded
            for length in 0..<bytes.count {
                #expect(throws: BatchRecordError.self) { try RemoteReply(encoded: Array(bytes[..<length])) }
            }
        }
        #expect(throws: BatchRecordError.self) { try RemoteReply(encoded: [RemoteReply.version, 9, 0, 0, 0]) }
        #expect(throws: BatchRecordError.self) { try RemoteReply(encoded: [RemoteReply.version, 1, 2, 0, 0]) }
        #expect(throws: BatchRecordError.self) { try RemoteReply(encoded: [RemoteReply.version + 1, 1, 0, 0, 0]) }
    }
}
