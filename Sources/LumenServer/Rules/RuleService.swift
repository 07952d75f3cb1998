import Logging
import LumenRules
import ServiceLifecycle
import UnixSignals

/// Runs the rule managers with the server: starts their groups, re-reads the rule files on SIGHUP (a bad file is
/// logged and the old rules kept), and stops every group on shutdown.
struct RuleService: Service {
    let rules: TenantRules
    let logger: Logger

    func run() async throws {
        await rules.start()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                logger.info("SIGHUP: reloading rules")
                try? await rules.reload()
            }
        }
        await rules.stop()
    }
}
