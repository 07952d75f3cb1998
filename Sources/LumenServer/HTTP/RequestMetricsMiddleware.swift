import Hummingbird

/// Times every request into `lumen_http_request_duration_seconds{listener, route, code}`. The route is the
/// matched path template, so the label's values stay few.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let listener: String
    let telemetry: SelfTelemetry

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(context, status: Int(response.status.code), since: started)
            return response
        } catch {
            record(context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), since: started)
            throw error
        }
    }

    private func record(_ context: Context, status: Int, since started: ContinuousClock.Instant) {
        telemetry.request(
            listener: listener, route: context.endpointPath ?? "unmatched", status: status,
            duration: ContinuousClock.now - started)
    }
}
