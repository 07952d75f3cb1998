import Foundation

/// Finds and reads the rule files of `--rules` patterns (shell globs, as Prometheus' `rule_files`).
public enum RuleFiles {
    /// The files the patterns match, sorted and without repeats. A pattern without glob characters names a
    /// file that must exist; a glob that matches nothing is fine, as in Prometheus.
    public static func expand(_ patterns: [String]) throws(RuleFileError) -> [String] {
        var files: Set<String> = []
        for pattern in patterns {
            if pattern.contains(where: { "*?[".contains($0) }) {
                var result = glob_t()
                defer { globfree(&result) }
                let status = glob(pattern, 0, nil, &result)
                guard status == 0 || status == GLOB_NOMATCH else {
                    throw RuleFileError(file: pattern, line: 0, reason: "cannot expand the pattern")
                }
                for index in 0..<Int(result.gl_pathc) {
                    if let path = result.gl_pathv[index] { files.insert(String(cString: path)) }
                }
            } else {
                guard FileManager.default.fileExists(atPath: pattern) else {
                    throw RuleFileError(file: pattern, line: 0, reason: "no such rule file")
                }
                files.insert(pattern)
            }
        }
        return files.sorted()
    }

    /// Parses every file the patterns match; the first error refuses them all.
    public static func load(_ patterns: [String]) throws(RuleFileError) -> [RuleGroup] {
        var groups: [RuleGroup] = []
        for file in try expand(patterns) {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw RuleFileError(file: file, line: 0, reason: "cannot read the file: \(error.localizedDescription)")
            }
            groups += try RuleFileParser.parse(text, file: file)
        }
        return groups
    }
}
