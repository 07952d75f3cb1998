import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Damage inside a block costs what it touches only: a page (or metric chunk) whose checksum fails is left out of
/// the answer, the rest of the block is read, and the read's `ReadScope` warns of the block, the signal and the
/// times the page held; a read that does not touch the page has no warning. And a block's tenant is not taken
/// from `meta.json` alone: its parts' indexes record it, and a block whose `meta.json` names another is quarantined.
struct BlockDamageTests {
    typealias F = StorageFixtures

    // MARK: The tenant

    @Test func aBlockWhoseMetaJSONNamesAnotherTenantIsQuarantinedAndNeitherTenantReadsIt() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let alpha = Tenant("alpha")!
        let beta = Tenant("beta")!
        let (reopened, block) = try await Self.reopened(F.batch(traces: 10, tenant: alpha), in: directory) { block in
            #expect(block.tenant == alpha)
            let metaPath = block.directory + "/" + Block.metaFileName
            var meta = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metaPath))) as? [String: Any])
            meta["tenant"] = beta.id
            try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: metaPath))
        }
        defer { try? reopened.close() }
        #expect(reopened.blocks.isEmpty)
        let name = (block.directory as NSString).lastPathComponent
        #expect(FileManager.default.fileExists(atPath: directory + "/quarantine/" + name + "/meta.json"))
        for tenant in [alpha, beta] {
            let seen = F.everything(reopened, tenant: tenant)
            #expect(seen.series.isEmpty && seen.logs.isEmpty && seen.spans.isEmpty && seen.services.isEmpty)
        }
    }

    @Test func aBlockIsRefusedWhenAnyPartIndexNamesAnotherTenant() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let head = Head()
        head.append(F.batch(traces: 3, tenant: Tenant("alpha")!))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let meta = try BlockWriter().write(
            head.contents(of: Tenant("alpha")!), into: directory, walSegmentsBefore: 0)
        #expect(try Block(directory: directory + "/" + meta.id).tenant == Tenant("alpha")!)
        let metaPath = directory + "/" + meta.id + "/" + Block.metaFileName
        let text = try String(contentsOfFile: metaPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"alpha\"", with: "\"anonymous\"")
            .write(toFile: metaPath, atomically: true, encoding: .utf8)
        #expect {
            try Block(directory: directory + "/" + meta.id)
        } throws: { error in
            (error as? BlockError)?.code == .tenantMismatch
                && "\(error)".contains("names tenant \"anonymous\"") && "\(error)".contains("\"alpha\"")
        }
    }

    // MARK: A damaged page

    /// Three services' logs, 100 s apart, so that each stream's page holds its own times.
    static func threeStreams() -> (batch: Batch, ranges: [String: ClosedRange<Int64>]) {
        var batch = Batch(tenant: .anonymous)
        var ranges: [String: ClosedRange<Int64>] = [:]
        for (index, service) in ["alpha", "bravo", "charlie"].enumerated() {
            let start = F.base + Int64(index) * 100 * F.second
            for record in 0..<20 {
                batch.logs.append(LogRecord(
                    time: start + Int64(record) * F.second, severity: Severity(.info),
                    body: .string("\(service) handled request \(record)"), resource: F.resource(service)))
            }
            ranges[service] = start...(start + 19 * F.second)
        }
        return (batch, ranges)
    }

    @Test func aDamagedLogPageCostsThatPageOnlyAndTheAnswerNamesItsRange() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (batch, ranges) = Self.threeStreams()
        let (reopened, block) = try await Self.reopened(batch, in: directory) { block in
            let streams = try #require(block.logs?.streams)
            #expect(streams.count == 3)
            let bravo = try #require(streams.first { $0.labels["service"] == "bravo" }?.pages.first)
            try Self.flipByte(in: block.directory + "/logs/pages", at: bravo.offset + 6)
        }
        defer { try? reopened.close() }
        #expect(reopened.blocks.count == 1)
        let id = (block.directory as NSString).lastPathComponent

        let (records, warnings) = Self.read {
            reopened.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max)
        }
        #expect(records.count == 40)
        #expect(Set(records.map { $0.resource.serviceName }) == ["alpha", "charlie"])
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.contains("block \(id) (logs)"))
        #expect(warning.contains(BlockError.time(ranges["bravo"]!.lowerBound)))
        #expect(warning.contains(BlockError.time(ranges["bravo"]!.upperBound)))

        // A metric over logs reads line times only, from the same pages.
        let (lines, lineWarnings) = Self.read {
            reopened.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false)
        }
        #expect(lines.reduce(0) { $0 + $1.times.count } == 40)
        #expect(lineWarnings == [warning])

        // A read that does not reach the damaged page has nothing to warn of.
        let (alpha, quiet) = Self.read {
            reopened.logs(.anonymous, matching: [], from: ranges["alpha"]!.lowerBound,
                to: ranges["alpha"]!.upperBound, limit: .max)
        }
        #expect(alpha.count == 20)
        #expect(quiet.isEmpty)
        // Counted once, however often it is read.
        #expect(reopened.damagedPages.bySignal == ["logs": 1])
    }

    @Test func aDamagedMetricChunkCostsThatChunkOnlyAndTheAnswerNamesItsRange() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples = (0..<3_000).map { Sample(timestamp: F.base + Int64($0) * F.second, value: Double($0)) }
        let labels = Labels(["__name__": "requests_total", "service": "cart"])
        var batch = Batch(tenant: .anonymous)
        batch.series = [TimeSeries(labels: labels, samples: samples)]
        var chunks: [ChunkReference] = []
        let (reopened, _) = try await Self.reopened(batch, in: directory) { block in
            let selected = try #require(try block.metrics?.series(ReadRequest(tenant: .anonymous)).first)
            guard case .chunks(_, let references, _, _) = selected.samples else { throw BlockError(.corrupt, "no chunks") }
            chunks = references
            #expect(chunks.count == 3)
            try Self.flipByte(in: block.directory + "/metrics/chunks", at: chunks[1].offset + 8)
        }
        defer { try? reopened.close() }
        let (series, warnings) = Self.read {
            reopened.series(.anonymous, matching: [], from: .min, to: .max)
        }
        let kept = samples.filter { $0.timestamp < chunks[1].minTime || $0.timestamp > chunks[1].maxTime }
        #expect(series.first?.samples == kept)
        #expect(kept.count == 3_000 - 1_024)
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1)
        #expect(warning.contains("(metrics)"))
        #expect(warning.contains(BlockError.time(chunks[1].minTime)))
        #expect(warning.contains(BlockError.time(chunks[1].maxTime)))

        let (first, quiet) = Self.read {
            reopened.series(.anonymous, matching: [], from: chunks[0].minTime, to: chunks[0].maxTime)
        }
        #expect(first.first?.samples.count == 1_024)
        #expect(quiet.isEmpty)
        #expect(reopened.damagedPages.bySignal == ["metrics": 1])
    }

    @Test func aDamagedSpanPageCostsThatPageOnlyAndTheAnswerNamesItsRange() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var damaged: SpanPart.PageEntry?
        let (reopened, _) = try await Self.reopened(F.batch(traces: 1_500), in: directory) { block in
            let pages = try #require(block.spans?.index.pages)
            #expect(pages.count >= 2)
            damaged = pages[1]
            try Self.flipByte(in: block.directory + "/spans/pages", at: pages[1].offset + 8)
        }
        defer { try? reopened.close() }
        let page = try #require(damaged)
        let (spans, warnings) = Self.read {
            reopened.spans(.anonymous, from: .min, to: .max, limit: .max) { _ in true }
        }
        #expect(spans.count == 3_000 - page.spans)
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1)
        #expect(warning.contains("(spans)"))
        #expect(warning.contains(BlockError.time(page.minStart)))
        #expect(warning.contains(BlockError.time(page.maxStart)))

        // A trace looked up by ID: the one in the damaged page is missing, with the warning; another is found.
        let elsewhere = try #require(reopened.blocks.first?.spans?.index.pages.first?.firstTraceID)
        let (traces, traceWarnings) = Self.read {
            reopened.traces(.anonymous, ids: [page.firstTraceID, elsewhere], prefilter: .none)
        }
        #expect(traces[page.firstTraceID] == nil)
        #expect(traces[elsewhere]?.count == 2)
        #expect(traceWarnings == [warning])
        #expect(reopened.damagedPages.bySignal == ["spans": 1])
    }

    @Test func aDamagedExemplarPageCostsThatPageOnly() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Nine series of 512 exemplars: a page is cut after the eighth (4,096 exemplars), the ninth has its own.
        var batch = Batch(tenant: .anonymous)
        batch.series = (0..<9).map { number in
            let samples = (0..<512).map { Sample(timestamp: F.base + Int64($0) * F.second, value: Double($0)) }
            return TimeSeries(labels: Labels(["__name__": "latency", "series": "\(number)"]), samples: samples,
                exemplars: samples.map { Exemplar(labels: Labels(["trace_id": "\(number)"]), timestamp: $0.timestamp,
                    value: $0.value) })
        }
        let (reopened, _) = try await Self.reopened(batch, in: directory) { block in
            let path = block.directory + "/exemplars"
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // The first page starts after the 8-byte header; a byte in its middle is flipped.
            try Self.flipByte(in: path, at: PageFile.headerSize + bytes.count / 4)
        }
        defer { try? reopened.close() }
        let (exemplars, warnings) = Self.read {
            reopened.exemplars(.anonymous, matching: [], from: .min, to: .max)
        }
        #expect(exemplars.map(\.labels) == [Labels(["__name__": "latency", "series": "8"])])
        #expect(warnings.count == 1 && warnings.first?.contains("(exemplars)") == true)
        #expect(reopened.damagedPages.bySignal == ["exemplars": 1])
    }

    @Test func compactionLeavesADamagedBlockAloneAndKeepsServingIt() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        for round in 0..<4 {
            try await storage.append(F.batch(traces: 5, offset: Int64(round) * 100 * F.second))
            try await storage.flush()
        }
        let blocks = storage.blocks
        #expect(blocks.count == 4)
        try storage.close()
        let damaged = blocks[1]
        let page = try #require(damaged.logs?.streams.first?.pages.first)
        try Self.flipByte(in: damaged.directory + "/logs/pages", at: page.offset + 6)

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        try await reopened.compactNow(now: F.base)
        // Merging it would lose its damaged page for good: it stays, the others are too few to merge.
        #expect(reopened.blocks.map(\.meta.id) == blocks.map(\.meta.id))
        #expect(reopened.damagedPages.bySignal == ["logs": 1])
        #expect(reopened.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max).count == 20 - page.records)
        try await reopened.compactNow(now: F.base)
        #expect(reopened.blocks.count == 4)
    }

    /// A store in `directory` holding `batch` in one block, closed, its block's files changed by `damage`, and
    /// opened again.
    static func reopened(_ batch: Batch, in directory: String, damage: (Block) throws -> Void) async throws
        -> (Storage, Block)
    {
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(batch)
        try await storage.flush()
        let block = try #require(storage.blocks.first)
        try storage.close()
        try damage(block)
        return (try Storage(directory: directory, logger: F.quietLogger), block)
    }

    /// `read`'s answer and the warnings its `ReadScope` collected, as a query runner binds one.
    static func read<Value>(_ read: () -> Value) -> (Value, [String]) {
        let scope = ReadScope()
        let value = ReadScope.$current.withValue(scope) { read() }
        return (value, scope.warnings)
    }

    static func flipByte(in path: String, at offset: Int) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x5a
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
