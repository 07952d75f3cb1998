import ServiceLifecycle

/// Runs `body` once every `interval` — the first time after one interval — until graceful shutdown begins or
/// the task is cancelled: the loop of the server's periodic services (maintenance, self-metrics).
func everyInterval(_ interval: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            await body()
        }
    }
}
