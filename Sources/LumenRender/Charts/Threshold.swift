/// A step of a panel's colour scale: values at or above `value` take `color`, up to the next step.
///
/// The first step of a scale is usually the base (`value` is `nil`, meaning minus infinity), as in Grafana.
public struct Threshold: Codable, Sendable, Equatable {
    public var value: Double?
    public var color: ChartColor

    public init(_ value: Double?, _ color: ChartColor) {
        self.value = value
        self.color = color
    }
}

extension [Threshold] {
    /// The colour of the highest step at or below the value; `nil` without steps or for NaN.
    public func color(for value: Double) -> ChartColor? {
        guard !value.isNaN else { return nil }
        var chosen: ChartColor? = nil
        for step in sorted(by: { ($0.value ?? -.infinity) < ($1.value ?? -.infinity) }) {
            if (step.value ?? -.infinity) <= value { chosen = step.color }
        }
        return chosen
    }

    /// The steps that have a value: the ones a chart draws as lines.
    public var lines: [(value: Double, color: ChartColor)] {
        compactMap { step in step.value.map { ($0, step.color) } }
    }
}
