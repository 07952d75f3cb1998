import Foundation
import LumenModel

/// Reads `promtool tsdb dump` output: `{name="value", …} value timestamp_ms` per line.
enum DumpFile {
    struct Error: Swift.Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "dump line \(line): \(message)" }
    }

    static func parse(path: String) throws -> [(labels: Labels, samples: [Sample])] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Error(line: 0, message: "cannot read \(path)") }
        var order: [String] = []
        var bySeries: [String: (labels: Labels, samples: [Sample])] = [:]
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            lineNumber += 1
            guard let close = line.lastIndex(of: UInt8(ascii: "}")) else { throw Error(line: lineNumber, message: "no labels") }
            let key = String(decoding: line[line.startIndex...close], as: UTF8.self)
            let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "))
            guard fields.count == 2, let time = Int64(String(decoding: fields[1], as: UTF8.self)),
                let value = parseValue(String(decoding: fields[0], as: UTF8.self))
            else { throw Error(line: lineNumber, message: "expected `value timestamp_ms` after the labels") }
            if bySeries[key] == nil {
                bySeries[key] = (try parseLabels(key, line: lineNumber), [])
                order.append(key)
            }
            bySeries[key]!.samples.append(Sample(timestamp: time * Timestamp.nanosecondsPerMillisecond, value: value))
        }
        return order.map { bySeries[$0]! }
    }

    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    /// `{a="x", b="y\"z"}` with Go's escapes for quotes, backslashes, newlines and tabs.
    static func parseLabels(_ text: String, line: Int) throws -> Labels {
        var labels: [Label] = []
        var characters = Array(text.unicodeScalars)
        guard characters.first == "{", characters.last == "}" else { throw Error(line: line, message: "labels not in braces") }
        characters = Array(characters.dropFirst().dropLast())
        var index = 0
        while index < characters.count {
            while index < characters.count, characters[index] == " " || characters[index] == "," { index += 1 }
            guard index < characters.count else { break }
            var name = ""
            while index < characters.count, characters[index] != "=" { name.unicodeScalars.append(characters[index]); index += 1 }
            guard index + 1 < characters.count, characters[index + 1] == "\"" else { throw Error(line: line, message: "bad label \(name)") }
            index += 2
            var value = ""
            while index < characters.count, characters[index] != "\"" {
                if characters[index] == "\\", index + 1 < characters.count {
                    index += 1
                    switch characters[index] {
                    case "n": value += "\n"
                    case "t": value += "\t"
                    default: value.unicodeScalars.append(characters[index])
                    }
                } else {
                    value.unicodeScalars.append(characters[index])
                }
                index += 1
            }
            guard index < characters.count else { throw Error(line: line, message: "unterminated value of \(name)") }
            index += 1
            labels.append(Label(name, value))
        }
        return Labels(labels)
    }
}
