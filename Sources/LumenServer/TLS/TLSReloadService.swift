import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the TLS files on SIGHUP, beside the rules (`RuleService`): new handshakes get the new certificate,
/// open connections keep theirs, and files that cannot be used are logged and the old certificate kept.
struct TLSReloadService: Service {
    let contexts: TLSContexts
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                do {
                    try contexts.reload()
                    logger.info("SIGHUP: TLS certificate reloaded", metadata: contexts.certificateMetadata)
                } catch {
                    logger.error("SIGHUP: TLS certificate not reloaded, the old one stays in use: \(error)")
                }
            }
        }
    }
}
