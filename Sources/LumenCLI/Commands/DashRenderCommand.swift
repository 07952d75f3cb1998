import ArgumentParser
import Foundation
import LumenModel
import LumenRender

/// `lumen dash FILE`: fetch every panel's data and draw the dashboard once, or again every `--watch` interval.
struct DashRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a dashboard file (the default: `lumen dash FILE`).")

    @Argument(help: "The dashboard file (YAML, see docs/dashboards.md).")
    var file: String

    @Option(name: .customShort("v"), help: "Set a variable: -v service=cart (repeatable).")
    var variables: [String] = []

    @Option(help: "Start of the range: now-1h, Unix seconds or RFC 3339.")
    var from: String?

    @Option(help: "End of the range (default now).")
    var to: String?

    @Option(help: "The range back from now (e.g. 15m, 6h); overrides the file's default.")
    var since: String?

    @Option(help: "Columns to draw (default: the terminal's width, or 120 when not a terminal).")
    var width: Int?

    @Option(help: "Lines to stretch the grid to (default: the terminal's height when live, else the file's rows).")
    var height: Int?

    @Option(help: "ansi, text, markdown or json (default: ansi on a colour terminal, text otherwise).")
    var format: OutputFormat?

    @Option(help: "Redraw in place every interval (e.g. 5s; `auto` takes the file's refresh). q quits.")
    var watch: String?

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let width, width < 20 { throw ValidationError("--width must be at least 20") }
        if let height, height < 4 { throw ValidationError("--height must be at least 4") }
        if let watch, watch != "auto", (DurationText.parse(watch) ?? 0) <= 0 {
            throw ValidationError("--watch takes an interval like 5s")
        }
        if watch != nil, let format, format != .ansi && format != .text {
            throw ValidationError("--watch draws ansi or text; export markdown or json without --watch")
        }
        let output = client.outputOptions.output
        if output != .table, watch != nil {
            throw ValidationError("--watch draws for people; --output \(output.rawValue) exports one frame, without --watch")
        }
        if output != .table, let format, format != .json || output != .json {
            throw ValidationError("give --output \(output.rawValue) or --format \(format.rawValue), not both")
        }
        for variable in variables where !variable.contains("=") {
            throw ValidationError("-v takes name=value, got \"\(variable)\"")
        }
    }

    func run() async throws {
        let text = try Self.read(file)
        let dashboard: DashboardFile
        do { dashboard = try DashboardLoader.load(yaml: text, file: file) } catch { throw ValidationError("\(error)") }
        let overrides = Dictionary(
            variables.map { entry -> (String, String) in
                let parts = entry.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { _, last in last })
        let session = DashSession(
            dashboard: dashboard, fetcher: DashFetcher(client: try client.client(tenant: dashboard.tenant)), overrides: overrides,
            range: DashTimeRange.Spec(from: from, to: to, since: since))
        if let watch {
            let interval =
                watch == "auto"
                ? (dashboard.refresh.flatMap { DurationText.parse($0) } ?? 5_000_000_000)
                : DurationText.parse(watch)!
            try await DashWatch(
                session: session, interval: interval, format: format ?? (Terminal.useColor ? .ansi : .text),
                width: width, height: height
            ).run()
            return
        }
        let view = try await session.view(width: width ?? Terminal.width)
        let chosen = format ?? (Terminal.useColor ? .ansi : .text)
        client.output.print(
            table: { view.render(chosen, width: width ?? Terminal.width, height: height) },
            json: { Data(view.render(.json, width: width ?? Terminal.width, height: height).utf8) },
            records: { DashRecords.series(of: view) })
    }
}

extension DashRenderCommand {
    /// The dashboard file's text; an error naming the file and why it cannot be read (no usage text: the
    /// command was right, the path was not), with where the shipped dashboards are.
    static func read(_ file: String) throws -> String {
        var isDirectory: ObjCBool = false
        let reason: String
        if !FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) {
            reason = "No such file or directory"
        } else if isDirectory.boolValue {
            reason = "it is a directory"
        } else if !FileManager.default.isReadableFile(atPath: file) {
            reason = "Permission denied"
        } else if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            return text
        } else {
            reason = "it is not UTF-8 text"
        }
        let shipped = file.hasPrefix("Dashboards/") ? " (the shipped dashboards are in Dashboards/ of the Lumen checkout: run from there or give the full path)" : ""
        throw APIClient.Failure(description: "cannot read \(file): \(reason)\(shipped)")
    }
}

/// What every redraw shares: the file, the variables given, the range asked for, and the fetcher.
struct DashSession: Sendable {
    let dashboard: DashboardFile
    let fetcher: DashFetcher
    let overrides: [String: String]
    let range: DashTimeRange.Spec

    /// Fetches everything and returns the view to draw; the range is evaluated now, so a relative range moves.
    func view(width: Int) async throws -> DashboardView {
        let range = try DashTimeRange.resolve(self.range, defaults: dashboard.time, now: Timestamp.now())
        let labelValues = await fetcher.labelValues(dashboard.variables ?? [])
        let step = range.step(dots: max(10, width - 12) * 2)
        let templater = try Templater.resolve(
            dashboard.variables ?? [], overrides: overrides, labelValues: labelValues,
            interval: DashTimeRange.duration(step), range: DashTimeRange.duration(range.end - range.start))
        let items = await fetcher.fetch(dashboard, templater: templater, range: range, width: width)
        let shown = (dashboard.variables ?? []).compactMap { variable in
            overrides[variable.name].map { "\(variable.name)=\($0)" }
        }
        let subtitle = ([range.description] + shown + [Self.clock(range.end) + " UTC"]).joined(separator: " · ")
        return DashboardView(
            title: templater.title(dashboard.title), subtitle: subtitle, columns: dashboard.gridColumns,
            items: items, start: range.start, end: range.end)
    }

    static func clock(_ nanoseconds: Int64) -> String {
        let seconds = Int(nanoseconds / Timestamp.nanosecondsPerSecond % 86_400)
        return String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

extension OutputFormat: ExpressibleByArgument {}
