import LumenModel

/// What a PromQL expression evaluates to at one instant.
public enum PromQLValue: Sendable, Equatable {
    case scalar(Double)
    case string(String)
    case vector([VectorElement])
    /// Samples per series; timestamps in nanoseconds.
    case matrix([TimeSeries])
}

/// One series' value at the evaluation time.
public struct VectorElement: Sendable, Equatable {
    public var labels: Labels
    public var value: Double

    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
    }
}

extension Labels {
    /// These labels without the metric name, as Prometheus returns them from functions and arithmetic.
    var droppingName: Labels {
        metricName == nil ? self : Labels(labels.filter { $0.name != Labels.metricName })
    }

    func removing(_ names: Set<String>) -> Labels { Labels(labels.filter { !names.contains($0.name) }) }

    func keeping(_ names: Set<String>) -> Labels { Labels(labels.filter { names.contains($0.name) }) }

    func setting(_ name: String, _ value: String) -> Labels {
        Labels(labels.filter { $0.name != name } + [Label(name, value)])
    }
}

extension Labels {
    /// Every label, the name included, as Prometheus prints a label set in messages: `{__name__="up", job="a"}`.
    var promQLText: String {
        "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
    }
}
