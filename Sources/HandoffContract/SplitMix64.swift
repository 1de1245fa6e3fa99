/// SplitMix64: a small, fast, seedable generator, so anything drawn at random (fault plans,
/// retry jitter, scripted agents) replays exactly from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's state; the seed to start from.
    public var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
