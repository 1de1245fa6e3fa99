import Foundation
import HandoffContract
import Testing

@Suite("ISO 8601 time text")
struct ISO8601TimeTests {
    /// Foundation's formatter, the reference the hand-written one must match.
    static func reference(_ date: Date, fractional: Bool) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }

    @Test("the same text as Foundation's formatter, with and without milliseconds, over 4,000 instants")
    func matchesFoundation() {
        var random = SplitMix64(seed: 20_261_204)
        var instants: [Double] = [0, -1, 86_399.999, 951_782_400, 1_709_164_800.5, 4_102_444_800, 1_764_866_405.123]
        for _ in 0..<4_000 {
            // 1901…2100, with a millisecond part.
            let seconds = Double(random.next() % 6_311_390_400) - 2_177_452_800
            instants.append(seconds + Double(random.next() % 1000) / 1000)
        }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(ISO8601Time.string(date) == Self.reference(date, fractional: false), "\(instant)")
            #expect(ISO8601Time.string(date, fractionalSeconds: true) == Self.reference(date, fractional: true), "\(instant)")
        }
    }

    @Test("a known instant")
    func known() {
        let date = Date(timeIntervalSince1970: 1_764_866_405.123)
        #expect(ISO8601Time.string(date) == "2025-12-04T16:40:05Z")
        #expect(ISO8601Time.string(date, fractionalSeconds: true) == "2025-12-04T16:40:05.123Z")
    }
}
