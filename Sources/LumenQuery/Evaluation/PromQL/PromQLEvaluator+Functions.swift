import Foundation
import LumenModel

/// Function calls. Range functions get each series' samples in the window; most functions drop `__name__`,
/// because the value no longer measures what the name says.
extension PromQLEvaluator {
    func evaluateCall(_ name: String, _ arguments: [Expr], at time: Int64) throws(QueryError) -> StepValue {
        if arguments.contains(where: \.isTelemetryRange) { return try telemetryCall(name, arguments, at: time) }
        let seconds = Double(time) / 1e9
        switch name {
        case "time": return .scalar(seconds)
        case "pi": return .scalar(Double.pi)
        case "min_of", "max_of":
            let (a, b) = (try scalarValue(arguments[0], at: time), try scalarValue(arguments[1], at: time))
            if a.isNaN || b.isNaN { return .scalar(.nan) }
            return .scalar(name == "min_of" ? Swift.min(a, b) : Swift.max(a, b))
        case "start": return .scalar(Double(start) / 1e9)
        case "end": return .scalar(Double(end) / 1e9)
        case "range": return .scalar(Double(end - start) / 1e9)
        case "step": return .scalar(Double(step) / 1e9)
        case "vector": return .vector([StepValue.Element(series: noLabels, value: try scalarValue(arguments[0], at: time))])
        case "scalar":
            let elements = try vectorValue(arguments[0], at: time)
            return .scalar(elements.count == 1 ? elements[0].value : .nan)
        case "timestamp":
            if case .vectorSelector(let selector) = arguments[0].unwrapped {
                return .vector(try unique(sampleTimes(selector, at: time)))
            }
            return .vector(try unique(try vectorValue(arguments[0], at: time).map {
                StepValue.Element(series: labelSets.droppingName($0.series), value: seconds)
            }))
        case "absent":
            guard try vectorValue(arguments[0], at: time).isEmpty else { return .vector([]) }
            return .vector([StepValue.Element(series: labelSets.id(Self.absentLabels(arguments[0])), value: 1)])
        case "absent_over_time":
            guard try matrixArgument(arguments[0], at: time).windows.isEmpty else { return .vector([]) }
            return .vector([StepValue.Element(series: labelSets.id(Self.absentLabels(arguments[0])), value: 1)])
        case "sort", "sort_desc":
            let descending = name == "sort_desc"
            return .vector(try vectorValue(arguments[0], at: time).sorted { a, b in
                if a.value.isNaN { return false }
                if b.value.isNaN { return true }
                return descending ? a.value > b.value : a.value < b.value
            })
        case "sort_by_label", "sort_by_label_desc":
            var names: [String] = []
            for argument in arguments.dropFirst() { names.append(try stringValue(argument, at: time)) }
            let descending = name == "sort_by_label_desc"
            return .vector(try vectorValue(arguments[0], at: time).sorted { a, b in
                let (left, right) = (labelSets[a.series], labelSets[b.series])
                for label in names {
                    let (x, y) = (left[label] ?? "", right[label] ?? "")
                    if x != y { return descending ? Self.naturalLess(y, x) : Self.naturalLess(x, y) }
                }
                return descending ? right < left : left < right
            })
        case "label_replace": return .vector(try labelReplace(arguments, at: time))
        case "label_join": return .vector(try labelJoin(arguments, at: time))
        case "histogram_quantile":
            let phi = try scalarValue(arguments[0], at: time)
            let buckets = try vectorValue(arguments[1], at: time)
            return .vector(try unique(try HistogramQuantile.evaluate(phi, buckets, &labelSets)))
        case "histogram_fraction":
            let lower = try scalarValue(arguments[0], at: time)
            let upper = try scalarValue(arguments[1], at: time)
            let buckets = try vectorValue(arguments[2], at: time)
            return .vector(try unique(try HistogramQuantile.fraction(lower, upper, buckets, &labelSets)))
        case "round":
            let toNearest = arguments.count > 1 ? try scalarValue(arguments[1], at: time) : 1
            let inverse = 1 / toNearest
            return try mapValues(arguments[0], at: time) { ($0 * inverse + 0.5).rounded(.down) / inverse }
        case "clamp", "clamp_min", "clamp_max":
            var low = -Double.infinity
            var high = Double.infinity
            if name == "clamp" {
                low = try scalarValue(arguments[1], at: time)
                high = try scalarValue(arguments[2], at: time)
                if high < low { return .vector([]) }
            } else if name == "clamp_min" {
                low = try scalarValue(arguments[1], at: time)
            } else {
                high = try scalarValue(arguments[1], at: time)
            }
            return try mapValues(arguments[0], at: time) { value in
                if value.isNaN || low.isNaN || high.isNaN { return .nan }
                return Swift.max(low, Swift.min(high, value))
            }
        case "minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year":
            guard let argument = arguments.first else {
                return .vector([StepValue.Element(series: noLabels, value: CivilDate.component(name, seconds: seconds))])
            }
            return try mapValues(argument, at: time) { CivilDate.component(name, seconds: $0) }
        default:
            break
        }
        if let function = Self.simpleFunctions[name] { return try mapValues(arguments[0], at: time, function) }
        return .vector(try rangeFunction(name, arguments, at: time))
    }

