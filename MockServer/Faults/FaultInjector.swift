import HandoffContract
import Synchronization

/// What to do with one request.
enum FaultDecision: Sendable, Equatable {
    case pass
    case fail
    case throttle(retryAfter: Int)
}

/// Per-workspace fault plans and their seeded generators. A workspace without a plan of its own
/// uses the default plan (from `handoff mock --fault-*`).
public final class FaultInjector: Sendable {
    private struct Entry {
        var plan: FaultPlan
        var generator: SplitMix64
    }
    private let entries = Mutex<[Int64: Entry]>([:])
    private let defaultPlan: FaultPlan

    /// Creates an injector whose workspaces start with `defaultPlan`.
    public init(defaultPlan: FaultPlan = .init()) {
        self.defaultPlan = defaultPlan
    }

    /// The plan of a workspace.
    public func plan(_ workspace: Int64) -> FaultPlan {
        entries.withLock { $0[workspace]?.plan ?? defaultPlan }
    }

    /// Replaces a workspace's plan and restarts its draws from the plan's seed.
    public func set(_ plan: FaultPlan, for workspace: Int64) {
        entries.withLock { $0[workspace] = Entry(plan: plan, generator: SplitMix64(seed: plan.seed)) }
    }

    /// Draws the fate of one request; also returns the latency to add.
    func decide(_ workspace: Int64) -> (FaultDecision, latencyMs: Int) {
        if defaultPlan.isEmpty, entries.withLock({ $0.isEmpty }) { return (.pass, 0) }
        return entries.withLock { entries in
            var entry = entries[workspace] ?? Entry(plan: defaultPlan, generator: SplitMix64(seed: defaultPlan.seed))
            defer { entries[workspace] = entry }
            let plan = entry.plan
            if plan.errorRate == 0 && plan.throttleRate == 0 { return (.pass, plan.latencyMs) }
            let draw = entry.generator.unit()
            if draw < plan.errorRate { return (.fail, plan.latencyMs) }
            if draw < plan.errorRate + plan.throttleRate { return (.throttle(retryAfter: plan.retryAfterSeconds), plan.latencyMs) }
            return (.pass, plan.latencyMs)
        }
    }

    /// Whether one webhook attempt of the workspace fails by plan.
    func failWebhook(_ workspace: Int64) -> Bool {
        if defaultPlan.isEmpty, entries.withLock({ $0.isEmpty }) { return false }
        return entries.withLock { entries in
            var entry = entries[workspace] ?? Entry(plan: defaultPlan, generator: SplitMix64(seed: defaultPlan.seed))
            defer { entries[workspace] = entry }
            guard entry.plan.webhookFailureRate > 0 else { return false }
            return entry.generator.unit() < entry.plan.webhookFailureRate
        }
    }
}
