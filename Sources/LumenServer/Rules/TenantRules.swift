import LumenModel
import LumenRules

/// The server's rule managers, one per tenant that has rule files (`RuleSource`). Reload is all or nothing, as
/// in Prometheus: every tenant's files are read first, and one that does not load leaves every rule as it was.
struct TenantRules: Sendable {
    let managers: [(tenant: Tenant, manager: RuleManager)]

    /// The rules of `tenant`, or nil when it has none.
    func manager(for tenant: Tenant) -> RuleManager? { managers.first { $0.tenant == tenant }?.manager }

    func reload() async throws(RuleFileError) {
        for (_, manager) in managers { _ = try RuleFiles.load(manager.patterns) }
        for (_, manager) in managers { try await manager.reload() }
    }

    func setNotifier(_ notify: @escaping AlertNotifier) async {
        for (_, manager) in managers { await manager.setNotifier(notify) }
    }

    func start() async {
        for (_, manager) in managers { await manager.start() }
    }

    func stop() async {
        for (_, manager) in managers { await manager.stop() }
    }
}
