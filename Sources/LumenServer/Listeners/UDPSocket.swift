import NIOCore
import NIOPosix

/// A UDP socket for the datagram listeners, read as an async sequence of datagrams up to 64 KiB (the most
/// one UDP datagram can carry, so none is cut short).
enum UDPSocket {
    typealias Channel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    static func bind(_ address: ListenAddress) async throws -> Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture { try Channel(wrappingChannelSynchronously: channel) }
            }
    }
}
