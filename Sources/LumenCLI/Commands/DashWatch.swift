import Foundation
import LumenRender

/// The live dashboard. On a terminal it redraws in place every interval on the alternate screen, follows the
/// terminal's size, and quits on `q` (or Ctrl-C, Esc); the terminal is put back as it was on every way out —
/// a key, an error, SIGINT, SIGTERM, SIGHUP, even a crash (see ``RawTerminal``). Into a pipe or file it writes
/// one plain frame after another, separated by a blank line, without a single cursor or screen escape.
///
/// No flicker: each frame is one write that homes the cursor and overwrites line by line, clearing only each
/// line's tail and what is left below, never the whole screen. The size is polled between redraws (every
/// 100 ms, along with the keyboard) and a change redraws at once from the data already fetched.
struct DashWatch {
    let session: DashSession
    /// Nanoseconds.
    let interval: Int64
    let format: OutputFormat
    let width: Int?
    let height: Int?

    func run() async throws {
        guard isatty(STDOUT_FILENO) != 0 else { return try await stream() }
        let terminal = RawTerminal()
        terminal.enter()
        defer { terminal.leave() }
        var size = RawTerminal.size()
        while true {
            let view: DashboardView
            do {
                view = try await session.view(width: width ?? size.columns)
            } catch {
                terminal.write("\u{1B}[H\u{1B}[2J" + "error: \(error)\r\n(retrying; q quits)")
                if await wait(terminal: terminal, size: &size) == .quit { return }
                continue
            }
            var outcome = WaitOutcome.resized
            while outcome == .resized {
                draw(view, size: size, terminal: terminal)
                outcome = await wait(terminal: terminal, size: &size)
            }
            if outcome == .quit { return }
        }
    }

    /// Frames for a pipe or a file: each drawn at the given size (else the file's rows at `COLUMNS` or 120
    /// columns), in colour only when `--format ansi` asked for it, until the reader goes away.
    private func stream() async throws {
        let width = width ?? Terminal.width
        var first = true
        while true {
            var frame: String
            do {
                frame = try await session.view(width: width).render(format, width: width, height: height)
            } catch {
                frame = "error: \(error) (retrying)"
            }
            frame = (first ? "" : "\n") + frame + "\n"
            first = false
            guard RawTerminal.write(frame, to: STDOUT_FILENO) else { return }
            try await Task.sleep(for: .nanoseconds(interval))
        }
    }

    private func draw(_ view: DashboardView, size: (columns: Int, rows: Int), terminal: RawTerminal) {
        let lines = view.render(
            format == .text ? .text : .ansi, width: width ?? size.columns,
            height: height ?? size.rows
        ).split(separator: "\n", omittingEmptySubsequences: false)
        let shown = lines.prefix(size.rows).map { $0 + "\u{1B}[K" }
        terminal.write("\u{1B}[H" + shown.joined(separator: "\r\n") + "\u{1B}[J")
    }

    enum WaitOutcome { case refresh, resized, quit }

    /// Waits out the interval, returning early for a key that quits or a change of size.
    private func wait(terminal: RawTerminal, size: inout (columns: Int, rows: Int)) async -> WaitOutcome {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(interval)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if terminal.wasRestoredBySignal { return .quit }
            if let key = terminal.readKey(),
                key == UInt8(ascii: "q") || key == UInt8(ascii: "Q") || key == 3 || key == 27
            {
                return .quit
            }
            let now = RawTerminal.size()
            if now != size {
                size = now
                return .resized
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return .refresh
    }
}
