import Logging
import LumenModel
import LumenWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// StatsD over UDP: datagrams are parsed as they come (malformed lines counted and skipped), aggregated, and
/// written as samples once per flush interval. Drops are counted, never silent.
struct StatsDListener: Service {
    let address: ListenAddress
    let tenant: Tenant
    let flushInterval: Duration
    let ingestor: Ingestor
    let telemetry: SelfTelemetry
    let logger: Logger
    let onListening: @Sendable (SocketAddress) -> Void

    func run() async throws {
        let channel = try await UDPSocket.bind(address)
        if let local = channel.channel.localAddress { onListening(local) }
        let aggregator = NIOLockedValueBox(StatsDAggregator(tenant: tenant, resource: Resource(attributes: [
            Attribute(Resource.serviceNameKey, .string("statsd")),
        ])))

        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await channel.executeThenClose { inbound, _ in
                        for try await envelope in inbound {
                            let parsed = StatsDParser.parse(Array(envelope.data.readableBytesView))
                            if parsed.malformed > 0 {
                                telemetry.rejected(parsed.malformed, protocol: "statsd", signal: "lines", reason: "invalid")
                                logger.debug("malformed StatsD lines skipped", metadata: ["first": "\(parsed.firstError ?? "")"])
                            }
                            aggregator.withLockedValue { for metric in parsed.metrics { $0.add(metric) } }
                        }
                    }
                }
                tasks.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: flushInterval)
                        await flush(aggregator)
                    }
                }
                // The datagram loop ends when the channel closes (shutdown); then stop the flush loop.
                try await tasks.next()
                tasks.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            channel.channel.close(promise: nil)
        }
        await flush(aggregator)
    }

    private func flush(_ aggregator: NIOLockedValueBox<StatsDAggregator>) async {
        let batch = aggregator.withLockedValue { $0.flush(at: Timestamp.now()) }
        guard !batch.isEmpty else { return }
        do {
            _ = try await ingestor.ingest(batch, protocol: .statsd, bytes: batch.sampleCount * 64)
        } catch {
            telemetry.refusedRequest(protocol: "statsd", reason: "dropped")
            logger.warning("a StatsD flush was refused: \(error)")
        }
    }
}
