/// The model's values a read request carries (`ReadRequest` in the engine), as JSON a node can send another:
/// a tenant as its ID, a matcher as its three parts. Decoding checks them as parsing a query does.
extension Tenant: Codable {
    public init(from decoder: any Decoder) throws {
        let id = try decoder.singleValueContainer().decode(String.self)
        guard let tenant = Tenant(id) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid tenant \(id)"))
        }
        self = tenant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }
}

extension LabelMatcher: Codable {
    private enum CodingKeys: String, CodingKey { case name, op, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            try container.decode(String.self, forKey: .name), try container.decode(Operator.self, forKey: .op),
            try container.decode(String.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(op, forKey: .op)
        try container.encode(value, forKey: .value)
    }
}

extension LabelMatcher.Operator: Codable {}
extension SpanKind: Codable {}
extension SpanStatus.Code: Codable {}
