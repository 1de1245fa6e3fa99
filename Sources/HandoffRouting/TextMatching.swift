import Foundation

/// How a user's typed reply is compared with choice labels, synonyms and cancel words.
///
/// Both sides are folded the same way: case and accents are ignored (`Facturación`, `facturacion`
/// and `FACTURACION` are one word), whitespace and punctuation are trimmed from both ends
/// (`"Billing!"`, `"  billing. "`), and runs of inner whitespace count as one space. Inner
/// punctuation is kept (`e-mail` is not `email`).
public enum TextMatching: Sendable {
    /// The folded form of `text` used for every comparison.
    public static func fold(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: trimmable)
        let folded = trimmed.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The choice number a reply names (`"2"`, `"2."`, `"#2"`), if it is one.
    public static func number(in text: String) -> Int? {
        let folded = fold(text)
        guard !folded.isEmpty, folded.allSatisfy(\.isASCII) else { return nil }
        return Int(folded)
    }

    private static let trimmable = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)

    /// The edit distance between two strings, for "did you mean" suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The closest of `candidates` to `word` (ignoring case), if one is close enough to be a typo.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = candidates.map { ($0, editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(1, min(3, word.count / 3)) ? best.0 : nil
    }
}
