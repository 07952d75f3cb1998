import Yams

/// Writes a dashboard file as YAML (fields in schema order, absent options left out), such that
/// ``DashboardLoader`` reads back the same dashboard.
public enum DashboardWriter {
    public static func yaml(_ dashboard: DashboardFile) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.width = -1
        return try encoder.encode(dashboard)
    }
}
