import CNATS

/// A failed nats.c call: the call, its status, the JetStream error code when the server sent one, and the text of
/// the library's last error on the calling thread (`nats_GetLastError` is per thread, so it is read right there).
public struct NATSError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let status: UInt32
    /// The JetStream API's error code (e.g. 10059, stream not found), or 0.
    public let jetStreamCode: Int
    public let text: String

    init(_ operation: String, status: natsStatus, jetStreamCode: jsErrCode = jsErrCode(rawValue: 0)) {
        self.operation = operation
        self.status = status.rawValue
        self.jetStreamCode = Int(jetStreamCode.rawValue)
        let last = nats_GetLastError(nil).map { String(cString: $0) } ?? ""
        text = last.isEmpty ? String(cString: natsStatus_GetText(status)) : last
    }

    init(_ operation: String, status: natsStatus, text: String, jetStreamCode: Int) {
        self.operation = operation
        self.status = status.rawValue
        self.jetStreamCode = jetStreamCode
        self.text = text
    }

    /// Throws unless `status` is `NATS_OK`.
    static func check(
        _ status: natsStatus, _ operation: @autoclosure () -> String,
        jetStreamCode: jsErrCode = jsErrCode(rawValue: 0)
    ) throws(NATSError) {
        guard status != NATS_OK else { return }
        throw NATSError(operation(), status: status, jetStreamCode: jetStreamCode)
    }

    /// A call on something already closed, or shut down.
    static func closed(_ operation: String, _ text: String) -> NATSError {
        NATSError(operation, status: NATS_CONNECTION_CLOSED, text: text, jetStreamCode: 0)
    }

    /// Nobody answered: no JetStream server held the subject at the time (e.g. during a leader election).
    public var isNoResponders: Bool { status == NATS_NO_RESPONDERS.rawValue }
    public var isTimeout: Bool { status == NATS_TIMEOUT.rawValue }
    public var isNotFound: Bool { status == NATS_NOT_FOUND.rawValue }
    /// The call came after its connection, context, bucket or consumer was closed.
    public var isClosed: Bool { status == NATS_CONNECTION_CLOSED.rawValue }

    public var description: String {
        "\(operation): \(text)" + (jetStreamCode == 0 ? "" : " (JetStream error \(jetStreamCode))")
    }
}
