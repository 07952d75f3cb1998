/// Everything `lumen serve` can be told. Defaults are the documented ones.
public struct ServerConfiguration: Sendable {
    /// OTLP over HTTP, where SDKs send by default.
    public var otlpHTTP = ListenAddress(host: "0.0.0.0", port: 4318)
    /// The query API; loopback by default because it has no authentication yet.
    public var api = ListenAddress(host: "127.0.0.1", port: 9470)
    public var dataDirectory = "./lumen-data"
    /// The most a request body may hold after decompression; larger ones get 413.
    public var maxBodyBytes = 20 << 20
    /// The most log records or spans a native query returns.
    public var maxQueryLimit = 5_000

    public init() {}
}

/// A `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `:port` (all interfaces) or `[v6]:port`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
