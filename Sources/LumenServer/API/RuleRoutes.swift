import Hummingbird
import LumenModel
import LumenQuery
import LumenRules

/// The rules endpoints, as Prometheus serves them: `/api/v1/rules` (with its filters), `/api/v1/alerts`, and
/// `POST /-/reload`, which re-reads the rule files (as SIGHUP does) and answers 500 with the file, line and reason
/// when one does not load; the old rules then keep running. Each tenant sees its own rules (`RuleSource`).
struct RuleRoutes: Sendable {
    let rules: TenantRules
    let tenants: TenantResolver

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/rules") { request, _ in await self.envelope(request) { try await self.rules(request) } }
        router.get("/api/v1/alerts") { request, _ in
            await self.envelope(request) {
                RulesAPIJSON.alerts(try await self.status(request))
            }
        }
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/-/reload", method: method) { request, _ in
                try self.tenants.authorizeAdmin(request)
                do {
                    try await self.rules.reload()
                    return Response.text("")
                } catch {
                    return Response.text("failed to reload rules: \(error)", status: .internalServerError)
                }
            }
        }
    }

    /// The requesting tenant's rule groups; none when it has no rules.
    private func status(_ request: Request) async throws -> [RuleGroupStatus] {
        await rules.manager(for: try tenants.tenant(of: request))?.status() ?? []
    }

    private func rules(_ request: Request) async throws -> RulesAPIJSON.RuleDiscovery {
        let parameters = FormParameters(request.uri.query)
        var filter = RulesAPIFilter()
        do {
            filter.kind = try RulesAPIFilter.kind(parameters.all("type").last)
        } catch {
            throw APIError(.badRequest, "\(error)")
        }
        filter.ruleNames = Set(parameters.all("rule_name[]"))
        filter.groupNames = Set(parameters.all("rule_group[]"))
        filter.files = Set(parameters.all("file[]"))
        filter.matchers = try PrometheusRoutes.matcherSets(parameters.all("match[]"))
        filter.excludeAlerts = parameters.all("exclude_alerts").last == "true"
        return RulesAPIJSON.rules(try await status(request), filter: filter)
    }

    /// Prometheus' envelope around `data`, or its error envelope.
    private func envelope(_ request: Request, _ data: () async throws -> some Encodable) async -> Response {
        do {
            return Response.json(Success(data: try await data()))
        } catch let error as APIError {
            return Response.json(Failure(errorType: error.prometheusErrorType, error: error.message), status: error.status)
        } catch let error as QueryError {
            let apiError = APIError(error)
            return Response.json(Failure(errorType: apiError.prometheusErrorType, error: apiError.message),
                status: apiError.status)
        } catch {
            return Response.json(Failure(errorType: "bad_data", error: "\(error)"), status: .badRequest)
        }
    }

    private struct Success<Data: Encodable>: Encodable {
        var status = "success"
        let data: Data
    }

    private struct Failure: Encodable {
        var status = "error"
        let errorType: String
        let error: String
    }
}
