extension Expr {
    /// Every metric selector in the expression, in the order written, with how far back it reads: its range
    /// (plus any enclosing subquery's), 0 for an instant selector. What Prometheus' exemplar query looks up
    /// (`parser.ExtractSelectors`).
    public var selectors: [(selector: VectorSelector, range: Int64)] {
        switch self {
        case .number, .string, .telemetryRange: []
        case .vectorSelector(let selector): [(selector, 0)]
        case .matrixSelector(let selector, let range): [(selector, range)]
        case .subquery(let inner, let range, _, _): inner.selectors.map { ($0.selector, $0.range + range) }
        case .unary(_, let inner), .parenthesized(let inner): inner.selectors
        case .call(_, let arguments): arguments.flatMap(\.selectors)
        case .aggregation(let aggregation): (aggregation.parameter?.selectors ?? []) + aggregation.expr.selectors
        case .binary(let binary): binary.lhs.selectors + binary.rhs.selectors
        }
    }
}
