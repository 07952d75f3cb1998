import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct QueryLimitsTests {
    private func failure(_ query: String, _ limits: QueryLimits, window: QueryWindow = ShopTelemetry.afterAll) -> String {
        error(query, limits, window: window)?.message ?? ""
    }

    private func error(
        _ query: String, _ limits: QueryLimits, window: QueryWindow = ShopTelemetry.afterAll,
        cancellation: QueryCancellation = QueryCancellation()
    ) -> QueryError? {
        do {
            _ = try QueryEngine(store: ShopTelemetry.head(), limits: limits)
                .execute(query, tenant: .anonymous, window: window, cancellation: cancellation)
            return nil
        } catch {
            return error
        }
    }

    @Test func eachLimitFailsWithItsKindAsPrometheusClassifiesIt() {
        #expect(error(#"sum(count_over_time({service=~"cart|payment"}[1m]))"#, QueryLimits(maxSamples: 5))?.kind
            == .execution)
        #expect(error(#"count_over_time({service=~"cart|payment"}[1m])"#, QueryLimits(maxSeries: 2))?.kind
            == .tooLarge)
        #expect(error("sum(rate({kind=server}[1m]))", QueryLimits(timeout: .zero))?.kind == .timeout)
        #expect(error("sum(", QueryLimits())?.kind == .badData)
    }

    @Test func aCancelledQueryStopsWithTheKindCanceled() {
        let cancellation = QueryCancellation()
        cancellation.cancel()
        #expect(error("sum(rate({kind=server}[1m]))", QueryLimits(), cancellation: cancellation)?.kind == .canceled)
        #expect(error("{kind=server}", QueryLimits(), window: ShopTelemetry.minute, cancellation: cancellation)?.kind
            == .canceled)
    }

    @Test func aQueryReadingMoreSamplesThanAllowedFailsNamingTheLimit() {
        #expect(failure(#"sum(count_over_time({service=~"cart|payment"}[1m]))"#, QueryLimits(maxSamples: 5))
            .contains("limit of 5 samples (max samples)"))
        #expect(failure(#"{service=~"cart|payment"}"#, QueryLimits(maxSamples: 5), window: ShopTelemetry.minute)
            .contains("max samples"))
        #expect(failure(#"sum(count_over_time({service=~"cart|payment"}[1m]))"#, QueryLimits(maxSamples: 6)) == "")
    }

    /// Queries in progress draw from one pool (their share of the memory ceiling): a query the others' samples
    /// leave no room for is refused for now (503, retry), one larger than the pool for good (422); each query gives
    /// its samples back when it ends.
    @Test func queriesInProgressShareOneSamplePool() throws {
        let query = #"sum(count_over_time({service=~"cart|payment"}[1m]))"#
        let pool = QuerySamplePool(capacity: 10)
        var limits = QueryLimits()
        limits.samplePool = pool
        #expect(error(query, limits) == nil, "6 samples fit")
        #expect(pool.heldSamples == 0, "given back")

        var other: QueryBudget? = QueryBudget(limits)
        other?.record(samples: 5)
        #expect(pool.heldSamples == 5)
        let refused = try #require(error(query, limits))
        #expect(refused.kind == .unavailable)
        #expect(refused.message.contains("5 held by others"), "\(refused.message)")
        other = nil
        #expect(pool.heldSamples == 0)
        #expect(error(query, limits) == nil)

        limits.samplePool = QuerySamplePool(capacity: 5)
        let tooLarge = try #require(error(query, limits))
        #expect(tooLarge.kind == .execution)
        #expect(tooLarge.message.contains("queries' share of the memory ceiling (5 samples)"), "\(tooLarge.message)")
    }

    @Test func aQueryMakingMoreSeriesThanAllowedFailsNamingTheLimit() {
        #expect(failure(#"count_over_time({service=~"cart|payment"}[1m])"#, QueryLimits(maxSeries: 2))
            .contains("limit of 2 series (max series)"))
    }

    @Test func aQueryPastItsTimeoutFails() {
        #expect(failure("{kind=server}", QueryLimits(timeout: .zero), window: ShopTelemetry.minute)
            .contains("timed out"))
        #expect(failure("sum(rate({kind=server}[1m]))", QueryLimits(timeout: .zero)).contains("timed out"))
    }
}
