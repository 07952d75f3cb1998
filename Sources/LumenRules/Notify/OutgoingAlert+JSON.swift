import Foundation
import LumenModel

/// An alert as Alertmanager's `POST /api/v2/alerts` reads it (`postableAlert`): labels and annotations as
/// objects, `startsAt` and `endsAt` in RFC 3339 with milliseconds, `generatorURL`.
extension OutgoingAlert {
    var json: [String: Any] {
        [
            "labels": Dictionary(labels.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            "annotations": Dictionary(annotations.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            "startsAt": Self.rfc3339(startsAt),
            "endsAt": Self.rfc3339(endsAt),
            "generatorURL": generatorURL,
        ]
    }

    /// A JSON array of alerts: the request body.
    static func body(_ alerts: [OutgoingAlert]) throws -> Data {
        try JSONSerialization.data(withJSONObject: alerts.map(\.json), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// `2026-12-06T18:00:00.123Z`: UTC, milliseconds (nanoseconds since the epoch in).
    static func rfc3339(_ nanoseconds: Int64) -> String {
        let milliseconds = floorDivide(nanoseconds, 1_000_000)
        let seconds = floorDivide(milliseconds, 1000)
        let fraction = Int(milliseconds - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// The alert with `externalLabels` added where it has no label of that name (Prometheus' notifier does
    /// this before sending).
    func addingExternalLabels(_ externalLabels: [String: String]) -> OutgoingAlert {
        guard !externalLabels.isEmpty else { return self }
        var alert = self
        var all = labels.labels
        for (name, value) in externalLabels.sorted(by: { $0.key < $1.key }) where (labels[name] ?? "").isEmpty {
            all.removeAll { $0.name == name }
            all.append(Label(name, value))
        }
        alert.labels = Labels(all)
        return alert
    }
}

/// Division rounding toward negative infinity (times before 1970 keep a non-negative fraction).
private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return value % divisor < 0 ? quotient - 1 : quotient
}
