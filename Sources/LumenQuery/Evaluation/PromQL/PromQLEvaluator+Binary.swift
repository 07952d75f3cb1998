import Foundation
import LumenModel

/// Binary operators: arithmetic, comparisons (filtering, or 0/1 with `bool`) and the set operators, with
/// Prometheus' vector matching (`on`, `ignoring`, `group_left`, `group_right`).
extension PromQLEvaluator {
    func evaluateBinary(_ binary: BinaryExpr, at time: Int64) throws(QueryError) -> PromQLValue {
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
        _ binary: BinaryExpr, _ elements: [VectorElement], _ scalar: Double, scalarOnLeft: Bool
    ) throws(QueryError) -> [VectorElement] {
        var result: [VectorElement] = []
        for element in elements {
            let (left, right) = scalarOnLeft ? (scalar, element.value) : (element.value, scalar)
            var (value, keep) = Self.apply(binary.op, left, right)
            if binary.op.isComparison {
                value = element.value
                if binary.returnBool {
                    result.append(VectorElement(labels: element.labels.droppingName, value: keep ? 1 : 0))
                } else if keep {
                    result.append(VectorElement(labels: element.labels, value: value))
                }
            } else {
                result.append(VectorElement(labels: element.labels.droppingName, value: value))
            }
        }
        return try Self.unique(result)
    }

    /// The labels two elements are matched on.
    private static func signature(_ labels: Labels, _ matching: BinaryExpr.Matching?) -> Labels {
        guard let matching else { return labels.droppingName }
        if matching.on { return labels.keeping(Set(matching.labels)) }
        return labels.removing(Set(matching.labels + [Labels.metricName]))
    }

    private func vectorVector(
        _ binary: BinaryExpr, _ left: [VectorElement], _ right: [VectorElement]
    ) throws(QueryError) -> [VectorElement] {
        let matching = binary.matching
        switch binary.op {
        case .and:
            let signatures = Set(right.map { Self.signature($0.labels, matching) })
            return left.filter { signatures.contains(Self.signature($0.labels, matching)) }
        case .unless:
            let signatures = Set(right.map { Self.signature($0.labels, matching) })
            return left.filter { !signatures.contains(Self.signature($0.labels, matching)) }
        case .or:
            let signatures = Set(left.map { Self.signature($0.labels, matching) })
            return left + right.filter { !signatures.contains(Self.signature($0.labels, matching)) }
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
        let many = swap ? right : left
        let one = swap ? left : right
        var oneBySignature: [Labels: VectorElement] = [:]
        for element in one {
            let signature = Self.signature(element.labels, matching)
            if let duplicate = oneBySignature[signature] {
                let pair = [element.labels.promQLText, duplicate.labels.promQLText].sorted()
                throw QueryError(
                    "found duplicate series for the match group \(signature.promQLText) on the "
                        + "\(swap ? "left" : "right") hand-side of the operation: [\(pair[0]), \(pair[1])]"
                        + ";many-to-many matching not allowed: matching labels must be unique on one side")
            }
            oneBySignature[signature] = element
        }
        var result: [VectorElement] = []
        var matchedSignatures = Set<Labels>()
        var outputLabels = Set<Labels>()
        for element in many {
            let signature = Self.signature(element.labels, matching)
            guard let partner = oneBySignature[signature] else { continue }
            let (leftValue, rightValue) = swap ? (partner.value, element.value) : (element.value, partner.value)
            let (value, keep) = Self.apply(binary.op, leftValue, rightValue)
            // Matching errors come before filtering: they depend on the data's shape, not its values.
            if case .oneToOne = cardinality, !matchedSignatures.insert(signature).inserted {
                throw QueryError(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
            }
            var labels = element.labels
            if binary.returnBool || !binary.op.isComparison { labels = labels.droppingName }
            if case .oneToOne = cardinality, let matching {
                labels = matching.on ? labels.keeping(Set(matching.labels)) : labels.removing(Set(matching.labels))
            }
            for name in include {
                labels = partner.labels[name].map { labels.setting(name, $0) } ?? labels.removing([name])
            }
            if !outputLabels.insert(labels).inserted {
                throw QueryError("multiple matches for labels: grouping labels must ensure unique matches")
            }
            if binary.op.isComparison, !binary.returnBool, !keep { continue }
            result.append(VectorElement(labels: labels, value: binary.returnBool ? (keep ? 1 : 0) : value))
        }
        return result
    }
}
