import LumenModel

/// One request through the shop, simulated step by step on a moving clock. Spans are built once their end
/// is known; logs are stamped with the span they were logged in.
struct ShopScenario {
    var random: SplitMix64
    let start: Int64
    let traceID: TraceID
    var clock: Int64
    var spans: [Span] = []
    var logs: [LogRecord] = []
    var calls: [ShopRequest.ServerCall] = []

    static let declineReasons = ["card_expired", "insufficient_funds", "do_not_honor", "processor_timeout"]

    init(random: SplitMix64, start: Int64) {
        self.random = random
        self.start = start
        clock = start
        var high = self.random.next()
        let low = self.random.next()
        if high == 0 && low == 0 { high = 1 }
        traceID = TraceID(high: high, low: low)
    }

    mutating func run() -> ShopRequest {
        let order = random.int(in: 1000...99_999)
        let cart = random.int(in: 100...9_999)
        let items = random.int(in: 1...6)
        let cents = random.int(in: 500...50_000)
        let amount = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100) USD"
        let declined = random.chance(ShopWorkload.errorRate)
        // Drawn for every request, so that the rest of the sequence does not depend on whether it fails.
        let deadlocked = random.chance(ShopWorkload.databaseErrorRate) && !declined
        let failure: ShopRequest.Failure? = declined ? .declined : deadlocked ? .databaseDeadlock : nil
        let failed = failure != nil
        let slow = random.chance(ShopWorkload.slowRate)
        let slowService: ShopService = random.chance(0.5) ? .cart : .database
        let slowFactor = random.int(in: 10...50)
        let declineReason = random.element(of: Self.declineReasons)
        let reason = deadlocked ? "database error" : declineReason
        func factor(_ service: ShopService) -> Int64 { slow && slowService == service ? slowFactor : 1 }
        let orderAttribute = Attribute("app.order.id", .int(order))

        // frontend: GET /checkout
        let frontendServer = spanID()
        let frontendStart = clock
        advance(0.05, 0.2)
        log(.frontend, frontendServer, .info, "GET /checkout for cart \(cart) (session \(sessionText()))")
        advance(0.2, 1.0)
        let frontendClient = spanID()
        let frontendClientStart = clock
        network()

        // checkout: POST /api/checkout
        let checkoutServer = spanID()
        let checkoutStart = clock
        advance(0.05, 0.2)
        log(.checkout, checkoutServer, .info, "placing order \(order) for cart \(cart): \(items) items, \(amount)",
            [orderAttribute])
        advance(0.1, 0.4)

        // checkout → cart: GetCart
        let cartClient = spanID()
        let cartClientStart = clock
        network()
        let cartServer = spanID()
        let cartStart = clock
        advance(1, 5, factor: factor(.cart))
        let cartDuration = clock - cartStart
        if factor(.cart) > 1 {
            log(.cart, cartServer, .warn,
                "GetCart for cart \(cart) took \(DurationText.format(cartDuration)) (usually under 5ms)")
        } else {
            log(.cart, cartServer, .info, "loaded cart \(cart) with \(items) items")
        }
        serverSpan(.cart, cartServer, parent: cartClient, "GetCart", from: cartStart, rpc: ("CartService", "GetCart"),
                   extra: [Attribute("app.cart.id", .int(cart)), Attribute("app.cart.items", .int(items))])
        network()
        clientSpan(.checkout, cartClient, parent: checkoutServer, "GetCart", from: cartClientStart,
                   rpc: ("CartService", "GetCart"), peer: .cart)
        advance(0.1, 0.4)

