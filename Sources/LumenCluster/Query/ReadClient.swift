import AsyncHTTPClient

/// The HTTP client of reads between nodes. A refused connection fails at once — the owner is down, so the query
/// fails or, with `partial`, goes on without it — rather than reconnecting until the query's deadline (the pool's
/// default, which made a down node take the whole query timeout to report). Up to 32 kept-alive connections per
/// node: a query's reads of one node run one at a time, so this is about 32 concurrent queries' worth.
public enum ReadClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
