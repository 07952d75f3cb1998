import LumenModel

/// A PromQL expression tree, as the parser builds it and the evaluator walks it.
///
/// Durations and times are nanoseconds, as everywhere in Lumen's model.
public indirect enum Expr: Equatable, Sendable {
    case number(Double)
    case string(String)
    case vectorSelector(VectorSelector)
    /// `selector[range]`.
    case matrixSelector(VectorSelector, range: Int64)
    /// `expr[range:step]`; a `nil` step means the default resolution.
    case subquery(Expr, range: Int64, step: Int64?, modifiers: TimeModifiers)
    case call(name: String, arguments: [Expr])
    case aggregation(Aggregation)
    case unary(negate: Bool, Expr)
    case binary(BinaryExpr)
    case parenthesized(Expr)
    /// A log or span query over a range (native language only): a range vector of lines or spans.
    case telemetryRange(TelemetryRange)

    /// The kind of value the expression yields, for type checks at parse time.
    public var type: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery, .telemetryRange: .matrix
        case .call(let name, let arguments): PromQLFunctions.signature(name)?.returns(arguments) ?? .vector
        case .aggregation: .vector
        case .unary(_, let inner), .parenthesized(let inner): inner.type
        case .binary(let binary): binary.lhs.type == .scalar && binary.rhs.type == .scalar ? .scalar : .vector
        }
    }

    /// Without enclosing parentheses.
    public var unwrapped: Expr {
        if case .parenthesized(let inner) = self { return inner.unwrapped }
        return self
    }
}

public enum ValueType: String, Sendable, Equatable {
    case scalar, string, vector, matrix

    /// How Prometheus names the type in error messages.
    public var displayName: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .vector: "instant vector"
        case .matrix: "range vector"
        }
    }
}

/// `offset` and `@`, which shift the time a selector or subquery looks at.
public struct TimeModifiers: Hashable, Sendable {
    public enum At: Hashable, Sendable {
        case time(Int64)
        case start
        case end
    }

    public var offset: Int64 = 0
    public var at: At?

    public init(offset: Int64 = 0, at: At? = nil) {
        self.offset = offset
        self.at = at
    }
}

/// An instant-vector selector: `name{matchers} offset 5m @ 100`.
public struct VectorSelector: Equatable, Sendable {
    public var matchers: [LabelMatcher]
    public var modifiers: TimeModifiers

    public init(matchers: [LabelMatcher], modifiers: TimeModifiers = TimeModifiers()) {
        self.matchers = matchers
        self.modifiers = modifiers
    }
}

/// `op [by|without (labels)] ([parameter,] expr)`.
public struct Aggregation: Equatable, Sendable {
    public enum Grouping: Equatable, Sendable {
        case by([String])
        case without([String])
    }

    public var op: String
    public var grouping: Grouping
    public var parameter: Expr?
    public var expr: Expr
}

/// `lhs op [bool] [on|ignoring (labels) [group_left|group_right (labels)]] rhs`.
public struct BinaryExpr: Equatable, Sendable {
    public enum Operator: String, Sendable, CaseIterable {
        case power = "^", multiply = "*", divide = "/", modulo = "%", atan2
        case add = "+", subtract = "-"
        case equal = "==", notEqual = "!=", greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<="
        case and, unless, or

        /// Higher binds tighter; Prometheus' table.
        var precedence: Int {
            switch self {
            case .power: 6
            case .multiply, .divide, .modulo, .atan2: 5
            case .add, .subtract: 4
            case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: 3
            case .and, .unless: 2
            case .or: 1
            }
        }

        var isRightAssociative: Bool { self == .power }
        var isComparison: Bool { precedence == 3 }
        var isSetOperator: Bool { self == .and || self == .unless || self == .or }
    }

    public enum Cardinality: Equatable, Sendable {
        case oneToOne
        case manyToOne([String])
        case oneToMany([String])
    }

    public struct Matching: Equatable, Sendable {
        /// `on(...)` when true, `ignoring(...)` when false.
        public var on: Bool = false
        public var labels: [String] = []
        public var cardinality: Cardinality = .oneToOne
    }

    public var op: Operator
    public var lhs: Expr
    public var rhs: Expr
    public var returnBool: Bool = false
    public var matching: Matching?
}
