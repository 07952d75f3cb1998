import LumenModel
import LumenWire

/// What one request came to, for every protocol: stored (with the items refused one by one), or refused whole.
/// Each protocol maps it once to its answer: `Response(otlp:…)`, `Response(push:…)`, the gRPC export's status.
public typealias IngestResult = Result<IngestOutcome, IngestRefusal>

extension Ingestor {
    /// Runs one request's steps — the tenant, the body, `ingest(_:bytes:decode:)` — and counts a refusal from
    /// any of them once, with its reason.
    ///
    /// A process over its memory ceiling refuses before the steps: reading and decoding a body only to refuse it
    /// would spend the memory and CPU that overload has least of.
    public func request(
        _ protocol: IngestProtocol, _ steps: () async throws(IngestRefusal) -> IngestOutcome
    ) async -> IngestResult {
        do {
            try refuseOverMemoryCeiling(`protocol`)
            return .success(try await steps())
        } catch {
            refused(`protocol`, error)
            return .failure(error)
        }
    }

    /// Decodes a request body (or message) and ingests what it holds. A body that cannot be decoded at all is
    /// refused whole; items the decoder refused are reported in the outcome with the rest.
    /// - Parameter bytes: the body's size, which back-pressure accounts for.
    public func ingest(
        _ protocol: IngestProtocol, bytes: Int, decode: () throws(WireError) -> DecodeResult
    ) async throws(IngestRefusal) -> IngestOutcome {
        let decoded: DecodeResult
        do {
            decoded = try decode()
        } catch {
            throw IngestRefusal(error)
        }
        return try await ingest(decoded, protocol: `protocol`, bytes: bytes)
    }

    /// Ingests a batch made in-process (rules) or by a listener that batches what it parsed (StatsD, syslog).
    public func ingest(_ batch: Batch, protocol: IngestProtocol, bytes: Int) async throws(IngestRefusal)
        -> IngestOutcome
    {
        try await ingest(DecodeResult(batch: batch), protocol: `protocol`, bytes: bytes)
    }

    /// The pipeline's answer for listeners that have no one to answer (StatsD and syslog, whose tenant is
    /// configured): a batch refused whole is lost, so it is counted as `dropped` on top of its reason.
    /// Returns the refusal, for the listener to log.
    @discardableResult
    func ingestUnanswered(_ batch: Batch, protocol: IngestProtocol, bytes: Int) async -> IngestRefusal? {
        do {
            _ = try await ingest(batch, protocol: `protocol`, bytes: bytes)
            return nil
        } catch {
            refused(`protocol`, error)
            telemetry.refusedRequest(protocol: `protocol`.rawValue, reason: "dropped")
            return error
        }
    }
}
