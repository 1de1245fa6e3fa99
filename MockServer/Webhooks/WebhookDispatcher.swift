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

/// A forged delivery that a correct webhook receiver must refuse (`handoff mock --probe-webhooks`).
enum WebhookProbe: String, CaseIterable, Sendable {
    /// A fresh timestamp, signed with a wrong secret.
    case badSignature = "bad-signature"
    /// Signed with the real secret, but the timestamp is ``WebhookDispatcher/probeStaleness`` seconds old.
    case staleTimestamp = "stale-timestamp"
}

/// Sends queued webhook deliveries, signed, and retries failures with backoff. Deliveries live
/// in the store, so a restart picks up where the last run stopped.
///
/// With `probes` on, each subscription also gets two forged deliveries (``WebhookProbe``) right after
/// its first real attempt about a conversation, once per process: never stored, never retried, journaled
/// with kind `probe` so that `handoff verify` can judge whether the receiver refused them.
final class WebhookDispatcher: Service {
    let store: SupportStore
    let policy: WebhookRetryPolicy
    /// Whether subscriptions get forged probe deliveries.
    let probes: Bool
    /// Its own client: a refused connection fails the attempt at once (the shared client would keep
    /// retrying the connection until the attempt's timeout), so a receiver that is down costs a
    /// retry slot, not a timeout, and a slow one still gets `policy.timeout` to answer.
    let client: HTTPClient
    let faults: FaultInjector
    let logger: Logger

    /// `--allow-remote-webhooks`: otherwise every attempt checks again that its URL resolves to loopback.
    let allowRemote: Bool

    init(
        store: SupportStore, policy: WebhookRetryPolicy, faults: FaultInjector, logger: Logger, probes: Bool = false,
        allowRemote: Bool = false
    ) {
        self.store = store
        self.policy = policy
        self.probes = probes
        self.allowRemote = allowRemote
        var configuration = HTTPClient.Configuration()
        // A redirect is the receiver's answer, never an instruction: a 3xx is a failed attempt, retried like any
        // other, and the Location is never requested (it could name any host, and a 307 would re-send the body).
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(2)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.faults = faults
        self.logger = logger
    }

    /// Deliveries being sent now; a slow receiver holds only its own, never the others.
    private let inFlight = Mutex<[Int64: (workspace: Int64, url: String)]>([:])
    /// Attempts in flight at most for one workspace, and for one receiver URL: a workspace whose receivers
    /// hang (each holds its slot for the attempt's timeout) delays only itself, never another workspace.
    private let maxPerWorkspace = 16
    private let maxPerTarget = 4
    /// Attempts in flight at most.
    private let maxInFlight = 64
    /// Subscriptions (webhook row ids) already probed, or being probed, by this process.
    private let probed = Mutex<Set<Int64>>([])
    /// Real attempts whose subscription is due its probes; the dispatch loop starts them as child tasks.
    private let dueProbes = Mutex<[DueDelivery]>([])
    /// The last probe number handed out (`dlv_probe_<n>`).
    private let probeNumber = Mutex<Int>(0)
    /// How old the stale probe's timestamp is, in seconds: past any sensible tolerance (Chatwoot's and ours is 300).
    static let probeStaleness = 600

