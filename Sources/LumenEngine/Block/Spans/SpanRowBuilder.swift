import LumenModel

/// What a span page's rows are decoded to (`SpanPage.decode`): made once per page, then given each admitted
/// row's fields with the row-by-row columns positioned after them, and it reads or steps over the row's
/// attributes, events and links.
protocol SpanRowBuilder {
    associatedtype Row
    init(tables: PageTables, attributes: AttributeColumnsReader)
    mutating func row(
        _ fields: SpanPage.RowFields, _ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader
    ) throws(BatchRecordError) -> Row
}

extension SpanPage {
    /// Whole spans.
    struct SpanRows: SpanRowBuilder {
        let tables: PageTables

        init(tables: PageTables, attributes: AttributeColumnsReader) { self.tables = tables }

        func row(
            _ fields: RowFields, _ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader
        ) throws(BatchRecordError) -> Span {
            Span(
                traceID: fields.trace, spanID: fields.id, parentSpanID: fields.parent, name: fields.name,
                kind: fields.kind, startTime: fields.start, endTime: fields.end,
                status: SpanStatus(code: fields.status, message: fields.message), attributes: try attributes.next(),
                events: try page.columns[Column.events.rawValue].events(start: fields.start),
                links: try page.columns[Column.links.rawValue].links(), resource: tables.resources[fields.resource],
                scope: tables.scopes[fields.scope])
        }
    }

    /// Call fields only (`SpanCallFields`): services looked up once per page, and of the attributes only a
    /// client or producer span's peer attributes built.
    struct CallRows: SpanRowBuilder {
        /// Each resource's `service.name`.
        let services: [String]
        /// Each attribute column's position in `SpanCallFields.peerAttributes`, or nil.
        let peerPositions: [Int?]

        init(tables: PageTables, attributes: AttributeColumnsReader) {
            services = tables.resources.map(\.serviceName)
            peerPositions = attributes.positions(of: SpanCallFields.peerAttributes)
        }

        func row(
            _ fields: RowFields, _ page: inout ColumnPageReader, _ attributes: inout AttributeColumnsReader
        ) throws(BatchRecordError) -> SpanCallFields {
            var peer: String?
            if SpanCallFields.namesPeer(fields.kind) {
                var found = [Attribute]()
                try attributes.next(selecting: peerPositions) { position, value in
                    found.append(Attribute(SpanCallFields.peerAttributes[position], value))
                }
                peer = SpanCallFields.peer(of: found)
            } else {
                try attributes.skip()
            }
            try page.columns[Column.events.rawValue].skipEvents()
            try page.columns[Column.links.rawValue].skipLinks()
            return SpanCallFields(
                traceID: fields.trace, spanID: fields.id, parentSpanID: fields.parent,
                service: services[fields.resource], kind: fields.kind, status: fields.status,
                startTime: fields.start, endTime: fields.end, peer: peer)
        }
    }
}
