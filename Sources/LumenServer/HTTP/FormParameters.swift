import Foundation

/// `application/x-www-form-urlencoded` parameters, from a query string or a POST body, as Prometheus clients send
/// them: `+` is a space, `%XX` a byte, and a name may repeat (`match[]`).
struct FormParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(_ encoded: String?) {
        guard let encoded else { return }
        for pair in encoded.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            values[name, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    mutating func merge(_ other: FormParameters) {
        values.merge(other.values) { $0 + $1 }
    }

    subscript(name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
