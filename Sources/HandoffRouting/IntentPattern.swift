/// An intent pattern from a rules file: an exact intent name or a dotted-segment wildcard.
///
/// - `billing.refund` is **exact**: it matches the intent `billing.refund` and nothing else.
/// - `billing.*` is a **wildcard**: it matches every intent that starts with the whole segment
///   `billing` and has at least one segment after it — `billing.refund`, `billing.refund.partial` —
///   but not `billing` itself, and not `billingx.y` (segments are compared whole, never as string
///   prefixes: `me.a.Pay.*` does not match `me.a.PayLater.x`, and `me.a.Pay` never matches
///   `me.a.PayLater`).
///
/// Intents and patterns are compared case-sensitively, segment by segment. An intent with an empty
/// segment (`billing..refund`, `billing.`) matches no pattern.
///
/// When several patterns match one intent, ``isMoreSpecific(than:)`` orders them: an exact pattern
/// beats any wildcard, and a wildcard with more segments beats one with fewer.
public struct IntentPattern: Sendable, Hashable, CustomStringConvertible {
    /// All segments of an exact pattern, or the segments before `*` of a wildcard.
    public let segments: [String]
    /// True for `prefix.*`.
    public let isWildcard: Bool
    /// The line of the rules file the pattern was read from; nil for patterns built in code.
    public var line: Int?

    /// Parses a pattern such as `billing.refund` or `billing.*`.
    ///
    /// - Throws: ``IntentPatternError`` when the text is empty, has an empty segment or whitespace,
    ///   uses `*` anywhere but as the whole last segment, or is a bare `*`.
    public init(parsing text: String, line: Int? = nil) throws(IntentPatternError) {
        guard !text.isEmpty else { throw .empty }
        guard !text.contains(where: \.isWhitespace) else { throw .whitespace(text) }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains("") else { throw .emptySegment(text) }
        let wildcard = parts.last == "*"
        if wildcard { parts.removeLast() }
        if parts.isEmpty { throw .matchesEverything }
        if parts.contains("*") { throw .wildcardNotLast(text) }
        if parts.contains(where: { $0.contains("*") }) { throw .partialWildcard(text) }
        self.segments = parts
        self.isWildcard = wildcard
        self.line = line
    }

    /// The pattern as written: `billing.refund` or `billing.*`.
    public var text: String {
        isWildcard ? segments.joined(separator: ".") + ".*" : segments.joined(separator: ".")
    }

    /// The pattern as written.
    public var description: String { text }

    /// Whether `intent` matches, comparing whole dot-separated segments.
    public func matches(_ intent: String) -> Bool {
        guard let intentSegments = Self.segments(ofIntent: intent) else { return false }
        if isWildcard {
            return intentSegments.count > segments.count && Array(intentSegments.prefix(segments.count)) == segments
        }
        return intentSegments == segments
    }

    /// Whether this pattern wins over `other` when both match one intent: exact beats wildcard,
    /// then more segments beat fewer. Two patterns with the same text are equally specific.
    public func isMoreSpecific(than other: IntentPattern) -> Bool {
        if isWildcard != other.isWildcard { return !isWildcard }
        return segments.count > other.segments.count
    }

    /// The segments of an intent name, or nil when it has an empty segment (and so matches nothing).
    static func segments(ofIntent intent: String) -> [String]? {
        let parts = intent.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.contains("") ? nil : parts
    }
}

/// Why a text is not an intent pattern.
public enum IntentPatternError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pattern is empty.
    case empty
    /// The pattern contains whitespace.
    case whitespace(String)
    /// Two dots in a row, or a dot at either end.
    case emptySegment(String)
    /// A bare `*`, which would match every intent.
    case matchesEverything
    /// `*` before the last segment, as in `*.refund` or `billing.*.partial`.
    case wildcardNotLast(String)
    /// `*` inside a segment, as in `bill*`.
    case partialWildcard(String)

    /// A sentence for people, naming the fix.
    public var description: String {
        switch self {
        case .empty: "an intent pattern cannot be empty"
        case .whitespace(let text): "intent pattern '\(text)' contains whitespace"
        case .emptySegment(let text):
            "intent pattern '\(text)' has an empty segment (two dots in a row, or a dot at an end)"
        case .matchesEverything: "'*' alone would match every intent; set `fallback` instead"
        case .wildcardNotLast(let text):
            "intent pattern '\(text)': '*' is only allowed as the last segment, as in 'billing.*'"
        case .partialWildcard(let text):
            "intent pattern '\(text)': '*' must be a whole segment ('billing.*'), never part of one ('bill*')"
        }
    }
}
