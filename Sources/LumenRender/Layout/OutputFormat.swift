/// How `lumen dash` writes a dashboard: `ansi` for a terminal (colour), `text` (the same frame without a single
/// escape sequence), `markdown` (a section per panel, tables as Markdown tables, charts in code blocks) and
/// `json` (the panels' data).
public enum OutputFormat: String, Sendable, CaseIterable {
    case ansi, text, markdown, json
}
