import Logging
import LumenModel
import LumenWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// StatsD over UDP: datagrams are parsed on the event loop as they arrive (malformed lines counted and
/// skipped), aggregated, and written as samples of the configured tenant (`listener_tenant`) once per flush
/// interval, through the ingest pipeline. Drops are counted, never silent (`Ingestor.ingestUnanswered`).
struct StatsDListener: Service {
    let address: ListenAddress
    let tenant: Tenant
    let flushInterval: Duration
    let ingestor: Ingestor
    let telemetry: SelfTelemetry
    let logger: Logger
    let onListening: @Sendable (SocketAddress) -> Void

    func run() async throws {
        let aggregator = NIOLockedValueBox(StatsDAggregator(tenant: tenant, resource: Resource(attributes: [
            Attribute(Resource.serviceNameKey, .string("statsd")),
        ])))
        let handler = StatsDDatagramHandler(aggregator: aggregator, telemetry: telemetry, logger: logger)
        // Parsing in a channel handler, not an async sequence, keeps up with tens of thousands of datagrams a
        // second; a large receive buffer absorbs bursts while a flush holds the aggregator.
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .bind(host: address.host, port: address.port).get()
        if let local = channel.localAddress { onListening(local) }

        // Cancelled too, not only shut down gracefully: when another listener fails to start, the service group
        // cancels this one, and waiting on `closeFuture` alone would then never end.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await channel.closeFuture.get() }
                if let port = channel.localAddress?.port {
                    tasks.addTask {
                        try await UDPReceiveDrops.watch(port: port, protocol: "statsd", telemetry: telemetry)
                    }
                }
                tasks.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: flushInterval)
                        await flush(aggregator)
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        await flush(aggregator)
    }

    private func flush(_ aggregator: NIOLockedValueBox<StatsDAggregator>) async {
        let batch = aggregator.withLockedValue { $0.flush(at: Timestamp.now()) }
        guard !batch.isEmpty else { return }
        if let refusal = await ingestor.ingestUnanswered(batch, protocol: .statsd, bytes: batch.sampleCount * 64) {
            logger.warning("a StatsD flush was refused: \(refusal)")
        }
    }
}

/// Parses each datagram where it arrives and adds its metrics to the shared aggregator.
final class StatsDDatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let aggregator: NIOLockedValueBox<StatsDAggregator>
    let telemetry: SelfTelemetry
    let logger: Logger

    init(aggregator: NIOLockedValueBox<StatsDAggregator>, telemetry: SelfTelemetry, logger: Logger) {
        self.aggregator = aggregator
        self.telemetry = telemetry
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let parsed = StatsDParser.parse(Array(envelope.data.readableBytesView))
        if parsed.malformed > 0 {
            telemetry.rejected(parsed.malformed, protocol: "statsd", signal: "lines", reason: "invalid")
            logger.debug("malformed StatsD lines skipped", metadata: ["first": "\(parsed.firstError ?? "")"])
        }
        aggregator.withLockedValue { aggregator in
            for metric in parsed.metrics { aggregator.add(metric) }
        }
    }
}
