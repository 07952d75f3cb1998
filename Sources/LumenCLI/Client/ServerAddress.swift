import Foundation

/// A server's address as the user gave it: a URL (`http://127.0.0.1:9470`) or `host:port` (`127.0.0.1:9470`,
/// `[::1]:9470`). Client commands and `lumen serve` take both forms, so one address can be pasted into either.
enum ServerAddress {
    /// The base URL of a client's `--api`: `http://` is assumed when no scheme is given; `nil` for anything
    /// but http(s).
    static func url(_ text: String) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let url = URL(string: withScheme), url.scheme == "http" || url.scheme == "https", url.host != nil
        else { return nil }
        return url
    }

    /// The `host:port` a listener binds: a URL's scheme and trailing `/` are dropped.
    static func hostAndPort(_ text: String) -> String {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return String(rest)
    }
}