    private func mapValues(
        _ argument: Expr, at time: Int64, _ function: (Double) -> Double
    ) throws(QueryError) -> StepValue {
        .vector(try unique(try vectorValue(argument, at: time).map {
            StepValue.Element(series: labelSets.droppingName($0.series), value: function($0.value))
        }))
    }

    static let simpleFunctions: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) }, "ceil": { Foundation.ceil($0) }, "floor": { Foundation.floor($0) },
        "exp": { Foundation.exp($0) }, "ln": { Foundation.log($0) }, "log2": { Foundation.log2($0) },
        "log10": { Foundation.log10($0) }, "sqrt": { $0.squareRoot() },
        "sgn": { $0.isNaN ? .nan : $0 > 0 ? 1 : $0 < 0 ? -1 : $0 },
        "sin": { Foundation.sin($0) }, "cos": { Foundation.cos($0) }, "tan": { Foundation.tan($0) },
        "asin": { Foundation.asin($0) }, "acos": { Foundation.acos($0) }, "atan": { Foundation.atan($0) },
        "sinh": { Foundation.sinh($0) }, "cosh": { Foundation.cosh($0) }, "tanh": { Foundation.tanh($0) },
        "asinh": { Foundation.asinh($0) }, "acosh": { Foundation.acosh($0) }, "atanh": { Foundation.atanh($0) },
        "deg": { $0 * 180 / Double.pi }, "rad": { $0 * Double.pi / 180 },
    ]

    /// A range-vector argument's series and the window `(start, end]` they were taken from.
    func matrixArgument(_ expr: Expr, at time: Int64) throws(QueryError)
        -> (windows: [StepValue.Window], start: Int64, end: Int64)
    {
        switch expr.unwrapped {
        case .matrixSelector(let selector, let range):
            let end = referenceTime(selector.modifiers, at: time)
            return (matrix(selector, range: range, at: time), end - range, end)
        case .subquery(let inner, let range, let step, let modifiers):
            let end = referenceTime(modifiers, at: time)
            return (try subquery(inner, range: range, step: step, modifiers: modifiers, at: time), end - range, end)
        default:
            throw QueryError("expected a range vector")
        }
    }

    private func rangeFunction(_ name: String, _ arguments: [Expr], at time: Int64) throws(QueryError)
        -> [StepValue.Element]
    {
        if let tabulated = try tabulatedRangeCall(name, arguments, at: time) { return tabulated }
        let indices = RangeFunctions.argumentIndices(name)
        var parameter = Double.nan
        if let index = indices.parameter { parameter = try scalarValue(arguments[index], at: time) }
        let (windows, start, end) = try matrixArgument(arguments[indices.matrix], at: time)
        var result: [StepValue.Element] = []
        for window in windows {
            guard let value = try RangeFunctions.evaluate(
                name, window, start: start, end: end, time: time, parameter: parameter)
            else { continue }
            let series = RangeFunctions.keepsName(name) ? window.series : labelSets.droppingName(window.series)
            result.append(StepValue.Element(series: series, value: value))
        }
        return try unique(result)
    }

    /// Text order with digit runs compared as numbers (`cpu2` before `cpu10`), as `sort_by_label` sorts.
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        var left = Substring(a)
        var right = Substring(b)
        while let x = left.first, let y = right.first {
            if x.isASCII, x.isNumber, y.isASCII, y.isNumber {
                let digitsX = left.prefix { $0.isASCII && $0.isNumber }
                let digitsY = right.prefix { $0.isASCII && $0.isNumber }
                let trimmedX = digitsX.drop { $0 == "0" }
                let trimmedY = digitsY.drop { $0 == "0" }
                if trimmedX.count != trimmedY.count { return trimmedX.count < trimmedY.count }
                if trimmedX != trimmedY { return trimmedX < trimmedY }
                left = left.dropFirst(digitsX.count)
                right = right.dropFirst(digitsY.count)
            } else {
                if x != y { return x < y }
                left = left.dropFirst()
                right = right.dropFirst()
            }
        }
        return left.isEmpty && !right.isEmpty
    }

    /// The labels `absent` reports: those its selector pins with `=`, when pinned once.
    static func absentLabels(_ argument: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch argument {
        case .vectorSelector(let selector), .matrixSelector(let selector, _): matchers = selector.matchers
        default: return Labels([])
        }
        var values: [String: String] = [:]
        var repeated = Set<String>()
        for matcher in matchers where matcher.name != Labels.metricName {
            if matcher.op == .equal, values[matcher.name] == nil, !repeated.contains(matcher.name) {
                values[matcher.name] = matcher.value
            } else {
                values[matcher.name] = nil
            }
            repeated.insert(matcher.name)
        }
        return Labels(values.map { Label($0.key, $0.value) })
    }

    private func labelReplace(_ arguments: [Expr], at time: Int64) throws(QueryError) -> [StepValue.Element] {
        let destination = try stringValue(arguments[1], at: time)
        let replacement = try stringValue(arguments[2], at: time)
        let source = try stringValue(arguments[3], at: time)
        let pattern = try stringValue(arguments[4], at: time)
        // The linear-time engine decides whether a value matches; Swift's backtracking `Regex` only extracts
        // the groups of a value that does, so no label value can make it run away.
        let linear: LinearRegex
        let regex: Regex<AnyRegexOutput>
        do {
            linear = try LinearRegex(pattern, options: .dotMatchesNewline)
            regex = try Regex("^(?s:" + pattern + ")$").matchingSemantics(.unicodeScalar)
        } catch {
            throw QueryError("invalid regular expression in label_replace(): \(pattern)", kind: .execution)
        }
        guard Self.isValidLabelName(destination) || destination == Labels.metricName else {
            throw QueryError("invalid destination label name in label_replace(): \(destination)", kind: .execution)
        }
        let elements = try vectorValue(arguments[0], at: time)
        return try unique(elements.map { element in
            let labels = labelSets[element.series]
            let value = labels[source] ?? ""
            guard linear.wholeMatch(value), let match = try? regex.wholeMatch(in: value) else { return element }
            let expanded = Self.expand(replacement, match)
            return StepValue.Element(series: labelSets.id(labels.setting(destination, expanded)), value: element.value)
        })
    }

    /// `$1`, `${1}` and `${name}` replaced by the match's groups, as Go's `Regexp.Expand` does.
    private static func expand(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        var result = ""
        var characters = Substring(template)
        while let dollar = characters.firstIndex(of: "$") {
            result += characters[..<dollar]
            characters = characters[characters.index(after: dollar)...]
            if characters.first == "$" {
                result += "$"
                characters = characters.dropFirst()
                continue
            }
            var name: Substring
            if characters.first == "{", let close = characters.firstIndex(of: "}") {
                name = characters[characters.index(after: characters.startIndex)..<close]
                characters = characters[characters.index(after: close)...]
            } else {
                name = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                characters = characters.dropFirst(name.count)
            }
            if let number = Int(name) {
                if number < match.output.count, let substring = match.output[number].substring { result += substring }
            } else if !name.isEmpty, let group = match.output[String(name)], let substring = group.substring {
                result += substring
            }
        }
        return result + characters
    }

    private func labelJoin(_ arguments: [Expr], at time: Int64) throws(QueryError) -> [StepValue.Element] {
        let destination = try stringValue(arguments[1], at: time)
        let separator = try stringValue(arguments[2], at: time)
        var sources: [String] = []
        for argument in arguments.dropFirst(3) { sources.append(try stringValue(argument, at: time)) }
        guard Self.isValidLabelName(destination) || destination == Labels.metricName else {
            throw QueryError("invalid destination label name in label_join(): \(destination)", kind: .execution)
        }
        return try unique(try vectorValue(arguments[0], at: time).map { element in
            let labels = labelSets[element.series]
            let joined = sources.map { labels[$0] ?? "" }.joined(separator: separator)
            return StepValue.Element(series: labelSets.id(labels.setting(destination, joined)), value: element.value)
        })
    }
}
