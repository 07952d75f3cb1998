import LumenModel
import LumenQuery

/// One command of a promqltest file, with the line it starts on.
public enum PromQLTestCommand: Sendable {
    /// Series holding native histogram samples are left out; `histogramMetrics` names them.
    case load(
        interval: Int64, series: [(labels: Labels, values: [Double?])], hasHistograms: Bool,
        histogramMetrics: Set<String>)
    case clear
    case eval(PromQLEval)
}

/// An `eval` command: a query, when to run it, and what it must give.
public struct PromQLEval: Sendable {
    public enum Mode: Sendable {
        case instant(Int64)
        case range(start: Int64, end: Int64, step: Int64)
    }

    public struct ExpectedSeries: Sendable {
        public var labels: Labels
        public var values: [Double?]
    }

    public var line: Int
    public var expression: String
    public var mode: Mode
    public var expectFailure = false
    /// A substring or a regular expression the error must match.
    public var failureMessage: String?
    public var failureRegex: String?
    public var ordered = false
    /// `expect warn|info` lines: Lumen emits no annotations, so these are not checked (and counted).
    public var uncheckedAnnotations = 0
    public var expectedString: String?
    /// A scalar result, written as a bare number.
    public var expectedScalar: Double?
    public var expected: [ExpectedSeries] = []
    /// `expect range vector from … to … step …`: where an instant query's range vector samples fall.
    public var rangeVector: (start: Int64, step: Int64)?
    /// Uses what Lumen doesn't model: native histograms, or experimental features.
    public var unsupported: String?
}
