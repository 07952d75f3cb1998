import LumenModel

/// What a tenant's limits on stored state count: its series and its log streams in the heads. Counts only
/// (never negative: `-` stops at zero).
public struct TenantUsage: Codable, Sendable, Equatable {
    public var series: Int
    public var streams: Int

    public init(series: Int = 0, streams: Int = 0) {
        self.series = series
        self.streams = streams
    }

    public static let zero = TenantUsage()

    public static func + (lhs: TenantUsage, rhs: TenantUsage) -> TenantUsage {
        TenantUsage(series: lhs.series + rhs.series, streams: lhs.streams + rhs.streams)
    }

    public static func - (lhs: TenantUsage, rhs: TenantUsage) -> TenantUsage {
        TenantUsage(series: max(0, lhs.series - rhs.series), streams: max(0, lhs.streams - rhs.streams))
    }
}

/// A tenant's limits on stored state (`max_active_series`, `max_active_log_streams` in the server's configuration),
/// which the partitions' owners enforce cluster-wide (`UsageLedger`).
public struct ActiveLimits: Sendable, Equatable {
    public var maxActiveSeries: Int
    public var maxActiveLogStreams: Int

    public init(maxActiveSeries: Int, maxActiveLogStreams: Int) {
        self.maxActiveSeries = maxActiveSeries
        self.maxActiveLogStreams = maxActiveLogStreams
    }

    /// How much of `wanted` fits beside `used`.
    func room(for wanted: TenantUsage, beside used: TenantUsage) -> TenantUsage {
        TenantUsage(
            series: min(wanted.series, max(0, maxActiveSeries - used.series)),
            streams: min(wanted.streams, max(0, maxActiveLogStreams - used.streams)))
    }
}
