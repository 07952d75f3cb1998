import LumenModel
import LumenRender

/// A dashboard's numbers as rows, for `lumen dash --output csv|jsonl`: one row per point of every panel that
/// plots series (time series, stat, gauge, bar gauge, heatmap), named as `lumen query` names metric rows.
/// Panels of logs, spans, tables and the service graph have no points: `--output json` carries them.
enum DashRecords {
    static func series(of view: DashboardView) -> Records {
        var rows: [[String]] = []
        for item in view.items {
            guard case .series(let series) = item.data else { continue }
            for one in series {
                let name = QueryTable.seriesName(one.labels)
                for point in one.points {
                    rows.append([item.title, one.name, name, String(point.t), PrometheusNumber.format(point.v)])
                }
            }
        }
        return Records(
            header: ["panel", "legend"] + QueryTable.metricHeader, rows: rows, numeric: ["time_unix_nano", "value"])
    }
}
