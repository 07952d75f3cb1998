/// Pending and firing alerts, the most important first (firing, then longest active): one line each with the
/// state, the alert's name, how long it has been active, its labels and its summary, cut to the width. Alerts
/// that do not fit end in `+N more`.
struct AlertListPanel {
    let alerts: [ActiveAlert]
    let options: PanelOptions
    /// The dashboard's end: "active for" is measured to it.
    let now: Int64

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !alerts.isEmpty else { return [style.apply(ANSIStyle.green, "no alerts pending or firing")] }
        let sorted = alerts.sorted(by: ActiveAlert.byImportance).prefix(options.limit ?? Int.max)
        let overflow = Overflow(Array(sorted), lines: height)
        let nameWidth = min(24, overflow.shown.map(\.name.count).max() ?? 0)
        let durations = overflow.shown.map { $0.activeFor(at: now) }
        let durationWidth = durations.map(\.count).max() ?? 0
        var lines = zip(overflow.shown, durations).map { alert, duration in
            let state = TextCell.fit(alert.state == .firing ? "FIRING" : "PENDING", to: 7)
            let head = style.apply(alert.state == .firing ? ANSIStyle.red : ANSIStyle.yellow, state) + " "
                + style.apply(ANSIStyle.bold, TextCell.fit(alert.name, to: nameWidth)) + " "
                + TextCell.fit(duration, to: durationWidth, alignment: .right) + " "
            let used = 7 + 1 + nameWidth + 1 + durationWidth + 1
            let tail = [alert.labelText, alert.summary.map { "— " + $0 } ?? ""].filter { !$0.isEmpty }
                .joined(separator: " ")
            return TextCell.trimTrailing(head + TextCell.truncate(TextCell.singleLine(tail), to: max(1, width - used)))
        }
        if let note = overflow.note("alerts") { lines.append(style.apply(ANSIStyle.dim, note)) }
        return lines
    }
}
