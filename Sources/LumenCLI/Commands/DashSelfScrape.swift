import Foundation
import LumenModel
import LumenRender

/// Lumen's own `/metrics`, scraped for `source: self` panels (its self-telemetry is exposed, not stored).
///
/// `rate()` needs two scrapes: a live dashboard uses the previous redraw's, a single render scrapes twice a
/// second apart. Time series keep the values of earlier redraws, so a live chart grows as it runs.
struct DashSelfScrape: Sendable {
    var samples: [ExpositionText.Sample]
    var previous: [ExpositionText.Sample]?
    /// Seconds between `previous` and `samples`.
    var seconds: Double
    var time: Int64
    /// Earlier points of each self series, by panel title and series name.
    var history: [String: [ChartSeries.Point]] = [:]

    static let historyLimit = 600

    static func take(_ client: APIClient, after earlier: DashSelfScrape?, needsRate: Bool) async throws
        -> DashSelfScrape
    {
        var before = earlier
        if before == nil && needsRate {
            before = DashSelfScrape(samples: try await scrape(client), seconds: 0, time: Timestamp.now())
            try await Task.sleep(for: .seconds(1))
        }
        let now = Timestamp.now()
        return DashSelfScrape(
            samples: try await scrape(client), previous: before?.samples,
            seconds: before.map { Double(now - $0.time) / 1e9 } ?? 0, time: now, history: earlier?.history ?? [:])
    }

    private static func scrape(_ client: APIClient) async throws -> [ExpositionText.Sample] {
        ExpositionText.parse(String(decoding: try await client.get("metrics"), as: UTF8.self))
    }

    /// The panel's queries evaluated over the scrape: one point per series at `time` (the range's end, so that
    /// it is drawn), after the remembered ones.
    func series(_ queries: [PanelQuery], templater: Templater, title: String, at time: Int64) throws -> PanelData {
        var series: [ChartSeries] = []
        for query in queries {
            let parsed: SelfMetricsQuery
            do { parsed = try SelfMetricsQuery.parse(query.expr) } catch {
                throw DashboardError(field: "query", message: "\(error)")
            }
            for result in parsed.evaluate(samples, previous: previous, seconds: seconds) {
                let name = templater.legend(query.legend, labels: result.labels, query: query.expr)
                let points = (history[title + "\u{0}" + name] ?? []) + [ChartSeries.Point(t: time, v: result.value)]
                series.append(ChartSeries(name: name, labels: result.labels, points: points))
            }
        }
        return .series(series)
    }

    /// Keeps the points just shown, for the next redraw.
    mutating func remember(_ items: [DashboardView.Item]) {
        for item in items where item.panel.source == .self {
            guard case .series(let series) = item.data else { continue }
            for one in series {
                history[item.title + "\u{0}" + one.name] = Array(one.points.suffix(Self.historyLimit))
            }
        }
    }
}
