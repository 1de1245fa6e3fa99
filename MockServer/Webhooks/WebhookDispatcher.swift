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
    /// Its own client: a refused connection fails the attempt at once (the shared client would keep
    /// retrying the connection until the attempt's timeout), so a receiver that is down costs a
    /// retry slot, not a timeout, and a slow one still gets `policy.timeout` to answer.
    let client: HTTPClient
    let faults: FaultInjector
    let logger: Logger

    init(store: SupportStore, policy: WebhookRetryPolicy, faults: FaultInjector, logger: Logger) {
        self.store = store
        self.policy = policy
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(2)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.faults = faults
        self.logger = logger
    }

    /// Deliveries being sent now; a slow receiver holds only its own, never the others.
    private let inFlight = Mutex<Set<Int64>>([])
    /// Attempts in flight at most.
    private let maxInFlight = 64

    func run() async throws {
        do {
            try await dispatch()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
    }

    private func dispatch() async throws {
        await cancelWhenGracefulShutdown { [self] in
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
                            await deliver(delivery)
                            inFlight.withLock { _ = $0.remove(delivery.id) }
                            store.signal.fire(EventSignal.anyWorkspace)
                        }
                    }
                }
            }
        }
    }

    /// Our neutral webhooks retry with backoff; Chatwoot's account and inbox webhooks get one attempt,
    /// and its agent-bot deliveries retry a 429 or 500 up to three attempts in all, as Chatwoot does.
    func retryTime(for kind: String, status: Int?, attempts: Int, now: Double) -> Double? {
        switch kind {
        case "neutral": return policy.retryAt(now: now, attempts: attempts)
        case "chatwoot-bot":
            guard status == 429 || status == 500, attempts < 3 else { return nil }
            return now + policy.baseDelay * 6
        default: return nil
        }
    }

    /// Chatwoot's delivery ids are UUIDs; ours is derived from the delivery row, so retries keep it.
    static func chatwootDeliveryId(_ id: Int64) -> String {
        "00000000-0000-4000-8000-" + String(format: "%012llx", id)
    }

    private func deliver(_ delivery: DueDelivery) async {
        let body = delivery.body
        let chatwoot = delivery.kind != "neutral"
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookSignature.signedPayload(timestamp: timestamp, body: body),
            using: SymmetricKey(
                data: Data((store.has(delivery.kind == "neutral" ? .unsignedWebhooks : .cwUnsignedWebhooks) ? "" : delivery.secret).utf8)))
        let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: chatwoot ? "Chatwoot (HandoffKit mock)" : "HandoffKit-Mock")
        if chatwoot {
            request.headers.add(name: "X-Chatwoot-Delivery", value: Self.chatwootDeliveryId(delivery.id))
            request.headers.add(name: "X-Chatwoot-Timestamp", value: timestamp)
            request.headers.add(name: "X-Chatwoot-Signature", value: signature)
        } else {
            let deliveryId = EntityKind.delivery.id(delivery.id)
            request.headers.add(
                name: WebhookSignature.deliveryHeader,
                value: store.has(.unstableDeliveryId) ? "\(deliveryId)-\(delivery.attempts + 1)" : deliveryId)
            request.headers.add(name: WebhookSignature.eventHeader, value: delivery.eventName)
            request.headers.add(name: WebhookSignature.timestampHeader, value: timestamp)
            request.headers.add(name: WebhookSignature.signatureHeader, value: signature)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        var status: Int?
        var failure: String?
        let startedAt = Date()
        let started = ContinuousClock.now
        if faults.failWebhook(delivery.workspaceId) {
            failure = "injected fault: delivery not sent"
        } else {
            do {
                let response = try await client.execute(request, timeout: .seconds(policy.timeout))
                status = Int(response.status.code)
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } catch {
                failure = String(describing: error)
            }
        }
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let attempts = delivery.attempts + 1
        let retryAt =
            delivered || store.has(.noWebhookRetry)
            ? nil : retryTime(for: delivery.kind, status: status, attempts: attempts, now: Date().timeIntervalSince1970)
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
        journal(
            delivery, attempt: attempts, status: status, failure: failure, delivered: delivered, retrying: retryAt != nil,
            startedAt: startedAt, elapsed: ContinuousClock.now - started)
    }

    /// Records the attempt in the workspace's request journal.
    private func journal(
        _ delivery: DueDelivery, attempt: Int, status: Int?, failure: String?, delivered: Bool, retrying: Bool, startedAt: Date,
        elapsed: Duration
    ) {
        let outcome = delivered ? "delivered" : (retrying ? "retrying" : "failed")
        let deliveryId = EntityKind.delivery.id(delivery.id)
        let url = URL(string: delivery.url)
        let answer = status.map { "HTTP \($0)" } ?? "no answer"
        let entry = JournalEntry(
            time: startedAt, kind: .webhook, face: delivery.kind == "neutral" ? .neutral : .chatwoot, method: "POST",
            path: url?.path.isEmpty == false ? url!.path : "/", status: status, durationMs: JournalMiddleware.milliseconds(elapsed),
            conversationId: delivery.conversationId.map(EntityKind.conversation.id), error: failure,
            webhook: JournalWebhookAttempt(
                deliveryId: deliveryId, webhookId: EntityKind.webhook.id(delivery.webhookId), event: delivery.eventName,
                eventId: delivery.eventId.map(EntityKind.event.id), url: delivery.url, attempt: attempt, outcome: outcome,
                error: failure),
            summary: "webhook \(delivery.eventName) \(deliveryId) attempt \(attempt) to \(delivery.url) → \(answer): \(outcome)")
        store.journal.append(entry, workspace: delivery.workspaceId)
    }
}
