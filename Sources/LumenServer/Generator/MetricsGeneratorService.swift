import Logging
import LumenEngine
import LumenModel
import ServiceLifecycle

/// Writes the generator's series into the store every `interval` (Tempo's `collection_interval`, 15 s), until
/// shutdown, and once more then — where the pipeline writes (`Ingestor.store`: in a cluster, JetStream). A failed
/// append is logged; the next one carries the same cumulative values.
struct MetricsGeneratorService: Service {
    let generator: MetricsGenerator
    let ingestor: Ingestor
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                await flush()
            }
        }
        await flush()
    }

    func flush() async {
        for (tenant, series) in generator.collect(now: Timestamp.now()) {
            do {
                _ = try await ingestor.store(Batch(tenant: tenant, series: series))
            } catch {
                logger.error(
                    "cannot store the span metrics", metadata: ["tenant": "\(tenant)", "error": "\(error.refusal)"])
            }
        }
    }
}
