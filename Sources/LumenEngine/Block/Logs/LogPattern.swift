/// A log line's pattern as Loki's `patterns` endpoint shows it: the line's template (the same cut into text
/// and variables that templated block pages store, see `LogTemplate`), with each variable written `<_>`.
/// Lines of one template share one pattern: `took 31ms` and `took 7ms` are both `took <_>ms`.
public enum LogPattern {
    public static func of(_ line: String) -> String {
        var line = line
        return line.withUTF8 { bytes in
            var sink = Writer()
            LogTemplate.extract(bytes, into: &sink)
            return String(decoding: sink.bytes, as: UTF8.self)
        }
    }

    private struct Writer: LogTemplate.Sink {
        var bytes: [UInt8] = []

        mutating func text(_ text: UnsafeBufferPointer<UInt8>) { bytes += text }
        mutating func integer(_ value: UInt64, zeros: UInt8) { variable() }
        mutating func hex(_ hex: UnsafeBufferPointer<UInt8>) { variable() }
        mutating func string(_ string: UnsafeBufferPointer<UInt8>) { variable() }

        /// `<_>`, once for variables that touch: `<_><_>` would say no more.
        private mutating func variable() {
            if bytes.count >= 3, bytes.suffix(3).elementsEqual("<_>".utf8) { return }
            bytes += "<_>".utf8
        }
    }
}
