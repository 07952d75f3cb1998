import LumenModel

/// The building blocks of a scenario: the clock, IDs, log records and spans with the attributes of
/// OpenTelemetry's HTTP, RPC and database semantic conventions.
extension ShopScenario {
    mutating func spanID() -> SpanID {
        let value = random.next()
        return SpanID(value == 0 ? 1 : value)
    }

    /// Moves the clock on by `low`–`high` milliseconds, times `factor`.
    mutating func advance(_ low: Double, _ high: Double, factor: Int64 = 1) {
        clock += max(1_000, random.milliseconds(low, high) * factor)
    }

    /// One hop across the network between two services.
    mutating func network() {
        advance(0.1, 0.5)
    }

    /// A short hex token for session and transaction IDs in log bodies.
    mutating func sessionText() -> String {
        String(random.next() >> 40, radix: 16)
    }

    mutating func log(
        _ service: ShopService, _ span: SpanID, _ level: Severity.Level, _ body: String, _ attributes: [Attribute] = []
    ) {
        logs.append(LogRecord(
            time: clock, severity: Severity(level), body: .string(body), attributes: attributes, traceID: traceID,
            spanID: span, resource: service.resource, scope: service.scope))
    }

    /// A server span from `from` to now; records the call for the metric instruments when the service
    /// serves a route.
    mutating func serverSpan(
        _ service: ShopService, _ id: SpanID, parent: SpanID?, _ name: String, from: Int64, http method: String? = nil,
        rpc: (service: String, method: String)? = nil, status: SpanStatus = SpanStatus(), statusCode: Int = 200,
        events: [SpanEvent] = [], extra: [Attribute] = []
    ) {
        var attributes: [Attribute] = []
        let route = service.route ?? name
        if let method {
            attributes += [
                Attribute("http.request.method", .string(method)),
                Attribute("http.route", .string(route)),
                Attribute("url.path", .string(route)),
                Attribute("url.scheme", .string("http")),
                Attribute("http.response.status_code", .int(Int64(statusCode))),
            ]
        }
        if let rpc {
            attributes += Self.rpcAttributes(rpc, failed: status.code == .error)
        }
        spans.append(Span(
            traceID: traceID, spanID: id, parentSpanID: parent, name: name, kind: .server, startTime: from,
            endTime: clock, status: status, attributes: attributes + extra, events: events,
            resource: service.resource, scope: service.scope))
        if service.route != nil {
            calls.append(ShopRequest.ServerCall(
                service: service, route: route, method: method ?? "POST", statusCode: statusCode,
                duration: clock - from, endTime: clock))
        }
    }

    /// A client span from `from` to now, calling `peer` over HTTP or gRPC.
    mutating func clientSpan(
        _ service: ShopService, _ id: SpanID, parent: SpanID, _ name: String, from: Int64,
        http: (method: String, statusCode: Int)? = nil, rpc: (service: String, method: String)? = nil,
        peer: ShopService, status: SpanStatus = SpanStatus()
    ) {
        var attributes = [Attribute("server.address", .string(peer.name))]
        if let http {
            attributes += [
                Attribute("server.port", .int(8080)),
                Attribute("http.request.method", .string(http.method)),
                Attribute("url.full", .string("http://\(peer.name):8080\(peer.route ?? "/")")),
                Attribute("http.response.status_code", .int(Int64(http.statusCode))),
            ]
        }
        if let rpc {
            attributes.append(Attribute("server.port", .int(50051)))
            attributes += Self.rpcAttributes(rpc, failed: status.code == .error)
        }
        spans.append(Span(
            traceID: traceID, spanID: id, parentSpanID: parent, name: name, kind: .client, startTime: from,
            endTime: clock, status: status, attributes: attributes, resource: service.resource, scope: service.scope))
    }

    /// Payment's client span for one SQL statement and the database's server span inside it; the database
    /// logs the statement with its duration, as PostgreSQL's `log_min_duration_statement` does.
    ///
    /// With `deadlocked`, the database aborts the statement as a deadlock's victim once its
    /// `deadlock_timeout` (1 s) has passed: both spans end in error with SQLSTATE 40P01, the database logs
    /// it at error, and payment's client span records the exception its driver raised.
    mutating func query(
        _ parent: SpanID, _ operation: String, table: String, _ statement: String, factor: Int64,
        deadlocked: Bool = false
    ) {
        let client = spanID()
        let clientStart = clock
        advance(0.05, 0.15)
        let server = spanID()
        let serverStart = clock
        if deadlocked {
            advance(1_000, 1_030)
        } else {
            advance(0.3, 2.5, factor: factor)
        }
        let duration = Double(clock - serverStart) / 1e6
        let millis = (duration * 1000).rounded() / 1000
        if deadlocked {
            log(.database, server, .error,
                "deadlock detected (SQLSTATE 40P01) after \(millis) ms  statement: \(statement)",
                [Attribute("db.response.status_code", .string(Self.deadlockState))])
        } else if factor > 1 {
            log(.database, server, .warn, "slow query: duration: \(millis) ms  statement: \(statement)")
        } else {
            log(.database, server, .info, "duration: \(millis) ms  statement: \(statement)")
        }
        let name = "\(operation) shop.\(table)"
        var database = [
            Attribute("db.system", .string("postgresql")),
            Attribute("db.name", .string("shop")),
            Attribute("db.operation", .string(operation)),
            Attribute("db.sql.table", .string(table)),
            Attribute("db.statement", .string(statement)),
        ]
        var status = SpanStatus()
        var events: [SpanEvent] = []
        if deadlocked {
            database += [
                Attribute("db.response.status_code", .string(Self.deadlockState)),
                Attribute("error.type", .string(Self.deadlockState)),
            ]
            status = SpanStatus(code: .error, message: Self.deadlockMessage)
        }
        spans.append(Span(
            traceID: traceID, spanID: server, parentSpanID: client, name: name, kind: .server, startTime: serverStart,
            endTime: clock, status: status, attributes: database, resource: ShopService.database.resource,
            scope: ShopService.database.scope))
        advance(0.05, 0.15)
        if deadlocked {
            events.append(SpanEvent(time: clock, name: "exception", attributes: [
                Attribute("exception.type", .string("DeadlockDetected")),
                Attribute("exception.message", .string(Self.deadlockMessage)),
            ]))
        }
        spans.append(Span(
            traceID: traceID, spanID: client, parentSpanID: parent, name: name, kind: .client, startTime: clientStart,
            endTime: clock, status: status,
            attributes: database + [
                Attribute("server.address", .string(ShopService.database.hostName)),
                Attribute("server.port", .int(5432)),
            ],
            events: events, resource: ShopService.payment.resource, scope: ShopService.payment.scope))
    }

    /// PostgreSQL's SQLSTATE and message for a transaction aborted to break a deadlock.
    static let deadlockState = "40P01"
    static let deadlockMessage = "deadlock detected"

    private static func rpcAttributes(_ rpc: (service: String, method: String), failed: Bool) -> [Attribute] {
        [
            Attribute("rpc.system", .string("grpc")),
            Attribute("rpc.service", .string("shop.\(rpc.service)")),
            Attribute("rpc.method", .string(rpc.method)),
            // gRPC's INTERNAL (13) for failures, OK (0) otherwise.
            Attribute("rpc.grpc.status_code", .int(failed ? 13 : 0)),
        ]
    }
}
