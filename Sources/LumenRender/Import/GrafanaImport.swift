import Foundation

/// Converts a Grafana dashboard (its JSON model) into a Lumen dashboard file.
///
/// Panels of the types Lumen draws — timeseries (and the older graph), stat (and singlestat), gauge, bargauge,
/// table, heatmap, logs, alertlist — keep their title, grid position, PromQL targets with their legend formats, unit,
/// decimals, min/max, thresholds and reduction. Rows are flattened; everything else (text, pie charts, …) is
/// reported in ``Result/skipped`` with the reason, as are details that do not carry over. Grafana's grid is 24
/// columns like Lumen's; its rows (about 30 px) become one and a half lines.
public enum GrafanaImport {
    public struct Result: Sendable {
        public var dashboard: DashboardFile
        /// Panels left out, as `"title" (type): reason`.
        public var skipped: [String]
        /// Things converted only approximately.
        public var notes: [String]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let kinds: [String: Panel.Kind] = [
        "timeseries": .timeseries, "graph": .timeseries, "stat": .stat, "singlestat": .stat, "gauge": .gauge,
        "bargauge": .bargauge, "table": .table, "heatmap": .heatmap, "logs": .logs, "alertlist": .alertlist,
    ]

    public static func convert(_ data: Data) throws(Failure) -> Result {
        guard let object = try? JSONSerialization.jsonObject(with: data), var root = object as? [String: Any] else {
            throw Failure(description: "not a JSON object: expected a Grafana dashboard's JSON model")
        }
        // Exports from the UI wrap the model as {"dashboard": {...}, "meta": {...}}.
        if let inner = root["dashboard"] as? [String: Any] { root = inner }
        guard let panels = root["panels"] as? [[String: Any]] else {
            throw Failure(description: "no \"panels\" list: expected a Grafana dashboard's JSON model")
        }
        var skipped: [String] = []
        var notes: [String] = []
        var converted: [Panel] = []
        for raw in flatten(panels) {
            let title = raw["title"] as? String ?? ""
            let type = raw["type"] as? String ?? "?"
            guard let kind = kinds[type] else {
                skipped.append("\"\(title)\" (\(type)): Lumen has no \(type) panel")
                continue
            }
            let targets = (raw["targets"] as? [[String: Any]] ?? []).filter { ($0["hide"] as? Bool) != true }
            var queries = targets.compactMap { target -> PanelQuery? in
                guard let expr = (target["expr"] as? String) ?? (target["query"] as? String), !expr.isEmpty else {
                    return nil
                }
                let legend = (target["legendFormat"] as? String).flatMap { $0.isEmpty || $0 == "__auto" ? nil : $0 }
                return PanelQuery(expr: expr, legend: legend)
            }
            // An alert list has no targets: its label filter, if any, becomes the selector of its alerts.
            let panelOptions = raw["options"] as? [String: Any] ?? [:]
            if kind == .alertlist, let filter = panelOptions["alertInstanceLabelFilter"] as? String, !filter.isEmpty {
                queries = [PanelQuery(expr: filter)]
            }
            guard !queries.isEmpty || kind == .alertlist else {
                skipped.append("\"\(title)\" (\(type)): no PromQL or LogQL target to convert")
                continue
            }
            if queries.count < targets.count {
                notes.append("\"\(title)\": targets without an expression were dropped")
            }
            let grid = raw["gridPos"] as? [String: Any] ?? [:]
            let (x, width) = (int(grid["x"]) ?? 0, int(grid["w"]) ?? 12)
            let (y, height) = (int(grid["y"]) ?? 0, int(grid["h"]) ?? 8)
            var panel = Panel(
                title: title, type: kind, x: min(x, 23), y: lines(y), width: max(1, min(width, 24 - min(x, 23))),
                height: max(DashboardValidator.minimumPanelHeight, lines(y + height) - lines(y)))
            if queries.count == 1 {
                panel.query = queries[0].expr
                panel.legend = queries[0].legend
            } else if !queries.isEmpty {
                panel.queries = queries
            }
            panel.options = options(raw, title: title, notes: &notes)
            if kind == .alertlist { panel.options.limit = int(panelOptions["maxItems"]) }
            converted.append(panel)
        }
        let dashboard = DashboardFile(
            title: root["title"] as? String ?? "Imported dashboard", time: time(root["time"]),
            refresh: (root["refresh"] as? String).flatMap { $0.isEmpty ? nil : $0 },
            variables: variables(root, notes: &notes), panels: converted)
        return Result(dashboard: dashboard, skipped: skipped, notes: notes)
    }

    /// Rows' own panels (collapsed rows keep them inside) in place of the rows.
    private static func flatten(_ panels: [[String: Any]]) -> [[String: Any]] {
        panels.flatMap { panel -> [[String: Any]] in
            guard panel["type"] as? String == "row" else { return [panel] }
            return panel["panels"] as? [[String: Any]] ?? []
        }
    }

