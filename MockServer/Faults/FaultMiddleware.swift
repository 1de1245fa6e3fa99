import Hummingbird

/// Applies the workspace's fault plan before a request has any effect: added latency, 503
/// `injected_fault`, or 429 `rate_limited` with `Retry-After`. Runs after authentication, on both faces.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    let faults: FaultInjector

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let workspace = context.workspace else { return try await next(request, context) }
        let (decision, latency) = faults.decide(workspace.id)
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        switch decision {
        case .pass:
            return try await next(request, context)
        case .fail:
            throw APIError(.serviceUnavailable, code: "injected_fault", detail: "Fault injected on purpose by this workspace's fault plan.")
        case .throttle(let seconds):
            throw APIError(
                .tooManyRequests, code: "rate_limited", detail: "Throttled on purpose by this workspace's fault plan.",
                headers: [.retryAfter: String(seconds)])
        }
    }
}
