import LumenModel

/// What an expression evaluates to at one step, inside the evaluator: series are known by their id in the
/// query's `LabelSets`, so that steps pass integers around rather than label sets.
enum StepValue {
    case scalar(Double)
    case string(String)
    case vector([Element])
    case matrix([Window])

    /// One series' value at the step.
    struct Element {
        var series: Int
        var value: Double
    }

    /// One series' samples in a range window, stale markers left out; timestamps in nanoseconds.
    struct Window {
        var series: Int
        var samples: ArraySlice<Sample>
        /// Known to hold no sample below the one before it (a counter without resets); false when unknown.
        var neverDecreases = false
    }
}
