import LumenModel

/// One `--rules` entry (or `rules:` item): a path or glob, optionally prefixed by the tenant whose data its rules
/// read and into which they write, as in `_lumen=Rules/lumen.yaml`. Without a prefix the rules belong to
/// `rules_tenant`. Loki's and Mimir's rulers keep rules per tenant as well; the prefix is how one server runs the
/// shipped rules for services (anonymous tenant) and for Lumen itself (`_lumen`) at once.
public struct RuleSource: Sendable, Equatable {
    public var tenant: Tenant?
    public var pattern: String

    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
    }

    /// `TENANT=PATTERN` or `PATTERN`. A prefix before the first `=` counts only when it holds no `/` (so a path
    /// with `=` in a directory name stays a path) and must then be a valid tenant ID.
    public init(_ text: String) throws(Error) {
        guard let equals = text.firstIndex(of: "="), !text[..<equals].contains("/") else {
            pattern = text
            return
        }
        let prefix = String(text[..<equals])
        guard let tenant = Tenant(prefix) else {
            throw Error(description: "\"\(prefix)\" in \"\(text)\" is not a valid tenant ID (TENANT=PATH)")
        }
        self.tenant = tenant
        pattern = String(text[text.index(after: equals)...])
        guard !pattern.isEmpty else { throw Error(description: "\"\(text)\" names no rule file after the tenant") }
    }

    /// The patterns of `entries` by tenant, `defaultTenant` for those without a prefix, in the order given.
    public static func byTenant(_ entries: [String], defaultTenant: Tenant) throws(Error) -> [(Tenant, [String])] {
        var order: [Tenant] = []
        var patterns: [Tenant: [String]] = [:]
        for entry in entries {
            let source = try RuleSource(entry)
            let tenant = source.tenant ?? defaultTenant
            if patterns[tenant] == nil { order.append(tenant) }
            patterns[tenant, default: []].append(source.pattern)
        }
        return order.map { ($0, patterns[$0]!) }
    }
}
