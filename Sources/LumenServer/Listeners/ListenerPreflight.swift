import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Before any listener starts: binds every configured address once, as its listener will (TCP with
/// `SO_REUSEADDR` only, so a socket in TIME_WAIT doesn't block a restart; UDP with no sharing option at all),
/// and releases it. A port in use is then an error naming the listener and its address before anything is
/// announced as listening, instead of a bare `bind(...)` error from whichever listener lost the race, and
/// two servers never share a UDP port.
enum ListenerPreflight {
    struct Endpoint {
        let listener: LumenServer.Listener
        let address: ListenAddress
        var isTCP: Bool { listener != .statsd && listener != .syslogUDP }
    }

    static func endpoints(_ configuration: ServerConfiguration) -> [Endpoint] {
        var endpoints = [
            Endpoint(listener: .otlpHTTP, address: configuration.otlpHTTP),
            Endpoint(listener: .api, address: configuration.api),
        ]
        if let address = configuration.otlpGRPC { endpoints.append(Endpoint(listener: .otlpGRPC, address: address)) }
        if let address = configuration.statsd { endpoints.append(Endpoint(listener: .statsd, address: address)) }
        if let address = configuration.syslog {
            endpoints.append(Endpoint(listener: .syslogUDP, address: address))
            endpoints.append(Endpoint(listener: .syslogTCP, address: address))
        }
        return endpoints
    }

    /// Throws `ListenerBindError` for the first address that cannot be bound. Port 0 always can.
    static func check(_ configuration: ServerConfiguration) throws(ListenerBindError) {
        for endpoint in endpoints(configuration) where endpoint.address.port != 0 {
            if let reason = bindFailure(endpoint) {
                throw ListenerBindError(listener: endpoint.listener, address: endpoint.address, reason: reason)
            }
        }
    }

    /// Why `endpoint` cannot be bound, or nil once it was bound and released.
    private static func bindFailure(_ endpoint: Endpoint) -> String? {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(endpoint.address.host, port: endpoint.address.port)
        } catch {
            return "cannot resolve the host \"\(endpoint.address.host)\""
        }
        let type = endpoint.isTCP ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let fd = socket(Int32(address.protocol.rawValue), type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        if endpoint.isTCP {
            var on: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = address.withSockAddr { pointer, size in bind(fd, pointer, socklen_t(size)) }
        guard bound == 0 else { return String(cString: strerror(errno)) }
        if endpoint.isTCP, listen(fd, 1) != 0 { return String(cString: strerror(errno)) }
        return nil
    }
}

/// A listener's address could not be bound.
public struct ListenerBindError: Error, Sendable, CustomStringConvertible {
    public let listener: LumenServer.Listener
    public let address: ListenAddress
    public let reason: String

    public var description: String {
        "cannot listen for \(listener.rawValue) on \(address): \(reason) (another lumen serve, or another program, "
            + "may hold it; choose another address in the configuration or by flag)"
    }
}
