import Logging
import LumenModel
import LumenWire
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Syslog on one port over UDP (a message per datagram) and TCP (octet-counted or newline-framed), RFC 5424
/// and RFC 3164, as log records of the configured tenant (`listener_tenant`), batched (`LogBatcher`) into the
/// ingest pipeline. Messages that do not parse are counted and skipped. TCP is inside TLS when `tls` is set.
struct SyslogListener: Service {
    let address: ListenAddress
    let tenant: Tenant
    let ingestor: Ingestor
    let telemetry: SelfTelemetry
    let connections: ConnectionBudget
    let tls: TLSContexts?
    let logger: Logger
    let onListening: @Sendable (_ transport: String, SocketAddress) -> Void

    func run() async throws {
        let batcher = LogBatcher(tenant: tenant, ingestor: ingestor, protocol: .syslog)
        let (udp, tcp) = try await bindUDPAndTCP()
        if let local = udp.channel.localAddress { onListening("udp", local) }
        if let local = tcp.channel.localAddress { onListening("tcp", local) }

        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await udp.executeThenClose { inbound, _ in
                        for try await envelope in inbound {
                            await accept(Array(envelope.data.readableBytesView), batcher: batcher)
                        }
                    }
                }
                tasks.addTask {
                    try await tcp.executeThenClose { connections in
                        try await withThrowingDiscardingTaskGroup { group in
                            for try await connection in connections {
                                group.addTask { await serve(connection, batcher: batcher) }
                            }
                        }
                    }
                }
                tasks.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(100))
                        await batcher.flush()
                    }
                }
                if let port = udp.channel.localAddress?.port {
                    tasks.addTask {
                        try await UDPReceiveDrops.watch(port: port, protocol: "syslog", telemetry: telemetry)
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            udp.channel.close(promise: nil)
            tcp.channel.close(promise: nil)
        }
        await batcher.flush()
    }

    typealias TCPServer = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    /// Binds UDP, then TCP on the same port. With port 0 the OS picks the UDP port, which another process may
    /// hold for TCP, so a few fresh ports are tried. A UDP channel that is given up is closed through
    /// `executeThenClose`, as an `NIOAsyncChannel` must be.
    private func bindUDPAndTCP() async throws -> (UDPSocket.Channel, TCPServer) {
        var attempt = 1
        while true {
            let udp = try await UDPSocket.bind(address)
            do {
                let port = udp.channel.localAddress?.port ?? address.port
                let tcp = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: address.host, port: port) { [tls] channel in
                        channel.eventLoop.makeCompletedFuture {
                            try tls?.addHandler(to: channel, for: .none)
                            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                return (udp, tcp)
            } catch {
                try? await udp.executeThenClose { _, _ in }
                guard address.port == 0, attempt < 8 else { throw error }
                attempt += 1
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, batcher: LogBatcher) async {
        guard connections.admit(connection.channel, listener: .syslogTCP) else {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        var framer = SyslogFramer()
        do {
            try await connection.executeThenClose { inbound, _ in
                for try await buffer in inbound {
                    for message in try framer.append(Array(buffer.readableBytesView)) {
                        await accept(message, batcher: batcher)
                    }
                }
                // A newline-framed sender may close without a final newline: that last line counts too.
                if let last = framer.finish() { await accept(last, batcher: batcher) }
            }
        } catch {
            telemetry.refusedRequest(protocol: "syslog", reason: "connection")
            logger.debug("syslog connection closed: \(error)")
        }
    }

    private func accept(_ message: [UInt8], batcher: LogBatcher) async {
        do {
            let record = try SyslogParser.parse(message, receivedAt: Timestamp.now(), tenant: tenant)
            await batcher.add(record, bytes: message.count)
        } catch {
            telemetry.rejected(1, protocol: "syslog", signal: "logs", reason: "invalid")
        }
    }
}
