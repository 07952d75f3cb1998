import LumenModel

extension TraceWaterfall {
    /// The widths of the waterfall's columns: natural widths, then the name column gives way so that the
    /// timeline keeps at least ``TraceWaterfall/minimumTimelineWidth`` cells within the total width.
    struct Layout {
        static let titles = (service: "SERVICE", name: "SPAN", offset: "OFFSET", duration: "DURATION",
                             status: "STATUS", timeline: "TIMELINE")
        static let maximumServiceWidth = 20
        static let minimumNameWidth = 12

        let traceStart: Int64
        var service: Int
        var name: Int
        var offset: Int
        var duration: Int
        var status: Int
        var timeline: Int

        init(tree: TraceTree, traceStart: Int64, width: Int) {
            self.traceStart = traceStart
            let rows = tree.rows
            let services = rows.map(\.span.serviceName) + tree.unplacedLogs.map(\.serviceName)
            service = min(Self.maximumServiceWidth, services.reduce(Self.titles.service.count) { max($0, $1.count) })
            name = rows.reduce(Self.titles.name.count) { max($0, TraceWaterfall.nameText($1).count) }
            offset = rows.reduce(Self.titles.offset.count) {
                max($0, DurationText.format($1.span.startTime - traceStart).count + 1)
            }
            duration = rows.reduce(Self.titles.duration.count) { max($0, DurationText.format($1.span.duration).count) }
            status = rows.contains { $0.span.status.code == .error } ? "✗ error".count : Self.titles.status.count
            let fixed = service + offset + duration + status + 5 * TraceWaterfall.separator.count
            let wanted = TraceWaterfall.minimumTimelineWidth
            if fixed + name + wanted > width {
                name = max(Self.minimumNameWidth, width - fixed - wanted)
            }
            timeline = max(0, width - fixed - name)
        }

        func columnHeader() -> String {
            let cells = [
                TextCell.fit(Self.titles.service, to: service),
                TextCell.fit(Self.titles.name, to: name),
                TextCell.fit(Self.titles.offset, to: offset, alignment: .right),
                TextCell.fit(Self.titles.duration, to: duration, alignment: .right),
                TextCell.fit(Self.titles.status, to: status),
                TextCell.fit(Self.titles.timeline, to: timeline),
            ]
            return TextCell.trimTrailing(cells.joined(separator: TraceWaterfall.separator))
        }
    }
}
