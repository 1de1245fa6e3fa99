import AsyncHTTPClient
import Crypto
import Foundation
import HandoffContract
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// How often and how long a failed webhook delivery is retried.
public struct WebhookRetryPolicy: Sendable {
    /// Delay before the first retry; each later retry doubles it. Default 0.5 s.
    public var baseDelay: Double
    /// Attempts in all before a delivery is marked `failed`. Default 6 (about 15 s of retries).
    public var maxAttempts: Int
    /// Time allowed for one attempt. Default 5 s.
    public var timeout: Int64

    /// Creates a policy.
    public init(baseDelay: Double = 0.5, maxAttempts: Int = 6, timeout: Int64 = 5) {
        self.baseDelay = baseDelay
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }

    /// When to try again after `attempts` failed attempts, or nil when it is time to give up.
    func retryAt(now: Double, attempts: Int) -> Double? {
        guard attempts < maxAttempts else { return nil }
        return now + baseDelay * pow(2, Double(attempts - 1))
    }
}

/// Sends queued webhook deliveries, signed, and retries failures with backoff. Deliveries live
/// in the store, so a restart picks up where the last run stopped.
final class WebhookDispatcher: Service {
    let store: SupportStore
    let policy: WebhookRetryPolicy
    let logger: Logger

    init(store: SupportStore, policy: WebhookRetryPolicy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// Deliveries being sent now; a slow receiver holds only its own, never the others.
    private let inFlight = Mutex<Set<Int64>>([])
    /// Attempts in flight at most.
    private let maxInFlight = 64

    func run() async throws {
        // Its own client, which does not retry a refused connection: the policy above is the only
        // retry. The shared client retries connecting until the attempt's deadline and then backs
        // off for that host, up to a minute, so a receiver that came back up kept failing.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await dispatch(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func dispatch(_ client: HTTPClient) async throws {
        try await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { [self] group in
                while !Task.isCancelled {
                    let generation = store.signal.generation(EventSignal.anyWorkspace)
                    let now = Date().timeIntervalSince1970
                    let busy = inFlight.withLock { $0 }
                    let room = maxInFlight - busy.count
                    let (due, nextDueAt) =
                        (try? store.dueDeliveries(now: now, limit: room + busy.count)) ?? ([], nil)
                    let fresh = due.filter { !busy.contains($0.id) }.prefix(max(0, room))
                    if fresh.isEmpty || store.has(.noWebhooks) {
                        let seconds = min(max((nextDueAt ?? now + 1) - now, 0.005), busy.isEmpty ? 1 : 0.05)
                        await store.signal.wait(
                            workspace: EventSignal.anyWorkspace, since: generation,
                            timeout: .milliseconds(Int(seconds * 1000)))
                        continue
                    }
                    for delivery in fresh {
                        inFlight.withLock { _ = $0.insert(delivery.id) }
                        group.addTask { [self] in
                            await deliver(delivery, client: client)
                            inFlight.withLock { _ = $0.remove(delivery.id) }
                            store.signal.fire(EventSignal.anyWorkspace)
                        }
                    }
                }
            }
        }
    }

    private func deliver(_ delivery: DueDelivery, client: HTTPClient) async {
        let body = (try? Rows.encoder.encode(delivery.event)).map(Array.init) ?? []
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookSignature.signedPayload(timestamp: timestamp, body: body),
            using: SymmetricKey(data: Data((store.has(.unsignedWebhooks) ? "" : delivery.secret).utf8)))
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "HandoffKit-Mock")
        let deliveryId = EntityKind.delivery.id(delivery.id)
        request.headers.add(
            name: WebhookSignature.deliveryHeader,
            value: store.has(.unstableDeliveryId) ? "\(deliveryId)-\(delivery.attempts + 1)" : deliveryId)
        request.headers.add(name: WebhookSignature.eventHeader, value: delivery.event.type.rawValue)
        request.headers.add(name: WebhookSignature.timestampHeader, value: timestamp)
        request.headers.add(
            name: WebhookSignature.signatureHeader, value: "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        request.body = .bytes(ByteBuffer(bytes: body))
        var status: Int?
        var failure: String?
        do {
            let response = try await client.execute(request, timeout: .seconds(policy.timeout))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            failure = String(describing: error)
        }
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let attempts = delivery.attempts + 1
        let retryAt =
            delivered || store.has(.noWebhookRetry) ? nil : policy.retryAt(now: Date().timeIntervalSince1970, attempts: attempts)
        if !delivered {
            logger.info(
                "webhook delivery failed",
                metadata: [
                    "delivery": "\(EntityKind.delivery.id(delivery.id))", "attempt": "\(attempts)",
                    "status": "\(status.map { String($0) } ?? failure ?? "-")",
                ])
        }
        do {
            try store.recordAttempt(
                delivery: delivery.id, delivered: delivered, status: status, error: failure, retryAt: retryAt)
        } catch {
            logger.error("could not record a webhook attempt", metadata: ["error": "\(error)"])
        }
    }
}
