import Foundation
import Testing

/// A real `nats-server` (Debian's, installed by `Scripts/bootstrap.sh --test-peers`) with JetStream, on loopback,
/// with its store in a scratch directory. The client port is chosen by the OS on first start and kept on restart.
final class NATSServerProcess: @unchecked Sendable {
    static let executable: String? = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin"]
        .split(separator: ":").map { "\($0)/nats-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isInstalled: Bool { executable != nil }
    static let skipReason: Comment = "nats-server is not installed (Scripts/bootstrap.sh --test-peers installs it)"

    let name: String
    let directory: String
    private(set) var port: Int = -1
    /// A cluster member's route port and its peers' route URLs; nil for a single server.
    let cluster: (port: Int, routes: [String])?
    private var process: Process?

    var url: String { "nats://127.0.0.1:\(port)" }

    init(name: String = "n1", directory: String? = nil, cluster: (port: Int, routes: [String])? = nil) throws {
        self.name = name
        self.directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lumen-nats-\(UUID())").path
        self.cluster = cluster
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        try start()
    }

    func start() throws {
        let portsDirectory = directory + "/ports"
        try? FileManager.default.removeItem(atPath: portsDirectory)
        try FileManager.default.createDirectory(atPath: portsDirectory, withIntermediateDirectories: true)
        var arguments = [
            "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", directory + "/store", "-n", name,
            "--ports_file_dir", portsDirectory, "-l", directory + "/server.log",
        ]
        if let cluster {
            arguments += [
                "--cluster_name", "lumen-test", "--cluster", "nats://127.0.0.1:\(cluster.port)",
                "--routes", cluster.routes.joined(separator: ","),
            ]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The ports file appears once the server listens.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let file = try? FileManager.default.contentsOfDirectory(atPath: portsDirectory).first,
                let data = FileManager.default.contents(atPath: portsDirectory + "/" + file),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let nats = json["nats"] as? [String], let first = nats.first,
                let listened = Int(first.split(separator: ":").last ?? "")
            {
                port = listened
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw ServerError(message: "nats-server did not start; its log: \(log)")
    }

    var log: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    /// Stops it (SIGTERM, or SIGKILL with `kill`) and waits for it to exit.
    func stop(kill: Bool = false) {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, kill ? SIGKILL : SIGTERM)
        process.waitUntilExit()
        self.process = nil
    }

    func restart() throws {
        stop()
        try start()
    }

    /// Stops it and removes its directory.
    func remove() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { remove() }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
