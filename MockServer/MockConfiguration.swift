/// How the mock serves. Every default is the one `handoff mock` uses.
public struct MockConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1` (loopback only).
    public var host: String
    /// Port to bind; 0 picks a free one. Default 3000.
    public var port: Int
    /// Whether webhooks may be sent to non-loopback hosts. Default false.
    public var allowRemoteWebhooks: Bool
    /// Retries of failed webhook deliveries.
    public var webhookRetry: WebhookRetryPolicy
    /// Faults injected into every workspace that has no plan of its own. Default: none.
    public var faults: FaultPlan
    /// When set, every Chatwoot-face response is appended to this JSON Lines file (for fidelity checks).
    public var chatwootCapturePath: String?
    /// Requests per second allowed per bearer token (`--rate-limit`); past it, 429 `rate_limited`
    /// with `Retry-After`. Default nil: no limit.
    public var rateLimit: Int?
    /// The clock scripted agents (personas) keep time by. Default `ContinuousClock`; tests pass a faster one.
    public var personaClock: any Clock<Duration>
    /// Whether each webhook subscription also gets two forged deliveries (a wrong signature, a stale
    /// timestamp) that its receiver must refuse, journaled with kind `probe` (`--probe-webhooks`). Default false.
    public var probeWebhooks: Bool
    /// Host names accepted in `Host` besides `localhost`, IP addresses and the address bound (`--allowed-host`);
    /// any other name is answered 421, against DNS rebinding. Default none.
    public var allowedHosts: [String] = []
    /// Seconds a connection may sit without a request (or half-way through one) before it is closed
    /// (`--idle-timeout`). Default 90, longer than HTTP clients' own pool timeouts (60 s), so a client never
    /// sends on a connection the mock is closing.
    public var idleTimeoutSeconds: Int64 = 90
    /// Connections served at once (`--max-connections`); more wait until one closes. Default 512.
    public var maxConnections: Int = 512

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 3000, allowRemoteWebhooks: Bool = false,
        webhookRetry: WebhookRetryPolicy = .init(), chatwootCapturePath: String? = nil, faults: FaultPlan = .init(),
        rateLimit: Int? = nil, personaClock: any Clock<Duration> = ContinuousClock(), probeWebhooks: Bool = false,
        allowedHosts: [String] = [], idleTimeoutSeconds: Int64 = 90, maxConnections: Int = 512
    ) {
        self.allowedHosts = allowedHosts
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.faults = faults
        self.personaClock = personaClock
        self.chatwootCapturePath = chatwootCapturePath
        self.host = host
        self.port = port
        self.allowRemoteWebhooks = allowRemoteWebhooks
        self.webhookRetry = webhookRetry
        self.rateLimit = rateLimit
        self.probeWebhooks = probeWebhooks
    }
}