    /// Grafana grid rows → lines: one and a half lines each, rounded so that neighbours still meet.
    static func lines(_ rows: Int) -> Int { (rows * 3 + 1) / 2 }

    private static func int(_ value: Any?) -> Int? {
        (value as? Int) ?? (value as? Double).map { Int($0) } ?? (value as? String).flatMap { Int($0) }
    }

    private static func double(_ value: Any?) -> Double? {
        (value as? Double) ?? (value as? Int).map(Double.init) ?? (value as? String).flatMap { Double($0) }
    }

    private static func options(_ raw: [String: Any], title: String, notes: inout [String]) -> PanelOptions {
        let defaults = (raw["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any] ?? [:]
        var options = PanelOptions()
        if let unit = defaults["unit"] as? String {
            options.unit = ValueUnit(name: unit)
            if options.unit == nil {
                notes.append("\"\(title)\": unit \"\(unit)\" is not known to Lumen; numbers are shown plain")
            }
        }
        options.decimals = int(defaults["decimals"])
        options.min = double(defaults["min"])
        options.max = double(defaults["max"])
        if let steps = (defaults["thresholds"] as? [String: Any])?["steps"] as? [[String: Any]] {
            if (defaults["thresholds"] as? [String: Any])?["mode"] as? String == "percentage" {
                notes.append("\"\(title)\": percentage thresholds were kept as absolute values")
            }
            options.thresholds = steps.compactMap { step in
                guard let name = step["color"] as? String else { return nil }
                guard let color = ChartColor(name: name) else {
                    notes.append("\"\(title)\": threshold colour \"\(name)\" has no Lumen name; dropped")
                    return nil
                }
                return Threshold(double(step["value"]), color)
            }
        }
        let calcs = ((raw["options"] as? [String: Any])?["reduceOptions"] as? [String: Any])?["calcs"] as? [String]
        if let calc = calcs?.first {
            switch calc {
            case "lastNotNull", "last": options.reduce = .last
            case "mean": options.reduce = .mean
            case "max": options.reduce = .max
            case "min": options.reduce = .min
            case "sum": options.reduce = .sum
            default: notes.append("\"\(title)\": reduction \"\(calc)\" shown as the last value")
            }
        }
        return options
    }

    private static func time(_ value: Any?) -> DashboardFile.TimeDefaults? {
        guard let time = value as? [String: Any], let from = time["from"] as? String else { return nil }
        let to = time["to"] as? String ?? "now"
        if to == "now", from.hasPrefix("now-") { return .init(since: String(from.dropFirst(4))) }
        return .init(from: from, to: to)
    }

    private static func variables(_ root: [String: Any], notes: inout [String]) -> [Variable]? {
        let list = (root["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let converted = list.compactMap { raw -> Variable? in
            guard let name = raw["name"] as? String else { return nil }
            let current = ((raw["current"] as? [String: Any])?["value"]).flatMap { value -> String? in
                (value as? String) ?? (value as? [String])?.first
            }
            switch raw["type"] as? String {
            case "constant":
                return Variable(name: name, type: .constant, value: raw["query"] as? String ?? current)
            case "interval":
                let values = (raw["query"] as? String ?? "").split(separator: ",").map {
                    String($0).filter { $0 != " " }
                }
                return Variable(
                    name: name, type: .interval, values: values.isEmpty ? nil : values,
                    default: current.map { $0 == "$__auto_interval_\(name)" ? "auto" : $0 })
            case "query":
                let query = (raw["query"] as? String) ?? ((raw["query"] as? [String: Any])?["query"] as? String) ?? ""
                guard let label = labelValuesLabel(query) else {
                    notes.append("variable \"\(name)\": query \"\(query)\" is not label_values(…); made a constant")
                    return Variable(name: name, type: .constant, value: current ?? "")
                }
                let all = current == "$__all" || (raw["includeAll"] as? Bool ?? false)
                return Variable(
                    name: name, type: .query, label: label, includeAll: all,
                    default: current == "$__all" ? Variable.all : nil)
            case let other:
                notes.append("variable \"\(name)\" (\(other ?? "?")): kept as a constant with its current value")
                return Variable(name: name, type: .constant, value: current ?? "")
            }
        }
        return converted.isEmpty ? nil : converted
    }

    /// `label_values(service)` or `label_values(metric{…}, service)` → `service`.
    static func labelValuesLabel(_ query: String) -> String? {
        guard query.hasPrefix("label_values("), query.hasSuffix(")") else { return nil }
        let inner = query.dropFirst("label_values(".count).dropLast()
        let last = inner.split(separator: ",").last.map { String($0).filter { $0 != " " } }
        return last.flatMap { $0.isEmpty ? nil : $0 }
    }
}
