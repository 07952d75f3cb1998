import LumenEngine
import LumenModel

/// The one path every collector's decoded data takes into the store: admission (back-pressure), the tenant's
/// limits, then the durable append; counted at every step. The metric metadata an admitted batch carries goes to
/// `metadata`, in memory.
///
/// Contract: `ingest` returns only once what it accepted is fsynced and queryable; what it refused is in the
/// outcome, so each protocol can answer with its own form of partial success.
public final class Ingestor: Sendable {
    /// Why a whole request is refused; each maps to 429 or 503 with `Retry-After`.
    public enum Refusal: Error, Sendable {
        case busy(retryAfterSeconds: Int, message: String)
        case unavailable(retryAfterSeconds: Int, message: String)
    }

    public struct Outcome: Sendable {
        public var rejected = 0
        public var messages: [String] = []
        public var message: String { messages.joined(separator: "; ") }
    }

    let storage: Storage
    let limits: TenantLimits
    let gate: AdmissionGate
    let telemetry: SelfTelemetry
    let metadata: MetricMetadataRegistry
    /// Counts the RED metrics of the spans stored (`traces_*` series), when set.
    let generator: MetricsGenerator?

    init(
        storage: Storage, limits: TenantLimits, gate: AdmissionGate, telemetry: SelfTelemetry,
        metadata: MetricMetadataRegistry = MetricMetadataRegistry(), generator: MetricsGenerator? = nil
    ) {
        self.storage = storage
        self.limits = limits
        self.gate = gate
        self.telemetry = telemetry
        self.metadata = metadata
        self.generator = generator
    }

    /// - Parameters:
    ///   - decodeRejected/decodeMessage: what the decoder already refused as invalid, to count and report.
    ///   - bytes: the decoded request's size, which back-pressure accounts for.
    public func ingest(
        _ batch: Batch, protocol name: IngestProtocol, bytes: Int, decodeRejected: Int = 0, decodeMessage: String = ""
    ) async throws(Refusal) -> Outcome {
        let protocolName = name.rawValue
        count(batch, protocol: protocolName) { telemetry.received($0, protocol: $1, signal: $2) }
        var outcome = Outcome()
        if decodeRejected > 0 {
            outcome.rejected += decodeRejected
            outcome.messages.append(decodeMessage)
            telemetry.rejected(decodeRejected, protocol: protocolName, signal: "any", reason: "invalid")
        }
        do {
            try gate.admit(bytes)
        } catch {
            count(batch, protocol: protocolName) { telemetry.rejected($0, protocol: $1, signal: $2, reason: "overload") }
            telemetry.refusedRequest(protocol: protocolName, reason: "overload")
            switch error {
            case .busy(let inFlight, let limit):
                throw .busy(retryAfterSeconds: 1,
                    message: "ingest is busy (\(inFlight) bytes in flight, limit \(limit)): retry shortly")
            case .overMemoryCeiling(let resident, let ceiling):
                throw .unavailable(retryAfterSeconds: 10,
                    message: "over the memory ceiling (\(resident >> 20) MiB resident, ceiling \(ceiling >> 20) MiB): retry later")
            }
        }
        defer { gate.release(bytes) }
        metadata.record(batch.metadata, tenant: batch.tenant)

        let tenantLimits = limits.limits(for: batch.tenant)
        let activeSeries = batch.series.isEmpty ? 0 : storage.head.seriesCount(batch.tenant)
        // Which series are new matters only if the batch could pass the limit with them. Usually it cannot, and
        // looking up every series of every request showed in profiles.
        let newSeries = activeSeries + batch.series.count <= tenantLimits.maxActiveSeries
            ? [] : storage.head.newSeries(batch.tenant, among: batch.series.map(\.labels))
        // The same for log streams: a batch can add at most one stream per line.
        let activeLogStreams = batch.logs.isEmpty ? 0 : storage.head.logStreamCount(batch.tenant)
        let newLogStreams = activeLogStreams + batch.logs.count <= tenantLimits.maxActiveLogStreams
            ? [] : storage.head.newLogStreams(batch.tenant, among: Set(batch.logs.map(\.streamLabels)))
        let (kept, violations) = LimitEnforcer.enforce(
            batch, limits: tenantLimits, activeSeries: activeSeries, newSeries: newSeries,
            activeLogStreams: activeLogStreams, newLogStreams: newLogStreams)
        for violation in violations {
            outcome.rejected += violation.count
            outcome.messages.append(
                "\(violation.count) \(violation.signal.rawValue) refused by \(violation.limit): \(violation.message)")
            telemetry.rejected(violation.count, protocol: protocolName, signal: violation.signal.rawValue,
                reason: violation.limit)
        }

        let report: AppendReport
        do {
            report = try await storage.append(kept)
        } catch {
            count(kept, protocol: protocolName) { telemetry.rejected($0, protocol: $1, signal: $2, reason: "storage") }
            throw .unavailable(retryAfterSeconds: 5, message: "storage unavailable: \(error)")
        }
        generator?.observe(kept.spans, tenant: kept.tenant, now: Timestamp.now())
        if report.conflictingSamples > 0 {
            outcome.rejected += report.conflictingSamples
            outcome.messages.append(
                "\(report.conflictingSamples) samples refused: a different value is already stored for the same "
                    + "series and timestamp")
            telemetry.rejected(report.conflictingSamples, protocol: protocolName, signal: "samples", reason: "conflict")
        }
        for (count, signal) in [(report.tooOldSamples, "samples"), (report.tooOldExemplars, "exemplars")] where count > 0 {
            outcome.rejected += count
            outcome.messages.append(
                "\(count) \(signal) refused: older than the out-of-order window "
                    + "(\(DurationText.format(storage.options.outOfOrderWindow))) behind the newest sample")
            telemetry.rejected(count, protocol: protocolName, signal: signal, reason: "too_old")
        }
        for (count, signal) in [
            (report.tooNewSamples, "samples"), (report.tooNewExemplars, "exemplars"), (report.tooNewLogs, "logs"),
            (report.tooNewSpans, "spans"),
        ] where count > 0 {
            outcome.rejected += count
            outcome.messages.append(
                "\(count) \(signal) refused: more than the future window "
                    + "(\(DurationText.format(storage.options.futureWindow))) ahead of the server's clock")
            telemetry.rejected(count, protocol: protocolName, signal: signal, reason: "too_far_in_future")
        }
        telemetry.accepted(report.spans, protocol: protocolName, signal: "spans")
        telemetry.accepted(report.logs, protocol: protocolName, signal: "logs")
        telemetry.accepted(report.samples, protocol: protocolName, signal: "samples")
        telemetry.accepted(report.exemplars, protocol: protocolName, signal: "exemplars")
        telemetry.rejected(report.duplicateSpans, protocol: protocolName, signal: "spans", reason: "duplicate")
        telemetry.rejected(report.duplicateSamples, protocol: protocolName, signal: "samples", reason: "duplicate")
        telemetry.rejected(report.duplicateLogs, protocol: protocolName, signal: "logs", reason: "duplicate")
        return outcome
    }

    private func count(_ batch: Batch, protocol name: String, as record: (Int, String, String) -> Void) {
        record(batch.spans.count, name, "spans")
        record(batch.logs.count, name, "logs")
        record(batch.sampleCount, name, "samples")
    }
}
