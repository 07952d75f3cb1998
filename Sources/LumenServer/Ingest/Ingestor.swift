import LumenCluster
import LumenEngine
import LumenModel
import LumenWire

/// The pipeline every protocol's decoded data takes into the store: admission (back-pressure), the tenant's
/// limits, then the durable append; counted at every step. The metric metadata an admitted batch carries goes to
/// `metadata`, in memory. A protocol's front resolves the tenant and reads the body, then runs `request` around
/// `ingest` (`Ingestor+Pipeline.swift`); `docs/ingest-path.md` follows one request through it.
///
/// Contract: `ingest` returns only once what it accepted is fsynced and queryable; what it refused item by item
/// is in the outcome, so each protocol can answer with its own form of partial success.
public final class Ingestor: Sendable {
    let storage: Storage
    let limits: TenantLimits
    let gate: AdmissionGate
    let telemetry: SelfTelemetry
    let metadata: MetricMetadataRegistry
    /// Counts the RED metrics of the spans stored (`traces_*` series), when set.
    let generator: MetricsGenerator?
    /// Set on a cluster's collectors: batches go to JetStream instead of the local store (docs/cluster.md), and
    /// `ingest` returns once every part has its JetStream acknowledgement.
    let publisher: ClusterPublisher?
    /// Set on a cluster's nodes without the collector role: every client write is refused with it (rules still
    /// write).
    let clientRefusal: IngestRefusal?

    init(
        storage: Storage, limits: TenantLimits, gate: AdmissionGate, telemetry: SelfTelemetry,
        metadata: MetricMetadataRegistry = MetricMetadataRegistry(), generator: MetricsGenerator? = nil,
        publisher: ClusterPublisher? = nil, clientRefusal: IngestRefusal? = nil
    ) {
        self.publisher = publisher
        self.clientRefusal = clientRefusal
        self.storage = storage
        self.limits = limits
        self.gate = gate
        self.telemetry = telemetry
        self.metadata = metadata
        self.generator = generator
    }

    /// - Parameters:
    ///   - decoded: the batch, and what the decoder already refused as invalid, to count and report.
    ///   - bytes: the decoded request's size, which back-pressure accounts for.
    public func ingest(_ decoded: DecodeResult, protocol name: IngestProtocol, bytes: Int)
        async throws(IngestRefusal) -> IngestOutcome
    {
        if let clientRefusal, name != .rules { throw clientRefusal }
        let batch = decoded.batch
        let protocolName = name.rawValue
        count(batch, protocol: protocolName) { telemetry.received($0, protocol: $1, signal: $2) }
        var outcome = IngestOutcome()
        if decoded.rejected > 0 {
            outcome.refuse(decoded.rejected, decoded.rejectionMessage)
            telemetry.rejected(decoded.rejected, protocol: protocolName, signal: "any", reason: "invalid")
        }
        do {
            try gate.admit(bytes)
        } catch {
            count(batch, protocol: protocolName) { telemetry.rejected($0, protocol: $1, signal: $2, reason: "overload") }
            telemetry.refusedRequest(protocol: protocolName, reason: "overload")
            throw Self.refusal(error)
        }
        defer { gate.release(bytes) }
        metadata.record(batch.metadata, tenant: batch.tenant)

        let tenantLimits = limits.limits(for: batch.tenant)
        // On a cluster's collector the local head holds none of the partitions: their owners enforce the limits on
        // stored state (`clusterUsageWarnings`; docs/cluster.md, "Limits and tenants").
        let local = publisher == nil
        let activeSeries = batch.series.isEmpty || !local ? 0 : storage.head.seriesCount(batch.tenant)
        // Which series are new matters only if the batch could pass the limit with them. Usually it cannot, and
        // looking up every series of every request showed in profiles.
        let newSeries = activeSeries + batch.series.count <= tenantLimits.maxActiveSeries || !local
            ? [] : storage.head.newSeries(batch.tenant, among: batch.series.map(\.labels))
        // The same for log streams: a batch can add at most one stream per line.
        let activeLogStreams = batch.logs.isEmpty || !local ? 0 : storage.head.logStreamCount(batch.tenant)
        let newLogStreams = activeLogStreams + batch.logs.count <= tenantLimits.maxActiveLogStreams || !local
            ? [] : storage.head.newLogStreams(batch.tenant, among: Set(batch.logs.map(\.streamLabels)))
        let (kept, violations) = LimitEnforcer.enforce(
            batch, limits: tenantLimits, activeSeries: activeSeries, newSeries: newSeries,
            activeLogStreams: activeLogStreams, newLogStreams: newLogStreams)
        for violation in violations {
            outcome.refuse(
                violation.count,
                "\(violation.count) \(violation.signal.rawValue) refused by \(violation.limit): \(violation.message)")
            telemetry.rejected(violation.count, protocol: protocolName, signal: violation.signal.rawValue,
                reason: violation.limit)
        }
        outcome.messages += clusterUsageWarnings(kept, limits: tenantLimits)

        let report: AppendReport
        do {
            report = try await store(kept)
        } catch {
            count(kept, protocol: protocolName) { telemetry.rejected($0, protocol: $1, signal: $2, reason: error.reason) }
            throw error.refusal
        }
        generator?.observe(kept.spans, tenant: kept.tenant, now: Timestamp.now())
        if report.conflictingSamples > 0 {
            outcome.refuse(
                report.conflictingSamples,
                "\(report.conflictingSamples) samples refused: a different value is already stored for the same "
                    + "series and timestamp")
            telemetry.rejected(report.conflictingSamples, protocol: protocolName, signal: "samples", reason: "conflict")
        }
        for (count, signal) in [(report.tooOldSamples, "samples"), (report.tooOldExemplars, "exemplars")] where count > 0 {
            outcome.refuse(
                count,
                "\(count) \(signal) refused: older than the out-of-order window "
                    + "(\(DurationText.format(storage.options.outOfOrderWindow))) behind the newest sample")
            telemetry.rejected(count, protocol: protocolName, signal: signal, reason: "too_old")
        }
        for (count, signal) in [
            (report.tooNewSamples, "samples"), (report.tooNewExemplars, "exemplars"), (report.tooNewLogs, "logs"),
            (report.tooNewSpans, "spans"),
        ] where count > 0 {
            outcome.refuse(
                count,
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
