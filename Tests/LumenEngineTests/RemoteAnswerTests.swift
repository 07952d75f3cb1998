import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// What a node sends another for a remote read comes back as the same values, and a damaged answer is an
/// error, never a crash.
struct RemoteAnswerTests {
    static var answers: [RemoteAnswer] {
        let rich = BatchRecordFixtures.rich
        var lines = LogStreamLines(labels: Labels([Label("service", "cart"), Label("severity", "info")]))
        lines.times = [5, -3, .max, .min, 0]
        lines.sizes = [1, 0, 300_000, 7, 2]
        let counted = LogStreamLines(labels: Labels([Label("service", "checkout")]))
        var timesOnly = counted
        timesOnly.times = [1_700_000_000_000_000_000]
        return [
            .series(rich.series), .series([]), .strings(["a", "héllo", ""]), .strings([]), .logs(rich.logs),
            .spans(rich.spans), .lines([lines, timesOnly]), .lines([]), .overLimit(50_000_000),
        ]
    }

    @Test(arguments: answers)
    func anAnswerDecodesToWhatWasEncoded(_ answer: RemoteAnswer) throws {
        #expect(try RemoteAnswer(encoded: answer.encoded) == answer)
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

    @Test func everyTruncationOfAnAnswerIsAnErrorNotACrash() {
        for answer in Self.answers {
            let bytes = answer.encoded
            for length in 0..<bytes.count {
                #expect(throws: BatchRecordError.self) { try RemoteAnswer(encoded: Array(bytes[..<length])) }
            }
        }
        #expect(throws: BatchRecordError.self) { try RemoteAnswer(encoded: [RemoteAnswer.version, 9]) }
        #expect(throws: BatchRecordError.self) { try RemoteAnswer(encoded: [RemoteAnswer.version + 1, 0]) }
    }
}
