import Foundation
import LumenModel
import LumenWire

/// The shop's HTTP server instruments, OpenTelemetry-style and cumulative since ``startTime``:
/// per service a monotonic Sum `http.server.requests` (`{request}`) and an explicit-bucket Histogram
/// `http.server.request.duration` (`s`), both by `http.request.method`, `http.route` and
/// `http.response.status_code`. Lumen stores them as `http_server_requests_total` and
/// `http_server_request_duration_seconds_bucket/_sum/_count`.
///
/// A value type: record calls as the workload produces them, export a snapshot whenever a push is due.
public struct ShopMetrics: Sendable {
    public static let requestsName = "http.server.requests"
    public static let durationName = "http.server.request.duration"
    /// OpenTelemetry's recommended boundaries for `http.server.request.duration`, in seconds.
    public static let durationBounds: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]

    /// Nanoseconds since the epoch: the start of every cumulative point.
    public let startTime: Int64
    private var series: [Key: Accumulator] = [:]

    struct Key: Hashable, Comparable, Sendable {
        var service: ShopService
        var method: String
        var route: String
        var statusCode: Int

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.service.name, lhs.method, lhs.route, lhs.statusCode)
                < (rhs.service.name, rhs.method, rhs.route, rhs.statusCode)
        }
    }

    struct Accumulator: Sendable {
        var count: UInt64 = 0
        var sum: Double = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        /// One more than the bounds: the last bucket counts values above the last bound.
        var bucketCounts = [UInt64](repeating: 0, count: ShopMetrics.durationBounds.count + 1)

        mutating func record(seconds: Double) {
            count += 1
            sum += seconds
            minimum = min(minimum, seconds)
            maximum = max(maximum, seconds)
            // OTel buckets are upper-inclusive: bucket i holds (bounds[i-1], bounds[i]].
            let bucket = ShopMetrics.durationBounds.firstIndex { seconds <= $0 } ?? ShopMetrics.durationBounds.count
            bucketCounts[bucket] += 1
        }
    }

    public init(startTime: Int64) {
        self.startTime = startTime
    }

    public mutating func record(_ call: ShopRequest.ServerCall) {
        let key = Key(service: call.service, method: call.method, route: call.route, statusCode: call.statusCode)
        series[key, default: Accumulator()].record(seconds: Double(call.duration) / 1e9)
    }

    public mutating func record(_ request: ShopRequest) {
        for call in request.serverCalls { record(call) }
    }

    /// Calls recorded so far, over every service, or for one service.
    public func requestCount(service: ShopService? = nil) -> UInt64 {
        series.reduce(0) { $0 + (service == nil || $1.key.service == service ? $1.value.count : 0) }
    }

    /// Data points in one export: a Sum point and a Histogram point per series.
    public var pointCount: Int { series.count * 2 }

    /// The cumulative state as an OTLP metrics export with points stamped `time` (nanoseconds since the
    /// epoch): one resource per service that served a call, series in a stable order.
    public func exportRequest(at time: Int64) -> OTLPMetricsRequest {
        let byService = Dictionary(grouping: series.keys.sorted(), by: \.service)
        var request = OTLPMetricsRequest()
        request.resourceMetrics = ShopService.allCases.compactMap { service in
            guard let keys = byService[service] else { return nil }
            return .with {
                $0.resource = .with { $0.attributes = Self.keyValues(service.resource.attributes) }
                $0.scopeMetrics = [.with {
                    $0.scope = .with {
                        $0.name = service.scope.name
                        $0.version = service.scope.version
                    }
                    $0.metrics = [requestsMetric(keys, at: time), durationMetric(keys, at: time)]
                }]
            }
        }
        return request
    }

    private func requestsMetric(_ keys: [Key], at time: Int64) -> Opentelemetry_Proto_Metrics_V1_Metric {
        .with {
            $0.name = Self.requestsName
            $0.description_p = "HTTP server requests served."
            $0.unit = "{request}"
            $0.sum = .with {
                $0.aggregationTemporality = .cumulative
                $0.isMonotonic = true
                $0.dataPoints = keys.map { key in
                    .with {
                        $0.attributes = Self.attributes(key)
                        $0.startTimeUnixNano = UInt64(startTime)
                        $0.timeUnixNano = UInt64(time)
                        $0.asInt = Int64(series[key]?.count ?? 0)
                    }
                }
            }
        }
    }

    private func durationMetric(_ keys: [Key], at time: Int64) -> Opentelemetry_Proto_Metrics_V1_Metric {
        .with {
            $0.name = Self.durationName
            $0.description_p = "Duration of HTTP server requests."
            $0.unit = "s"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = keys.map { key in
                    let accumulator = series[key] ?? Accumulator()
                    return .with {
                        $0.attributes = Self.attributes(key)
                        $0.startTimeUnixNano = UInt64(startTime)
                        $0.timeUnixNano = UInt64(time)
                        $0.count = accumulator.count
                        $0.sum = accumulator.sum
                        $0.bucketCounts = accumulator.bucketCounts
                        $0.explicitBounds = Self.durationBounds
                        if accumulator.count > 0 {
                            $0.min = accumulator.minimum
                            $0.max = accumulator.maximum
                        }
                    }
                }
            }
        }
    }

    private static func attributes(_ key: Key) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        keyValues([
            Attribute("http.request.method", .string(key.method)),
            Attribute("http.route", .string(key.route)),
            Attribute("http.response.status_code", .int(Int64(key.statusCode))),
        ])
    }

    /// Resource and point attributes here are strings and integers only.
    private static func keyValues(_ attributes: [Attribute]) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        attributes.map { attribute in
            .with {
                $0.key = attribute.key
                switch attribute.value {
                case .int(let number): $0.value.intValue = number
                case .double(let number): $0.value.doubleValue = number
                case .bool(let flag): $0.value.boolValue = flag
                default: $0.value.stringValue = attribute.value.text
                }
            }
        }
    }
}
