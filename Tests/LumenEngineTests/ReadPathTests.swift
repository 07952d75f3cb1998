import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// The one read path: a request described by a value, answered by merging the head and the blocks, with what
/// two sources hold alike kept once and limits that stop the read.
struct ReadPathTests {
    typealias F = StorageFixtures

    @Test func aReadRequestCrossesJSONUnchanged() throws {
        let request = ReadRequest(
            tenant: try #require(Tenant("team-a")), from: -5, to: 1_763_000_000_000_000_000,
            matchers: [try LabelMatcher("service", .matchesRegex, "cart|frontend"), try LabelMatcher("a", .notEqual, "")],
            lineContains: ["timeout"], spanPrefilter: SpanPrefilter(kinds: [.server], statuses: [.error], minDuration: 7),
            limit: 100)
        let decoded = try JSONDecoder().decode(ReadRequest.self, from: JSONEncoder().encode(request))
        #expect(decoded == request)
        #expect(decoded.matchers[0].matches("frontend") && !decoded.matchers[0].matches("cartx"))
    }

    @Test func aRequestWithAnInvalidTenantOrRegexIsRefused() {
        let badTenant = #"{"tenant":"a/b","from":0,"to":1,"matchers":[],"lineContains":[],"spanPrefilter":{"minDuration":0,"maxDuration":1},"limit":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReadRequest.self, from: Data(badTenant.utf8)) }
        let badRegex = #"{"tenant":"a","from":0,"to":1,"matchers":[{"name":"a","op":"=~","value":"("}],"lineContains":[],"spanPrefilter":{"minDuration":0,"maxDuration":1},"limit":1}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ReadRequest.self, from: Data(badRegex.utf8)) }
    }

    @Test func whatABlockAndTheHeadBothHoldIsReadOnce() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let batch = F.batch(traces: 40)
        try await storage.append(batch)
        let before = F.everything(storage)
        try await storage.flush()
        // A client whose acknowledgement was lost sends the batch again: the head holds what the block holds.
        try await storage.append(batch)
        #expect(storage.blocks.count == 1 && !storage.head.isEmpty)
        #expect(F.everything(storage) == before)
        #expect(storage.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max).count == 40)
        #expect(storage.spans(.anonymous, from: .min, to: .max, limit: .max) { _ in true }.count == 80)
    }

    @Test func aSeriesReadStopsAtItsSampleLimit() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(F.batch(traces: 30))
        try await storage.flush()
        try await storage.append(F.batch(traces: 30, offset: 100 * F.second))
        let everything = ReadRequest(tenant: .anonymous, limit: 120)
        #expect(try storage.series(everything).reduce(0) { $0 + $1.samples.count } == 120)
        #expect(throws: ReadLimitExceeded(limit: 119)) { try storage.series(ReadRequest(tenant: .anonymous, limit: 119)) }
    }

    @Test func logsComeInTimeOrderAcrossBlocksAndTheHeadUpToTheLimit() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(F.batch(traces: 50))
        try await storage.flush()
        try await storage.append(F.batch(traces: 50, offset: 50 * F.second))
        try await storage.flush()
        try await storage.append(F.batch(traces: 50, offset: 100 * F.second))
        let newest = Array(storage.logs(ReadRequest(tenant: .anonymous, limit: 70)))
        #expect(newest.count == 70)
        #expect(newest.first?.time == F.base + 149 * F.second + 50_000_000)
        #expect(zip(newest, newest.dropFirst()).allSatisfy { $0.time > $1.time })
        let timeouts = Array(storage.logs(ReadRequest(tenant: .anonymous, lineContains: ["timeout"])))
        #expect(timeouts.count == (0..<150).filter { $0 % 7 == 0 }.count)
        // Oldest first (Loki's forward), the mirror image: the oldest block's records first, in time order.
        let oldest = Array(storage.logs(ReadRequest(tenant: .anonymous, limit: 70, oldestFirst: true)))
        #expect(oldest.map(\.time) == (0..<70).map { F.base + Int64($0) * F.second + 50_000_000 })
        let all = Array(storage.logs(ReadRequest(tenant: .anonymous, oldestFirst: true)))
        #expect(all.map(\.time) == Array(storage.logs(ReadRequest(tenant: .anonymous))).map(\.time).reversed())
    }
}
