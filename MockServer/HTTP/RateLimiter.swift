import HTTPTypes
import Hummingbird
import Synchronization

/// One token bucket: holds up to `rate` requests and refills `rate` per second.
struct TokenBucket: Sendable {
    /// Requests per second, and the burst allowed after an idle second.
    let rate: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Double

    init(rate: Int, now: Double) {
        self.rate = Double(rate)
        tokens = Double(rate)
        updatedAt = now
    }

    /// Takes one token at `now` (seconds on any monotonic scale). Returns nil when the request may
    /// pass, or the whole seconds to wait before one token is back (at least 1).
    mutating func take(now: Double) -> Int? {
        tokens = min(rate, tokens + max(0, now - updatedAt) * rate)
        updatedAt = max(updatedAt, now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }

    /// True when the bucket is full again at `now`, so forgetting it changes nothing.
    func isFull(now: Double) -> Bool { tokens + max(0, now - updatedAt) * rate >= rate }
}

/// `--rate-limit N`: at most N requests per second per bearer token (a token bucket with a burst
/// of N); past it, 429 `rate_limited` with `Retry-After`. It runs after ``TokenAuthenticator``, so
/// only known tokens are counted and open routes (meta, workspace creation) never are.
/// Buckets are keyed by the token's SHA-256, so the secret itself is not kept; full buckets are
/// swept when the table grows, so memory stays bounded.
final class RateLimiter<C: Clock>: RouterMiddleware, Sendable where C.Duration == Duration {
    typealias Context = MockRequestContext
    /// Requests per second per token.
    let rate: Int
    let clock: C
    private let start: C.Instant
    private let state = Mutex(Buckets())

    /// The buckets, and the count past which full ones are swept (it doubles when a sweep frees
    /// little, so a flood of distinct tokens cannot make every request sweep).
    private struct Buckets {
        var byKey: [String: TokenBucket] = [:]
        var sweepAt = 4096
    }

    init(rate: Int, clock: C) {
        precondition(rate > 0, "a rate limit is a positive number of requests per second")
        self.rate = rate
        self.clock = clock
        start = clock.now
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // One bucket per token, however its header is spelled (`bearer x` and `Bearer x` are one caller).
        let key: String
        switch PresentedToken.bearer(request) {
        case .missing: return try await next(request, context)
        case .malformed: key = SupportStore.hash(token: request.headers[.authorization] ?? "")
        case .token(let token): key = SupportStore.hash(token: token)
        }
        let elapsed = start.duration(to: clock.now).components
        let now = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        let retryAfter = state.withLock { state -> Int? in
            if state.byKey.count > state.sweepAt {
                state.byKey = state.byKey.filter { !$0.value.isFull(now: now) }
                state.sweepAt = max(4096, state.byKey.count * 2)
            }
            var bucket = state.byKey[key] ?? TokenBucket(rate: rate, now: now)
            let wait = bucket.take(now: now)
            state.byKey[key] = bucket
            return wait
        }
        if let retryAfter {
            throw APIError(
                .tooManyRequests, code: "rate_limited",
                detail: "More than \(rate) requests per second with this token; retry after \(retryAfter) s.",
                headers: [.retryAfter: String(retryAfter)])
        }
        return try await next(request, context)
    }
}
