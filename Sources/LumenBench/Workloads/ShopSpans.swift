import Foundation
import LumenEngine
import LumenLoad
import LumenModel

/// The span benchmarks' data: the shop workload's spans, seeded, as `lumen load` sends them, one request
/// starting every millisecond per span so far, from an hour ago on.
struct ShopSpans {
    private(set) var spans: [Span] = []
    private(set) var traceIDs: [TraceID] = []

    /// Whole requests until at least `count` spans.
    init(count: Int) {
        var workload = ShopWorkload(seed: 42)
        let start = Timestamp.now() - 3_600 * Timestamp.nanosecondsPerSecond
        while spans.count < count {
            let request = workload.next(at: start + Int64(spans.count) * 1_000_000)
            spans += request.spans
            traceIDs.append(request.traceID)
        }
    }

    /// The spans as `parts` blocks' contents of consecutive time, as successive head cuts would write them.
    func blocks(_ parts: Int) -> [BlockContents] {
        let perBlock = (spans.count + parts - 1) / max(1, parts)
        return stride(from: 0, to: spans.count, by: perBlock).map { index in
            var contents = BlockContents(tenant: .anonymous)
            contents.spans = Array(spans[index..<min(index + perBlock, spans.count)])
            return contents
        }
    }

    /// Writes trace_id, span_id, parent_span_id, service, name, kind, status, start_ns, duration_ns and
    /// attributes (JSON) as TSV, for chDB (`Scripts/bench/spans/chdb_spans.py`).
    func exportTSV(to path: String) throws {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
        var out = ""
        out.reserveCapacity(spans.count * 200)
        for span in spans {
            let attributes = "{" + span.attributes.map { "\"\(escape($0.key))\":\"\(escape($0.value.text))\"" }
                .joined(separator: ",") + "}"
            let fields = [
                span.traceID.description, span.spanID.description, span.parentSpanID?.description ?? "",
                escape(span.serviceName), escape(span.name), String(span.kind.rawValue),
                String(span.status.code.rawValue), String(span.startTime), String(span.duration), attributes,
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        try out.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
