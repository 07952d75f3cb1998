import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LumenModel
import LumenQuery
import NIOWebSocket

/// `GET /loki/api/v1/tail` over WebSocket, as Loki serves it to Grafana's live tailing and `logcli --tail`: after
/// the upgrade, text messages `{"streams":[{"stream":{…},"values":[["<ns>","<line>"],…]}]}` (with
/// `"encodingFlags":["categorize-labels"]` and values carrying metadata when the request's
/// `X-Loki-Response-Encoding-Flags` asks), first the backlog, then new lines as they are stored.
///
/// A tail polls the store every `pollInterval` through the query threads (`LokiTailCursor` keeps the polls from
/// repeating or skipping lines); it stops when its client closes or goes away. A request the tail can't serve
/// (bad query or parameters, refused tenant, too many tails) is upgraded and closed at once with the reason in
/// the close frame, which is where Grafana looks for it (Loki answers a bad query with a 400 before the
/// upgrade, whose body no WebSocket client shows). Without an upgrade, the route answers 400 with what is wrong.
struct LokiTails: Sendable {
    static let path = LokiRoutes.prefix + "tail"
    /// Between polls of the store.
    static let pollInterval = Duration.milliseconds(500)
    /// How late after its timestamp a line may arrive and still be tailed (`LokiTailCursor.grace`).
    static let grace = 5 * Timestamp.nanosecondsPerSecond

    let engine: QueryEngine
    let tenants: TenantResolver
    let queries: QueryExecutor
    let limiter: LokiTailLimiter
    /// The largest `limit`, and the most lines one poll reads.
    let maxLimit: Int

    typealias Handler = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    /// The plain-HTTP route: a request that did not ask to upgrade learns what is wrong with it, or that it must.
    func register(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(Self.path)) { request, _ in
            do {
                _ = try tenants.tenant(of: request)
                _ = try LokiTailRequest(
                    LokiParameters(form: FormParameters(request.uri.query), now: Timestamp.now()), maxLimit: maxLimit)
                return LokiRoutes.plain(
                    "the tail endpoint streams over WebSocket: connect with \"Connection: Upgrade\" and "
                        + "\"Upgrade: websocket\" (Grafana's live tailing, logcli --tail)", status: .badRequest)
            } catch let error as APIError {
                return LokiRoutes.plain(error.message, status: error.status)
            }
        }
    }

    /// Whether a connection's first request becomes a tail: any request for the tail's path does.
    func shouldUpgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<Handler> {
        let target = head.path ?? ""
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.first.map(String.init) == Self.path else { return .dontUpgrade }
        let request: LokiTailRequest
        let tenant: Tenant
        do {
            tenant = try tenants.tenant(
                authorization: head.headerFields[.authorization], scopeOrgID: head.headerFields[.scopeOrgID])
            let query = parts.count > 1 ? String(parts[1]) : nil
            request = try LokiTailRequest(
                LokiParameters(form: FormParameters(query), now: Timestamp.now()), maxLimit: maxLimit)
        } catch let refusal as TenantResolver.Refusal {
            return .upgrade([:], Self.closing(.policyViolation, refusal.message))
        } catch let error as APIError {
            return .upgrade([:], Self.closing(.policyViolation, error.message))
        } catch {
            return .upgrade([:], Self.closing(.policyViolation, "\(error)"))
        }
        let flags = head.headerFields[LokiRoutes.encodingFlagsHeader]?.split(separator: ",").map(String.init) ?? []
        let categorize = flags.contains(LokiRoutes.categorizeLabels)
        return .upgrade([:]) { inbound, outbound, _ in
            do {
                try limiter.admit(tenant)
            } catch let error as APIError {
                try await Self.close(outbound, .unexpectedServerError, error.message)
                return
            }
            defer { limiter.release(tenant) }
            // Whichever ends first ends the tail: the client's input (it closed, or went away), or the stream.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in inbound {} }
                group.addTask {
                    try await stream(request, tenant: tenant, categorize: categorize, to: outbound)
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Sends the backlog, then polls for new lines until cancelled; a failed read closes the tail with its reason.
    private func stream(
        _ request: LokiTailRequest, tenant: Tenant, categorize: Bool, to outbound: WebSocketOutboundWriter
    ) async throws {
        var cursor = LokiTailCursor(start: request.start, delay: request.delay, grace: Self.grace)
        do {
            let upper = cursor.upper(now: Timestamp.now())
            if upper >= request.start {
                let newest = try await read(
                    request.query, tenant: tenant, request.start...upper, limit: request.limit, forward: false)
                try await send(cursor.backlog(newest, limit: request.limit, upper: upper), categorize, outbound)
            }
            while !Task.isCancelled {
                guard let window = cursor.window(now: Timestamp.now()) else {
                    try await Task.sleep(for: Self.pollInterval)
                    continue
                }
                let lines: [LabeledLine]
                do {
                    lines = try await read(request.query, tenant: tenant, window, limit: maxLimit, forward: true)
                } catch let error as APIError where error.status == .serviceUnavailable {
                    try await Task.sleep(for: Self.pollInterval)  // The query threads are all taken: next poll.
                    continue
                }
                let complete = lines.count < maxLimit
                try await send(cursor.advance(lines, window: window, complete: complete), categorize, outbound)
                if complete { try await Task.sleep(for: Self.pollInterval) }
            }
        } catch is CancellationError {
            return
        } catch let error as APIError {
            try await Self.close(outbound, .unexpectedServerError, error.message)
        } catch let error as QueryError {
            try await Self.close(outbound, .unexpectedServerError, error.description)
        }
    }

    private func read(
        _ query: LogQuery, tenant: Tenant, _ range: ClosedRange<Int64>, limit: Int, forward: Bool
    ) async throws -> [LabeledLine] {
        try await queries.run { [engine] _ in
            try engine.labeledLines(
                query, tenant: tenant, from: range.lowerBound, to: range.upperBound, limit: limit, forward: forward)
        }
    }

    /// One message of Loki's tail response; nothing when there are no lines.
    private func send(_ lines: [LabeledLine], _ categorize: Bool, _ outbound: WebSocketOutboundWriter) async throws {
        guard !lines.isEmpty else { return }
        var writer = JSONWriter()
        writer.raw("{\"streams\":")
        LokiStreams(lines, categorize: categorize).write(into: &writer)
        writer.byte("}")
        try await outbound.writeTextMessage(String(buffer: writer.buffer))
    }

    /// A handler that only closes the tail, with `reason`.
    private static func closing(_ code: WebSocketErrorCode, _ reason: String) -> Handler {
        { _, outbound, _ in try await close(outbound, code, reason) }
    }

    /// Closes with `reason` cut to what a close frame holds (123 bytes of UTF-8).
    static func close(_ outbound: WebSocketOutboundWriter, _ code: WebSocketErrorCode, _ reason: String) async throws {
        try await outbound.close(code, reason: closeReason(reason))
    }

    static func closeReason(_ reason: String) -> String {
        guard reason.utf8.count > 123 else { return reason }
        var cut = ""
        for character in reason {
            guard cut.utf8.count + character.utf8.count <= 120 else { break }
            cut.append(character)
        }
        return cut + "…"
    }
}