    private func dueProbesEmpty() -> Bool { dueProbes.withLock { $0.isEmpty } }

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
                // What the last look at the queue saw: with nothing queued since, nothing in flight and nothing due yet,
                // a wake-up (every acknowledged write fires one) needs no query.
                var quiet = false
                var lastQueued: UInt64 = 0
                var lastNextDue: Double?
                while !Task.isCancelled {
                    let generation = store.signal.generation(EventSignal.anyWorkspace)
                    // Probes run beside the real deliveries, never in their slots.
                    let probesDue = dueProbes.withLock { due in
                        let taken = due
                        due.removeAll()
                        return taken
                    }
                    for delivery in probesDue {
                        group.addTask { [self] in await probe(after: delivery) }
                    }
                    let now = Date().timeIntervalSince1970
                    let busy = inFlight.withLock { $0 }
                    let room = maxInFlight - busy.count
                    let queued = store.deliveriesQueued.load(ordering: .acquiring)
                    if quiet, busy.isEmpty, queued == lastQueued, (lastNextDue ?? .infinity) > now, dueProbesEmpty() {
                        let seconds = min(max((lastNextDue ?? now + 1) - now, 0.005), 1)
                        await store.signal.wait(
                            workspace: EventSignal.anyWorkspace, since: generation, timeout: .milliseconds(Int(seconds * 1000)))
                        continue
                    }
                    lastQueued = queued
                    let (due, nextDueAt) =
                        (try? store.dueDeliveries(now: now, limit: maxInFlight * 4, perWorkspace: maxPerWorkspace * 2)) ?? ([], nil)
                    quiet = due.isEmpty && busy.isEmpty
                    lastNextDue = nextDueAt
                    var fresh = Self.fair(due, busy: busy, room: room, perWorkspace: maxPerWorkspace, perTarget: maxPerTarget)
                    if store.boundary.sendsWebhooks, fresh.contains(where: { $0.recipe != nil }) {
                        // Chatwoot bodies are rendered now, out of the writes that queued them; on a failed render
                        // those deliveries wait for the next pass.
                        do {
                            fresh = try await store.renderChatwootPayloads(fresh)
                        } catch {
                            logger.error("could not render webhook payloads", metadata: ["error": "\(error)"])
                            fresh.removeAll { $0.recipe != nil }
                        }
                    }
                    if fresh.isEmpty || !store.boundary.sendsWebhooks {
                        let seconds = min(max((nextDueAt ?? now + 1) - now, 0.005), busy.isEmpty ? 1 : 0.05)
                        await store.signal.wait(
                            workspace: EventSignal.anyWorkspace, since: generation,
                            timeout: .milliseconds(Int(seconds * 1000)))
                        continue
                    }
                    for delivery in fresh {
                        inFlight.withLock { $0[delivery.id] = (delivery.workspaceId, delivery.url) }
                        group.addTask { [self] in
                            await deliver(delivery)
                            if probes, delivery.conversationId != nil,
                                probed.withLock({ $0.insert(delivery.webhookId).inserted })
                            {
                                dueProbes.withLock { $0.append(delivery) }
                            }
                            inFlight.withLock { _ = $0.removeValue(forKey: delivery.id) }
                            store.signal.fire(EventSignal.anyWorkspace)
                        }
                    }
                }
            }
        }
    }

    /// The deliveries to start now: in the order given (oldest first, workspaces taking turns), skipping those in
    /// flight, while the workspace and the receiver URL each have a free slot, up to `room` in all.
    static func fair(
        _ due: [DueDelivery], busy: [Int64: (workspace: Int64, url: String)], room: Int, perWorkspace: Int, perTarget: Int
    ) -> [DueDelivery] {
        var byWorkspace: [Int64: Int] = [:]
        var byTarget: [String: Int] = [:]
        for (_, slot) in busy {
            byWorkspace[slot.workspace, default: 0] += 1
            byTarget[slot.url, default: 0] += 1
        }
        var chosen: [DueDelivery] = []
        for delivery in due where chosen.count < room && busy[delivery.id] == nil {
            guard byWorkspace[delivery.workspaceId, default: 0] < perWorkspace, byTarget[delivery.url, default: 0] < perTarget
            else { continue }
            byWorkspace[delivery.workspaceId, default: 0] += 1
            byTarget[delivery.url, default: 0] += 1
            chosen.append(delivery)
        }
        return chosen
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

    /// `sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`, for either face.
    static func signature(timestamp: String, body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookSignature.signedPayload(timestamp: timestamp, body: body), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The secret deliveries to this subscription are signed with (empty under an unsigned-webhooks defect).
    private func signingSecret(_ delivery: DueDelivery) -> String {
        store.boundary.has(delivery.kind == "neutral" ? .unsignedWebhooks : .cwUnsignedWebhooks) ? "" : delivery.secret
    }

    /// A signed POST with the headers of a delivery of `kind`: Chatwoot's for the Chatwoot kinds, ours for `neutral`.
    private func request(
        url: String, kind: String, deliveryId: String, event: String, timestamp: String, signature: String, body: [UInt8]
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if kind != "neutral" {
            request.headers.add(name: "User-Agent", value: "Chatwoot (HandoffKit mock)")
            request.headers.add(name: "X-Chatwoot-Delivery", value: deliveryId)
            request.headers.add(name: "X-Chatwoot-Timestamp", value: timestamp)
            request.headers.add(name: "X-Chatwoot-Signature", value: signature)
        } else {
            request.headers.add(name: "User-Agent", value: "HandoffKit-Mock")
            request.headers.add(name: WebhookSignature.deliveryHeader, value: deliveryId)
            request.headers.add(name: WebhookSignature.eventHeader, value: event)
            request.headers.add(name: WebhookSignature.timestampHeader, value: timestamp)
            request.headers.add(name: WebhookSignature.signatureHeader, value: signature)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// One attempt, real or probe: the receiver's status, or why there is none. The address is checked again
    /// first (loopback only unless allowed), and a redirect is an answer like any other, never followed.
    private func send(_ request: HTTPClientRequest, to url: String) async -> (status: Int?, failure: String?) {
        if let refusal = DeliveryAddressCheck.refusal(url, allowRemote: allowRemote) { return (nil, refusal) }
        do {
            let response = try await client.execute(request, timeout: .seconds(policy.timeout))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (Int(response.status.code), nil)
        } catch {
            return (nil, String(describing: error))
        }
    }

    private func deliver(_ delivery: DueDelivery) async {
        let body = delivery.body
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signature = Self.signature(timestamp: timestamp, body: body, secret: signingSecret(delivery))
        let deliveryId: String
        if delivery.kind != "neutral" {
            deliveryId = Self.chatwootDeliveryId(delivery.id)
        } else {
            let id = EntityKind.delivery.id(delivery.id)
            deliveryId = store.boundary.stableDeliveryIds ? id : "\(id)-\(delivery.attempts + 1)"
        }
        let request = request(
            url: delivery.url, kind: delivery.kind, deliveryId: deliveryId, event: delivery.eventName, timestamp: timestamp,
            signature: signature, body: body)
        var status: Int?
        var failure: String?
        let startedAt = Date()
        let started = ContinuousClock.now
        // A Chatwoot body that rendered to nothing: its conversation or message is gone, so there is nothing to send.
        let vanished = delivery.body.isEmpty && delivery.payloadId != nil
        if vanished {
            failure = "not sent: the conversation or message it is about no longer exists"
        } else if faults.failWebhook(delivery.workspaceId) {
            failure = "injected fault: delivery not sent"
        } else {
            (status, failure) = await send(request, to: delivery.url)
        }
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let attempts = delivery.attempts + 1
        let retryAt =
            delivered || vanished || !store.boundary.retriesWebhooks
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
            try await store.recordAttempt(
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

    // MARK: probes

    /// A forged `conversation.resolved` built from a real delivery's body: for `neutral`, the event with
    /// `type` `conversation.resolved`, id `eventId` and no `message`; for the Chatwoot kinds, the payload with
    /// `event` `conversation_resolved` and `status` `resolved` where it has them. Nil when the body is no JSON object.
    static func forgedBody(_ body: [UInt8], kind: String, eventId: String) -> [UInt8]? {
        guard case .object(var object)? = JSONValueParser.parse(body) else { return nil }
        if kind == "neutral" {
            object["type"] = .string(EventType.conversationResolved.rawValue)
            object["id"] = .string(eventId)
            object.removeValue(forKey: "message")
        } else {
            if object["event"] != nil { object["event"] = .string("conversation_resolved") }
            if object["status"] != nil { object["status"] = .string("resolved") }
            if case .object(var conversation)? = object["conversation"], conversation["status"] != nil {
                conversation["status"] = .string("resolved")
                object["conversation"] = .object(conversation)
            }
        }
        return JSONValueWriter.bytes(.object(object))
    }

    /// Sends the subscription of `delivery` its two probes, one after the other, to the same URL.
    private func probe(after delivery: DueDelivery) async {
        let first = probeNumber.withLock { number in
            number += WebhookProbe.allCases.count
            return number - WebhookProbe.allCases.count + 1
        }
        let eventId = "evt_probe_\(first)"
        guard let body = Self.forgedBody(delivery.body, kind: delivery.kind, eventId: eventId) else {
            logger.error("could not forge a webhook probe", metadata: ["delivery": "\(EntityKind.delivery.id(delivery.id))"])
            return
        }
        for (offset, probe) in WebhookProbe.allCases.enumerated() {
            await send(probe, number: first + offset, eventId: eventId, body: body, like: delivery)
        }
    }

    /// Sends one probe and journals the receiver's answer.
    private func send(_ probe: WebhookProbe, number: Int, eventId: String, body: [UInt8], like delivery: DueDelivery) async {
        let now = Int(Date().timeIntervalSince1970)
        let secret = signingSecret(delivery)
        let timestamp: String
        let signature: String
        switch probe {
        case .badSignature:
            timestamp = String(now)
            signature = Self.signature(timestamp: timestamp, body: body, secret: secret + "x")
        case .staleTimestamp:
            timestamp = String(now - Self.probeStaleness)
            signature = Self.signature(timestamp: timestamp, body: body, secret: secret)
        }
        let neutral = delivery.kind == "neutral"
        let event = EventType.conversationResolved.rawValue
        let deliveryId = "dlv_probe_\(number)"
        let request = request(
            url: delivery.url, kind: delivery.kind,
            deliveryId: neutral ? deliveryId : "00000000-0000-4000-9000-" + String(format: "%012llx", Int64(number)),
            event: event, timestamp: timestamp, signature: signature, body: body)
        var status: Int?
        var failure: String?
        let startedAt = Date()
        let started = ContinuousClock.now
        (status, failure) = await send(request, to: delivery.url)
        let elapsed = ContinuousClock.now - started
        let accepted = status.map { (200..<300).contains($0) } ?? false
        let outcome = accepted ? "accepted" : "refused"
        if accepted {
            logger.notice(
                "webhook receiver accepted a forged probe",
                metadata: ["probe": "\(probe.rawValue)", "url": "\(delivery.url)", "status": "\(status ?? 0)"])
        }
        let url = URL(string: delivery.url)
        let answer = status.map { "HTTP \($0)" } ?? "no answer"
        let entry = JournalEntry(
            time: startedAt, kind: .probe, face: neutral ? .neutral : .chatwoot, method: "POST",
            path: url?.path.isEmpty == false ? url!.path : "/", status: status, durationMs: JournalMiddleware.milliseconds(elapsed),
            conversationId: delivery.conversationId.map(EntityKind.conversation.id), error: failure,
            webhook: JournalWebhookAttempt(
                deliveryId: deliveryId, webhookId: EntityKind.webhook.id(delivery.webhookId), event: event,
                eventId: neutral ? eventId : nil, url: delivery.url, attempt: 1, outcome: outcome, error: failure,
                probe: probe.rawValue),
            summary: "probe \(probe.rawValue) \(event) \(deliveryId) to \(delivery.url) → \(answer): \(outcome)")
        store.journal.append(entry, workspace: delivery.workspaceId)
    }
}
