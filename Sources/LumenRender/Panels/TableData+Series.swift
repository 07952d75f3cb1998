extension TableData {
    /// Series as table rows: one column per label (in name order, `__name__` as `metric`) and a `value` column
    /// holding each series reduced by the options (its last value by default).
    public init(series: [ChartSeries], options: PanelOptions) {
        let names = Set(series.flatMap(\.labels.keys)).sorted {
            ($0 == "__name__" ? "" : $0) < ($1 == "__name__" ? "" : $1)
        }
        let titles = names.isEmpty ? ["name"] : names.map { $0 == "__name__" ? "metric" : $0 }
        let reduction = options.reduce ?? .last
        let rows = series.map { one -> [Cell] in
            let value = reduction.apply(one)
            let labels = names.isEmpty ? [Cell(one.name)] : names.map { Cell(one.labels[$0] ?? "") }
            return labels + [Cell(options.format(value), value: value.isNaN ? nil : value)]
        }
        self.init(columns: titles + ["value"], rows: rows)
    }
}
