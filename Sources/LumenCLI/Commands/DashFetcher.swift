import Foundation
import LumenModel
import LumenQuery
import LumenRender

/// Fetches what each panel of a dashboard shows, from the query API, and turns the answers into ``PanelData``. A panel whose fetch fails carries the error; the others render.
struct DashFetcher: Sendable {
    let client: APIClient
    /// The most spans a table or trace panel reads to find the slowest; the API caps it too.
    static let spanLimit = 1000

    /// The values of each query variable's label, for `all` and the default.
    func labelValues(_ variables: [Variable]) async -> [String: [String]] {
        var values: [String: [String]] = [:]
        for variable in variables where variable.type == .query {
            guard let label = variable.label,
                let data = try? await client.get("api/v1/label/\(label)/values"),
                let answer = try? JSONDecoder().decode(StringListAnswer.self, from: data)
            else { continue }
            values[variable.name] = answer.data.sorted()
        }
        return values
    }

    struct StringListAnswer: Decodable {
        var data: [String]
    }

    /// Every panel's data, fetched concurrently, in the file's panel order.
    func fetch(
        _ dashboard: DashboardFile, templater: Templater, range: DashTimeRange, width: Int
    ) async -> [DashboardView.Item] {
        await withTaskGroup(of: (Int, DashboardView.Item).self) { group in
            for (index, panel) in dashboard.panels.enumerated() {
                let cells = max(10, panel.width * width / dashboard.gridColumns - 12)
                let step = range.step(dots: cells * 2)
                let templater = templater.with("__interval", DashTimeRange.duration(step))
                    .with("__rate_interval", DashTimeRange.rateWindow(step: step))
                group.addTask {
                    let data: PanelData
                    do {
                        data = try await self.data(panel, templater: templater, range: range, step: step)
                    } catch {
                        data = .error("\(error)")
                    }
                    return (index, DashboardView.Item(panel: panel, title: templater.title(panel.title), data: data))
                }
            }
            var items: [(Int, DashboardView.Item)] = []
            for await item in group { items.append(item) }
            return items.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func data(
        _ panel: Panel, templater: Templater, range: DashTimeRange, step: Int64
    ) async throws -> PanelData {
        let queries = panel.allQueries.map { PanelQuery(expr: templater.apply($0.expr), legend: $0.legend) }
        switch panel.type {
        case .servicegraph:
            let data = try await client.get(
                "lumen/v1/service-graph",
                query: [
                    "start": Self.seconds(range.start), "end": Self.seconds(range.end),
                ])
            return .serviceGraph(try JSONDecoder().decode(ServiceGraphAnswer.self, from: data).data)
        case .trace:
            return try await trace(panel, queries: queries, range: range)
        case .alertlist:
            let alerts = try await AlertsFetch(client: client).alerts(matching: queries.first?.expr)
            return .alerts(alerts.compactMap(AlertsFetch.activeAlert))
        case .logs:
            var lines: [LogLine] = []
            for query in queries {
                let answer = try await native(query.expr, range: range, step: nil, limit: panel.options.limit ?? 200)
                lines += (answer.logs ?? []).map(DashPanelData.logLine)
            }
            return .logs(lines)
        case .table:
            var series: [ChartSeries] = []
            var table: TableData? = nil
            for query in queries {
                let answer = try await native(query.expr, range: range, step: nil, limit: Self.spanLimit)
                if answer.isSpans {
                    table = DashPanelData.spanTable(answer.matchedSpans)
                } else if answer.kind == "logs" {
                    table = DashPanelData.logTable(answer.logs ?? [])
                } else {
                    series += DashPanelData.series(answer, query: query, templater: templater)
                }
            }
            return table.map(PanelData.table) ?? .series(series)
        case .timeseries, .stat, .gauge, .bargauge, .heatmap:
            var series: [ChartSeries] = []
            for query in queries {
                let answer = try await native(query.expr, range: range, step: step, limit: nil)
                series += DashPanelData.series(answer, query: query, templater: templater)
            }
            return .series(series)
        }
    }

    /// The trace named by `traceId`, or the slowest trace among the spans the query finds.
    private func trace(_ panel: Panel, queries: [PanelQuery], range: DashTimeRange) async throws -> PanelData {
        var traceID = panel.traceId
        if traceID == nil {
            var slowest: SpanJSON? = nil
            for query in queries {
                let answer = try await native(query.expr, range: range, step: nil, limit: Self.spanLimit)
                for span in answer.matchedSpans where span.durationNanos > (slowest?.durationNanos ?? -1) {
                    slowest = span
                }
            }
            traceID = slowest?.traceId
        }
        guard let traceID else { return .trace(spans: [], logs: []) }
        let data = try await client.get("lumen/v1/traces/\(traceID.lowercased())")
        let trace = try JSONDecoder().decode(TraceResponse.self, from: data)
        return .trace(spans: trace.spans.compactMap(\.span), logs: trace.logs.map(\.record))
    }

    private func native(_ query: String, range: DashTimeRange, step: Int64?, limit: Int?) async throws -> DashNativeAnswer
    {
        var parameters = ["query": query, "start": Self.seconds(range.start), "end": Self.seconds(range.end)]
        parameters["step"] = step.map { "\($0 / Timestamp.nanosecondsPerSecond)s" }
        parameters["limit"] = limit.map(String.init)
        return try JSONDecoder().decode(
            DashNativeAnswer.self, from: try await client.get("lumen/v1/query", query: parameters))
    }

    struct ServiceGraphAnswer: Decodable {
        var data: LumenRender.ServiceGraph
    }

    static func seconds(_ nanoseconds: Int64) -> String {
        String(format: "%.3f", Double(nanoseconds) / 1e9)
    }
}
