/// Who emitted the telemetry: a service, its instance, its host and whatever else its SDK reports.
public struct Resource: Hashable, Sendable {
    public static let serviceNameKey = "service.name"
    /// OpenTelemetry's name for a service that did not say who it is.
    public static let unknownService = "unknown_service"

    public var attributes: [Attribute]

    /// Ensures `service.name` is present, as the model promises every reader.
    public init(attributes: [Attribute] = []) {
        self.attributes = attributes
        if attributes[Self.serviceNameKey] == nil {
            self.attributes.append(Attribute(Self.serviceNameKey, .string(Self.unknownService)))
        }
    }

    public var serviceName: String { attributes[Self.serviceNameKey]?.text ?? Self.unknownService }
}

/// The library that produced the telemetry (OpenTelemetry's instrumentation scope).
public struct InstrumentationScope: Hashable, Sendable {
    public var name: String
    public var version: String

    public init(name: String = "", version: String = "") {
        self.name = name
        self.version = version
    }
}
