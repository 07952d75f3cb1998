/// Why a request body could not be decoded at all. The server maps `kind` to a status
/// (malformed 400, tooLarge 413, unsupportedMediaType and unsupportedEncoding 415) and returns
/// `message` to the sender, so it names the offending field or header.
///
/// Individual bad items (a span with a broken ID, a delta histogram) are not errors: they are counted in
/// `DecodeResult.rejected` and the rest of the request is kept.
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case malformed
        case tooLarge
        case unsupportedMediaType
        case unsupportedEncoding
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func malformed(_ message: String) -> WireError { WireError(.malformed, message) }
    public static func tooLarge(_ message: String) -> WireError { WireError(.tooLarge, message) }

    public var description: String { message }
}
