import Foundation
import Testing

@testable import LumenServer

/// `tls:` in the configuration file and the `--tls-*` flags over it (`TLSFiles`), and files that cannot be used
/// named in the error before anything listens. The handshakes themselves are proven with real clients in
/// Tests/Interop/test_tls.py.
struct TLSConfigurationTests {
    @Test func noTLSSectionIsPlaintext() throws {
        #expect(try ServerConfiguration.applying("data_dir: /tmp/x\n").tls == nil)
    }

    @Test func everyKeyOfTheSectionIsReadAndPrintedBack() throws {
        let configuration = try ServerConfiguration.applying("""
            tls:
              cert_file: /etc/lumen/tls.pem
              key_file: /etc/lumen/tls.key
              client_ca_file: /etc/lumen/ca.pem
            """)
        let files = TLSFiles(
            certificate: "/etc/lumen/tls.pem", privateKey: "/etc/lumen/tls.key", clientCA: "/etc/lumen/ca.pem")
        #expect(configuration.tls == files)
        #expect(try ServerConfiguration.applying(ConfigurationFile(configuration).yaml()).tls == files)
    }

    @Test func aCertificateAndItsKeyComeTogether() {
        let refusal = ServerConfiguration.refusal(of:)
        #expect(refusal("tls:\n  cert_file: a.pem\n") == "tls: a certificate needs its key")
        #expect(refusal("tls:\n  key_file: a.key\n") == "tls: a key needs its certificate")
        #expect(refusal("tls:\n  client_ca_file: ca.pem\n") == "tls: a client CA needs a certificate and a key")
        #expect(refusal("tls:\n  certfile: a.pem\n")?.contains("did you mean \"tls.cert_file\"") == true)
    }

    @Test func flagsOverrideTheFilePathByPath() throws {
        let file = TLSFiles(certificate: "file.pem", privateKey: "file.key", clientCA: "file-ca.pem")
        let merged = try TLSFiles.overriding(file, certificate: "flag.pem", privateKey: nil, clientCA: nil)
        #expect(merged == TLSFiles(certificate: "flag.pem", privateKey: "file.key", clientCA: "file-ca.pem"))
        #expect(try TLSFiles.overriding(nil, certificate: nil, privateKey: nil, clientCA: nil) == nil)
        #expect(throws: TLSFiles.Problem.self) {
            try TLSFiles.overriding(nil, certificate: "flag.pem", privateKey: nil, clientCA: nil)
        }
    }

    @Test func filesThatCannotBeUsedAreNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = directory.appendingPathComponent("garbage.pem").path
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let missing = directory.appendingPathComponent("missing.pem").path
        for (certificate, named) in [(missing, missing), (garbage, garbage)] {
            do {
                _ = try TLSContexts(files: TLSFiles(certificate: certificate, privateKey: missing))
                Issue.record("\(certificate) was accepted")
            } catch {
                #expect(error.description.hasPrefix(named + ": "))
            }
        }
    }
}
