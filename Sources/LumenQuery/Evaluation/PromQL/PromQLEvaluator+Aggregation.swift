import LumenModel

/// Aggregation operators over the groups `by`/`without` define.
extension PromQLEvaluator {
    func evaluateAggregation(_ aggregation: Aggregation, at time: Int64) throws(QueryError) -> StepValue {
        let elements = try vectorValue(Self.pushingGrouping(into: aggregation).expr, at: time)
        var parameter = Double.nan
        var labelName = ""
        if let expr = aggregation.parameter {
            if aggregation.op == "count_values" {
                labelName = try stringValue(expr, at: time)
                guard Self.isValidLabelName(labelName) else {
                    throw QueryError("invalid label name \"\(labelName)\"", kind: .execution)
                }
            } else {
                parameter = try scalarValue(expr, at: time)
            }
        }
        if ["topk", "bottomk", "limitk", "limit_ratio"].contains(aggregation.op), parameter.isNaN {
            throw QueryError(aggregation.op == "limit_ratio" ? "Ratio value is NaN"
                : "Parameter value is NaN for \(aggregation.op)", kind: .execution)
        }
        if aggregation.op == "count_values" {
            let relabeled = elements.map {
                StepValue.Element(
                    series: labelSets.id(labelSets[$0.series].setting(labelName, PromQLFormat.value($0.value))),
                    value: $0.value)
            }
            var grouping = aggregation.grouping
            if case .by(let names) = grouping { grouping = .by(names + [labelName]) }
            return .vector(groups(relabeled, grouping).map {
                StepValue.Element(series: $0.key, value: Double($0.members.count))
            })
        }
        var result: [StepValue.Element] = []
        for group in groups(elements, aggregation.grouping) {
            let values = group.members.map(\.value)
            switch aggregation.op {
            case "topk", "bottomk":
                guard parameter.isFinite || parameter == .infinity else {
                    throw QueryError(
                        "Parameter value \(parameter) for \(aggregation.op) is not a valid number", kind: .execution)
                }
                let k = Self.count(parameter)
                let top = aggregation.op == "topk"
                let sorted = group.members.sorted { a, b in
                    if a.value.isNaN { return false }
                    if b.value.isNaN { return true }
                    return top ? a.value > b.value : a.value < b.value
                }
                result += sorted.prefix(k)
                continue
            case "limitk":
                let k = Self.count(parameter)
                result += group.members.prefix(k)
                continue
            default:
                result.append(StepValue.Element(series: group.key, value: Self.aggregate(aggregation.op, values, parameter)))
            }
        }
        return .vector(result)
    }

    static func aggregate(_ op: String, _ values: [Double], _ parameter: Double) -> Double {
        switch op {
        case "sum":
            var sum = KahanSum()
            for value in values { sum.add(value) }
            return sum.value
        case "avg": return PromQLMath.mean(values)
        case "min": return values.reduce(Double.nan) { $0.isNaN || $1 < $0 ? $1 : $0 }
        case "max": return values.reduce(Double.nan) { $0.isNaN || $1 > $0 ? $1 : $0 }
        case "count": return Double(values.count)
        case "group": return 1
        case "stddev": return PromQLMath.variance(values).squareRoot()
        case "stdvar": return PromQLMath.variance(values)
        case "quantile": return PromQLMath.quantile(parameter, values)
        default: return .nan
        }
    }

    /// Elements by group, in the order each group first appears.
    private func groups(
        _ elements: [StepValue.Element], _ grouping: Aggregation.Grouping
    ) -> [(key: Int, members: [StepValue.Element])] {
        let key: LabelSets.Derivation = switch grouping {
        case .by(let names): .keeping(Set(names))
        case .without(let names): .removing(Set(names + [Labels.metricName]))
        }
        let keys = labelSets.derive(elements.map(\.series), labelSets.slot(key))
        return labelSets.grouped(elements, keys: keys)
    }

    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first)
            || ("A"..."Z").contains(first)
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
            || ("0"..."9").contains($0) }
    }

    /// `topk`'s and `limitk`'s k, as Prometheus reads it: truncated, NaN and anything below 1 as none, and any
    /// number past `Int.max` as all.
    static func count(_ parameter: Double) -> Int {
        guard parameter >= 1 else { return 0 }
        return parameter < Double(Int.max) ? Int(parameter) : .max
    }
}
