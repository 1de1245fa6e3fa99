import HandoffContract

extension DynamicRule {
    /// Whether this rule applies whenever `later` applies, so that `later`, placed after it, can never win.
    ///
    /// Sound but not complete: it holds when each of this rule's conditions is implied by a single
    /// condition of `later` (see ``Condition/implies(_:)``). Implications that need two conditions of
    /// `later` together are not detected, so a rule reported as shadowed really is, but not every
    /// dead rule is reported.
    func appliesWhenever(_ later: DynamicRule) -> Bool {
        conditions.allSatisfy { mine in later.conditions.contains { $0.implies(mine) } }
    }
}

extension Condition {
    /// Whether every set of values that satisfies this condition also satisfies `other`.
    ///
    /// Only conditions on the same attribute or slot imply each other:
    /// - `equals v` implies `equals v`, `in L` when v is in L, `notEquals w` when w ≠ v, `exists: true`;
    /// - `in L` implies `in M` when L ⊆ M, `equals v` when every value of L is v, `notEquals w` when
    ///   w is not in L, `exists: true`;
    /// - `notEquals w` implies `notEquals w` and `exists: true` (it needs a present value);
    /// - `exists: b` implies `exists: b`.
    func implies(_ other: Condition) -> Bool {
        guard source == other.source, key == other.key else { return false }
        switch (test, other.test) {
        case (.exists(let a), .exists(let b)): return a == b
        case (.equals, .exists(true)), (.notEquals, .exists(true)), (.oneOf, .exists(true)): return true
        case (.equals(let v), .equals(let w)): return v == w
        case (.equals(let v), .oneOf(let list)): return list.contains(v)
        case (.equals(let v), .notEquals(let w)): return v != w
        case (.oneOf(let list), .oneOf(let other)): return list.allSatisfy(other.contains)
        case (.oneOf(let list), .equals(let v)): return list.allSatisfy { $0 == v }
        case (.oneOf(let list), .notEquals(let w)): return !list.contains(w)
        case (.notEquals(let v), .notEquals(let w)): return v == w
        default: return false
        }
    }
}
