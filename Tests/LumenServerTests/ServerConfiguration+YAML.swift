@testable import LumenServer

extension ServerConfiguration {
    /// The defaults with `yaml` applied, as `lumen serve --config` applies a file.
    static func applying(_ yaml: String) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        try ConfigurationFile.decode(yaml: yaml, file: "c.yaml").apply(to: &configuration)
        return configuration
    }

    /// What `yaml` is refused with, or nil when it is accepted.
    static func refusal(of yaml: String) -> String? {
        do {
            _ = try applying(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
