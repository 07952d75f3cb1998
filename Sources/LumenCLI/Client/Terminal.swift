import Foundation

/// What the CLI knows about where it prints.
enum Terminal {
    /// Whether standard output is a terminal (rather than a pipe or a file).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var useColor: Bool {
        isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// The terminal's width, `COLUMNS`, or 120 when printing to a file or pipe.
    static var width: Int {
        var size = winsize()
        if isTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 120
    }

    /// The width a table may take: the terminal's, or unlimited into a pipe or a file, where nothing is cut
    /// (a script or a person copying from the file gets every character).
    static var tableWidth: Int { isTerminal ? width : .max }
}
