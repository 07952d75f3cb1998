/// A dashboard variable, written `$name` or `${name}` in queries, titles and legends.
///
/// - `constant`: one fixed `value`;
/// - `interval`: one of `values` (e.g. `[1m, 5m]`), or `auto` for the step the range and width call for;
/// - `query`: the values of a metric label (`label: service`) from the server, or `all` of them at once —
///   joined as a regular expression alternative, so queries match it with `=~"$service"`.
/// Each is overridden on the command line with `-v name=value`.
public struct Variable: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant, interval, query
    }

    public var name: String
    public var type: Kind
    public var value: String?
    public var values: [String]?
    public var label: String?
    public var includeAll: Bool?
    /// The value when not overridden: `all` for query variables that include it, else the first value.
    public var `default`: String?

    public init(
        name: String, type: Kind, value: String? = nil, values: [String]? = nil, label: String? = nil,
        includeAll: Bool? = nil, default: String? = nil
    ) {
        self.name = name
        self.type = type
        self.value = value
        self.values = values
        self.label = label
        self.includeAll = includeAll
        self.default = `default`
    }

    static let allowedKeys: Set<String> = ["name", "type", "value", "values", "label", "includeAll", "default"]

    /// The word that selects every value of a query variable.
    public static let all = "all"
}
