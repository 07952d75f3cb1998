import Foundation

/// The one place a command's answer is printed, in the format `--output` chose. A command hands over its answer
/// in every form at once — text for people, the JSON document, the rows — and only the chosen one is built.
///
/// The contract, the same for every command (docs/cli.md): `table` is for reading and may change; `json` is
/// the server's answer (or the command's own document) pretty-printed with sorted keys and `/` unescaped;
/// `csv` and `jsonl` are the same rows with the same snake_case names, times as Unix nanoseconds and
/// durations as nanoseconds, never cut.
struct Output: Sendable {
    let format: OutputOptions.Format

    init(_ format: OutputOptions.Format) {
        self.format = format
    }

    func print(table: () -> String, json: () -> Data, records: () -> Records) {
        switch format {
        case .table: write(table())
        case .json: write(Self.prettyJSON(json()))
        case .jsonl: write(records().jsonLines)
        case .csv: write(records().csv)
        }
    }

    /// Writes the text, ending it with a line break if it has none.
    func write(_ text: String) {
        guard !text.isEmpty else { return }
        Swift.print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }

    /// The JSON pretty-printed with sorted keys and without `\/`; text that is not JSON unchanged.
    static func prettyJSON(_ data: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return String(decoding: data, as: UTF8.self) }
        return String(decoding: pretty, as: UTF8.self)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(
            withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
