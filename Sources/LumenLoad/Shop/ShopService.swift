import LumenModel

/// The five services of the demo shop, each one instance on its own host, with the resource and
/// instrumentation scope its telemetry carries.
public enum ShopService: String, CaseIterable, Sendable {
    case frontend
    case checkout
    case cart
    case payment
    case database

    public var name: String { rawValue }

    /// Stable per service so that series and streams stay the same from run to run.
    public var instanceID: String {
        switch self {
        case .frontend: "frontend-7c9f4b-1"
        case .checkout: "checkout-5d8e21-1"
        case .cart: "cart-9a13f0-1"
        case .payment: "payment-2b77c4-1"
        case .database: "postgres-0"
        }
    }

    public var hostName: String {
        switch self {
        case .frontend: "shop-node-1"
        case .checkout, .cart: "shop-node-2"
        case .payment: "shop-node-3"
        case .database: "shop-db-1"
        }
    }

    public var resource: Resource {
        Resource(attributes: [
            Attribute("service.name", .string(name)),
            Attribute("service.instance.id", .string(instanceID)),
            Attribute("host.name", .string(hostName)),
            Attribute("service.version", .string("1.4.2")),
            Attribute("deployment.environment.name", .string("demo")),
        ])
    }

    public var scope: InstrumentationScope {
        InstrumentationScope(name: "lumen.shop.\(name)", version: "1.4.2")
    }

    /// The route the service serves in the demo, as its `http.server.*` metrics label it; `nil` for the
    /// database, which speaks the PostgreSQL protocol and reports no HTTP metrics.
    public var route: String? {
        switch self {
        case .frontend: "/checkout"
        case .checkout: "/api/checkout"
        case .cart: "/shop.CartService/GetCart"
        case .payment: "/shop.PaymentService/Charge"
        case .database: nil
        }
    }
}
