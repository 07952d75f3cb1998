import LumenModel

/// One refusal: which limit, which signal, how many items, and a message a sender can act on.
struct LimitViolation: Sendable, Equatable {
    enum Signal: String, Sendable { case samples, logs, spans }

    let limit: String
    let signal: Signal
    let count: Int
    let message: String
}

/// Applies a tenant's limits to a decoded batch: what passes is returned, what does not is described.
/// Pure: the head's view of active series is passed in.
enum LimitEnforcer {
    static func enforce(
        _ batch: Batch, limits: IngestLimits, activeSeries: Int, newSeries: Set<Labels>,
        activeLogStreams: Int = 0, newLogStreams: Set<Labels> = []
    ) -> (Batch, [LimitViolation]) {
        var kept = batch
        var violations: [LimitViolation] = []
        func refuse(_ limit: String, _ signal: LimitViolation.Signal, _ count: Int, _ message: String) {
            violations.append(LimitViolation(limit: limit, signal: signal, count: count, message: message))
        }

        var admittedNew = 0
        kept.series = batch.series.filter { series in
            let samples = series.samples.count
            if series.labels.count > limits.maxLabelsPerSeries {
                refuse("max_labels_per_series", .samples, samples,
                    "series \(series.labels.description.prefix(120)) has \(series.labels.count) labels, over the limit of \(limits.maxLabelsPerSeries)")
                return false
            }
            if let label = series.labels.first(where: { $0.name.utf8.count > limits.maxLabelNameLength }) {
                refuse("max_label_name_length", .samples, samples,
                    "label name \"\(label.name.prefix(64))…\" is \(label.name.utf8.count) bytes, over the limit of \(limits.maxLabelNameLength)")
                return false
            }
            if let label = series.labels.first(where: { $0.value.utf8.count > limits.maxLabelValueLength }) {
                refuse("max_label_value_length", .samples, samples,
                    "the value of label \(label.name) is \(label.value.utf8.count) bytes, over the limit of \(limits.maxLabelValueLength)")
                return false
            }
            if newSeries.contains(series.labels) {
                guard activeSeries + admittedNew < limits.maxActiveSeries else {
                    refuse("max_active_series", .samples, samples,
                        "the tenant has \(activeSeries) active series, the limit is \(limits.maxActiveSeries): new series refused")
                    return false
                }
                admittedNew += 1
            }
            return true
        }
        var admittedStreams = Set<Labels>()
        kept.logs = batch.logs.filter { record in
            let size = record.line.utf8.count
            guard size <= limits.maxLogLineBytes else {
                refuse("max_log_line_bytes", .logs, 1,
                    "a log line of \(size) bytes is over the limit of \(limits.maxLogLineBytes)")
                return false
            }
            guard !newLogStreams.isEmpty else { return true }
            let stream = record.streamLabels
            if newLogStreams.contains(stream), !admittedStreams.contains(stream) {
                guard activeLogStreams + admittedStreams.count < limits.maxActiveLogStreams else {
                    refuse("max_active_log_streams", .logs, 1,
                        "the tenant has \(activeLogStreams) log streams, the limit is \(limits.maxActiveLogStreams): "
                            + "lines of new streams refused")
                    return false
                }
                admittedStreams.insert(stream)
            }
            return true
        }
        kept.spans = batch.spans.filter { span in
            guard span.attributes.count <= limits.maxSpanAttributes else {
                refuse("max_span_attributes", .spans, 1,
                    "span \(span.spanID.hex) has \(span.attributes.count) attributes, over the limit of \(limits.maxSpanAttributes)")
                return false
            }
            return true
        }
        return (kept, merge(violations))
    }

    /// One line per limit and signal, so a request with thousands of violations gets a short answer.
    private static func merge(_ violations: [LimitViolation]) -> [LimitViolation] {
        var merged: [LimitViolation] = []
        for violation in violations {
            if let index = merged.firstIndex(where: { $0.limit == violation.limit && $0.signal == violation.signal }) {
                let first = merged[index]
                merged[index] = LimitViolation(
                    limit: first.limit, signal: first.signal, count: first.count + violation.count, message: first.message)
            } else {
                merged.append(violation)
            }
        }
        return merged
    }
}
