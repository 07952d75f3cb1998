import Foundation
import LumenModel

/// Binary operators: arithmetic, comparisons (filtering, or 0/1 with `bool`) and the set operators, with
/// Prometheus' vector matching (`on`, `ignoring`, `group_left`, `group_right`).
extension PromQLEvaluator {
    func evaluateBinary(_ binary: BinaryExpr, at time: Int64) throws(QueryError) -> StepValue {
        let lhs = try evaluate(binary.lhs, at: time)
        let rhs = try evaluate(binary.rhs, at: time)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            let (value, keep) = Self.apply(binary.op, left, right)
            return .scalar(binary.op.isComparison ? (keep ? 1 : 0) : value)
        case (.vector(let elements), .scalar(let scalar)):
            return .vector(try vectorScalar(binary, elements, scalar, scalarOnLeft: false))
        case (.scalar(let scalar), .vector(let elements)):
            return .vector(try vectorScalar(binary, elements, scalar, scalarOnLeft: true))
        case (.vector(let left), .vector(let right)):
            return .vector(try vectorVector(binary, left, right))
        default:
            throw QueryError("binary expression must contain only scalar and instant vector types")
        }
    }

    /// The result value and, for comparisons, whether the comparison holds.
    static func apply(_ op: BinaryExpr.Operator, _ left: Double, _ right: Double) -> (Double, Bool) {
        switch op {
        case .add: (left + right, true)
        case .subtract: (left - right, true)
        case .multiply: (left * right, true)
        case .divide: (left / right, true)
        case .modulo: (fmod(left, right), true)
        case .power: (pow(left, right), true)
        case .atan2: (Foundation.atan2(left, right), true)
        case .equal: (left, left == right)
        case .notEqual: (left, left != right)
        case .greater: (left, left > right)
        case .less: (left, left < right)
        case .greaterOrEqual: (left, left >= right)
        case .lessOrEqual: (left, left <= right)
        case .and, .or, .unless: (left, true)
        }
    }

    private func vectorScalar(
        _ binary: BinaryExpr, _ elements: [StepValue.Element], _ scalar: Double, scalarOnLeft: Bool
    ) throws(QueryError) -> [StepValue.Element] {
        var result: [StepValue.Element] = []
        for element in elements {
            let (left, right) = scalarOnLeft ? (scalar, element.value) : (element.value, scalar)
            var (value, keep) = Self.apply(binary.op, left, right)
            if binary.op.isComparison {
                value = element.value
                if binary.returnBool {
                    result.append(StepValue.Element(series: labelSets.droppingName(element.series), value: keep ? 1 : 0))
                } else if keep {
                    result.append(StepValue.Element(series: element.series, value: value))
                }
            } else {
                result.append(StepValue.Element(series: labelSets.droppingName(element.series), value: value))
            }
        }
        return try unique(result)
    }

    /// The derivation giving the labels two elements are matched on.
    private func signatureSlot(_ matching: BinaryExpr.Matching?) -> Int {
        guard let matching else { return labelSets.slot(.droppingName) }
        return labelSets.slot(matching.on
            ? .keeping(Set(matching.labels)) : .removing(Set(matching.labels + [Labels.metricName])))
    }

    private func vectorVector(
        _ binary: BinaryExpr, _ left: [StepValue.Element], _ right: [StepValue.Element]
    ) throws(QueryError) -> [StepValue.Element] {
        let matching = binary.matching
        let slot = signatureSlot(matching)
        let leftSignatures = labelSets.derive(left.map(\.series), slot)
        let rightSignatures = labelSets.derive(right.map(\.series), slot)
        switch binary.op {
        case .and:
            let signatures = Set(rightSignatures)
            return zip(left, leftSignatures).filter { signatures.contains($0.1) }.map(\.0)
        case .unless:
            let signatures = Set(rightSignatures)
            return zip(left, leftSignatures).filter { !signatures.contains($0.1) }.map(\.0)
        case .or:
            let signatures = Set(leftSignatures)
            return left + zip(right, rightSignatures).filter { !signatures.contains($0.1) }.map(\.0)
        default:
            break
        }
        let cardinality = matching?.cardinality ?? .oneToOne
        // With group_right the right side is the "many" side: swap, and swap the values back when computing.
        let swap: Bool
        let include: [String]
        switch cardinality {
        case .oneToOne: (swap, include) = (false, [])
        case .manyToOne(let labels): (swap, include) = (false, labels)
        case .oneToMany(let labels): (swap, include) = (true, labels)
        }
        let (many, manySignatures) = swap ? (right, rightSignatures) : (left, leftSignatures)
        let (one, oneSignatures) = swap ? (left, leftSignatures) : (right, rightSignatures)
        var oneBySignature: [Int: StepValue.Element] = [:]
        for (element, signature) in zip(one, oneSignatures) {
            if let duplicate = oneBySignature[signature] {
                let pair = [labelSets[element.series].promQLText, labelSets[duplicate.series].promQLText].sorted()
                throw QueryError(
                    "found duplicate series for the match group \(labelSets[signature].promQLText) on the "
                        + "\(swap ? "left" : "right") hand-side of the operation: [\(pair[0]), \(pair[1])]"
                        + ";many-to-many matching not allowed: matching labels must be unique on one side",
                    kind: .execution)
            }
            oneBySignature[signature] = element
        }
        // The output's labels: the name dropped unless a filter, then only what matching keeps (one-to-one).
        let dropsName = binary.returnBool || !binary.op.isComparison
        var kept: Int?
        if case .oneToOne = cardinality, let matching {
            kept = labelSets.slot(matching.on ? .keeping(Set(matching.labels)) : .removing(Set(matching.labels)))
        }
        var result: [StepValue.Element] = []
        var matchedSignatures = Set<Int>()
        var outputLabels = Set<Int>()
        for (element, signature) in zip(many, manySignatures) {
            guard let partner = oneBySignature[signature] else { continue }
            let (leftValue, rightValue) = swap ? (partner.value, element.value) : (element.value, partner.value)
            let (value, keep) = Self.apply(binary.op, leftValue, rightValue)
            // Matching errors come before filtering: they depend on the data's shape, not its values.
            if case .oneToOne = cardinality, !matchedSignatures.insert(signature).inserted {
                throw QueryError(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                    kind: .execution)
            }
            var labels = dropsName ? labelSets.droppingName(element.series) : element.series
            if let kept { labels = labelSets.derive(labels, kept) }
            if !include.isEmpty {
                let partnerLabels = labelSets[partner.series]
                var included = labelSets[labels]
                for name in include {
                    included = partnerLabels[name].map { included.setting(name, $0) } ?? included.removing([name])
                }
                labels = labelSets.id(included)
            }
            if !outputLabels.insert(labels).inserted {
                throw QueryError(
                    "multiple matches for labels: grouping labels must ensure unique matches", kind: .execution)
            }
            if binary.op.isComparison, !binary.returnBool, !keep { continue }
            result.append(StepValue.Element(series: labels, value: binary.returnBool ? (keep ? 1 : 0) : value))
        }
        return result
    }
}
