/// The PEM files of the TLS every TCP listener serves (`--tls-cert`, `--tls-key`, `--tls-client-ca`; `tls:` in the
/// configuration file). Read at start and again on each SIGHUP (`TLSContexts`).
public struct TLSFiles: Sendable, Equatable {
    /// The server's certificate, followed by any intermediates.
    public var certificate: String
    /// The private key of `certificate`.
    public var privateKey: String
    /// Certificate authorities a client's certificate must chain to; when set, every client must present one.
    public var clientCA: String?

    public init(certificate: String, privateKey: String, clientCA: String? = nil) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.clientCA = clientCA
    }

    /// `base` (the configuration file's) with the paths given on top of it. A certificate and a key come together
    /// or not at all, and a client CA only with them; the error says which is missing.
    public static func overriding(
        _ base: TLSFiles?, certificate: String?, privateKey: String?, clientCA: String?
    ) throws(Problem) -> TLSFiles? {
        let clientCA = clientCA ?? base?.clientCA
        switch (certificate ?? base?.certificate, privateKey ?? base?.privateKey) {
        case (let certificate?, let privateKey?):
            return TLSFiles(certificate: certificate, privateKey: privateKey, clientCA: clientCA)
        case (nil, nil):
            guard clientCA == nil else { throw Problem(description: "a client CA needs a certificate and a key") }
            return nil
        case (nil, _?):
            throw Problem(description: "a key needs its certificate")
        case (_?, nil):
            throw Problem(description: "a certificate needs its key")
        }
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }
}
