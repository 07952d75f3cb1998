import LumenModel

/// What a wanted span's own fields must be, tested on a span page's columns before the span is built: a search
/// steps over the rows (and, by their duration range, the pages) that cannot match, as `lineContains` steps over
/// log lines. A field left `nil` is not constrained.
///
/// Contract: it only prunes. A search still tests every span let through with its own filter, so a prefilter
/// may admit more than the filter (never less: a span it refuses must be one the filter refuses).
public struct SpanPrefilter: Sendable, Hashable, Codable {
    public var services: Set<String>?
    public var names: Set<String>?
    public var kinds: Set<SpanKind>?
    public var statuses: Set<SpanStatus.Code>?
    /// Bounds of end − start in nanoseconds, both included (a minimum above the maximum admits no span).
    public var minDuration: Int64 = .min
    public var maxDuration: Int64 = .max

    /// Admits every span.
    public static let none = SpanPrefilter()

    public init(
        services: Set<String>? = nil, names: Set<String>? = nil, kinds: Set<SpanKind>? = nil,
        statuses: Set<SpanStatus.Code>? = nil, minDuration: Int64 = .min, maxDuration: Int64 = .max
    ) {
        self.services = services
        self.names = names
        self.kinds = kinds
        self.statuses = statuses
        self.minDuration = minDuration
        self.maxDuration = maxDuration
    }

    /// `service` is asked for only when services are constrained: finding it in a resource costs a lookup.
    func admits(
        service: () -> String, name: String, kind: SpanKind, status: SpanStatus.Code, duration: Int64
    ) -> Bool {
        duration >= minDuration && duration <= maxDuration && kinds?.contains(kind) != false
            && statuses?.contains(status) != false && names?.contains(name) != false
            && services?.contains(service()) != false
    }

    /// Spans both admit.
    public func and(_ other: SpanPrefilter) -> SpanPrefilter {
        func both<Value: Hashable>(_ lhs: Set<Value>?, _ rhs: Set<Value>?) -> Set<Value>? {
            guard let lhs, let rhs else { return lhs ?? rhs }
            return lhs.intersection(rhs)
        }
        return SpanPrefilter(
            services: both(services, other.services), names: both(names, other.names),
            kinds: both(kinds, other.kinds), statuses: both(statuses, other.statuses),
            minDuration: max(minDuration, other.minDuration), maxDuration: min(maxDuration, other.maxDuration))
    }

    /// Spans either admits.
    public func or(_ other: SpanPrefilter) -> SpanPrefilter {
        func either<Value: Hashable>(_ lhs: Set<Value>?, _ rhs: Set<Value>?) -> Set<Value>? {
            guard let lhs, let rhs else { return nil }
            return lhs.union(rhs)
        }
        return SpanPrefilter(
            services: either(services, other.services), names: either(names, other.names),
            kinds: either(kinds, other.kinds), statuses: either(statuses, other.statuses),
            minDuration: min(minDuration, other.minDuration), maxDuration: max(maxDuration, other.maxDuration))
    }
}
