import CNATS
import Synchronization

/// The asynchronous publishes awaiting their acknowledgement, keyed by the address of their nats.c message (the
/// library hands the same message back to the ack handler, and it stays allocated until the handler destroys it).
///
/// nats.c calls `handle` on its own threads. The JetStream context holds this object retained (`Unmanaged`) for as
/// long as the context may call back.
final class PublishAcks: Sendable {
    private let pending = Mutex<[UInt: @Sendable (PublishOutcome) -> Void]>([:])

    func register(_ message: OpaquePointer, _ completion: @escaping @Sendable (PublishOutcome) -> Void) {
        pending.withLock { $0[UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(message)))] = completion }
    }

    @discardableResult
    func remove(_ message: OpaquePointer) -> (@Sendable (PublishOutcome) -> Void)? {
        pending.withLock { $0.removeValue(forKey: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(message)))) }
    }

    var count: Int { pending.withLock { $0.count } }

    /// Ends every pending publish as `unknown` (the connection closed under it).
    func failAll(_ error: NATSError) {
        let completions = pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for completion in completions { completion(.unknown(error)) }
    }

    /// Called for every publish with its ack (`ack`) or its failure (`failure`); destroys the message.
    func handle(message: OpaquePointer?, ack: UnsafeMutablePointer<jsPubAck>?, failure: UnsafeMutablePointer<jsPubAckErr>?) {
        guard let message else { return }
        let completion = remove(message)
        natsMsg_Destroy(message)
        guard let completion else { return }
        if let ack {
            completion(.stored(stream: String(cString: ack.pointee.Stream), sequence: ack.pointee.Sequence))
            return
        }
        let status = failure?.pointee.Err ?? NATS_ERR
        let code = Int(failure?.pointee.ErrCode.rawValue ?? 0)
        let text = failure?.pointee.ErrText.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(status))
        let error = NATSError("publish", status: status, text: text, jetStreamCode: code)
        // A refusal by the stream (a JetStream error code) or nobody answering means not stored; anything else
        // (a timeout, a dropped connection) leaves it unknown.
        completion(status == NATS_NO_RESPONDERS || code != 0 ? .notStored(error) : .unknown(error))
    }
}

/// nats.c's per-message ack callback: a C function, so it reaches `PublishAcks` through the closure pointer.
let publishAckHandler: jsPubAckHandler = { _, message, ack, failure, closure in
    guard let closure else { return }
    Unmanaged<PublishAcks>.fromOpaque(closure).takeUnretainedValue().handle(
        message: message, ack: ack, failure: failure)
}
