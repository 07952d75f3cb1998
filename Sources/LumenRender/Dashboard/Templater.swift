/// Substitutes variables into a dashboard's text: `$name` and `${name}` take the variable's value, and the
/// built-ins `$__interval` (the query step) and `$__range` (the dashboard's range) are always defined.
///
/// Longer names are tried first so that `$service_name` is not read as `$service` + `_name`; an unknown
/// `$word` is left as written (PromQL never uses `$`, so it can only be a typo the server will report).
public struct Templater: Sendable {
    public private(set) var values: [String: String]
    /// What titles show where it differs from what queries get: `all` rather than `a|b|c`.
    public private(set) var displayValues: [String: String]

    public init(values: [String: String], displayValues: [String: String] = [:]) {
        self.values = values
        self.displayValues = displayValues
    }

    /// The variables resolved for one render: overrides first, then defaults; query variables choose from
    /// `labelValues` (their label's values, as the server listed them) and `all` joins those values with `|`.
    public static func resolve(
        _ variables: [Variable], overrides: [String: String], labelValues: [String: [String]],
        interval: String, range: String
    ) throws(DashboardError) -> Templater {
        var values = ["__interval": interval, "__range": range, "__rate_interval": interval]
        var display: [String: String] = [:]
        for variable in variables {
            var chosen = overrides[variable.name] ?? variable.default
            switch variable.type {
            case .constant:
                chosen = overrides[variable.name] ?? variable.value ?? variable.default
            case .interval:
                chosen = chosen ?? variable.values?.first ?? "auto"
                if chosen == "auto" { chosen = interval }
            case .query:
                let known = labelValues[variable.name] ?? []
                if chosen == nil { chosen = variable.includeAll == false ? known.first : Variable.all }
                if chosen == Variable.all {
                    display[variable.name] = Variable.all
                    chosen = known.isEmpty ? ".*" : known.joined(separator: "|")
                }
            }
            guard let chosen else {
                throw DashboardError(
                    field: "variables.\(variable.name)", message: "has no value: give one with -v \(variable.name)=…")
            }
            values[variable.name] = chosen
        }
        for name in overrides.keys where !variables.contains(where: { $0.name == name }) {
            throw DashboardError(
                field: "-v \(name)",
                message: "the dashboard has no variable \"\(name)\"; it has "
                    + (variables.isEmpty ? "none" : variables.map(\.name).joined(separator: ", ")))
        }
        return Templater(values: values, displayValues: display)
    }

    /// The same variables with one more (or one replaced): a panel's own `$__interval`.
    public func with(_ name: String, _ value: String) -> Templater {
        var copy = self
        copy.values[name] = value
        return copy
    }

    /// A title or legend with variables replaced by what people read (`all`, not the regular expression).
    public func title(_ text: String) -> String {
        Templater(values: values.merging(displayValues) { _, shown in shown }).apply(text)
    }

    /// The text with every known `$name` and `${name}` replaced.
    public func apply(_ text: String) -> String {
        guard text.contains("$") else { return text }
        let names = values.keys.sorted { ($0.count, $0) > ($1.count, $1) }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("{"), let close = after.firstIndex(of: "}"),
                let value = values[String(after[after.index(after: after.startIndex)..<close])]
            {
                result += value
                rest = after[after.index(after: close)...]
            } else if let name = names.first(where: {
                after.hasPrefix($0) && !Self.continuesName(after.dropFirst($0.count))
            }) {
                result += values[name]!
                rest = after.dropFirst(name.count)
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }

    private static func continuesName(_ rest: Substring) -> Bool {
        rest.first.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false
    }

    /// A legend template filled from a series' labels: `{{service}}` takes the label, then variables apply.
    /// Without a template the series is named by its labels, `{a="1", b="2"}`, or by the query.
    public func legend(_ template: String?, labels: [String: String], query: String) -> String {
        guard let template, !template.isEmpty else {
            guard !labels.isEmpty else { return query }
            let shown = labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }
            let name = labels["__name__"] ?? ""
            return name
                + (shown.isEmpty ? "" : "{" + shown.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ") + "}")
        }
        var text = template
        while let open = text.range(of: "{{"), let close = text.range(of: "}}", range: open.upperBound..<text.endIndex)
        {
            let name = String(text[open.upperBound..<close.lowerBound].filter { $0 != " " })
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: labels[name] ?? "")
        }
        return title(text)
    }
}
