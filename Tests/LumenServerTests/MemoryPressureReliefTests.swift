import Foundation
import Logging
import LumenEngine
import LumenModel
import Testing

@testable import LumenServer

/// The early head cut near the memory ceiling, against this test process's real resident set: the ceilings
/// below are chosen around it, so each case is past (or short of) the pressure limit by construction.
struct MemoryPressureReliefTests {
    @Test func pastThePressureLimitAHeadWorthCuttingIsCut() async throws {
        let (storage, directory) = try await Self.storeWithLogs()
        defer { Self.remove(storage, directory) }
        let head = storage.head.memory.bytes
        // A ceiling sixteen times the head: the head is worth a cut, and the process is far past 60 % of it.
        let relief = Self.relief(storage, ceiling: head * 16)
        #expect(await relief.relieve())
        #expect(storage.head.memory.bytes == 0)
        #expect(storage.blocks.count == 1)
        #expect(relief.telemetry.exposition(
            head: storage.head.statistics, blocks: 1, inFlightBytes: 0, residentBytes: 0, writable: true,
            connections: [:]).contains("lumen_memory_pressure_head_cuts_total 1"))
    }

    @Test func aHeadTooSmallToFreeMuchIsLeft() async throws {
        let (storage, directory) = try await Self.storeWithLogs()
        defer { Self.remove(storage, directory) }
        let head = storage.head.memory.bytes
        #expect(await !Self.relief(storage, ceiling: (head + 1) * 16).relieve())
        #expect(storage.head.memory.bytes == head)
        #expect(storage.blocks.isEmpty)
    }

    @Test func belowThePressureLimitNothingIsCut() async throws {
        let (storage, directory) = try await Self.storeWithLogs()
        defer { Self.remove(storage, directory) }
        let relief = Self.relief(storage, ceiling: Int.max)
        #expect(relief.gate.residentBytes() < relief.gate.pressureLimit)
        #expect(await !relief.relieve())
        #expect(storage.blocks.isEmpty)
    }

    @Test func ingestIsRefusedFromItsShareOfTheCeilingOn() throws {
        let gate = AdmissionGate(maxInFlightBytes: 1 << 20, memoryCeiling: 1_000)
        #expect(gate.ingestLimit == 850)
        #expect(gate.pressureLimit == 600)
        // The test process is far past 850 bytes resident.
        #expect(throws: AdmissionGate.Refusal.self) { try gate.checkMemoryCeiling() }
        let roomy = AdmissionGate(maxInFlightBytes: 1 << 20, memoryCeiling: Int.max)
        try roomy.checkMemoryCeiling()
    }

    private static func storeWithLogs() async throws -> (Storage, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pressure-\(UUID())").path
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let storage = try Storage(directory: directory, logger: logger)
        var batch = Batch(tenant: .anonymous)
        batch.logs = (0..<500).map { number in
            LogRecord(
                time: Timestamp.now() - Int64(500 - number) * 1_000_000, severity: Severity(.info),
                body: .string("request \(number) handled"),
                resource: Resource(attributes: [Attribute("service.name", .string("checkout"))]))
        }
        try await storage.append(batch)
        return (storage, directory)
    }

    private static func relief(_ storage: Storage, ceiling: Int) -> MemoryPressureRelief {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return MemoryPressureRelief(
            storage: storage, gate: AdmissionGate(maxInFlightBytes: 1 << 20, memoryCeiling: ceiling),
            telemetry: SelfTelemetry(), logger: logger)
    }

    private static func remove(_ storage: Storage, _ directory: String) {
        try? storage.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
