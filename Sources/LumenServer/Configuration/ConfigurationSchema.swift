import LumenQuery
import Yams

/// The keys a configuration file may hold, at every level, so that a misspelt key is an error instead of a
/// setting silently left at its default. Built from the `CodingKeys` of `ConfigurationFile` and its sections, so a
/// new setting is known here as soon as it can be decoded.
indirect enum ConfigurationSchema: Sendable {
    /// A value that is not checked for keys (a scalar; its type is the decoder's business).
    case value
    /// A mapping with these keys only.
    case section([String: ConfigurationSchema])
    /// A mapping whose keys are free (tenant IDs, tokens), each value read as `schema`.
    case map(ConfigurationSchema)

    static let file = ConfigurationSchema.section(keys(ConfigurationFile.CodingKeys.self, [
        .listen: section(ConfigurationFile.Listen.CodingKeys.self),
        .tls: section(ConfigurationFile.TLS.CodingKeys.self),
        .connections: section(ConfigurationFile.Connections.CodingKeys.self),
        .tokens: .map(.value),
        .limits: .section([
            ConfigurationFile.Limits.CodingKeys.defaults.rawValue: section(IngestLimits.CodingKeys.self),
            ConfigurationFile.Limits.CodingKeys.tenants.rawValue: .map(section(IngestLimits.CodingKeys.self)),
        ]),
        .overload: section(ConfigurationFile.Overload.CodingKeys.self),
        .storage: section(ConfigurationFile.Storage.CodingKeys.self),
        .query: section(ConfigurationFile.Query.CodingKeys.self),
        .cluster: section(ConfigurationFile.Cluster.CodingKeys.self),
    ]))

    private static func section<Key: CodingKey & CaseIterable & RawRepresentable<String> & Hashable>(_: Key.Type)
        -> ConfigurationSchema
    {
        .section(keys(Key.self, [:]))
    }

    private static func keys<Key: CodingKey & CaseIterable & RawRepresentable<String> & Hashable>(
        _: Key.Type, _ nested: [Key: ConfigurationSchema]
    ) -> [String: ConfigurationSchema] {
        Dictionary(uniqueKeysWithValues: Key.allCases.map { ($0.rawValue, nested[$0] ?? .value) })
    }

    /// Every key path this schema knows, dotted (`storage.retention`); a free key reads `<name>`.
    private func paths(prefix: String = "") -> [String] {
        switch self {
        case .value: return []
        case .map(let values): return values.paths(prefix: prefix + "<name>.")
        case .section(let keys):
            return keys.sorted { $0.key < $1.key }.flatMap { key, schema in
                [prefix + key] + schema.paths(prefix: prefix + key + ".")
            }
        }
    }

    /// Throws for the first key of `root` the schema doesn't know, naming the file, line, key path and the
    /// nearest known key: at the same level first, then anywhere in the file (`retention` written at the top
    /// level belongs under `storage`).
    func check(_ root: Node, file: String) throws(ConfigurationFile.Error) {
        try check(root, path: [], file: file)
    }

    private func check(_ node: Node, path: [String], file: String) throws(ConfigurationFile.Error) {
        guard let mapping = node.mapping else { return }
        switch self {
        case .value: return
        case .map(let values):
            for (key, value) in mapping { try values.check(value, path: path + [key.string ?? "?"], file: file) }
        case .section(let keys):
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                guard let schema = keys[name] else {
                    throw unknown(name, path: path, line: key.mark?.line, among: keys.keys.sorted(), file: file)
                }
                try schema.check(value, path: path + [name], file: file)
            }
        }
    }

    private func unknown(_ name: String, path: [String], line: Int?, among siblings: [String], file: String)
        -> ConfigurationFile.Error
    {
        let dotted = (path + [name]).joined(separator: ".")
        let location = line.map { "\(file):\($0)" } ?? file
        var message = "unknown key \"\(dotted)\" at \(location)"
        if let sibling = NearestName.suggestion(for: name, among: siblings) {
            message += " — did you mean \"\((path + [sibling]).joined(separator: "."))\"?"
        } else if let elsewhere = Self.nearestPath(to: name) {
            message += " — did you mean \"\(elsewhere)\"?"
        } else {
            message += "; known keys here: " + siblings.joined(separator: ", ")
        }
        return ConfigurationFile.Error(description: message)
    }

    /// The known key path whose last component is nearest to `name`, anywhere in the file.
    private static func nearestPath(to name: String) -> String? {
        let paths = file.paths()
        let lastComponents = paths.map { String($0.split(separator: ".").last ?? "") }
        guard let nearest = NearestName.suggestion(for: name, among: lastComponents) else { return nil }
        return paths[lastComponents.firstIndex(of: nearest)!]
    }
}
