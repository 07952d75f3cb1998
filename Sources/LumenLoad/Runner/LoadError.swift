/// Why a load run could not start or could not go on, with a message a user can act on.
public struct LoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable {
        private let name: String
        /// An option is out of range or malformed; nothing was sent.
        public static let invalidOptions = Kind(name: "invalid options")
        /// The endpoint refused a request in a way retrying cannot fix.
        public static let rejected = Kind(name: "rejected")
        /// The endpoint could not be reached.
        public static let unreachable = Kind(name: "unreachable")
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
