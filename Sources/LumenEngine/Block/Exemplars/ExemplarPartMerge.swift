import LumenModel

/// Merges the exemplar files of several blocks into one, series by series in label order (`BlockMerge`): a k-way
/// merge of the sources' pages (`PageMerge`), each series' exemplars from every source gathered, an exemplar given
/// twice kept once, and written as pages fill (`PageFile.FileWriter`). Memory holds one decoded page per source
/// (at most `ExemplarPart.maxExemplarsPerPage` exemplars and one series more), the exemplars of one series, and
/// one page being cut.
enum ExemplarPartMerge {
    /// Writes the merge of `sources` as the exemplar file at `path` and returns its statistics; nil, and no file,
    /// when no source has an exemplar. A damaged page of a source throws its `BlockError`, naming that source's
    /// file and the page's offset.
    static func write(_ sources: [ExemplarPartReader], to path: String, level: Int32) throws(BlockError)
        -> ExemplarPart.Statistics?
    {
        var series = PageMerge(try sources.map { source throws(BlockError) in
            let offsets = try source.pageOffsets()
            return (offsets.count, { (page: Int) throws(BlockError) in try source.series(inPageAt: offsets[page]) })
        }, by: { $0.labels < $1.labels })
        var file: PageFile.FileWriter?
        var pages = ExemplarPart.Pages()
        func write(_ page: [UInt8]?) throws(BlockError) {
            guard let page else { return }
            if file == nil { file = try PageFile.FileWriter(path: path, magic: ExemplarPart.magic, level: level) }
            _ = try file?.append(page)
        }
        var current = try series.next()
        while let first = current {
            // Every source's exemplars of these labels, an exemplar repeated kept once, in time order.
            var seen = Set<Exemplar>()
            var exemplars = first.exemplars.filter { seen.insert($0).inserted }
            current = try series.next()
            while let next = current, next.labels == first.labels {
                exemplars += next.exemplars.filter { seen.insert($0).inserted }
                current = try series.next()
            }
            exemplars.sort { $0.timestamp < $1.timestamp }
            try write(pages.add(first.labels, exemplars))
        }
        try write(pages.finish())
        guard let file else { return nil }
        try file.finish()
        return pages.statistics
    }
}
