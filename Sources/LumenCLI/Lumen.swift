import ArgumentParser
import NIOCore
import NIOPosix

@main
struct Lumen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumen",
        abstract: "Lumen: one backend for spans, metrics and logs.",
        discussion: """
            Start a server with `lumen serve`, feed it with `lumen load` (or any OpenTelemetry SDK), \
            then ask it questions with `lumen query` and `lumen trace`, follow logs with `lumen tail`, see \
            who calls whom with `lumen services`, or watch it all with `lumen dash`.
            """,
        subcommands: [
            ServeCommand.self, LoadCommand.self, QueryCommand.self, TraceCommand.self, TailCommand.self,
            ServicesCommand.self, DashCommand.self, PromQLTestCommand.self, BenchCommand.self,
        ])

    /// Runs every task on NIO's event loops, where the sockets are, instead of Swift's own thread pool: a request
    /// then reaches its handler, and its answer the socket, without a hop between threads. On one core that cut
    /// the receiver's context switches from six a remote-write request to two (docs/BENCHMARKS.md).
    /// Installed here, on the main thread and before any task, as the call requires.
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
