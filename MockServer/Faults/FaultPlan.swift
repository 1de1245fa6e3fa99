/// Faults the mock injects into one workspace's traffic, to test a client's resilience. Every
/// choice is drawn from a generator seeded with `seed`, so a run replays exactly.
public struct FaultPlan: Sendable, Hashable, Codable {
    /// Added latency per request, in milliseconds. Default 0.
    public var latencyMs: Int
    /// Share of requests answered 503 `injected_fault` (0…1), before they have any effect. Default 0.
    public var errorRate: Double
    /// Share of requests answered 429 `rate_limited` with `Retry-After` (0…1). Default 0.
    public var throttleRate: Double
    /// The `Retry-After` of those 429s, in seconds. Default 1.
    public var retryAfterSeconds: Int
    /// Share of webhook delivery attempts that fail without being sent (0…1). Default 0.
    public var webhookFailureRate: Double
    /// Seed of the draws. Default 1.
    public var seed: UInt64

    /// Creates a plan; the default injects nothing.
    public init(
        latencyMs: Int = 0, errorRate: Double = 0, throttleRate: Double = 0, retryAfterSeconds: Int = 1,
        webhookFailureRate: Double = 0, seed: UInt64 = 1
    ) {
        self.latencyMs = latencyMs
        self.errorRate = errorRate
        self.throttleRate = throttleRate
        self.retryAfterSeconds = retryAfterSeconds
        self.webhookFailureRate = webhookFailureRate
        self.seed = seed
    }

    /// Decodes with every field optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? 0
        throttleRate = try c.decodeIfPresent(Double.self, forKey: .throttleRate) ?? 0
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1
        webhookFailureRate = try c.decodeIfPresent(Double.self, forKey: .webhookFailureRate) ?? 0
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
    }

    /// True when the plan injects nothing.
    public var isEmpty: Bool { latencyMs == 0 && errorRate == 0 && throttleRate == 0 && webhookFailureRate == 0 }

    /// The first field out of range, as (field, reason).
    public var problem: (String, String)? {
        if latencyMs < 0 || latencyMs > 60_000 { return ("latencyMs", "must be from 0 to 60000") }
        for (name, value) in [("errorRate", errorRate), ("throttleRate", throttleRate), ("webhookFailureRate", webhookFailureRate)]
        where !(0...1).contains(value) {
            return (name, "must be from 0 to 1")
        }
        if errorRate + throttleRate > 1 { return ("errorRate", "errorRate + throttleRate must be at most 1") }
        if retryAfterSeconds < 0 || retryAfterSeconds > 3600 { return ("retryAfterSeconds", "must be from 0 to 3600") }
        return nil
    }
}
