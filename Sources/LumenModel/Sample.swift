/// One point of a metric series: nanoseconds since the epoch and a float64.
/// NaN, ±Inf and Prometheus' stale marker (a particular NaN) are values like any other and keep their bits.
public struct Sample: Hashable, Sendable {
    public var timestamp: Int64
    public var value: Double

    public init(timestamp: Int64, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }

    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.value.bitPattern == rhs.value.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timestamp)
        hasher.combine(value.bitPattern)
    }

    /// Prometheus' staleness marker: the NaN with this exact bit pattern.
    public static let staleMarkerBits: UInt64 = 0x7ff0_0000_0000_0002
    public var isStaleMarker: Bool { value.bitPattern == Self.staleMarkerBits }
}

/// Samples of one series, in the order they were received, and the exemplars sent with them.
public struct TimeSeries: Hashable, Sendable {
    public var labels: Labels
    public var samples: [Sample]
    public var exemplars: [Exemplar]

    public init(labels: Labels, samples: [Sample], exemplars: [Exemplar] = []) {
        self.labels = labels
        self.samples = samples
        self.exemplars = exemplars
    }
}
