import Foundation
import LumenRender

/// The live dashboard: redraws in place every interval on the alternate screen, follows the terminal's size,
/// and quits on `q` (or Ctrl-C, Esc) with the terminal as it was.
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
        let terminal = RawTerminal()
        terminal.enter()
        defer { terminal.leave() }
        var state = DashSession.State()
        var size = RawTerminal.size()
        while true {
            let view: DashboardView
            do {
                view = try await session.view(width: width ?? size.columns, state: &state)
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

/// The terminal in the mode a live dashboard needs: alternate screen, hidden cursor, keys read one at a time
/// without echo; ``leave()`` puts back exactly what ``enter()`` found.
final class RawTerminal: @unchecked Sendable {
    private var saved = termios()
    private var isRaw = false

    func enter() {
        if isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 {
            var raw = saved
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            raw.c_cc.6 = 0  // VMIN: reads return at once…
            raw.c_cc.5 = 0  // VTIME: …with whatever is there.
            isRaw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
        }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    func leave() {
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        if isRaw { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Foundation.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// One byte from the keyboard, or `nil` when none is waiting.
    func readKey() -> UInt8? {
        guard isRaw else { return nil }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    /// The terminal's size, or 120×40 when standard output is not one.
    static func size() -> (columns: Int, rows: Int) {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (
            ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 120,
            ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init) ?? 40
        )
    }
}
