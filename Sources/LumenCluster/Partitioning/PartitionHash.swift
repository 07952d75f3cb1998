import LumenModel

/// The stable 64-bit hash that places data in partitions and partitions on nodes. Every node and every version
/// must compute the same value for the same key, forever (a change moves every series), so it is spelled out here
/// and in docs/cluster.md rather than taken from `Hasher`, which is seeded per process:
///
/// FNV-1a 64 over the key's bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3), then the SplitMix64
/// finaliser for avalanche (FNV's high bits alone mix poorly). Strings are their UTF-8 bytes followed by 0xFF, a
/// byte UTF-8 never contains, so ("ab", "c") and ("a", "bc") differ.
public struct PartitionHash: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    public mutating func combine(_ string: String) {
        for byte in string.utf8 { combine(byte) }
        combine(UInt8(0xFF))
    }

    /// Big-endian, 8 bytes.
    public mutating func combine(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { combine(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public var value: UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The hash of a tenant's label set (a metric series, or a log stream): tenant, then each label's name and
    /// value in sorted order.
    public static func of(tenant: Tenant, labels: Labels) -> UInt64 {
        var hash = PartitionHash()
        hash.combine(tenant.id)
        for label in labels {
            hash.combine(label.name)
            hash.combine(label.value)
        }
        return hash.value
    }

    /// The hash of a tenant's trace: tenant, then the 16 bytes of the trace ID.
    public static func of(tenant: Tenant, traceID: TraceID) -> UInt64 {
        var hash = PartitionHash()
        hash.combine(tenant.id)
        hash.combine(traceID.high)
        hash.combine(traceID.low)
        return hash.value
    }
}