        // checkout → payment: Charge
        let chargeClient = spanID()
        let chargeClientStart = clock
        network()
        let chargeServer = spanID()
        let chargeStart = clock
        advance(0.05, 0.2)
        log(.payment, chargeServer, .info, "charging \(amount) for order \(order)", [orderAttribute])
        advance(0.1, 0.4)
        query(chargeServer, "SELECT", table: "accounts",
              "SELECT id, balance_cents, card_token FROM accounts WHERE customer_id = $1", factor: factor(.database))
        advance(2, 8)  // the card processor's answer
        var chargeStatus = SpanStatus()
        var chargeEvents: [SpanEvent] = []
        if declined {
            let message = "payment declined for order \(order): \(reason)"
            chargeStatus = SpanStatus(code: .error, message: "card declined: \(reason)")
            chargeEvents.append(SpanEvent(time: clock, name: "exception", attributes: [
                Attribute("exception.type", .string("PaymentDeclinedError")),
                Attribute("exception.message", .string(message)),
            ]))
            log(.payment, chargeServer, .error, message, [orderAttribute, Attribute("app.decline.reason", .string(reason))])
        } else {
            query(chargeServer, "INSERT", table: "payments",
                  "INSERT INTO payments (order_id, amount_cents, status) VALUES ($1, $2, 'captured')", factor: 1,
                  deadlocked: deadlocked)
            if deadlocked {
                let message =
                    "payment failed for order \(order): \(Self.deadlockMessage) (SQLSTATE \(Self.deadlockState))"
                chargeStatus = SpanStatus(code: .error, message: "database error: \(Self.deadlockMessage)")
                chargeEvents.append(SpanEvent(time: clock, name: "exception", attributes: [
                    Attribute("exception.type", .string("DeadlockDetected")),
                    Attribute("exception.message", .string(message)),
                ]))
                log(.payment, chargeServer, .error, message,
                    [orderAttribute, Attribute("db.response.status_code", .string(Self.deadlockState))])
            } else {
                log(.payment, chargeServer, .info, "payment captured for order \(order) (txn \(sessionText()))",
                    [orderAttribute])
            }
        }
        advance(0.1, 0.3)
        serverSpan(.payment, chargeServer, parent: chargeClient, "Charge", from: chargeStart,
                   rpc: ("PaymentService", "Charge"), status: chargeStatus, statusCode: failed ? 500 : 200,
                   events: chargeEvents)
        network()
        clientSpan(.checkout, chargeClient, parent: checkoutServer, "Charge", from: chargeClientStart,
                   rpc: ("PaymentService", "Charge"), peer: .payment,
                   status: failed ? SpanStatus(code: .error, message: "payment failed: \(reason)") : SpanStatus())
        advance(0.2, 1.0)
        if failed {
            log(.checkout, checkoutServer, .error, "order \(order) failed: payment service returned 500 (\(reason))",
                [orderAttribute])
        } else {
            log(.checkout, checkoutServer, .info, "order \(order) placed", [orderAttribute])
        }
        serverSpan(.checkout, checkoutServer, parent: frontendClient, "POST /api/checkout", from: checkoutStart,
                   http: "POST", status: failed ? SpanStatus(code: .error, message: "payment failed") : SpanStatus(),
                   statusCode: failed ? 500 : 200, extra: [orderAttribute])
        network()
        clientSpan(.frontend, frontendClient, parent: frontendServer, "POST /api/checkout", from: frontendClientStart,
                   http: ("POST", failed ? 500 : 200), peer: .checkout,
                   status: failed ? SpanStatus(code: .error) : SpanStatus())
        advance(0.2, 1.0)
        let total = clock - frontendStart
        if failed {
            log(.frontend, frontendServer, .error,
                "GET /checkout returned 502 after \(DurationText.format(total)): checkout failed")
        } else if total > 100_000_000 {
            log(.frontend, frontendServer, .warn, "GET /checkout was slow: \(DurationText.format(total))")
        }
        serverSpan(.frontend, frontendServer, parent: nil, "GET /checkout", from: frontendStart, http: "GET",
                   status: failed ? SpanStatus(code: .error, message: "checkout failed") : SpanStatus(),
                   statusCode: failed ? 502 : 200)

        spans.sort { $0.startTime != $1.startTime ? $0.startTime < $1.startTime : $0.kind.rawValue < $1.kind.rawValue }
        logs.sort { $0.time < $1.time }
        calls.reverse()  // outermost call first, as the request flowed
        return ShopRequest(traceID: traceID, spans: spans, logs: logs, serverCalls: calls, failure: failure,
                           slow: slow)
    }
}
