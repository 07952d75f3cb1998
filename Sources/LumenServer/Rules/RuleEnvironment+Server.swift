import LumenEngine
import LumenModel
import LumenQuery
import LumenRules

extension RuleEnvironment {
    /// Rules in the server: expressions run on the rules' own executor (never the threads that serve ingest or
    /// API queries), within the query limits; what they write takes the ingest path (`Ingestor`), counted as
    /// protocol `rules`, so it is logged, limited and stored like any sample of `tenant`. Templates see the
    /// configuration's external URL and labels.
    static func server(
        tenant: Tenant, engine: QueryEngine, storage: Storage, executor: QueryExecutor, ingestor: Ingestor,
        configuration: ServerConfiguration
    ) -> RuleEnvironment {
        var environment = RuleEnvironment(
            tenant: tenant, store: storage,
            externalLabels: Labels(configuration.externalLabels.map { Label($0.key, $0.value) }),
            externalURL: configuration.effectiveExternalURL,
            query: { expr, time in
                try await executor.run { cancellation in
                    try RuleQuery.instant(expr, at: time, engine: engine, tenant: tenant, cancellation: cancellation)
                }
            },
            append: { series in
                let batch = Batch(tenant: tenant, series: series)
                let bytes = series.reduce(0) { $0 + 64 + $1.labels.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } }
                let outcome = try await ingestor.ingest(batch, protocol: .rules, bytes: bytes)
                if outcome.rejected > 0 { throw RuleAppendError(message: outcome.message) }
            })
        // `$exemplars`, `$topLogTemplates`, `$traceCommand`: read on the rules' executor too.
        let context = AlertContext(engine: engine)
        environment.alertContext = { rule, result, time in
            (try? await executor.run { _ in context.contexts(for: rule, result: result, at: time, tenant: tenant) }) ?? [:]
        }
        return environment
    }
}

/// Samples a rule wrote that the store refused (a limit, a conflict), with the store's reason.
struct RuleAppendError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
