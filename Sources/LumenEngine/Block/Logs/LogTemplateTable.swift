/// The templates of a block's log part, as the writer gathers them (`docs/format/logs.md`, "Templates"): each
/// distinct template once, for every page of the part, referred to by its index.
///
/// ```
/// uvarint T · T × (uvarint length · template)
/// ```
struct LogTemplateTable {
    private(set) var templates: [[UInt8]] = []
    private var indexes: [[UInt8]: Int] = [:]

    var isEmpty: Bool { templates.isEmpty }

    func index(of template: [UInt8]) -> Int? { indexes[template] }

    /// The index of `template`, added if new.
    mutating func add(_ template: [UInt8]) -> Int {
        if let index = indexes[template] { return index }
        indexes[template] = templates.count
        templates.append(template)
        return templates.count - 1
    }

    var bytes: [UInt8] {
        var out = ByteWriter(capacity: templates.reduce(8) { $0 + $1.count + 2 })
        out.count(templates.count)
        for template in templates { out.blob(template) }
        return out.bytes
    }
}
