/// The JSON form of a Loki push: `{"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}?]]}]}`.
struct LokiPushJSON: Decodable {
    var streams: [Stream]

    struct Stream: Decodable {
        var stream: [String: String]?
        var values: [Entry]
    }

    /// `["<nanoseconds as a string>", "line"]` or `[…, …, {"name": "value"}]` with structured metadata.
    struct Entry: Decodable {
        var timestamp: String
        var line: String
        var metadata: [String: String]

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            timestamp = try container.decode(String.self)
            line = try container.decode(String.self)
            metadata = try container.isAtEnd ? [:] : container.decode([String: String].self)
            guard container.isAtEnd else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "an entry has 2 or 3 elements: timestamp, line, metadata")
            }
        }
    }
}
