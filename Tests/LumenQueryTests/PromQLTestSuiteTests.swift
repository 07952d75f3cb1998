import Foundation
import LumenEngine
import LumenModel
import Testing

@testable import LumenPromQLTest
@testable import LumenQuery

/// Runs the project's own promqltest files (`Tests/PromQL/*.test`) and the runner on small scripts.
struct PromQLTestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("PromQL")

    @Test func everyProjectPromQLTestFilePasses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".test") }.sorted()
        #expect(files.count >= 5)
        var total = PromQLTestRunner.Report()
        for name in files {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            let report = PromQLTestRunner().run(try PromQLTestFile.parse(text, name: name))
            for failure in report.failures { Issue.record("\(failure)") }
            total.merge(report)
        }
        #expect(total.failed == 0)
        #expect(total.passed >= 100)
        #expect(total.skipped == 0)
    }

    @Test func theRunnerReportsAWrongExpectationWithItsLine() throws {
        let file = try PromQLTestFile.parse("""
            load 1m
              up{job="a"} 1+1x3

            eval instant at 2m up
              up{job="a"} 3

            eval instant at 2m up
              up{job="a"} 4
            """, name: "t.test")
        let report = PromQLTestRunner().run(file)
        #expect(report.summary == "1 passed, 1 failed")
        #expect(report.failures.map(\.line) == [7])
        #expect(report.failures.first?.description.hasPrefix("t.test:7:") == true)
        #expect(report.failures.first?.message.contains("expected 4, got 3") == true)
    }

    @Test func seriesNotationExpands() throws {
        let values = try SeriesNotation.values("1 _ 0+10x2 5-1x1 _x2 stale 2x1 Inf")
        #expect(values.count == 13)
        #expect(values[12] == .infinity)
        #expect(values[0] == 1 && values[1] == nil)
        #expect(Array(values[2...4]) == [0, 10, 20])
        #expect(Array(values[5...6]) == [5, 4])
        #expect(values[7] == nil && values[8] == nil)
        #expect(values[9]?.bitPattern == Sample.staleMarkerBits)
        #expect(Array(values[10...11]) == [2, 2])
    }

    @Test func rangeEvaluationsFailuresAndClearAreHonoured() throws {
        let file = try PromQLTestFile.parse("""
            load 1m
              x 1 2 _ 4

            eval range from 0 to 3m step 1m x * 2
              {} 2 4 4 8

            eval_fail instant at 0m x[5m] + 1

            eval instant at 0m 1 + 1
              expect fail

            clear

            eval instant at 1m x
            """, name: "r.test")
        let report = PromQLTestRunner().run(file)
        #expect(report.summary == "3 passed, 1 failed")
        #expect(report.failures.map(\.line) == [9])
    }
}
