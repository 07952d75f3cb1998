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
