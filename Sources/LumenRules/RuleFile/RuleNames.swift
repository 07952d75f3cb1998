/// Prometheus' name rules: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`.
public enum RuleNames {
    public static func isValidMetricName(_ name: String) -> Bool { isValid(name, colons: true) }

    public static func isValidLabelName(_ name: String) -> Bool { isValid(name, colons: false) }

    private static func isValid(_ name: String, colons: Bool) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
                || (colons && byte == 0x3A)
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || (digit && index > 0) else { return false }
        }
        return true
    }
}
