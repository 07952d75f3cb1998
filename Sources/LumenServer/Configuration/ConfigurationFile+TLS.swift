extension ConfigurationFile {
    /// `tls:` — the PEM files of TLS on every TCP listener (`TLSFiles`); absent: plaintext.
    public struct TLS: Codable, Sendable, Equatable {
        public var certFile: String?
        public var keyFile: String?
        /// Set: every client must present a certificate signed by one of these authorities.
        public var clientCAFile: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case certFile = "cert_file", keyFile = "key_file", clientCAFile = "client_ca_file"
        }

        init(_ files: TLSFiles) {
            certFile = files.certificate
            keyFile = files.privateKey
            clientCAFile = files.clientCA
        }

        /// The files this section names, checked; flags applied later override each path.
        func files() throws -> TLSFiles? {
            do {
                return try TLSFiles.overriding(nil, certificate: certFile, privateKey: keyFile, clientCA: clientCAFile)
            } catch {
                throw Error(description: "tls: \(error)")
            }
        }
    }
}
