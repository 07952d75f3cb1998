/// What one tenant may send. Every violation is refused with a message naming the limit and the value, and
/// counted; the rest of the request is kept where the protocol allows partial success.
public struct IngestLimits: Codable, Sendable, Equatable {
    /// Largest request body, after decompression.
    public var maxBodyBytes = 20 << 20
    public var maxLabelsPerSeries = 40
    public var maxLabelNameLength = 1024
    public var maxLabelValueLength = 2048
    /// Series in the head at once; a request that would add more has its new series refused.
    public var maxActiveSeries = 1_000_000
    public var maxLogLineBytes = 256 << 10
    /// Log streams in the head at once (a stream: a resource and a severity); lines of new streams past it are
    /// refused, as Loki's `max_global_streams_per_user` refuses them.
    public var maxActiveLogStreams = 100_000
    public var maxSpanAttributes = 128

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxBodyBytes = "max_body_bytes"
        case maxLabelsPerSeries = "max_labels_per_series"
        case maxLabelNameLength = "max_label_name_length"
        case maxLabelValueLength = "max_label_value_length"
        case maxActiveSeries = "max_active_series"
        case maxLogLineBytes = "max_log_line_bytes"
        case maxActiveLogStreams = "max_active_log_streams"
        case maxSpanAttributes = "max_span_attributes"
    }

    /// Starts from `base` so a config file only names the limits it changes.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, base: IngestLimits())
    }

    init(from decoder: any Decoder, base: IngestLimits) throws {
        self = base
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, _ value: inout Int) throws {
            guard let given = try container.decodeIfPresent(Int.self, forKey: key) else { return }
            guard given > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(key.rawValue) must be positive, got \(given)")
            }
            value = given
        }
        try read(.maxBodyBytes, &maxBodyBytes)
        try read(.maxLabelsPerSeries, &maxLabelsPerSeries)
        try read(.maxLabelNameLength, &maxLabelNameLength)
        try read(.maxLabelValueLength, &maxLabelValueLength)
        try read(.maxActiveSeries, &maxActiveSeries)
        try read(.maxLogLineBytes, &maxLogLineBytes)
        try read(.maxActiveLogStreams, &maxActiveLogStreams)
        try read(.maxSpanAttributes, &maxSpanAttributes)
    }
}
