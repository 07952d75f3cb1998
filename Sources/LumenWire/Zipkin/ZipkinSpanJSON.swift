/// One span of Zipkin's JSON v2 format (`POST /api/v2/spans` takes a list of these). Times are microseconds.
struct ZipkinSpanJSON: Decodable {
    var traceId: String
    var id: String
    var parentId: String?
    var name: String?
    var kind: String?
    var timestamp: Int64?
    var duration: Int64?
    var localEndpoint: Endpoint?
    var remoteEndpoint: Endpoint?
    var annotations: [Annotation]?
    var tags: [String: TagValue]?
    var debug: Bool?
    var shared: Bool?

    struct Endpoint: Decodable {
        var serviceName: String?
        var ipv4: String?
        var ipv6: String?
        var port: Int?
    }

    struct Annotation: Decodable {
        var timestamp: Int64
        var value: String
    }

    /// Tag values are strings in Zipkin's model; some tracers send numbers or booleans, taken as their text.
    struct TagValue: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else if let flag = try? container.decode(Bool.self) {
                text = String(flag)
            } else if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else {
                text = String(try container.decode(Double.self))
            }
        }
    }
}

/// Decodes one element of a list on its own, so that a span with a wrong type is refused alone.
struct Lossy<Element: Decodable>: Decodable {
    var result: Result<Element, any Error>

    init(from decoder: any Decoder) throws {
        do {
            result = .success(try Element(from: decoder))
        } catch {
            result = .failure(error)
        }
    }
}
