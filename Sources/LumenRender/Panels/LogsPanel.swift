import LumenModel

/// The newest log lines that fit, oldest at the top and newest at the bottom like `tail -f` (so a live
/// dashboard follows the tail), each with its time, level coloured by severity, service and body.
struct LogsPanel {
    let logs: [LogLine]
    let options: PanelOptions

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !logs.isEmpty else { return ["no log lines"] }
        let newest = logs.enumerated().sorted { ($0.element.time, $0.offset) > ($1.element.time, $1.offset) }
            .prefix(min(options.limit ?? Int.max, max(1, height))).map(\.element)
        let serviceWidth = min(16, newest.map(\.service.count).max() ?? 0)
        let clock = TimeAxis(start: 0, end: 0)
        return newest.reversed().map { line in
            let level = TextCell.fit(line.level == .unspecified ? "-" : line.level.name, to: 5)
            let lead =
                clock.label(line.time) + " " + style.apply(Self.color(line.level), level) + " "
                + style.apply(ANSIStyle.dim, TextCell.fit(line.service, to: serviceWidth)) + " "
            let used = 8 + 1 + 5 + 1 + serviceWidth + 1
            return TextCell.trimTrailing(
                lead + TextCell.truncate(TextCell.singleLine(line.body), to: max(1, width - used)))
        }
    }

    static func color(_ level: Severity.Level) -> String {
        switch level {
        case .fatal: "\(ANSIStyle.bold);\(ANSIStyle.red)"
        case .error: ANSIStyle.red
        case .warn: ANSIStyle.yellow
        case .info: ANSIStyle.green
        default: ANSIStyle.dim
        }
    }
}
