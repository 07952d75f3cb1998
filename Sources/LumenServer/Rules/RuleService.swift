import Logging
import LumenRules
import ServiceLifecycle
import UnixSignals

/// Runs the rule manager with the server: starts its groups, re-reads the rule files on SIGHUP (a bad file is
/// logged and the old rules kept), and stops every group on shutdown.
struct RuleService: Service {
    let manager: RuleManager
    let logger: Logger

    func run() async throws {
        await manager.start()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                logger.info("SIGHUP: reloading rules")
                try? await manager.reload()
            }
        }
        await manager.stop()
    }
}
