/// A clock that runs `factor` times faster than `ContinuousClock`: a persona's "accept after 2 s" takes
/// 20 ms of real time at factor 100. For tests and demos of scripted agents; the order of what happens
/// is the same as in real time, only sooner.
public struct AcceleratedClock: Clock, Sendable {
    /// A point on the accelerated clock: time elapsed since the clock was made, sped up.
    public struct Instant: InstantProtocol, Sendable {
        /// Accelerated time since the clock's origin.
        public var offset: Duration

        /// Creates an instant.
        public init(offset: Duration) { self.offset = offset }

        /// This instant moved by `duration`.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }

        /// The accelerated time from this instant to `other`.
        public func duration(to other: Instant) -> Duration { other.offset - offset }

        /// Earlier instants sort first.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    /// How many accelerated seconds pass per real second.
    public let factor: Int
    private let origin: ContinuousClock.Instant

    /// Creates a clock `factor` times faster than real time (at least 1).
    public init(factor: Int) {
        self.factor = max(1, factor)
        self.origin = .now
    }

    /// Now, on this clock.
    public var now: Instant { Instant(offset: (ContinuousClock.now - origin) * factor) }

    /// The smallest step it tells apart.
    public var minimumResolution: Duration { ContinuousClock().minimumResolution * factor }

    /// Sleeps until `deadline` on this clock (that is, `factor` times shorter in real time).
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero { try await Task.sleep(for: remaining / factor) }
    }
}
