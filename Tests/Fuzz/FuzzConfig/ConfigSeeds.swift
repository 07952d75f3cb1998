import Foundation

/// The project's own files as seeds — the shipped dashboards and rules, the Grafana fixture of the render
/// tests, the examples of docs/configuration.md — read from the repository (Scripts/fuzz.sh runs from its root)
/// and written into Tests/Fuzz/Corpus/FuzzConfig by `Scripts/fuzz.sh --seeds`.
enum ConfigSeeds {
    static func files(_ directory: String, _ suffix: String) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().compactMap {
            FileManager.default.contents(atPath: directory + "/" + $0).map(Array.init)
        }
    }

    /// Every YAML block of docs/configuration.md.
    static var configurationExamples: [[UInt8]] {
        guard let text = try? String(contentsOfFile: "docs/configuration.md", encoding: .utf8) else { return [] }
        let fences = text.components(separatedBy: "```")
        return stride(from: 1, to: fences.count, by: 2).compactMap { index in
            let block = fences[index]
            guard block.hasPrefix("yaml\n") else { return nil }
            return Array(block.dropFirst("yaml\n".count).utf8)
        }
    }
}
