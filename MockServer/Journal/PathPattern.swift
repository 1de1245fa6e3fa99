/// A path pattern: an exact path or a glob (`/v1/conversations/*/messages`: `*` stays within one
/// segment, `**` crosses segments, `?` is one character other than `/`).
///
/// Matching takes time linear in the path, whatever the pattern: the pattern is compiled to a small
/// automaton whose states are the bits of a fixed-size set, and each character of the path is one step.
/// Regular expressions are refused, because a backtracking one can take exponential time on a single
/// path and stall every request behind it.
public struct PathPattern: Sendable {
    /// The longest pattern accepted, in characters.
    public static let maxLength = 240

    /// The pattern as given.
    public let text: String
    private let tokens: [Token]
    /// For each literal character of the pattern, the states that accept it.
    private let literals: [Character: StateSet]
    /// States that accept any character but `/` (`?`).
    private let anyButSlash: StateSet
    /// States of `*` (loop on anything but `/`) and of `**` (loop on anything).
    private let stars: StateSet
    private let doubleStars: StateSet

    private enum Token: Sendable, Equatable {
        case literal(Character)
        case one
        case star
        case doubleStar
    }

    /// Parses a pattern; an empty, too long or regular-expression pattern is ``PathPatternError``.
    public init(_ text: String) throws(PathPatternError) {
        self.text = text
        if text.hasPrefix("^") {
            throw PathPatternError(
                pattern: text,
                reason: "regular expressions are not supported (one can take exponential time); use a glob: "
                    + "`*` matches within one segment, `**` across segments, `?` one character")
        }
        guard text.count <= Self.maxLength else {
            throw PathPatternError(pattern: String(text.prefix(40)) + "…", reason: "longer than \(Self.maxLength) characters")
        }
        var tokens: [Token] = []
        var characters = Array(text)[...]
        while let first = characters.popFirst() {
            switch first {
            case "*":
                if characters.first == "*" {
                    characters.removeFirst()
                    while characters.first == "*" { characters.removeFirst() }
                    tokens.append(.doubleStar)
                } else {
                    tokens.append(.star)
                }
            case "?": tokens.append(.one)
            default: tokens.append(.literal(first))
            }
        }
        var literals: [Character: StateSet] = [:]
        var anyButSlash = StateSet()
        var stars = StateSet()
        var doubleStars = StateSet()
        for (index, token) in tokens.enumerated() {
            switch token {
            case .literal(let character): literals[character, default: StateSet()].insert(index)
            case .one: anyButSlash.insert(index)
            case .star: stars.insert(index)
            case .doubleStar: doubleStars.insert(index)
            }
        }
        self.tokens = tokens
        self.literals = literals
        self.anyButSlash = anyButSlash
        self.stars = stars
        self.doubleStars = doubleStars
    }

    /// True when the whole path matches.
    public func matches(_ path: String) -> Bool {
        var current = closure(StateSet(single: 0))
        for character in path {
            if current.isEmpty { return false }
            var accepting = literals[character] ?? StateSet()
            if character != "/" { accepting.formUnion(anyButSlash) }
            // Stay on a star, or step past the one token that accepts the character.
            var next = current.intersection(doubleStars)
            if character != "/" { next.formUnion(current.intersection(stars)) }
            next.formUnion(current.intersection(accepting).shiftedUp())
            current = closure(next)
        }
        return current.contains(tokens.count)
    }

    /// Adds the states reachable without reading a character: past any run of stars.
    private func closure(_ states: StateSet) -> StateSet {
        var states = states
        let anyStar = stars.union(doubleStars)
        while true {
            let grown = states.union(states.intersection(anyStar).shiftedUp())
            if grown == states { return states }
            states = grown
        }
    }
}

/// A set of automaton states 0…255, as four words of bits.
struct StateSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(single index: Int) { insert(index) }

    var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }

    mutating func insert(_ index: Int) {
        let bit = UInt64(1) << UInt64(index % 64)
        switch index / 64 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    func contains(_ index: Int) -> Bool {
        let bit = UInt64(1) << UInt64(index % 64)
        switch index / 64 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    func union(_ other: StateSet) -> StateSet {
        var result = self
        result.formUnion(other)
        return result
    }

    mutating func formUnion(_ other: StateSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    func intersection(_ other: StateSet) -> StateSet {
        var result = StateSet()
        result.words = (words.0 & other.words.0, words.1 & other.words.1, words.2 & other.words.2, words.3 & other.words.3)
        return result
    }

    /// Every state moved one up (state i becomes i + 1).
    func shiftedUp() -> StateSet {
        var result = StateSet()
        result.words = (
            words.0 << 1, (words.1 << 1) | (words.0 >> 63), (words.2 << 1) | (words.1 >> 63), (words.3 << 1) | (words.2 >> 63)
        )
        return result
    }

    static func == (lhs: StateSet, rhs: StateSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }
}

/// A path pattern that cannot be used.
public struct PathPatternError: Error, Sendable, CustomStringConvertible {
    /// The pattern.
    public var pattern: String
    /// What is wrong with it.
    public var reason: String
    /// One line for people.
    public var description: String { "'\(pattern)': \(reason)" }
}
