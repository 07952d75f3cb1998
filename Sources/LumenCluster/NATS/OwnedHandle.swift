import Synchronization

/// The pointer to one nats.c object (connection, context, subscription, store), owned by one Swift object that
/// destroys it exactly once: `take` hands it out a single time, and every later reader sees nil.
final class OwnedHandle: Sendable {
    private struct Pointer: @unchecked Sendable { var value: OpaquePointer? }
    private let state: Mutex<Pointer>

    init(_ pointer: OpaquePointer?) {
        state = Mutex(Pointer(value: pointer))
    }

    /// The pointer, or nil once taken.
    var pointer: OpaquePointer? { state.withLock { $0.value } }

    /// The pointer, once; nil afterwards. The caller destroys what it gets.
    func take() -> OpaquePointer? {
        state.withLock { state in
            defer { state.value = nil }
            return state.value
        }
    }
}
