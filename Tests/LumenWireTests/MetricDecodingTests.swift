import Foundation
import LumenModel
import LumenWire
import SwiftProtobuf
import Testing

typealias OTelMetricMessage = Opentelemetry_Proto_Metrics_V1_Metric
typealias OTelNumberPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint

struct MetricDecodingTests {
    static let time: UInt64 = 1_700_000_000_000_000_000

    /// One resource (with attributes to fold into labels) and one scope holding `metrics`.
    static func request(_ metrics: [OTelMetricMessage]) -> OTLPMetricsRequest {
        func attribute(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
            .with {
                $0.key = key
                $0.value.stringValue = value
            }
        }
        return .with {
            $0.resourceMetrics = [
                .with {
                    $0.resource.attributes = [
                        attribute("service.name", "cart"), attribute("service.namespace", "shop"),
                        attribute("service.instance.id", "cart-7"), attribute("host.name", "node-1"),
                        attribute("deployment.environment", "prod"), attribute("telemetry.sdk.name", "opentelemetry"),
                        attribute("process.pid", "42"),
                    ]
                    $0.scopeMetrics = [.with { $0.metrics = metrics }]
                }
            ]
        }
    }

    static func point(_ value: Double, route: String = "/cart", flags: UInt32 = 0) -> OTelNumberPoint {
        .with {
            $0.timeUnixNano = time
            $0.asDouble = value
            $0.flags = flags
            $0.attributes = [.with {
                $0.key = "http.route"
                $0.value.stringValue = route
            }]
        }
    }

    static let resourceLabels: [Label] = [
        Label("service", "cart"), Label("namespace", "shop"), Label("instance", "cart-7"), Label("host", "node-1"),
        Label("deployment_environment", "prod"), Label("http_route", "/cart"),
    ]

    static func labels(_ name: String, _ extra: Label...) -> Labels {
        Labels(resourceLabels + [Label(Labels.metricName, name)] + extra)
    }

    static func decode(_ metrics: [OTelMetricMessage], format: OTLPFormat = .protobuf) throws -> DecodeResult {
        try Fixtures.decode(.metrics, OTLPEncoder.body(request(metrics), format: format), format)
    }

