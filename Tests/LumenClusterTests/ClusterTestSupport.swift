import Foundation
import Logging
import LumenCluster
import LumenModel

/// Connections to test servers, made on a thread of their own (`NATSConnection.init` blocks).
enum ClusterTestSupport {
    static func jetStream(_ urls: [String], name: String = "test") throws -> JetStream {
        try JetStream(connection: NATSConnection(urls: urls, name: name), apiTimeout: .seconds(5))
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "cluster-test")
        logger.logLevel = .critical
        return logger
    }

    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lumen-\(name)-\(UUID())").path
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; whether it held. Sleeps without holding
    /// a thread: the appliers' appends need Swift's pool meanwhile.
    static func eventually(
        within timeout: Duration = .seconds(10), _ condition: () throws -> Bool
    ) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }
}
