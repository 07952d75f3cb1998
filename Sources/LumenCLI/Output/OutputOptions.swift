import ArgumentParser

/// `--output`, which every command takes: how its answer is printed (see ``Output``).
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Aligned columns (or a waterfall, a summary) for people.
        case table
        /// The whole answer as one JSON document: the server's own answer where there is one.
        case json
        /// One JSON object per row, on its own line: the rows of the csv output, with numbers as numbers.
        case jsonl
        /// RFC 4180 comma-separated values with a header of snake_case names; raw numbers, Unix nanoseconds.
        case csv
    }

    @Option(help: "table for people; json, jsonl or csv for programs (docs/cli.md).")
    var output: Format = .table
}
