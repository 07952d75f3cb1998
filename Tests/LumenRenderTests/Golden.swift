import Foundation
import Testing

/// Compares rendered text with `Golden/<name>.txt`. The files change only on purpose: run the tests with
/// `LUMEN_UPDATE_GOLDEN=1` to rewrite them, then read the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["LUMEN_UPDATE_GOLDEN"] == "1" {
            try? (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name).txt: run with LUMEN_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(text + "\n" == expected, "differs from Golden/\(name).txt", sourceLocation: sourceLocation)
    }

    static func fixture(_ name: String) -> Data {
        (try? Data(contentsOf: directory.appendingPathComponent("Fixtures").appendingPathComponent(name))) ?? Data()
    }
}
