import NIOCore
import Synchronization

/// Connections are a budgeted resource: each TCP listener serves at most `limit` at once, and a connection past
/// it is closed as soon as it is accepted.
///
/// Why: every connection holds a file descriptor, and a process out of descriptors cannot open a WAL segment or
/// a block — and libdispatch traps when it cannot read `/proc` for its thread pools, which killed the whole
/// server (signal 4) once idle connections had taken every descriptor. Per-listener limits that together stay
/// below the descriptor limit keep headroom for the store and keep one flooded listener from starving the
/// others (the query API answers `/ready` while OTLP is flooded).
///
/// Thread-safety: every method may be called from any thread.
public final class ConnectionBudget: Sendable {
    public let limit: Int
    private let open = Mutex<[LumenServer.Listener: Int]>([:])
    private let telemetry: SelfTelemetry

    init(limit: Int, telemetry: SelfTelemetry) {
        self.limit = limit
        self.telemetry = telemetry
    }

    /// Takes one of `listener`'s places for `channel` until it closes, or closes it at once (counted in
    /// `lumen_connections_refused_total`) when none is free. Returns whether it was admitted.
    @discardableResult
    public func admit(_ channel: any Channel, listener: LumenServer.Listener) -> Bool {
        let admitted = open.withLock { open in
            guard open[listener, default: 0] < limit else { return false }
            open[listener, default: 0] += 1
            return true
        }
        guard admitted else {
            telemetry.refusedConnection(listener: listener.metricLabel)
            channel.close(promise: nil)
            return false
        }
        channel.closeFuture.whenComplete { _ in self.release(listener) }
        return true
    }

    private func release(_ listener: LumenServer.Listener) {
        open.withLock { $0[listener, default: 1] -= 1 }
    }

    /// Open connections per listener, for `lumen_connections{listener}`.
    var openConnections: [LumenServer.Listener: Int] { open.withLock { $0 } }
}

extension LumenServer.Listener {
    /// The `listener` label of the connection metrics.
    var metricLabel: String {
        switch self {
        case .otlpHTTP: "otlp_http"
        case .api: "api"
        case .statsd: "statsd"
        case .syslogUDP: "syslog_udp"
        case .syslogTCP: "syslog_tcp"
        case .otlpGRPC: "otlp_grpc"
        }
    }
}
