/// Decoding of the dashboard file's enumerations (panel types, variable types, sources) that names the valid
/// choices when the file has another, instead of Swift's generic "cannot initialize" message.
enum ChoiceDecoding {
    /// The choice named in the file, read by `parse` (its raw value by default, or a parser that also accepts
    /// other spellings).
    static func decode<T: RawRepresentable & CaseIterable>(
        _ decoder: any Decoder, what: String, parse: (String) -> T? = { T(rawValue: $0) }
    ) throws -> T where T.RawValue == String {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = parse(name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown \(what) \"\(name)\"; use one of "
                    + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}

extension Panel.Kind {
    public init(from decoder: any Decoder) throws { self = try ChoiceDecoding.decode(decoder, what: "panel type") }
}

extension Panel.Source {
    public init(from decoder: any Decoder) throws { self = try ChoiceDecoding.decode(decoder, what: "source") }
}

extension Variable.Kind {
    public init(from decoder: any Decoder) throws { self = try ChoiceDecoding.decode(decoder, what: "variable type") }
}

extension PanelOptions.Reduction {
    public init(from decoder: any Decoder) throws { self = try ChoiceDecoding.decode(decoder, what: "reduction") }
}
