import Foundation

/// The terminal in the mode a live dashboard needs: alternate screen, hidden cursor, keys read one at a time
/// without echo; ``leave()`` puts back exactly what ``enter()`` found.
///
/// Between the two, a signal that would end the process (SIGINT, SIGTERM, SIGHUP, SIGQUIT, and the crashes:
/// SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE) first puts the terminal back, then goes on to whatever
/// handled it before — the default ends the process as the signal asked. Thread-safe: a frame is never written
/// after ``leave()``.
final class RawTerminal: @unchecked Sendable {
    private var saved = termios()
    private var isRaw = false
    private var active = false
    private let lock = NSLock()

    static let enterSequence = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J"
    /// CAN (0x18) first: it cancels an escape sequence a frame may have been cut in by a signal.
    static let leaveSequence = "\u{18}\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

    func enter() {
        lock.withLock {
            guard !active else { return }
            if isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 {
                var raw = saved
                raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
                raw.c_cc.6 = 0  // VMIN: reads return at once…
                raw.c_cc.5 = 0  // VTIME: …with whatever is there.
                isRaw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
            }
            SignalRestore.install(mode: isRaw ? saved : nil)
            active = true
            _ = Self.write(Self.enterSequence, to: STDOUT_FILENO)
        }
    }

    func leave() {
        lock.withLock {
            guard active else { return }
            active = false
            _ = Self.write(Self.leaveSequence, to: STDOUT_FILENO)
            if isRaw { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            SignalRestore.uninstall()
        }
    }

    /// Writes to the screen while the terminal is entered; nothing after ``leave()`` or a signal put it back.
    func write(_ text: String) {
        lock.withLock {
            if active, !wasRestoredBySignal { _ = Self.write(text, to: STDOUT_FILENO) }
        }
    }

    /// Whether a signal put the terminal back while a handler from before kept the process alive: the live view
    /// must then stop drawing and end.
    var wasRestoredBySignal: Bool { SignalRestore.signalled != 0 }

    /// Writes all of the text, retrying short writes; `false` when the descriptor refuses (a closed pipe).
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
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

/// What a signal handler needs to put the terminal back, prepared before any signal can come and read by the
/// handler without allocating or locking: the bytes that leave the alternate screen, the terminal mode to
/// restore, and the actions the signals had before (handed the signal on afterwards).
private enum SignalRestore {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    nonisolated(unsafe) static let bytes: UnsafeBufferPointer<UInt8> = {
        let utf8 = Array(RawTerminal.leaveSequence.utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
        _ = buffer.initialize(from: utf8)
        return UnsafeBufferPointer(buffer)
    }()
    nonisolated(unsafe) static let mode = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    nonisolated(unsafe) static var hasMode = false
    /// The signal that put the terminal back, 0 until one does.
    nonisolated(unsafe) static var signalled: Int32 = 0
    nonisolated(unsafe) static let previous: UnsafeMutablePointer<sigaction> = {
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        actions.initialize(repeating: sigaction(), count: 65)
        return actions
    }()

    static func install(mode saved: termios?) {
        _ = bytes
        if let saved { mode.pointee = saved }
        hasMode = saved != nil
        var action = sigaction()
        action.__sigaction_handler.sa_handler = restoreAndHandOn
        sigemptyset(&action.sa_mask)
        for signal in signals { sigaction(signal, &action, previous + Int(signal)) }
    }

    static func uninstall() {
        for signal in signals { sigaction(signal, previous + Int(signal), nil) }
    }
}

/// The handler: the terminal put back, then the signal raised again under the previous action, which takes it
/// as soon as this returns (for a fault, still at the faulting instruction, so a crash report reads as before).
private func restoreAndHandOn(_ signal: Int32) {
    _ = write(STDOUT_FILENO, SignalRestore.bytes.baseAddress, SignalRestore.bytes.count)
    if SignalRestore.hasMode { _ = tcsetattr(STDIN_FILENO, TCSANOW, SignalRestore.mode) }
    SignalRestore.signalled = signal
    sigaction(signal, SignalRestore.previous + Int(signal), nil)
    raise(signal)
}
