import Foundation
import HandoffContract
import Synchronization

/// When and how long a binding waits before trying a request again: on 429, on 5xx (500, 502, 503,
/// 504) and on transport errors or timeouts, with exponential backoff and full jitter, honouring
/// `Retry-After` (seconds) when the server sends it. Only use it for requests that are safe to repeat
/// (every write of the contract is idempotent: users by `externalId`, messages by `clientMessageId`,
/// conversations by `Idempotency-Key`, transfer and close by nature).
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. Default 5.
    public var maxAttempts: Int
    /// Backoff base in seconds; attempt n waits up to `baseDelay * 2^(n-1)`. Default 0.1 s.
    public var baseDelay: Double
    /// Longest wait between attempts, `Retry-After` included. Default 5 s.
    public var maxDelay: Double
    /// Seed of the jitter, so a test sees the same waits every run; nil draws from the system.
    public var seed: UInt64?

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.1, maxDelay: Double = 5, seed: UInt64? = nil) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.seed = seed
    }

    /// Whether an answer (or its absence) is worth another attempt.
    public static func isRetryable(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// The wait before attempt `attempt + 1`, given the server's `Retry-After` and a jitter draw in [0, 1).
    public func delay(afterAttempt attempt: Int, retryAfter: String?, jitter: Double) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, maxDelay)
        }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return ceiling * jitter
    }
}

/// Jitter draws in [0, 1), seeded or not, shared by the copies of a transport.
final class Jitter: Sendable {
    private let generator: Mutex<SplitMix64>

    init(seed: UInt64?) {
        generator = Mutex(SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max)))
    }

    func next() -> Double {
        generator.withLock { $0.unit() }
    }
}
