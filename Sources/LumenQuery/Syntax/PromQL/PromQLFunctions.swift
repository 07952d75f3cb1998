/// The PromQL functions Lumen knows, with their argument types: the parser checks calls against them.
public enum PromQLFunctions {
    public struct Signature: Sendable {
        public let arguments: [ValueType]
        /// How many trailing arguments may be left out.
        public let optional: Int
        /// Whether the last argument may repeat (`label_join`).
        public let variadic: Bool
        public let result: ValueType

        func returns(_ arguments: [Expr]) -> ValueType { result }

        func check(_ name: String, _ given: [Expr], at position: SourcePosition) throws(QueryError) {
            let minimum = arguments.count - optional
            guard given.count >= minimum, variadic || given.count <= arguments.count else {
                throw QueryError("expected \(minimum == arguments.count ? "" : "at least ")\(minimum) argument"
                    + "\(minimum == 1 ? "" : "s") in call to \"\(name)\", got \(given.count)", at: position)
            }
            for (offset, argument) in given.enumerated() {
                let expected = arguments[min(offset, arguments.count - 1)]
                guard argument.type == expected else {
                    throw QueryError("expected type \(expected.displayName) in call to function \"\(name)\", got "
                        + argument.type.displayName, at: position)
                }
            }
        }
    }

    private static func sig(
        _ arguments: [ValueType], _ result: ValueType = .vector, optional: Int = 0, variadic: Bool = false
    ) -> Signature {
        Signature(arguments: arguments, optional: optional, variadic: variadic, result: result)
    }

    public static func signature(_ name: String) -> Signature? { table[name] }

    private static let table: [String: Signature] = {
        var table: [String: Signature] = [:]
        for name in [
            "abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "sin", "cos", "tan", "asin", "acos",
            "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "deg", "rad", "sort", "sort_desc", "timestamp",
            "absent",
        ] {
            table[name] = sig([.vector])
        }
        for name in [
            "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "avg_over_time",
            "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "stddev_over_time",
            "stdvar_over_time", "last_over_time", "first_over_time", "present_over_time", "absent_over_time",
            "mad_over_time", "ts_of_max_over_time", "ts_of_min_over_time", "ts_of_last_over_time",
            "ts_of_first_over_time",
        ] {
            table[name] = sig([.matrix])
        }
        for name in ["minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year"] {
            table[name] = sig([.vector], optional: 1)
        }
        table["round"] = sig([.vector, .scalar], optional: 1)
        table["clamp"] = sig([.vector, .scalar, .scalar])
        table["clamp_min"] = sig([.vector, .scalar])
        table["clamp_max"] = sig([.vector, .scalar])
        table["predict_linear"] = sig([.matrix, .scalar])
        table["quantile_over_time"] = sig([.scalar, .matrix])
        table["histogram_quantile"] = sig([.scalar, .vector])
        table["histogram_fraction"] = sig([.scalar, .scalar, .vector])
        table["label_replace"] = sig([.vector, .string, .string, .string, .string])
        table["label_join"] = sig([.vector, .string, .string, .string], optional: 1, variadic: true)
        table["sort_by_label"] = sig([.vector, .string], optional: 1, variadic: true)
        table["sort_by_label_desc"] = sig([.vector, .string], optional: 1, variadic: true)
        table["time"] = sig([], .scalar)
        table["min_of"] = sig([.scalar, .scalar], .scalar)
        table["max_of"] = sig([.scalar, .scalar], .scalar)
        table["pi"] = sig([], .scalar)
        // The query's own window, in seconds: start(), end(), range() = end − start, step().
        for name in ["start", "end", "range", "step"] { table[name] = sig([], .scalar) }
        table["vector"] = sig([.scalar])
        table["scalar"] = sig([.vector], .scalar)
        return table
    }()
}