    /// The one value of each series, by its text form.
    static func values(_ result: DecodeResult) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: result.batch.series.map { ($0.labels.description, $0.samples[0].value) })
    }

    @Test(arguments: [OTLPFormat.protobuf, .json])
    func monotonicCumulativeSumBecomesACounterWithResourceLabels(format: OTLPFormat) throws {
        let metric = OTelMetricMessage.with {
            $0.name = "http.server.requests"
            $0.unit = "{request}"
            $0.sum = .with {
                $0.isMonotonic = true
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [Self.point(7)]
            }
        }
        let result = try Self.decode([metric], format: format)
        #expect(result.rejected == 0)
        #expect(result.batch.series == [
            TimeSeries(
                labels: Self.labels("http_server_requests_total"),
                samples: [Sample(timestamp: Int64(Self.time), value: 7)]),
        ])
    }

    @Test func gaugesAndNonMonotonicSumsStayGaugesWithUnitSuffixes() throws {
        let ratio = OTelMetricMessage.with {
            $0.name = "system.cpu.utilization"
            $0.unit = "1"
            $0.gauge.dataPoints = [Self.point(0.5)]
        }
        let bytes = OTelMetricMessage.with {
            $0.name = "process-memory.usage"
            $0.unit = "By"
            $0.sum = .with {
                $0.isMonotonic = false
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = Self.time
                    $0.asInt = 1024
                    $0.attributes = [.with {
                        $0.key = "http.route"
                        $0.value.stringValue = "/cart"
                    }]
                }]
            }
        }
        let values = Self.values(try Self.decode([ratio, bytes]))
        #expect(values[Self.labels("system_cpu_utilization_ratio").description] == 0.5)
        #expect(values[Self.labels("process_memory_usage_bytes").description] == 1024)
    }

    @Test func explicitBucketHistogramBecomesCumulativeBuckets() throws {
        let metric = OTelMetricMessage.with {
            $0.name = "http.server.duration"
            $0.unit = "s"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = Self.time
                    $0.count = 10
                    $0.sum = 2.5
                    $0.explicitBounds = [0.005, 0.01, 1]
                    $0.bucketCounts = [1, 2, 3, 4]
                    $0.attributes = Self.point(0).attributes
                }]
            }
        }
        let values = Self.values(try Self.decode([metric]))
        let name = "http_server_duration_seconds"
        #expect(values.count == 6)
        #expect(values[Self.labels(name + "_bucket", Label("le", "0.005")).description] == 1)
        #expect(values[Self.labels(name + "_bucket", Label("le", "0.01")).description] == 3)
        #expect(values[Self.labels(name + "_bucket", Label("le", "1")).description] == 6)
        #expect(values[Self.labels(name + "_bucket", Label("le", "+Inf")).description] == 10)
        #expect(values[Self.labels(name + "_sum").description] == 2.5)
        #expect(values[Self.labels(name + "_count").description] == 10)
    }

    @Test(arguments: [OTLPFormat.protobuf, .json])
    func exemplarsGoToTheirBucketWithTraceAndSpanIDsAsLabels(format: OTLPFormat) throws {
        let trace = Data((1...16).map { UInt8($0) })
        let span = Data((1...8).map { UInt8($0 * 3) })
        let metric = OTelMetricMessage.with {
            $0.name = "latency"
            $0.unit = "s"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = Self.time
                    $0.count = 2
                    $0.explicitBounds = [0.005, 0.01]
                    $0.bucketCounts = [0, 1, 1]
                    $0.attributes = Self.point(0).attributes
                    $0.exemplars = [
                        .with {
                            $0.asDouble = 0.007
                            $0.timeUnixNano = Self.time - 5
                            $0.traceID = trace
                            $0.spanID = span
                            $0.filteredAttributes = [.with {
                                $0.key = "http.route"
                                $0.value.stringValue = "/cart"
                            }]
                        },
                        .with { $0.asInt = 5 },
                    ]
                }]
            }
        }
        let result = try Self.decode([metric], format: format)
        let exemplars = Dictionary(
            uniqueKeysWithValues: result.batch.series.filter { !$0.exemplars.isEmpty }.map { ($0.labels, $0.exemplars) })
        #expect(exemplars.count == 2)
        #expect(exemplars[Self.labels("latency_seconds_bucket", Label("le", "0.01"))] == [
            Exemplar(
                labels: Labels([
                    "trace_id": "0102030405060708090a0b0c0d0e0f10", "span_id": "0306090c0f121518",
                    "http_route": "/cart",
                ]), timestamp: Int64(Self.time) - 5, value: 0.007)
        ])
        // No time of its own: the point's. No IDs: no labels.
        #expect(exemplars[Self.labels("latency_seconds_bucket", Label("le", "+Inf"))] == [
            Exemplar(labels: Labels([]), timestamp: Int64(Self.time), value: 5)
        ])
    }

    @Test func histogramWithMismatchedBucketsIsRejected() throws {
        let metric = OTelMetricMessage.with {
            $0.name = "latency"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = Self.time
                    $0.explicitBounds = [1, 2]
                    $0.bucketCounts = [1, 2]
                }]
            }
        }
        let result = try Self.decode([metric])
        #expect(result.rejected == 1)
        #expect(result.batch.series.isEmpty)
        #expect(result.rejectionMessage.contains("bucket_counts has 2 entries for 2 explicit_bounds; expected 3"))
    }

    @Test func summaryBecomesQuantileSeriesWithSumAndCount() throws {
        let metric = OTelMetricMessage.with {
            $0.name = "rpc.duration"
            $0.unit = "ms"
            $0.summary.dataPoints = [.with {
                $0.timeUnixNano = Self.time
                $0.count = 4
                $0.sum = 100
                $0.quantileValues = [
                    .with { $0.quantile = 0.5; $0.value = 20 }, .with { $0.quantile = 0.99; $0.value = 60 },
                ]
                $0.attributes = Self.point(0).attributes
            }]
        }
        let values = Self.values(try Self.decode([metric]))
        let name = "rpc_duration_milliseconds"
        #expect(values[Self.labels(name, Label("quantile", "0.5")).description] == 20)
        #expect(values[Self.labels(name, Label("quantile", "0.99")).description] == 60)
        #expect(values[Self.labels(name + "_sum").description] == 100)
        #expect(values[Self.labels(name + "_count").description] == 4)
    }

    @Test func deltaTemporalityIsRefusedPerDataPoint() throws {
        let deltaSum = OTelMetricMessage.with {
            $0.name = "requests"
            $0.sum = .with {
                $0.isMonotonic = true
                $0.aggregationTemporality = .delta
                $0.dataPoints = [Self.point(1), Self.point(2, route: "/pay")]
            }
        }
        let deltaHistogram = OTelMetricMessage.with {
            $0.name = "latency"
            $0.histogram = .with {
                $0.aggregationTemporality = .delta
                $0.dataPoints = [.with { $0.timeUnixNano = Self.time }]
            }
        }
        let gauge = OTelMetricMessage.with {
            $0.name = "queue"
            $0.gauge.dataPoints = [Self.point(3)]
        }
        let result = try Self.decode([deltaSum, deltaHistogram, gauge])
        #expect(result.rejected == 3)
        #expect(result.batch.series.count == 1)
        #expect(result.rejectionMessage.contains("metrics[0] (requests): sum has delta aggregation temporality"))
        #expect(result.rejectionMessage.contains("metrics[1] (latency): histogram has delta aggregation temporality"))
    }

    @Test func exponentialHistogramsAreRefusedPerDataPoint() throws {
        let metric = OTelMetricMessage.with {
            $0.name = "latency"
            $0.exponentialHistogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with { $0.timeUnixNano = Self.time }, .with { $0.timeUnixNano = Self.time }]
            }
        }
        let result = try Self.decode([metric])
        #expect(result.rejected == 2)
        #expect(result.batch.series.isEmpty)
        #expect(result.rejectionMessage.contains("exponential histograms are not supported"))
    }

    @Test func noRecordedValueBecomesAStaleMarker() throws {
        let metric = OTelMetricMessage.with {
            $0.name = "queue.depth"
            $0.gauge.dataPoints = [Self.point(0, flags: 1)]
        }
        let histogram = OTelMetricMessage.with {
            $0.name = "latency"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = Self.time
                    $0.flags = 1
                }]
            }
        }
        let result = try Self.decode([metric, histogram])
        #expect(result.batch.series.count == 3)
        #expect(result.batch.series.allSatisfy { $0.samples.allSatisfy(\.isStaleMarker) })
    }

    @Test func pointsOfTheSameSeriesAreMergedInOrder() throws {
        var later = Self.point(2)
        later.timeUnixNano = Self.time + 1_000_000_000
        let metric = OTelMetricMessage.with {
            $0.name = "queue"
            $0.gauge.dataPoints = [Self.point(1), later]
        }
        let result = try Self.decode([metric])
        #expect(result.batch.series.count == 1)
        #expect(result.batch.series.first?.samples.map(\.value) == [1, 2])
        #expect(result.batch.sampleCount == 2)
    }

    @Test func pointsWithoutTimeOrValueAreRejected() throws {
        var untimed = Self.point(1)
        untimed.timeUnixNano = 0
        var valueless = Self.point(1)
        valueless.value = nil
        let metric = OTelMetricMessage.with {
            $0.name = "queue"
            $0.gauge.dataPoints = [untimed, valueless]
        }
        let result = try Self.decode([metric])
        #expect(result.rejected == 2)
        #expect(result.rejectionMessage.contains("dataPoints[0]: time_unix_nano is missing"))
        #expect(result.rejectionMessage.contains("dataPoints[1]: data point has neither as_double nor as_int"))
    }

    @Test func handWrittenOTLPJSONDocumentDecodes() throws {
        let json = """
            {"resourceMetrics": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
              "scopeMetrics": [{
                "scope": {"name": "my.library", "version": "1.0.0"},
                "metrics": [
                  {"name": "my.counter", "unit": "1", "description": "I am a Counter",
                   "sum": {"aggregationTemporality": 2, "isMonotonic": true,
                           "dataPoints": [{"asDouble": 5, "startTimeUnixNano": "1544712660300000000",
                                           "timeUnixNano": "1544712660300000000",
                                           "attributes": [{"key": "my.counter.attr", "value": {"stringValue": "some value"}}]}]}},
                  {"name": "my.gauge", "unit": "1",
                   "gauge": {"dataPoints": [{"asInt": "10", "timeUnixNano": 1544712660300000000}]}},
                  {"name": "my.histogram", "unit": "ms",
                   "histogram": {"aggregationTemporality": "AGGREGATION_TEMPORALITY_CUMULATIVE",
                                 "dataPoints": [{"timeUnixNano": "1544712660300000000", "count": "2", "sum": 2,
                                                 "bucketCounts": ["1", "1"], "explicitBounds": [1], "min": 0, "max": 2}]}}
                ]
              }]
            }]}
            """
        let result = try Fixtures.decode(.metrics, json: json)
        #expect(result.rejected == 0)
        let values = Self.values(result)
        #expect(values[#"my_counter_total{my_counter_attr="some value", service="my.service"}"#] == 5)
        #expect(values[#"my_gauge_ratio{service="my.service"}"#] == 10)
        #expect(values[#"my_histogram_milliseconds_bucket{le="1", service="my.service"}"#] == 1)
        #expect(values[#"my_histogram_milliseconds_bucket{le="+Inf", service="my.service"}"#] == 2)
        #expect(result.batch.series.first?.samples.first?.timestamp == 1_544_712_660_300_000_000)
    }
}
