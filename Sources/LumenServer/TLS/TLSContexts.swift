import Logging
import LumenModel
import NIOCore
import NIOSSL
import Synchronization

/// The TLS contexts of the TCP listeners, built from `TLSFiles` and rebuilt by `reload()` (SIGHUP).
///
/// Each accepted connection takes the context current at that moment (`addHandler`), so a reload changes the
/// certificate of new handshakes only: connections already open keep theirs and are never dropped. A reload that
/// fails (a file missing, unreadable, not PEM) keeps the contexts in use. Thread-safe.
public final class TLSContexts: Sendable {
    /// What a listener speaks inside TLS, offered by ALPN: gRPC clients require `h2`.
    public enum ApplicationProtocol: Sendable, CaseIterable {
        case http1, http2, none

        var alpn: [String] {
            switch self {
            case .http1: ["http/1.1"]
            case .http2: ["h2"]
            case .none: []
            }
        }
    }

    /// The certificate served and a context per application protocol, all from one reading of the files.
    private struct Loaded: Sendable {
        let leaf: NIOSSLCertificate
        let contexts: [ApplicationProtocol: NIOSSLContext]
    }

    public let files: TLSFiles
    private let loaded: Mutex<Loaded>

    /// Reads the files; throws `TLSFiles.Problem` naming the file that could not be used.
    public init(files: TLSFiles) throws(TLSFiles.Problem) {
        self.files = files
        loaded = Mutex(try Self.load(files))
    }

    /// Reads the files again; new connections get the new certificate. On an error nothing changes.
    public func reload() throws(TLSFiles.Problem) {
        let fresh = try Self.load(files)
        loaded.withLock { $0 = fresh }
    }

    /// Puts TLS first in `channel`'s pipeline, with the current context. On the channel's event loop.
    public func addHandler(to channel: any Channel, for protocol: ApplicationProtocol) throws {
        let context = loaded.withLock { $0.contexts[`protocol`]! }
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context), position: .first)
    }

    /// The served certificate's serial number and expiry, for the log line of a start or reload.
    public var certificateMetadata: Logger.Metadata {
        let leaf = loaded.withLock { $0.leaf }
        return ["serial": "\(HexCoding.encode(leaf.serialNumber))", "notAfterUnix": "\(leaf.notValidAfter)"]
    }

    private static func load(_ files: TLSFiles) throws(TLSFiles.Problem) -> Loaded {
        func read<T>(_ path: String, _ what: String, _ body: () throws -> T) throws(TLSFiles.Problem) -> T {
            do {
                return try body()
            } catch {
                throw TLSFiles.Problem(description: "\(path): cannot use the \(what) (\(error))")
            }
        }
        let chain = try read(files.certificate, "certificate") { try NIOSSLCertificate.fromPEMFile(files.certificate) }
        guard let leaf = chain.first else {
            throw TLSFiles.Problem(description: "\(files.certificate): holds no PEM certificate")
        }
        let key = try read(files.privateKey, "private key") { try NIOSSLPrivateKey(file: files.privateKey, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = files.clientCA {
            let authorities = try read(clientCA, "client CA") { try NIOSSLCertificate.fromPEMFile(clientCA) }
            guard !authorities.isEmpty else { throw TLSFiles.Problem(description: "\(clientCA): holds no PEM certificate") }
            configuration.trustRoots = .certificates(authorities)
            // Verified against the CA, required; a client has no host name to check.
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        var contexts: [ApplicationProtocol: NIOSSLContext] = [:]
        for kind in ApplicationProtocol.allCases {
            var settings = configuration
            settings.applicationProtocols = kind.alpn
            do {
                contexts[kind] = try NIOSSLContext(configuration: settings)
            } catch {
                throw TLSFiles.Problem(
                    description: "\(files.privateKey): not the private key of \(files.certificate), or unusable (\(error))")
            }
        }
        return Loaded(leaf: leaf, contexts: contexts)
    }
}
